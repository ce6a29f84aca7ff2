"""Table lines → `Table`: title, key, unit, header, columns and rows with labels, 科目编码 and values.

Tables arrive as tab-separated rows (text exports, PDF cell grids). Two-sided tables (收入 | 支出) are kept as
one row per line whose numeric cells each remember the label nearest to their left.
"""

from __future__ import annotations

import re
from decimal import Decimal

from rag.numbers import normalize_text, parse_decimal
from rag.types import Line, Row, Table

TABLE_KEYS: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
    # (key, all of these words, none of these words) — first match wins
    ("三公经费", ("三公",), ()),
    ("机关运行经费", ("机关运行经费",), ()),
    ("政府采购", ("政府采购",), ()),
    ("项目支出结转", ("项目支出", "结转"), ("不含上年结转",)),
    ("项目支出本年", ("项目支出",), ("绩效",)),
    ("国有资本经营", ("国有资本经营",), ()),
    ("政府性基金收入", ("政府性基金", "收入"), ()),
    ("政府性基金支出", ("政府性基金",), ()),
    ("基本支出经济分类", ("基本支出",), ()),
    ("财政拨款收支总表", ("财政拨款收支",), ()),
    ("一般公共预算支出", ("一般公共预算",), ()),
    ("财政拨款支出", ("财政拨款", "支出"), ()),
    ("收支总表", ("收支",), ()),
    ("收入总表", ("收入",), ()),
    ("支出总表", ("支出",), ()),
]
STANDARD_NUMBERS = {
    "收支总表": 1, "收入总表": 2, "支出总表": 3, "财政拨款收支总表": 4, "一般公共预算支出": 5,
    "基本支出经济分类": 6, "政府性基金收入": 7, "政府性基金支出": 8, "国有资本经营": 9, "三公经费": 10,
    "机关运行经费": 11, "项目支出本年": 12, "项目支出结转": 13,
}  # fmt: skip
"""Shanxi's 13-table numbering, used when a table's label is not printed."""

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_UNIT_RE = re.compile(r"单\s*位\s*[：:]\s*(万\s*元|亿\s*元|元|万)")
_CODE_RE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
_TOTAL_LABELS = ("合计", "总计", "部门合计", "小计")
_ORDINAL_LABEL_RE = re.compile(r"^[一二三四五六七八九十]+、|^[（(][一二三四五六七八九十]+[）)]|^[①②③④⑤]")
_TITLE_NUMBER_RE = re.compile(r"^(?:表\s*[一二三四五六七八九十\d]+|[\d一二三四五六七八九十]+\s*[.．、]|公开\s*\d+\s*表)\s*")
LABEL_RE = re.compile(
    r"^(?:(?:预算|部门|单位)?公开表\s*(\d+)|公开\s*0?(\d+)\s*表|表\s*([一二三四五六七八九十]+|\d+))\s*$"
)


def cn_number(text: str) -> int | None:
    """'十二' → 12, '3' → 3."""
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _CN_DIGITS.get(text[1:], 0)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return _CN_DIGITS.get(tens, 0) * 10 + _CN_DIGITS.get(ones, 0)
    return _CN_DIGITS.get(text)


def label_number(label: str) -> int | None:
    """'预算公开表10' → 10, '公开03表' → 3."""
    match = LABEL_RE.match(label.strip())
    if not match:
        return None
    return cn_number(next(group for group in match.groups() if group))


def table_key(title: str) -> str:
    """The standard table kind a title names."""
    for key, wanted, unwanted in TABLE_KEYS:
        if all(word in title for word in wanted) and not any(word in title for word in unwanted):
            return key
    return "other"


def clean_title(title: str) -> str:
    """Drop a leading '表一' / '5．' numbering and TOC dots."""
    title = re.sub(r"[.…·]{2,}.*$", "", title).strip()
    return _TITLE_NUMBER_RE.sub("", title).strip()


def unit_of(text: str) -> str | None:
    """'单位：万元' → '万元'; a unit broken over a line ('单位：万') still reads as 万元."""
    match = _UNIT_RE.search(normalize_text(text))
    if not match:
        return None
    unit = match.group(1).replace(" ", "")
    return "万元" if unit == "万" else unit


_CJK_GAP_RE = re.compile(r"(?<=[\u4e00-\u9fff（）、])\s+(?=[\u4e00-\u9fff（）、])")


def split_cells(text: str) -> list[str]:
    """Tab-separated cells; a space inside a CJK word (a wrapped cell: '服 务') is removed."""
    return [_CJK_GAP_RE.sub("", cell.strip()) for cell in text.split("\t")]


def is_code(cell: str) -> bool:
    return bool(_CODE_RE.match(cell))


