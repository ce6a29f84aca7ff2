"""Lines → `Document`: department, year, kind; parts and sections; tables; performance targets; glossary.

The walker reads top to bottom. A table starts at a title line (…表) that is followed by its unit / department
line or by cell rows, and runs until the next title, label, part or top-level heading; blank lines and page
breaks inside it do not end it. Every element keeps its line span.
"""

from __future__ import annotations

import re
from collections import Counter

from rag.errors import ParseError
from rag.numbers import normalize_text
from rag.parse_tables import LABEL_RE, STANDARD_NUMBERS, build_table, clean_title
from rag.parse_targets import merge_continued, parse_target_table
from rag.types import Document, GlossaryTerm, Line, Section, SourceText, Table

PART_RE = re.compile(r"^第[一二三四五六七八九十]+部分")
HEADING_RES = [
    (1, re.compile(r"^[一二三四五六七八九十]+[、.．]\s*\S")),
    (2, re.compile(r"^[（(][一二三四五六七八九十]+[）)]\s*\S")),
    (3, re.compile(r"^\d{1,2}\s*[、．]\s*\D|^\d{1,2}\.\s*[^\d\s]")),
]
_TOC_RE = re.compile(r"(\.{3,}|…{2,}|·{3,}|-{4,})\s*\d*\s*$|\t\s*\d{1,3}\s*$")
_TITLE_RE = re.compile(r"^[^\t。；;，,：:]{2,70}(表|表\s*[（(][^）)]{0,24}[）)])$")
_TITLE_WORDS = ("预算", "决算", "支出", "收入", "经费", "采购", "收支")
TARGET_TITLE_RE = re.compile(r"项目支出绩效目标(申报)?表")
_YEAR_TITLE_RE = re.compile(r"(20\d{2})\s*年度?[^\n]{0,12}?(部门|单位)?[^\n]{0,6}?(预算|决算)")
_DEPT_LABEL_RE = re.compile(r"(?:部门名称|单位名称|预算主管部门|预算单位|主管部门|部门)\s*[：:]\s*([^\t：:]+)")
_GLOSSARY_TERM_RE = re.compile(r"^[一二三四五六七八九十\d]+\s*[、.．]\s*(.{2,24}?)\s*(?:[：:]|(?=是指|指))(.*)$")


def parse_document(source: SourceText) -> Document:
    """Parse one source into a Document; raise ParseError when it is not a budget disclosure."""
    lines = source.lines
    department, year, kind, scope, title = detect_metadata(source)
    walker = _Walker(lines)
    walker.walk()
    if not walker.tables and not walker.sections:
        raise ParseError(source.name, "no tables or sections found", "is this a budget document?")
    number_tables(walker.tables)
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


def detect_metadata(source: SourceText) -> tuple[str, int, str, str, str]:
    """(department, year, kind 预算/决算, scope 部门/单位, title) from the cover and the table headers."""
    texts = [line.text.strip() for line in source.lines]
    head = [t for t in texts[:80] if t][:25]
    title_index, match = next(
        ((i, m) for i, t in enumerate(head) if (m := _YEAR_TITLE_RE.search(normalize_text(t).replace(" ", "")))), (None, None)
    )
    if match is None or title_index is None:
        raise ParseError(source.name, "no budget title with a year (such as 2024年度部门预算) near the top",
                         "is this a budget document?")  # fmt: skip
    year = int(match.group(1))
    title_line = head[title_index].replace(" ", "")
    cover = "".join(head[max(0, title_index - 3) : title_index + 2])
    kind = "决算" if "决算" in cover else "预算"
    scope = "单位" if "单位预算" in cover or "单位决算" in cover or "区级单位" in cover else "部门"
    department = _department_from_labels(texts) or _department_from_cover(head, title_index, title_line)
    if not department:
        raise ParseError(source.name, "cannot find the department name (部门名称) on the cover or in the tables")
    return department, year, kind, scope, title_line


def _department_from_labels(texts: list[str]) -> str:
    names: Counter[str] = Counter()
    for text in texts:
        if len(text) > 120:
            continue
        for match in _DEPT_LABEL_RE.finditer(text):
            name = re.split(r"\s{2,}|单\s*位\s*[：:]|\s+单位", match.group(1).strip())[0].strip()
            if 3 <= len(name) <= 60 and not re.search(r"\d|万元|名称|情况|预算", name):
                names[name] += 1
    return names.most_common(1)[0][0] if names else ""


def _department_from_cover(head: list[str], title_index: int, title_line: str) -> str:
    before_year = re.split(r"20\d{2}\s*年", title_line)[0]
    before_year = re.sub(r"^(上海市普陀区|)$", "", before_year)
    if len(before_year) >= 4 and not before_year.endswith("区"):
        return before_year
    after = re.search(r"20\d{2}年度?(.+?)(部门|单位)?(预算|决算)", title_line)
    if after and len(after.group(1)) >= 4:
        return after.group(1)
    cover = [t for t in head[max(0, title_index - 3) : title_index] if t and "目录" not in t.replace(" ", "")]
    return "".join(cover).replace(" ", "")


