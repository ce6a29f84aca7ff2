"""A figure of one document: change questions, 科目编码 rows, project amounts and targets, key figures, table rows."""

from __future__ import annotations

import re

from rag.answer.draft import Draft
from rag.answer.explain import section_change
from rag.answer.figures import metric_answer, row_facts, rows_sentence
from rag.answer.match import absent_terms, named_projects
from rag.answer.projects import project_answer
from rag.answer.targets import SHEET_AMOUNT_RE, indicator_answer, sheet_amount_answer, with_amount
from rag.store.view import IndexView
from rag.text.money import fmt_amount
from rag.understand.query_view import QueryView

_SUMMARY_FIGURES = ("收入总计", "基本支出", "项目支出", "三公经费", "机关运行经费", "政府采购")


def department_summary(doc: dict, view: IndexView) -> Draft | None:
    """A department named and nothing else: its key figures in one sentence each, with their tables."""
    facts = [(name, view.named(doc["doc"], name)) for name in _SUMMARY_FIGURES]
    facts = [(name, found[0]) for name, found in facts if found]
    if not facts:
        return None
    draft = Draft("", facts_used=[f for _, f in facts], citations=[view.cite_fact(f) for _, f in facts])
    listing = "；".join(f"{name}{fmt_amount(f['value'], f['unit'])}" for name, f in facts)
    draft.text = f"{doc['department']}{doc['year']}年{doc['scope']}{doc['kind']}的主要数字：{listing}。可以接着问某一项的明细或原因。"
    draft.figure = fmt_amount(facts[0][1]["value"], facts[0][1]["unit"])
    return draft


def compose_lookup(q: QueryView, doc: dict, view: IndexView) -> Draft | None:
    """A figure of one document: change questions, project amounts and targets, then key figures."""
    if q.terms and SHEET_AMOUNT_RE.search(q.question):
        draft = sheet_amount_answer(q, doc, view)  # 实施期比今年多了几万: a sheet's totals, not a change over years
        if draft:
            return draft
    if q.change and q.terms and not q.metrics and absent_terms(q, doc, view):
        return None  # 规上工业增加值能增长多少: nothing of the kind in this document (said by the passage stage)
    if q.change:
        draft = section_change(q, doc, view)
        if draft:
            return draft
    draft = _code_answer(q, doc, view)
    if draft:
        return draft
    if q.terms or q.metrics:
        draft = indicator_answer(q, doc, view)
        if draft:
            return with_amount(q, doc, view, draft)
    if q.terms and q.metrics and named_projects(q, doc, view):
        return project_answer(q, doc, view)  # 大楼管理运行经费 is a project, not 机关运行经费
    if q.metrics:
        draft = metric_answer(q, doc, view)
        if draft:
            return draft
    if q.terms:
        return project_answer(q, doc, view) or _term_row_answer(q, doc, view)
    return None


def _term_row_answer(q: QueryView, doc: dict, view: IndexView) -> Draft | None:
    """A free word that is a table row's own label (公共安全支出, 会议费): that row's amounts."""
    for term in sorted((t for t in q.terms if len(t) >= 3), key=len, reverse=True):
        rows = row_facts(view, doc["doc"], term)
        if rows:
            draft = Draft("")
            draft.text = rows_sentence(term, rows, doc, view, draft)
            draft.figure = fmt_amount(rows[0]["value"], rows[0]["unit"])
            return draft
    return None


_CURRENT_YEAR_RE = re.compile(r"不含(?:上年)?结转|本年|当年|一般公共预算")
_CODE_RE = re.compile(r"(?<![\d.])(\d{3}(?:\d{2}){0,2})(?![\d.]|万|元|年|%|个|名|辆)")


def _code_answer(q: QueryView, doc: dict, view: IndexView) -> Draft | None:
    """A 科目编码 named in the question (2010350 事业运行): its row in 表3 预算支出总表, or in any table."""
    codes = [m.group(1) for m in _CODE_RE.finditer(q.question) if not 1990 <= int(m.group(1)) <= 2100]
    if not codes:
        return None
    key = "收入总表" if "收入" in q.question else "一般公共预算支出" if _CURRENT_YEAR_RE.search(q.question) else "支出总表"
    table = view.table_of_key(doc["doc"], key) or view.table_of_key(doc["doc"], "支出总表")
    for code in codes:
        facts = [f for f in view.facts(doc["doc"]) if f["code"] == code]
        if not facts:
            continue
        preferred = [f for f in facts if table and f["tbl"] == table["display"]] or facts
        line = preferred[0]["line"]
        row = [f for f in preferred if f["line"] == line]
        draft = Draft("", facts_used=row, citations=[view.cite_fact(row[0])])
        cells = "，".join(f"{f['col']}{fmt_amount(f['value'], f['unit'])}" for f in row)
        draft.text = f"{doc['department']}{doc['year']}年科目{code}“{row[0]['row']}”：{cells}（见{row[0]['tbl']}）。"
        draft.figure = fmt_amount(row[0]["value"], row[0]["unit"])
        return draft
    return None
