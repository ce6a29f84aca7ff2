"""Project amounts from 表12/表13: one project, several summed (or all but some), a premise checked against them."""

from __future__ import annotations

import re
from decimal import Decimal

from rag.answer.derive import derive
from rag.answer.draft import Draft
from rag.answer.figures import premise_verdict
from rag.answer.match import coverage, match_projects, projects_listed, quoted, same_project
from rag.store.view import IndexView
from rag.text.money import fmt_amount
from rag.text.numbers import to_wan
from rag.tolerances import SAME_AMOUNT
from rag.types import Citation
from rag.understand.query_view import QueryView

_PROJECT_SUM_RE = re.compile(r"一共|合计|总共|加起来|共计|总和|加在一起|加在一块|加一块|加一起|加到一起|之和|合起来|总计多少")
_EXCEPT_RE = re.compile(r"除了|除去|除开|以外的|之外的|剩下|其余|其他的?项目")


def _projects_per_term(terms: list[str], rows: list[dict]) -> list[dict]:
    """The best project row for each term (创新能力建设加消费券 → two rows), in question order, each once."""
    pieces = [p for t in terms for p in re.split(r"加上|再加|加|和|与|及|、|以及", t) if len(p) >= 2]
    chosen: list[dict] = []
    for piece in pieces:
        best = match_projects([piece], rows)
        if len(best) == 1 and best[0] not in chosen:
            chosen.append(best[0])
    return chosen


def _premise_is_sheet_amount(q: QueryView, doc: dict, view: IndexView, fact: dict) -> tuple[str, Citation | None]:
    """The figure the question brings is the project's multi-year total (实施期资金总额) on its sheet: say so, with
    the sheet line to cite."""
    value, unit = q.premise
    claimed = to_wan(value, unit or "万元")
    if claimed is None:
        return "", None
    for sheet in (t for t in view.targets(doc["doc"]) if same_project(t["project"], fact["row"])):
        if sheet["period_total_yuan"] in (None, ""):
            continue
        yuan = Decimal(str(sheet["period_total_yuan"]))
        if abs(yuan / 10000 - claimed) >= SAME_AMOUNT:
            continue
        annual = sheet["annual_total_yuan"]
        tail = f"，本年度资金总额是{fmt_amount(Decimal(str(annual)), '元')}" if annual not in (None, "") else ""
        line = sheet["amount_line"] or sheet["line_start"]
        citation = view.cite_lines(doc["doc"], f"项目支出绩效目标表（{sheet['project']}）", line, line)
        return f"{fmt_amount(yuan, '元')}是绩效目标表里的实施期（多年）资金总额{tail}，不是今年的预算。", citation
    return "", None


def _project_sum(q: QueryView, doc: dict, rows: list[dict], view: IndexView) -> Draft | None:
    """Several named projects and 一共多少: each amount and their sum, with the arithmetic."""
    chosen = _projects_per_term(q.terms, rows)
    if len(chosen) < 2:
        chosen = match_projects(q.terms, rows)  # 政务工作运行经费一共多少: the Z… and J… rows of that name
    listed = projects_listed(q.question, rows)
    if len(listed) >= 2:
        chosen = listed  # the question lists them one by one ('A、B和C合起来'): one row per listed name
    excluded: list[dict] = []
    if _EXCEPT_RE.search(q.question) and chosen:
        excluded = chosen
        chosen = [r for r in view.project_rows(doc["doc"]) if r not in excluded]  # 除了…，剩下的加起来
    if len(chosen) < 2 or len({f["unit"] for f in chosen}) != 1:
        return None
    summed = derive("sum", chosen)
    total = summed.value
    draft = Draft("", facts_used=chosen, citations=[view.cite_fact(f) for f in chosen], derived=[summed])
    terms = " + ".join(fmt_amount(f["value"], f["unit"]) for f in chosen)
    who = f"{doc['department']}{doc['year']}年"
    if excluded:
        draft.derived.append(derive("count", chosen))
        names = "、".join(quoted(f["row"]) for f in excluded)
        draft.text = (f"{who}除{names}以外，其余{len(chosen)}个项目合计{fmt_amount(total, chosen[0]['unit'])}"
                      f"（{terms}，见{chosen[0]['tbl']}）。")  # fmt: skip
    else:
        names = "、".join(quoted(f["row"]) for f in chosen)
        draft.text = f"{who}{names}合计 {terms} = {fmt_amount(total, chosen[0]['unit'])}（见{chosen[0]['tbl']}）。"
    draft.figure = fmt_amount(total, chosen[0]["unit"])
    return draft


def project_answer(q: QueryView, doc: dict, view: IndexView, terms: list[str] | None = None) -> Draft | None:
    """Project amounts from 表12/表13 for the question's words (or `terms`), checking a figure the question brings."""
    terms = q.terms if terms is None else terms
    rows = view.project_rows(doc["doc"]) + view.project_rows(doc["doc"], carried=True)
    if _PROJECT_SUM_RE.search(q.question):
        summed = _project_sum(q, doc, rows, view)
        if summed:
            return summed
    matches = match_projects(terms, rows)
    if not matches:
        return None
    draft = Draft("")
    sentences = []
    for fact in matches[:3]:
        draft.facts_used.append(fact)
        draft.citations.append(view.cite_fact(fact))
        sentences.append(f"{quoted(fact['row'])}预算{fmt_amount(fact['value'], fact['unit'])}（见{fact['tbl']}）。")
    verdict = premise_verdict(q.premise, matches[0]) if q.premise is not None else ""
    if verdict.startswith("不对"):
        said, citation = _premise_is_sheet_amount(q, doc, view, matches[0])
        verdict += said
        draft.citations += [citation] if citation else []
    draft.text = verdict + f"{doc['department']}{doc['year']}年" + "".join(sentences)
    draft.figure = fmt_amount(matches[0]["value"], matches[0]["unit"])
    return draft


def project_by_words(q: QueryView, doc: dict, view: IndexView) -> Draft | None:
    """No figure of that name, but a project named by the same words (培训 → 政务服务综合能力提升培训)."""
    words = [w for w in q.metric_words + q.terms if len(w) >= 2]
    rows = view.project_rows(doc["doc"])
    if not words or not [r for r in match_projects(words, rows) if max(coverage(w, r["row"]) for w in words) >= 1.0]:
        return None
    return project_answer(q, doc, view, terms=words)


_NOT_A_SUM_RE = re.compile(r"实施期|差多少|相差|差距|多出|多了|少了|还有多少|剩下|没排|占")
"""一共 said of one project's multi-year total, or beside a difference or a share: not a sum of listed projects."""


def listed_sum(q: QueryView, doc: dict, view: IndexView) -> Draft | None:
    """'A、B和C加起来多少' where each listed name is one project row: their sum, whatever else the words suggest."""
    if not _PROJECT_SUM_RE.search(q.question) or _NOT_A_SUM_RE.search(q.question):
        return None
    rows = view.project_rows(doc["doc"]) + view.project_rows(doc["doc"], carried=True)
    if len(projects_listed(q.question, rows)) < 2:
        return None
    return _project_sum(q, doc, rows, view)

