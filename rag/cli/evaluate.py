"""`budgetqa eval --questions FILE [--answers FILE] [--json] [--out DIR]`: score answers per question type.

Without --answers it asks every question through `Answerer` (with the question's `history`); with --answers it
scores a saved `ask --batch --json` output (matched by id). Per-question results go to --out for failure
analysis (one JSON line per question: verdict, reason, answer, numbers, citations, gold).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict
from pathlib import Path

from rag.cli.scoring import QuestionScore, score_answer, summarize
from rag.settings import Settings

AnswerFn = Callable[[dict], dict]
"""Gold question → `ask --json` record."""


def load_jsonl(path: Path) -> list[dict]:
    """One JSON object per non-blank line."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def answerer_fn(settings: Settings) -> AnswerFn:
    """Our answerer as a question → record function (errors become an empty, unrefused answer)."""
    from rag.answer.answerer import (  # the read path loads its vocabulary (~1 s): only eval pays
        Answerer,
        answer_to_json,
    )

    answerer = Answerer(settings)

    def answer(gold: dict) -> dict:
        started = time.perf_counter()
        try:
            record = answer_to_json(
                answerer.ask(gold["question"], list(gold.get("history") or [])), gold.get("id")
            )
        except Exception as error:  # a crash is a wrong answer, not the end of the evaluation
            record = {"id": gold.get("id"), "question": gold["question"], "answer": "", "refused": False,
                      "citations": [], "numbers": [], "error": f"{type(error).__name__}: {error}"}  # fmt: skip
        record.setdefault("latency_ms", round((time.perf_counter() - started) * 1000, 2))
        return record

    return answer


def run_eval(
    questions: Iterable[dict], answer: AnswerFn, strict: bool = True
) -> tuple[list[QuestionScore], list[dict]]:
    """Answer and score each question; return the scores and the answer records."""
    scores, records = [], []
    for gold in questions:
        record = answer(gold)
        scores.append(score_answer(gold, record, strict=strict))
        records.append(record)
    return scores, records


def result_rows(questions: list[dict], scores: list[QuestionScore], records: list[dict]) -> list[dict]:
    """Per-question lines for failure analysis."""
    rows = []
    for gold, score, record in zip(questions, scores, records, strict=True):
        rows.append(
            {
                **asdict(score),
                "question": gold.get("question"),
                "history": gold.get("history"),
                "answer": record.get("answer"),
                "numbers": record.get("numbers"),
                "citations": record.get("citations"),
                "error": record.get("error"),
                "expected": gold.get("expected"),
                "source": gold.get("source"),
                "note": gold.get("note"),
            }
        )
    return rows


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"


def format_summary(summary: dict, title: str = "budgetqa eval") -> str:
    """One table per type plus overall, then refusals and latency."""
    head = f"{'type':<13}{'n':>4}{'correct':>9}{'acc':>7}{'cite doc':>10}{'cite line':>11}{'nums ok':>9}{'refused':>9}"
    lines = [title, head, "-" * len(head)]
    for name, row in summary["types"].items():
        if name == "overall":
            lines.append("-" * len(head))
        lines.append(
            f"{name:<13}{row['n']:>4}{row['correct']:>9}{_pct(row['accuracy']):>7}{_pct(row['citation_doc']):>10}"
            f"{_pct(row['citation_line']):>11}{_pct(row['all_numbers_verified']):>9}{row['refused']:>9}"
        )
    refusal, latency = summary["refusal"], summary["latency_ms"]
    lines.append(
        f"refusals: {refusal['refused']} given; precision {_pct(refusal['precision'])} (refusal acceptable), "
        f"recall {_pct(refusal['recall'])} of {refusal['should_refuse']} unanswerable"
    )
    if "wrong_verified" in summary:
        lines.append(f"wrong answers stating verified numbers: {summary['wrong_verified']}")
    if latency["n"]:
        lines.append(
            f"latency: p50 {latency['p50']:.1f} ms, p95 {latency['p95']:.1f} ms over {latency['n']} answers"
        )
    return "\n".join(lines)


def write_results(out: Path, rows: list[dict], summary: dict, stem: str = "") -> Path:
    """Write `<stem>.jsonl` (per question) and `<stem>.summary.json`; return the .jsonl path."""
    out.mkdir(parents=True, exist_ok=True)
    stem = stem or time.strftime("eval-%Y%m%d-%H%M%S")
    path = out / f"{stem}.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
    (out / f"{stem}.summary.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return path


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    questions = load_jsonl(Path(args.questions))
    if args.answers:
        saved = {record.get("id"): record for record in load_jsonl(Path(args.answers))}

        def answer(gold: dict) -> dict:
            return saved.get(gold.get("id")) or {
                "answer": "",
                "refused": False,
                "error": "no answer with this id",
            }

    else:
        answer = answerer_fn(settings)
    scores, records = run_eval(questions, answer, strict=not args.lenient)
    summary = summarize(scores)
    path = write_results(Path(args.out), result_rows(questions, scores, records), summary)
    if args.json:
        sys.stdout.write(json.dumps(summary, ensure_ascii=False) + "\n")
    else:
        print(format_summary(summary, f"budgetqa eval: {args.questions}"))
    failed = sum(not s.correct for s in scores)
    print(f"per-question results: {path} ({failed} wrong)", file=sys.stderr)
    return 0


def register_eval(sub: argparse._SubParsersAction, commands: dict) -> None:
    """Add `eval` to the CLI (called from rag.cli.read.register)."""
    parser = sub.add_parser("eval", help="score answers to gold questions, per question type")
    parser.add_argument(
        "--questions", required=True, help="gold questions (JSON lines, ../shared/eval format)"
    )
    parser.add_argument("--answers", help="score saved `ask --batch --json` output instead of asking")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--out", default="eval/results", help="folder for per-question results")
    parser.add_argument("--lenient", action="store_true", help="count unverified numbers written in the text")
    commands["eval"] = cmd_eval
