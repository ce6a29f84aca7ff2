"""Questions as the public asks them, as data (tests/cases/answers.jsonl), on a real index of the seeds.

One row per behaviour: {"id", "question", "history"?, "expected", "why", "xfail"?}. `expected` holds the
assertions (EXPECTATIONS below says what each key checks); every answer must also have every stated number
verified against the documents. A row with "xfail": "<what goes wrong>" is a known failure, marked
xfail(strict=True): when the code is fixed the case goes red until the mark is removed.
The questions are our own wording: test_questions_are_not_from_an_eval_set keeps them out of the eval sets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ROOT, shared

from rag.answer.answerer import answer_to_json

CASES_FILE = Path(__file__).resolve().parent / "cases" / "answers.jsonl"
CASES = [json.loads(line) for line in CASES_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]
ROW_KEYS = {"id", "question", "history", "expected", "why", "xfail"}
EXPECTATIONS = {
    "refused": "record['refused'] is this bool",
    "figure": "record['figure'] equals this text",
    "contains": "every one of these texts is in the answer",
    "not_contains": "none of these texts is in the answer",
    "order": "these texts are all in the answer, in this order",
    "no_numbers": "true: the answer states no number at all",
    "cited_part": "the first citation's part starts with this text",
    "cited_line": "the first citation starts on this line",
    "cited_quote": "the first citation's quote contains this text",
    "cited_docs": "the cited documents are exactly these (file-name prefixes such as '000')",
}


def _param(case: dict):
    marks = [pytest.mark.xfail(reason=case["xfail"], strict=True)] if case.get("xfail") else []
    return pytest.param(case, id=case["id"], marks=marks)


def check(record: dict, expected: dict) -> None:
    """Assert one answer record against a row's `expected`."""
    answer, citations = record["answer"], record["citations"]
    unverified = [n["text"] for n in record["numbers"] if not n["verified"]]
    assert not unverified, f"unverified numbers {unverified} in: {answer}"
    if "refused" in expected:
        assert record["refused"] is expected["refused"], answer
    if "figure" in expected:
        assert record["figure"] == expected["figure"], answer
    for text in expected.get("contains", []):
        assert text in answer, f"{text!r} missing from: {answer}"
    for text in expected.get("not_contains", []):
        assert text not in answer, f"{text!r} in: {answer}"
    if "order" in expected:
        missing = [text for text in expected["order"] if text not in answer]
        assert not missing, f"{missing} missing from: {answer}"
        places = [answer.index(text) for text in expected["order"]]
        assert places == sorted(places), f"not in the order {expected['order']}: {answer}"
    if expected.get("no_numbers"):
        assert record["numbers"] == [], answer
    if {"cited_part", "cited_line", "cited_quote"} & set(expected):
        assert citations, f"no citation for: {answer}"
        first = citations[0]
        assert first["part"].startswith(expected.get("cited_part", "")), first["part"]
        assert first["line_start"] == expected.get("cited_line", first["line_start"]), first
        assert expected.get("cited_quote", "") in first["quote"], first["quote"]
    if "cited_docs" in expected:
        assert {c["doc"][:3] for c in citations} == set(expected["cited_docs"]), citations


@pytest.mark.parametrize("case", [_param(case) for case in CASES])
def test_case(answerer, case):
    record = answer_to_json(answerer.ask(case["question"], history=case.get("history")))
    check(record, case["expected"])


def test_the_rows_are_well_formed():
    ids = [case.get("id") for case in CASES]
    assert len(ids) == len(set(ids)), "ids are unique"
    for case in CASES:
        assert set(case) <= ROW_KEYS and {"id", "question", "expected", "why"} <= set(case), case.get("id")
        assert isinstance(case["question"], str) and case["why"].strip(), case["id"]
        assert all(isinstance(q, str) and q for q in case.get("history", [])), case["id"]
        assert case["expected"] and set(case["expected"]) <= set(EXPECTATIONS), (case["id"], case["expected"])
        assert not ("xfail" in case and not case["xfail"].strip()), (
            f"{case['id']}: an xfail says what goes wrong"
        )


def _questions_of(path: Path) -> list[str]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            gold = json.loads(line)
            out += [gold["question"], *(gold.get("history") or [])]
    return out


EVAL_SETS = sorted((ROOT / "eval").glob("*.jsonl"))


@pytest.mark.parametrize("eval_set", ["../shared/eval/dev.jsonl", *[f"eval/{p.name}" for p in EVAL_SETS]])
def test_questions_are_not_from_an_eval_set(eval_set):
    """No case question (nor an earlier question of its history) is, or is inside, a line of an eval set."""
    path = shared("eval/dev.jsonl") if eval_set.startswith("../shared/") else ROOT / eval_set
    lines = path.read_text(encoding="utf-8").splitlines()
    questions = set(_questions_of(path))
    for case in CASES:
        for asked in [case["question"], *case.get("history", [])]:
            assert asked not in questions, f"{case['id']}: {asked!r} is a question of {eval_set}"
            if asked.strip():
                assert not any(asked in line for line in lines), (
                    f"{case['id']}: {asked!r} occurs in {eval_set}"
                )
