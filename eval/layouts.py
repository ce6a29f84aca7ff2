"""How well the ingest reads other publishers' layouts: key figures read off each document vs the fact store.

    python -m eval.layouts [--home DIR] [--cases tests/cases/key_figures.jsonl] [--json]

The cases (one JSON line per document and figure, read by a person from the PDF: doc, path relative to
../shared, figure, value, unit, page, where, why) name documents of ../shared/data/pdfs/cities/. Every distinct
file is ingested (facts only, no vectors) into a fresh temporary index, or into --home when given; both files of
a narrative + tables pair go in one call so they pair (an existing --home keeps what it holds: files already
indexed report 'unchanged', without their ingest warnings). Then, per document: the ingest status and message, the
number of facts stored, the key figures found right out of those expected, and the wrong or missing ones
(expected vs what the store holds under that name). A figure is right when some fact of that document with that
`name` equals it within 0.005万元 (value_wan when the fact has it, else value; 元 expectations /10000), or, for
counts (人, 辆), equals it exactly. The last lines total the documents added / incomplete / rejected and the
figures right / expected, overall and per figure name.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CASES = ROOT / "tests" / "cases" / "key_figures.jsonl"
TOLERANCE_WAN = Decimal("0.005")
COUNT_UNITS = ("人", "辆")


def load_cases(path: Path) -> list[dict]:
    """The cases file, one dict a line (blank lines skipped)."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def case_files(cases: list[dict]) -> list[Path]:
    """The distinct files the cases read, in first-seen order."""
    seen: dict[Path, None] = {}
    for case in cases:
        seen.setdefault((SHARED / case["path"]).resolve(), None)
    return list(seen)


def ingest(home: Path, files: list[Path]) -> tuple[dict[Path, object], float]:
    """Ingest `files` in one call (pairs pair); return {resolved path: IngestReport} and seconds taken."""
    from rag.ingest.build import Indexer
    from rag.settings import Settings

    started = time.perf_counter()
    reports = Indexer(Settings(home=home)).ingest(files)
    seconds = time.perf_counter() - started
    return {Path(report.path).resolve(): report for report in reports}, seconds


def stored_facts(home: Path) -> dict[str, list[dict]]:
    """All facts of the index, grouped by doc."""
    from rag.settings import Settings
    from rag.store.facts import FactStore

    store = FactStore(Settings(home=home).facts_path)
    try:
        by_doc: dict[str, list[dict]] = defaultdict(list)
        for fact in store.facts():
            by_doc[fact["doc"]].append(fact)
        return by_doc
    finally:
        store.close()


def expected_value(case: dict) -> Decimal:
    """The case's value in 万元 (or the bare count for 人 / 辆)."""
    value = Decimal(str(case["value"]))
    return value / 10000 if case["unit"] == "元" else value


def fact_value(fact: dict) -> Decimal:
    """A fact's value in 万元 when it has one, else its value as stored."""
    wan = fact.get("value_wan")
    return Decimal(str(wan)) if wan is not None else Decimal(str(fact["value"]))


def is_right(case: dict, facts: list[dict]) -> bool:
    """Some fact named like the case's figure holds the expected value."""
    expected = expected_value(case)
    if case["unit"] in COUNT_UNITS:
        return any(Decimal(str(f["value"])) == expected for f in facts)
    return any(abs(fact_value(f) - expected) <= TOLERANCE_WAN for f in facts)


def shown(value: Decimal) -> str:
    """A value for the report: plain, without trailing zeros beyond two decimals."""
    text = f"{value:.6f}".rstrip("0")
    whole, _, decimals = text.partition(".")
    return f"{whole}.{decimals.ljust(2, '0')}" if decimals else whole


def status_class(reports: list) -> str:
    """'rejected' (error / skipped), 'incomplete' (stored with an incompleteness warning) or 'added'."""
    if not reports or any(r.status in ("error", "skipped") for r in reports):
        return "rejected"
    if any("is incomplete" in r.message for r in reports):
        return "incomplete"
    return "added"


