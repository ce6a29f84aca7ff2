"""The explanation text (第三部分) against the tables: each figure it states, and its shares (占X%) and changes
(比上年增加Y万元，增长Z%).

A text figure is compared like with like: 基本支出 may be the year's (表5/表6, 不含上年结转) or the total (表3,
含上年结转); it is a contradiction only when it matches neither.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from rag.ingest.checks.base import (
    ZERO,
    Collector,
    column_index,
    first,
    labelled_value,
    money_severity,
    numbers,
    plain,
    short,
    total_row,
    value_at,
    wan,
)
from rag.ingest.checks.figures import economic, key_fact, spending
from rag.ingest.checks.sums import project_groups, sangong_rows
from rag.text.numbers import normalize_text, parse_decimal
from rag.tolerances import rounding_habit
from rag.types import Document, Fact, Section, Table

_FILL = r"(?:财政拨款|一般公共预算|当年|预算数|预算|安排|总额|合计|为|共|是|:)*"
_NUMBER = r"(?P<num>\d[\d,]*(?:\.\d+)?)万元"
_NOT_A_LEVEL = r"(?<!新增)(?<!增加)(?<!减少)(?<!压减)"
QUANTITIES: list[tuple[str, str]] = [
    ("收入总计", r"收入总计"),
    ("支出总计", r"支出总计"),
    ("本年收入", r"本年收入(?!合计)"),
    ("上年结转", r"上年结转(?:收入)?"),
    ("基本支出", r"基本支出"),
    ("项目支出", r"项目支出"),
    ("人员经费", r"人员经费"),
    ("公用经费", r"公用经费"),
    ("三公经费", r"[“\"]?三公[”\"]?经费"),
    ("因公出国（境）费", r"因公出国\(境\)费用?"),
    ("公务接待费", r"公务接待费"),
    ("公务用车购置及运行费", r"公务用车购置及运行(?:维护)?费"),
    ("公务用车运行维护费", r"公务用车运行维护费"),
    ("公务用车购置费", r"公务用车购置费"),
    ("机关运行经费", r"机关运行经费"),
    ("一般公共预算当年支出", r"一般公共预算当年(?:支出|拨款)"),
]
SANGONG_NAMES = {
    "三公经费": "合计",
    "因公出国（境）费": "出国",
    "公务接待费": "接待",
    "公务用车购置及运行费": "车",
    "公务用车运行维护费": "运维",
    "公务用车购置费": "购置",
}
_NONE_RE = re.compile(r"无(机关运行经费|“三公”经费|三公经费)")


@dataclass(frozen=True)
class Mention:
    """A figure the explanation text states under a known name."""

    name: str
    value: Decimal
    """In 万元."""
    line: int
    heading: str
    """The section it stands in ('三、支出预算情况说明')."""
    sentence: str


@dataclass(frozen=True)
class Candidate:
    """A table figure a text figure may be compared with."""

    value: Decimal
    where: str
    line: int


def explanation_sections(doc: Document) -> list[Section]:
    """第三部分 sections, without the 绩效 ones (their 基本支出/项目支出 are the funds under 绩效目标管理)."""
    return [
        s
        for s in doc.sections
        if ("说明" in s.part or "情况" in s.part)
        and "名词解释" not in s.part
        and s.level > 0
        and not any("绩效" in h for h in s.path)
    ]


@dataclass(frozen=True)
class Sentence:
    """Text up to a 。, joined over the lines it wraps across (PDF text), normalized and without spaces."""

    text: str
    lines: tuple[int, ...]
    """The source line of each character."""

    def line_at(self, position: int) -> int:
        return self.lines[min(position, len(self.lines) - 1)]


def sentences(doc: Document, start: int, end: int) -> list[Sentence]:
    """The sentences of lines start..end."""
    text, owners = "", []
    for no in range(start, end + 1):
        folded = re.sub(r"\s", "", normalize_text(doc.line_text(no)))
        text += folded
        owners += [no] * len(folded)
    out, at = [], 0
    for piece in text.split("。"):
        if piece:
            out.append(Sentence(piece, tuple(owners[at : at + len(piece)])))
        at += len(piece) + 1
    return out


def function_names(doc: Document) -> list[str]:
    """The 功能分类 names the 收支总表 lists with an amount (一般公共服务支出 …)."""
    table = first(doc, "收支总表")
    if table is None or len(table.columns) < 3:
        return []
    names = []
    for row in table.rows:
        if (
            len(row.cells) > 3
            and re.match(r"^[一二三四五六七八九十]+、", row.cells[2])
            and numbers(row).get(3)
        ):
            names.append(plain(row.cells[2]))
    return names


def scan_text(doc: Document) -> list[Mention]:
    """Every level figure of the explanation text under a known name, with its line."""
    patterns = [
        (name, re.compile(_NOT_A_LEVEL + f"(?:{pattern}){_FILL}{_NUMBER}")) for name, pattern in QUANTITIES
    ]
    patterns += [
        (name, re.compile(_NOT_A_LEVEL + re.escape(name) + _FILL + _NUMBER)) for name in function_names(doc)
    ]
    found: list[Mention] = []
    for section in explanation_sections(doc):
        heading = section.path[-1] if section.path else section.heading
        for sentence in sentences(doc, section.line_start, section.line_end):
            for name, pattern in patterns:
                for match in pattern.finditer(sentence.text):
                    value = parse_decimal(match.group("num"))
                    if value is not None:
                        line = sentence.line_at(match.start("num"))
                        found.append(Mention(name, value, line, heading, sentence.text))
            if none := _NONE_RE.search(sentence.text):
                name = "机关运行经费" if "机关" in none.group(1) else "三公经费"
                found.append(Mention(name, ZERO, sentence.line_at(none.start()), heading, sentence.text))
    return found


def candidates(doc: Document, facts: list[Fact], name: str) -> list[Candidate]:
    """The table figures a text figure of this name may stand for (several scopes for 基本/项目支出)."""
    out: list[Candidate] = []
    if name in {"收入总计", "支出总计", "上年结转"} or name == "本年收入":
        fact = key_fact(facts, "本年收入合计" if name == "本年收入" else name)
        if fact:
            out.append(Candidate(fact.value, f"{short_table(doc, '收支总表')} {fact.row}", fact.line))
        grants = first(doc, "财政拨款收支总表")
        found = labelled_value(grants, name) or labelled_value(grants, "总计") if grants else None
        if grants and name in {"收入总计", "支出总计"} and found:
            out.append(Candidate(found[0], f"{short(grants)} {name}", found[1]))
    elif name in {"基本支出", "项目支出"}:
        column = "basic" if name == "基本支出" else "project"
        for key, scope in (("支出总表", "含上年结转"), ("一般公共预算支出", "本年")):
            if s := spending(doc, key):
                out.append(Candidate(getattr(s, column), f"{short(s.table)}（{scope}）合计行", s.line))
        if name == "基本支出" and (e := economic(doc)):
            out.append(Candidate(e.total, f"{short(e.table)} 合计行", e.line))
        if name == "项目支出" and (p := project_total(doc, "项目支出本年")):
            out.append(Candidate(p[0], f"{short(p[2])} 项目合计", p[1]))
    elif name in {"人员经费", "公用经费"} and (e := economic(doc)):
        out.append(Candidate(e.staff if name == "人员经费" else e.office, f"{short(e.table)} 合计行", e.line))
    elif name in SANGONG_NAMES and (table := first(doc, "三公经费")):
        row = sangong_rows(table).get(SANGONG_NAMES[name])
        if row is not None or table.empty:
            line = row.line if row else table.line_start
            out.append(Candidate(value_at(row, 1, table.unit), f"{short(table)} {name}", line))
    elif name == "机关运行经费" and (table := first(doc, "机关运行经费")):
        row = total_row(table)
        out.append(
            Candidate(
                value_at(row, 1, table.unit), f"{short(table)} 合计", row.line if row else table.line_start
            )
        )
    elif name == "一般公共预算当年支出" and (s := spending(doc, "一般公共预算支出")):
        out.append(Candidate(s.total, f"{short(s.table)} 合计", s.line))
    else:
        out += _function_candidates(doc, name)
    return out


def short_table(doc: Document, key: str) -> str:
    table = first(doc, key)
    return short(table) if table else key


def project_total(doc: Document, key: str) -> tuple[Decimal, int, Table] | None:
    """(total, line, table) of a 项目支出 table: its top or unit row, else the sum of its projects; empty is 0."""
    table = first(doc, key)
    if table is None:
        return None
    if table.empty:
        return ZERO, table.line_start, table
    top, units, projects = project_groups(doc, table)
    if top is not None:
        return value_at(top, 1, table.unit), top.line, table
    if len(units) == 1:
        return value_at(units[0][0], 1, table.unit), units[0][0].line, table
    return sum((value_at(r, 1, table.unit) for r in projects), ZERO), table.line_start, table


def _function_candidates(doc: Document, name: str) -> list[Candidate]:
    out = []
    for key in ("收支总表", "财政拨款收支总表"):
        table = first(doc, key)
        for row in table.rows if table else []:
            if len(row.cells) > 2 and plain(row.cells[2]) == name:
                out += [
                    Candidate(v, f"{short(table)} {name}", row.line)
                    for i, v in numbers(row, table.unit).items()
                    if i > 2
                ]
    table = first(doc, "一般公共预算支出")
    for row in table.rows if table else []:
        if row.code and len(row.code) == 3 and plain(row.label) == name:
            at = column_index(table, "合计")
            out.append(
                Candidate(value_at(row, at, table.unit), f"{short(table)} {row.code} {name}", row.line)
            )
    return out


def check_text(doc: Document, facts: list[Fact], mentions: list[Mention], out: Collector) -> None:
    """Each text figure against the table figures it may stand for; then shares and changes."""
    for mention in mentions:
        options = candidates(doc, facts, mention.name)
        if not options or any(money_severity(mention.value, c.value) is None for c in options):
            continue
        nearest = min(options, key=lambda c: abs(c.value - mention.value))
        lines = [mention.line, *(c.line for c in options)]
        if earlier := next(
            (out.known(mention.value, c.value) for c in options if out.known(mention.value, c.value)), None
        ):
            out.attach(earlier, lines)
            continue
        tables_say = "；".join(f"{c.where}（第{c.line}行）为 {wan(c.value)}" for c in options)
        message = (
            f"{mention.name}：第三部分「{mention.heading}」第{mention.line}行写 {wan(mention.value)}，"
            f"与表中数字都不符：{tables_say}"
        )
        severity = money_severity(mention.value, nearest.value) or "rounding"
        out.add(
            "text_vs_table",
            severity,
            message,
            lines,
            [wan(mention.value), wan(nearest.value)],
            [(mention.value, c.value) for c in options],
        )
    check_shares(doc, out)


_SHARE_RE = re.compile(r"(?P<num>\d[\d,]*(?:\.\d+)?)万元[,，]?占(?P<pct>\d+(?:\.\d+)?)%")
_AMOUNT_RE = re.compile(r"(\d[\d,]*(?:\.\d+)?)万元")
_CHANGE_RE = re.compile(
    r"比(?:上年|20\d\d年)[^,，;；]{0,8}?(增加|减少)(?P<num>\d[\d,]*(?:\.\d+)?)万元[,，]?"
    r"(?:增长|增加|下降|减少)(?P<pct>\d+(?:\.\d+)?)%"
)


def explanation_sentences(doc: Document) -> Iterator[Sentence]:
    """Every sentence of the explanation text (第三部分), in order: what the share, change and direction checks
    read."""
    for section in explanation_sections(doc):
        yield from sentences(doc, section.line_start, section.line_end)


def check_shares(doc: Document, out: Collector) -> None:
    """'基本支出20.2万元，占0.29%' against the sentence's total; '比上年减少74.20万元，下降1.06%' against the base."""
    for sentence in explanation_sentences(doc):
        for match in _SHARE_RE.finditer(sentence.text):
            _check_share(doc, out, sentence.line_at(match.start("num")), sentence.text, match)
        for match in _CHANGE_RE.finditer(sentence.text):
            no = sentence.line_at(match.start("num"))
            _check_change(doc, out, no, sentence.text[: match.start()], match)


