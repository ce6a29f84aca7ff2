"""Query → Draft: route by intent and write a short plain-Chinese answer from facts, sections and the glossary.

Composers only state figures they take from the store (or derive from them, recorded in `Draft.derived`), and
cite every source; `rag.answer.verify` checks the text afterwards.
"""

from __future__ import annotations

import re

from rag.answer.compare import SPENDING_MIX_RE, compose_compare, compose_project_gap, compose_spending_mix
from rag.answer.context import Context
from rag.answer.define import compose_define
from rag.answer.documents import owners_among, parent_department, pick_documents
from rag.answer.draft import Draft
from rag.answer.explain import compose_explain
from rag.answer.figures import not_stated
from rag.answer.lists import compose_list
from rag.answer.lookup import compose_lookup, department_summary
from rag.answer.match import match_projects
from rag.answer.passages import compose_from_passages
from rag.answer.projects import listed_sum, project_by_words
from rag.answer.shares import named_share
from rag.answer.targets import ALL_TARGETS_RE, SHEETS_TOTAL_RE, indicator_answer, sheets_total
from rag.store.view import IndexView
from rag.text.money import fmt_amount
from rag.understand.query_view import QueryView

PROJECT_USE_RE = re.compile(r"用在哪|花在哪|用到哪|用于什么|用于哪|用途")


def compose(query: object, question: str, ctx: Context) -> Draft:
    """The draft answer for an understood question."""
    q = QueryView(query, question)
    view = ctx.view
    if q.injection and not q.has_content:
        return Draft("我只能回答预算文件里的问题，不能执行其他指令。请直接问某个单位的预算数字或说明。", refused=True)
    if q.personal:
        return Draft("预算文件不公开个人的工资、姓名或联系方式，这类信息无法提供。可以问单位的人员经费、工资福利支出等总数。",
                     refused=True)  # fmt: skip
    parent_note = ""
    if q.unknown_department:
        parent = parent_department(q.unknown_department, view)
        if parent is None:
            return _refuse_unknown(q.unknown_department, view)
        parent_note = f"（文件中“{q.unknown_department}”属于{parent['department']}，按其{parent['scope']}{parent['kind']}回答。）"
        q.query.departments, q.query.unknown_department = [parent["department"]], None
    if q.intent == "define":
        return compose_define(q, view)
    if q.out_of_scope and q.departments:
        return _refuse_out_of_scope(q, view.docs_of(q.departments[0]) or view.documents, view)
    if _says_nothing(q, question):
        return _clarify(view)
    docs, note = pick_documents(q, view)
    if isinstance(docs, Draft):
        return docs
    if len(docs) == 2 and (gap := compose_project_gap(q, docs, view)):
        return gap  # 综改区的房租物业费比大同的物业费贵多少: a project of each
    if len(docs) > 1 and q.terms and not q.aggregate and q.intent in {"lookup", "explain", "compare", ""}:
        docs = owners_among(q, docs, view) or docs  # 综改区信息化服务费: only one 综改区 unit has that project
    if q.out_of_scope:
        return _refuse_out_of_scope(q, docs, view)
    draft = (_one_document_case(q, question, docs[0], view) if len(docs) == 1 else None) or _by_intent(q, docs, view)
    if draft is None and len(docs) == 1 and q.metrics and q.intent in {"lookup", ""}:
        draft = project_by_words(q, docs[0], view) or not_stated(q.metrics, docs[0], view)
    if draft is None:
        draft = compose_from_passages(q, docs, ctx)
    if note and not draft.refused:
        draft.text = note + draft.text
    if parent_note:
        draft.text = parent_note + draft.text
    if q.injection:
        draft.text += "\n（问题中要求改变规则的内容已忽略。）"
    return draft


