"""Performance targets (指标值) and sheet amounts from a project's 项目支出绩效目标表."""

from __future__ import annotations

import re
from decimal import Decimal

from rag.answer.derive import derive, stated
from rag.answer.draft import Draft
from rag.answer.match import (
    coverage,
    match_projects,
    projects_written,
    quoted,
    same_project,
    target_projects,
    term_words,
)
from rag.answer.quotes import relevant_sentences, sheet_fields
from rag.store.view import IndexView
from rag.text.money import Money, fmt_amount
from rag.text.similar import similarity
from rag.understand.query_view import QueryView

_REST_RE = re.compile(r"多出|多多少|多了|差多少|差了|相差|差额|差距|还有多少|剩下|剩余|没排|未安排|以后")
"""The question asks what the multi-year total holds beyond this year's amount."""
SHEET_AMOUNT_RE = re.compile(r"年度资金|实施期|资金总额|多少元|几元|总投资|全部资金|整个项目")


def sheet_amount_answer(q: QueryView, doc: dict, view: IndexView) -> Draft | None:
    """年度资金总额 / 实施期资金总额 (元) of a project's performance sheet, with its 表12 amount (万元)."""
    rows = [{"row": t["project"], **t} for t in view.targets(doc["doc"])]
    sheets = target_projects(q.terms, rows)
    if not sheets:
        return None
    sheet = sheets[0]
    period = re.search(r"实施期|总投资|全部资金|整个项目", q.question)
    label, amount = ("实施期资金总额", sheet["period_total_yuan"]) if period else ("年度资金总额", sheet["annual_total_yuan"])
    if amount in (None, ""):
        return None
    value = Decimal(str(amount))
    part = f"项目支出绩效目标表（{sheet['project']}）"
    line = sheet["amount_line"] or sheet["line_start"]
    draft = Draft(f"“{sheet['project']}”的{label}为{fmt_amount(value, '元')}（即{fmt_amount(value / 10000, '万元')}，见绩效目标表）。",
                  citations=[view.cite_lines(doc["doc"], part, line, line)])  # fmt: skip
    draft.derived.append(derive("convert", [stated(doc["doc"], line, value, "元")], "万元"))
    if period and sheet["annual_total_yuan"] not in (None, "") and Decimal(str(sheet["annual_total_yuan"])) != value:
        annual = Decimal(str(sheet["annual_total_yuan"]))
        draft.text += f"其中本年度资金总额{fmt_amount(annual, '元')}。实施期可能跨多个年度，不等于当年预算。"
        if _REST_RE.search(q.question):
            rest = derive("difference", [stated(doc["doc"], line, value, "元"), stated(doc["doc"], line, annual, "元")])
            draft.derived.append(rest)
            draft.text += (f"实施期总额比本年度多 {fmt_amount(value, '元')} − {fmt_amount(annual, '元')} = {rest.text()}"
                           f"（约{Money.of(rest.value, rest.unit).text('万元')}），即不在本年度安排的部分。")  # fmt: skip
            draft.figure = rest.text()
    draft.figure = fmt_amount(value, "元")
    return draft


_ASKED_UNIT_RE = re.compile(
    r"(?:多少|几|多大|多长)(万?(?:件|份|套|人次|个|次|台|户|家|场|期|篇|条|本|册|平方米|平米|天|小时|分钟|所|部|项|批|层|块|辆|名))"
)


def _asked_units(question: str) -> list[str]:
    """The counting units a question asks in (印多少份 → 份; 多少平米 → 平米, 平方米)."""
    units = [m.group(1) for m in _ASKED_UNIT_RE.finditer(question)]
    if re.search(r"几个?人|多少人(?!次)|多少名", question):
        units += ["人", "名"]
    if re.search(r"多大|面积|多少平", question):
        units.append("平米")
    if any(u in {"平米", "平方米"} for u in units):
        units += ["平米", "平方米", "㎡"]
    return units


ALL_TARGETS_RE = re.compile(r"绩效目标(?:是|有)(?:什么|啥|哪些)|(?:有哪些|什么)(?:绩效)?(?:目标|指标)|目标是(?:什么|啥)|指标(?:是|有)(?:什么|啥|哪些)")


