"""budgetqa ask (single, --json, --batch FILE with history) and eval."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from rag.settings import Settings


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from rag.answer.answerer import (  # the read path loads its vocabulary (~1 s): only ask pays
        Answerer,
        answer_to_json,
    )

    answerer = Answerer(settings)
    if args.batch:
        for record in _read_jsonl(Path(args.batch)):
            answer = answerer.ask(record["question"], history=record.get("history") or [])
            _emit(answer_to_json(answer, record.get("id")), args.json, answer)
        return 0
    if not args.question:
        print("error: give a question or --batch FILE", file=sys.stderr)
        return 2
    answer = answerer.ask(args.question, history=args.history or [])
    _emit(answer_to_json(answer), args.json, answer)
    return 0


def _read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        raise SystemExit(f"error: {path}: no such file")
    records = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as error:
            raise SystemExit(f"error: {path}:{n}: not JSON ({error.msg})") from None
    return records


def _emit(record: dict, as_json: bool, answer) -> None:
    if as_json:
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        sys.stdout.flush()
        return
    print(answer.text)
    for citation in answer.citations:
        page = f" 第{citation.page}页" if citation.page else ""
        print(f"  来源：{citation.doc} {citation.part}{page} 第{citation.line_start}–{citation.line_end}行")
    unverified = [n.text for n in answer.numbers if not n.verified]
    print("  数字核对：" + ("全部与文件一致" if not unverified else "未核实：" + "、".join(unverified)))


def register(sub: argparse._SubParsersAction, commands: dict[str, Callable]) -> None:
    ask = sub.add_parser("ask", help="answer a question with citations and verified numbers")
    ask.add_argument("question", nargs="?")
    ask.add_argument("--batch", help="JSONL file of {id, question, history?}")
    ask.add_argument("--history", nargs="*", help="earlier questions of the conversation")
    ask.add_argument("--json", action="store_true")
    commands["ask"] = cmd_ask
