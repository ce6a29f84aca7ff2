"""Document → Chunks: one per table (row groups when long), section, project performance sheet, glossary term.

Every chunk carries two texts. `text` is everything the lines say (for display, citations and BM25); `embed_text`
is what carries meaning — department and year, the title or heading path, column names, row labels, sentences —
and never a column of digits, so embedding costs a few dozen tokens per chunk instead of 1024. Ids hash the whole
content, so an unchanged document yields the same ids and re-ingesting it changes nothing. Personal data of the
performance sheets (负责人 / 经办人 names, 联系电话) never enters a chunk.
"""

from __future__ import annotations

import hashlib
import json
import math
import re

from rag.ingest.parse.document import table_display_title
from rag.ingest.parse.tables import is_code, split_cells
from rag.text.numbers import parse_decimal
from rag.types import Chunk, Document, GlossaryTerm, Line, ProjectTarget, Section, Table

MAX_GROUP_LINES = 40
"""A table with more body lines than this is split into row groups, each repeating title, unit and header."""
MAX_GROUP_CHARS = 2400
TABLE_LABEL_CHARS = 60
"""…or when its row labels pass what the embedding budget leaves them (never less than this)."""
MAX_SECTION_CHARS = 700
"""A longer section is split between lines; each piece repeats the heading path."""
EMBED_CHARS = 200
"""Budget of `embed_text` (≈ 120 e5 tokens); the rest of a chunk is still in `text` for BM25 and display."""

_FORM_FOOTER_RE = re.compile(r"^\s*(负责人|经办人|联系人|填报人|填报日期|审核人)|联系电话")
_PHONE_RE = re.compile(r"(?<![\d.,])(?:1[3-9]\d{9}|0\d{2,3}-\d{7,8})(?![\d.,])")
_META_RE = re.compile(r"部门名称|单位名称[：:]|单\s*位\s*[：:]|^\s*注|本表无数据")
_DIGITS_RE = re.compile(r"[\d.,%％≥≤<>=+\-]+")


def chunk_document(doc: Document) -> list[Chunk]:
    """All chunks of a parsed document, in line order."""
    chunks: list[Chunk] = []
    for table in doc.tables:
        chunks += table_chunks(doc, table)
    for section in doc.sections:
        chunks += section_chunks(doc, section)
    chunks += [target_chunk(doc, target) for target in doc.targets]
    chunks += [glossary_chunk(doc, term) for term in doc.glossary]
    return sorted(chunks, key=lambda c: (c.line_start, c.line_end, c.chunk_type))


def table_chunks(doc: Document, table: Table) -> list[Chunk]:
    """One chunk per table; a long table becomes row groups that each repeat the title, unit and header."""
    title = table_display_title(table)
    lines = _content_lines(doc, table.line_start, table.line_end)
    first_row = table.rows[0].line if table.rows else table.line_end + 1
    preamble = [line for line in lines if line.no < first_row]
    body = [line for line in lines if line.no >= first_row]
    columns = _unique(cell for row in table.header for cell in row if cell and not _is_number(cell))
    empty = "本表无数据。" if table.empty else ""
    fixed = len(f"{title}（第1/9部分）（单位：{table.unit}）{empty}\n栏目：{'、'.join(columns)}\n项目：")
    groups = _row_groups(body, columns, label_budget=max(EMBED_CHARS - fixed, TABLE_LABEL_CHARS)) or [[]]
    chunks = []
    for i, group in enumerate(groups):
        start = table.line_start if i == 0 else group[0].no
        end = table.line_end if i == len(groups) - 1 else groups[i + 1][0].no - 1
        piece = f"（第{i + 1}/{len(groups)}部分）" if len(groups) > 1 else ""
        labels = _row_labels(
            group or [line for line in preamble[1:] if not _META_RE.search(line.text)], columns
        )
        embed = (f"{title}{piece}（单位：{table.unit}）{empty}\n栏目：{'、'.join(columns)}\n"
                 f"项目：{'、'.join(labels)}")  # fmt: skip
        text = "\n".join([_header(doc), f"{title}{piece}（单位：{table.unit}）",
                          *(line.text.strip() for line in preamble + group)])  # fmt: skip
        chunks.append(_make(doc, "table", title, title, text, embed, start, end, table.page))
    return chunks


def section_chunks(doc: Document, section: Section) -> list[Chunk]:
    """One chunk per section with text (its heading path + text); a long one is split between lines."""
    body = [line for line in _content_lines(doc, section.line_start, section.line_end)
            if not (line.no == section.line_start and line.text.strip() == section.heading)]  # fmt: skip
    if not body:
        return []
    path = " / ".join(section.path) if section.path else "封面"
    title = section.heading if section.path else "封面"
    groups = _split(body, 10_000, MAX_SECTION_CHARS)
    chunks = []
    for i, group in enumerate(groups):
        start = section.line_start if i == 0 else group[0].no
        end = section.line_end if i == len(groups) - 1 else groups[i + 1][0].no - 1
        sentences = "\n".join(line.text.strip() for line in group)
        text = f"{_header(doc)}\n{path}\n{sentences}"
        chunks.append(
            _make(doc, "section", path, title, text, f"{path}\n{sentences}", start, end, group[0].page)
        )
    return chunks


def target_chunk(doc: Document, target: ProjectTarget) -> Chunk:
    """One chunk per project's 项目支出绩效目标表: amounts, overview and indicators, no names or phone numbers."""
    title = f"项目支出绩效目标表（{target.project}）"
    lines = _content_lines(doc, target.line_start, target.line_end)
    text = "\n".join([_header(doc), title, *(line.text.strip() for line in lines)])
    names = _unique(indicator.name for indicator in target.indicators)
    embed = f"{title}\n项目概况：{target.overview}\n绩效指标：{'、'.join(names)}"
    return _make(
        doc, "target", title, target.project, text, embed, target.line_start, target.line_end, target.page
    )


