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

The layout lives in pdf_lines (characters → lines), pdf_tables (ruled tables → cell rows) and pdf_pages (a page
→ its elements in reading order); this module opens the file, checks it, walks the pages and numbers the lines.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rag.errors import InputError, NeedsOCRError
from rag.ingest.readers.pdf_lines import CID_RE, TextLine, visible_chars
from rag.ingest.readers.pdf_pages import Element, link_continued, page_elements
from rag.ingest.readers.pdf_tables import LABEL_RE, TITLE_END_RE, Cell, Table, table_lines
from rag.ingest.readers.text import WATERMARKS, clean_line
from rag.types import Line, SourceText

if TYPE_CHECKING:
    import pdfplumber.page
    import pdfplumber.pdf

log = logging.getLogger(__name__)

_MIN_TEXT_CHARS = 20
"""Fewer visible characters than this in the whole file means there is no text layer."""


def _clean_row(text: str) -> str:
    """A table row without watermarks or trailing spaces."""
    for mark in WATERMARKS:
        text = text.replace(mark, "")
    return text.rstrip(" ")


def _open(path: Path, raw: bytes) -> tuple[pdfplumber.pdf.PDF, list[pdfplumber.page.Page]]:
    """Open the PDF; raise InputError for an encrypted or damaged file."""
    # pdfplumber/pdfminer are heavy: imported only when a PDF is read
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


def _blank_running_lines(elements: list[Element], heights: dict[int, float]) -> None:
    """Blank page numbers ('─ 3 ─') and running headers or footers: the same text in the top or bottom tenth of
    half the pages or more (three at least), but for its first showing. Their lines stay, empty, so the
    numbering does not move."""

    def margin(element: Element) -> bool:
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


def _plain_page(page_no: int, page: pdfplumber.page.Page) -> list[Element]:
    """A page the layout failed on, as pdfplumber's plain text (nothing is lost, tables are not cells)."""
    try:
        text = page.extract_text(y_tolerance=5) or ""
    except Exception:
        return []
    return [
        Element(page_no, i, text=TextLine(i, i + 1, 0, 0, 10, line))
        for i, line in enumerate(text.split("\n"))
    ]


def _safe_table_lines(path: Path, table: Table) -> list[tuple[int, str]]:
    """`table_lines`, or the table's cells row by row should its layout fail."""
    try:
        return table_lines(table)
    except Exception as error:
        log.warning("%s: a table on page %s cannot be laid out (%s); taking its cells row by row", path,
                    table.pages[0], error)  # fmt: skip
        rows: dict[int, list[Cell]] = {}
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
        if (LABEL_RE.match(label.text.strip()) and TITLE_END_RE.search(title.text.strip()) and "\t" not in title.text
                and not LABEL_RE.match(title.text.strip())):  # fmt: skip
            lines[i], lines[i + 1] = (
                Line(title.no, label.text, label.page),
                Line(label.no, title.text, title.page),
            )


@dataclass
class _Gathered:
    """What the page loop collects: the elements, and the counts the checks for scanned or damaged files need."""

    elements: list[Element] = field(default_factory=list)
    visible: int = 0
    cid: int = 0
    images: int = 0
    failed: list[int] = field(default_factory=list)
    heights: dict[int, float] = field(default_factory=dict)


def _read_page(path: Path, page_no: int, page: pdfplumber.page.Page, gathered: _Gathered) -> None:
    """Lay out one page into `gathered`, falling back to its plain text; the page is closed afterwards."""
    try:
        page_chars = visible_chars(page.chars)
        gathered.visible += len(page_chars)
        gathered.cid += sum(1 for c in page_chars if CID_RE.fullmatch(c["text"]))
        gathered.images += len(page.images)
        gathered.heights[page_no] = float(page.height)
        gathered.elements += page_elements(page_no, page)
    except Exception as error:  # one damaged page must not lose the others
        log.warning("%s: page %d cannot be laid out (%s); taking its plain text", path, page_no, error)
        plain = _plain_page(page_no, page)
        gathered.elements += plain
        if not plain:
            gathered.failed.append(page_no)
    finally:
        page.close()


def _read_pages(path: Path, pages: list[pdfplumber.page.Page]) -> _Gathered:
    gathered = _Gathered()
    for page_no, page in enumerate(pages, start=1):
        _read_page(path, page_no, page, gathered)
    return gathered


def _check_readable(path: Path, pages: list[pdfplumber.page.Page], gathered: _Gathered) -> None:
    """Raise for a file whose pages all failed, a scan without a text layer, or fonts without a Unicode map."""
    if pages and len(gathered.failed) == len(pages):
        raise InputError(str(path), "the PDF is damaged: no page can be read", "download it again")
    if gathered.visible < _MIN_TEXT_CHARS:
        what = "it is a scanned image" if gathered.images else "it has no text layer"
        count = f"{len(pages)} page{'s' if len(pages) != 1 else ''}"
        raise NeedsOCRError(str(path), f"needs OCR: {what} ({count}, no extractable text)",
                            "run OCR on it (e.g. ocrmypdf) and ingest the result")  # fmt: skip
    if gathered.cid > gathered.visible / 2:
        raise NeedsOCRError(str(path), "needs OCR: its fonts carry no Unicode map, the text cannot be decoded",
                            "run OCR on it (e.g. ocrmypdf) and ingest the result")  # fmt: skip


def _number_lines(path: Path, elements: list[Element]) -> list[Line]:
    """The elements as numbered lines, a blank line between pages, each table as its rows."""
    lines: list[Line] = []

    def add(page: int, text: str) -> None:
        lines.append(Line(len(lines) + 1, text, page))

    current = 0
    for element in link_continued(elements):
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
    return lines


class PdfReader:
    """Text PDFs as governments publish them (pdfplumber)."""

    def read(self, path: Path, raw: bytes) -> SourceText:
        pdf, pages = _open(path, raw)
        with pdf:
            gathered = _read_pages(path, pages)
        _check_readable(path, pages, gathered)
        _blank_running_lines(gathered.elements, gathered.heights)
        lines = _number_lines(path, gathered.elements)
        _label_first(lines)
        return SourceText(path=str(path), name=path.name, lines=lines, sha256=hashlib.sha256(raw).hexdigest(),
                          encoding="pdf", source_kind="pdf")  # fmt: skip
