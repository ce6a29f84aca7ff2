"""Ruled PDF tables → (page, text) lines: captions and notes as plain lines, every row as tab-separated cells.

The cell grid is collapsed to the columns that hold text, cells wrapped onto the next grid row are joined
back, a label whose amounts sit one grid row lower is one row, and a table continued on the next page is laid
out over all its pages together (a repeated title, unit line or header dropped).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rag.ingest.readers.pdf_lines import chars_to_lines, join_wrapped, visible_chars
from rag.text.numbers import parse_decimal

if TYPE_CHECKING:
    import pdfplumber.table

_ITEM_START_RE = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}\s*[.．、]|其中|合\s*计|小\s*计|总\s*计)"
)
_CODE_RE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
CAPTION_RE = re.compile(
    r"单\s*位\s*[：:]|^(?:编制部门|预算主管部门|预算单位|主管部门|部\s*门|单位名称|部门名称)\s*[：:]|^(?:预算|部门|单位)?公开\s*\d*\s*表"
)
LABEL_RE = re.compile(
    r"^(?:(?:预算|部门|单位)?公开\s*表\s*(?:[一二三四五六七八九十]+|\d+)|(?:预算|部门|单位)?公开\s*0?\d+\s*表"
    r"|表\s*(?:[一二三四五六七八九十]+|\d+))$"
)
TITLE_END_RE = re.compile(r"表(?:\s*[（(][^）)]{0,24}[）)])?$")


@dataclass
class Cell:
    page: int
    row: int
    """Grid row (index into the table's row tops, over all its pages)."""
    x0: float
    top: float
    x1: float
    bottom: float
    text: str = ""
    lines: list[str] = field(default_factory=list)
    """The text as printed, line by line (captions keep their lines)."""
    tx0: float = 0.0
    tx1: float = 0.0
    size: float = 10.0
    g0: int = 0
    """First and last grid column the cell covers."""
    g1: int = 0
    col: int = -1
    """Logical column after collapsing."""

    @property
    def width(self) -> float:
        return self.x1 - self.x0


@dataclass
class Table:
    """One ruled table, possibly continued over several pages."""

    pages: list[int]
    x0: float
    x1: float
    cells: list[Cell] = field(default_factory=list)
    n_rows: int = 0
    row_page: list[int] = field(default_factory=list)


def _cluster(values: list[float], tolerance: float = 1.0) -> list[float]:
    """Sorted distinct values, merging those closer than `tolerance`."""
    out: list[float] = []
    for value in sorted(values):
        if not out or value - out[-1] > tolerance:
            out.append(value)
    return out


def _index(value: float, marks: list[float], tolerance: float = 1.0) -> int:
    best = min(range(len(marks)), key=lambda i: abs(marks[i] - value))
    return best if abs(marks[best] - value) <= tolerance else -1


def page_table(page_no: int, table: pdfplumber.table.Table, chars: list[dict]) -> Table:
    """pdfplumber table → cells with their text and text extent (rows numbered within this page)."""
    boxes = [tuple(cell) for cell in table.cells]
    tops = _cluster([box[1] for box in boxes])
    result = Table(pages=[page_no], x0=table.bbox[0], x1=table.bbox[2])
    x0, top, x1, bottom = table.bbox
    inside = [c for c in visible_chars(chars)
              if x0 - 1 <= (c["x0"] + c["x1"]) / 2 <= x1 + 1 and top - 1 <= (c["top"] + c["bottom"]) / 2 <= bottom + 1]  # fmt: skip
    by_cell: dict[int, list[dict]] = {}
    for char in inside:
        cx, cy = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
        best, best_area = -1, float("inf")
        for i, (bx0, btop, bx1, bbottom) in enumerate(boxes):
            if bx0 <= cx <= bx1 and btop <= cy <= bbottom:
                area = (bx1 - bx0) * (bbottom - btop)
                if area < best_area:
                    best, best_area = i, area
        if best >= 0:
            by_cell.setdefault(best, []).append(char)
    for i, (bx0, btop, bx1, bbottom) in enumerate(boxes):
        cell = Cell(page_no, _index(btop, tops), bx0, btop, bx1, bbottom)
        members = by_cell.get(i, [])
        if members:
            cell.lines = [line.text.strip() for line in chars_to_lines(members)]
            cell.text = ""
            for line in cell.lines:
                cell.text = join_wrapped(cell.text, line)
            cell.tx0 = min(c["x0"] for c in members)
            cell.tx1 = max(c["x1"] for c in members)
            sizes = sorted(c.get("size", 10.0) for c in members)
            cell.size = sizes[len(sizes) // 2]
        result.cells.append(cell)
    result.n_rows = len(tops)
    result.row_page = [page_no] * len(tops)
    return result


def continue_table(first: Table, second: Table) -> None:
    """Append a table's continuation on the next page (its rows numbered after the first's)."""
    for cell in second.cells:
        cell.row += first.n_rows
        first.cells.append(cell)
    first.n_rows += second.n_rows
    first.row_page += second.row_page
    first.pages += second.pages


def _is_number(text: str) -> bool:
    return parse_decimal(text.replace(" ", "")) is not None or bool(re.fullmatch(r"[-—–]+", text))


def _assign_columns(table: Table) -> int:
    """Collapse the grid to the columns that hold text; return the number of logical columns."""
    xs = _cluster([c.x0 for c in table.cells], 1.5)
    for cell in table.cells:
        cell.g0 = max(0, _index(cell.x0, xs, 1.5))
        cell.g1 = max(cell.g0, max((j for j, x in enumerate(xs) if x < cell.x1 - 1.5), default=cell.g0))
    bounds = [*xs, max(c.x1 for c in table.cells)]

    def landing(cell: Cell) -> int:
        centre = (cell.tx0 + cell.tx1) / 2
        for j in range(cell.g0, cell.g1 + 1):
            if bounds[j] <= centre < bounds[j + 1]:
                return j
        return cell.g0 if centre < bounds[cell.g0] else cell.g1

    kept: set[int] = set()
    texted = sorted((c for c in table.cells if c.text), key=lambda c: (c.g1 - c.g0, c.row))
    for cell in texted:
        land = landing(cell)
        inside = [j for j in kept if cell.g0 <= j <= cell.g1]
        if cell.g0 == cell.g1 or not inside:
            kept.add(land)
            cell.col = land
        else:  # a merged cell stands in the first column it spans, as in the spreadsheet it came from
            cell.col = min(inside)
    order = {j: i for i, j in enumerate(sorted(kept))}
    for cell in table.cells:
        if cell.text:
            cell.col = order[cell.col]
        else:  # an empty cell stands in the first kept column it covers, if any
            inside = [order[j] for j in range(cell.g0, cell.g1 + 1) if j in order]
            cell.col = inside[0] if inside else -1
    return len(kept)


def _fills(cell: Cell, slack: float = 3.0) -> bool:
    """The text runs (nearly) the whole width of its cell, `slack` characters short at most: a line that wrapped."""
    return cell.width - (cell.tx1 - cell.tx0) <= slack * cell.size


def is_data(text: str) -> bool:
    return bool(text) and (_is_number(text) or bool(_CODE_RE.match(text)))


def _cell_above(starts: dict[int, list[Cell]], row: int, cell: Cell) -> Cell | None:
    """The cell right above `cell` when it has exactly the same width (the same spreadsheet column)."""
    for above in range(row - 1, max(-1, row - 4), -1):
        over = [a for a in starts.get(above, []) if a.x0 < cell.x1 - 1.5 and a.x1 > cell.x0 + 1.5]
        if over:
            same = len(over) == 1 and abs(over[0].x0 - cell.x0) <= 1.5 and abs(over[0].x1 - cell.x1) <= 1.5
            return over[0] if same else None
    return None


def _join_wrapped_rows(table: Table) -> None:
    """Join cells wrapped onto the next grid row back into the cell above, so that a row is whole.

    A fragment (text, no number or code, not the start of a new item) joins the cell right above it when that
    cell has the same width and text that fills it. Among the data rows a grid row is joined only when every
    cell starting in it is such a fragment (its other columns are covered by taller cells from above), which
    keeps a label-only row such as 专项收入 under a long label apart; at the top of a continuation page a
    row with empty cells joins only when the text above fills its cell to within 3/4 of a character (a row cut
    by the page break); in the header every fragment joins. Captions (部门：…, 单位：…) never join.
    """
    starts: dict[int, list[Cell]] = {}
    for cell in table.cells:
        starts.setdefault(cell.row, []).append(cell)
    first_data = min((c.row for c in table.cells if is_data(c.text)), default=table.n_rows)
    for row in range(1, table.n_rows):
        own = starts.get(row, [])
        texts = [c for c in own if c.text]
        if not texts or any(is_data(c.text) for c in texts):
            continue
        page_break = table.row_page[row] != table.row_page[row - 1]
        partial = row < first_data and not page_break
        tight = page_break and len(texts) != len(own)  # a printed row cut by the page break, its cells framed
        if not partial and not tight and len(texts) != len(own):
            continue
        pairs = []
        for cell in texts:
            target = _cell_above(starts, row, cell)
            ok = (target is not None and bool(target.text) and not is_data(target.text)
                  and _fills(target, 0.75 if tight else 3.0)
                  and not _ITEM_START_RE.match(cell.text) and not CAPTION_RE.search(target.text)
                  and not CAPTION_RE.search(cell.text)
                  and (target.row == row - 1 if page_break else target.page == cell.page))  # fmt: skip
            if ok:
                pairs.append((target, cell))
            elif not partial:
                pairs = []
                break
        for target, fragment in pairs:
            target.text = join_wrapped(target.text, fragment.text)
            target.lines += fragment.lines
            target.tx0, target.tx1 = min(target.tx0, fragment.tx0), max(target.tx1, fragment.tx1)
            target.bottom = fragment.bottom if fragment.page == target.page else target.bottom
            starts[row].remove(fragment)
            table.cells.remove(fragment)


def _is_caption(cells: list[Cell]) -> bool:
    """A title, label, unit or department line printed inside the table's frame (a group header spanning the
    whole width, such as 财政拨款“三公”经费, is not: it names columns)."""
    if not cells or any(_is_number(c.text) for c in cells):
        return False
    lines = [line for cell in cells for line in (cell.lines or [cell.text])]
    return any(CAPTION_RE.search(line) or LABEL_RE.match(line) or TITLE_END_RE.search(line) for line in lines)


def _is_note(cells: list[Cell], table_width: float) -> bool:
    """A note under the table (注：…, 本表无数据) printed inside its frame."""
    if len(cells) != 1 or _is_number(cells[0].text) or _ITEM_START_RE.match(cells[0].text):
        return False
    text = cells[0].text
    return text.startswith(("注", "备注", "说明", "本表", "此表")) or cells[0].width >= 0.9 * table_width


def _has_data(texts: list[str]) -> bool:
    return any(_is_number(t) or _CODE_RE.match(t) for t in texts if t)


def _join_label_value_rows(by_row: dict[int, list[Cell]], table_width: float) -> None:
    """A label in a tall cell with its amounts one grid row lower (cells merged differently per column) is one
    row: join a row of amounts into the label-only row above when the label's cell reaches down into it and no
    column is filled twice."""
    previous: int | None = None
    for row in sorted(by_row):
        cells = by_row[row]
        above = by_row.get(previous) if previous is not None else None
        if above and any(_is_number(c.text) for c in cells) and not any(_is_number(c.text) for c in above):
            top = min(c.top for c in cells)
            reaches = any(c.bottom > top + 1 and c.page == cells[0].page for c in above)
            clash = {c.col for c in above} & {c.col for c in cells}
            caption = any(CAPTION_RE.search(c.text) or c.width >= 0.5 * table_width for c in above)
            if reaches and not clash and not caption:
                above += cells
                del by_row[row]
                continue
        previous = row


def table_lines(table: Table) -> list[tuple[int, str]]:
    """(page, text) lines of a table: captions and notes as plain lines, every row as tab-separated cells."""
    _join_wrapped_rows(table)
    width = _assign_columns(table)
    table_width = table.x1 - table.x0
    by_row: dict[int, list[Cell]] = {}
    for cell in table.cells:
        if cell.text and cell.col >= 0:
            by_row.setdefault(cell.row, []).append(cell)
    _join_label_value_rows(by_row, table_width)
    rows = sorted(by_row)
    out: list[tuple[int, str]] = []
    header: set[tuple[str, ...]] = set()
    seen_data = False
    last_page = table.row_page[rows[0]] if rows else 0
    head_of_page = True
    last_data = max((r for r in rows if _has_data([c.text for c in by_row[r]])), default=-1)
    for r in rows:
        cells = sorted(by_row[r], key=lambda c: (c.col, c.x0))
        page = table.row_page[r]
        if page != last_page:
            last_page, head_of_page = page, True
        texts = [""] * width
        for cell in cells:
            texts[cell.col] = join_wrapped(texts[cell.col], cell.text) if texts[cell.col] else cell.text
        key = tuple(texts)
        if head_of_page and key in header:
            continue  # the title, unit line or header repeated on the next page
        if not seen_data and _is_caption(cells):
            header.add(key)
            out += (
                [(page, line) for cell in cells[:1] for line in cell.lines]
                if len(cells) == 1
                else [(page, " ".join(c.text for c in cells))]
            )
            continue
        if r > last_data and _is_note(cells, table_width):
            out += [(page, line) for line in cells[0].lines]
            continue
        head_of_page = False
        if _has_data(texts):
            seen_data = True
        elif not seen_data:
            header.add(key)
        out.append((page, "\t".join(texts)))
    return out
