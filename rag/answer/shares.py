"""Shares of a whole the question names: '三公经费里公务接待费占多少', 'X项目占项目支出的几成'.

The whole is what the question names, never a substitute: when the question names a whole the documents do
not state (全省的三公经费, 整个工程的总投资), the answer says so instead of dividing by another total.
"""

from __future__ import annotations

import re

from rag.answer.compare import share_answer
from rag.answer.derive import derive
from rag.answer.draft import Draft
from rag.answer.figures import row_facts
from rag.answer.match import named_projects, projects_listed, projects_tail_written, projects_written
from rag.store.view import IndexView
from rag.text.money import Money, fmt_amount
from rag.understand.flags import normalize_question
from rag.understand.query_view import QueryView
from rag.understand.terms import find_metrics

_SHARE_ASKED = re.compile(r"占|比例|比重|百分|几成|份额")
_WHOLE_AFTER = re.compile(
    r"(?:占|在)(?:了)?(?!了|多少|多大|几|百分|比例|比重)(?P<w>[^，,。？?！!、]{2,24}?)(?:里面|里|中的|之中|当中|中(?![心央国级小学]))?的?(?:占了?)?"
    r"(?:比例|比重|百分比|百分之|份额|几成|多少|多大|%|占比)"
)
"""'占基本支出的比例', '占项目支出总额的百分比', '在项目支出里占多少' (whole after 占/在)."""
_WHOLE_BEFORE = re.compile(
    r"(?P<w>[^，,。？?！!、]{2,24}?)(?:里面|里|之中|当中|中(?![心央国级小学]))[，,]?[^，,。？?]{0,24}?占"
)
"""'三公经费里公务接待费占多少' (whole before 里/中, then 占)."""
_BROADER = re.compile(r"全[\u4e00-\u9fff]{0,4}?[省市区县]|全国|省直|市直|区直|各部门|所有部门|总盘子|整个|全部工程|总投资")
"""A whole wider than the publishing department: no single document states it."""


def named_whole(question: str) -> str | None:
    """The words that name the whole of a share question, if it names one."""
    if not _SHARE_ASKED.search(question):
        return None
    for pattern in (_WHOLE_AFTER, _WHOLE_BEFORE):
        match = pattern.search(question)
        if match:
            return re.split(r"在|对于", match.group("w"))[-1].strip("的“”\" ")  # 'X在项目支出里占': the whole after 在
    return None


def named_share(q: QueryView, doc: dict, view: IndexView) -> Draft | None:
    """The share asked of the whole the question names; a plain refusal when that whole is not in the document."""
    words = named_whole(q.question)
    if not words:
        return None
    wholes, _ = find_metrics(normalize_question(words.replace("钱", "资金")), [])  # 项目的钱 = 项目资金
    if _BROADER.search(words) or not wholes:
        if not _BROADER.search(words):
            return _unplaced(words, q, doc)
        return Draft(f"{doc['department']}{doc['year']}年{doc['scope']}{doc['kind']}只公开本单位的数字，没有写明“{words}”，"
                     "所以无法算出这个比例。", refused=True)  # fmt: skip
    whole_name = wholes[0]
    whole_facts = view.named(doc["doc"], whole_name) or row_facts(view, doc["doc"], whole_name)
    if not whole_facts:
        return Draft(f"{doc['department']}{doc['year']}年{doc['scope']}{doc['kind']}没有写明{whole_name}，所以无法算出这个比例。",
                     refused=True)  # fmt: skip
    part_name, part = _part(q, doc, view, whole_name)
    if part is not None and whole_name == "项目支出" and (table_total := _table_total(part, doc, view)):
        return _same_table_share(part_name, part, table_total, whole_facts[0], doc, view)
    if part is None:  # never a share of another total: say what is missing
        return Draft(f"{doc['department']}{doc['year']}年{doc['scope']}{doc['kind']}中，{whole_name}为"
                     f"{fmt_amount(whole_facts[0]['value'], whole_facts[0]['unit'])}，但没有找到问题所说那一部分的金额，"
                     f"所以算不出它占{whole_name}的比例。", citations=[view.cite_fact(whole_facts[0])],
                     facts_used=[whole_facts[0]], refused=True)  # fmt: skip
    return share_answer(part_name, part, whole_name, whole_facts[0], doc, view)