def _one_document_case(q: QueryView, question: str, doc: dict, view: IndexView) -> Draft | None:
    """Questions about one document that its words, not its intent, decide."""
    if not q.metrics and SPENDING_MIX_RE.search(question) and not (
        q.terms and match_projects(q.terms, view.project_rows(doc["doc"]))
    ):
        return compose_spending_mix(doc, view)  # 钱主要花在哪
    if q.departments and not (q.metrics or q.terms or q.premise) and q.intent in {"lookup", ""}:
        return department_summary(doc, view)  # 吕梁审批局？ — its key figures
    if (summed := listed_sum(q, doc, view)) is not None:
        return summed  # A、B和C加起来: one row per listed name
    if SHEETS_TOTAL_RE.search(question) and (total := sheets_total(doc, view)):
        return total  # 绩效目标表的年度资金加起来
    if ALL_TARGETS_RE.search(question) and (q.terms or q.metrics):
        return indicator_answer(q, doc, view)  # 房租物业费项目有哪些绩效指标
    if q.terms and q.intent == "list" and PROJECT_USE_RE.search(question):
        return compose_explain(q, doc, view)  # 热线项目的钱用在哪: what the project is for
    return None


def _by_intent(q: QueryView, docs: list[dict], view: IndexView) -> Draft | None:
    """The composer for the question's intent (across documents when it names several or none)."""
    if len(docs) == 1 and q.intent in {"compare", "lookup", ""} and (share := named_share(q, docs[0], view)):
        return share  # 三公经费里公务接待费占多少: the whole the question names, whatever the intent guessed
    if q.intent == "compare" or (len(docs) > 1 and q.intent in {"lookup", ""}):
        draft = indicator_answer(q, docs[0], view) if len(docs) == 1 and q.terms else None  # 最多刻几套: a target
        return draft or compose_compare(q, docs, view)
    if q.intent == "list":
        return compose_list(q, docs[0], view)
    if q.intent == "explain":
        return compose_explain(q, docs[0], view)
    return compose_lookup(q, docs[0], view)


def _says_nothing(q: QueryView, question: str) -> bool:
    """No department, figure, project or definition asked for (an empty line, 'hello', '多少', '为什么')."""
    if q.departments or q.metrics or q.terms or q.premise or q.unknown_department or q.prefix or q.threshold:
        return False
    if getattr(q.query, "all_departments", False) or q.aggregate or q.intent in {"define", "list", "compare"}:
        return False
    return not SPENDING_MIX_RE.search(question)


def _clarify(view: IndexView) -> Draft:
    names = "、".join(f"{d['department']}（{d['year']}年）" for d in view.documents[:6])
    return Draft(f"请说明想了解哪个单位的哪项预算，例如“大同政务中心招待费多少”或“什么是三公经费”。现在能查的文件有：{names}。",
                 refused=True)  # fmt: skip


def _refuse_unknown(name: str, view: IndexView) -> Draft:
    loaded = "；".join(f"{d['department']}（{d['year']}年）" for d in view.documents[:8])
    return Draft(f"已加载的预算文件中没有“{name}”的预算。现有的文件是：{loaded}。", refused=True)


def _refuse_out_of_scope(q: QueryView, docs: list[dict], view: IndexView) -> Draft:
    doc = docs[0]
    what = {"决算": "决算（实际支出）", "actual": "实际执行情况"}.get(q.out_of_scope, q.out_of_scope)
    text = (f"文件里没有这项信息：已加载的是{doc['department']}{doc['year']}年{doc['scope']}{doc['kind']}，"
            f"只有预算安排，没有{what}。")  # fmt: skip
    draft = Draft(text, refused=True)
    total = view.named(doc["doc"], "收入总计")
    if total and q.out_of_scope == "决算":
        fact = total[0]
        draft.text += f"可以提供的是{doc['year']}年预算收入总计{fmt_amount(fact['value'], fact['unit'])}。"
        draft.citations.append(view.cite_fact(fact))
        draft.facts_used.append(fact)
    return draft
