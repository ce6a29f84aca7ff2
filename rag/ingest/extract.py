"""Document → Facts: every numeric table cell, plus the key figures under their canonical names.

Key figures come from the tables first; where only the text states them (政府采购, 编制, vehicles, floor area)
or where the text states them too (基本支出 in 第三部分), text facts are added with origin='text' (rag.ingest.prose,
its phrasings in prose.json), so that a
figure the text and a table give differently is visible to the checks and the answers. Head counts a sheet
states as label and value cells (整体支出绩效目标申报表: 核定的人员编制数 | 21人 | 实际在职人员总数 | 36人) are
key figures too (编制, 在职人数).
"""

from __future__ import annotations

import re
from decimal import Decimal

from rag.ingest.parse.document import table_display_title
from rag.ingest.parse.layouts import figure_kind, layouts, period_of
from rag.ingest.parse.tables import header_paths, match_header, plain_label
from rag.ingest.prose import text_facts
from rag.text.numbers import normalize_text, parse_decimal
from rag.types import Document, Fact, Row, Table

ZERO = Decimal(0)

SUMMARY_ROWS: dict[str, list[tuple[str, int]]] = {
    # canonical name → (row label, side) in order of preference; side 0 = the row's first label (income), 1 = a
    # later one (expenditure). Shanxi: 本年收入合计 / 上年结转 / 收入总计; Jiangsu: 当年收入小计 / 上年结转资金 /
    # 收入合计 (the total); Shanghai 决算: 本年收入合计 / 年初结转和结余 / 总计 | 总计.
    "收入总计": [("收入总计", 0), ("总计", 0), ("收入合计", 0)],
    "支出总计": [("支出总计", 1), ("总计", 1), ("支出合计", 1)],
    "本年收入合计": [("本年收入合计", 0), ("本年收入小计", 0), ("当年收入小计", 0)],
    "上年结转": [("上年结转", 0), ("上年结转结余", 0), ("上年财政拨款结转", 0), ("上年结转结余资金", 0),
             ("上年结转资金", 0), ("年初结转和结余", 0), ("上年结转和结余资金", 0), ("上年结余、结转", 0)],
    "一般公共预算拨款": [("一般公共预算", 0), ("一般公共预算拨款", 0), ("一般公共预算拨款收入", 0),
                 ("一般公共预算财政拨款", 0), ("一般公共预算财政拨款收入", 0), ("一般公共预算资金", 0)],
}  # fmt: skip
SANGONG_ROWS = [  # order matters: the specific before the general
    ("公务用车购置费", ("购置费", "购置经费"), ("及运行", "运行")),
    ("公务用车运行维护费", ("运行维护费", "运行费"), ("购置及运行",)),
    ("公务用车购置及运行费", ("购置及运行",), ()),
    ("因公出国（境）费", ("出国", "出境"), ()),
    ("公务接待费", ("接待",), ()),
    ("三公经费", ("合计", "三公", "总计"), ()),
]
STAFF_LABELS: list[tuple[str, re.Pattern[str]]] = [
    # (name, a whole label cell): 核定的人员编制数, 核定编制数, 人员编制数, 编制人数, 编制数, 核定编制 | 实际在职人员总数,
    # 在职人员总数, 在职人员数, 在职人数, 实有人数, 实有人员数. Whole cells only, so 车辆编制数, 在编人员数 (a part of
    # the 在职 count), 在职干部职工人数 (a project's indicator) and prose (梳理编制公布) never match.
    ("编制", re.compile(r"(?:核定(?:的)?)?(?:人员)?编制(?:人)?数|核定(?:的)?(?:人员)?编制")),
    ("在职人数", re.compile(r"(?:实际)?在职(?:人员)?(?:总)?(?:人)?数|实有(?:人员)?(?:总)?(?:人)?数")),
]
_STAFF_VALUE = re.compile(r"(\d+)\s*(人|名)?")
_VEHICLES = re.compile(r"车|辆")
"""A bare number ('21', no 人/名) counts only on a line that is not about vehicles (公务用车 | 编制数 | 4)."""

