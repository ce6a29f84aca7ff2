"""Reasons and purposes in the document's own words: why a figure changed, what a project is for, what the
department does, and the year-on-year change a section states."""

from __future__ import annotations

import re

from rag.answer.define import compose_define
from rag.answer.draft import Draft
from rag.answer.match import match_projects, named_projects, target_projects, words_of
from rag.answer.quotes import (
    cite_sentence,
    find_section,
    relevant_sentences,
    section_part,
    sheet_fields,
    split_sentences,
)
from rag.store.view import IndexView
from rag.text.money import fmt_amount
from rag.text.numbers import normalize_text
from rag.understand.flags import PURPOSE_RE
from rag.understand.query_view import QueryView

_REASON_RE = re.compile(r"原因|由于|因为|主要是|主要用于|用于|调整|减少|增加|报废")
_CHANGE_RE = re.compile(
    r"(?:比|较)(?:上年|20\d{2}年|去年)[^，。；]{0,12}?(增加|减少|增长|下降|持平|相同)\s*([\d,]+(?:\.\d+)?)\s*万元"
    r"(?:[，,]\s*(增长|下降|减少|增加)\s*([\d.]+)\s*%)?"
)


def section_change(q: QueryView, doc: dict, view: IndexView) -> Draft | None:
    """'比上年减少74.20万元，下降1.06%' from the figure's explanation section."""
    section = find_section(view, doc["doc"], q.metrics)
    if section is None:
        return None
    for sentence in split_sentences(section["text"]):
        match = _CHANGE_RE.search(normalize_text(sentence))
        if match:
            citation = cite_sentence(view, doc["doc"], section, sentence)
            text = f"据{doc['department']}{doc['year']}年预算说明：{sentence.strip()}"
            draft = Draft(text if len(text) < 400 else text[:400] + "…", citations=[citation])
            draft.figure = f"{match.group(1)}{match.group(2)}万元" + (f"，{match.group(3)}{match.group(4)}%" if match.group(4) else "")
            return draft
    return None


_REASON_MARK = re.compile(r"(主要原因是|原因是|原因：|原因为|主要是由于|主要是因为|由于)[：:]?")
_RESTATEMENT = re.compile(r"；(?=本年|[^；。]{0,14}(?:总计|合计))")
_DELTA_CLAUSE = re.compile(r"^[^，,；;]*(?:增加|减少|增长|下降)[^，,；;]*\d[^，,；;]*$")


def _reason_in(sentence: str) -> str:
    match = re.search(r"(主要原因是|原因是|原因：|原因为|主要是由于|主要是因为|由于)[：:]?([^。；]+)", sentence)
    return match.group(2) if match else ""


def _reasons(text: str, start: int = 0) -> tuple[str, int]:
    """The reason the text gives after `start` (主要原因是…), to the end of its sentence but not into a restatement
    of the totals; and where it ends."""
    match = _REASON_MARK.search(text, start)
    if match is None:
        return "", -1
    end = text.find("。", match.end())
    end = len(text) if end < 0 else end
    reason = text[match.end() : end]
    cut = _RESTATEMENT.search(reason)
    reason = reason[: cut.start()] if cut else reason
    return reason.strip("，,；; "), match.end() + len(reason)


def _only_deltas(reason: str) -> bool:
    """A reason that only restates figures (基本支出较上年减少69.65万元，项目支出…减少724.22万元)."""
    clauses = [c for c in re.split(r"[，,；;]", reason) if c.strip()]
    return bool(clauses) and all(_DELTA_CLAUSE.match(c.strip()) for c in clauses)


def _full_reason(section_text: str) -> str:
    """The document's reason for a change, with its detail when the first reason only restates figures."""
    text = re.sub(r"\s*\n\s*", "", section_text)
    reason, end = _reasons(text)
    if reason and _only_deltas(reason):
        detail = _REASON_MARK.search(text, end)
        if detail:
            body = text[detail.end() : detail.end() + 420]
            body = body[: body.rfind("。") + 1] if "。" in body else body
            reason = f"{reason}。具体是：{body.rstrip('。')}"
    return reason


