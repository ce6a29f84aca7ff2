"""Answers that quote the document's own words: definitions, reasons, year-on-year changes, passages."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rag.answer.draft import Draft
from rag.store.view import IndexView
from rag.text.money import fmt_amount
from rag.text.numbers import normalize_text
from rag.text.similar import similarity
from rag.understand.flags import PURPOSE_RE
from rag.understand.query_view import QueryView
from rag.understand.vocabulary import CANONICAL_NAMES, DOCUMENT_TERMS

if TYPE_CHECKING:
    from rag.answer.answerer import Answerer

SECTION_KEYWORDS: dict[str, tuple[str, ...]] = {
    "三公经费": ("三公",), "因公出国（境）费": ("三公",), "公务接待费": ("三公",), "公务用车购置及运行费": ("三公",),
    "公务用车购置费": ("三公",), "公务用车运行维护费": ("三公",), "机关运行经费": ("机关运行经费",),
    "基本支出": ("基本支出",), "人员经费": ("基本支出",), "公用经费": ("基本支出", "机关运行经费"),
    "政府采购": ("政府采购",), "编制": ("机构设置",), "内设机构": ("机构设置",), "公务用车": ("车辆", "国有资产"),
    "办公用房面积": ("房屋", "国有资产"), "项目支出": ("支出预算情况",), "一般公共预算拨款": ("一般公共预算",),
    "收入总计": ("收支数据变动", "收支预算", "变动情况"), "支出总计": ("收支数据变动", "变动情况"),
    "本年收入合计": ("收入预算",), "上年结转": ("收支数据变动", "收入预算"),
}  # fmt: skip
DEFAULT_KEYWORDS = ("收支数据变动", "变动情况")
_REASON_RE = re.compile(r"原因|由于|因为|主要是|主要用于|用于|调整|减少|增加|报废")
_CHANGE_RE = re.compile(
    r"(?:比|较)(?:上年|20\d{2}年|去年)[^，。；]{0,12}?(增加|减少|增长|下降|持平|相同)\s*([\d,]+(?:\.\d+)?)\s*万元"
    r"(?:[，,]\s*(增长|下降|减少|增加)\s*([\d.]+)\s*%)?"
)
_DEFINE_STRIP = re.compile(r"啥叫|什么叫|什么是|何为|是什么意思|什么意思|指什么|是指什么|到底|究竟|是个什么平台|是个什么系统|是个什么|是什么平台|是什么系统|有啥不一样|有什么不一样|有什么区别|有啥区别|区别是什么|的区别|指的是哪些人?|指哪些人?|是哪些人|是什么|是啥|预算里说的|文件里的|里说的|里的|解释一下|请问|[？?。！!“”\"]")


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[。；;])", text.replace("\n", "")) if s.strip()]


def find_section(view: IndexView, doc: str, metrics: list[str]) -> dict | None:
    """The explanation section for a figure (七、“三公”经费增减变动原因说明 for 三公经费)."""
    keywords = next((SECTION_KEYWORDS[m] for m in metrics if m in SECTION_KEYWORDS), DEFAULT_KEYWORDS)
    sections = [s for s in view.sections(doc) if s["text"]]
    for keyword in keywords:
        for section in sections:
            if keyword in section["heading"]:
                return section
    return None


def cite_sentence(view: IndexView, doc: str, section: dict, sentence: str):
    """Cite the line of the section that holds the sentence."""
    probe = sentence.strip()[:20]
    for row in view.store.lines(doc, section["line_start"], section["line_end"]):
        if probe and probe in row["text"]:
            return view.cite_lines(doc, _part(section), row["no"], row["no"], sentence.strip())
    return view.cite_lines(doc, _part(section), section["line_start"], section["line_end"], sentence.strip())


def _part(section: dict) -> str:
    path = section.get("path")
    if isinstance(path, str):
        import json

        path = json.loads(path)
    return " ".join(path) if path else section["heading"]


def section_change(q: QueryView, doc: dict, view: IndexView) -> Draft | None:
    """'比上年减少74.20万元，下降1.06%' from the figure's explanation section."""
    section = find_section(view, doc["doc"], q.metrics)
    if section is None:
        return None
    for sentence in _sentences(section["text"]):
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
    from rag.answer.compose import named_projects

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
    sentences = _sentences(section["text"])
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


