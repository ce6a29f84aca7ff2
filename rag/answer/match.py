"""Which project rows and performance sheets a question's words name (by coverage, as written, or by words)."""

from __future__ import annotations

import re

from rag.retrieve.retriever import tokenize
from rag.store.view import IndexView
from rag.text.homophones import same_char
from rag.text.similar import similarity
from rag.understand.query_view import QueryView


def words_of(text: str) -> list[str]:
    """The jieba words (two characters or more) of a text, longest first."""
    return sorted({w for w in tokenize(text) if len(w) >= 2}, key=len, reverse=True)


def term_words(terms: list[str]) -> list[str]:
    """The jieba words (two characters or more) of the question's free terms."""
    return list(dict.fromkeys(w for term in terms for w in words_of(term)))


def coverage(term: str, label: str) -> float:
    """Share of the term's characters found in order in the label (物业费 ⊂ 政务大厅物业管理服务费 → 1.0)."""
    if not term:
        return 0.0
    by_sound = len(term) >= 3
    i = 0
    for ch in label:
        if i < len(term) and (ch == term[i] or (by_sound and same_char(ch, term[i]))):
            i += 1
    return i / len(term)


def match_projects(terms: list[str], rows: list[dict]) -> list[dict]:
    """Project rows that match the terms best (all ties), highest coverage first, shortest label on ties."""
    scored = []
    for row in rows:
        label = row["row"] or ""
        score, length = max(((coverage(t, label), len(t)) for t in terms if len(t) >= 2), default=(0.0, 0))
        if score >= 0.75:
            rest = sum(coverage(t, label) for t in terms if len(t) >= 2)  # the other words: 租接送车 → 租赁车
            scored.append((score, length, round(rest, 3), -len(label), row))
    scored.sort(key=lambda s: (s[0], s[1], s[2], s[3]), reverse=True)
    if not scored:
        return []
    top, longest, rest = scored[0][0], scored[0][1], scored[0][2]
    return [s[-1] for s in scored if s[0] >= top - 1e-9 and s[1] == longest and s[2] == rest]


def named_projects(q: QueryView, doc: dict, view: IndexView) -> list[dict]:
    """Project rows that a free word of the question names whole (coverage 1.0), or whose own name the question
    writes out (委托业务经费, even where its words also read as a figure)."""
    rows = view.project_rows(doc["doc"]) + view.project_rows(doc["doc"], carried=True)
    written = projects_written(q.question, rows)
    if written:
        return written
    terms = [t for t in q.terms if len(t) >= 2 and t not in q.metrics]
    return [r for r in match_projects(terms, rows) if max(coverage(t, r["row"] or "") for t in terms) >= 1.0]


_FUNDING_PREFIX = re.compile(r"^[A-Z]{1,2}(?=[\u4e00-\u9fff])")


def same_project(a: str, b: str) -> bool:
    """A 表12 row and a sheet of one project: alike names with the same funding prefix (Z… is not J…)."""
    pa, pb = _FUNDING_PREFIX.match(a or ""), _FUNDING_PREFIX.match(b or "")
    if (pa and pa.group(0)) != (pb and pb.group(0)):
        return False
    return similarity(a, b) >= 0.8


def projects_written(question: str, rows: list[dict]) -> list[dict]:
    """Rows whose name (without its Z/J/X prefix) the question contains as written, longest first."""
    text = re.sub(r"[“”\"\s]", "", question)
    whole = [r for r in rows if len(label := re.sub(r"[“”\"\s]", "", r["row"] or "")) >= 4 and label in text]
    if whole:
        return sorted(whole, key=lambda r: -len(r["row"]))[:1]
    found = [r for r in rows if len(core := _name_core(r["row"])) >= 4 and core in text]
    return sorted(found, key=lambda r: -len(_name_core(r["row"])))[:1] if found else []


def projects_tail_written(question: str, rows: list[dict], shortest: int = 5) -> list[dict]:
    """The one row whose name's tail of ≥ `shortest` characters the question writes (二厅运转经费 →
    X政务大厅二厅运转经费), the longest tail winning; [] when none or a tie."""
    text = re.sub(r"[“”\"\s]", "", question)
    best: list[tuple[int, dict]] = []
    for row in rows:
        core = _name_core(row["row"])
        size = next((len(core) - k for k in range(0, len(core) - shortest + 1) if core[k:] in text), 0)
        if size:
            best.append((size, row))
    if not best:
        return []
    top = max(size for size, _ in best)
    winners = [row for size, row in best if size == top]
    return winners if len(winners) == 1 else []


