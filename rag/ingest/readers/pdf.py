"""PDF files → numbered lines shaped like the text exports: body text in reading order, tables as cell rows.

What the parser gets from a PDF is what it gets from a text export, only cleaner:
- body text is rebuilt into lines from the characters, outside the tables, top to bottom on each page; a line
  holds every character that overlaps it vertically, so digits set in another font a few points lower stay in
  their sentence (a fixed y_tolerance cannot do that for an 18 pt title);
- each ruled table (pdfplumber's lattice finder) becomes one tab-separated line per row at its place in the
  reading order; its caption rows (title, 部门：… 单位：万元) and the notes under it become plain lines;
- the cell grid is collapsed to the columns that hold text (PDFs from spreadsheets carry hair-thin phantom
  columns and cells merged differently row by row), each cell going to the column its text stands in;
- a cell wrapped onto the next grid row (its text fills the cell and the rest sits in a cell of the same width
  right below) is joined back, so a row is whole; so is a label whose amounts sit one grid row lower;
- rows the table finder left out (a first or last row without its border) are taken back from the text;
- a table continued on the next page is one table: the columns are laid out over all its pages together, a
  repeated title, unit line or header is dropped, and a row cut by the page break is joined;
- a table label printed beside its title ('公开表一') is put before the title, as in the text exports;
- every line knows its 1-based page; line numbers run over the whole extracted text (a blank line separates
  pages, page-number lines are blanked as in the text reader).

A PDF without a text layer raises NeedsOCRError; an encrypted or damaged one raises InputError.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from rag.errors import InputError, NeedsOCRError
from rag.ingest.readers.text import WATERMARKS, clean_line
from rag.text.numbers import parse_decimal
from rag.types import Line, SourceText

log = logging.getLogger(__name__)

_CID_RE = re.compile(r"\(cid:\d+\)")
_ITEM_START_RE = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}\s*[.．、]|其中|合\s*计|小\s*计|总\s*计)"
)
_CODE_RE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
_CAPTION_RE = re.compile(
    r"单\s*位\s*[：:]|^(?:编制部门|预算主管部门|预算单位|主管部门|部\s*门|单位名称|部门名称)\s*[：:]|^(?:预算|部门|单位)?公开\s*\d*\s*表"
)
_LABEL_RE = re.compile(
    r"^(?:(?:预算|部门|单位)?公开\s*表\s*(?:[一二三四五六七八九十]+|\d+)|(?:预算|部门|单位)?公开\s*0?\d+\s*表"
    r"|表\s*(?:[一二三四五六七八九十]+|\d+))$"
)
_TITLE_END_RE = re.compile(r"表(?:\s*[（(][^）)]{0,24}[）)])?$")
_MIN_TEXT_CHARS = 20
"""Fewer visible characters than this in the whole file means there is no text layer."""


# --- characters → lines -------------------------------------------------------------------------------------


@dataclass
class _TextLine:
    top: float
    bottom: float
    x0: float
    x1: float
    size: float
    text: str
    segments: list[tuple[float, float, str]] = field(default_factory=list)
    """Runs of text separated by gaps wider than a character (x0, x1, text): the cells of an unruled row."""


def _visible(chars: list[dict]) -> list[dict]:
    return [c for c in chars if c.get("text", "").strip() and c["bottom"] > c["top"]]


def _join_chars(chars: list[dict], blanks: list[float] = ()) -> str:
    """Characters of one line, left to right; a space where the PDF has one (`blanks`: the x-centres of its
    space characters) or where the gap is wider than a third of the type size."""
    chars = sorted(chars, key=lambda c: c["x0"])
    parts: list[str] = []
    previous = None
    for char in chars:
        if previous is not None:
            gap = char["x0"] - previous["x1"]
            spaced = any(previous["x1"] - 0.5 <= x <= char["x0"] + 0.5 for x in blanks)
            if spaced or gap > 0.3 * max(char.get("size", 10), previous.get("size", 10), 1.0):
                parts.append(" ")
        parts.append(char["text"])
        previous = char
    return "".join(parts)


def _is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or char in "（）《》“”、，。：；"


def unspace(text: str) -> str:
    """Undo letter-spacing: '因 公 出 国 （ 境 ） 费用' → '因公出国（境）费用' (runs of spaced single CJK characters)."""
    if " " not in text:
        return text
    tokens = text.split(" ")
    out: list[str] = []
    i = 0
    while i < len(tokens):
        j = i
        while j < len(tokens) and len(tokens[j]) == 1 and _is_cjk(tokens[j]):
            j += 1
        if j - i >= 2:
            run = "".join(tokens[i:j])
            if j < len(tokens) and 0 < len(tokens[j]) <= 2 and _is_cjk(tokens[j][0]):  # '费用' closes the run
                run += tokens[j]
                j += 1
            out.append(run)
            i = j
        else:
            out.append(tokens[i])
            i += 1
    return " ".join(out)


def chars_to_lines(chars: list[dict]) -> list[_TextLine]:
    """Group characters into lines by vertical overlap with the line's first (highest) character.

    Digits in a Latin font often sit 0.4 em lower than the CJK text around them: they still overlap the line
    by more than a third of their height, while the next line does not.
    """
    lines: list[tuple[float, float, list[dict]]] = []
    for char in sorted(_visible(chars), key=lambda c: (round(c["top"], 1), c["x0"])):
        height = char["bottom"] - char["top"]
        for i in range(len(lines) - 1, max(-1, len(lines) - 4), -1):
            top, bottom, members = lines[i]
            overlap = min(bottom, char["bottom"]) - max(top, char["top"])
            if overlap >= 0.35 * min(height, bottom - top):
                members.append(char)
                break
        else:
            lines.append((char["top"], char["bottom"], [char]))
    spaces = [c for c in chars if c.get("text") == " " and c["bottom"] > c["top"]]
    out = []
    for top, bottom, members in lines:
        blanks = [(c["x0"] + c["x1"]) / 2 for c in spaces
                  if min(bottom, c["bottom"]) - max(top, c["top"]) >= 0.35 * min(bottom - top, c["bottom"] - c["top"])]  # fmt: skip
        sizes = sorted(c.get("size", bottom - top) for c in members)
        members.sort(key=lambda c: c["x0"])
        runs: list[list[dict]] = [[members[0]]]
        for char in members[1:]:
            if char["x0"] - runs[-1][-1]["x1"] > 1.0 * max(char.get("size", 10), 1.0):
                runs.append([])
            runs[-1].append(char)
        segments = [
            (run[0]["x0"], max(c["x1"] for c in run), unspace(_join_chars(run, blanks))) for run in runs
        ]
        out.append(_TextLine(top, bottom, min(c["x0"] for c in members), max(c["x1"] for c in members),
                             sizes[len(sizes) // 2], unspace(_join_chars(members, blanks)), segments))  # fmt: skip
    out.sort(key=lambda line: (line.top, line.x0))
    return out


def _join_wrapped(first: str, second: str) -> str:
    """Text wrapped inside a cell joins without a space, unless two Latin words meet."""
    if (
        first
        and second
        and first[-1].isascii()
        and first[-1].isalpha()
        and second[0].isascii()
        and second[0].isalpha()
    ):
        return f"{first} {second}"
    return first + second


# --- tables ---------------------------------------------------------------------------------------------------


@dataclass
class _Cell:
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
class _Table:
    """One ruled table, possibly continued over several pages."""

    pages: list[int]
    x0: float
    x1: float
    cells: list[_Cell] = field(default_factory=list)
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


def _page_table(page_no: int, table, chars: list[dict]) -> _Table:
    """pdfplumber table → cells with their text and text extent (rows numbered within this page)."""
    boxes = [tuple(cell) for cell in table.cells]
    tops = _cluster([box[1] for box in boxes])
    result = _Table(pages=[page_no], x0=table.bbox[0], x1=table.bbox[2])
    x0, top, x1, bottom = table.bbox
    inside = [c for c in _visible(chars)
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
        cell = _Cell(page_no, _index(btop, tops), bx0, btop, bx1, bbottom)
        members = by_cell.get(i, [])
        if members:
            cell.lines = [line.text.strip() for line in chars_to_lines(members)]
            cell.text = ""
            for line in cell.lines:
                cell.text = _join_wrapped(cell.text, line)
            cell.tx0 = min(c["x0"] for c in members)
            cell.tx1 = max(c["x1"] for c in members)
            sizes = sorted(c.get("size", 10.0) for c in members)
            cell.size = sizes[len(sizes) // 2]
        result.cells.append(cell)
    result.n_rows = len(tops)
    result.row_page = [page_no] * len(tops)
    return result


def _continue_table(first: _Table, second: _Table) -> None:
    """Append a table's continuation on the next page (its rows numbered after the first's)."""
    for cell in second.cells:
        cell.row += first.n_rows
        first.cells.append(cell)
    first.n_rows += second.n_rows
    first.row_page += second.row_page
    first.pages += second.pages


def _is_number(text: str) -> bool:
    return parse_decimal(text.replace(" ", "")) is not None or bool(re.fullmatch(r"[-—–]+", text))


def _assign_columns(table: _Table) -> int:
    """Collapse the grid to the columns that hold text; return the number of logical columns."""
    xs = _cluster([c.x0 for c in table.cells], 1.5)
    for cell in table.cells:
        cell.g0 = max(0, _index(cell.x0, xs, 1.5))
        cell.g1 = max(cell.g0, max((j for j, x in enumerate(xs) if x < cell.x1 - 1.5), default=cell.g0))
    bounds = [*xs, max(c.x1 for c in table.cells)]

    def landing(cell: _Cell) -> int:
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


def _fills(cell: _Cell, slack: float = 3.0) -> bool:
    """The text runs (nearly) the whole width of its cell, `slack` characters short at most: a line that wrapped."""
    return cell.width - (cell.tx1 - cell.tx0) <= slack * cell.size


def _is_data(text: str) -> bool:
    return bool(text) and (_is_number(text) or bool(_CODE_RE.match(text)))


def _cell_above(starts: dict[int, list[_Cell]], row: int, cell: _Cell) -> _Cell | None:
    """The cell right above `cell` when it has exactly the same width (the same spreadsheet column)."""
    for above in range(row - 1, max(-1, row - 4), -1):
        over = [a for a in starts.get(above, []) if a.x0 < cell.x1 - 1.5 and a.x1 > cell.x0 + 1.5]
        if over:
            same = len(over) == 1 and abs(over[0].x0 - cell.x0) <= 1.5 and abs(over[0].x1 - cell.x1) <= 1.5
            return over[0] if same else None
    return None


def _join_wrapped_rows(table: _Table) -> None:
    """Join cells wrapped onto the next grid row back into the cell above, so that a row is whole.

    A fragment (text, no number or code, not the start of a new item) joins the cell right above it when that
    cell has the same width and text that fills it. Among the data rows a grid row is joined only when every
    cell starting in it is such a fragment (its other columns are covered by taller cells from above), which
    keeps a label-only row such as 专项收入 under a long label apart; at the top of a continuation page a
    row with empty cells joins only when the text above fills its cell to within 3/4 of a character (a row cut
    by the page break); in the header every fragment joins. Captions (部门：…, 单位：…) never join.
    """
    starts: dict[int, list[_Cell]] = {}
    for cell in table.cells:
        starts.setdefault(cell.row, []).append(cell)
    first_data = min((c.row for c in table.cells if _is_data(c.text)), default=table.n_rows)
    for row in range(1, table.n_rows):
        own = starts.get(row, [])
        texts = [c for c in own if c.text]
        if not texts or any(_is_data(c.text) for c in texts):
            continue
        page_break = table.row_page[row] != table.row_page[row - 1]
        partial = row < first_data and not page_break
        tight = page_break and len(texts) != len(own)  # a printed row cut by the page break, its cells framed
        if not partial and not tight and len(texts) != len(own):
            continue
        pairs = []
        for cell in texts:
            target = _cell_above(starts, row, cell)
            ok = (target is not None and bool(target.text) and not _is_data(target.text)
                  and _fills(target, 0.75 if tight else 3.0)
                  and not _ITEM_START_RE.match(cell.text) and not _CAPTION_RE.search(target.text)
                  and not _CAPTION_RE.search(cell.text)
                  and (target.row == row - 1 if page_break else target.page == cell.page))  # fmt: skip
            if ok:
                pairs.append((target, cell))
            elif not partial:
                pairs = []
                break
        for target, fragment in pairs:
            target.text = _join_wrapped(target.text, fragment.text)
            target.lines += fragment.lines
            target.tx0, target.tx1 = min(target.tx0, fragment.tx0), max(target.tx1, fragment.tx1)
            target.bottom = fragment.bottom if fragment.page == target.page else target.bottom
            starts[row].remove(fragment)
            table.cells.remove(fragment)


def _is_caption(cells: list[_Cell]) -> bool:
    """A title, label, unit or department line printed inside the table's frame (a group header spanning the
    whole width, such as 财政拨款“三公”经费, is not: it names columns)."""
    if not cells or any(_is_number(c.text) for c in cells):
        return False
    lines = [line for cell in cells for line in (cell.lines or [cell.text])]
    return any(
        _CAPTION_RE.search(line) or _LABEL_RE.match(line) or _TITLE_END_RE.search(line) for line in lines
    )


def _is_note(cells: list[_Cell], table_width: float) -> bool:
    """A note under the table (注：…, 本表无数据) printed inside its frame."""
    if len(cells) != 1 or _is_number(cells[0].text) or _ITEM_START_RE.match(cells[0].text):
        return False
    text = cells[0].text
    return text.startswith(("注", "备注", "说明", "本表", "此表")) or cells[0].width >= 0.9 * table_width


def _has_data(texts: list[str]) -> bool:
    return any(_is_number(t) or _CODE_RE.match(t) for t in texts if t)


def _join_label_value_rows(by_row: dict[int, list[_Cell]], table_width: float) -> None:
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
            caption = any(_CAPTION_RE.search(c.text) or c.width >= 0.5 * table_width for c in above)
            if reaches and not clash and not caption:
                above += cells
                del by_row[row]
                continue
        previous = row


def table_lines(table: _Table) -> list[tuple[int, str]]:
    """(page, text) lines of a table: captions and notes as plain lines, every row as tab-separated cells."""
    _join_wrapped_rows(table)
    width = _assign_columns(table)
    table_width = table.x1 - table.x0
    by_row: dict[int, list[_Cell]] = {}
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
            texts[cell.col] = _join_wrapped(texts[cell.col], cell.text) if texts[cell.col] else cell.text
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


# --- pages ----------------------------------------------------------------------------------------------------


@dataclass
class _Element:
    page: int
    top: float
    text: _TextLine | None = None
    table: _Table | None = None


def _usable(table: _Table) -> bool:
    """A real table has text in two side-by-side columns somewhere (a framed paragraph has not)."""
    texted = [c for c in table.cells if c.text]
    return any(a.x1 <= b.x0 + 1 for a in texted for b in texted)


def _adoptable(line: _TextLine) -> bool:
    """An unruled row next to a table: two runs or more, one of them a number or code, no caption."""
    texts = [text for _, _, text in line.segments]
    return (
        len(texts) >= 2 and any(_is_data(t) for t in texts) and not any(_CAPTION_RE.search(t) for t in texts)
    )


def _fits_first_row(line: _TextLine, table: _Table) -> bool:
    """The top line of a page that sits in the cells of the table under it: the tail of a row the page break
    cut (its wrap is joined later if the table goes on from the previous page)."""
    first = [c for c in table.cells if c.row == 0]
    texts = [text for _, _, text in line.segments]
    if any(_CAPTION_RE.search(t) or t.endswith("表") for t in texts):
        return False
    return all(any(c.x0 - 2 <= x0 and x1 <= c.x1 + 2 for c in first) for x0, x1, _ in line.segments)


def _adopt(table: _Table, line: _TextLine, above: bool) -> None:
    """Make a text line a row of the table (first or last), each run in the cell whose column it stands in."""
    reference_row = 0 if above else table.n_rows - 1
    if above:
        for cell in table.cells:
            cell.row += 1
        table.row_page.insert(0, table.pages[0])
    else:
        table.row_page.append(table.pages[-1])
    row = 0 if above else table.n_rows
    table.n_rows += 1
    for x0, x1, text in line.segments:
        centre = (x0 + x1) / 2
        holders = [c for c in table.cells if c.x0 <= centre <= c.x1 and c.row != row]
        nearest = [c for c in holders if c.row == (reference_row + 1 if above else reference_row)] or holders
        frame = min(nearest, key=lambda c: c.width) if nearest else None
        cell = _Cell(table.pages[0], row, frame.x0 if frame else x0, line.top, frame.x1 if frame else x1, line.bottom,
                     text=text, lines=[text], tx0=x0, tx1=x1, size=line.size)  # fmt: skip
        table.cells.append(cell)


def _adopt_neighbours(tables: list[tuple[tuple, _Table]], lines: list[_TextLine]) -> list[_TextLine]:
    """Rows whose ruling the table finder missed (a first row without a top border, a last row without a
    bottom one) sit as text right above or below a table: give them back to it. Returns the lines left."""
    left = list(lines)
    for bbox, table in tables:
        x0, x1 = bbox[0] - 2, bbox[2] + 2
        for above in (True, False):
            edge = min(c.top for c in table.cells) if above else max(c.bottom for c in table.cells)
            while True:
                near = [line for line in left if line.x0 >= x0 and line.x1 <= x1
                        and (0 <= edge - line.bottom + 2 <= max(1.5 * (line.bottom - line.top), 6) if above
                             else 0 <= line.top - edge + 2 <= max(1.5 * (line.bottom - line.top), 6))]  # fmt: skip
                if not near:
                    break
                line = max(near, key=lambda ln: ln.bottom) if above else min(near, key=lambda ln: ln.top)
                top_of_page = above and not any(o.bottom <= line.top and clean_line(o.text) for o in left)
                if not (_adoptable(line) or (top_of_page and _fits_first_row(line, table))):
                    break
                _adopt(table, line, above)
                left.remove(line)
                edge = line.top if above else line.bottom
    return left


def page_elements(page_no: int, page) -> list[_Element]:
    """Text lines outside the tables and the tables of one page, top to bottom."""
    width, height = float(page.width), float(page.height)
    # off the page is not printed (hidden spreadsheet columns); bold is often printed twice over
    chars, seen = [], set()
    for char in page.chars:
        key = (char["text"], round(char["x0"]), round(char["top"]))
        on_page = char["x1"] > 0 and char["x0"] < width and char["bottom"] > 0 and char["top"] < height
        if on_page and key not in seen and not _CID_RE.fullmatch(char["text"]):  # a glyph with no Unicode
            seen.add(key)
            chars.append(char)
    tables = []
    for found in page.find_tables():
        table = _page_table(page_no, found, chars)
        if _usable(table):
            tables.append((found.bbox, table))

    def outside(char: dict) -> bool:
        cx, cy = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
        return not any(
            x0 - 1 <= cx <= x1 + 1 and top - 1 <= cy <= bottom + 1 for (x0, top, x1, bottom), _ in tables
        )

    lines = _adopt_neighbours(tables, chars_to_lines([c for c in chars if outside(c)]))
    elements = [_Element(page_no, line.top, text=line) for line in lines]
    elements += [_Element(page_no, bbox[1], table=table) for bbox, table in tables]
    elements.sort(key=lambda e: e.top)
    return elements


def _link_continued(elements: list[_Element]) -> list[_Element]:
    """Merge a table that opens a page into the table that closed the previous page when their frames match."""
    out: list[_Element] = []
    for element in elements:
        if element.table is not None and out:
            previous = next(
                (e for e in reversed(out) if e.table is not None or clean_line(e.text.text)), None
            )
            first_on_page = all(
                e.page != element.page or not (e.text and clean_line(e.text.text)) for e in out
            )
            if (previous is not None and previous.table is not None and previous.page == element.page - 1
                    and first_on_page and abs(previous.table.x0 - element.table.x0) <= 3
                    and abs(previous.table.x1 - element.table.x1) <= 3):  # fmt: skip
                _continue_table(previous.table, element.table)
                continue
        out.append(element)
    return out


# --- the reader -----------------------------------------------------------------------------------------------


def _clean_row(text: str) -> str:
    for mark in WATERMARKS:
        text = text.replace(mark, "")
    return text.rstrip(" ")


def _open(path: Path, raw: bytes):
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(io.BytesIO(raw))
        pages = pdf.pages
    except (PDFPasswordIncorrect, PDFEncryptionError) as error:
        raise InputError(
            str(path), "the PDF is encrypted (password-protected)", "publish or save an unprotected copy"
        ) from error
    except Exception as error:  # pdfminer raises many kinds for damaged files
        cause = error.__cause__ or error.__context__ or error
        if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError) or "password" in str(error).lower():
            raise InputError(
                str(path), "the PDF is encrypted (password-protected)", "publish or save an unprotected copy"
            ) from error
        raise InputError(str(path), f"the PDF is damaged or not a PDF ({type(error).__name__}: {error})".rstrip(": )") + ")",
                         "download it again") from error  # fmt: skip
    return pdf, pages


_PAGE_MARK_RE = re.compile(r"^\s*[─━—–\-－]\s*\d{1,3}\s*[─━—–\-－]\s*$")


def _blank_running_lines(elements: list[_Element], heights: dict[int, float]) -> None:
    """Blank page numbers ('─ 3 ─') and running headers or footers: the same text in the top or bottom tenth of
    half the pages or more (three at least), but for its first showing. Their lines stay, empty, so the
    numbering does not move."""

    def margin(element: _Element) -> bool:
        height = heights.get(element.page, 0)
        return bool(height) and (element.top < 0.1 * height or element.top > 0.9 * height)

    pages_of: dict[str, set[int]] = {}
    for element in elements:
        if element.text is not None and margin(element):
            pages_of.setdefault(element.text.text.strip(), set()).add(element.page)
    running = {
        text: min(pages)
        for text, pages in pages_of.items()
        if text and len(pages) >= max(3, len(heights) / 2)
    }
    for element in elements:
        if element.text is None:
            continue
        text = element.text.text.strip()
        first = running.get(text) == element.page  # its first showing may be the cover's title: kept
        if _PAGE_MARK_RE.match(text) or (margin(element) and text in running and not first):
            element.text.text = ""


def _plain_page(page_no: int, page) -> list[_Element]:
    """A page the layout failed on, as pdfplumber's plain text (nothing is lost, tables are not cells)."""
    try:
        text = page.extract_text(y_tolerance=5) or ""
    except Exception:
        return []
    return [
        _Element(page_no, i, text=_TextLine(i, i + 1, 0, 0, 10, line))
        for i, line in enumerate(text.split("\n"))
    ]