SHEET_FIELDS = ("项目概况", "立项依据", "项目设立必要性", "项目实施计划", "总体目标", "年度目标", "年度绩效目标", "项目测算依据",
                "测算依据")
_WHY_FIELDS = ("项目设立必要性", "项目概况", "立项依据")
_WHAT_FIELDS = ("项目概况", "总体目标", "年度绩效目标", "年度目标")
_WHY_RE = re.compile(r"为什么|为啥|为何|原因|依据|必要|凭什么|怎么要")
_HOW_RE = re.compile(r"咋算|怎么算|如何算|测算|算出来|怎么来的|标准")
_HOW_FIELDS = ("项目概况", "项目实施计划", "立项依据")
_EXPLAIN_WORDS = re.compile(r"为什么|为啥|为何|原因|怎么回事|咋回事")


def sheet_fields(view: IndexView, doc: str, target: dict) -> dict[str, tuple[str, int]]:
    """The text fields of a performance sheet (项目概况, 立项依据, 项目设立必要性 …) with their lines."""
    fields: dict[str, tuple[str, int]] = {}
    for row in view.store.lines(doc, target["line_start"], target["line_end"]):
        cells = [c.strip() for c in row["text"].split("\t") if c.strip()]
        if len(cells) < 2:
            continue
        label = re.sub(r"\s+", "", cells[0])
        if label in SHEET_FIELDS and label not in fields and len(cells[1]) >= 4:
            fields[label] = (_TAG_RE.sub("", max(cells[1:], key=len)).strip(), row["no"])
    return fields


_TAG_RE = re.compile(r"</?[a-zA-Z][^>]*>")
_QUESTION_WORDS = {"为什么", "什么", "干嘛", "干什么", "用的", "是干", "项目", "资金", "经费", "费用", "主要", "用来", "做什么"}


def words_of(text: str) -> list[str]:
    from rag.retrieve.retriever import tokenize

    return sorted({w for w in tokenize(text) if len(w) >= 2}, key=len, reverse=True)


def relevant_sentences(text: str, question: str, limit: int) -> str:
    """At most `limit` characters of `text`: all of it when short, else the sentences that share most words with
    the question (in the text's order)."""
    text = text.strip()
    if len(text) <= limit:
        return text.rstrip("。；")
    from rag.retrieve.retriever import tokenize

    words = {w for w in tokenize(question) if len(w) >= 2} - _QUESTION_WORDS
    sentences = [x for x in re.split(r"(?<=[。；;！!])", text) if x.strip()]
    if not words:
        return _shorten(text, limit).rstrip("。；")
    ranked = sorted(range(len(sentences)), key=lambda i: (-sum(w in sentences[i] for w in words), i))
    keep, used = [], 0
    for i in ranked:
        if used + len(sentences[i]) > limit and keep:
            continue
        keep.append(i)
        used += len(sentences[i])
        if used >= limit * 0.6:
            break
    picked = "".join(sentences[i].strip() for i in sorted(keep))
    return (picked[:limit] + "……" if len(picked) > limit else picked).rstrip("。；")


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
            said = next((x for x in _sentences(before) if _CHANGE_RE.search(normalize_text(x))), before[:60])
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
    from rag.answer.compose import match_projects, target_projects

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