def _part(q: QueryView, doc: dict, view: IndexView, whole_name: str) -> tuple[str, dict | None]:
    """The figure whose share is asked: a project whose name the question writes out, else a named figure other
    than the whole, else a project the question names by its words."""
    rows = view.project_rows(doc["doc"]) + view.project_rows(doc["doc"], carried=True)
    written = [p for p in projects_written(q.question, rows) or projects_tail_written(q.question, rows)
               if p["row"] != whole_name]  # fmt: skip
    if written:
        return f"“{written[0]['row']}”", written[0]
    for metric in q.metrics:
        if metric != whole_name:
            facts = view.named(doc["doc"], metric) or row_facts(view, doc["doc"], metric)
            if facts:
                return metric, facts[0]
    projects = [p for p in named_projects(q, doc, view) or projects_listed(q.question, rows) if p["row"] != whole_name]
    if len(projects) == 1:
        return f"“{projects[0]['row']}”", projects[0]
    return "", None


_FILLER = re.compile(r"今年|本年|当年|全年|这个|那个|该|其|的|里面|里|中|了|[，,\s]")


def _unplaced(words: str, q: QueryView, doc: dict) -> Draft | None:
    """The question names a whole we cannot place: ask, rather than divide by another total; None when the words
    are only the department, the year and fillers (then the whole is the usual one)."""
    rest = words
    for match in q.departments:
        rest = rest.replace(getattr(match, "text", "") or "", "")
    rest = _FILLER.sub("", rest.replace(doc["department"], ""))
    if len(rest) < 2:
        return None
    return Draft(f"没能在{doc['department']}{doc['year']}年{doc['scope']}{doc['kind']}中确定“{words}”对应哪一个总数，"
                 "所以没有计算比例。可以换成文件里的说法再问，例如“占项目支出的比例”“占三公经费的比例”。", refused=True)  # fmt: skip


def _table_total(part: dict, doc: dict, view: IndexView) -> dict | None:
    """The total row of the project table a project row stands in (表12's unit row), if it states one."""
    projects = {f["id"] for f in view.project_rows(doc["doc"]) + view.project_rows(doc["doc"], carried=True)}
    if part.get("id") not in projects:
        return None
    totals = [f for f in view.facts(doc["doc"]) if f["tbl"] == part["tbl"] and f["col"] == part["col"]
              and f["id"] not in projects and f["unit"] == part["unit"] and f["value"] >= part["value"]]  # fmt: skip
    return max(totals, key=lambda f: f["value"]) if totals else None


def _same_table_share(part_name: str, part: dict, table_total: dict, whole: dict, doc: dict,
                      view: IndexView) -> Draft | None:  # fmt: skip
    """A project's share of its own table's total (same scope: 本年预算), with its share of the document's
    项目支出 (which may hold more, such as 上年结转) beside it when the two totals differ."""
    draft = share_answer(part_name, part, f"{part['tbl']}合计", table_total, doc, view)
    same = table_total["value"] == whole["value"] and table_total["unit"] == whole["unit"]
    if draft is None or same or not whole["value"]:
        return draft
    broader = derive("share", [part, whole])
    draft.derived.append(broader)
    draft.facts_used.append(whole)
    draft.citations.append(view.cite_fact(whole))
    draft.text += (f"若按{whole['tbl']}的项目支出{fmt_amount(whole['value'], whole['unit'])}计，则占"
                   f"{Money.from_fact(part).text(whole['unit'])} ÷ {fmt_amount(whole['value'], whole['unit'])} = "
                   f"{broader.text()}。")  # fmt: skip
    return draft
