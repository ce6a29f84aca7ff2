"""Counts the text states against what follows (内设机构, 项目绩效目标表, 机关运行经费 units), and the
standard Shanxi table set (a table missing, or printed without its 预算公开表N label)."""

from __future__ import annotations

import re
from decimal import Decimal

from rag.ingest.checks.base import (
    Collector,
    first,
    is_standard,
    is_total_label,
    plain,
    short,
    value_at,
    wan,
)
from rag.ingest.checks.figures import spending
from rag.ingest.checks.sums import project_groups
from rag.ingest.checks.targets import match_projects, published_sheets
from rag.ingest.checks.text import Sentence, project_total, sentences
from rag.ingest.parse.tables import STANDARD_NUMBERS
from rag.text.numbers import parse_decimal
from rag.tolerances import SAME_PERCENT, half_unit
from rag.types import Document, Section

_UNITS_RE = re.compile(
    r"(?:内设(?:机构)?|机关内设)(\d+)个(?:处室|科室|机构)?(?:及(\d+)个[^:：,，]{0,8})?[^:：。]{0,6}[:：]"
    r"(?P<list>[^。]+)"
)
_UNITS_BEFORE_RE = re.compile(r"有(?P<list>[^。]+?)(\d+)个内设(?:科室|机构|处室)")
_PUBLISHED_RE = re.compile(r"公开项目绩效目标(\d+)个")
_MANAGED_RE = re.compile(
    r"(?:纳入|实行|涉及)绩效(?:目标)?管理的(?:二级)?项目(?:共)?(\d+)个(?:[,，]?共计金额(\d[\d,]*(?:\.\d+)?)万元)?"
)
_KINDS_RE = re.compile(
    r"其他运转类项目(\d+)个[,，]涉及金额(\d[\d,]*(?:\.\d+)?)万元[;；]特定目标类项目(\d+)个[,，]"
    r"涉及金额(\d[\d,]*(?:\.\d+)?)万元"
)
_SHARE_RE = re.compile(
    r"涉及项目金额(\d[\d,]*(?:\.\d+)?)万元[,，]占部门\(单位\)项目支出总额的(\d+(?:\.\d+)?)%"
)
_RUNNING_UNITS_RE = re.compile(r"(?:包括|涉及)(?P<list>[^。;；]{0,80}?)共(\d+)个(?:单位|部门)")


def check_counts(doc: Document, out: Collector) -> None:
    internal_units(doc, out)
    performance_counts(doc, out)
    running_cost_units(doc, out)


_UNIT_NAME_END = re.compile(r"(科|处|室|中心|办|部|局|股|队|站|所|组)$")


def _items(listed: str) -> list[str]:
    """'综合科、监督科（内审）、经济指导科和统计分析中心' → 4 names; '政务改革和政策法规科' stays one."""
    names = []
    for item in re.split(r"[、，,；;]", re.sub(r"[（(][^）)]*[）)]", "", listed)):
        parts = re.split(r"和|及", item)
        if len(parts) > 1 and all(_UNIT_NAME_END.search(p) for p in parts):
            names += parts
        elif item.strip():
            names.append(item)
    return names


def internal_units(doc: Document, out: Collector) -> None:
    """'核定内设机构8个：A、B…' — the number against the names listed."""
    start = min((t.line_start for t in doc.tables), default=len(doc.lines))
    for sentence in sentences(doc, 1, start - 1):
        match = _UNITS_RE.search(sentence.text) or _UNITS_BEFORE_RE.search(sentence.text)
        if match:
            no = sentence.line_at(match.start())
            numbers = [int(g) for g in match.groups() if g and g.isdigit()]
            stated, listed = sum(numbers), _items(match.group("list"))
            if stated != len(listed):
                out.add(
                    "count",
                    "minor",
                    f"第{no}行称内设机构{stated}个，其后列出{len(listed)}个：{'、'.join(listed)}",
                    [no],
                    [f"{stated}个", f"{len(listed)}个"],
                )