def _check_share(doc: Document, out: Collector, no: int, sentence: str, match: re.Match) -> None:
    """The share's whole is the sentence's first amount, stated before the part."""
    before = [parse_decimal(m.group(1)) for m in _AMOUNT_RE.finditer(sentence[: match.start()])]
    total, part, pct = (before[0] if before else None), parse_decimal(match.group("num")), match.group("pct")
    if not total or part is None:
        return
    actual = part / total * 100
    if abs(actual - Decimal(pct)) > rounding_habit(pct):
        out.add(
            "identity",
            "minor",
            f"第{no}行：{wan(part)} 占 {wan(total)} 的 {actual:.2f}%，文中写 {pct}%",
            [no],
            [wan(part), wan(total), f"{pct}%"],
        )


def _check_change(doc: Document, out: Collector, no: int, before: str, match: re.Match) -> None:
    change, pct = parse_decimal(match.group("num")), match.group("pct")
    bases = [parse_decimal(m.group(1)) for m in _AMOUNT_RE.finditer(before)]
    if change is None or not bases:
        return
    sign = 1 if match.group(1) == "增加" else -1
    previous_years = [base - sign * change for base in bases if base - sign * change > 0]
    if not previous_years or any(
        abs(change / previous * 100 - Decimal(pct)) <= rounding_habit(pct) for previous in previous_years
    ):
        return
    previous = previous_years[0]
    actual = f"{change / previous * 100:.2f}%"
    out.add(
        "identity",
        "minor",
        f"第{no}行：{match.group(1)} {wan(change)}（上年 {wan(previous)}）应为 {actual}，文中写 {pct}%",
        [no],
        [wan(change), wan(bases[0]), f"{pct}%"],
    )
