"""Lines → `Document`: department, year, kind; parts and sections; tables; performance targets; glossary.

The walker reads top to bottom, skipping the table of contents. A table starts at a title line (…表) that is
followed by its unit / department line or by cell rows, and runs until the next title, label, part or
top-level heading, or the first line of prose after its rows; blank lines and page breaks inside it do not end
it. Every element keeps its line span. Lines are first prepared: titles and part headings wrapped over two
lines are joined, and lines that run a label, a title and the 部门/单位 line together are split (both keep the
numbers of the lines they came from).
"""

from __future__ import annotations

import re

from rag.errors import ParseError
from rag.ingest.parse.meta import (
    PART_RE,
    detect_metadata,
    title_key,
    toc_heading_keys,
    toc_span,
    toc_table_numbers,
)
from rag.ingest.parse.tables import (
    LABEL_RE,
    STANDARD_NUMBERS,
    build_table,
    flat_row_cells,
    is_meta_line,
    says_empty,
)
from rag.ingest.parse.targets import merge_continued, parse_target_table
from rag.text.numbers import normalize_text
from rag.text.titles import display_title
from rag.types import Document, GlossaryTerm, Line, ProjectTarget, Section, SourceText, Table

HEADING_RES = [
    (1, re.compile(r"^[一二三四五六七八九十]+[、.．]\s*\S")),
    (2, re.compile(r"^[（(][一二三四五六七八九十]+[）)]\s*\S")),
    (3, re.compile(r"^\d{1,2}\s*[、．]\s*\D|^\d{1,2}\.\s*[^\d\s]")),
]
_TOC_RE = re.compile(r"(\.{3,}|…{2,}|·{3,}|-{4,})\s*\d*\s*$|\t\s*\d{1,3}\s*$")
_TITLE_RE = re.compile(r"^[^\t。；;，,：:]{2,70}(表|表\s*[（(][^）)]{0,24}[）)])$")
_TITLE_WORDS = ("预算", "决算", "支出", "收入", "经费", "采购", "收支")
TARGET_TITLE_RE = re.compile(r"项目支出绩效目标(申报)?表")
_GLOSSARY_HEADING_RE = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]\s*)?(?:专业性)?名词解释$")
_TERM_START = r"^(?:[一二三四五六七八九十\d]+\s*[、.．]|[（(][一二三四五六七八九十\d]+[）)])\s*"
_GLOSSARY_TERM_RES = [
    re.compile(_TERM_START + r"(.{2,24}?)\s*[：:](.*)$"),  # '（一）财政拨款收入：是…'
    re.compile(_TERM_START + r"(.{2,24}?)\s*((?:是指|指|是对|是).*)$"),  # '九、一般公共预算是指…', '十一、…预算是对…'
]
_LABEL_PART = (
    r"(?:(?:预算|部门|单位)?公开表\s*(?:[一二三四五六七八九十]+|\d+)|(?:预算|部门|单位)?公开\s*0?\d+\s*表)"
)
_COMPOUND_RE = re.compile(
    rf"^(?P<label1>{_LABEL_PART})?\s*[：:]?\s*(?P<title>[^\t：:]{{2,70}}?表(?:\s*[（(][^）)\t]{{0,24}}[）)])?)\s*"
    rf"(?P<label2>{_LABEL_PART})?\s*(?P<meta>(?:部门名称|单位名称|编制部门|编制单位|预算单位|部门|单\s*位)\s*[：:].*)?$"
)
_NOTE_STARTS = ("注", "备注", "说明", "数据来源", "本表", "此表")


def parse_document(source: SourceText) -> Document:
    """Parse one source into a Document; raise ParseError when it is not a budget disclosure."""
    lines = source.lines
    toc = toc_span(lines)
    department, year, kind, scope, title = detect_metadata(source, toc)
    skip = range(lines[toc[0]].no, lines[toc[1] - 1].no + 1) if toc else None
    walker = _Walker(prepare_lines(lines), skip=skip, toc_headings=toc_heading_keys(lines, toc))
    walker.walk()
    if not walker.tables and not any(s.text for s in walker.sections):
        raise ParseError(source.name, "no tables or sections found", "is this a budget document?")
    number_tables(walker.tables, toc_table_numbers(lines, toc))
    return Document(
        doc=source.name,
        path=source.path,
        sha256=source.sha256,
        department=department,
        year=year,
        kind=kind,
        scope=scope,
        title=title,
        lines=lines,
        sections=[s for s in walker.sections if s.text or s.level == 0],
        tables=walker.tables,
        targets=merge_continued(walker.targets),
        glossary=walker.glossary,
        source_kind=source.source_kind,
    )


