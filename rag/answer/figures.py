"""Key figures and table rows of one document as sentences: the figure, its conflicts, a premise checked against it,
the figure without carry-over, and what to offer when the document does not state it."""

from __future__ import annotations

import re
from decimal import Decimal

from rag.answer.draft import Draft
from rag.store.view import IndexView
from rag.text.money import fmt_amount
from rag.text.numbers import to_wan
from rag.text.similar import similarity
from rag.tolerances import ROUNDING_AMOUNT, SAME_AMOUNT
from rag.understand.query_view import QueryView

NOT_ARRANGED_WORDS = ("本表无数据", "无机关运行经费", "未安排")
_WITHOUT_CARRYOVER_RE = re.compile(r"不含(?:上年)?结转|不算(?:上年)?结转|不包括(?:上年)?结转|扣除(?:上年)?结转|(?:本年|当年|今年)(?:安排|预算)的")
_CURRENT_COLUMNS = {"基本支出": "基本支出", "项目支出": "项目支出", "支出总计": "合计", "收入总计": "合计"}


def _without_carryover(q: QueryView, doc: dict, view: IndexView) -> Draft | None:
    """基本支出 / 项目支出 without last year's carry-over: the 合计 row of 表5 (一般公共预算支出, 不含上年结转)."""
    metric = next((m for m in q.metrics if m in _CURRENT_COLUMNS), None)
    table = view.table_of_key(doc["doc"], "一般公共预算支出")
    if metric is None or table is None:
        return None
    row = next((f for f in view.facts(doc["doc"]) if f["tbl"] == table["display"] and f["row"] in {"合计", "总计"}
                and f["col"] == _CURRENT_COLUMNS[metric]), None)  # fmt: skip
    if row is None:
        return None
    draft = Draft(f"{doc['department']}{doc['year']}年不含上年结转的{metric}为{fmt_amount(row['value'], row['unit'])}"
                  f"（见{row['tbl']}）。", citations=[view.cite_fact(row)], facts_used=[row])  # fmt: skip
    total = view.named(doc["doc"], metric)
    if total and abs(total[0]["value"] - row["value"]) > SAME_AMOUNT:
        draft.text += f"含上年结转则为{fmt_amount(total[0]['value'], total[0]['unit'])}（见{total[0]['tbl']}）。"
        draft.citations.append(view.cite_fact(total[0]))
        draft.facts_used.append(total[0])
    draft.figure = fmt_amount(row["value"], row["unit"])
    return draft


def metric_answer(q: QueryView, doc: dict, view: IndexView) -> Draft | None:
    if _WITHOUT_CARRYOVER_RE.search(q.question):
        draft = _without_carryover(q, doc, view)
        if draft:
            return draft
    parts, draft = [], Draft("")
    for metric in q.metrics[:3]:
        facts = view.named(doc["doc"], metric)
        if not facts:
            rows = row_facts(view, doc["doc"], metric)
            if not rows:
                continue
            parts.append(rows_sentence(metric, rows, doc, view, draft))
            continue
        primary = facts[0]
        draft.facts_used.append(primary)
        draft.citations.append(view.cite_fact(primary))
        parts.append(_figure_sentence(metric, primary, doc, view, draft))
        parts += _conflict_sentences(primary, facts[1:], doc, view, draft)
    if not parts:
        return None
    if q.premise is not None and draft.facts_used:
        parts.insert(0, premise_verdict(q.premise, draft.facts_used[0]))
    draft.text = "".join(parts)
    first = draft.facts_used[0]
    draft.figure = fmt_amount(first["value"], first["unit"])
    return draft


RELATED_METRICS = {"编制": ("内设机构", "人员经费"), "内设机构": ("编制",), "公务用车": ("公务用车购置及运行费",),
                   "办公用房面积": ("公务用车",)}  # fmt: skip
"""What to offer instead when a document does not state the figure asked for."""


def not_stated(metrics: list[str], doc: dict, view: IndexView) -> Draft:
    """The figure asked for is one the fact store knows, but this document does not state it: say so plainly."""
    who = f"{doc['department']}{doc['year']}年{doc['scope']}{doc['kind']}"
    draft = Draft(f"{who}中没有写明{'、'.join(metrics[:3])}。", refused=True)
    offers = []
    for related in (r for m in metrics for r in RELATED_METRICS.get(m, ())):
        facts = view.named(doc["doc"], related)
        if facts and related not in metrics:
            offers.append(f"{related}{fmt_amount(facts[0]['value'], facts[0]['unit'])}（见{facts[0]['tbl']}）")
            draft.facts_used.append(facts[0])
            draft.citations.append(view.cite_fact(facts[0]))
    if offers:
        draft.text += "文件中相关的数字有：" + "；".join(offers) + "。"
    return draft