def _safe_table_lines(path: Path, table: _Table) -> list[tuple[int, str]]:
    """`table_lines`, or the table's cells row by row should its layout fail."""
    try:
        return table_lines(table)
    except Exception as error:
        log.warning("%s: a table on page %s cannot be laid out (%s); taking its cells row by row", path,
                    table.pages[0], error)  # fmt: skip
        rows: dict[int, list[_Cell]] = {}
        for cell in table.cells:
            if cell.text:
                rows.setdefault(cell.row, []).append(cell)
        return [(table.row_page[r] if r < len(table.row_page) else table.pages[0],
                 "\t".join(c.text for c in sorted(rows[r], key=lambda c: c.x0))) for r in sorted(rows)]  # fmt: skip


def _label_first(lines: list[Line]) -> None:
    """A table's label printed beside its title ('公开表一' at the top right) comes out after the title by
    position; put it first, as the text exports and the other layouts have it (label, title, 部门/单位)."""
    for i in range(len(lines) - 1):
        title, label = lines[i], lines[i + 1]
        if (_LABEL_RE.match(label.text.strip()) and _TITLE_END_RE.search(title.text.strip()) and "\t" not in title.text
                and not _LABEL_RE.match(title.text.strip())):  # fmt: skip
            lines[i], lines[i + 1] = (
                Line(title.no, label.text, label.page),
                Line(label.no, title.text, title.page),
            )