def _shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut after a sentence where possible."""
    text = text.strip()
    if len(text) <= limit:
        return text if text.endswith(("。", "；")) else text + "。"
    head = text[:limit]
    cut = max(head.rfind("。"), head.rfind("；"))
    return head[: cut + 1] if cut > limit // 3 else head + "……"


def _duties(doc: dict, view: IndexView) -> Draft | None:
    """What the department does: the opening of its 职责 section, in its own words."""
    section = next((s for s in view.sections(doc["doc"]) if re.search(r"职责|职能", s["heading"]) and s["text"]), None)
    if section is None:
        return None
    body = re.sub(r"\s*\n\s*", "", section["text"]).strip()
    if len(body) > 300:
        body = body[:300].rsplit("；", 1)[0] + "……"
    citation = view.cite_lines(doc["doc"], _part(section), section["line_start"], section["line_end"], body)
    return Draft(f"{doc['department']}的职责（{section['heading']}）：{body}", citations=[citation])


_DIFFERENCE_RE = re.compile(r"不一样|区别|不同")
_PAIR_RE = re.compile(r"([\u4e00-\u9fff“”]{2,12}?)(?:跟|和|与|同|及)([\u4e00-\u9fff“”]{2,12}?)(?:有|的|之间|相比|比|[?？]|$)")


def compose_define(q: QueryView, view: IndexView) -> Draft:
    """The glossary's own definition (名词解释); both, side by side, when the question asks how two terms differ."""
    pair = _PAIR_RE.search(q.question) if _DIFFERENCE_RE.search(q.question) else None
    if pair:
        drafts = [_define_one(term, q, view) for term in pair.groups()]
        if all(not d.refused for d in drafts):
            return Draft("\n".join(d.text for d in drafts), citations=[c for d in drafts for c in d.citations])
    return _define_one(q.define_term or _DEFINE_STRIP.sub("", q.question), q, view)


def _define_one(term: str, q: QueryView, view: IndexView) -> Draft:
    """One term's definition: the glossary, else the document's own words."""
    term = re.sub(r"[“”\"]", "", term).strip()
    entries = view.glossary()
    if q.departments:
        docs = {d["doc"] for dep in q.departments for d in view.docs_of(dep)}
        entries = [e for e in entries if e["doc"] in docs] or entries
    if not entries or not term:
        return Draft("已加载文件的名词解释中没有找到这个词。", refused=True)
    best = max(entries, key=lambda e: (_term_score(term, e["term"]), len(e["definition"] or "")))
    if _term_score(term, best["term"]) < 0.6:
        return (
            _defined_inside(term, entries, view)
            or _defined_in_text(term, q, view)
            or _defined_by_sheet(term, q, view)
            or _mentioned_in_text(term, q, view)
            or Draft(f"已加载文件的名词解释中没有“{term}”的解释。" if not re.search(r"\d", term)
                     else "已加载文件的名词解释和正文中都没有这个词的解释。", refused=True)
        )
    citation = view.cite_lines(best["doc"], "名词解释", best["line_start"], best["line_end"],
                               f"{best['term']}：{best['definition']}")  # fmt: skip
    definition = re.sub(r"^(是)?指", "", best["definition"]).strip()
    return Draft(f"按预算文件“名词解释”：{best['term']}，指{definition}", citations=[citation])


def _defined_inside(term: str, entries: list[dict], view: IndexView) -> Draft | None:
    """A term explained inside another entry (公务用车运行维护费 within 三公经费): quote that clause."""
    for entry in sorted(entries, key=lambda e: len(e["definition"] or ""), reverse=True):
        for clause in re.split(r"(?<=[；;。])", entry["definition"] or ""):
            if len(term) >= 3 and term in clause and re.search(rf"{re.escape(term)}[^，,；;。]{{0,4}}(?:反映|指|是指|包括|是)", clause):
                clause = re.sub(r"^其中[:：]", "", clause.strip())
                citation_text = f"{entry['term']}：{entry['definition']}"
                citation = view.cite_lines(entry["doc"], "名词解释", entry["line_start"], entry["line_end"], citation_text)
                return Draft(f"按预算文件“名词解释”（{entry['term']}条）：{clause}", citations=[citation])
    return None


def _term_score(term: str, entry: str) -> float:
    entry = re.sub(r"[“”\"*]", "", entry)
    if entry in term:
        return 1.0 if len(entry) >= 3 or entry == term else 0.8
    if term in _KNOWN_NAMES and entry in _KNOWN_NAMES and term not in entry:
        return 0.0  # 公用经费 is not 三公经费, however alike they look
    return similarity(term, entry)