def number_tables(tables: list[Table]) -> None:
    """Give unlabeled standard tables their layout number (Shanxi's 13-table order) when others are labeled."""
    for table in tables:
        if table.number is None and table.key in STANDARD_NUMBERS:
            table.number = STANDARD_NUMBERS[table.key]


def is_toc_line(text: str) -> bool:
    return bool(_TOC_RE.search(text))


def heading_level(text: str) -> int | None:
    """0 for 第N部分, 1–3 for 一、 （一） 1、; None for body text."""
    stripped = text.strip()
    if PART_RE.match(stripped) and len(stripped) <= 40:
        return 0
    for level, pattern in HEADING_RES:
        if pattern.match(stripped) and len(stripped) <= 36 and not stripped.endswith(("。", "；")):
            return level
    return None


def is_target_title(text: str) -> bool:
    """'项目支出绩效目标表', '吕梁市市级预算部门（单位）项目支出绩效目标申报表'."""
    return "\t" not in text and len(text.strip()) <= 40 and bool(TARGET_TITLE_RE.search(text))


def looks_like_title(text: str) -> bool:
    stripped = normalize_text(text).strip()
    return (
        "\t" not in text.strip("\t ").strip()
        and bool(_TITLE_RE.match(stripped))
        and any(word in stripped for word in _TITLE_WORDS)
        and not is_target_title(text)
        and not is_toc_line(text)
    )


class _Walker:
    """One pass over the lines, collecting sections, tables, targets and glossary terms."""

    def __init__(self, lines: list[Line]) -> None:
        self.lines = lines
        self.sections: list[Section] = []
        self.tables: list[Table] = []
        self.targets = []
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
        if not text or (is_toc_line(line.text) and "\t" not in text.rstrip("\t0123456789 ")):
            return i + 1
        if "\t" not in line.text and LABEL_RE.match(normalize_text(text)):
            self.pending_label = text
            return i + 1
        if is_target_title(line.text):
            return self._take_target(i)
        if self.in_glossary and "\t" not in line.text and self._take_glossary_term(i):
            return i + 1
        if looks_like_title(line.text) and self._table_follows(i):
            return self._take_table(i)
        level = heading_level(text) if "\t" not in line.text else None
        if level is not None and not (level == 3 and self.in_glossary and len(text) > 12):
            self._open_section(line, level)
            return i + 1
        if self.in_glossary and self.glossary and self.glossary[-1].line_end == self._prev_nonblank(i):
            term = self.glossary[-1]
            term.definition = (term.definition + text).strip()
            term.line_end = line.no
            return i + 1
        self.body.append(line)
        return i + 1

    @property
    def in_glossary(self) -> bool:
        return "名词解释" in self.part or any("名词解释" in heading for _, heading in self.path)

    def _prev_nonblank(self, i: int) -> int:
        j = i - 1
        while j >= 0 and not self.lines[j].text.strip():
            j -= 1
        return self.lines[j].no if j >= 0 else 0

    def _ends_block(self, line: Line) -> bool:
        if "\t" in line.text:
            return False
        text = line.text.strip()
        if LABEL_RE.match(normalize_text(text)) or looks_like_title(line.text):
            return True
        return heading_level(text) in {0, 1} or is_target_title(line.text)

    def _table_follows(self, i: int) -> bool:
        """A title is a table's when unit/department lines or cell rows follow before another title."""
        seen = 0
        for line in self.lines[i + 1 : i + 40]:
            text = line.text.strip()
            if not text:
                continue
            seen += 1
            if "单位" in text or "部门名称" in text or "单位名称" in text or line.text.count("\t") >= 1:
                return True
            if looks_like_title(line.text) or seen > 6:
                return False
        return False

    def _block_end(self, start: int) -> int:
        j = start
        while j < len(self.lines) and not self._ends_block(self.lines[j]):
            j += 1
        return j

    def _take_table(self, i: int) -> int:
        self._close_section()
        end = self._block_end(i + 1)
        title = self.lines[i].text.strip()
        table = build_table(title, self.pending_label, self.lines[i + 1 : end])
        table.line_start = self.lines[i].no
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
            if is_target_title(self.lines[j].text) or ("\t" not in self.lines[j].text and heading_level(text) in {0, 1}):
                break
            j += 1
        target = parse_target_table(self.lines[i:j])
        if target is not None:
            target.line_start = self.lines[i].no
            self.targets.append(target)
        return j

    def _take_glossary_term(self, i: int) -> bool:
        text = normalize_text(self.lines[i].text.strip())
        match = _GLOSSARY_TERM_RE.match(text)
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
    name = re.sub(r"^\d{4}\s*年度?", "", clean_title(table.title))
    return f"表{table.number} {name}" if table.number else name
