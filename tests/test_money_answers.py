"""Figures of 元 tables beside 万元 figures: arithmetic on one money type, shares of the whole the question names.

Cases are rows of tests/cases/mixed_units.jsonl (our own questions, arithmetic written in `why`), answered on a
real index of the seeds (万元 tables, 元 performance sheets) and two Shanghai documents whose tables are in 元.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import DATA, shared
from hypothesis import given
from hypothesis import strategies as st
from test_cases import check

from rag.answer.answerer import Answerer, answer_to_json
from rag.text.money import Money, total

CASES = [json.loads(line) for line in (Path(__file__).parent / "cases" / "mixed_units.jsonl").read_text(
    encoding="utf-8").splitlines() if line.strip()]  # fmt: skip
SHANGHAI = ("02_shanghai-putuo-shangwuwei_2025_bumen-yusuan.txt", "03_shanghai-putuo-zhengfuban_2025_danwei-yusuan.txt")


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> Answerer:
    """The seeds and two Shanghai documents (tables in 元), facts only."""
    from rag.ingest.build import Indexer
    from rag.settings import Settings

    texts = [shared(f"data/texts/{name}") for name in SHANGHAI]
    settings = Settings(home=tmp_path_factory.mktemp("mixed") / "index")
    Indexer(settings).ingest([DATA, *texts])
    return Answerer(settings)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_mixed_unit_case(mixed, case):
    check(answer_to_json(mixed.ask(case["question"], history=case.get("history"))), case["expected"])


amounts = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)
units = st.sampled_from(["元", "万元", "亿元"])


@given(amounts, units, amounts, units)
def test_money_arithmetic_is_unit_safe(a, unit_a, b, unit_b):
    x, y = Money.of(a, unit_a), Money.of(b, unit_b)
    factor = {"元": 1, "万元": 10000, "亿元": 100000000}
    assert (x + y).yuan == a * factor[unit_a] + b * factor[unit_b]
    assert abs(x - y).yuan == abs(a * factor[unit_a] - b * factor[unit_b])
    assert (x + y).unit == (unit_a if unit_a == unit_b else "万元")
    assert total([x, y]).yuan == (x + y).yuan
    if y.yuan:
        assert x.share_of(y) == (a * factor[unit_a] / (b * factor[unit_b]) * 100).quantize(Decimal("0.01"),
                                                                                          "ROUND_HALF_UP")


@given(amounts, units)
def test_money_refuses_bare_numbers(a, unit):
    with pytest.raises(TypeError):
        Money.of(a, unit) + a  # type: ignore[operator]
    with pytest.raises(TypeError):
        Money.of(a, unit).share_of(a)  # type: ignore[arg-type]


def test_a_fact_in_yuan_reads_as_money_and_a_count_does_not():
    assert Money.from_fact({"value": Decimal("1710100"), "unit": "元", "id": 7}).amount("万元") == Decimal("171.01")
    assert Money.from_fact({"value": Decimal("32"), "unit": "名", "id": 8}) is None
