"""Answers over a whole eval set, on a real index of the five seeds (conftest `answerer`).

Single questions and what their answers must say are data rows: tests/cases/answers.jsonl,
run by tests/test_cases.py."""

from __future__ import annotations

import json

from conftest import shared

from rag.answer.answerer import answer_to_json


def test_every_dev_answer_is_cited_or_refused(answerer):
    """Each dev question gets citations or a refusal, and no answer states a number it could not verify."""
    for line in shared("eval/dev.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        gold = json.loads(line)
        record = answer_to_json(answerer.ask(gold["question"], history=gold.get("history")))
        assert all(n["verified"] for n in record["numbers"]), (
            f"{gold['id']}: unverified number in {record['answer']}"
        )
        assert record["refused"] or record["citations"], gold["id"]