def number_tables(tables: list[Table], toc_numbers: dict[str, int] | None = None) -> None:
    """Number the tables that print no label or number: from the TOC's numbered entries, else by Shanxi's
    13-table order when the labeled tables of the document follow that order (two or more, one past 表4)."""
    toc_numbers = toc_numbers or {}
    for table in tables:
        if table.number is None and toc_numbers:
            key = title_key(table.title)
            table.number = toc_numbers.get(key)
            if table.number is None:
                close = {n for k, n in toc_numbers.items() if k and key and (k in key or key in k)}
                table.number = close.pop() if len(close) == 1 else None
    numbered = [t for t in tables if t.number is not None and t.key in STANDARD_NUMBERS]
    follows_standard = (
        len(numbered) >= 2
        and any(t.number and t.number >= 5 for t in numbered)
        and all(STANDARD_NUMBERS[t.key] == t.number for t in numbered)
    )
    for table in tables:
        if table.number is None and follows_standard and table.key in STANDARD_NUMBERS:
            table.number = STANDARD_NUMBERS[table.key]


def prepare_lines(lines: list[Line]) -> list[Line]:
    """Join titles and part headings wrapped over two lines; split label + title + 部门/单位 lines."""
    out: list[Line] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        following = lines[i + 1] if i + 1 < len(lines) else None
        joined = _join_wrapped(line, following)
        if joined is not None:
            out.extend(_split_compound(joined))
            out.append(Line(following.no, "", following.page))  # type: ignore[union-attr]
            i += 2
            continue
        out.extend(_split_compound(line))
        i += 1
    return out


def _join_wrapped(line: Line, following: Line | None) -> Line | None:
    text, rest = line.text.strip(), following.text.strip() if following else ""
    if not text or not rest or "\t" in line.text.rstrip("\t") or "\t" in following.text.rstrip("\t"):  # type: ignore[union-attr]
        return None
    if len(rest) > 12 or heading_level(rest) is not None:
        return None
    if (
        PART_RE.match(text)
        and len(rest) <= 12
        and not re.search(r"[。，；：:、表]", rest)
        and not PART_RE.match(rest)
    ):
        return Line(line.no, text + rest, line.page)  # '第三部分…决算情况' / '说明'
    if (
        len(rest) <= 10
        and rest.endswith(("表", "表）"))
        and not text.endswith(("表", "表）", "。"))
        and (any(word in text for word in _TITLE_WORDS) or LABEL_RE.match(text))
        and "、" not in rest
    ):
        candidate = Line(line.no, text + rest, line.page)
        if looks_like_title(_split_compound(candidate)[-1].text) or any(
            looks_like_title(part.text) for part in _split_compound(candidate)
        ):
            return candidate
    return None


def _split_compound(line: Line) -> list[Line]:
    """'公开01表：收支预算总表' → label, title; '收支预算总表公开表一部门： X 单位：万元' → label, title, meta."""
    text = line.text.strip()
    if "\t" in line.text.rstrip("\t") or not text:
        return [line]
    match = _COMPOUND_RE.match(text)
    if (
        not match
        or not (match["label1"] or match["label2"] or match["meta"])
        or not looks_like_title(match["title"])
    ):
        return [line]
    parts = [match["label1"] or match["label2"] or "", match["title"], match["meta"] or ""]
    return [Line(line.no, part.strip(), line.page) for part in parts if part]


def is_toc_line(text: str) -> bool:
    return bool(_TOC_RE.search(text))


def heading_level(text: str) -> int | None:
    """0 for 第N部分, 1–3 for 一、 （一） 1、; None for body text."""
    stripped = text.strip()
    if PART_RE.match(stripped) and len(stripped) <= 60:
        return 0
    if _GLOSSARY_HEADING_RE.match(stripped.replace(" ", "")):
        return 1
    for level, pattern in HEADING_RES:
        if pattern.match(stripped) and len(stripped) <= 36 and not stripped.endswith(("。", "；")):
            return level
    return None


def is_target_title(text: str) -> bool:
    """'项目支出绩效目标表', '吕梁市市级预算部门（单位）项目支出绩效目标申报表'."""
    return "\t" not in text and len(text.strip()) <= 40 and bool(TARGET_TITLE_RE.search(text))


