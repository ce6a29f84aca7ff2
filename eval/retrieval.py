"""Retrieval evaluation and benchmarks: `python -m eval.retrieval [--questions FILE] [--data DIR] [--home DIR]`.

On the answerable questions of dev.jsonl it scores recall@1 and recall@5 (a retrieved chunk of the right document
covers a source line; a question with several sources counts when any is covered; all@5 when every one is) and
MRR@10 for our hybrid retrieval, each of its halves alone, and two baselines on the same questions:

- llama-index newcomer: SentenceSplitter() (1024 tokens, 200 overlap) over each file's raw text, VectorStoreIndex
  with the same embedder, vector-only top-k;
- jieba-BM25: jieba words (budget vocabulary as user words) + bm25s over the same SentenceSplitter chunks.

It also times a fresh `budgetqa ingest` of the corpus in a child process (wall time, peak RSS), a no-change
re-ingest (child process, and in process), and retrieval latency p50/p95 in process. Prints one table.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT.parent / "shared" / "eval" / "dev.jsonl"
Span = tuple[str, int, int]
"""(doc, line_start, line_end) of one retrieved passage."""
Search = Callable[[str, int], list[Span]]


@dataclass
class Source:
    doc: str
    lines: set[int]


@dataclass
class Row:
    """One line of the table."""

    system: str
    n: int = 0
    r1: float = 0.0
    r5: float = 0.0
    mrr: float = 0.0
    all5: float = 0.0
    lines_per_hit: float = 0.0
    """Average lines a returned passage spans: big chunks cover source lines more easily."""
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    build_s: float | None = None
    peak_mb: float | None = None
    misses: list[str] = field(default_factory=list)


# --- gold -----------------------------------------------------------------------------------------------------
def load_questions(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def answerable(question: dict) -> bool:
    return question.get("expected", {}).get("answerable", True) is not False and bool(gold_sources(question))


def gold_sources(question: dict) -> list[Source]:
    """Every (doc, lines) the answer stands on; `source` may be a list, `line` a list, `doc` on the source."""
    raw = question.get("source") or []
    sources = []
    for source in raw if isinstance(raw, list) else [raw]:
        doc = source.get("doc") or (question["doc"] if isinstance(question.get("doc"), str) else None)
        line = source.get("line")
        if doc and line is not None:
            sources.append(Source(doc, set(line) if isinstance(line, list) else {line}))
    return sources


def covers(span: Span, source: Source) -> bool:
    doc, start, end = span
    return doc == source.doc and any(start <= line <= end for line in source.lines)


def first_hit(spans: list[Span], sources: list[Source]) -> int | None:
    """1-based rank of the first passage covering any source line."""
    return next((rank for rank, span in enumerate(spans, 1) if any(covers(span, s) for s in sources)), None)


# --- scoring --------------------------------------------------------------------------------------------------
def score(system: str, search: Search, questions: list[dict], repeats: int = 1) -> Row:
    """Recall@1/@5, MRR@10, all@5 on the answerable questions; latency over every question × repeats."""
    row = Row(system)
    latencies: list[float] = []
    spans_seen: list[int] = []
    search("预算", 5)  # warm-up: model, BM25 index, chroma client
    for _ in range(repeats):
        for question in questions:
            started = time.perf_counter()
            spans = search(question["question"], 10)
            latencies.append((time.perf_counter() - started) * 1000)
            if _ == 0 and answerable(question):
                sources = gold_sources(question)
                rank = first_hit(spans, sources)
                row.n += 1
                row.r1 += rank == 1
                row.r5 += bool(rank and rank <= 5)
                row.mrr += 1 / rank if rank else 0.0
                row.all5 += all(any(covers(span, s) for span in spans[:5]) for s in sources)
                spans_seen += [end - start + 1 for _, start, end in spans[:5]]
                if not rank or rank > 5:
                    row.misses.append(question["id"])
    for name in ("r1", "r5", "mrr", "all5"):
        setattr(row, name, getattr(row, name) / max(row.n, 1))
    latencies.sort()
    row.p50_ms = statistics.median(latencies)
    row.p95_ms = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))]
    row.lines_per_hit = statistics.mean(spans_seen) if spans_seen else 0.0
    return row


# --- our index ------------------------------------------------------------------------------------------------
def build_index(data: Path, home: Path) -> tuple[float, float]:
    """A fresh `budgetqa ingest` in a child process: (seconds, peak RSS in MB)."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "rag.cli.main", "--home", str(home), "ingest", str(data)], check=True,
                   cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return seconds, peak_mb


