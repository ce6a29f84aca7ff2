"""Rows that do not add up: 科目编码 children to parents, 功能分类 and 经济分类 rows to their totals, projects to
their unit, 三公 items to their total; and rows whose 合计 cell is not the sum of the cells beside it."""

from __future__ import annotations

import re
from decimal import Decimal

from rag.ingest.checks.base import (
    ZERO,
    Collector,
    column_index,
    is_standard,
    is_total_label,
    label_index,
    money_severity,
    numbers,
    plain,
    short,
    total_row,
    wan,
    where,
    worst,
)
from rag.text.numbers import parse_decimal
from rag.types import Document, Row, Table

TWO_SIDED = {"收支总表", "财政拨款收支总表"}
_ORDINAL = re.compile(r"^[一二三四五六七八九十]+、")
_UNIT_END = re.compile(r"(局|中心|部|厅|委|委员会|办公室|院|所|站|馆|处|队|室|会)$")
_PROJECT_END = re.compile(
    r"(费|费用|经费|项目|资金|补助|补贴|服务|工程|建设|改造|购置|采购|保障金|培训会|人员)$"
)


def check_sums(doc: Document, out: Collector) -> None:
    for table in doc.tables:
        if table.empty or not is_standard(table):
            continue
        if table.key in TWO_SIDED:
            two_sided_sums(table, out)
            continue
        if not single_sided(table):
            continue  # two tables side by side (Jiangsu's 经济科目 halves): cells do not line up by column
        code_sums(table, out)
        if table.key == "基本支出经济分类" and column_index(table, "人员经费") is not None:
            economic_sums(table, out)
        elif table.key in {"项目支出本年", "项目支出结转"}:
            project_sums(doc, table, out)
        elif table.key == "三公经费":
            sangong_sums(table, out)
        elif table.key == "机关运行经费" and "单位" in (table.columns[0] if table.columns else ""):
            unit_rows = [r for r in table.rows if not is_total_label(r.label)]
            if (total := total_row(table)) and unit_rows:
                report_sum(out, table, total, unit_rows, "各单位")
        row_identities(table, out)


_NOT_AMOUNTS = re.compile(r"^(类|款|项|编码|科目编码|科目名称|功能科目名称|项目名称|单位名称|项目|名称)$")


def single_sided(table: Table) -> bool:
    """One label column and one 科目编码 column at most per row."""
    names = [c.replace(" ", "") for c in table.columns]
    if (
        sum(n in {"科目编码", "项目", "科目名称", "项目名称"} for n in names) > 2
        or table.key == "国有资本经营"
    ):
        return False
    return all(
        sum(1 for c in row.cells if re.fullmatch(r"\d{3}(?:\d{2}){0,2}", c)) <= 1 for row in table.rows
    )


def report_sum(
    out: Collector, table: Table, parent: Row, children: list[Row], what: str, first_column: int = 1
) -> None:
    """Children should add up to the parent in every numeric column: one finding per parent row."""
    have = numbers(parent, table.unit)
    if not have:
        return  # a total whose amounts stand on another line (a wrapped PDF row), not a total of 0
    child_values = [numbers(c, table.unit) for c in children]
    parent_columns = set(have)
    child_columns = {i for values in child_values for i in values}
    if parent_columns and child_columns and not parent_columns & child_columns:
        return  # amounts in different cells: a misaligned grid (PDF text), not a contradiction
    columns = sorted(
        i
        for i in parent_columns | child_columns
        if i >= first_column
        and not (i < len(table.columns) and _NOT_AMOUNTS.match(table.columns[i].replace(" ", "")))
    )
    parts: list[tuple[str, Decimal, Decimal]] = []
    lines = [parent.line, *(c.line for c, values in zip(children, child_values, strict=True) if values)]
    for i in columns:
        total = have.get(i, ZERO)
        summed = sum((values.get(i, ZERO) for values in child_values), ZERO)
        if money_severity(summed, total) is None:
            continue
        if earlier := out.known(summed, total):
            out.attach(earlier, lines)
            continue
        name = (table.columns[i] if i < len(table.columns) else "") or "金额"
        same = next((k for k, (_, s, t) in enumerate(parts) if (s, t) == (summed, total)), None)
        if same is None:
            parts.append((name, summed, total))
        else:
            parts[same] = (f"{parts[same][0]}、{name}", summed, total)
    if not parts:
        return
    detail = "；".join(f"{name}列 {wan(s)} ≠ {wan(t)}" for name, s, t in parts)
    message = f"{where(table)}：{what}之和与「{parent.label}」（第{parent.line}行）不符：{detail}"
    out.add(
        "row_sum",
        worst(money_severity(s, t) for _, s, t in parts),
        message,
        lines,
        [v for _, s, t in parts for v in (wan(s), wan(t))],
        [(s, t) for _, s, t in parts],
    )


