"""Which loaded documents a question is about: by department and year, by a project only one of them has, or the
department a named unit belongs to; last year's figure derived when only this year's document is loaded."""

from __future__ import annotations

import re
from decimal import Decimal

from rag.answer.derive import derive, stated
from rag.answer.draft import Draft
from rag.answer.figures import metric_answer
from rag.answer.match import coverage, projects_written
from rag.answer.quotes import cite_sentence
from rag.store.view import IndexView
from rag.text.money import fmt_amount
from rag.understand.query_view import QueryView


def pick_documents(q: QueryView, view: IndexView) -> tuple[list[dict] | Draft, str]:
    """The documents the question is about, and a note when the year was not given or not available."""
    if not q.departments and q.terms:
        owner = _project_owner(q, view)
        if owner is not None:  # 省级政务大厅综合窗口…: the one document that has such a project
            return [owner], f"（按{owner['department']}{owner['year']}年{owner['scope']}{owner['kind']}中的项目回答。）"
    departments = q.departments or sorted({d["department"] for d in view.documents})
    chosen, notes = [], []
    for department in departments:
        docs = view.docs_of(department)
        if not docs:
            continue
        if q.year is not None:
            exact = [d for d in docs if d["year"] == q.year]
            if not exact:
                years = "、".join(f"{d['year']}年" for d in docs)
                if q.departments:
                    later = next((d for d in docs if d["year"] == q.year + 1), None)
                    derived = previous_year_figure(q, later, view) if later else None
                    if derived is not None:
                        return derived, ""
                    draft = Draft(f"文件中没有{department}{q.year}年的预算，只有{years}的{docs[0]['kind']}。",
                                  refused=True)  # fmt: skip
                    _offer_other_year(q, docs[0], view, draft)
                    return draft, ""
                continue
            chosen.append(exact[0])
        else:
            chosen.append(docs[0])
            if q.departments and len(docs) >= 1:
                notes.append(f"（未说明年份，按最新的{docs[0]['year']}年{docs[0]['scope']}{docs[0]['kind']}回答。）")
    if not chosen:
        return Draft("已加载的文件中没有符合条件的预算文件。", refused=True), ""
    note = notes[0] if len(notes) == 1 and len(chosen) == 1 else ""
    return chosen, note


_PREVIOUS_RE = (r"[^。；]{0,80}?(?:。[^。；]{0,50}?)?(?:比|较)(?:上年|去年|上一年|(?P<y>20\d{2})年)(?:年初)?(?:预算)?(?:数)?[^。；\d]{0,6}?"
                r"(?P<dir>增加|减少|增长|下降|持平|相同|一致)(?:了)?\s*(?P<amt>[\d,]+(?:\.\d+)?)?\s*(?:万元)?")


def previous_year_figure(q: QueryView, doc: dict, view: IndexView) -> Draft | None:
    """Last year's figure as the document states it through this year's change (三公经费8.50万元比2024年减少
    1.00万元 → 2024年 9.50万元), with the arithmetic shown; None when the text gives no such change."""
    if not q.metrics:
        return None
    metric = q.metrics[0]
    facts = view.named(doc["doc"], metric)
    if not facts:
        return None
    current = facts[0]
    words = {"收入总计": "收入总计", "支出总计": "支出总计"}.get(metric, metric)
    pattern = re.compile(re.escape(words.replace("三公经费", "三公")) + _PREVIOUS_RE)
    for section in view.sections(doc["doc"]):
        text = re.sub(r"[“”\s]", "", section["text"] or "")
        match = pattern.search(text)
        if not match or (match.group("y") and int(match.group("y")) != doc["year"] - 1):
            continue
        direction, amount = match.group("dir"), match.group("amt")
        unit = current["unit"]
        cited = cite_sentence(view, doc["doc"], section, match.group(0))
        if direction in {"持平", "相同", "一致"}:
            delta, op, derived = Decimal(0), "=", []
        elif amount is None:
            continue
        else:
            delta = Decimal(amount.replace(",", ""))
            up = direction in {"增加", "增长"}
            change = stated(doc["doc"], cited.line_start, delta, unit)
            derived = [derive("difference" if up else "sum", [current, change])]
            op = "−" if up else "+"
        previous = derived[0].value if derived else current["value"]
        draft = Draft("", citations=[view.cite_fact(current), cited], facts_used=[current], derived=derived)
        said = f"与上年{direction}" if delta == 0 else f"比上年{direction}{fmt_amount(delta, unit)}"
        arithmetic = f"{fmt_amount(current['value'], unit)} {op} {fmt_amount(delta, unit)} = " if delta else ""
        draft.text = (f"文件中只有{doc['year']}年的预算，没有{doc['year'] - 1}年的预算表。按{doc['year']}年预算说明，{metric}"
                      f"{fmt_amount(current['value'], unit)}，{said}；由此推算{doc['year'] - 1}年为"
                      f"{arithmetic}{fmt_amount(previous, unit)}。")  # fmt: skip
        draft.figure = fmt_amount(previous, unit)
        return draft
    return None


def _offer_other_year(q: QueryView, doc: dict, view: IndexView, draft: Draft) -> None:
    """With a year the documents lack, say what the year they have shows for the same figure."""
    other = metric_answer(q, doc, view) if q.metrics else None
    if other is None or not other.facts_used:
        draft.text += "请换个年份再问。"
        return
    fact = other.facts_used[0]
    draft.text += f"可以提供的是{doc['year']}年的{q.metrics[0]}：{fmt_amount(fact['value'], fact['unit'])}（见{fact['tbl']}）。"
    draft.citations.append(view.cite_fact(fact))
    draft.facts_used.append(fact)


def owners_among(q: QueryView, docs: list[dict], view: IndexView, written: bool = True) -> list[dict]:
    """Of several documents the question may mean, the one whose projects the question names — a free word of 3+
    characters naming one whole or (`written`) its name as written; [] unless exactly one."""
    terms = [t for t in q.terms if len(t) >= 3]
    owners = []
    for doc in docs:
        rows = view.project_rows(doc["doc"]) + [{"row": t["project"]} for t in view.targets(doc["doc"])]
        if (written and projects_written(q.question, rows)) or any(
            coverage(t, r["row"] or "") >= 1.0 for t in terms for r in rows
        ):
            owners.append(doc)
    return owners if len(owners) == 1 else []


def _project_owner(q: QueryView, view: IndexView) -> dict | None:
    """The only loaded document with a project that a free word of the question names whole (3+ characters)."""
    owners = owners_among(q, view.documents, view, written=False)
    return owners[0] if owners else None


def parent_department(name: str, view: IndexView) -> dict | None:
    """The loaded document a unit named in the question belongs to: the only department of that place whose
    document names the unit (吕梁政务中心 → 吕梁市行政审批服务管理局, whose 下属单位 include 市政务服务中心)."""
    stem = name[:2]
    docs = [d for d in view.documents if stem in d["department"]]
    if len({d["department"] for d in docs}) != 1:
        return None
    core = re.sub(r"^[\u4e00-\u9fff]{2}[市区县省]?", "", name)
    if len(core) < 3:
        return None
    pattern = re.compile(".{0,3}".join(map(re.escape, core)))
    doc = docs[0]
    lines = view.doc_lines(doc["doc"])
    belongs = re.compile(r"下属|下设|所属|包括|实施单位")
    return doc if any(pattern.search(row["text"]) and belongs.search(row["text"]) for row in lines) else None