def glossary_chunk(doc: Document, term: GlossaryTerm) -> Chunk:
    """One chunk per 名词解释 entry."""
    part = _part_at(doc, term.line_start) or "名词解释"
    lines = _content_lines(doc, term.line_start, term.line_end)
    text = "\n".join([_header(doc), part, *(line.text.strip() for line in lines)])
    embed = f"名词解释：{term.term}\n{term.definition}"
    return _make(doc, "glossary", part, term.term, text, embed, term.line_start, term.line_end,
                 doc.page_of(term.line_start))  # fmt: skip


# --- helpers --------------------------------------------------------------------------------------------------
def _header(doc: Document) -> str:
    """'大同市政务服务中心 2025年单位预算': repeated in every chunk so each one names its department and year."""
    return f"{doc.department} {doc.year}年{doc.scope}{doc.kind}"


def _make(doc: Document, chunk_type: str, part: str, title: str, text: str, embed: str, start: int, end: int,
          page: int | None) -> Chunk:  # fmt: skip
    text = _redact(text)
    embed = _redact(_fit(embed.replace(doc.department, "本单位")))
    content = [
        doc.doc,
        doc.department,
        doc.year,
        doc.kind,
        chunk_type,
        part,
        title,
        text,
        embed,
        start,
        end,
        page,
    ]
    digest = hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()[:16]
    return Chunk(
        id=f"{doc.doc}#{chunk_type}{start}-{end}#{digest}", doc=doc.doc, department=doc.department, year=doc.year,
        kind=doc.kind, chunk_type=chunk_type, part=part, title=title, text=text, embed_text=embed,
        line_start=start, line_end=end, page=page,
    )  # fmt: skip


def _content_lines(doc: Document, start: int, end: int) -> list[Line]:
    """Non-blank lines of a span, without form footers (负责人 / 经办人 / 联系电话 …)."""
    return [doc.lines[no - 1] for no in range(max(start, 1), min(end, len(doc.lines)) + 1)
            if doc.lines[no - 1].text.strip() and not _FORM_FOOTER_RE.search(doc.lines[no - 1].text)]  # fmt: skip


def _split(lines: list[Line], max_lines: int, max_chars: int) -> list[list[Line]]:
    """Balanced consecutive groups under both limits (a single over-long line stays whole)."""
    if not lines:
        return []
    chars = sum(len(line.text) for line in lines)
    count = max(math.ceil(len(lines) / max_lines), math.ceil(chars / max_chars))
    target = chars / count
    groups: list[list[Line]] = [[]]
    size = 0
    for line in lines:
        full = len(groups[-1]) >= max_lines or (size and size + len(line.text) > max(target, 1) * 1.15)
        if groups[-1] and full and len(groups) < count + 2:
            groups.append([])
            size = 0
        groups[-1].append(line)
        size += len(line.text)
    return groups


def _row_groups(body: list[Line], columns: list[str], label_budget: int) -> list[list[Line]]:
    """Consecutive row groups of at most MAX_GROUP_LINES lines and MAX_GROUP_CHARS characters whose row labels fit
    the embedding budget, so that every row label is embedded."""
    figures = any(_has_figure(line) for line in body)
    groups: list[list[Line]] = []
    labels: list[str] = []
    for line in body:
        mine = _row_labels([line], columns) if _has_figure(line) or not figures else []
        grown = labels + [label for label in mine if label not in labels]
        full = bool(groups) and (
            len(groups[-1]) >= MAX_GROUP_LINES
            or sum(len(other.text) for other in groups[-1]) + len(line.text) > MAX_GROUP_CHARS
            or (bool(labels) and len("、".join(grown)) > label_budget)
        )
        if not groups or full:
            groups.append([])
            grown = mine
        groups[-1].append(line)
        labels = grown
    return groups


def _has_figure(line: Line) -> bool:
    return any(_is_number(cell) for cell in split_cells(line.text) if cell)


def _row_labels(lines: list[Line], columns: list[str]) -> list[str]:
    """Labels of the rows that carry figures (they say what the table holds); of every row when none does."""
    with_figures = [
        line for line in lines if any(_is_number(cell) for cell in split_cells(line.text) if cell)
    ]
    cells = (cell for line in with_figures or lines for cell in split_cells(line.text))
    return [label for label in _unique(cell for cell in cells if _is_label(cell)) if label not in columns]


def _part_at(doc: Document, line_no: int) -> str:
    """The part heading (第N部分 …) a line stands in."""
    parts = [s for s in doc.sections if s.level == 0 and s.line_start <= line_no]
    return parts[-1].heading if parts else ""


def _is_number(cell: str) -> bool:
    return parse_decimal(cell) is not None or bool(_DIGITS_RE.fullmatch(cell.replace(" ", "")))


def _is_label(cell: str) -> bool:
    """A row label worth embedding: text, not an amount, a 科目编码 or a column number."""
    return bool(cell) and not _is_number(cell) and not is_code(cell)


def _unique(items) -> list[str]:
    return list(dict.fromkeys(item.strip() for item in items if item and item.strip()))


def _fit(text: str) -> str:
    """Cut to the embedding budget at a separator when one is near."""
    if len(text) <= EMBED_CHARS:
        return text
    cut = text[:EMBED_CHARS]
    stop = max(cut.rfind(mark) for mark in ("。", "、", "；", "\n"))
    return cut[: stop + 1] if stop > EMBED_CHARS * 0.7 else cut


def _redact(text: str) -> str:
    return _PHONE_RE.sub("[电话已隐去]", text)