_KNOWN_NAMES = set(CANONICAL_NAMES) | set(DOCUMENT_TERMS) | {"一般公共预算", "财政拨款收入", "上年结转", "年终结转"}
_DEFINING_RE = r"(?:[”\"」]?)(?:[:：，,]?)(?:是指|指的是|主要是指|就是|即|指|是|主要包括|包括|主要用于|用于|反映)"


def _defined_in_text(term: str, q: QueryView, view: IndexView) -> Draft | None:
    """A term the glossary lacks but the document's own text explains ('一窗受理、集成服务'，即…; 公用经费…主要包括：…)."""
    if len(term) < 2:
        return None
    docs = [d for dep in q.departments for d in view.docs_of(dep)] or view.documents
    pattern = re.compile(re.escape(term) + r"[^。；;\n]{0,12}?" + _DEFINING_RE)
    for doc in docs:
        for row in view.doc_lines(doc["doc"]):
            cells = [c for c in _TAG_RE.sub("", row["text"]).split("\t") if pattern.search(c)]
            if not cells:
                continue
            text = cells[0]
            match = pattern.search(text)
            start = max(text.rfind("。", 0, match.start()), text.rfind("；", 0, match.start())) + 1
            end = text.find("。", match.end())
            sentence = text[start : end + 1 if end >= 0 else len(text)].strip()
            sentence = sentence if len(sentence) <= 220 else sentence[:220] + "……"
            citation = view.cite_lines(doc["doc"], _line_part(view, doc["doc"], row["no"]), row["no"], row["no"])
            return Draft(f"名词解释里没有“{term}”，{doc['department']}的文件正文是这样说的：{sentence}", citations=[citation])
    return None


def _defined_by_sheet(term: str, q: QueryView, view: IndexView) -> Draft | None:
    """A term that names a project (“一窗受理、集成服务”): what its performance sheet says it is."""
    from rag.answer.compose import coverage, match_projects

    docs = [d for dep in q.departments for d in view.docs_of(dep)] or view.documents
    bare = re.sub(r"[“”\"]", "", term)
    for doc in docs:
        rows = [{"row": re.sub(r"[“”\"]", "", t["project"]), **{k: v for k, v in t.items() if k != "row"}}
                for t in view.targets(doc["doc"])]  # fmt: skip
        for target in match_projects([bare], rows):
            if coverage(bare, target["row"]) < 0.9:
                continue
            fields = sheet_fields(view, doc["doc"], target)
            label = next((f for f in ("项目概况", "总体目标", "项目设立必要性") if f in fields), None)
            if label is None:
                continue
            text, line = fields[label]
            part = f"项目支出绩效目标表（{target['project']}）"
            name = target["project"] if target["project"].startswith("“") else f"“{target['project']}”"
            return Draft(f"名词解释里没有“{bare}”。{doc['department']}的{name}项目，{label}："
                         f"{_shorten(text, 220)}", citations=[view.cite_lines(doc["doc"], part, line, line)])  # fmt: skip
    return None


def _mentioned_in_text(term: str, q: QueryView, view: IndexView) -> Draft | None:
    """No definition anywhere, but the document speaks of the term: quote where it does (not a definition)."""
    bare = re.sub(r"[“”\"]", "", term)
    if len(bare) < 3:
        return None
    docs = [d for dep in q.departments for d in view.docs_of(dep)] or view.documents
    best: tuple[int, dict, int, str] | None = None
    for doc in docs:
        for row in view.doc_lines(doc["doc"]):
            for cell in (c for c in _TAG_RE.sub("", row["text"]).split("\t") if bare in c):
                at = cell.find(bare)
                end = cell.find("。", at)
                said = len(cell[at + len(bare) : end if end >= 0 else len(cell)])  # what the sentence says of it
                if best is None or said > best[0]:
                    start = max(cell.rfind("。", 0, at), cell.rfind("；", 0, at)) + 1
                    best = (said, doc, row["no"], cell[start:])
    if best is None:
        return None
    _, doc, line, text = best
    citation = view.cite_lines(doc["doc"], _line_part(view, doc["doc"], line), line, line)
    return Draft(f"名词解释里没有“{bare}”。{doc['department']}的文件里说到它的地方是：{_shorten(text, 200)}", citations=[citation])