def _sheet_prose_count(sheet: dict, units: list[str], q: QueryView, doc: dict, view: IndexView) -> Draft | None:
    """A count the sheet states only in its prose (…224块UPS电池已超出使用期限…): the sentence with a number in the
    unit asked that shares most words with the question."""
    words = [w for w in term_words(q.terms) if len(w) >= 2]
    pattern = re.compile(r"\d+(?:\.\d+)?\s*(?:" + "|".join(map(re.escape, units)) + ")")
    best: tuple[int, str, int] | None = None
    for text, line in sheet_fields(view, doc["doc"], sheet).values():
        for sentence in re.split(r"(?<=[。；;，,])", text):
            if pattern.search(sentence):
                shared = sum(w in sentence for w in words)
                if shared and (best is None or shared > best[0]):
                    best = (shared, sentence.strip("，,；; "), line)
    if best is None:
        return None
    _, sentence, line = best
    part = f"项目支出绩效目标表（{sheet['project']}）"
    draft = Draft(f"据“{sheet['project']}”的绩效目标表：{sentence}。", citations=[view.cite_lines(doc["doc"], part, line, line)])
    draft.figure = pattern.search(sentence).group(0)
    return draft


def with_amount(q: QueryView, doc: dict, view: IndexView, draft: Draft) -> Draft:
    """'…花多少钱？改造几层？': a target answer led by the project's amount when the question asks for both."""
    if draft.refused or not _MONEY_ASK_RE.search(q.question) or _COST_RE.search(q.question):
        return draft
    rows = view.project_rows(doc["doc"])
    named = projects_written(q.question, rows) or match_projects(q.terms, rows)
    if not named:
        return draft
    fact = named[0]
    draft.text = (f"{doc['department']}{doc['year']}年{quoted(fact['row'])}预算{fmt_amount(fact['value'], fact['unit'])}"
                  f"（见{fact['tbl']}）。" + draft.text)  # fmt: skip
    draft.citations.insert(0, view.cite_fact(fact))
    draft.facts_used.insert(0, fact)
    return draft


def _targets_summary(sheet: dict, indicators: list[dict], doc: dict, view: IndexView) -> Draft:
    """A project's performance sheet in brief: its yearly goal and its first indicators with their targets."""
    fields = sheet_fields(view, doc["doc"], sheet)
    goal_label = next((f for f in ("年度目标", "年度绩效目标", "总体目标") if f in fields), None)
    part = f"项目支出绩效目标表（{sheet['project']}）"
    citations = [view.cite_lines(doc["doc"], part, sheet["line_start"], sheet["line_end"])]
    text = f"“{sheet['project']}”的绩效目标"
    if goal_label:
        text += f"（{goal_label}）：{relevant_sentences(fields[goal_label][0], '', 150)}。"
    listed: list[dict] = []
    for indicator in indicators:
        if indicator["target"] and not any(
            other["target"] == indicator["target"] and similarity(other["name"], indicator["name"]) >= 0.8
            for other in listed
        ):
            listed.append(indicator)
    listed = listed[:6]
    if listed:
        text += "主要指标：" + "；".join(f"{i['name']} {i['target']}" for i in listed) + "（都是目标值，不是实际完成数）。"
    return Draft(text, citations=citations)


_COST_RE = re.compile(r"成本|单价|每人|人均|每个|一个人|每名|每次|每月|每天|标准是|控制在")
_MONEY_ASK_RE = re.compile(r"(?:经费|资金|钱|预算)(?:是)?多少|多少钱|几块钱|花多少|花了多少|多少经费|多少资金|预算多少|预算是多少|费用多少|多少万")
_INDICATOR_FILLER = re.compile(r"目标值?|指标值?|计划|预计|预期|大概|能够|可以|能|达到|实现|要求|考核")


