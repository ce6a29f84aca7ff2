"""Hybrid retrieval: jieba BM25 + vectors, fused by reciprocal rank, filtered by department, year and document.

`Retriever(settings).retrieve(question, k=5, department=None, year=None, doc=None)` is what the answer stage calls.
Both halves are llama-index retrievers over the chunks of SQLite (the source of truth): BM25 runs on bm25s over
jieba tokens (search mode, the budget vocabulary as user words), the vector half on chroma; llama-index's
QueryFusionRetriever fuses them by reciprocal rank (no LLM). Plain words are expanded first (招待 → 公务接待费).

Without explicit filters, a question that names departments (by abbreviation or with a typo: 吕梁审批局, 大同政务中兴)
or an indexed year is routed to those documents (see `route_departments`). The BM25 index is cached and rebuilt
only when SQLite's chunk ids change.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rag.errors import IndexMismatchError
from rag.settings import Settings
from rag.store.embed import Embedder, embedder_name, load_embedder
from rag.store.facts import FactStore
from rag.store.nodes import chunk_to_node
from rag.store.vectors import VectorIndex, check_embedder, chunk_from_row, ids_signature
from rag.text import tokens
from rag.types import Chunk, RetrievedChunk
from rag.understand.flags import normalize_question
from rag.understand.terms import find_metrics
from rag.understand.vocabulary import BUDGET_TERMS, TITLE_HINTS, expand_query

if TYPE_CHECKING:
    import bm25s
    import numpy as np

CANDIDATES = 30
"""Each half proposes this many chunks (at least 4 × k) to the fusion."""
Filters = dict[str, Any]
"""Chunk field → value, or a list of accepted values ('department', 'year', 'doc')."""

_YEAR_RE = re.compile(r"(?<!\d)(20\d{2}|\d{2})\s*年")
_record: ContextVar[dict[str, list[tuple[str, float]]] | None] = ContextVar("_record", default=None)


def tokenize(text: str) -> list[str]:
    """jieba search-mode tokens with the budget vocabulary as user words (see rag.text.tokens)."""
    return tokens.tokenize(text, BUDGET_TERMS)


def expand(question: str) -> str:
    """The question plus the document terms its plain words stand for (招待 → 公务接待费)."""
    terms = expand_query(question)
    return f"{question} {' '.join(terms)}" if terms else question


def route_departments(question: str, departments: Sequence[str]) -> list[str]:
    """The departments a question names, however abbreviated: [] when it names none clearly.

    A department is named by runs of two or more question characters found in its name in order with small gaps
    (综改区 in 山西转型综合改革示范区…, 吕梁审批局 in 吕梁市行政审批服务管理局, 大同政务 of 大同政务中兴). Characters
    weigh by rarity among the indexed names (idf), so 政务服务中心, shared by several, weighs little. A name counts
    when its runs weigh at least two unique characters (2·ln N) or spell half of it (≥ 50 % of its characters);
    a name matched by a subset of another's characters, with less weight or fewer characters, is dropped
    (省政务服务中心 → 山西省政务服务中心, not 大同市政务服务中心; 政务服务中心 alone keeps every such name).
    """
    matches = department_runs(question, departments)
    if not matches:
        return []
    floor = 2 * math.log(len(matches))
    named = {name: (score, spans) for name, (score, spans) in matches.items()
             if score >= floor or (score > 0 and len(spans) >= 0.5 * len(name))}  # fmt: skip
    return [name for name, (score, spans) in named.items()
            if not any(other != name and spans <= other_spans and (other_score > score or spans < other_spans)
                       for other, (other_score, other_spans) in named.items())]  # fmt: skip


def department_runs(question: str, departments: Sequence[str]) -> dict[str, tuple[float, frozenset[int]]]:
    """For each department name: (idf weight, question positions) of the runs that match it."""
    names = sorted(set(departments))
    if len(names) < 2:
        return {}
    idf = _name_idf(names)
    return {name: _runs(question, name, idf) for name in names}


def without_department(question: str, departments: Sequence[str], named: Sequence[str]) -> str:
    """The question with its mentions of `named` departments removed (they are filters, not content)."""
    runs = department_runs(question, departments)
    drop = set().union(*(runs[name][1] for name in named if name in runs)) if named else set()
    rest = "".join(ch for i, ch in enumerate(question) if i not in drop).strip(" ，,的")
    return rest if len(rest) >= 2 else question


def _name_idf(names: Sequence[str]) -> dict[str, float]:
    names = sorted(set(names))
    df = Counter(ch for name in names for ch in set(name))
    return {ch: math.log(len(names) / count) for ch, count in df.items()}


def _runs(question: str, name: str, idf: dict[str, float], max_gap: int = 4) -> tuple[float, frozenset[int]]:
    """(idf sum, question positions) of maximal runs (≥ 2 characters) found in `name` in order, gaps ≤ max_gap."""
    total, positions, i = 0.0, set(), 0
    while i < len(question):
        best_len, best_score = 0, 0.0
        for start in (p for p, ch in enumerate(name) if ch == question[i]):
            j, pos, score = i, start, idf.get(question[i], 0.0)
            while j + 1 < len(question):
                nxt = name.find(question[j + 1], pos + 1, pos + 2 + max_gap)
                if nxt < 0:
                    break
                j, pos, score = j + 1, nxt, score + idf.get(question[j + 1], 0.0)
            if j - i + 1 > best_len:
                best_len, best_score = j - i + 1, score
        if best_len >= 2:
            total += best_score
            positions.update(range(i, i + best_len))
            i += best_len
        else:
            i += 1
    return total, frozenset(positions)


_INTENT_TYPES: list[tuple[re.Pattern[str], tuple[str, ...]]] = [
    # definitions stand in 名词解释
    (
        re.compile(
            r"啥叫|什么叫|什么是|是什么意思|什么意思|啥意思|指什么|是指什么|含义|定义|名词解释|解释一下"
        ),
        ("glossary",),
    ),
    # reasons, changes against last year and shares (占…%) are written in the 情况说明 text, not in the tables
    (
        re.compile(
            r"为什么|为啥|原因|咋|怎么(会|少|多|减|增|没)|比上年|比去年|比\d{2,4}年|增减|减少|增加|少了|多了|下降"
            r"|降幅|增幅|变动|变化|占比|比例|百分之|%"
        ),
        ("section",),
    ),
    # figures stand in the tables and the project sheets
    (
        re.compile(r"多少|几个|几辆|几名|金额|数额|哪些项目|哪几个项目|最多|最少|前三|排名"),
        ("table", "target"),
    ),
]
"""Question cues → the chunk types that answer them: definitions, reasons, figures."""


def preferred_types(question: str) -> tuple[str, ...]:
    """Chunk types the question asks for (first cue that matches), () when it shows none."""
    return next((types for pattern, types in _INTENT_TYPES if pattern.search(question)), ())


def mentioned_years(question: str) -> set[int]:
    """Years written in the question: '2024年' → 2024, '24年' → 2024."""
    return {int(y) if len(y) == 4 else 2000 + int(y) for y in _YEAR_RE.findall(question)}


@dataclass
class Corpus:
    """SQLite's chunks in memory with their BM25 index; rebuilt when the chunk ids change."""

    chunks: list[Chunk]
    signature: str
    bm25: bm25s.BM25 | None = None
    position: dict[str, int] = field(default_factory=dict)
    documents: dict[str, tuple[str, int]] = field(default_factory=dict)
    """doc → (department, year)."""

    @classmethod
    def build(cls, chunks: list[Chunk], signature: str) -> Corpus:
        import bm25s  # heavy: loaded on first use

        corpus = cls(chunks=chunks, signature=signature, position={c.id: i for i, c in enumerate(chunks)},
                     documents={c.doc: (c.department, c.year) for c in chunks})  # fmt: skip
        if chunks:
            corpus.bm25 = bm25s.BM25()
            corpus.bm25.index([tokenize(c.text) or [""] for c in chunks], show_progress=False)
        return corpus

    def mask(self, filters: Filters) -> np.ndarray | None:
        """1.0 for chunks matching every filter, else 0.0 (None when there are no filters)."""
        import numpy as np  # heavy: loaded on first use

        if not filters:
            return None
        return np.array([float(all(_title_has(value, c) if key == "title_words" else _accepts(value, getattr(c, key))
                                   for key, value in filters.items()))
                         for c in self.chunks])  # fmt: skip

    def bm25_search(self, query: str, n: int, filters: Filters) -> list[tuple[str, float]]:
        """(id, score) of the best BM25 matches; [] when no query token is known to the index."""
        import numpy as np  # heavy: loaded on first use

        if self.bm25 is None:
            return []
        token_ids = self.bm25.get_tokens_ids(tokenize(query))
        if not token_ids:
            return []
        scores = self.bm25.get_scores_from_ids(token_ids, weight_mask=self.mask(filters))
        best = np.argsort(-scores, kind="stable")[:n]
        return [(self.chunks[i].id, float(scores[i])) for i in best if scores[i] > 0]


