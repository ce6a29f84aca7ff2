"""The domain records that flow between stages: files → Document → Facts/Chunks → Answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Line:
    """One line of source text."""

    no: int
    """1-based line number in the text the reader produced (the file itself for text files)."""
    text: str
    """The cleaned line (markup removed, tabs kept as cell separators)."""
    page: int | None = None
    """1-based PDF page, None for text files."""


@dataclass
class SourceText:
    """What a reader returns: a file as lines with provenance."""

    path: str
    """Path the file was read from."""
    name: str
    """File name used as the document id (`doc`)."""
    lines: list[Line]
    """Every line, numbered; removed lines (watermarks, page numbers) are blank so numbering is kept."""
    sha256: str
    """Content hash of the raw bytes."""
    encoding: str = "utf-8"
    """Detected encoding, or 'pdf'."""
    source_kind: str = "text"
    """'text', 'html' or 'pdf'."""


@dataclass
class Row:
    """One data row of a table."""

    line: int
    """Source line of the row."""
    cells: list[str]
    """The row's cells as written (tab-separated in text exports)."""
    label: str
    """Row label: the item name (科目名称, project name, 合计 …)."""
    code: str | None = None
    """科目编码 if the row has one (201, 20103, 2010302)."""
    values: list[tuple[str, Decimal, str]] = field(default_factory=list)
    """(column name, value, label it belongs to) for each numeric cell; two-sided tables carry two labels."""
    page: int | None = None


@dataclass
class Table:
    """A table with its title, unit, header and rows, possibly continued over page breaks."""

    title: str
    """Title as printed, e.g. '2024年预算收支总表'."""
    key: str
    """Standard table this is ('收支总表', '收入总表', '支出总表', '财政拨款收支总表', '一般公共预算支出',
    '基本支出经济分类', '政府性基金收入', '政府性基金支出', '国有资本经营', '三公经费', '机关运行经费',
    '项目支出本年', '项目支出结转', '政府采购', 'other')."""
    number: int | None
    """Standard table number in the document's own numbering (表N / 公开N表), if known."""
    label: str = ""
    """The label line if printed (预算公开表1, 部门公开表9, 公开01表)."""
    unit: str = "万元"
    """Unit of the amounts (万元 or 元)."""
    header: list[list[str]] = field(default_factory=list)
    """Header rows as cells."""
    columns: list[str] = field(default_factory=list)
    """Column name for each cell index (derived from the header)."""
    rows: list[Row] = field(default_factory=list)
    empty: bool = False
    """True when the table says 本表无数据 (or has no numbers): its figures are 0 / not arranged."""
    note: str = ""
    """Notes printed under the table (注：…)."""
    line_start: int = 0
    line_end: int = 0
    page: int | None = None


@dataclass
class Section:
    """A heading and its text (第三部分 情况说明 and its 一、（一）1、 items)."""

    heading: str
    level: int
    """0 = part (第N部分), 1 = 一、, 2 = （一）, 3 = 1、"""
    path: list[str]
    """Headings from the part down to this one."""
    part: str
    """The part heading this section is in."""
    text: str
    """Body text (paragraph lines joined by newlines, no headings)."""
    line_start: int
    line_end: int
    page: int | None = None


@dataclass
class Indicator:
    """One performance indicator of a project: 一级/二级/三级指标 → 指标值."""

    level1: str
    level2: str
    name: str
    """三级指标."""
    target: str
    """指标值 as written (≥18826平米, 100%, 及时)."""
    value: Decimal | None
    unit: str
    comparator: str
    """'≥', '≤', '=', '>' or '<' ('' when the target is not numeric)."""
    line: int


@dataclass
class ProjectTarget:
    """A 项目支出绩效目标表: one per project (amounts in 元)."""

    project: str
    annual_total_yuan: Decimal | None
    """年度资金总额 (元)."""
    period_total_yuan: Decimal | None
    """实施期资金总额 (元), can span years."""
    indicators: list[Indicator]
    overview: str
    """项目概况 / 总体目标 text."""
    line_start: int
    line_end: int
    amount_line: int = 0
    """Line of the 年度资金总额 figure."""
    page: int | None = None


@dataclass
class GlossaryTerm:
    """One entry of 名词解释."""

    term: str
    definition: str
    line_start: int
    line_end: int


