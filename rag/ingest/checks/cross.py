"""The same quantity across tables (基本支出 in 表3/表5/表6, 合计 in 表1/表3/表5, 项目支出 in 表5/表12), and the
identities that tie them (人员经费 + 公用经费 = 基本支出; 机关运行经费 = 公用经费 for 行政/参公 units)."""

from __future__ import annotations

from decimal import Decimal

from rag.ingest.checks.base import (
    ZERO,
    Collector,
    column_index,
    first,
    labelled_value,
    money_severity,
    plain,
    short,
    total_row,
    value_at,
    wan,
    where,
)
from rag.ingest.checks.figures import Figure, economic, key_fact, spending
from rag.ingest.checks.text import Mention, project_total
from rag.text.numbers import parse_decimal
from rag.types import Document, Fact, Table


def check_cross(doc: Document, facts: list[Fact], mentions: list[Mention], out: Collector) -> None:
    basic_across_tables(doc, facts, mentions, out)
    staff_plus_office(doc, out)
    summary_vs_tables(doc, facts, out)
    projects_vs_spending(doc, out)
    running_costs(doc, mentions, out)
    overall_sheet(doc, out)


def _text_notes(mentions: list[Mention], name: str, values: list[Decimal]) -> tuple[str, list[int]]:
    """'；第三部分第423行写 438.68万元' for the text figures of `name` that side with one of the tables."""
    said = [m for m in mentions if m.name == name and any(money_severity(m.value, v) is None for v in values)]
    notes = "".join(f"；第三部分「{m.heading}」第{m.line}行写 {wan(m.value)}" for m in said)
    return notes, [m.line for m in said]


def basic_across_tables(doc: Document, facts: list[Fact], mentions: list[Mention], out: Collector) -> None:
    """表5 vs 表6 (both 本年); 表3 vs 表5 + 上年结转 (表13 for projects)."""
    s3, s5, e6 = spending(doc, "支出总表"), spending(doc, "一般公共预算支出"), economic(doc)
    carry = key_fact(facts, "上年结转")
    carried = carry.value if carry else ZERO
    if s5 and e6:
        same_as_3 = s3 is not None and carried == 0 and money_severity(s3.basic, s5.basic) is None
        left = f"{short(s3.table)}/{short(s5.table)}" if same_as_3 and s3 else short(s5.table)
        notes, text_lines = _text_notes(mentions, "基本支出", [s5.basic, e6.total])
        message = (
            f"基本支出：{left} 合计行 {wan(s5.basic)} ≠ {short(e6.table)} 合计 {wan(e6.total)}"
            f"（两者都是本年一般公共预算、不含上年结转）{notes}"
        )
        lines = [s5.line, e6.line, *text_lines, *([s3.line] if same_as_3 and s3 else [])]
        out.money("table_vs_table", s5.basic, e6.total, message, lines)
    income, general = key_fact(facts, "本年收入合计"), key_fact(facts, "一般公共预算拨款")
    if (
        doc.kind != "预算"
        or not (s3 and s5 and income and general)
        or money_severity(income.value, general.value)
    ):
        return  # other funds than 一般公共预算: 表3 and 表5 differ by more than the carry-over
    carry_line = [carry.line] if carry else []
    project_total_13 = project_total(doc, "项目支出结转")
    carried_projects = project_total_13[0] if project_total_13 else ZERO
    checks = [("合计", s3.total, s5.total, carried), ("项目支出", s3.project, s5.project, carried_projects)]
    if carried == 0:  # with a carry-over the 基本支出 gap follows from the two above (and their rounding)
        checks.append(("基本支出", s3.basic, s5.basic, ZERO))
    for name, a, b, extra in checks:
        if carried == 0:
            how = "上年结转为0，两表应相同"
        elif name == "合计":
            how = f"差额应为上年结转 {wan(carried)}"
        else:
            how = f"差额应为上年结转的项目（{short(project_total_13[2]) if project_total_13 else '表13'}）{wan(extra)}"
        out.money(
            "table_vs_table",
            a,
            b + extra,
            f"{name}：{short(s3.table)}（含上年结转）{wan(a)}，{short(s5.table)}（本年）{wan(b)}，{how}",
            [s3.line, s5.line, *carry_line],
        )


def staff_plus_office(doc: Document, out: Collector) -> None:
    """人员经费 + 公用经费 (表6) = 基本支出 (表5, or 表6's own 合计)."""
    e6, s5 = economic(doc), spending(doc, "一般公共预算支出")
    if e6 is None or e6.table.empty:
        return
    basic, basic_at, basic_line = (
        (s5.basic, short(s5.table), s5.line) if s5 else (e6.total, short(e6.table), e6.line)
    )
    summed = e6.staff + e6.office
    out.money(
        "identity",
        summed,
        basic,
        f"人员经费 {wan(e6.staff)} + 公用经费 {wan(e6.office)} = {wan(summed)}"
        f"（{short(e6.table)} 第{e6.line}行），但基本支出为 {wan(basic)}（{basic_at} 第{basic_line}行）",
        [e6.line, basic_line],
    )