def _name_core(label: str | None) -> str:
    return re.sub(r"^(?:[A-Z]{1,2}|\d{4}年)", "", re.sub(r"[“”\"\s]", "", label or ""))


def target_projects(terms: list[str], rows: list[dict]) -> list[dict]:
    """The performance sheets a question names: nearly whole (coverage ≥ 0.9), else by two or more of its words
    (大厅备电系统配电室 → 市政大厅建设备电系统经费)."""
    if not terms:
        return []
    close = [r for r in match_projects(terms, rows) if max(coverage(t, r["row"]) for t in terms) >= 0.9]
    if close:
        return close
    words = term_words(terms)
    counted = [(sum(w in r["row"] for w in words), r) for r in rows]
    best = max((n for n, _ in counted), default=0)
    return [r for n, r in counted if n == best] if best >= 2 else []


def quoted(label: str) -> str:
    """A name in Chinese quotes, once (“一窗受理、集成服务” keeps its own)."""
    label = (label or "").strip()
    return label if label.startswith("“") and label.endswith("”") else f"“{label}”"


def absent_terms(q: QueryView, doc: dict, view: IndexView) -> list[str]:
    """The question's free words when none of them occurs anywhere in the document (食堂 in a budget without one)."""
    terms = [t for t in q.terms if len(t) >= 2]
    if not terms or q.metrics:
        return []
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


_QUOTED = re.compile(r"[“\"]([^”\"]{2,40})[”\"]")
_LIST_SEPARATORS = re.compile(r"[、，,；;：:？?。！!（）()]|加上|再加|和|与|跟|及|以及|还有")
_AMOUNT = re.compile(r"\d[\d,]*(?:\.\d+)?\s*(?:万元|亿元|万|元)?")


def projects_listed(question: str, rows: list[dict]) -> list[dict]:
    """The projects a question lists one by one ('A、B和“C”，哪个最多'): for each listed piece (a quoted name is
    one piece), the one row that its longest stretch of ≥ 4 characters names nearly whole (coverage ≥ 0.95)."""
    pieces = _QUOTED.findall(question)
    rest = _AMOUNT.sub("、", _QUOTED.sub("、", question))  # '运行经费125.45万，加上…': the amount is not the name
    pieces += [p for p in _LIST_SEPARATORS.split(rest) if len(p) >= 2]
    chosen: list[dict] = []
    for piece in pieces:
        context = rest.replace(piece, "")
        row = _piece_row(re.sub(r"\s", "", piece), rows, context)
        if row is not None and row not in chosen:
            chosen.append(row)
    return chosen


_LOOSE_FROM = 6
"""Stretches shorter than this must stand in the name as written; longer ones may skip a character or two."""


def _piece_row(piece: str, rows: list[dict], context: str = "") -> dict | None:
    """The one row the longest stretch (≥ 4 characters) of `piece` names nearly whole; among several, the one
    sharing most characters with the rest of the question (`context`: 12345热线那三个项目（运行费…）); else None."""
    for length in range(len(piece), min(4, len(piece)) - 1, -1):  # a short piece (专线) only whole
        for start in range(0, len(piece) - length + 1):
            stretch = piece[start : start + length]
            found = [r for r in rows if (stretch in (r["row"] or "") if length < _LOOSE_FROM
                                         else coverage(stretch, r["row"] or "") >= 0.95)]  # fmt: skip
            if len(found) > 1 and context:
                shared = [(sum(ch in context for ch in set(r["row"] or "")), r) for r in found]
                top = max(n for n, _ in shared)
                found = [r for n, r in shared if n == top]
            if found:
                return found[0] if len(found) == 1 else None
    return None


_COMPARED = re.compile(r"比|和|跟|与|同")


def projects_compared(question: str, docs: list[dict], view: IndexView) -> list[tuple[dict, dict]] | None:
    """'A单位X项目比B单位Y项目贵多少': for each of two documents, the one project row that one side of the
    comparison names (a different side for each); None unless both resolve."""
    sides = [p for p in _COMPARED.split(re.sub(r"[“”\"\s]", "", question)) if len(p) >= 2]
    if len(sides) < 2 or len(docs) != 2:
        return None
    found: list[tuple[int, dict, dict]] = []
    for doc in docs:
        rows = view.project_rows(doc["doc"])
        hits = [(i, row) for i, side in enumerate(sides) if (row := _piece_row(side, rows)) is not None]
        if len(hits) != 1:
            return None
        found.append((hits[0][0], doc, hits[0][1]))
    if found[0][0] == found[1][0]:
        return None
    return [(doc, row) for _, doc, row in found]