def compose_explain(q: QueryView, doc: dict, view: IndexView) -> Draft | None:
    """Why a figure changed or what it is for, in the document's own words (the reason clause first)."""
    named = named_projects(q, doc, view)
    if named or (q.terms and not q.metrics):
        draft = _project_purpose(q, doc, view, [r["row"] for r in named])
        if draft:
            return draft
    if PURPOSE_RE.search(q.question) and not q.metrics:
        draft = _duties(doc, view)
        if draft:
            return draft
    if PURPOSE_RE.search(q.question) and q.metrics and not _EXPLAIN_WORDS.search(q.question):
        return compose_define(q, view)  # 三公经费是干什么的: what the figure is
    section = find_section(view, doc["doc"], q.metrics)
    if q.metrics and q.metrics[0] not in _TOTALS:
        draft = _reason_elsewhere(q.metrics[0], doc, view, q.question)  # the sentence naming the figure, its change, why
        if draft:
            return draft
    if section is None:
        return _total_reason(doc, view) if not q.metrics or q.metrics[0] in _TOTALS else None
    sentences = split_sentences(section["text"])
    chosen = [s for s in sentences if _REASON_RE.search(s)] or sentences[:2]
    first = chosen[0]
    citations = [cite_sentence(view, doc["doc"], section, s) for s in chosen[:2]]
    who = f"{doc['department']}{doc['year']}年"
    change = _CHANGE_RE.search(normalize_text(first))
    reason = _full_reason(section["text"]) if _reason_in(first) else ""
    if reason:
        citations = [cite_sentence(view, doc["doc"], section, reason), *citations]
        lead = f"与上年相比{change.group(1)}{change.group(2)}万元" if change else ""
        percent = f"（{change.group(3)}{change.group(4)}%）" if change and change.group(4) else ""
        text = f"{who}{lead}{percent}，文件说明的原因是：{reason.strip('，,；;。 ')}。" if lead else (
            f"{who}预算说明（{section['heading']}）写明的原因是：{reason.strip('，,；;。 ')}。")
        return Draft(text, citations=citations)
    body = "".join(s.strip() for s in chosen[:3])
    if len(body) > 400:
        body = body[:400] + "…"
    return Draft(f"{who}预算说明（{section['heading']}）中写道：{body}", citations=citations)


_WHY_FIELDS = ("项目设立必要性", "项目概况", "立项依据")
_WHAT_FIELDS = ("项目概况", "总体目标", "年度绩效目标", "年度目标")
_WHY_RE = re.compile(r"为什么|为啥|为何|原因|依据|必要|凭什么|怎么要")
_HOW_RE = re.compile(r"咋算|怎么算|如何算|测算|算出来|怎么来的|标准")
_HOW_FIELDS = ("项目概况", "项目实施计划", "立项依据")
_EXPLAIN_WORDS = re.compile(r"为什么|为啥|为何|原因|怎么回事|咋回事")
_TOTALS = {"收入总计", "支出总计", "本年收入合计"}
_CONTINUES = re.compile(r"^(?:[二三四五六七八九]是|其次|此外|同时|另外|再次|最后)")


def _reason_span(text: str, start: int, reason_at: int, limit: int = 320) -> str:
    """From `start` to the end of the sentence that holds the reason (at `reason_at`), with the sentences that go
    on listing reasons (二是…, 三是…); at most `limit` characters, never into the next figure's own paragraph."""
    end = text.find("。", reason_at)
    end = len(text) if end < 0 else end + 1
    while end < len(text) and end - start < limit and _CONTINUES.match(text[end:]):
        nxt = text.find("。", end)
        end = len(text) if nxt < 0 else nxt + 1
    body = text[start:end]
    marker = re.search(r"（[一二三四五六七八九十]）", body[8:])
    return (body[: 8 + marker.start()] if marker else body)[:limit]


_TOTAL_REASON_RE = re.compile(r"[^。]*(?:增加|减少|增长|下降|变动|变化)的?(?:主要)?原因(?:是|为|：|:)[^。]*。?")


def _total_reason(doc: dict, view: IndexView) -> Draft | None:
    """Layouts without a 收支变动 section (Shanghai's 预算编制说明): the first sentence that gives the reason for
    the change of the totals, with the change it explains."""
    for section in view.sections(doc["doc"]):
        text = re.sub(r"\s*\n\s*", "", section["text"] or "")
        match = _TOTAL_REASON_RE.search(text)
        if not match:
            continue
        before = text[: match.start()]
        change = _CHANGE_RE.search(normalize_text(before))
        lead = f"比上年{change.group(1)}{change.group(2)}万元，" if change else ""
        citations = [cite_sentence(view, doc["doc"], section, match.group(0))]
        if change:
            said = next((x for x in split_sentences(before) if _CHANGE_RE.search(normalize_text(x))), before[:60])
            citations.append(cite_sentence(view, doc["doc"], section, said))
        text_out = f"{doc['department']}{doc['year']}年预算{lead}文件说明：{match.group(0).strip()}"
        return Draft(text_out, citations=citations)
    return None