def _figure_sentence(metric: str, fact: dict, doc: dict, view: IndexView, draft: Draft) -> str:
    who = f"{doc['department']}{doc['year']}年"
    amount = fmt_amount(fact["value"], fact["unit"])
    table = view.table_by_display(doc["doc"], fact["tbl"])
    if fact["value"] == 0 and table and table["empty"]:
        return f"{who}未安排{metric}（{fact['tbl']}注明“本表无数据”），即{amount}。"
    if fact["value"] == 0 and metric == "机关运行经费" and _text_says_none(view, doc["doc"], metric, draft):
        return f"{who}没有安排{metric}（文件说明无{metric}），即{amount}。"
    where = fact["tbl"] if fact["origin"] == "table" else "情况说明"
    extra = ""
    if metric in {"收入总计", "支出总计"}:
        carried = view.named(doc["doc"], "上年结转")
        if carried and carried[0]["value"] > 0:
            extra = f"，其中上年结转{fmt_amount(carried[0]['value'], carried[0]['unit'])}"
            draft.facts_used.append(carried[0])
    return f"{who}{metric}为{amount}{extra}（见{where}）。"


def _text_says_none(view: IndexView, doc: str, metric: str, draft: Draft) -> bool:
    for section in view.sections(doc):
        match = re.search(rf"[^。\n]*无{metric}[^。\n]*", section["text"] or "")
        if match:
            draft.citations.append(view.cite_lines(doc, section["heading"], section["line_start"], section["line_end"],
                                                   match.group(0)))  # fmt: skip
            return True
    return False


def _conflict_sentences(primary: dict, others: list[dict], doc: dict, view: IndexView, draft: Draft) -> list[str]:
    """Where the document itself gives another value (a major self-check finding), show both."""
    majors = [f for f in view.findings(doc["doc"]) if f["severity"] == "major"]
    out = []
    seen = {primary["value"]}
    for other in others:
        if other["value"] in seen or abs(other["value"] - primary["value"]) <= ROUNDING_AMOUNT:
            continue
        if not any(primary["line"] in f["lines"] or other["line"] in f["lines"] for f in majors):
            continue
        seen.add(other["value"])
        where = other["tbl"] if other["origin"] == "table" else f"情况说明（{other['tbl'].split(' / ')[-1]}）"
        out.append(f"注意：文件前后不一致，{where}写的是{fmt_amount(other['value'], other['unit'])}，与{primary['tbl']}不同。")
        draft.citations.append(view.cite_fact(other))
        draft.facts_used.append(other)
    return out


def premise_verdict(premise: tuple[Decimal, str], fact: dict) -> str:
    value, unit = premise
    claimed = to_wan(value, unit or "万元")
    actual = to_wan(fact["value"], fact["unit"])
    if claimed is not None and actual is not None and abs(claimed - actual) < SAME_AMOUNT:
        return "对。"
    if actual is not None and claimed is not None and value == fact["value"] and unit != fact["unit"]:
        return f"不对，单位是{fact['unit']}，不是{unit}：金额为{fmt_amount(fact['value'], fact['unit'])}（即{fmt_amount(actual * 10000, '元')}）。"
    return "不对，与文件不符。"


_ENUMERATOR_RE = re.compile(r"^(?:[一二三四五六七八九十]+、|[①②③④⑤⑥⑦⑧⑨]|\d+[.、．])\s*")


def row_facts(view: IndexView, doc: str, label: str) -> list[dict]:
    """A figure that is a table row (住房公积金, 办公费): its first amount in each table that has the row, the
    function table (表3) first; one per distinct value."""
    best: dict[str, dict] = {}
    for fact in view.facts(doc):
        if fact["origin"] != "table" or fact["name"] or fact["tbl"] in best:
            continue
        row = _ENUMERATOR_RE.sub("", fact["row"] or "").strip()
        if row == label or (similarity(label, row) >= 0.95 and (row.startswith(label) or label.startswith(row))):
            best[fact["tbl"]] = fact
        elif not row and (fact["col"] or "").replace(" ", "") == label:
            best[fact["tbl"]] = {**fact, "row": label}  # a one-row table whose columns are the items (会议费, 培训费)
    expense = view.table_of_key(doc, "支出总表")
    ordered = sorted(best.values(), key=lambda f: (not (expense and f["tbl"] == expense["display"]), f["line"]))
    distinct: list[dict] = []
    for fact in ordered:
        if all(abs(fact["value"] - other["value"]) > SAME_AMOUNT for other in distinct):
            distinct.append(fact)
    return distinct


def rows_sentence(metric: str, rows: list[dict], doc: dict, view: IndexView, draft: Draft) -> str:
    """'住房公积金14.95万元（表3，按支出功能）；另表6（按经济科目）为36.10万元'."""
    primary = rows[0]
    for fact in rows:
        draft.facts_used.append(fact)
        draft.citations.append(view.cite_fact(fact))
    label = _ENUMERATOR_RE.sub("", primary["row"] or metric)
    text = f"{doc['department']}{doc['year']}年{label}为{fmt_amount(primary['value'], primary['unit'])}（见{primary['tbl']}）。"
    for other in rows[1:]:
        text += f"另外，{other['tbl']}中“{other['row']}”为{fmt_amount(other['value'], other['unit'])}（两张表分类口径不同）。"
    return text
