"""The last resort: the most relevant retrieved passage (or its project's amount), or an honest 'not in the files'."""

from __future__ import annotations

import re

from rag.answer.context import Context
from rag.answer.draft import Draft
from rag.answer.match import absent_terms, match_projects
from rag.store.view import IndexView
from rag.text.money import fmt_amount
from rag.understand.query_view import QueryView


def compose_from_passages(q: QueryView, docs: list[dict], ctx: Context) -> Draft:
    """No figure or section matched: show the most relevant passage, or say the documents do not say."""
    doc = docs[0] if len(docs) == 1 else None
    absent = absent_terms(q, doc, ctx.view) if doc is not None else []
    if absent:
        return Draft(f"{doc['department']}{doc['year']}年{doc['scope']}{doc['kind']}中没有提到“{'、'.join(absent)}”，"
                     "文件里没有这方面的数字或说明。", refused=True)  # fmt: skip
    try:
        results = ctx.retrieve(
            q.question, k=3, department=doc["department"] if doc else None, year=doc["year"] if doc else None
        )
    except Exception as error:  # the vector stage may be absent; the answer must still say something honest
        results = []
        retrieval_error = str(error)
    else:
        retrieval_error = ""
    draft = Draft("")
    draft.retrieved = [  # type: ignore[attr-defined]
        {"doc": r.chunk.doc, "part": r.chunk.part, "lines": [r.chunk.line_start, r.chunk.line_end], "score": r.score}
        for r in results
    ] or ([{"error": retrieval_error}] if retrieval_error else [])
    if not results:
        draft.text = "文件里没有找到能回答这个问题的内容。"
        draft.refused = True
        return draft
    best = results[0].chunk
    sheet = _SHEET_PART_RE.match(best.part or "")
    if sheet and doc is not None:
        answered = _sheet_project_answer(q, doc, sheet.group(1), ctx.view)
        if answered is not None:
            answered.retrieved = draft.retrieved  # type: ignore[attr-defined]
            return answered
    snippet = _readable(best.text)
    draft.citations.append(ctx.view.cite_lines(best.doc, best.part, best.line_start, best.line_end, snippet))
    draft.text = f"没有找到直接对应的数字。文件中最相关的内容在{best.part}（第{best.line_start}–{best.line_end}行）：\n{snippet}"
    return draft


_SHEET_PART_RE = re.compile(r"^项目支出绩效目标(?:申报)?表（(.+)）$")


def _readable(text: str, limit: int = 240) -> str:
    """A chunk's text for a reader: without its header lines, cells separated by spaces, cut to `limit`."""
    lines = [line for line in text.strip().splitlines()[2:] or text.strip().splitlines() if line.strip()]
    body = "\n".join(re.sub(r"\t+", "  ", line.strip()) for line in lines)
    return body if len(body) <= limit else body[:limit] + "…"


def _sheet_project_answer(q: QueryView, doc: dict, project: str, view: IndexView) -> Draft | None:
    """The passage found is a project's performance sheet (接送车 → 12345热线租赁车服务费): answer with that
    project's amount, saying which project it is."""
    rows = match_projects([project], view.project_rows(doc["doc"]))
    if not rows:
        return None
    fact = rows[0]
    draft = Draft(f"最相关的项目是“{fact['row']}”：{doc['department']}{doc['year']}年预算"
                  f"{fmt_amount(fact['value'], fact['unit'])}（见{fact['tbl']}）。", citations=[view.cite_fact(fact)])  # fmt: skip
    draft.facts_used.append(fact)
    draft.figure = fmt_amount(fact["value"], fact["unit"])
    return draft