def extract_facts(doc: Document) -> list[Fact]:
    """All facts of a document: table cells, key figures from tables, figures stated in the text."""
    facts = [*table_cell_facts(doc), *project_target_facts(doc)]
    facts += key_figures(doc, facts)
    staff = staff_facts(doc)
    stated = {(f.name, f.value, f.line) for f in staff}
    facts += staff
    facts += [f for f in text_facts(doc) if (f.name, f.value, f.line) not in stated]
    return facts


def _fact(doc: Document, table: str, row: str, column: str, value: Decimal, unit: str, line: int,
          code: str | None = None, name: str | None = None, origin: str = "table") -> Fact:  # fmt: skip
    return Fact(
        doc=doc.doc, department=doc.department, year=doc.year, kind=doc.kind, table=table, row=row,
        column=column, value=value, unit=unit, line=line, code=code, name=name, origin=origin,
        quote=doc.line_text(line).strip(), page=doc.page_of(line),
    )  # fmt: skip


def table_cell_facts(doc: Document) -> list[Fact]:
    """One fact per numeric cell of every table."""
    facts = []
    for table in doc.tables:
        title = table_display_title(table)
        for row in table.rows:
            for column, value, label in row.values:
                code = row.code if label == row.label else None
                facts.append(_fact(doc, title, label or row.label, column, value, table.unit, row.line, code))
    return facts


def project_target_facts(doc: Document) -> list[Fact]:
    """Each project sheet's 年度资金总额 (元)."""
    facts = []
    for target in doc.targets:
        if target.annual_total_yuan is not None:
            part = f"项目支出绩效目标表（{target.project}）"
            facts.append(_fact(doc, part, target.project, "年度资金总额", target.annual_total_yuan, "元",
                               target.amount_line or target.line_start))  # fmt: skip
    return facts


def _row_by_label(
    table: Table, labels: list[tuple[str, int]], doc: Document | None = None
) -> tuple[Row, Decimal | None, str] | None:
    """The first row with the most preferred label (exact after dropping ordinals and spaces) on the wanted side
    (0: the row's first label, 1: a later one), with that label's value: the first one, or, when the label has
    several (预算数 | 决算数, 2025年 | 2026年), the one of the column `_column_rank` prefers."""
    for wanted, side in labels:
        for row in table.rows:
            texts = [c for c in row.cells if c and parse_decimal(c) is None]
            for position, cell in enumerate(texts):
                if (position == 0) != (side == 0):
                    continue
                if re.sub(r"^(?:[一二三四五六七八九十]+、|\d{1,2}\s*[.．、])|\s", "", cell) == wanted:
                    values = [(v, c) for c, v, lab in row.values if lab == plain_label(cell)]
                    if doc is not None and len(values) > 1 and all(_compares(c) for _, c in values):
                        ranked = [(_column_rank(doc, [c]), k) for k, (_, c) in enumerate(values)]
                        best = max(ranked, key=lambda rk: (rk[0] if rk[0] is not None else -1, -rk[1]))
                        if best[0] is not None:
                            values = [values[best[1]]]
                    found = values[0] if values else (None, "")
                    return row, found[0], found[1]
    return None


_PERIOD_RANK = {"current": 2, None: 1, "previous": 0}
_YEAR = re.compile(r"20\d{2}\s*年")


def _compares(column: str) -> bool:
    """A column that states one version of a row's figure (预算数, 决算数, 2026年预算数, 完成率, 增减), not a
    part of it (本年收入, 上年结转, 合计): only among such columns is one preferred to another."""
    return bool(figure_kind([column]) or _YEAR.search(column) or period_of([column], None) == "change")