def indicator_answer(q: QueryView, doc: dict, view: IndexView) -> Draft | None:
    """A project's performance target (指标值), from its 项目支出绩效目标表: the indicator whose name the
    question's other words name (免费刻章 → 提供免费刻章数量), or a target word (面积, 满意度) when it asks for one."""
    if (_MONEY_ASK_RE.search(q.question) and not q.wants_target and not _asked_units(q.question)
            and not _COST_RE.search(q.question)):  # fmt: skip
        return None  # 接送车一年多少钱: the project's amount, not one of its targets
    rows = [{"row": t["project"], **t} for t in view.targets(doc["doc"])]
    projects = projects_written(q.question, rows) or target_projects(q.terms, rows)
    budget_rows = view.project_rows(doc["doc"])
    named_rows = projects_written(q.question, budget_rows) or [
        r for r in match_projects(q.terms, budget_rows) if max(coverage(t, r["row"]) for t in q.terms) >= 0.9
    ]
    if named_rows and not any(same_project(r["row"], p["project"]) for r in named_rows for p in projects):
        if not (q.wants_target or "绩效" in q.question):
            return None  # the project the question names has no performance sheet of its own
        fact = named_rows[0]
        draft = Draft(f"{doc['department']}{doc['year']}年{quoted(fact['row'])}预算{fmt_amount(fact['value'], fact['unit'])}"
                      f"（见{fact['tbl']}），但文件没有公开这个项目的绩效目标表，所以没有它的绩效目标或指标值。",
                      citations=[view.cite_fact(fact)], facts_used=[fact], refused=True)  # fmt: skip
        return draft
    if not projects and (q.metrics or not q.wants_target):
        return None  # 办公用房多大面积: the figure itself, not some project's target
    names = {p["project"] for p in projects}
    indicators = [i for i in view.indicators(doc["doc"]) if not names or i["project"] in names]
    if not indicators:
        return None
    pieces = [piece for term in q.terms for piece in _INDICATOR_FILLER.split(term) if len(piece) >= 2]
    pieces += [w for w in term_words(q.terms) if not _INDICATOR_FILLER.fullmatch(w)]
    pieces = [p for p in pieces if not any(coverage(p, name) >= 1.0 for name in names)]
    words = pieces + (q.target_words if q.wants_target else [])
    units = _asked_units(q.question) if projects else []
    if len(projects) == 1 and ALL_TARGETS_RE.search(q.question) and not units:
        return _targets_summary(projects[0], indicators, doc, view)
    if not words and not units:
        return None

    def score(indicator: dict) -> float:
        named = max((coverage(w, indicator["name"]) for w in words), default=0.0)
        named += 0.01 * sum(coverage(w, indicator["name"]) >= 1.0 for w in words)  # more words named: a better fit
        if any(u in (indicator["target"] or "") or u in (indicator["name"] or "") for u in units):
            return max(named, 0.5) + 0.6  # 一年办多少件 → the indicator counted in 件
        return named

    with_unit = [i for i in indicators if any(u in (i["target"] or "") or u in (i["name"] or "") for u in units)]
    if units and not with_unit and len(projects) == 1:
        prose = _sheet_prose_count(projects[0], units, q, doc, view)  # 224块UPS电池: a count only in the text
        if prose:
            return prose
    best = max(indicators, key=score)
    if score(best) < 0.75:
        return None
    part = f"项目支出绩效目标表（{best['project']}）"
    citation = view.cite_lines(doc["doc"], part, best["line"], best["line"])
    draft = Draft(f"“{best['project']}”项目的绩效目标中，“{best['name']}”的指标值为{best['target']}（这是目标值，不是实际完成数）。",
                  citations=[citation])  # fmt: skip
    draft.figure = best["target"]
    return draft


SHEETS_TOTAL_RE = re.compile(r"绩效(?:目标)?(?:申报)?表.{0,16}(?:加起来|合计|一共|总共|总和|共计|加总|合起来|总额)")
"""'把绩效目标表的年度资金全加起来': the sum over every performance sheet of the document."""


def sheets_total(doc: dict, view: IndexView) -> Draft | None:
    """The 年度资金总额 of every project sheet added up (a project with two sheets counted once), in 元 and 万元."""
    sheets: dict[str, dict] = {}
    for fact in view.facts(doc["doc"]):
        if fact["col"] == "年度资金总额" and fact["unit"] == "元" and (fact["tbl"] or "").startswith("项目支出绩效目标表"):
            sheets.setdefault(fact["row"], fact)
    if len(sheets) < 2:
        return None
    facts = list(sheets.values())
    summed = derive("sum", facts)
    terms = " + ".join(fmt_amount(f["value"], f["unit"]) for f in facts)
    draft = Draft("", facts_used=facts, citations=[view.cite_fact(f) for f in facts],
                  derived=[summed, derive("count", facts)])  # fmt: skip
    draft.text = (f"{doc['department']}{doc['year']}年{doc['scope']}{doc['kind']}附有{len(facts)}个项目的绩效目标表"
                  f"（同一项目的重复表只计一次），年度资金总额合计 {terms} = {summed.text()}"
                  f"（即{Money.of(summed.value, summed.unit).text('万元')}）。")  # fmt: skip
    draft.figure = summed.text()
    return draft
