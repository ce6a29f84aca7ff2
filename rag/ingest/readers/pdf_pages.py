"""One PDF page → its elements in reading order: text lines outside the tables and the tables themselves.

Rows the table finder left out (a first or last row without its border) are taken back from the text, and a
table that opens a page is linked to the one that closed the previous page when their frames match.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rag.ingest.readers.pdf_lines import CID_RE, TextLine, chars_to_lines
from rag.ingest.readers.pdf_tables import CAPTION_RE, Cell, Table, continue_table, is_data, page_table
from rag.ingest.readers.text import clean_line

if TYPE_CHECKING:
    import pdfplumber.page


@dataclass
class Element:
    page: int
    top: float
    text: TextLine | None = None
    table: Table | None = None


def _usable(table: Table) -> bool:
    """A real table has text in two side-by-side columns somewhere (a framed paragraph has not)."""
    texted = [c for c in table.cells if c.text]
    return any(a.x1 <= b.x0 + 1 for a in texted for b in texted)


def _adoptable(line: TextLine) -> bool:
    """An unruled row next to a table: two runs or more, one of them a number or code, no caption."""
    texts = [text for _, _, text in line.segments]
    return len(texts) >= 2 and any(is_data(t) for t in texts) and not any(CAPTION_RE.search(t) for t in texts)


def _fits_first_row(line: TextLine, table: Table) -> bool:
    """The top line of a page that sits in the cells of the table under it: the tail of a row the page break
    cut (its wrap is joined later if the table goes on from the previous page)."""
    first = [c for c in table.cells if c.row == 0]
    texts = [text for _, _, text in line.segments]
    if any(CAPTION_RE.search(t) or t.endswith("表") for t in texts):
        return False
    return all(any(c.x0 - 2 <= x0 and x1 <= c.x1 + 2 for c in first) for x0, x1, _ in line.segments)


def _adopt(table: Table, line: TextLine, above: bool) -> None:
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
        cell = Cell(table.pages[0], row, frame.x0 if frame else x0, line.top, frame.x1 if frame else x1, line.bottom,
                     text=text, lines=[text], tx0=x0, tx1=x1, size=line.size)  # fmt: skip
        table.cells.append(cell)


def _adopt_neighbours(tables: list[tuple[tuple, Table]], lines: list[TextLine]) -> list[TextLine]:
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


def page_elements(page_no: int, page: pdfplumber.page.Page) -> list[Element]:
    """Text lines outside the tables and the tables of one page, top to bottom."""
    width, height = float(page.width), float(page.height)
    # off the page is not printed (hidden spreadsheet columns); bold is often printed twice over
    chars, seen = [], set()
    for char in page.chars:
        key = (char["text"], round(char["x0"]), round(char["top"]))
        on_page = char["x1"] > 0 and char["x0"] < width and char["bottom"] > 0 and char["top"] < height
        if on_page and key not in seen and not CID_RE.fullmatch(char["text"]):  # a glyph with no Unicode
            seen.add(key)
            chars.append(char)
    tables = []
    for found in page.find_tables():
        table = page_table(page_no, found, chars)
        if _usable(table):
            tables.append((found.bbox, table))

    def outside(char: dict) -> bool:
        cx, cy = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
        return not any(
            x0 - 1 <= cx <= x1 + 1 and top - 1 <= cy <= bottom + 1 for (x0, top, x1, bottom), _ in tables
        )

    lines = _adopt_neighbours(tables, chars_to_lines([c for c in chars if outside(c)]))
    elements = [Element(page_no, line.top, text=line) for line in lines]
    elements += [Element(page_no, bbox[1], table=table) for bbox, table in tables]
    elements.sort(key=lambda e: e.top)
    return elements


def link_continued(elements: list[Element]) -> list[Element]:
    """Merge a table that opens a page into the table that closed the previous page when their frames match."""
    out: list[Element] = []
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
                continue_table(previous.table, element.table)
                continue
        out.append(element)
    return out