def code_sums(table: Table, out: Collector) -> None:
    """201 = Σ 201xx, 20103 = Σ 20103xx, 合计 = Σ top-level codes."""
    rows = table.rows
    codes = [r.code for r in rows if r.code]
    unread = [
        r for r in rows if r.code is None and any(parse_decimal(c) for c in r.cells[: max(label_index(r), 0)])
    ]
    if len({label_index(r) for r in rows if r.code}) > 1 or len(codes) != len(set(codes)) or unread:
        return  # labels in different cells, or a code not read ('301 2' for 30102): too broken to add up
    for i, row in enumerate(rows):
        if row.code is None or len(row.code) not in (3, 5):
            continue
        children = []
        for later in rows[i + 1 :]:
            if later.code is None or len(later.code) <= len(row.code):
                break
            if len(later.code) == len(row.code) + 2 and later.code.startswith(row.code):
                children.append(later)
        if children:
            report_sum(out, table, row, children, f"{row.code} {row.label}的下级科目", first_column=2)
    top = [r for r in rows if r.code is not None and len(r.code) == 3]
    total = next((r for r in rows if r.code is None and is_total_label(r.label)), None)
    if top and total:
        report_sum(out, table, total, top, "各类级科目", first_column=2)


def economic_sums(table: Table, out: Collector) -> None:
    """表6: items to their category (工资福利支出 …), categories to 合计."""
    total = total_row(table)
    categories: list[tuple[Row, list[Row]]] = []
    loose: list[Row] = []
    for row in table.rows:
        if row is total:
            continue
        is_category = len(row.cells) < 2 or not row.cells[1]
        if is_category:
            categories.append((row, []))
        elif categories:
            categories[-1][1].append(row)
        else:
            loose.append(row)
    for category, items in categories:
        if items:
            report_sum(out, table, category, items, f"「{category.label}」各款", first_column=2)
    if total:
        tops = [c for c, _ in categories] + loose
        report_sum(out, table, total, tops, "各经济分类", first_column=2)


def _is_unit_label(label: str, department: str) -> bool:
    """'山西省政务服务中心' heads its projects in 表12; '山西省政务服务中心食堂运行经费' is a project."""
    name = re.sub(r"[“”\"]", "", re.sub(r"[（(][^）)]*[）)]$", "", plain(label)))
    if not name or _PROJECT_END.search(name):
        return False
    dept = plain(department)
    return name == dept or name in dept or bool(_UNIT_END.search(name))


def project_groups(doc: Document, table: Table) -> tuple[Row | None, list[tuple[Row, list[Row]]], list[Row]]:
    """(department total row, [(unit row, its projects)], all project rows) of a 项目支出 table."""
    rows = [r for r in table.rows if r.values or r.label]
    is_unit = [_is_unit_label(r.label, doc.department) or is_total_label(r.label) for r in rows]
    top = rows[0] if len(rows) > 1 and is_unit[0] and is_unit[1] else None
    units: list[tuple[Row, list[Row]]] = []
    projects: list[Row] = []
    for row, unit in zip(rows, is_unit, strict=True):
        if row is top:
            continue
        if unit:
            units.append((row, []))
        else:
            projects.append(row)
            if units:
                units[-1][1].append(row)
    return top, units, projects


