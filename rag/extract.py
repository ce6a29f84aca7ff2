"""Document → Facts: every numeric table cell, plus the key figures under their canonical names.

Key figures come from the tables first; where only the text states them (政府采购, 编制, vehicles, floor area)
or where the text states them too (基本支出 in 第三部分), text facts are added with origin='text', so that a
figure the text and a table give differently is visible to the checks and the answers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from rag.numbers import normalize_text, parse_decimal
from rag.parse import table_display_title
from rag.types import Document, Fact, Row, Table

ZERO = Decimal(0)

SUMMARY_ROWS = {  # 收支总表 row label → canonical name (income side first)
    "收入总计": ("收入总计",),
    "支出总计": ("支出总计",),
    "本年收入合计": ("本年收入合计", "本年收入小计", "收入合计"),
    "上年结转": ("上年结转", "上年结转结余", "上年财政拨款结转", "上年结转结余资金"),
    "一般公共预算拨款": ("一般公共预算", "一般公共预算拨款", "一般公共预算拨款收入", "一般公共预算财政拨款"),
}
SANGONG_ROWS = [  # order matters: the specific before the general
    ("公务用车购置费", ("购置费",), ("及运行",)),
    ("公务用车运行维护费", ("运行维护费", "运行费"), ("购置及运行",)),
    ("公务用车购置及运行费", ("购置及运行",), ()),
    ("因公出国（境）费", ("出国", "出境"), ()),
    ("公务接待费", ("接待",), ()),
    ("三公经费", ("合计", "三公", "总计"), ()),
]
TEXT_PATTERNS: list[tuple[str, str, str]] = [  # (name, regex with one number group, unit)
    ("政府采购", r"政府采购预算(?:总额|总计|合计)?(?:为|共)?([\d,]+(?:\.\d+)?)万元", "万元"),
    ("政府采购货物", r"政府采购货物(?:类)?预算(?:为)?([\d,]+(?:\.\d+)?)万元", "万元"),
    ("政府采购工程", r"政府采购工程(?:类)?预算(?:为)?([\d,]+(?:\.\d+)?)万元", "万元"),
    ("政府采购服务", r"政府采购服务(?:类)?预算(?:为)?([\d,]+(?:\.\d+)?)万元", "万元"),
    ("编制", r"编制(?:数)?(?:为)?(\d+)(?:名|人)", "名"),
    ("内设机构", r"内设机构(?:为)?(\d+)个|(\d+)个内设(?:机构|科室)|内设(\d+)个(?:处室|科室|机构)", "个"),
    ("公务用车", r"(?:车辆)?实有(?:数)?(?:为)?(\d+)辆", "辆"),
    ("办公用房面积", r"办公用房(?:建筑)?(?:总)?面积(?:为|共)?([\d,]+(?:\.\d+)?)平方米", "平方米"),
    ("基本支出", r"(?:安排)?基本支出([\d,]+(?:\.\d+)?)万元", "万元"),
    ("项目支出", r"项目支出([\d,]+(?:\.\d+)?)万元", "万元"),
    ("人员经费", r"人员经费([\d,]+(?:\.\d+)?)万元", "万元"),
    ("公用经费", r"公用经费([\d,]+(?:\.\d+)?)万元", "万元"),
    ("三公经费", r"“?三公”?经费(?:预算)?(?:为|共)?([\d,]+(?:\.\d+)?)万元", "万元"),
    ("机关运行经费", r"机关运行经费(?:预算)?(?:为|共)?([\d,]+(?:\.\d+)?)万元", "万元"),
    ("收入总计", r"(?:预算)?收入总计([\d,]+(?:\.\d+)?)万元", "万元"),
    ("支出总计", r"(?:预算)?支出总计([\d,]+(?:\.\d+)?)万元", "万元"),
]


def extract_facts(doc: Document) -> list[Fact]:
    """All facts of a document: table cells, key figures from tables, figures stated in the text."""
    facts = [*table_cell_facts(doc), *project_target_facts(doc)]
    facts += key_figures(doc, facts)
    facts += text_facts(doc)
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


def _row_by_label(table: Table, labels: Iterable[str]) -> tuple[Row, Decimal | None] | None:
    """The first row that has one of the labels (exact after dropping ordinals), with that label's first value."""
    wanted = tuple(labels)
    for row in table.rows:
        for cell in row.cells:
            name = re.sub(r"^[一二三四五六七八九十]+、|\s", "", cell)
            if name in wanted:
                value = next((v for _, v, lab in row.values if lab == cell), None)
                return row, value
    return None


def _column_value(table: Table, row: Row, column_words: tuple[str, ...]) -> Decimal | None:
    for column, value, _ in row.values:
        if any(word in column for word in column_words):
            return value
    return ZERO if row.values else None


def _total_row(table: Table) -> Row | None:
    return next((r for r in table.rows if r.label in ("合计", "总计", "部门合计")), table.rows[0] if table.rows else None)


def key_figures(doc: Document, cells: list[Fact]) -> list[Fact]:
    """Canonical key figures taken from the standard tables."""
    out: list[Fact] = []

    def add(table: Table, row_label: str, column: str, value: Decimal, line: int, name: str) -> None:
        out.append(_fact(doc, table_display_title(table), row_label, column, value, table.unit, line, name=name))

    summary = doc.table("收支总表")
    if summary:
        for name, labels in SUMMARY_ROWS.items():
            found = _row_by_label(summary, labels)
            if found:
                row, value = found
                add(summary, name, summary.columns[1] if len(summary.columns) > 1 else "", value or ZERO, row.line, name)
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


def _sangong_figures(doc: Document) -> list[Fact]:
    table = doc.table("三公经费")
    if table is None:
        return []
    title = table_display_title(table)
    out: list[Fact] = []
    named: set[str] = set()
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
    if table.empty:
        line = table.line_end
        for name in ("三公经费", "因公出国（境）费", "公务接待费", "公务用车购置及运行费", "公务用车购置费",
                     "公务用车运行维护费"):  # fmt: skip
            if name not in named:
                out.append(_fact(doc, title, name, "合计", ZERO, table.unit, line, name=name))
    return out


def text_facts(doc: Document) -> list[Fact]:
    """Every figure the explanation text states under a canonical name (origin='text'), in reading order."""
    out: list[Fact] = []
    seen: set[tuple[str, Decimal, int]] = set()
    for section in doc.sections:
        where = " / ".join(section.path) or section.heading
        for line_no, text in _section_lines(doc, section.line_start, section.line_end):
            folded = normalize_text(text)
            for name, pattern, unit in TEXT_PATTERNS:
                for match in re.finditer(pattern, folded):
                    value = parse_decimal(next((g for g in match.groups() if g), ""))
                    if value is None or (name, value, line_no) in seen:
                        continue
                    seen.add((name, value, line_no))
                    out.append(_fact(doc, where, name, "正文", value, unit, line_no, name=name, origin="text"))
    return out


def _section_lines(doc: Document, start: int, end: int) -> list[tuple[int, str]]:
    return [(no, doc.line_text(no)) for no in range(start, end + 1) if doc.line_text(no).strip()]