def _column_rank(doc: Document, texts: list[str]) -> int | None:
    """How much a column (its header cells) or a row (its label cells) is the document's own figure: this
    year's over one without a year over last year's; in a 决算 the 决算数 over the 预算数 (年初/调整预算), in a
    预算 the other way round. None for a change (增减变化) or a ratio (完成率, 决算数为预算数的%): never the figure."""
    period = period_of(texts, doc.year)
    kind = figure_kind(texts)
    if period == "change" or kind == "ratio":
        return None
    wanted = "final" if doc.kind == "决算" else "budget"
    return _PERIOD_RANK[period] * 3 + (1 if kind is None else 2 if kind == wanted else 0)


def _two_sided_total(table: Table) -> tuple[Row, list[tuple[Decimal, str]]] | None:
    """A row labelled only 合计 / 总计 on both sides of a two-sided 收支总表 (Chongqing prints its totals so,
    with no 收入总计 row), with the first value of each side; None unless exactly one such row exists."""
    words = tuple(layouts()["summary_total_labels"]["words"])
    found = []
    for row in table.rows:
        texts = [plain_label(c) for c in row.cells if c and parse_decimal(c) is None]
        if len(texts) != 2 or not all(text in words for text in texts):
            continue
        sides = [next(((v, c) for c, v, lab in row.values if lab == text), None) for text in texts]
        if all(sides):
            found.append((row, sides))
    if len(found) != 1:
        return None
    row, sides = found[0]
    return row, [side for side in sides if side]


def _column_value(table: Table, row: Row, column_words: tuple[str, ...]) -> Decimal | None:
    for column, value, _ in row.values:
        if any(word in column for word in column_words):
            return value
    return ZERO if row.values else None


def _total_row(table: Table) -> Row | None:
    return next(
        (r for r in table.rows if r.label in ("合计", "总计", "部门合计")),
        table.rows[0] if table.rows else None,
    )


def key_figures(doc: Document, cells: list[Fact]) -> list[Fact]:
    """Canonical key figures taken from the standard tables."""
    out: list[Fact] = []

    def add(table: Table, row_label: str, column: str, value: Decimal, line: int, name: str) -> None:
        out.append(
            _fact(doc, table_display_title(table), row_label, column, value, table.unit, line, name=name)
        )

    summary = doc.table("收支总表")
    named: set[str] = set()
    for name, labels in SUMMARY_ROWS.items():
        found = _row_by_label(summary, labels, doc) if summary else None
        if found:
            row, value, column = found
            add(summary, name, column, value or ZERO, row.line, name)  # type: ignore[arg-type]
            named.add(name)
    if summary and not named & {"收入总计", "支出总计"} and (both := _two_sided_total(summary)):
        row, sides = both  # '合计 | 186,549.30 | 合计 | 186,549.30': the table's only total row
        for name, (value, column) in zip(("收入总计", "支出总计"), sides, strict=True):
            add(summary, name, column, value, row.line, name)
            named.add(name)
    income = doc.table("收入总表")
    if "收入总计" not in named and income and (found := _row_by_label(income, [("收入总计", 0)])):
        row, value, column = found  # no 收支总表 (or no total in it): the 收入总表 states the total
        add(income, "收入总计", column, value or ZERO, row.line, "收入总计")
    spending = doc.table("支出总表") or doc.table("一般公共预算支出")
    if spending and (total := _total_row(spending)) and not spending.empty:
        for name in ("基本支出", "项目支出"):
            value = next((v for c, v, _ in total.values if name in c), None)
            if value is not None or any(name in c for c in spending.columns):
                add(spending, total.label, name, value or ZERO, total.line, name)
    economic = doc.table("基本支出经济分类")
    if economic and (total := _total_row(economic)) and not economic.empty:
        for name in ("人员经费", "公用经费"):
            if any(name in c for c in economic.columns):
                value = next((v for c, v, _ in total.values if name in c), ZERO)
                add(economic, total.label, name, value, total.line, name)
    out += _sangong_figures(doc)
    running = doc.table("机关运行经费")
    if running:
        total = _total_row(running)
        value = total.values[0][1] if total and total.values else ZERO
        add(running, total.label if total else "合计", "合计", value, total.line if total else running.line_start,
            "机关运行经费")  # fmt: skip
    return out


