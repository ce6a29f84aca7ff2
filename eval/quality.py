"""Quality report: the same gold questions through ours and two baselines, scored by the same scorer.

    python -m eval.quality [--questions ../shared/eval/dev.jsonl] [--home DIR] [--out eval/results]

Ours is `Answerer` over an index of data/ (built fresh in a temporary folder unless --home names a built one).
The baselines (eval.baselines) answer with the best chunk's raw text. Every system is scored strictly (the
contract: a figure counts only when listed in `numbers` with verified true) and leniently (any figure written in
the answer counts, a bare figure taken in the expected unit) — the lenient column is the baselines' best case.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from rag.cli.evaluate import load_jsonl, result_rows, write_results
from rag.cli.scoring import TYPES, score_answer, summarize
from rag.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"


def build_index(home: Path, data: Path) -> float:
    """Ingest `data` (facts, chunks and vectors) into `home`; return seconds."""
    from rag.ingest.build import Indexer
    from rag.store.vectors import VectorSync

    settings = Settings(home=home)
    indexer = Indexer(settings)
    indexer.vectors = VectorSync(settings)
    started = time.perf_counter()
    indexer.ingest([data])
    return time.perf_counter() - started


def run_system(questions: list[dict], ask) -> list[dict]:
    """Answer records, in question order (a crash is recorded as an empty answer)."""
    records = []
    for gold in questions:
        started = time.perf_counter()
        try:
            record = ask(gold)
        except Exception as error:
            record = {"answer": "", "refused": False, "citations": [], "numbers": [], "error": repr(error)}
        record.setdefault("latency_ms", round((time.perf_counter() - started) * 1000, 2))
        record["id"] = gold.get("id")
        records.append(record)
    return records


def score_system(questions: list[dict], records: list[dict]) -> dict:
    """Strict and lenient summaries of one system's records."""
    strict = [score_answer(g, r) for g, r in zip(questions, records, strict=True)]
    lenient = [score_answer(g, r, strict=False) for g, r in zip(questions, records, strict=True)]
    return {"strict": summarize(strict), "lenient": summarize(lenient), "scores": strict}


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"


def format_table(results: dict[str, dict]) -> str:
    """One row per system: overall strict / lenient accuracy, per-type strict accuracy, citations, latency."""
    types = [t for t in TYPES if any(t in r["strict"]["types"] for r in results.values())]
    head = f"{'system':<32}{'strict':>8}{'lenient':>9}" + "".join(f"{t[:7]:>9}" for t in types)
    head += f"{'cite doc':>10}{'cite line':>11}{'p50 ms':>9}"
    lines = [head, "-" * len(head)]
    for name, result in results.items():
        strict, lenient = result["strict"], result["lenient"]
        row = f"{name:<32}{_pct(strict['types']['overall']['accuracy']):>8}"
        row += f"{_pct(lenient['types']['overall']['accuracy']):>9}"
        row += "".join(f"{_pct(strict['types'].get(t, {}).get('accuracy')):>9}" for t in types)
        overall = strict["types"]["overall"]
        p50 = strict["latency_ms"]["p50"]
        row += f"{_pct(overall['citation_doc']):>10}{_pct(overall['citation_line']):>11}"
        row += f"{(f'{p50:.1f}' if p50 is not None else '–'):>9}"
        lines.append(row)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.quality", description=__doc__.split("\n")[0])
    parser.add_argument("--questions", type=Path, default=DEV)
    parser.add_argument("--data", type=Path, default=ROOT / "data", help="documents for every system")
    parser.add_argument("--home", type=Path, help="an index of --data already built (default: build one now)")
    parser.add_argument("--out", type=Path, default=ROOT / "eval" / "results")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    questions = load_jsonl(args.questions)
    temp = None if args.home else tempfile.TemporaryDirectory(prefix="budgetqa-quality-")
    home = args.home or Path(temp.name) / "index"
    if temp:
        print(f"building our index of {args.data} in {home} …", file=sys.stderr)
        print(f"  ingest {build_index(home, args.data):.1f} s", file=sys.stderr)

    from eval.baselines import BM25Baseline, VectorBaseline, split_files
    from rag.cli.evaluate import answerer_fn

    systems = {"budgetqa (ours)": ("ours", answerer_fn(Settings(home=home)))}
    chunks = split_files([args.data])
    for slug, baseline in (("vector", VectorBaseline(chunks)), ("bm25", BM25Baseline(chunks))):
        systems[baseline.name] = (slug, lambda gold, b=baseline: b.ask(gold["question"]))
    results: dict[str, dict] = {}
    for name, (slug, ask) in systems.items():
        records = run_system(questions, ask)
        results[name] = {**score_system(questions, records), "records": records, "slug": slug}
    print(f"quality on {args.questions.name} ({len(questions)} questions; {len(chunks)} baseline chunks)")
    print(format_table(results))
    stamp = time.strftime("quality-%Y%m%d-%H%M%S")
    summary = {name: {"strict": r["strict"], "lenient": r["lenient"]} for name, r in results.items()}
    (args.out).mkdir(parents=True, exist_ok=True)
    (args.out / f"{stamp}.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    for result in results.values():
        rows = result_rows(questions, result["scores"], result["records"])
        write_results(args.out, rows, result["strict"], f"{stamp}-{result['slug']}")
    print(f"summary: {args.out / f'{stamp}.json'}", file=sys.stderr)
    if temp:
        temp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
