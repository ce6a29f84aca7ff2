"""Cells of a PDF-exported table: amounts, 科目编码, labels; and the repairs of rows the PDF grid split.

PDF grids wrap long cells over two rows ('2.政府性基金预' / '算'), print a value one row below its label, lose
the empty code cells of a total row, or lose every cell separator of a row ('30206 电费 235.00'). The repairs
here join such rows back only where the layout leaves no doubt.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from rag.text.numbers import parse_decimal as _parse_decimal
from rag.types import Line

_CODE_RE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
_SUBCODE_RE = re.compile(r"^\d{2}$")
_ORDINAL_START_RE = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}[、.．]|[①-⑳])"
)
EMPTY_NOTES = ("本表无数据", "此表无数据", "本表为空", "此表为空", "为空表", "无数据")
"""Phrases by which a table says it has nothing to show (its figures are 0 / not arranged)."""
TOTAL_LABELS = ("合计", "总计", "部门合计", "小计")


@lru_cache(maxsize=1 << 16)
def parse_decimal(cell: str) -> Decimal | None:
    """`rag.text.numbers.parse_decimal`, remembered: a table asks about the same cell many times."""
    return _parse_decimal(cell)


def says_empty(text: str) -> bool:
    return any(phrase in text for phrase in EMPTY_NOTES)


def split_cells(text: str) -> list[str]:
    return [cell.strip() for cell in text.split("\t")]


def is_code(cell: str) -> bool:
    return bool(_CODE_RE.match(cell))


def plain_label(cell: str) -> str:
    """'合 计' → '合计', '因 公 出 国 （ 境 ） 费用' → '因公出国（境）费用': spaces between CJK characters dropped."""
    return re.sub(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])", "", cell.strip())


def code_span(cells: list[str], start: int = 0) -> tuple[int, int, str] | None:
    """(first, last, code) of the first 科目编码 at or after `start`: one 3/5/7-digit cell ('2010302'), or
    类 | 款 | 项 split over cells ('201' | '06' | '01' → '2010601'). A name must follow it, not a number; past the
    first three cells (the right side of a two-sided table) a code must also follow an empty or numeric cell."""
    for i in range(start, len(cells)):
        cell = cells[i]
        if not is_code(cell):
            continue
        if i >= 3 and cells[i - 1] and parse_decimal(cells[i - 1]) is None:
            continue
        code, last = cell, i
        if len(cell) == 3:
            j = i + 1
            while j < len(cells) and j <= i + 2 and _SUBCODE_RE.match(cells[j]):
                code, last, j = code + cells[j], j, j + 1
            if last == i:
                while j < len(cells) and j <= i + 2 and not cells[j]:
                    last, j = j, j + 1  # '201 |  |  | 一般公共服务支出'
        if i >= 3 and len(code) == 3:
            continue
        after = next((c for c in cells[last + 1 :] if c), "")
        if after and parse_decimal(after) is None:
            return i, last, code
    return None


def code_cells(cells: list[str]) -> set[int]:
    """Every cell that belongs to a 科目编码 (both sides of a two-sided table)."""
    return set(_code_cells_of(tuple(cells)))


@lru_cache(maxsize=1 << 14)
def _code_cells_of(cells: tuple[str, ...]) -> frozenset[int]:
    out: set[int] = set()
    span = code_span(list(cells))
    while span:
        out |= set(range(span[0], span[1] + 1))
        span = code_span(list(cells), span[1] + 1)
    return frozenset(out)


def numeric_cells(cells: list[str], skip: set[int]) -> list[int]:
    return [i for i, cell in enumerate(cells) if i not in skip and parse_decimal(cell) is not None]


_FLAT_ROW_RE = re.compile(r"^\S+(?:\s+\S+){1,5}$")


def flat_row_cells(text: str) -> list[str] | None:
    """'30206 电费 235.00' — a row whose cell separators the export lost — as cells; None for prose."""
    stripped = text.strip()
    if "\t" in stripped or len(stripped) > 60 or re.search(r"[。；，,：:、]", stripped.replace(",", "")):
        return None
    if not _FLAT_ROW_RE.match(stripped):
        return None
    cells = stripped.split()
    numeric_end = parse_decimal(cells[-1]) is not None
    return cells if numeric_end and (is_code(cells[0]) or parse_decimal(cells[0]) is None) else None


def _is_fragment(cell: str) -> bool:
    """A short piece of a wrapped cell ('算', '费', '资金'), not an item of its own ('上年结转' is one)."""
    label = plain_label(cell)
    return (
        0 < len(label) <= 3
        and parse_decimal(label) is None
        and not is_code(label)
        and label not in TOTAL_LABELS
        and not _ORDINAL_START_RE.match(label)
        and not says_empty(label)
    )


def _text_at(cells: list[str], i: int) -> str:
    cell = cells[i] if i < len(cells) else ""
    return cell if cell and parse_decimal(cell) is None else ""


def merge_wrapped_rows(items: list[tuple[Line, list[str]]]) -> list[tuple[Line, list[str]]]:
    """Join rows the PDF grid split: a row of short text fragments continues the cells above it, and a value
    whose label is on the row above (and empty there) moves up to it. Only unambiguous cases are joined."""
    out: list[tuple[Line, list[str]]] = []
    for line, raw in items:
        cells = list(raw)
        if out and _merge_fragments(out, line, cells):
            continue
        if out and line.no - out[-1][0].no == 1:
            _move_orphan_values(out[-1][1], cells)
            if not any(cells):
                continue
        out.append((line, cells))
    return out


def _merge_fragments(out: list[tuple[Line, list[str]]], line: Line, cells: list[str]) -> bool:
    filled = [i for i, cell in enumerate(cells) if cell]
    if not filled or not all(_is_fragment(cells[i]) for i in filled):
        return False
    targets: dict[int, list[str]] = {}
    for i in filled:
        for back in range(len(out) - 1, max(len(out) - 3, -1), -1):
            above_line, above = out[back]
            if line.no - above_line.no > 3:
                break
            text = _text_at(above, i)
            if text:
                if len(plain_label(text)) >= 4 and not text.endswith(("：", ":")):
                    targets[i] = above
                break
            if i < len(above) and above[i]:
                break  # a number above: not a wrapped label
        if i not in targets:
            return False
    for i, above in targets.items():
        above[i] = above[i] + cells[i]
    return True


def _move_orphan_values(above: list[str], cells: list[str]) -> None:
    """Move values of `cells` up into `above` when their label stands there: a row of bare numbers under a
    row of bare labels, or (two-sided tables) a value whose nearest label to the left is on the row above."""
    if code_cells(cells):
        return
    code_above = code_cells(above)
    numeric = [i for i, cell in enumerate(cells) if cell and parse_decimal(cell) is not None]
    if not numeric:
        return
    text_cells = [i for i, cell in enumerate(cells) if cell and i not in numeric]
    above_numeric = [
        i for i, c in enumerate(above) if c and parse_decimal(c) is not None and i not in code_above
    ]
    above_text = [i for i, c in enumerate(above) if c and parse_decimal(c) is None]
    if not above_text:
        return
    if not text_cells and not above_numeric:
        if all(j >= len(above) or not above[j] for j in numeric):
            _move(above, cells, numeric)  # '301 | | 工资福利支出 | | ' / ' | | | | 10,204.52'
        return
    for j in numeric:
        a = max((c for c in above_text if c < j), default=-1)
        b = max((c for c in range(j) if cells[c]), default=-1)
        if a > b and not any(c < len(above) and above[c] for c in range(a + 1, j + 1)):
            _move(above, cells, [j])


def _move(above: list[str], cells: list[str], indexes: list[int]) -> None:
    for j in indexes:
        above.extend([""] * (j + 1 - len(above)))
        above[j], cells[j] = cells[j], ""


def align_short_rows(rows: list[tuple[Line, list[str]]], width: int) -> list[tuple[Line, list[str]]]:
    """A row that lost its empty code cells ('合计 | 156,211,123 | 99,706,020 | 56,505,103' under
    '类 | 款 | 项 | 名称 | 合计 | 基本支出 | 项目支出') gets its amounts moved right, onto the columns that hold
    amounts in the full rows, when they do not already stand on such columns."""
    value_columns = {
        i for _, cells in rows if len(cells) == width for i in numeric_cells(cells, code_cells(cells))
    }
    out = []
    for line, cells in rows:
        numeric = numeric_cells(cells, code_cells(cells))
        shift = width - len(cells)
        if (
            numeric
            and shift > 0
            and value_columns
            and not set(numeric) <= value_columns
            and all(i + shift in value_columns for i in numeric)
            and numeric == list(range(numeric[0], len(cells)))
        ):
            cells = cells[: numeric[0]] + [""] * shift + cells[numeric[0] :]
        out.append((line, cells))
    return out