def reingest_times(data: Path, home: Path) -> tuple[float, float]:
    """A no-change re-ingest: (seconds as a `budgetqa ingest` process, seconds in process)."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "rag.cli.main", "--home", str(home), "ingest", str(data)], check=True,
                   cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    cli = time.perf_counter() - started
    from rag.ingest.build import Indexer
    from rag.settings import Settings
    from rag.store.vectors import VectorSync

    settings = Settings(home=home)
    started = time.perf_counter()
    indexer = Indexer(settings)
    indexer.vectors = VectorSync(settings)
    reports = indexer.ingest([data])
    in_process = time.perf_counter() - started
    assert all(r.status == "unchanged" for r in reports), [r.status for r in reports]
    assert indexer.vectors.embedded == 0
    return cli, in_process


def our_search(home: Path, **options) -> Search:
    from rag.retrieve.retriever import Retriever
    from rag.settings import Settings

    retriever = Retriever(Settings(home=home), **options)
    return lambda question, k: [(h.chunk.doc, h.chunk.line_start, h.chunk.line_end)
                                for h in retriever.retrieve(question, k=k)]  # fmt: skip


# --- baselines ------------------------------------------------------------------------------------------------
def newcomer_search(data: Path, spec: str) -> tuple[Search, float]:
    """SentenceSplitter defaults over the raw text, VectorStoreIndex, vector top-k (build seconds)."""
    from llama_index.core import VectorStoreIndex
    from llama_index.core.schema import TextNode

    from eval.baselines import split_files
    from rag.store.embed import as_llama_embedding, load_embedder

    started = time.perf_counter()
    chunks = split_files([data], chunk_size=1024, overlap=200)
    nodes = [TextNode(text=c.text, id_=str(i)) for i, c in enumerate(chunks)]
    index = VectorStoreIndex(nodes, embed_model=as_llama_embedding(load_embedder(spec)))
    seconds = time.perf_counter() - started

    def search(question: str, k: int) -> list[Span]:
        hits = index.as_retriever(similarity_top_k=k).retrieve(question)
        return [(chunks[int(h.node.node_id)].doc, chunks[int(h.node.node_id)].line_start,
                 chunks[int(h.node.node_id)].line_end) for h in hits]  # fmt: skip

    return search, seconds


def jieba_bm25_search(data: Path) -> tuple[Search, float]:
    """jieba words + bm25s over the same SentenceSplitter chunks (build seconds)."""
    import bm25s

    from eval.baselines import jieba_tokens, split_files

    started = time.perf_counter()
    chunks = split_files([data], chunk_size=1024, overlap=200)
    bm25 = bm25s.BM25()
    bm25.index([jieba_tokens(c.text) or [""] for c in chunks], show_progress=False)
    seconds = time.perf_counter() - started

    def search(question: str, k: int) -> list[Span]:
        ids = bm25.get_tokens_ids(jieba_tokens(question))
        if not ids:
            return []
        scores = bm25.get_scores_from_ids(ids)
        best = scores.argsort()[::-1][:k]
        return [(chunks[i].doc, chunks[i].line_start, chunks[i].line_end) for i in best if scores[i] > 0]

    return search, seconds


# --- report ---------------------------------------------------------------------------------------------------
def table(rows: list[Row]) -> str:
    def num(value: float | None, digits: int = 1) -> str:
        return "—" if value is None else f"{value:.{digits}f}"

    lines = ["| system | R@1 | R@5 | MRR@10 | all@5 | lines/hit | p50 ms | p95 ms | build s | peak MB |",
             "|---|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for r in rows:
        lines.append(f"| {r.system} | {r.r1:.3f} | {r.r5:.3f} | {r.mrr:.3f} | {r.all5:.3f} | {r.lines_per_hit:.0f} "
                     f"| {num(r.p50_ms)} | {num(r.p95_ms)} | {num(r.build_s)} | {num(r.peak_mb, 0)} |")  # fmt: skip
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.retrieval", description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--data", type=Path, default=ROOT / "data", help="corpus to index (default data/)")
    parser.add_argument("--home", type=Path, help="use this built index instead of building a fresh one")
    parser.add_argument("--repeats", type=int, default=3, help="latency passes over the questions")
    parser.add_argument("--skip-baselines", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the rows here")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from rag.settings import Settings

    spec = Settings().embedder
    questions = load_questions(args.questions)
    workdir = Path(tempfile.mkdtemp(prefix="budgetqa-eval-"))
    home = args.home or workdir / "index"
    build_s = peak_mb = None
    if args.home is None:
        build_s, peak_mb = build_index(args.data, home)
    reingest_cli, reingest_in_process = reingest_times(args.data, home)

    rows = [score("ours: hybrid (BM25 + vectors, RRF)", our_search(home), questions, args.repeats)]
    rows[0].build_s, rows[0].peak_mb = build_s, peak_mb
    rows.append(score("ours: BM25 half only", our_search(home, use_vectors=False), questions, args.repeats))
    rows.append(score("ours: vector half only", our_search(home, use_bm25=False), questions, args.repeats))
    if not args.skip_baselines:
        search, seconds = newcomer_search(args.data, spec)
        rows.append(
            score("baseline: llama-index SentenceSplitter + vectors", search, questions, args.repeats)
        )
        rows[-1].build_s = seconds
        search, seconds = jieba_bm25_search(args.data)
        rows.append(score("baseline: jieba-BM25 on the same chunks", search, questions, args.repeats))
        rows[-1].build_s = seconds

    from rag.store.facts import FactStore

    store = FactStore(home / "facts.sqlite")
    print(f"Retrieval on {rows[0].n} answerable questions of {args.questions.name} ({len(questions)} in all); "
          f"corpus {args.data} ({len(store.documents())} documents, {len(store.chunk_ids())} chunks); "
          f"embedder {spec}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")  # fmt: skip
    print(table(rows))
    print(f"No-change re-ingest: {reingest_cli:.2f} s as `budgetqa ingest` (process start included), "
          f"{reingest_in_process:.2f} s in process. Build = fresh `budgetqa ingest` in a child process "
          "(ours) or in process (baselines).")  # fmt: skip
    print("Misses at 5 (hybrid): " + (", ".join(rows[0].misses) or "none"))
    if args.json:
        args.json.write_text(
            json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=1), encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
