"""Table lines → `Table`: title, key, unit, header, columns and rows with labels, 科目编码 and values.

Tables arrive as tab-separated rows (text exports, PDF cell grids). Two-sided tables (收入 | 支出) are kept as
one row per line whose numeric cells each remember the label nearest to their left. Rows the PDF grid split are
joined back first (`rag.ingest.parse.cells`). Header cells spanning several columns are resolved into a path per
column (`header_paths`), which is how items printed as columns of one row (Shanghai's 三公 table) are named.
Row-number columns (行次 / 栏次 / 序号, or headerless 1, 2, 3 … down the rows) and labelled column-number rows
('栏次 | 1 | 2') carry no amounts. Table kinds and header words are data: `layouts.json` (`rag.ingest.parse.layouts`).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from decimal import Decimal
from typing import NamedTuple

from rag.ingest.parse.cells import (  # is_code and split_cells are also this module's API (rag.ingest.chunk uses them)
    TOTAL_LABELS,
    align_short_rows,
    code_cells,
    code_span,
    flat_row_cells,
    is_code,
    merge_wrapped_rows,
    numeric_cells,
    parse_decimal,
    plain_label,
    says_empty,
    split_cells,
)
from rag.ingest.parse.layouts import (
    GENERIC_HEADER_WORDS,
    HEADER_WORDS,
    STANDARD_NUMBERS,
    TABLE_KEYS,
    is_index_label,
    is_row_number_header,
)
from rag.text.numbers import normalize_text
from rag.text.titles import LABEL_RE, clean_title, label_number, title_number
from rag.types import Line, Row, Table

__all__ = ["LABEL_RE", "STANDARD_NUMBERS", "build_table", "clean_title", "header_paths", "is_code", "match_header",
           "split_cells", "table_key", "title_number", "unit_of"]  # fmt: skip


_UNIT_RE = re.compile(r"单\s*位\s*[：:]\s*(万\s*元|亿\s*元|元|万)")
_ORDINAL_LABEL_RE = re.compile(r"^[一二三四五六七八九十]+、|^[（(][一二三四五六七八九十]+[）)]|^[①②③④⑤]")
_NOTE_STARTS = ("注", "备注", "说明", "数据来源")
_META_RE = re.compile(r"(?:部门名称|单位名称|编制部门|编制单位|预算主管部门|预算单位|主管部门|^部门)\s*[：:]")
_CODE_HEADER_CELLS = {"类", "款", "项"}


def table_key(title: str) -> str:
    """The standard table kind a title names."""
    title = normalize_text(title).replace(" ", "")
    for key, groups, unwanted in TABLE_KEYS:
        if any(all(word in title for word in group) for group in groups) and not any(
            w in title for w in unwanted
        ):
            return key
    return "other"


def unit_of(text: str) -> str | None:
    """'单位：万元' → '万元'; a unit broken over a line ('单位：万') still reads as 万元."""
    match = _UNIT_RE.search(normalize_text(text))
    if not match:
        return None
    unit = match.group(1).replace(" ", "")
    return "万元" if unit == "万" else unit


def is_meta_line(text: str) -> bool:
    """'部门名称：…', '编制单位：… 单位：元', '单位：万元' — the lines between a title and its header."""
    folded = normalize_text(text).strip().replace("\t", " ").strip()
    return bool(_META_RE.search(folded)) or unit_of(folded) is not None


def _is_index_row(cells: list[str]) -> bool:
    """A '1 2 3 4 5' column-number row, also when labelled ('栏次 | 1 | 2 | 3', '栏次 | | 1 | 栏次 | | 2',
    '** | 1 | 2 | 3')."""
    filled = [cell for cell in cells if cell]
    if len(filled) >= 3 and all(cell.isdigit() and int(cell) < 40 for cell in filled):
        return True
    labels = [cell for cell in filled if is_index_label(cell)]
    numbers = [cell for cell in filled if not is_index_label(cell)]
    return bool(labels) and bool(numbers) and all(cell.isdigit() for cell in numbers)


_HEADER_WORDS = HEADER_WORDS


def _is_data_row(cells: list[str], seen_data: bool, header: list[list[str]] | None = None) -> bool:
    if _is_index_row(cells):
        return False
    filled = [i for i, cell in enumerate(cells) if cell]
    if header and filled == [0] and not any(word in cells[0] for word in _HEADER_WORDS):
        return True  # a labelled row with every amount empty (因公出国（境）费 | | |)
    if seen_data:
        return any(cells)
    if code_cells(cells) or numeric_cells(cells, set()):
        return True
    first = plain_label(cells[filled[0]]) if filled else ""
    if len(filled) >= 3:
        return False  # '合计 | 因公出国（境）费 | 公务接待费 | …': column names, not a total row
    return first in TOTAL_LABELS or bool(_ORDINAL_LABEL_RE.match(first))


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


class HeaderPath(NamedTuple):
    """The header cells over one column, top to bottom; the last `own` of them stand in the column itself."""

    cells: list[str]
    own: int


def header_paths(header: list[list[str]], width: int) -> list[HeaderPath]:
    """For each column, the header cells that name it: the cells spanning it from the left in rows above its
    own cells, then its own cells.

    A spanning cell reaches right over empty cells until a cell of a row above it starts; so under
    '三公经费 | | | ' / '合计 | | 因公出国（境）费 | ' / '预算数 | 决算数 | 预算数 | 决算数' the fourth column is
    ['三公经费', '因公出国（境）费', '决算数']. Cells wrapped down one column ('公务接' / '待费') stay separate
    entries; `match_header` joins them.
    """
    rows = [[plain_label(normalize_text(c)) for c in row] + [""] * (width - len(row)) for row in header]
    paths = []
    for i in range(width):
        own = [r for r in range(len(rows)) if rows[r][i]]
        first = own[0] if own else len(rows)
        spanning = []
        for r in range(first):
            j = i - 1
            while j >= 0 and not rows[r][j]:
                j -= 1
            if j < 0 or any(rows[q][c] for q in range(r) for c in range(j + 1, i + 1)):
                continue
            spanning.append(rows[r][j])
        paths.append(HeaderPath(spanning + [rows[r][i] for r in own], len(own)))
    return paths


def is_generic_header(cell: str) -> bool:
    """'小计', '合计', '预算数', '2025年预算数': qualifies a column rather than naming an item."""
    cell = plain_label(cell)
    return cell in GENERIC_HEADER_WORDS or bool(re.fullmatch(r"(20\d{2}年度?)?(预算|决算)数?", cell))


def match_header(path: HeaderPath, wanted: Callable[[str], bool]) -> tuple[str, list[str]] | None:
    """The item a column's header names, if `wanted` accepts it: the deepest non-generic cell, joined with the
    wrapped fragments above it among the column's own cells; returned with the generic cells below it
    ('因公出国（境）费', ['决算数']). None when the deepest named cell is something else."""
    cells, qualifiers = path.cells, []
    k = len(cells) - 1
    while k >= 0 and is_generic_header(cells[k]):
        qualifiers.insert(0, cells[k])
        k -= 1
    if k < 0:
        return None
    lowest = len(cells) - path.own if k >= len(cells) - path.own else k
    for start in range(k, lowest - 1, -1):
        name = "".join(cells[start : k + 1])
        if wanted(name):
            return name, qualifiers
    return None


def build_row(
    line: Line, cells: list[str], columns: list[str], numbered: frozenset[int] = frozenset()
) -> Row:
    """Row label, code and (column, value, label) triples; a number belongs to the text run left of it. Cells
    of a row-number column (headed 行次 / 栏次 / 序号, or `numbered`) are no amounts."""
    span = code_span(cells)
    skip = code_cells(cells) | {i for i in numbered if i < len(cells) and cells[i].isdigit()}
    numeric = set(numeric_cells(cells, skip))
    values: list[tuple[str, Decimal, str]] = []
    run_label, label, in_text_run = "", "", False
    for i, cell in enumerate(cells):
        if i in skip:
            continue
        if not cell:
            in_text_run = False  # an empty cell ends a label run: two-sided rows have empty value cells
            continue
        if i in numeric and i < len(columns) and is_row_number_header(columns[i]) and cell.isdigit():
            continue  # a 行次 / 栏次 / 序号 cell: the row's number, not an amount
        if i in numeric:
            value = parse_decimal(cell)
            if value is not None:
                values.append((_column_name(columns, cells, i), value, run_label))
            in_text_run = False
        elif cell in _CODE_HEADER_CELLS and not label:
            continue  # '类 | 款 | 项 | 合计 | …': the code columns' header printed on the total row
        else:
            if not in_text_run:
                run_label = plain_label(cell)
                label = label or run_label
            in_text_run = True
    code = span[2] if span else None
    return Row(line=line.no, cells=cells, label=label, code=code, values=values, page=line.page)


def _column_name(columns: list[str], cells: list[str], i: int) -> str:
    """The header name over cell i; a value printed one cell off its (merged) header cell takes the neighbour's
    name when that neighbour is empty in this row."""
    name = columns[i] if i < len(columns) else ""
    if name:
        return name
    for j in (i + 1, i - 1):
        if 0 <= j < len(columns) and columns[j] and not (j < len(cells) and cells[j]):
            if j < i and any(word in columns[j] for word in ("名称", "编码", "代码", "项目")):
                continue
            return columns[j]
    return ""


def build_table(title: str, label: str, lines: list[Line], default_unit: str = "万元") -> Table:
    """A table from its title, optional label and the lines under it (metadata, header, rows, notes)."""
    number = label_number(label) if label else None
    number = number if number is not None else title_number(title)
    key = table_key(clean_title(title))
    table = Table(title=clean_title(title), key=key, number=number, label=label, unit=default_unit)
    grid: list[tuple[Line, list[str]]] = []
    notes: list[str] = []
    used: list[int] = []
    unit_found = False
    for line in lines:
        text = line.text
        if not text.strip():
            continue
        unit = unit_of(text)
        if unit and not unit_found:
            table.unit, unit_found = unit, True
        cells = split_cells(text)
        filled = [cell for cell in cells if cell]
        if not filled:
            continue
        if len(filled) == 1 and (says_empty(filled[0]) or filled[0].startswith(_NOTE_STARTS)):
            notes.append(filled[0])
            used.append(line.no)
            continue
        if "\t" not in text:
            flat = flat_row_cells(text) if grid else None
            if flat:
                grid.append((line, flat))
                used.append(line.no)
            elif unit or is_meta_line(text):
                used.append(line.no)
            continue
        if not grid and (unit or (is_meta_line(text) and len(filled) <= 3)):
            used.append(line.no)
            continue
        if _is_index_row(cells):
            continue
        grid.append((line, cells))
        used.append(line.no)
    split = _header_end(grid)
    header = [cells for _, cells in grid[:split]]
    data = [
        (line, cells) for line, cells in grid[split:] if cells not in header
    ]  # header repeated on a new page
    width = max((len(r) for r in [*header, *(cells for _, cells in data)]), default=0)
    table.columns = columns_from_header(header, width)
    table.header = header
    rows = align_short_rows(merge_wrapped_rows(data), width)
    numbered = _row_number_columns(rows, table.columns)
    table.rows = [build_row(line, cells, table.columns, numbered) for line, cells in rows]
    table.note = " ".join(notes)
    has_values = any(value for row in table.rows for _, value, _ in row.values)
    table.empty = not has_values and (says_empty(table.note) or not any(row.values for row in table.rows))
    if lines:
        table.line_start = min(line.no for line in lines)
        table.line_end = max(used) if used else table.line_start
        table.page = lines[0].page
    return table


def _row_number_columns(rows: list[tuple[Line, list[str]]], columns: list[str]) -> frozenset[int]:
    """Columns without a header of their own that number the rows: small whole numbers counting up by one down
    the table from 1 ('1 | 一、财政拨款 | 120.00' … '40 | 收入总计 | 25180591.33'), each right before a label."""
    out = set()
    width = max((len(cells) for _, cells in rows), default=0)
    for i in range(width):
        if i < len(columns) and columns[i]:
            continue
        numbers = []
        for _, cells in rows:
            cell = cells[i] if i < len(cells) else ""
            if not cell:
                continue
            labelled = any(c and parse_decimal(c) is None for c in cells[i + 1 : i + 3])
            if not (cell.isdigit() and len(cell) <= 3 and cell[0] != "0" and labelled):
                numbers = []
                break
            numbers.append(int(cell))
        steps = [b - a for a, b in itertools.pairwise(numbers)]
        if len(numbers) >= 4 and numbers[0] <= 2 and sum(step == 1 for step in steps) >= 0.8 * len(steps):
            out.add(i)
    return frozenset(out)


def _has_values(cells: list[str]) -> bool:
    return bool(code_cells(cells) or numeric_cells(cells, set()))


def _data_like(cells: list[str]) -> bool:
    """A row without amounts that is still an item: a lone label in the first cell ('因公出国（境）费 | | |'), or a
    total label with at most one more cell (' | 合计 | | |' whose amount wrapped to the next line)."""
    filled = [i for i, cell in enumerate(cells) if cell]
    if not filled:
        return False
    label = plain_label(cells[filled[0]])
    if filled == [0] and not any(word in label for word in _HEADER_WORDS):
        return True
    return (
        filled[0] <= 1
        and len(filled) <= 2
        and (label in TOTAL_LABELS or bool(_ORDINAL_LABEL_RE.match(label)))
    )


def _header_end(grid: list[tuple[Line, list[str]]]) -> int:
    """How many leading rows are header: those before the first row with amounts, less the item rows right
    above it; in a table without amounts, those before the first item row."""
    first = next((k for k, (_, cells) in enumerate(grid) if _has_values(cells)), None)
    if first is None:
        header: list[list[str]] = []
        for k, (_, cells) in enumerate(grid):
            if _is_data_row(cells, False, header):
                return k
            header.append(cells)
        return len(grid)
    while first > 0 and _data_like(grid[first - 1][1]):
        first -= 1
    return first