def staff_facts(doc: Document) -> list[Fact]:
    """编制 and 在职人数 from label and value cells of one line ('核定的人员编制数\t21人', '编制数：21人'), in 名 like
    the text's 编制; the line's table (if any) is the fact's table. The first label of each name in a line counts."""
    out: list[Fact] = []
    for line in doc.lines:
        if "\t" not in line.text:
            continue
        bare = not _VEHICLES.search(line.text)
        cells = [re.sub(r"\s+", "", normalize_text(cell)) for cell in line.text.split("\t")]
        named: set[str] = set()
        for i in range(len(cells)):
            for name, label in STAFF_LABELS:
                if name in named or not (found := _staff_value(cells, i, label, bare)):
                    continue
                value, column = found
                table = next((t for t in doc.tables if t.line_start <= line.no <= t.line_end), None)
                where = table_display_title(table) if table else _section_path(doc, line.no)
                out.append(_fact(doc, where, name, column, value, "名", line.no, name=name))
                named.add(name)
    return out


def _staff_value(cells: list[str], i: int, label: re.Pattern[str], bare: bool) -> tuple[Decimal, str] | None:
    """(count, label) when cells[i] is the label with its count inline ('编制数：21人') or in the next non-empty
    cell ('21人'; '21' only if `bare`)."""
    cell = cells[i]
    if inline := re.fullmatch(rf"({label.pattern})[：:]?{_STAFF_VALUE.pattern}", cell):
        text, value, unit = inline.group(1), inline.group(2), inline.group(3)
    elif label.fullmatch(cell.rstrip("：:")):
        following = _STAFF_VALUE.fullmatch(next((c for c in cells[i + 1 :] if c), ""))
        if not following:
            return None
        text, value, unit = cell.rstrip("：:"), following.group(1), following.group(2)
    else:
        return None
    return (Decimal(value), text) if unit or bare else None


def _section_path(doc: Document, line: int) -> str:
    section = next((s for s in reversed(doc.sections) if s.line_start <= line <= s.line_end), None)
    return (" / ".join(section.path) or section.heading) if section else ""


def _sangong_figures(doc: Document) -> list[Fact]:
    """三公 figures: items as rows (Shanxi: 因公出国（境）费 | 合计 | …) or as columns of one row (Shanghai,
    Jiangsu: 合计 | 因公出国(境)费 | 公务接待费 | 公务用车购置及运行费 | 小计 | 购置费 | 运行费). An empty
    table states them all as 0."""
    table = doc.table("三公经费")
    if table is None:
        return []
    title = table_display_title(table)
    out: list[Fact] = []
    named: set[str] = set()
    by_rows = any(_sangong_name(normalize_text(row.label)) for row in table.rows)
    if table.empty:
        pass  # the note (本表无数据) is what states the zeros below
    elif by_rows:
        for row in table.rows:
            label = normalize_text(row.label)
            for name, words, not_words in SANGONG_ROWS:
                if name in named or not any(w in label for w in words) or any(w in label for w in not_words):
                    continue
                value = row.values[0][1] if row.values else ZERO
                out.append(_fact(doc, title, row.label, row.values[0][0] if row.values else "合计", value, table.unit,
                                 row.line, name=name))  # fmt: skip
                named.add(name)
                break
    elif table.rows:
        out += _sangong_columns(doc, table, title, named)
    if table.empty:
        line = table.line_end
        for name in ("三公经费", "因公出国（境）费", "公务接待费", "公务用车购置及运行费", "公务用车购置费",
                     "公务用车运行维护费"):  # fmt: skip
            if name not in named:
                out.append(_fact(doc, title, name, "合计", ZERO, table.unit, line, name=name))
    return out


