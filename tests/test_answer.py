"""Answers over a whole eval set, on a real index of the five seeds (conftest `answerer`).

Single questions and what their answers must say are data rows: tests/cases/answers.jsonl,
run by tests/test_cases.py."""

from __future__ import annotations

import json

from conftest import shared

from rag.answer.answerer import answer_to_json
from rag.answer.draft import Draft


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


def test_a_figure_several_cited_documents_state_is_bound_to_the_first_cited(answerer):
    """The same 0.00万元 stands in many documents: the number's source is the document cited first, every run."""
    docs = [d["doc"] for d in answerer.catalog()]
    for first in (docs[-1], docs[0]):
        others = [d for d in docs if d != first]
        draft = Draft("0.00万元", citations=[answerer.view.cite_lines(d, "x", 1, 1) for d in [first, *others]])
        evidence = answerer._evidence(draft)
        assert evidence[0].doc == first
        assert [e.doc for e in evidence if e.how == "fact"][: len(answerer.view.facts(first))] == [first] * len(
            answerer.view.facts(first)
        )