def project_sums(doc: Document, table: Table, out: Collector) -> None:
    top, units, _ = project_groups(doc, table)
    for unit, items in units:
        if items:
            report_sum(out, table, unit, items, f"「{plain(unit.label)}」各项目")
    if top and units:
        report_sum(out, table, top, [u for u, _ in units], "各单位")


SANGONG_PARTS = {
    "出国": ("因公出国(境)费", "因公出国(境)费用", "因公出国费"),
    "接待": ("公务接待费",),
    "车": ("公务用车购置及运行费", "公务用车购置及运行维护费"),
    "购置": ("公务用车购置费",),
    "运维": ("公务用车运行维护费", "公务用车运行费"),
    "合计": ("合计", "三公经费", "总计"),
}


def sangong_rows(table: Table) -> dict[str, Row]:
    found: dict[str, Row] = {}
    for row in table.rows:
        name = plain(row.label)
        for part, names in SANGONG_PARTS.items():
            if name in names and part not in found:
                found[part] = row
    return found


def sangong_sums(table: Table, out: Collector) -> None:
    """因公出国（境）费 + 公务接待费 + 公务用车购置及运行费 = 合计; 购置费 + 运行维护费 = 购置及运行费."""
    found = sangong_rows(table)
    if all(p in found for p in ("出国", "接待", "车", "合计")):
        report_sum(out, table, found["合计"], [found["出国"], found["接待"], found["车"]], "“三公”各项")
    if all(p in found for p in ("购置", "运维", "车")):
        report_sum(out, table, found["车"], [found["购置"], found["运维"]], "公务用车购置费与运行维护费")


def two_sided_sums(table: Table, out: Collector) -> None:
    """表1/表4: 功能分类 rows to 本年支出合计, income rows to 本年收入合计, and the totals' identities."""
    expense_at = next((i for i, c in enumerate(table.columns) if i > 0 and c == "项目"), None)
    if expense_at is None:
        return

    def label(row: Row, at: int) -> str:
        return row.cells[at] if len(row.cells) > at else ""

    def rows_before(at: int, total_name: str) -> tuple[Row | None, list[Row]]:
        """The ordinal rows (一、…) of one side above its 本年…合计 row."""
        items: list[Row] = []
        for row in table.rows:
            if plain(label(row, at)) == total_name:
                return row, items
            if _ORDINAL.match(label(row, at)):
                items.append(row)
        return None, items

    total, items = rows_before(expense_at, "本年支出合计")
    if total and items:
        expense = Row(total.line, ["", *total.cells[expense_at:]], "本年支出合计")
        parts = [Row(r.line, ["", *r.cells[expense_at:]], label(r, expense_at)) for r in items]
        report_sum(out, _expense_half(table, expense_at), expense, parts, "支出功能分类各行", first_column=2)
    total, items = rows_before(0, "本年收入合计")
    if total and items:
        parts = [Row(r.line, r.cells[:2], r.label) for r in items]
        report_sum(out, table, Row(total.line, total.cells[:2], "本年收入合计"), parts, "收入各行")
    _two_sided_identities(table, expense_at, out)
    half = _expense_half(table, expense_at)
    for row in table.rows:
        if len(row.cells) > expense_at + 2:
            _row_identity(
                half, Row(row.line, ["", *row.cells[expense_at:]], plain(row.cells[expense_at])), out
            )


def _expense_half(table: Table, expense_at: int) -> Table:
    """The expense side of a two-sided table, its cells re-indexed so that the label is cell 1."""
    return Table(
        table.title,
        table.key,
        table.number,
        table.label,
        table.unit,
        columns=["", *table.columns[expense_at:]],
    )


