"""budgetqa: ingest | facts | check | retrieve | ask | eval (the contract in ../shared/eval/README.md)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from rag.cli import ask as cli_ask
from rag.cli import evaluate as cli_evaluate
from rag.cli import read as cli_read
from rag.errors import BudgetQAError
from rag.ingest.build import Indexer
from rag.settings import Settings
from rag.store.facts import FactStore, fact_to_json
from rag.store.vectors import VectorSync


def _print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=None, default=str) + "\n")


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    indexer = Indexer(settings)
    _attach_vectors(indexer, settings)

    def progress(n: int, total: int, report) -> None:
        detail = f"{report.facts} facts, {report.chunks} chunks, {report.findings} findings" if report.doc else ""
        print(f"[{n}/{total}] {Path(report.path).name}: {report.status}"
              + (f" ({detail})" if report.status in {"added", "replaced"} else "")
              + (f" — {report.message}" if report.message not in {report.status, "unchanged"} else ""),
              file=sys.stderr, flush=True)  # fmt: skip

    reports = indexer.ingest(args.paths, progress=progress)
    for report in reports:
        if report.status == "error" and not Path(report.path).exists():
            print(f"error: {report.message}", file=sys.stderr)
    counts = {status: sum(r.status == status for r in reports) for status in ("added", "replaced", "unchanged",
                                                                             "skipped", "error")}  # fmt: skip
    print("ingest: " + ", ".join(f"{v} {k}" for k, v in counts.items() if v), file=sys.stderr)
    if args.json:
        _print_json([r.__dict__ for r in reports])
    return 1 if counts["error"] and not (counts["added"] + counts["replaced"] + counts["unchanged"]) else 0


def _attach_vectors(indexer, settings: Settings) -> None:
    """Chunks are embedded as they are indexed (see rag.store.vectors)."""
    indexer.vectors = VectorSync(settings)


def cmd_facts(args: argparse.Namespace, settings: Settings) -> int:
    store = FactStore(settings.facts_path)
    facts = store.facts(department=args.department, year=args.year)
    if args.name:
        facts = [f for f in facts if f["name"] == args.name]
    if args.json:
        _print_json([fact_to_json(f) for f in facts])
    else:
        for f in facts:
            name = f"[{f['name']}] " if f["name"] else ""
            print(f"{f['doc']}:{f['line']}\t{name}{f['tbl']} | {f['row']} | {f['col']} = {f['value']} {f['unit']}")
    return 0


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    store = FactStore(settings.facts_path)
    findings = store.findings()
    records = [{"doc": f["doc"], "severity": f["severity"], "kind": f["kind"], "message": f["message"],
                "lines": f["lines"], "values": f["values"]} for f in findings]  # fmt: skip
    if args.json:
        _print_json(records)
    else:
        for r in records:
            print(f"{r['severity']:8} {r['doc']} lines {r['lines']}: {r['message']}")
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace, Settings], int]] = {
    "ingest": cmd_ingest,
    "facts": cmd_facts,
    "check": cmd_check,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="budgetqa", description=__doc__)
    parser.add_argument("--home", help="index directory (default $BUDGETQA_HOME or ./index)")
    sub = parser.add_subparsers(dest="command", required=True)
    ingest = sub.add_parser("ingest", help="index files or folders (txt, html, pdf)")
    ingest.add_argument("paths", nargs="+")
    ingest.add_argument("--json", action="store_true")
    facts = sub.add_parser("facts", help="list extracted figures")
    facts.add_argument("--department")
    facts.add_argument("--year", type=int)
    facts.add_argument("--name", help="only this canonical key figure (收入总计, 三公经费 …)")
    facts.add_argument("--json", action="store_true")
    check = sub.add_parser("check", help="contradictions found inside the documents")
    check.add_argument("--json", action="store_true")
    _add_read_commands(sub)
    return parser


def _add_read_commands(sub: argparse._SubParsersAction) -> None:
    """ask, eval and retrieve: the read path's commands."""
    cli_ask.register(sub, COMMANDS)
    cli_evaluate.register_eval(sub, COMMANDS)
    cli_read.register(sub, COMMANDS)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    settings = Settings(home=Path(args.home)) if args.home else Settings()
    try:
        return COMMANDS[args.command](args, settings)
    except BudgetQAError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