@dataclass
class Document:
    """A parsed budget disclosure."""

    doc: str
    """File name (the document id used in citations)."""
    path: str
    sha256: str
    department: str
    year: int
    kind: str
    """'预算' or '决算'."""
    scope: str
    """'部门' or '单位'."""
    title: str
    lines: list[Line]
    sections: list[Section] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    targets: list[ProjectTarget] = field(default_factory=list)
    glossary: list[GlossaryTerm] = field(default_factory=list)
    source_kind: str = "text"
    """'text', 'html' or 'pdf'."""

    def line_text(self, no: int) -> str:
        """Text of 1-based line `no` ('' out of range)."""
        return self.lines[no - 1].text if 0 < no <= len(self.lines) else ""

    def page_of(self, no: int) -> int | None:
        return self.lines[no - 1].page if 0 < no <= len(self.lines) else None

    def table(self, key: str) -> Table | None:
        """First table of a standard kind."""
        return next((t for t in self.tables if t.key == key), None)


@dataclass
class Fact:
    """A figure the document states: a table cell or a key figure (named), with its source line."""

    doc: str
    department: str
    year: int
    kind: str
    table: str
    """Table title or section heading the figure stands in."""
    row: str
    column: str
    value: Decimal
    unit: str
    """Unit as the document wrote it (万元, 元, %, 名, 辆, 平方米, 个)."""
    line: int
    code: str | None = None
    name: str | None = None
    """Canonical key-figure name (收入总计, 基本支出 …) or None for a plain cell."""
    origin: str = "table"
    """'table' or 'text'."""
    quote: str = ""
    """The source line's text."""
    page: int | None = None

    @property
    def value_wan(self) -> Decimal | None:
        """Value in 万元 for money facts (元 ÷ 10000), else None."""
        if self.unit == "万元":
            return self.value
        if self.unit == "元":
            return self.value / Decimal(10000)
        if self.unit == "亿元":
            return self.value * Decimal(10000)
        return None


@dataclass
class Finding:
    """A contradiction the self-check found inside one document."""

    doc: str
    severity: str
    """'major', 'rounding' (≤0.02万元) or 'minor'."""
    kind: str
    """'row_sum', 'identity', 'text_vs_table', 'table_vs_table', 'project_vs_target', 'count', 'missing_table'."""
    message: str
    lines: list[int]
    values: list[str]


@dataclass
class IngestReport:
    """What `ingest` did with one file."""

    path: str
    status: str
    """'added', 'replaced', 'unchanged', 'skipped' or 'error'."""
    doc: str = ""
    message: str = ""
    facts: int = 0
    chunks: int = 0
    findings: int = 0


@dataclass
class Chunk:
    """A retrievable piece of a document: a table (or row group), a section, a project sheet, a glossary term."""

    id: str
    """Stable id from the content (doc + type + span + text hash)."""
    doc: str
    department: str
    year: int
    kind: str
    chunk_type: str
    """'table', 'section', 'target', 'glossary'."""
    part: str
    """Where it stands: '表1 预算收支总表', '第三部分 … / 七、“三公”经费…', '项目支出绩效目标表（X）', '名词解释'."""
    title: str
    text: str
    """Full text for display and BM25."""
    embed_text: str
    """What is embedded: titles, headings, labels and sentences, not columns of digits."""
    line_start: int
    line_end: int
    page: int | None = None


@dataclass
class RetrievedChunk:
    """A chunk with its retrieval score."""

    chunk: Chunk
    score: float
    sources: dict[str, float] = field(default_factory=dict)
    """Per-retriever scores or ranks ('bm25', 'vector')."""


@dataclass
class Citation:
    """Where an answer's evidence stands."""

    doc: str
    department: str
    year: int
    part: str
    line_start: int
    line_end: int
    quote: str
    page: int | None = None


@dataclass
class NumberCheck:
    """The verification of one number stated in an answer."""

    text: str
    value: Decimal
    unit: str
    verified: bool
    source_doc: str = ""
    source_line: int = 0
    how: str = ""
    """'fact' (matched a stored figure), 'cited_text', 'arithmetic' (derived from verified figures), or why not."""
    derivation: dict | None = None
    """For 'arithmetic': {op, value, unit, operands: [{fact, doc, line, value, unit}]}."""


@dataclass
class Answer:
    """A verified answer for the public. 'Not in the documents' is a value here, not an exception."""

    question: str
    text: str
    refused: bool = False
    citations: list[Citation] = field(default_factory=list)
    numbers: list[NumberCheck] = field(default_factory=list)
    figure: str = ""
    """The headline figure to show large ('6,926.05万元'), if any."""
    intent: str = ""
    trace: dict = field(default_factory=dict)
    """How the question was understood, what was retrieved, which facts were used, timings."""
    latency_ms: float = 0.0