def _title_has(words: Sequence[str], chunk: Chunk) -> bool:
    title = f"{chunk.part or ''} {chunk.title or ''}"
    return any(word in title for word in words)


def title_words(question: str) -> list[str]:
    """Title words of the tables and sections that publish the figures a question names (政府采购 → 政府采购情况)."""
    metrics, _ = find_metrics(normalize_question(question), [])
    words = [w for m in metrics for w in (m, *TITLE_HINTS.get(m, ()))]
    if not metrics and "项目" in question:
        words.append("项目支出")
    return list(dict.fromkeys(words))


def _accepts(wanted: Any, value: Any) -> bool:
    return value in wanted if isinstance(wanted, list | tuple | set) else value == wanted


def _make_lists(
    retriever: Retriever, corpus: Corpus, filters: Filters, n: int, prefer: Sequence[str], question: str = ""
) -> list:
    """The ranked lists to fuse, as llama-index BaseRetrievers: BM25 and vectors, and when the question asks for
    a kind of passage (a definition, a reason, a figure) BM25 again restricted to those chunk types — a third
    vote, so a wrong guess of the kind cannot outvote both halves. Each records its ranking for `sources`."""
    from llama_index.core.retrievers import BaseRetriever  # heavy: loaded on first use
    from llama_index.core.schema import NodeWithScore  # heavy: loaded on first use

    class _Ranked(BaseRetriever):
        def __init__(self, label: str, search, only: Filters) -> None:
            super().__init__()
            self.label, self.search, self.only = label, search, only

        def _retrieve(self, query_bundle) -> list[NodeWithScore]:
            text = (
                query_bundle.embedding_strs[0] if self.label.startswith("vector") else query_bundle.query_str
            )
            hits = [(i, s) for i, s in self.search(text, n, self.only) if i in corpus.position]
            record = _record.get()
            if record is not None:
                record[self.label] = hits
            return [
                NodeWithScore(node=chunk_to_node(corpus.chunks[corpus.position[i]]), score=s) for i, s in hits
            ]

    lists = []
    typed = {**filters, "chunk_type": list(prefer)}
    titled = title_words(question) if retriever.intents else []
    if retriever.use_bm25:
        lists.append(_Ranked("bm25", corpus.bm25_search, filters))
        if prefer:
            lists.append(_Ranked("bm25_type", corpus.bm25_search, typed))
        if titled:
            lists.append(_Ranked("bm25_title", corpus.bm25_search, {**filters, "title_words": titled}))
    if retriever.use_vectors:
        lists.append(_Ranked("vector", retriever.vector_search, filters))
    return lists


