"""Benchmark of understand() (question → Query), printing figures (no pass/fail):

    python -m eval.bench_understand [--data data ...] [--questions FILE ...] [--rounds 5] [--json]

The catalog is the documents of --data (the bundled seeds by default; add ../shared/data/texts for a bigger
one), parsed here, as FactStore.documents() would list them. The questions are all those of the --questions
files (JSON lines with "question" and optional "history"; by default ../shared/eval/dev.jsonl if present, the
local eval/*.jsonl sets and tests/cases/answers.jsonl). The first call, which builds the catalog's department
index, is reported apart (cold); then each question is timed alone, --rounds times over, and the per-question
p50 / p95 / mean / max in ms are printed. It replaces the `per_question_ms < 5` assertion of the test suite.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"


def default_question_files() -> list[Path]:
    local = [*sorted((ROOT / "eval").glob("*.jsonl")), ROOT / "tests" / "cases" / "answers.jsonl"]
    return ([DEV] if DEV.exists() else []) + [p for p in local if p.exists()]


def load_questions(paths: list[Path]) -> list[tuple[str, list[str]]]:
    """(question, history) of every line of every file."""
    out = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                out.append((item["question"], list(item.get("history") or [])))
    return out


def load_catalog(paths: list[Path]) -> list[dict]:
    """The documents under `paths` as catalog entries (doc, department, year, kind, scope)."""
    from rag.ingest.parse.document import parse_document
    from rag.ingest.readers import read_source

    files = [f for p in paths for f in (sorted(p.glob("*.txt")) if p.is_dir() else [p])]
    catalog = []
    for file in files:
        doc = parse_document(read_source(file))
        catalog.append({"doc": file.name, "department": doc.department, "year": doc.year, "kind": doc.kind,
                        "scope": doc.scope})  # fmt: skip
    return catalog


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0–100) of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def measure(questions: list[tuple[str, list[str]]], catalog: list[dict], rounds: int) -> dict:
    from rag.understand.question import understand

    first, history = questions[0]
    started = time.perf_counter()
    understand(first, catalog, history)
    cold_ms = (time.perf_counter() - started) * 1000
    timings = []
    for _ in range(rounds):
        for question, history in questions:
            started = time.perf_counter()
            understand(question, catalog, history)
            timings.append((time.perf_counter() - started) * 1000)
    return {
        "questions": len(questions),
        "documents": len(catalog),
        "rounds": rounds,
        "cold_ms": round(cold_ms, 2),
        "p50_ms": round(percentile(timings, 50), 3),
        "p95_ms": round(percentile(timings, 95), 3),
        "mean_ms": round(sum(timings) / len(timings), 3),
        "max_ms": round(max(timings), 3),
    }


def format_report(result: dict, question_files: list[Path]) -> str:
    names = ", ".join(os.path.relpath(p, ROOT) for p in question_files)
    return "\n".join([
        f"understand() — {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}",
        f"catalog       {result['documents']} documents",
        f"questions     {result['questions']} (from {names}), {result['rounds']} rounds",
        f"cold          {result['cold_ms']} ms (first call: builds the catalog's department index)",
        f"per question  p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, mean {result['mean_ms']} ms, "
        f"max {result['max_ms']} ms",
    ])  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m eval.bench_understand", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--data", nargs="+", type=Path, default=[ROOT / "data"], help="documents of the catalog"
    )
    parser.add_argument("--questions", nargs="+", type=Path, default=None, help="JSON-lines question files")
    parser.add_argument("--rounds", type=int, default=5, help="times each question is asked")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    question_files = args.questions or default_question_files()
    questions = load_questions(question_files)
    if not questions:
        parser.error("no questions in " + ", ".join(map(str, question_files)))
    result = measure(questions, load_catalog(args.data), max(1, args.rounds))
    print(json.dumps(result) if args.json else format_report(result, question_files))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
