"""The read commands of `budgetqa` (retrieve; ask and eval join here), registered by rag.cli.main.

Each command has an `_add_<name>(sub)` that declares its arguments and a `cmd_<name>(args, settings) -> int` that
runs it; `register` wires both. Imports of the heavy stages stay inside the commands so `budgetqa ingest` and
`--help` start fast. Library errors are turned into messages by rag.cli.main.main.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from rag.errors import BudgetQAError
from rag.settings import Settings

Command = Callable[[argparse.Namespace, Settings], int]


def register(sub: argparse._SubParsersAction, commands: dict[str, Command]) -> None:
    """Add the read commands to the `budgetqa` parser and their handlers to `commands`."""
    _add_retrieve(sub)
    commands["retrieve"] = cmd_retrieve


# --- shared ---------------------------------------------------------------------------------------------------
def print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, default=str) + "\n")


def read_batch(path: str) -> Iterator[dict]:
    """Question records of a JSONL file ({"id", "question", ...}); `-` reads stdin. Blank lines are skipped."""
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise BatchError(f"{path}: cannot read it ({error.strerror})") from error
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise BatchError(f"{path}:{n}: not a JSON object ({error.msg})") from error
        if not isinstance(record, dict) or not isinstance(record.get("question"), str):
            raise BatchError(f'{path}:{n}: each line needs a "question" string')
        yield record


class BatchError(BudgetQAError, ValueError):
    """A batch file line that is not a question record."""


# --- retrieve -------------------------------------------------------------------------------------------------
def _add_retrieve(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("retrieve", help="the chunks that best match a question (hybrid BM25 + vectors)")
    parser.add_argument("question", nargs="?", help="the question, in plain Chinese")
    parser.add_argument("--batch", metavar="FILE", help='JSONL questions ({"id", "question"}); \'-\' = stdin')
    parser.add_argument(
        "-k", type=int, default=None, help="chunks per question (default $BUDGETQA_TOP_K or 5)"
    )
    parser.add_argument("--department", help="only this department (official name)")
    parser.add_argument("--year", type=int, help="only this year")
    parser.add_argument("--doc", help="only this document (file name)")
    parser.add_argument(
        "--json", action="store_true", help="print JSON (a list; with --batch one object a line)"
    )


def cmd_retrieve(args: argparse.Namespace, settings: Settings) -> int:
    from rag.retrieve.retriever import (  # loads the vocabulary (~1 s): only retrieve pays
        Retriever,
        retrieved_to_json,
    )

    if bool(args.question) == bool(args.batch):
        print("error: give a question or --batch FILE (not both)", file=sys.stderr)
        return 2
    k = args.k if args.k is not None else settings.top_k
    retriever = Retriever(settings)
    filters = {"department": args.department, "year": args.year, "doc": args.doc}
    if args.question:
        results = [retrieved_to_json(hit) for hit in retriever.retrieve(args.question, k=k, **filters)]
        if args.json:
            print_json(results)
        else:
            _print_results(results)
        return 0
    for n, record in enumerate(read_batch(args.batch), start=1):
        results = [retrieved_to_json(hit) for hit in retriever.retrieve(record["question"], k=k, **filters)]
        if args.json:
            print_json({"id": record.get("id", n), "results": results})
        else:
            print(f"## {record.get('id', n)} {record['question']}")
            _print_results(results)
    return 0


def _print_results(results: list[dict]) -> None:
    if not results:
        print("(nothing found)")
    for rank, r in enumerate(results, start=1):
        span = (
            f"{r['line_start']}" if r["line_start"] == r["line_end"] else f"{r['line_start']}-{r['line_end']}"
        )
        print(f"{rank}. {r['doc']}:{span}  {r['part']}  (score {r['score']:.4f})")
        body = " ".join(r["text"].split("\n")[2:])[:160]
        print(f"   {body}")