def _performance_lines(doc: Document) -> list[Sentence]:
    sections = [s for s in doc.sections if any("绩效" in h for h in s.path)]
    return [sentence for s in sections for sentence in sentences(doc, s.line_start, s.line_end)]


def _first(lines: list[Sentence], pattern: re.Pattern) -> tuple[re.Match, int] | None:
    """The first match and its line."""
    for sentence in lines:
        if match := pattern.search(sentence.text):
            return match, sentence.line_at(match.start())
    return None


def performance_counts(doc: Document, out: Collector) -> None:
    """项目 counts and amounts in 绩效管理情况 against 表12 and the published 项目支出绩效目标表."""
    lines = _performance_lines(doc)
    table = first(doc, "项目支出本年")
    projects = project_groups(doc, table)[2] if table and not table.empty else []
    sheets = published_sheets(doc)
    _, missing, _ = match_projects(doc)
    published, managed = _first(lines, _PUBLISHED_RE), _first(lines, _MANAGED_RE)
    stated = published or managed
    lacking = (
        "；表中没有绩效目标表的项目："
        + "、".join(f"{plain(r.label)}（第{r.line}行，{wan(value_at(r, 1, table.unit))}）" for r in missing)
        if missing and sheets
        else ""
    )
    if sheets and stated and int(stated[0].group(1)) != len(sheets):
        what = "公开项目绩效目标" if published else "实行绩效目标管理的项目"
        out.add(
            "count",
            "minor",
            f"第三部分第{stated[1]}行称{what}{stated[0].group(1)}个，实际公开的项目支出绩效目标表"
            f"为{len(sheets)}个{lacking}",
            [stated[1], *(r.line for r in missing)],
            [f"{stated[0].group(1)}个", f"{len(sheets)}个"],
        )
    elif sheets and missing:
        out.add(
            "project_vs_target",
            "minor",
            f"{short(table)} 的项目没有对应的项目支出绩效目标表{lacking}",
            [r.line for r in missing],
            [plain(r.label) for r in missing],
        )
    if managed and projects and int(managed[0].group(1)) != len(projects):
        out.add(
            "count",
            "minor",
            f"第三部分第{managed[1]}行称纳入绩效目标管理的项目{managed[0].group(1)}个，"
            f"{short(table)} 列出{len(projects)}个项目",
            [managed[1], table.line_start],
            [f"{managed[0].group(1)}个", f"{len(projects)}个"],
        )
    total = project_total(doc, "项目支出本年")
    if managed and managed[0].group(2) and total:
        amount = parse_decimal(managed[0].group(2))
        out.money(
            "text_vs_table",
            amount,
            total[0],
            f"第三部分第{managed[1]}行称纳入绩效目标管理的项目共计 "
            f"{wan(amount)}，{short(total[2])} 项目合计 {wan(total[0])}",
            [managed[1], total[1]],
        )
    if kinds := _first(lines, _KINDS_RE):
        _kinds(kinds, managed, out)
    if share := _first(lines, _SHARE_RE):
        _share(doc, share, out)


def _kinds(kinds: tuple[re.Match, int], managed: tuple[re.Match, int] | None, out: Collector) -> None:
    """其他运转类 a个 x万元 + 特定目标类 b个 y万元 = the stated total."""
    match, no = kinds
    count = int(match.group(1)) + int(match.group(3))
    amount = parse_decimal(match.group(2)) + parse_decimal(match.group(4))
    if managed is None:
        return
    if count != int(managed[0].group(1)):
        out.add(
            "count",
            "minor",
            f"第{no}行：其他运转类{match.group(1)}个 + 特定目标类{match.group(3)}个 = {count}个，"
            f"但项目共{managed[0].group(1)}个",
            [no, managed[1]],
            [f"{count}个", f"{managed[0].group(1)}个"],
        )
    if managed[0].group(2):
        stated = parse_decimal(managed[0].group(2))
        out.money(
            "identity",
            amount,
            stated,
            f"第{no}行：其他运转类 {wan(parse_decimal(match.group(2)))} + 特定目标类 "
            f"{wan(parse_decimal(match.group(4)))} = {wan(amount)}，但共计 {wan(stated)}",
            [no, managed[1]],
        )


