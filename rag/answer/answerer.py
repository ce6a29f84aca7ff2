"""Question → verified, cited Answer. The Python API the CLI and the app call.

    answerer = Answerer(settings)
    answer = answerer.ask("综改区政务服务中心2024年总预算是多少钱？", history=[])

Flow: understand → pick documents → compose a draft from facts / sections / glossary (or retrieved chunks) →
optional LLM phrasing → verify every number (drop what does not verify) → Answer with citations and a trace.
"""

from __future__ import annotations

import time
from functools import cached_property
from typing import Any

from rag.answer.compose import compose
from rag.answer.context import Context
from rag.answer.draft import Draft
from rag.answer.llm import LLMWriter
from rag.answer.verify import (
    Evidence,
    evidence_from_citations,
    evidence_from_derivations,
    evidence_from_facts,
    verify_answer_text,
)
from rag.retrieve.retriever import Retriever
from rag.settings import Settings
from rag.store.facts import FactStore
from rag.store.view import IndexView
from rag.types import Answer, NumberCheck, RetrievedChunk
from rag.understand.question import understand


class Answerer:
    """Holds the open index; `ask` is cheap after the first call."""

    def __init__(self, settings: Settings, store: FactStore | None = None) -> None:
        self.settings = settings
        self.store = store or FactStore(settings.facts_path)
        self.view = IndexView(self.store)
        self.context = Context(self.view, self._retrieve)

    @cached_property
    def retriever(self) -> Retriever:
        """Hybrid retriever (lazy: only questions that need passages pay for it)."""
        return Retriever(self.settings)

    @cached_property
    def writer(self) -> LLMWriter | None:
        """Optional LLM writer when an endpoint is configured."""
        if not self.settings.llm_api_base:
            return None
        return LLMWriter(self.settings)

    def _retrieve(self, question: str, **filters: Any) -> list[RetrievedChunk]:
        """The composers' passage search; builds the retriever on first use."""
        return self.retriever.retrieve(question, **filters)

    def catalog(self) -> list[dict]:
        """The loaded documents (doc, department, year, kind, scope …)."""
        return self.view.documents

    def ask(self, question: str, history: list[str] | None = None) -> Answer:
        """Answer one question (with earlier questions of the conversation as `history`)."""
        started = time.perf_counter()
        timings: dict[str, float] = {}
        query = understand(question, self.catalog(), history or [], self.view.project_names)
        timings["understand_ms"] = _ms(started)
        t0 = time.perf_counter()
        draft = compose(query, question, self.context)
        timings["compose_ms"] = _ms(t0)
        t0 = time.perf_counter()
        text, checks, writer_used = self._finalize(question, draft)
        timings["verify_ms"] = _ms(t0)
        answer = Answer(
            question=question,
            text=text,
            refused=draft.refused,
            citations=_unique_citations(draft.citations),
            numbers=checks,
            figure=draft.figure if any(c.verified for c in checks) or not checks else "",
            intent=getattr(query, "intent", ""),
            trace={
                "query": _query_trace(query),
                "facts_used": [_fact_trace(f) for f in draft.facts_used],
                "retrieved": getattr(draft, "retrieved", []),
                "writer": writer_used,
                "failed_derivations": draft.failed_derivations,
                "timings_ms": timings,
            },
        )
        answer.latency_ms = _ms(started)
        answer.trace["timings_ms"]["total_ms"] = answer.latency_ms
        return answer

    def _evidence(self, draft: Draft) -> list[Evidence]:
        cited = [c.doc for c in draft.citations] + [f["doc"] for f in draft.facts_used]
        docs = list(dict.fromkeys(cited))  # first cited first: a figure found in several is bound to that one
        facts = [f for doc in docs for f in self.view.facts(doc)]
        derived, failed = evidence_from_derivations(draft.derived, self.store.fact, self.store.line)
        draft.failed_derivations = failed
        used = [f["id"] for f in draft.facts_used if f.get("id") is not None]
        return evidence_from_facts(facts, used) + evidence_from_citations(draft.citations) + derived

    def _finalize(self, question: str, draft: Draft) -> tuple[str, list[NumberCheck], str]:
        """Verify the built-in text (and the LLM's, when configured); never state an unverified number."""
        evidence = self._evidence(draft)
        if self.writer is not None and not draft.refused and draft.citations:
            phrased = self.writer.phrase(question, draft)
            if phrased:
                safe, checks = verify_answer_text(phrased, evidence)
                if safe == phrased and all(c.verified for c in checks):
                    return safe, checks, "llm"
        safe, checks = verify_answer_text(draft.text, evidence)
        return safe, checks, "builtin"


def _unique_citations(citations: list) -> list:
    """Each cited place once, in first-cited order."""
    seen, unique = set(), []
    for c in citations:
        key = (c.doc, c.part, c.line_start, c.line_end)
        if key not in seen:
            seen.add(key)
            unique.append(c)
    return unique


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 2)


def _query_trace(query: object) -> dict:
    if hasattr(query, "__dataclass_fields__"):
        return {k: str(v) if not isinstance(v, (int, float, str, bool, list, type(None))) else v
                for k, v in vars(query).items()}  # fmt: skip
    return {"query": str(query)}


def _fact_trace(fact: dict) -> dict:
    return {k: (str(v) if k == "value" else v) for k, v in fact.items() if k in
            {"doc", "tbl", "row", "col", "value", "unit", "line", "name", "origin"}}  # fmt: skip


def answer_to_json(answer: Answer, qid: str | None = None) -> dict:
    """The `ask --json` record of the CLI contract."""
    return {
        "id": qid,
        "question": answer.question,
        "answer": answer.text,
        "refused": answer.refused,
        "citations": [
            {"doc": c.doc, "department": c.department, "year": c.year, "part": c.part, "line_start": c.line_start,
             "line_end": c.line_end, "quote": c.quote, **({"page": c.page} if c.page else {})}
            for c in answer.citations
        ],
        "numbers": [
            {"text": n.text, "value": float(n.value), "unit": n.unit, "verified": n.verified,
             "source": {"doc": n.source_doc, "line": n.source_line} if n.verified else None, "how": n.how,
             **({"derivation": n.derivation} if n.derivation else {})}
            for n in answer.numbers
        ],
        "figure": answer.figure,
        "intent": answer.intent,
        "latency_ms": answer.latency_ms,
    }