def looks_like_title(text: str) -> bool:
    stripped = normalize_text(text).strip().strip("\t").strip()
    return (
        "\t" not in stripped
        and bool(_TITLE_RE.match(stripped))
        and any(word in stripped for word in _TITLE_WORDS)
        and not PART_RE.match(stripped)
        and not is_target_title(text)
        and not is_toc_line(text)
    )


def _is_table_note(text: str) -> bool:
    return text.startswith(_NOTE_STARTS) or says_empty(text) or is_meta_line(text)


class _Walker:
    """One pass over the lines, collecting sections, tables, targets and glossary terms."""

    def __init__(self, lines: list[Line], skip: range | None = None, toc_headings: list[str] | None = None) -> None:
        self.lines = lines
        self.skip = skip or range(0)
        self.toc_headings = toc_headings or []
        self.sections: list[Section] = []
        self.tables: list[Table] = []
        self.targets: list[ProjectTarget] = []
        self.glossary: list[GlossaryTerm] = []
        self.part = ""
        self.path: list[tuple[int, str]] = []
        self.body: list[Line] = []
        self.heading_line: Line | None = None
        self.pending_label = ""

    def walk(self) -> None:
        i = 0
        while i < len(self.lines):
            i = self._step(i)
        self._close_section()

    def _step(self, i: int) -> int:
        line = self.lines[i]
        text = line.text.strip()
        if (
            not text
            or line.no in self.skip
            or (is_toc_line(line.text) and "\t" not in text.rstrip("\t0123456789 "))
        ):
            return i + 1
        cells_text = line.text.rstrip("\t")
        if "\t" not in cells_text and LABEL_RE.match(normalize_text(text)):
            self.pending_label = text
            return i + 1
        if is_target_title(line.text):
            return self._take_target(i)
        if self.in_glossary and "\t" not in cells_text and self._take_glossary_term(i):
            return i + 1
        if looks_like_title(line.text) and self._table_follows(i):
            return self._take_table(i)
        level = heading_level(text) if "\t" not in cells_text else None
        if level is None and "\t" not in cells_text and self._is_toc_heading(text):
            level = 1  # '上海市普陀区商务委员会主要职能': a heading the TOC lists, printed without its number
        if level is not None and not (level >= 2 and self.in_glossary and len(text) > 12):
            self._open_section(line, level)
            return i + 1
        if (
            self.in_glossary
            and self.glossary
            and self.glossary[-1].line_end == self._prev_nonblank(i)
            and not self.glossary[-1].definition.endswith("。")
        ):
            term = self.glossary[-1]
            term.definition = (term.definition + text).strip()
            term.line_end = line.no
            return i + 1
        self.body.append(line)
        return i + 1

    def _is_toc_heading(self, text: str) -> bool:
        folded = normalize_text(text).replace(" ", "")
        return len(folded) <= 40 and not re.search(r"[。，,；;：:]", folded) and any(
            folded.endswith(key) for key in self.toc_headings
        )

    @property
    def in_glossary(self) -> bool:
        return "名词解释" in self.part or any("名词解释" in heading for _, heading in self.path)

    def _prev_nonblank(self, i: int) -> int:
        j = i - 1
        while j >= 0 and not self.lines[j].text.strip():
            j -= 1
        return self.lines[j].no if j >= 0 else 0

    def _ends_block(self, line: Line) -> bool:
        """A label, a title, a part or top-level heading; a line with cells never ('二、财政专户管理资\t\t' is a
        row, though only its first cell is filled), unless its one cell is a label or a title."""
        if "\t" in line.text.rstrip("\t"):
            return False
        text = line.text.strip()
        if LABEL_RE.match(normalize_text(text)) or looks_like_title(line.text):
            return True
        if "\t" in line.text:
            return False
        return heading_level(text) in {0, 1} or is_target_title(line.text)

    def _table_follows(self, i: int) -> bool:
        """A title is a table's when unit/department lines or cell rows follow before another title."""
        seen = 0
        for line in self.lines[i + 1 : i + 40]:
            text = line.text.strip()
            if not text:
                continue
            seen += 1
            if is_meta_line(text) or len([c for c in line.text.split("\t") if c.strip()]) >= 2:
                return True
            if looks_like_title(line.text) or LABEL_RE.match(normalize_text(text)) or is_target_title(text) or seen > 6:
                return False
            if heading_level(text) is not None:
                return False
        return False

    def _block_end(self, start: int) -> int:
        """Where a table's lines end: the next title, label or heading, or prose after its rows."""
        j, seen_rows, in_note = start, False, False
        while j < len(self.lines):
            line = self.lines[j]
            text = line.text.strip()
            if self._ends_block(line):
                break
            if "\t" in line.text:
                seen_rows, in_note = True, False
            elif not text:
                in_note = False
            elif _is_table_note(text):
                in_note = True
            elif seen_rows and flat_row_cells(text):
                pass
            elif seen_rows and not in_note:
                break
            j += 1
        return j

    def _take_table(self, i: int) -> int:
        self._close_section()
        end = self._block_end(i + 1)
        title = self.lines[i].text.strip().strip("\t").strip()
        table = build_table(title, self.pending_label, self.lines[i + 1 : end])
        table.line_start = self.lines[i].no
        table.line_end = max(table.line_end, table.line_start)  # a title with nothing under it spans itself
        table.page = self.lines[i].page
        self.pending_label = ""
        previous = self.tables[-1] if self.tables else None
        if previous and previous.title == table.title:
            previous.rows.extend(table.rows)  # the title repeated on the next page
            previous.line_end = table.line_end
            previous.empty = previous.empty and table.empty
        else:
            self.tables.append(table)
        return end

    def _take_target(self, i: int) -> int:
        self._close_section()
        j = i + 1
        while j < len(self.lines):
            text = self.lines[j].text.strip()
            if is_target_title(self.lines[j].text) or (
                "\t" not in self.lines[j].text and heading_level(text) in {0, 1}
            ):
                break
            j += 1
        for k, (start, stop) in enumerate(_sheet_spans(self.lines, i, j)):
            target = parse_target_table(self.lines[start:stop])
            if target is not None:
                target.line_start = self.lines[i if k == 0 else start].no
                self.targets.append(target)
        return j

    def _take_glossary_term(self, i: int) -> bool:
        text = self.lines[i].text.strip()  # keep the document's own characters (（境）, not (境))
        match = next((m for pattern in _GLOSSARY_TERM_RES if (m := pattern.match(text))), None)
        if not match:
            return False
        self._close_section()
        term = re.sub(r"[*“”\"]", "", match.group(1)).strip()
        line = self.lines[i]
        self.glossary.append(GlossaryTerm(term, match.group(2).strip(), line.no, line.no))
        return True

    def _open_section(self, line: Line, level: int) -> None:
        self._close_section()
        heading = line.text.strip()
        if level == 0:
            self.part = heading
            self.path = [(0, heading)]
        else:
            self.path = [(lv, h) for lv, h in self.path if lv < level] + [(level, heading)]
        self.heading_line = line

    def _close_section(self) -> None:
        if self.heading_line is None and not self.body:
            return
        head = self.heading_line
        body = [line for line in self.body if line.text.strip()]
        lines_used = [head] if head else []
        lines_used += body
        if lines_used:
            level, heading = self.path[-1] if self.path else (1, "")
            self.sections.append(
                Section(
                    heading=heading if head else (heading or "概况"),
                    level=level,
                    path=[h for _, h in self.path],
                    part=self.part,
                    text="\n".join(line.text.strip() for line in body),
                    line_start=lines_used[0].no,
                    line_end=lines_used[-1].no,
                    page=lines_used[0].page,
                )
            )
        self.heading_line = None
        self.body = []


def table_display_title(table: Table) -> str:
    """'表1 预算收支总表' — the name citations use."""
    return display_title(table.number, table.title)


_PROJECT_NAME_RE = re.compile(r"^\s*项目名称\s*\t")
_SHEET_YEAR_RE = re.compile(r"^\s*[（(]\s*20\d{2}\s*年度?\s*[）)]\s*$")


def _sheet_spans(lines: list[Line], start: int, stop: int) -> list[tuple[int, int]]:
    """One title can head several sheets when the next sheet's own title is missing (a '项目名称' row starts each):
    the [start, stop) line ranges of the sheets, each with its '(2023年度)' line."""
    names = [k for k in range(start, stop) if _PROJECT_NAME_RE.match(lines[k].text)]
    cuts = [start]
    for k in names[1:]:
        cut = k
        while cut - 1 > cuts[-1] and (not lines[cut - 1].text.strip() or _SHEET_YEAR_RE.match(lines[cut - 1].text)):
            cut -= 1
        cuts.append(cut)
    return list(zip(cuts, [*cuts[1:], stop], strict=True))