def _direction(question: str) -> str:
    """'down' when the question says the figure fell (少了, 减少, 下降), 'up' when it rose, '' otherwise."""
    if re.search(r"少|减|降|低", question):
        return "down"
    return "up" if re.search(r"多了|增|涨|高|上升", question) else ""


def _reason_elsewhere(metric: str, doc: dict, view: IndexView, question: str = "") -> Draft | None:
    """The reason the document gives for a figure in another section: the clause that names the figure, says how
    it changed and gives its 原因 (（一）基本支出1482.39万元，较上年减少69.65万元，原因：一是…)."""
    pattern = re.compile(
        re.escape(metric) + r"[^。；\d]{0,14}\d[^。；]{0,30}?(?:。[^。]{0,30}?)?(增加|减少|增长|下降)[^。]{0,30}?(?:。\s*)?"
        r"(?:主要)?(?:原因|由于)"
    )
    wanted = {"down": ("减少", "下降"), "up": ("增加", "增长")}.get(_direction(question), ("增加", "减少", "增长", "下降"))
    cause_first = re.compile(
        r"(?:[一二三四五六七八九]是)?(?:因|由于)[^。；]{2,80}?(?:引起|导致|造成|使得?)" + re.escape(metric) + r"[^。；]{0,6}?(增加|减少|增长|下降)"
        r"[^。；]{0,20}[。；]?"
    )
    for section in view.sections(doc["doc"]):
        text = re.sub(r"\s*\n\s*", "", section["text"] or "")
        caused = next((m for m in cause_first.finditer(text) if m.group(1) in wanted), None)
        if caused:  # 二是因离退休人员变动…，引起对个人和家庭的补助减少4.78万元
            citation = cite_sentence(view, doc["doc"], section, caused.group(0))
            return Draft(f"{doc['department']}{doc['year']}年预算说明中写道：{caused.group(0).strip()}", citations=[citation])
        match = next((m for m in pattern.finditer(text) if m.group(1) in wanted), None)
        if not match:
            continue
        body = _reason_span(text, match.start(), match.end())
        citation = cite_sentence(view, doc["doc"], section, body)
        return Draft(f"{doc['department']}{doc['year']}年预算说明中写道：{body.strip()}", citations=[citation])
    return None


def _project_purpose(q: QueryView, doc: dict, view: IndexView, names: list[str] | None = None) -> Draft | None:
    """What a project is for (项目概况, 总体目标) or why it is needed (项目设立必要性, 立项依据), from its sheet."""
    targets = [{"row": t["project"], **t} for t in view.targets(doc["doc"])]
    matches = match_projects(names or q.terms, targets) or target_projects(names or q.terms, targets)
    if not matches:
        return None
    target = matches[0]
    fields = sheet_fields(view, doc["doc"], target)
    order = _HOW_FIELDS if _HOW_RE.search(q.question) else _WHY_FIELDS if _WHY_RE.search(q.question) else _WHAT_FIELDS
    chosen = [(label, *fields[label]) for label in order if label in fields and len(fields[label][0]) >= 8][:2]
    if not chosen and target.get("overview"):
        chosen = [("项目概况", target["overview"], target["line_start"])]
    if not chosen:
        return None
    part = f"项目支出绩效目标表（{target['project']}）"
    asked = re.sub("|".join(map(re.escape, words_of(target["project"]))) or "^$", "", q.question)
    if _HOW_RE.search(q.question):
        asked += " 测算 标准 元/人 按照"
    said = "；".join(f"{label}：{relevant_sentences(text, asked, 180)}" for label, text, _ in chosen)
    citations = [view.cite_lines(doc["doc"], part, line, line) for _, _, line in chosen]
    draft = Draft(f"据“{target['project']}”的绩效目标表，{said}。", citations=citations)
    rows = match_projects([target["project"]], view.project_rows(doc["doc"]))
    if rows:
        fact = rows[0]
        draft.text += f"{doc['year']}年预算{fmt_amount(fact['value'], fact['unit'])}（见{fact['tbl']}）。"
        draft.citations.append(view.cite_fact(fact))
        draft.facts_used.append(fact)
    return draft


def _duties(doc: dict, view: IndexView) -> Draft | None:
    """What the department does: the opening of its 职责 section, in its own words."""
    section = next((s for s in view.sections(doc["doc"]) if re.search(r"职责|职能", s["heading"]) and s["text"]), None)
    if section is None:
        return None
    body = re.sub(r"\s*\n\s*", "", section["text"]).strip()
    if len(body) > 300:
        body = body[:300].rsplit("；", 1)[0] + "……"
    citation = view.cite_lines(doc["doc"], section_part(section), section["line_start"], section["line_end"], body)
    return Draft(f"{doc['department']}的职责（{section['heading']}）：{body}", citations=[citation])