def summary_vs_tables(doc: Document, facts: list[Fact], out: Collector) -> None:
    """表1's totals against 表2 (收入), 表3 (支出, 含上年结转) and 表5 (一般公共预算, 本年)."""
    summary = first(doc, "收支总表")
    if summary is None or doc.kind != "预算":
        return  # a 决算's 支出总计 includes 年末结转和结余
    label = short(summary)
    pairs = []
    this_year = labelled_value(summary, "本年支出合计")
    spent = Figure(this_year[0], this_year[1], "本年支出合计") if this_year else key_fact(facts, "支出总计")
    if (s3 := spending(doc, "支出总表")) and spent:
        pairs.append((s3.total, s3, spent, "合计", spent.row))
    if (s5 := spending(doc, "一般公共预算支出")) and (f := key_fact(facts, "一般公共预算拨款")):
        pairs.append((s5.total, s5, f, "合计（一般公共预算，本年）", "一般公共预算拨款收入"))
    for value, s, fact, what, name in pairs:
        out.money(
            "table_vs_table",
            value,
            fact.value,
            f"{short(s.table)} {what} {wan(value)} ≠ {label} {name} {wan(fact.value)}（第{fact.line}行）",
            [s.line, fact.line],
        )
    income = first(doc, "收入总表")
    row = total_row(income) if income and not income.empty else None
    if income is None or row is None:
        return
    for column, name in (("合计", "本年收入合计"), ("上年结转", "上年结转")):
        at = column_index(income, column) if column == "合计" else _last_column(income, column)
        fact = key_fact(facts, name)
        if at is None or fact is None:
            continue
        value = value_at(row, at, income.unit)
        out.money(
            "table_vs_table",
            value,
            fact.value,
            f"{short(income)} 合计行{column}列 {wan(value)} ≠ {label} {name} {wan(fact.value)}",
            [row.line, fact.line],
        )


def _last_column(table: Table, word: str) -> int | None:
    found = [i for i, name in enumerate(table.columns) if word in name]
    return found[-1] if found else None


def projects_vs_spending(doc: Document, out: Collector) -> None:
    """The 项目支出预算表（本年） total (or its projects' sum) = 表5 项目支出."""
    s5, projects = spending(doc, "一般公共预算支出"), project_total(doc, "项目支出本年")
    if s5 is None or projects is None:
        return
    total, line, table = projects
    out.money(
        "table_vs_table",
        total,
        s5.project,
        f"项目支出：{short(table)} 各项目合计 {wan(total)} ≠ "
        f"{short(s5.table)} 项目支出 {wan(s5.project)}（第{s5.line}行）",
        [line, s5.line],
    )


def administrative(doc: Document) -> str:
    """Why 机关运行经费 must equal 公用经费 here ('' when the unit may be a plain 事业单位)."""
    start = min((t.line_start for t in doc.tables), default=len(doc.lines))
    cover = "".join(doc.line_text(n) for n in range(1, start))
    if "参公" in cover or "参照公务员法管理" in cover:
        return "本单位为参照公务员法管理的事业单位"
    table = first(doc, "一般公共预算支出") or first(doc, "支出总表")
    if table is None:
        return ""
    at = column_index(table, "基本支出")
    labels = {
        plain(r.label) for r in table.rows if r.code and len(r.code) == 7 and value_at(r, at, table.unit) > 0
    }
    if "行政运行" in labels and "事业运行" not in labels:
        return "基本支出列在「行政运行」科目（行政单位）"
    return ""


def running_costs(doc: Document, mentions: list[Mention], out: Collector) -> None:
    """机关运行经费 is 行政/参公 units' 公用经费 (名词解释): 表11 against 表6."""
    table, e6 = first(doc, "机关运行经费"), economic(doc)
    reason = administrative(doc)
    if table is None or e6 is None or not reason:
        return
    row = total_row(table)
    running = value_at(row, 1, table.unit)
    notes, text_lines = _text_notes(mentions, "机关运行经费", [running])
    empty = "（本表无数据）" if table.empty else ""
    message = (
        f"机关运行经费：{short(table)} 为 {wan(running)}{empty}{notes}；但{reason}，按名词解释机关运行经费"
        f"即财政拨款基本支出中的公用经费，{short(e6.table)} 公用经费为 {wan(e6.office)}"
    )
    lines = [row.line if row else table.line_start, e6.line, *text_lines]
    out.money("identity", running, e6.office, message, lines)


def overall_sheet(doc: Document, out: Collector) -> None:
    """A 部门整体支出绩效目标表's 年度预算 (合计/基本支出/项目支出) against the nearer of 表3 and 表5."""
    sheets = [t for t in doc.tables if "整体" in t.title and "绩效" in t.title]
    options = [s for s in (spending(doc, "一般公共预算支出"), spending(doc, "支出总表")) if s]
    for sheet in sheets:
        stated: dict[str, tuple[Decimal, int]] = {}
        for row in sheet.rows:
            cells = row.cells
            for i, cell in enumerate(cells[:-1]):
                name, value = plain(cell), parse_decimal(cells[i + 1])
                if value is not None and name in {"合计", "基本支出", "项目支出"} and name not in stated:
                    stated[name] = (value, row.line)
        if "合计" not in stated or not options:
            continue
        near = min(options, key=lambda s: abs(s.total - stated["合计"][0]))
        table_values = {"合计": near.total, "基本支出": near.basic, "项目支出": near.project}
        wrong = [
            (n, v, ln, table_values[n]) for n, (v, ln) in stated.items() if money_severity(v, table_values[n])
        ]
        wrong = [w for w in wrong if not out.known(w[1], w[3])]
        if not wrong:
            continue
        detail = "；".join(f"{n} {wan(v)} ≠ {wan(t)}" for n, v, _, t in wrong)
        severity = "major" if any(money_severity(v, t) == "major" for _, v, _, t in wrong) else "rounding"
        out.add(
            "table_vs_table",
            severity,
            f"{where(sheet)}（第{sheet.line_start}行）的年度预算与"
            f"{short(near.table)} 合计行（第{near.line}行）不符：{detail}",
            [near.line, *(w[2] for w in wrong)],
            [s for _, v, _, t in wrong for s in (wan(v), wan(t))],
            [(v, t) for _, v, _, t in wrong],
        )