class Retriever:
    """Hybrid retrieval over an index home; one instance serves many questions (BM25 cached, model kept)."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None, store: FactStore | None = None,
                 use_vectors: bool = True, use_bm25: bool = True, routing: bool = True,
                 intents: bool = True) -> None:  # fmt: skip
        """`use_vectors` / `use_bm25` keep one half (for ablations); `routing` filters by the departments and years
        a question names; `intents` adds the BM25 list restricted to the kind of passage the question asks for."""
        self.settings = settings
        self.store = store or FactStore(settings.facts_path)
        self.name = embedder.name if embedder else embedder_name(settings.embedder)
        check_embedder(self.store, self.name)
        self._embedder = embedder
        self._index: VectorIndex | None = None
        self._corpus: Corpus | None = None
        self._version: tuple[int, int] | None = None
        self._lock = threading.Lock()
        self.use_vectors, self.use_bm25, self.routing, self.intents = use_vectors, use_bm25, routing, intents
        self._query_vectors: dict[str, list[float]] = {}

    # --- the API of the answer stage ---------------------------------------------------------------------------
    def retrieve(self, question: str, k: int = 5, department: str | None = None, year: int | None = None,
                 doc: str | None = None) -> list[RetrievedChunk]:  # fmt: skip
        """The k best chunks for a question, best first; only from matching documents when filters are given."""
        from llama_index.core.llms import MockLLM  # heavy: loaded on first use
        from llama_index.core.retrievers import QueryFusionRetriever  # heavy: loaded on first use
        from llama_index.core.retrievers.fusion_retriever import FUSION_MODES  # heavy: loaded on first use
        from llama_index.core.schema import QueryBundle  # heavy: loaded on first use

        corpus = self.corpus
        if not corpus.chunks or not question.strip() or k <= 0:
            return []
        filters = self.filters_for(question, corpus, department, year, doc)
        lists = _make_lists(
            self, corpus, filters, max(CANDIDATES, 4 * k), preferred_types(question) if self.intents else (), question
        )
        fusion = QueryFusionRetriever(lists, llm=MockLLM(), mode=FUSION_MODES.RECIPROCAL_RANK,
                                      similarity_top_k=k, num_queries=1, use_async=False)  # fmt: skip
        named = filters.get("department")
        named = [named] if isinstance(named, str) else list(named or [])
        content = without_department(question, [d for d, _ in corpus.documents.values()], named)
        query = QueryBundle(query_str=expand(content), custom_embedding_strs=[expand(content)])
        record: dict[str, list[tuple[str, float]]] = {}
        token = _record.set(record)
        try:
            fused = fusion.retrieve(query)
        finally:
            _record.reset(token)
        ranks = {
            label: {i: (r, s) for r, (i, s) in enumerate(hits, start=1)} for label, hits in record.items()
        }
        results = []
        for hit in fused:
            chunk = corpus.chunks[corpus.position[hit.node.node_id]]
            sources: dict[str, float] = {}
            for label, ranking in ranks.items():
                if chunk.id in ranking:
                    sources[f"{label}_rank"], sources[label] = ranking[chunk.id]
            results.append(RetrievedChunk(chunk=chunk, score=float(hit.score or 0.0), sources=sources))
        return results

    def filters_for(self, question: str, corpus: Corpus, department: str | None, year: int | None,
                    doc: str | None) -> Filters:  # fmt: skip
        """Explicit filters, else the departments and years the question names (when the index has them)."""
        filters: Filters = {key: value for key, value in (("department", department), ("year", year), ("doc", doc))
                            if value is not None}  # fmt: skip
        if not self.routing or doc is not None:
            return filters
        documents = corpus.documents.values()
        if department is None:
            named = route_departments(question, [d for d, _ in documents])
            if named:
                filters["department"] = named
        if year is None:
            wanted = filters.get("department")
            available = {y for d, y in documents if wanted is None or _accepts(wanted, d)}
            years = sorted(mentioned_years(question) & available)
            if years:
                filters["year"] = years
        return filters

    # --- the halves -------------------------------------------------------------------------------------------
    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = load_embedder(self.settings.embedder)
        return self._embedder

    def vector_search(self, query: str, n: int, filters: Filters) -> list[tuple[str, float]]:
        if self._index is None:
            index = VectorIndex(self.settings, self.name)
            if index.built_with and index.built_with != self.name:
                raise IndexMismatchError(
                    f"the chroma collection {self.settings.collection!r} holds vectors of {index.built_with!r}, "
                    f"not {self.name!r}: run `budgetqa ingest` with this embedder to rebuild it"
                )
            self._index = index
        vector = self._query_vectors.get(query)
        if vector is None:
            vector = self._query_vectors[query] = self.embedder.embed_query(query)
            while len(self._query_vectors) > 64:
                self._query_vectors.pop(next(iter(self._query_vectors)))
        return self._index.query(vector, n, filters)

    @property
    def corpus(self) -> Corpus:
        """The chunks and BM25 index, rebuilt only when SQLite's chunk ids changed."""
        with self._lock:
            conn = self.store.conn
            version = (conn.execute("PRAGMA data_version").fetchone()[0], conn.total_changes)
            if self._corpus is not None and version == self._version:
                return self._corpus
            signature = ids_signature(self.store.chunk_ids())
            if self._corpus is None or self._corpus.signature != signature:
                rows = conn.execute("SELECT * FROM chunks ORDER BY doc, line_start, id").fetchall()
                self._corpus = Corpus.build([chunk_from_row(row) for row in rows], signature)
            self._version = version
            return self._corpus


def retrieved_to_json(hit: RetrievedChunk) -> dict:
    """The `retrieve --json` record of the CLI contract."""
    c = hit.chunk
    record = {"doc": c.doc, "department": c.department, "year": c.year, "part": c.part, "title": c.title,
              "line_start": c.line_start, "line_end": c.line_end, "score": round(hit.score, 6), "text": c.text}  # fmt: skip
    if c.page is not None:
        record["page"] = c.page
    return record