def _is_index_row(cells: list[str]) -> bool:
    """A '1 2 3 4 5' column-number row."""
    filled = [cell for cell in cells if cell]
    return len(filled) >= 3 and all(cell.isdigit() and int(cell) < 40 for cell in filled)


def _numeric_cells(cells: list[str], code_at: int | None) -> list[int]:
    return [i for i, cell in enumerate(cells) if i != code_at and parse_decimal(cell) is not None]


def _code_index(cells: list[str]) -> int | None:
    """Index of the 科目编码 cell: a 3/5/7-digit cell followed by a text cell."""
    for i, cell in enumerate(cells[:3]):
        if is_code(cell) and i + 1 < len(cells) and cells[i + 1] and parse_decimal(cells[i + 1]) is None:
            return i
    return None


_HEADER_WORDS = ("项目", "科目", "单位名称", "收入", "支出", "编码", "名称", "预算数", "合计")


def _is_data_row(cells: list[str], seen_data: bool, header: list[list[str]] | None = None) -> bool:
    if _is_index_row(cells):
        return False
    filled = [i for i, cell in enumerate(cells) if cell]
    if header and filled == [0] and not any(word in cells[0] for word in _HEADER_WORDS):
        return True  # a labelled row with every amount empty (因公出国（境）费 | | |)
    if seen_data:
        return any(cells)
    code_at = _code_index(cells)
    if code_at is not None or _numeric_cells(cells, code_at):
        return True
    first = cells[0] if cells else ""
    return first in _TOTAL_LABELS or bool(_ORDINAL_LABEL_RE.match(first))


def columns_from_header(header: list[list[str]], width: int) -> list[str]:
    """Name each cell index by the lowest non-empty header cell above it."""
    columns = []
    for i in range(width):
        name = ""
        for row in reversed(header):
            if i < len(row) and row[i]:
                name = row[i]
                break
        columns.append(name)
    return columns


def build_row(line: Line, cells: list[str], columns: list[str]) -> Row:
    """Row label, code and (column, value, label) triples; a number belongs to the text run left of it."""
    code_at = _code_index(cells)
    numeric = set(_numeric_cells(cells, code_at))
    values: list[tuple[str, Decimal, str]] = []
    run_label, label, in_text_run = "", "", False
    for i, cell in enumerate(cells):
        if i == code_at:
            continue
        if not cell:
            in_text_run = False  # an empty cell ends a label run: two-sided rows have empty value cells
            continue
        if i in numeric:
            column = columns[i] if i < len(columns) else ""
            value = parse_decimal(cell)
            if value is not None:
                values.append((column, value, run_label))
            in_text_run = False
        else:
            if not in_text_run:
                run_label = cell
                label = label or cell
            in_text_run = True
    code = cells[code_at] if code_at is not None else None
    return Row(line=line.no, cells=cells, label=label, code=code, values=values, page=line.page)


def build_table(title: str, label: str, lines: list[Line], default_unit: str = "万元") -> Table:
    """A table from its title, optional label and the lines under it (metadata, header, rows, notes)."""
    number = label_number(label) if label else None
    key = table_key(title)
    table = Table(title=clean_title(title), key=key, number=number, label=label, unit=default_unit)
    header: list[list[str]] = []
    rows: list[Row] = []
    notes: list[str] = []
    unit_found = False
    for line in lines:
        text = line.text
        if not text.strip():
            continue
        unit = unit_of(text)
        if unit and not unit_found:
            table.unit, unit_found = unit, True
        if "\t" not in text.strip() and not rows:
            if "本表无数据" in text or text.strip().startswith("注"):
                notes.append(text.strip())
            continue
        cells = split_cells(text)
        if not any(cells):
            continue
        if "\t" not in text.strip():
            if "本表无数据" in text or text.strip().startswith(("注", "备注", "说明")):
                notes.append(text.strip())
            continue
        if _is_index_row(cells):
            continue
        if not rows and not _is_data_row(cells, False, header):
            if unit_of(text) is None or len([c for c in cells if c]) > 2:
                header.append(cells)
            continue
        if header and cells == header[0] and rows:
            continue  # header repeated after a page break
        if _is_index_row(cells):
            continue
        columns = table.columns or columns_from_header(header, max(len(r) for r in [*header, cells]))
        table.columns = columns if len(columns) >= len(cells) else columns_from_header(header, len(cells))
        rows.append(build_row(line, cells, table.columns))
    table.header, table.rows, table.note = header, rows, " ".join(notes)
    if not table.columns:
        table.columns = columns_from_header(header, max((len(r) for r in header), default=0))
    table.empty = "本表无数据" in table.note or not any(row.values for row in rows)
    if lines:
        table.line_start = min(line.no for line in lines)
        table.line_end = max(line.no for line in lines if line.text.strip()) if any(
            line.text.strip() for line in lines
        ) else table.line_start
        table.page = lines[0].page
    return table