class PdfReader:
    """Text PDFs as governments publish them (pdfplumber)."""

    def read(self, path: Path, raw: bytes) -> SourceText:
        pdf, pages = _open(path, raw)
        elements: list[_Element] = []
        visible = cid = images = 0
        failed: list[int] = []
        heights: dict[int, float] = {}
        with pdf:
            for page_no, page in enumerate(pages, start=1):
                try:
                    page_chars = _visible(page.chars)
                    visible += len(page_chars)
                    cid += sum(1 for c in page_chars if _CID_RE.fullmatch(c["text"]))
                    images += len(page.images)
                    heights[page_no] = float(page.height)
                    elements += page_elements(page_no, page)
                except Exception as error:  # one damaged page must not lose the others
                    log.warning(
                        "%s: page %d cannot be laid out (%s); taking its plain text", path, page_no, error
                    )
                    plain = _plain_page(page_no, page)
                    elements += plain
                    if not plain:
                        failed.append(page_no)
                finally:
                    page.close()
        if pages and len(failed) == len(pages):
            raise InputError(str(path), "the PDF is damaged: no page can be read", "download it again")
        if visible < _MIN_TEXT_CHARS:
            what = "it is a scanned image" if images else "it has no text layer"
            count = f"{len(pages)} page{'s' if len(pages) != 1 else ''}"
            raise NeedsOCRError(str(path), f"needs OCR: {what} ({count}, no extractable text)",
                                "run OCR on it (e.g. ocrmypdf) and ingest the result")  # fmt: skip
        if cid > visible / 2:
            raise NeedsOCRError(str(path), "needs OCR: its fonts carry no Unicode map, the text cannot be decoded",
                                "run OCR on it (e.g. ocrmypdf) and ingest the result")  # fmt: skip
        _blank_running_lines(elements, heights)
        lines: list[Line] = []

        def add(page: int, text: str) -> None:
            lines.append(Line(len(lines) + 1, text, page))

        current = 0
        for element in _link_continued(elements):
            if element.page < current:
                continue  # a page-number line under a table that went on to the next page
            if element.page != current:
                if current:
                    add(current, "")
                current = element.page
            if element.text is not None:
                add(element.page, clean_line(element.text.text))
            elif element.table is not None:
                for page, text in _safe_table_lines(path, element.table):
                    current = page
                    add(page, _clean_row(text))
        _label_first(lines)
        return SourceText(path=str(path), name=path.name, lines=lines, sha256=hashlib.sha256(raw).hexdigest(),
                          encoding="pdf", source_kind="pdf")  # fmt: skip