def _two_sided_identities(table: Table, expense_at: int, out: Collector) -> None:
    """收入总计 = 支出总计; 本年收入合计 + 上年结转 = 收入总计; 本年支出合计 + 年终结转 = 支出总计."""
    income: dict[str, tuple[Decimal, int]] = {}
    expense: dict[str, tuple[Decimal, int]] = {}
    for row in table.rows:
        values = numbers(row, table.unit)
        name = plain(row.cells[0]) if row.cells else ""
        if name and name not in income and not _ORDINAL.match(row.cells[0]):
            income[name] = (values.get(1, ZERO), row.line)
        if len(row.cells) > expense_at and (label := plain(row.cells[expense_at])) and label not in expense:
            expense[label] = (values.get(expense_at + 1, ZERO), row.line)
    carry = next((income[k] for k in ("上年结转", "上年财政拨款结转", "上年结转结余") if k in income), None)
    label = f"{short(table)} {where(table).split(' ', 1)[-1]}"
    if "收入总计" in income and "支出总计" in expense:
        (a, la), (b, lb) = income["收入总计"], expense["支出总计"]
        out.money("identity", a, b, f"{label}：收入总计 {wan(a)} ≠ 支出总计 {wan(b)}（第{la}行）", [la, lb])
    if "本年收入合计" in income and carry and "收入总计" in income:
        (a, la), (c, lc), (t, lt) = income["本年收入合计"], carry, income["收入总计"]
        out.money(
            "identity",
            a + c,
            t,
            f"{label}：本年收入合计 {wan(a)} + 上年结转 {wan(c)} = {wan(a + c)}，但收入总计为 {wan(t)}",
            [la, lc, lt],
        )
    if "本年支出合计" in expense and "支出总计" in expense:
        (a, la), (t, lt) = expense["本年支出合计"], expense["支出总计"]
        c, lc = expense.get("年终结转", (ZERO, 0))
        out.money(
            "identity",
            a + c,
            t,
            f"{label}：本年支出合计 {wan(a)} + 年终结转 {wan(c)} = {wan(a + c)}，但支出总计为 {wan(t)}",
            [la, lc, lt],
        )


def _total_column(table: Table) -> int | None:
    for i, name in enumerate(table.columns):
        name = name.replace(" ", "")
        if i > 0 and (name in {"合计", "小计"} or (name.endswith("合计") and "年" in name)):
            return i
    return None


def row_identities(table: Table, out: Collector) -> None:
    for row in table.rows:
        _row_identity(table, row, out)


def _row_identity(table: Table, row: Row, out: Collector) -> None:
    """A row's 合计 (or 小计) cell is the sum of the cells right of it (表2's 上年结转 column stands apart)."""
    at = _total_column(table)
    if at is None:
        return
    values = numbers(row, table.unit)
    parts = (
        [i for i in values if i > at and table.columns[i].replace(" ", "") != "上年结转"] if values else []
    )
    if at not in values or not parts or any(i < at for i in values):
        return  # the 合计 column is a row's first amount; a 小计 further right is a group's
    if any(table.columns[i].replace(" ", "") in {"小计", "合计"} for i in parts):
        return  # nested groups (Jiangsu's 三公 table: 公务用车 小计 | 购置费 | 运行费)
    total, summed = values[at], sum((values[i] for i in parts), ZERO)
    names = [table.columns[i] or f"第{i + 1}列" for i in parts]
    label = plain(row.label) or row.code or ""
    detail = " + ".join(f"{n} {wan(values[i])}" for n, i in zip(names, parts, strict=True))
    out.money(
        "identity",
        summed,
        total,
        f"{where(table)}「{label}」行：{detail} = {wan(summed)}，"
        f"但{table.columns[at]}为 {wan(total)}（第{row.line}行）",
        [row.line],
    )
