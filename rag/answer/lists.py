"""Lists: a figure's parts, projects over a threshold, carried-over projects, vehicles, internal and subordinate units."""

from __future__ import annotations

import re
from decimal import Decimal

from rag.answer.derive import derive
from rag.answer.draft import Draft
from rag.answer.figures import row_facts
from rag.answer.quotes import cite_sentence
from rag.store.view import IndexView
from rag.text.money import fmt_amount
from rag.understand.query_view import QueryView

COMPONENTS = {
    "三公经费": ("因公出国（境）费", "公务接待费", "公务用车购置及运行费"),
    "公务用车购置及运行费": ("公务用车购置费", "公务用车运行维护费"),
    "政府采购": ("政府采购货物", "政府采购工程", "政府采购服务"),
    "基本支出": ("人员经费", "公用经费"),
    "支出总计": ("基本支出", "项目支出"),
}
"""The parts a key figure is made of (what 三公经费包括哪些 lists)."""


def compose_components(q: QueryView, doc: dict, view: IndexView) -> Draft | None:
    """What a figure is made of, each part with its amount: the key figure's parts, or a table row's sub-rows
    (对个人和家庭的补助 → 离休费、退休费 …)."""
    metric = q.metrics[0]
    whole = (view.named(doc["doc"], metric) or row_facts(view, doc["doc"], metric) or [None])[0]
    if whole is None:
        return None
    if metric in COMPONENTS:
        parts = [f for name in COMPONENTS[metric] for f in view.named(doc["doc"], name)[:1]]
    else:
        parts = view.sub_rows(doc["doc"], whole)
    if len(parts) < 2:
        return None
    draft = Draft("", facts_used=[whole, *parts], citations=[view.cite_fact(whole)] + [view.cite_fact(f) for f in parts[:10]])
    listing = "、".join(f"{f['name'] or f['row']}{fmt_amount(f['value'], f['unit'])}" for f in parts)
    draft.text = (f"{doc['department']}{doc['year']}年{metric}{fmt_amount(whole['value'], whole['unit'])}，包括：{listing}"
                  f"（见{whole['tbl']}）。")  # fmt: skip
    draft.figure = fmt_amount(whole["value"], whole["unit"])
    return draft


def compose_list(q: QueryView, doc: dict, view: IndexView) -> Draft | None:
    """Lists: a figure's parts, projects over a threshold, carried-over projects, all projects, internal units."""
    text = q.question
    if "车" in text and "项目" not in text:
        draft = _vehicle_types(doc, view)
        if draft:
            return draft
    if q.metrics and "项目" not in text:
        draft = compose_components(q, doc, view)
        if draft:
            return draft
    if SUBORDINATE_RE.search(text):
        draft = _internal_units(doc, view, _SUBORDINATE_SENTENCE)
        if draft:
            return draft
    if "内设" in text or "科室" in text or "处室" in text or "机构" in text:
        return _internal_units(doc, view)
    carried = "结转" in text
    rows = view.project_rows(doc["doc"], carried=carried)
    if not rows:
        return Draft(f"{doc['department']}{doc['year']}年没有{'上年结转' if carried else ''}项目。", refused=True) if carried else None
    if q.threshold:
        comparator, amount, unit = q.threshold
        limit = amount if unit == "万元" else amount / Decimal(10000)
        keep = {">": lambda v: v > limit, "≥": lambda v: v >= limit, "<": lambda v: v < limit,
                "≤": lambda v: v <= limit}.get(comparator, lambda v: v > limit)  # fmt: skip
        rows = [f for f in rows if keep(f["value"])]
    rows.sort(key=lambda f: f["value"], reverse=True)
    if not rows:
        return Draft(f"{doc['department']}{doc['year']}年没有符合条件的项目。")
    draft = Draft("", facts_used=rows, citations=[view.cite_fact(f) for f in rows[:12]])
    draft.derived.append(derive("count", rows))
    listing = "；".join(f"{f['row']} {fmt_amount(f['value'], f['unit'])}" for f in rows[:12])
    what = "上年结转项目" if carried else "项目"
    which = "符合条件的" if q.threshold else ""
    more = "（只列出金额最大的几项）" if len(rows) > 12 else ""
    draft.text = f"{doc['department']}{doc['year']}年{which}{what}共{len(rows)}个：{listing}{more}。"
    return draft


def _vehicle_types(doc: dict, view: IndexView) -> Draft | None:
    """The 车辆情况 sentence that lists the cars by kind (领导用车0辆，机要通信用车1辆 …)."""
    for section in view.sections(doc["doc"]):
        if "车" not in section["heading"] and "国有资产" not in section["heading"]:
            continue
        for sentence in re.split(r"(?<=[。])", (section["text"] or "").replace("\n", "")):
            if re.search(r"\d+\s*辆", sentence) and "其中" in sentence:
                citation = cite_sentence(view, doc["doc"], section, sentence)
                return Draft(f"{doc['department']}的车辆情况：{sentence.strip()}", citations=[citation])
    return None


SUBORDINATE_RE = re.compile(r"下属|下面|下设|所属|管着|管辖|二级单位|哪些单位|几个单位")
_SUBORDINATE_SENTENCE = re.compile(r"下属单位|下设单位|所属单位|下设|二级单位|包括.{0,40}单位")
_INTERNAL_SENTENCE = re.compile(r"内设|科室|处室")


def _internal_units(doc: dict, view: IndexView, wanted: re.Pattern = _INTERNAL_SENTENCE) -> Draft | None:
    """The 机构设置 sentence that lists internal units (or, with `wanted`, subordinate units)."""
    for section in view.sections(doc["doc"]):
        if "机构设置" not in section["heading"]:
            continue
        for sentence in re.split(r"(?<=[。])", section["text"].replace("\n", "")):
            if wanted.search(sentence) and re.search(r"[、，]|没有", sentence):
                citation = cite_sentence(view, doc["doc"], section, sentence)
                return Draft(f"{doc['department']}的机构设置：{sentence.strip()}", citations=[citation])
    return None