def _sangong_name(text: str) -> str | None:
    """The 三公 item a label or header names ('公务用车购置及运行维护费' → 公务用车购置及运行费)."""
    text = normalize_text(text).replace(" ", "")
    for name, words, not_words in SANGONG_ROWS[:-1]:
        if any(w in text for w in words) and not any(w in text for w in not_words):
            return name
    if "三公" in text:
        return "三公经费"
    return None


def _sangong_columns(doc: Document, table: Table, title: str, named: set[str]) -> list[Fact]:
    """One fact per 三公 item named by a column header, from the table's (first) data row; an empty cell is 0.
    In a 决算 the 决算数 column is taken, in a 预算 the 预算数 (or the only) one; this year's column (2026年预算数,
    当年) over last year's (2025年, 上年), never a 增减变化 one; a 合计 / 总计 column under such a period names the
    三公 total when no column names it."""
    row = _sangong_row(doc, table)
    width = max(len(row.cells), len(table.columns))
    chosen: dict[str, tuple[int, str, int]] = {}  # name → (column index, column label, preference)
    totals: list[tuple[int, str, int]] = []  # columns named only 合计 / 总计 (under 2026年预算数 …)
    header_text = "".join(cell for cells in table.header for cell in cells)
    for i, path in enumerate(header_paths(table.header, width)):
        period = _column_rank(doc, path.cells)
        if period is None:
            continue  # 增减变化, 完成率: not a figure of the year
        filled = i < len(row.cells) and bool(row.cells[i])
        match = match_header(path, lambda text: _sangong_name(text) is not None)
        if not match:
            if _total_only(path.cells) and not any(word in header_text for word in ("会议费", "培训费")):
                totals.append((i, " ".join(c for c in path.cells if c), period * 2 + filled))
            continue
        label, qualifiers = match
        name = _sangong_name(label)
        assert name is not None
        wanted, other = ("决算", "预算") if doc.kind == "决算" else ("预算", "决算")
        rank = 2 if any(wanted in q for q in qualifiers) else 0 if any(other in q for q in qualifiers) else 1
        # this year's over last year's, then 决算数/预算数 as the document is; a stated figure over an empty cell
        rank = (period * 3 + rank) * 2 + filled
        if name not in chosen or rank > chosen[name][2]:
            chosen[name] = (i, " ".join([label, *qualifiers]), rank)
    if "三公经费" not in chosen and totals:
        chosen["三公经费"] = max(totals, key=lambda t: (t[2], -t[0]))
    out = []
    for name, (i, column, _) in chosen.items():
        cell = row.cells[i] if i < len(row.cells) else ""
        value = parse_decimal(cell) if cell else ZERO
        if value is None:
            continue
        out.append(_fact(doc, title, name, column, value, table.unit, row.line, name=name))
        named.add(name)
    return out


def _sangong_row(doc: Document, table: Table) -> Row:
    """The data row of a 三公 table whose items are columns: the first row with values, unless rows name their
    period or kind (2025年 / 2026年 / 增减变化金额; 预算数 / 决算数) — then the first of the document's own."""
    rows = [r for r in table.rows if r.values] or table.rows[:1]
    ranked = []
    for k, row in enumerate(rows):
        rank = _column_rank(doc, [c for c in row.cells if c and parse_decimal(c) is None])
        if rank is not None:
            ranked.append((rank, -k, row))
    return max(ranked, key=lambda item: item[:2])[2] if ranked else rows[0]


def _total_only(cells: list[str]) -> bool:
    """A column header naming only a total (合计 / 总计) under periods or qualifiers, and no 三公 item."""
    labels = [plain_label(c) for c in cells if c]
    return any(c in ("合计", "总计") for c in labels) and not any(
        _sangong_name(c) or c in ("会议费", "培训费") for c in labels
    )