def _line_part(view: IndexView, doc: str, line: int) -> str:
    """The section or sheet a line stands in, for its citation."""
    for target in view.targets(doc):
        if target["line_start"] <= line <= target["line_end"]:
            return f"项目支出绩效目标表（{target['project']}）"
    inside = [s for s in view.sections(doc) if s["line_start"] <= line <= s["line_end"]]
    return _part(inside[-1]) if inside else "正文"


def compose_from_passages(q: QueryView, docs: list[dict], answerer: Answerer) -> Draft:
    """No figure or section matched: show the most relevant passage, or say the documents do not say."""
    doc = docs[0] if len(docs) == 1 else None
    absent = absent_terms(q, doc, answerer.view) if doc is not None else []
    if absent:
        return Draft(f"{doc['department']}{doc['year']}年{doc['scope']}{doc['kind']}中没有提到“{'、'.join(absent)}”，"
                     "文件里没有这方面的数字或说明。", refused=True)  # fmt: skip
    try:
        results = answerer.retriever.retrieve(
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
        answered = _sheet_project_answer(q, doc, sheet.group(1), answerer.view)
        if answered is not None:
            answered.retrieved = draft.retrieved  # type: ignore[attr-defined]
            return answered
    snippet = _readable(best.text)
    draft.citations.append(answerer.view.cite_lines(best.doc, best.part, best.line_start, best.line_end, snippet))
    draft.text = f"没有找到直接对应的数字。文件中最相关的内容在{best.part}（第{best.line_start}–{best.line_end}行）：\n{snippet}"
    return draft


def absent_terms(q: QueryView, doc: dict, view: IndexView) -> list[str]:
    """The question's free words when none of them occurs anywhere in the document (食堂 in a budget without one)."""
    terms = [t for t in q.terms if len(t) >= 2]
    if not terms or q.metrics:
        return []
    from rag.answer.compose import match_projects, target_projects

    rows = view.project_rows(doc["doc"]) + [{"row": t["project"]} for t in view.targets(doc["doc"])]
    if match_projects(terms + q.metric_words, rows) or target_projects(terms, rows):
        return []  # a project of that name, perhaps mistyped (平审勘验费) or named by its words
    text = "".join(row["text"] for row in view.doc_lines(doc["doc"]))
    text = re.sub(r"\s+", "", text)
    for term in terms:
        words = [w for w in words_of(term) if len(w) >= 2]
        if term in text or (words and all(w in text for w in words)):
            return []
    return sorted(terms, key=len, reverse=True)[:1]


_SHEET_PART_RE = re.compile(r"^项目支出绩效目标(?:申报)?表（(.+)）$")


def _readable(text: str, limit: int = 240) -> str:
    """A chunk's text for a reader: without its header lines, cells separated by spaces, cut to `limit`."""
    lines = [line for line in text.strip().splitlines()[2:] or text.strip().splitlines() if line.strip()]
    body = "\n".join(re.sub(r"\t+", "  ", line.strip()) for line in lines)
    return body if len(body) <= limit else body[:limit] + "…"


def _sheet_project_answer(q: QueryView, doc: dict, project: str, view: IndexView) -> Draft | None:
    """The passage found is a project's performance sheet (接送车 → 12345热线租赁车服务费): answer with that
    project's amount, saying which project it is."""
    from rag.answer.compose import match_projects

    rows = match_projects([project], view.project_rows(doc["doc"]))
    if not rows:
        return None
    fact = rows[0]
    draft = Draft(f"最相关的项目是“{fact['row']}”：{doc['department']}{doc['year']}年预算"
                  f"{fmt_amount(fact['value'], fact['unit'])}（见{fact['tbl']}）。", citations=[view.cite_fact(fact)])  # fmt: skip
    draft.facts_used.append(fact)
    draft.figure = fmt_amount(fact["value"], fact["unit"])
    return draft
