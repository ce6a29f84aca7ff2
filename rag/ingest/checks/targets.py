"""Each project's 表12 amount (万元) against its 项目支出绩效目标表 年度资金总额 (元), names matched fuzzily
('政务中心服务质量考核奖经费' is the sheet '政务中心服务质量考核奖励经费')."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from difflib import SequenceMatcher

from rag.ingest.checks.base import Collector, first, money_severity, plain, short, value_at, wan, yuan
from rag.ingest.checks.sums import project_groups
from rag.text.numbers import normalize_text, parse_decimal
from rag.types import Document, Row

TEN_THOUSAND = Decimal(10000)


@dataclass
class Sheet:
    """A published 项目支出绩效目标表, read from its lines (a sheet whose title is lost still counts)."""

    project: str
    annual_yuan: Decimal | None
    line: int
    amount_line: int


def published_sheets(doc: Document) -> list[Sheet]:
    """Every 项目支出绩效目标表 by its 项目名称 line (continuation pages of one project counted once)."""
    spans = [(t.line_start, t.line_end) for t in doc.tables]
    sheets: list[Sheet] = []
    for i, line in enumerate(doc.lines):
        filled = [c.strip() for c in normalize_text(line.text).split("\t") if c.strip()]
        if len(filled) < 2 or filled[0].replace(" ", "") != "项目名称" or filled[1] == "合计":
            continue
        if any(a <= line.no <= b for a, b in spans):
            continue
        amount, amount_line = None, 0
        for later in doc.lines[i + 1 : i + 10]:
            if "年度资金总额" in later.text:
                amount, amount_line = _annual(later.text), later.no
                break
        if sheets and sheets[-1].project == filled[1]:
            continue
        sheets.append(Sheet(filled[1], amount, line.no, amount_line))
    return sheets


def _annual(text: str) -> Decimal | None:
    cells = [c.strip() for c in normalize_text(text).split("\t")]
    for i, cell in enumerate(cells):
        if "年度资金总额" in cell:
            inline = parse_decimal(re.split(r"[:：]", cell)[-1])
            if inline is not None:
                return inline
            return next((v for c in cells[i + 1 :] if c and (v := parse_decimal(c)) is not None), None)
    return None


def _name_key(name: str) -> str:
    """'Z网络系统、软件平台运维费' and '2网络系统、软件平台运维费' → '网络系统软件平台运维费'."""
    key = re.sub(r"[“”\"'‘’()（）、,，.。\s]", "", plain(name))
    return re.sub(r"^(?:[A-Z]{1,2}|\d)(?=[\u4e00-\u9fff])", "", key)


def match_projects(doc: Document) -> tuple[list[tuple[Row, Sheet]], list[Row], list[Sheet]]:
    """(表12 project ↔ sheet, 表12 projects without a sheet, sheets without a 表12 project), matched fuzzily."""
    sheets = published_sheets(doc)
    table = first(doc, "项目支出本年")
    if table is None or table.empty:
        return [], [], sheets
    projects = project_groups(doc, table)[2]
    scored = []
    for r, row in enumerate(projects):
        amount = value_at(row, 1, table.unit)
        for s, sheet in enumerate(sheets):
            ratio = SequenceMatcher(None, _name_key(row.label), _name_key(sheet.project)).ratio()
            same = (
                sheet.annual_yuan is not None
                and money_severity(amount, sheet.annual_yuan / TEN_THOUSAND) is None
            )
            if ratio >= 0.8 or (ratio >= 0.6 and same):
                scored.append(((plain(row.label) == plain(sheet.project), ratio >= 0.95, same, ratio), r, s))
    pairs, used_rows, used_sheets = [], set(), set()
    for _, r, s in sorted(scored, reverse=True):
        if r not in used_rows and s not in used_sheets:
            pairs.append((projects[r], sheets[s]))
            used_rows.add(r)
            used_sheets.add(s)
    missing = [row for r, row in enumerate(projects) if r not in used_rows]
    extra = [sheet for s, sheet in enumerate(sheets) if s not in used_sheets]
    return pairs, missing, extra


def check_targets(doc: Document, out: Collector) -> None:
    table = first(doc, "项目支出本年")
    for row, sheet in match_projects(doc)[0]:
        if sheet.annual_yuan is None or table is None:
            continue
        amount, annual = value_at(row, 1, table.unit), sheet.annual_yuan / TEN_THOUSAND
        if not money_severity(amount, annual):
            continue
        named = (
            plain(row.label)
            if plain(row.label) == plain(sheet.project)
            else f"{plain(row.label)}」/「{sheet.project}"
        )
        message = (
            f"项目「{named}」：{short(table)} 第{row.line}行 {wan(amount)} ≠ 项目支出绩效目标表 年度资金总额 "
            f"{yuan(sheet.annual_yuan)}（= {wan(annual)}，第{sheet.amount_line}行）"
        )
        if earlier := out.known(amount, annual):
            out.attach(earlier, [row.line, sheet.amount_line])
            continue
        out.add(
            "project_vs_target",
            money_severity(amount, annual) or "major",
            message,
            [row.line, sheet.amount_line],
            [wan(amount), yuan(sheet.annual_yuan)],
            [(amount, annual)],
        )
