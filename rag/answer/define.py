"""Definitions: the glossary's own (名词解释), else what the document's text or a project's sheet says the term is."""

from __future__ import annotations

import re

from rag.answer.draft import Draft
from rag.answer.match import coverage, match_projects
from rag.answer.quotes import TAG_RE, section_part, sheet_fields, shorten
from rag.store.view import IndexView
from rag.text.similar import similarity
from rag.understand.query_view import QueryView
from rag.understand.vocabulary import CANONICAL_NAMES, DOCUMENT_TERMS

_DEFINE_STRIP = re.compile(r"啥叫|什么叫|什么是|何为|是什么意思|什么意思|指什么|是指什么|到底|究竟|是个什么平台|是个什么系统|是个什么|是什么平台|是什么系统|有啥不一样|有什么不一样|有什么区别|有啥区别|区别是什么|的区别|指的是哪些人?|指哪些人?|是哪些人|是什么|是啥|预算里说的|文件里的|里说的|里的|解释一下|请问|[？?。！!“”\"]")
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
            cells = [c for c in TAG_RE.sub("", row["text"]).split("\t") if pattern.search(c)]
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
                         f"{shorten(text, 220)}", citations=[view.cite_lines(doc["doc"], part, line, line)])  # fmt: skip
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
            for cell in (c for c in TAG_RE.sub("", row["text"]).split("\t") if bare in c):
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
    return Draft(f"名词解释里没有“{bare}”。{doc['department']}的文件里说到它的地方是：{shorten(text, 200)}", citations=[citation])


def _line_part(view: IndexView, doc: str, line: int) -> str:
    """The section or sheet a line stands in, for its citation."""
    for target in view.targets(doc):
        if target["line_start"] <= line <= target["line_end"]:
            return f"项目支出绩效目标表（{target['project']}）"
    inside = [s for s in view.sections(doc) if s["line_start"] <= line <= s["line_end"]]
    return section_part(inside[-1]) if inside else "正文"