def _share(doc: Document, share: tuple[re.Match, int], out: Collector) -> None:
    """'涉及项目金额X万元，占部门（单位）项目支出总额的P%' against 表5 项目支出."""
    match, no = share
    amount, pct = parse_decimal(match.group(1)), Decimal(match.group(2))
    s5 = spending(doc, "一般公共预算支出")
    if s5 is None or not s5.project:
        return
    actual = amount / s5.project * 100
    if abs(actual - pct) <= half_unit(match.group(2)) + SAME_PERCENT:
        return
    hint = ""
    if s5.total and abs(amount / s5.total * 100 - pct) <= half_unit(match.group(2)):
        hint = f"（{pct}% 是占支出合计 {wan(s5.total)} 的比例）"
    out.add(
        "text_vs_table",
        "minor",
        f"第三部分第{no}行称项目金额 {wan(amount)} 占项目支出总额的{pct}%，"
        f"{short(s5.table)} 项目支出为 {wan(s5.project)}，应为{actual:.1f}%{hint}",
        [no, s5.line],
        [wan(amount), wan(s5.project), f"{pct}%"],
    )


def _running_sections(doc: Document) -> list[Section]:
    return [s for s in doc.sections if "机关运行经费" in (s.path[-1] if s.path else s.heading)]


def running_cost_units(doc: Document, out: Collector) -> None:
    """'机关运行经费…包括A、B、C共3个单位' against the unit rows of 表11."""
    table = first(doc, "机关运行经费")
    if table is None or table.empty:
        return
    units = [r for r in table.rows if not is_total_label(r.label)]
    listed = "、".join(f"{plain(r.label)} {wan(value_at(r, 1, table.unit))}" for r in units)
    for section in _running_sections(doc):
        for sentence in sentences(doc, section.line_start, section.line_end):
            match = _RUNNING_UNITS_RE.search(sentence.text)
            if not match or int(match.group(2)) == len(units):
                continue
            no = sentence.line_at(match.start())
            out.add(
                "count",
                "minor",
                f"机关运行经费：第三部分第{no}行称包括{match.group('list')}共{match.group(2)}个"
                f"单位，{short(table)} 只列出{len(units)}个单位（{listed}）",
                [no, *(r.line for r in units)],
                [f"{match.group(2)}个", f"{len(units)}个"],
            )


def check_layout(doc: Document, out: Collector) -> None:
    """Shanxi's 13 tables: each present, and labelled 预算公开表N when the document labels its tables."""
    present = [t for t in doc.tables if is_standard(t) and t.key in STANDARD_NUMBERS]
    keys = {t.key for t in present}
    labelled = any(re.match(r"预算公开表\s*\d+", t.label) for t in present)
    if doc.kind != "预算" or not labelled:
        return  # Shanxi prints 预算公开表N; other provinces number their own sets
    missing = [key for key, n in sorted(STANDARD_NUMBERS.items(), key=lambda kv: kv[1]) if key not in keys]
    if missing:
        names = [f"表{STANDARD_NUMBERS[k]}（{k}）" for k in missing]
        out.add(
            "missing_table",
            "minor",
            f"山西13张标准表中缺少：{'、'.join(names)}",
            [t.line_start for t in present[-1:]],
            names,
        )
    unlabelled = [t for t in present if not t.label]
    if labelled and unlabelled:
        names = [short(t) for t in unlabelled]
        out.add(
            "missing_table",
            "minor",
            f"{'、'.join(names)} 有标题但未印「预算公开表N」标签"
            f"（{'、'.join(short(t) for t in present if t.label)} 有）",
            [t.line_start for t in unlabelled],
            names,
        )