def score_documents(
    cases: list[dict], reports: dict[Path, object], facts: dict[str, list[dict]]
) -> list[dict]:
    """One result per case document: status, message, facts stored, right / expected, the misses."""
    grouped: dict[str, list[dict]] = defaultdict(list)
    for case in cases:
        grouped[case["doc"]].append(case)
    results = []
    for doc, doc_cases in grouped.items():
        paths = list(dict.fromkeys((SHARED / c["path"]).resolve() for c in doc_cases))
        doc_reports = [reports[p] for p in paths if p in reports]
        stored = next((r.doc for r in doc_reports if r.doc), "")
        doc_facts = facts.get(stored, [])
        by_name: dict[str, list[dict]] = defaultdict(list)
        for fact in doc_facts:
            by_name[fact["name"]].append(fact)
        figures = []
        for case in doc_cases:
            named = by_name.get(case["figure"], [])
            unit = case["unit"] if case["unit"] in COUNT_UNITS else "万元"
            figures.append({
                "figure": case["figure"], "expected": shown(expected_value(case)), "unit": unit,
                "page": case["page"], "file": Path(case["path"]).name, "right": is_right(case, named),
                "store": [shown(fact_value(f)) for f in named],
            })  # fmt: skip
        results.append({
            "doc": doc, "stored_as": stored, "class": status_class(doc_reports),
            "status": "/".join(dict.fromkeys(r.status for r in doc_reports)) or "not ingested",
            "message": " | ".join(dict.fromkeys(r.message for r in doc_reports)),
            "facts": len(doc_facts), "right": sum(f["right"] for f in figures), "expected": len(figures),
            "figures": figures,
        })  # fmt: skip
    return results


def totals(results: list[dict]) -> dict:
    """Documents per status class; figures right / expected overall and per figure name."""
    classes = {name: sum(r["class"] == name for r in results) for name in ("added", "incomplete", "rejected")}
    per_figure: dict[str, list[int]] = {}
    for result in results:
        for figure in result["figures"]:
            counts = per_figure.setdefault(figure["figure"], [0, 0])
            counts[0] += figure["right"]
            counts[1] += 1
    right = sum(r["right"] for r in results)
    expected = sum(r["expected"] for r in results)
    return {"documents": classes, "right": right, "expected": expected,
            "per_figure": {name: {"right": r, "expected": e} for name, (r, e) in per_figure.items()}}  # fmt: skip


def print_report(results: list[dict], summary: dict, seconds: float) -> None:
    """The plain-text report: one block per document, then the totals."""
    for result in results:
        print(f"{result['doc']}  [{result['status']} → {result['class']}]  facts={result['facts']}  "
              f"key figures {result['right']}/{result['expected']}")  # fmt: skip
        if result["stored_as"] and result["stored_as"] != result["doc"]:
            print(f"    stored as: {result['stored_as']}")
        print(f"    message: {result['message'] or '-'}")
        for figure in result["figures"]:
            if figure["right"]:
                continue
            store = ", ".join(figure["store"][:8]) + (" …" if len(figure["store"]) > 8 else "")
            held = f"store has {store}" if figure["store"] else "missing (no fact of that name)"
            print(f"    ✗ {figure['figure']}: expected {figure['expected']} {figure['unit']} "
                  f"(p{figure['page']} {figure['file']}); {held}")  # fmt: skip
        print()
    docs = summary["documents"]
    share = summary["right"] / summary["expected"] if summary["expected"] else 0.0
    print(f"TOTAL  documents {len(results)}: added {docs['added']}, incomplete {docs['incomplete']}, "
          f"rejected {docs['rejected']}  |  key figures right {summary['right']}/{summary['expected']} "
          f"({share:.1%})  |  ingest {seconds:.1f}s")  # fmt: skip
    for name, counts in summary["per_figure"].items():
        print(f"    {name}: {counts['right']}/{counts['expected']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--home", type=Path, help="index folder to ingest into (default: a fresh temp folder)"
    )
    parser.add_argument("--cases", type=Path, default=CASES, help="key-figure cases (JSON lines)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    cases = load_cases(args.cases)
    missing = [str(p) for p in case_files(cases) if not p.exists()]
    if missing:
        print(f"missing files (is {SHARED} there?): {', '.join(missing)}")
        return 2
    with tempfile.TemporaryDirectory(prefix="layouts-") as temp:
        home = args.home or Path(temp)
        reports, seconds = ingest(home, case_files(cases))
        results = score_documents(cases, reports, stored_facts(home))
    summary = totals(results)
    if args.json:
        print(json.dumps({"documents": results, "totals": summary, "ingest_seconds": round(seconds, 1)},
                         ensure_ascii=False, indent=1))  # fmt: skip
    else:
        print_report(results, summary, seconds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
