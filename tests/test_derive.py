"""Derived figures carry their derivation, and the verifier recomputes each one from the store.

Runs on the seed index (a real SQLite fact store): derivations are built from stored facts, recomputed through
the store's own lookups, and refused when an operand or the result is not what the store gives.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rag.answer.answerer import answer_to_json
from rag.answer.derive import Derivation, Operand, derive, recompute, stated
from rag.answer.verify import evidence_from_derivations


@pytest.fixture(scope="module")
def store(answerer):
    return answerer.store


def _named(store, name: str, unit: str | None = None) -> dict:
    facts = [f for f in store.facts(name=name) if unit is None or f["unit"] == unit]
    assert facts, f"no {name} fact in the seeds"
    return facts[0]


def test_sum_of_a_yuan_sheet_and_a_wan_table_is_in_wan_and_recomputes(store):
    sheet = next(f for f in store.facts() if f["col"] == "年度资金总额" and f["unit"] == "元")
    table = _named(store, "三公经费")
    summed = derive("sum", [sheet, table])
    expected = sheet["value"] / 10000 + table["value"]
    assert summed.unit == "万元" and summed.value == expected
    assert recompute(summed, store.fact, store.line) == ""
    assert [o.fact for o in summed.operands] == [sheet["id"], table["id"]]


def test_a_result_that_does_not_follow_from_its_operands_is_refused(store):
    a, b = _named(store, "基本支出"), _named(store, "项目支出")
    gap = derive("gap", [a, b])
    assert recompute(gap, store.fact, store.line) == ""
    wrong = replace(gap, value=gap.value * 10000)  # the 10,000× slip of mixing 元 and 万元
    assert "recomputes to" in recompute(wrong, store.fact, store.line)
    kept, failed = evidence_from_derivations([gap, wrong], store.fact, store.line)
    assert [e.value for e in kept] == [gap.value] and len(failed) == 1


def test_an_operand_the_store_does_not_hold_is_refused(store):
    fact = _named(store, "三公经费")
    forged = Operand(fact["id"], fact["doc"], fact["line"], fact["value"] + 1, fact["unit"])
    derivation = derive("sum", [forged, _named(store, "基本支出")])
    assert "not in the store" in recompute(derivation, store.fact, store.line)
    missing = Derivation("count", (Operand(10**9, fact["doc"], 1, Decimal(1), "万元"),), Decimal(1), "个")
    assert "not in the store" in recompute(missing, store.fact, store.line)


def test_a_stated_operand_is_checked_against_its_line(store):
    fact = next(f for f in store.facts(name="基本支出") if f["value"] > 0)
    ok = derive("convert", [stated(fact["doc"], fact["line"], fact["value"], "万元")], "元")
    assert ok.value == fact["value"] * 10000 and recompute(ok, store.fact, store.line) == ""
    elsewhere = derive("convert", [stated(fact["doc"], 1, Decimal("987654.32"), "元")], "万元")
    assert "not in the store" in recompute(elsewhere, store.fact, store.line)


def test_a_share_is_not_defined_between_an_amount_and_a_count(store):
    amount = _named(store, "三公经费")
    count = next(f for f in store.facts() if f["unit"] in {"名", "人", "个"})
    with pytest.raises(ValueError):
        derive("share", [amount, count])


def test_every_arithmetic_number_in_ask_json_has_a_recomputable_derivation(answerer, store):
    answer = answer_to_json(answerer.ask("省政务中心与吕梁审批局三公经费谁多，多多少"))
    arithmetic = [n for n in answer["numbers"] if n["how"] == "arithmetic"]
    assert arithmetic, answer
    for number in arithmetic:
        derivation = number["derivation"]
        assert derivation["op"] == "gap" and len(derivation["operands"]) == 2
        for operand in derivation["operands"]:
            fact = store.fact(operand["fact"])
            assert fact["doc"] == operand["doc"] and float(fact["value"]) == operand["value"]
        values = [o["value"] for o in derivation["operands"]]
        assert abs(abs(values[0] - values[1]) - number["value"]) < 0.005


amounts = st.decimals(min_value=0, max_value=10**8, places=2, allow_nan=False, allow_infinity=False)


@given(amounts, st.sampled_from(["元", "万元"]), amounts, st.sampled_from(["元", "万元"]))
def test_derivations_recompute_from_their_own_operands(a, unit_a, b, unit_b):
    facts = {1: {"doc": "d", "value": a, "unit": unit_a}, 2: {"doc": "d", "value": b, "unit": unit_b}}
    operands = [Operand(i, "d", 1, f["value"], f["unit"]) for i, f in facts.items()]
    for op in ("sum", "difference", "gap") + (("share",) if b else ()):
        derivation = derive(op, operands)
        assert recompute(derivation, facts.get, lambda doc, no: "") == "", (op, derivation)
