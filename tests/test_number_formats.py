"""An amount reads as the same Money however it is written: 1,234.56 / 1234.56 / 0.5万 / 一百二十万 / 壹佰元.

Property tests over the question reader (`find_amounts`) and the answer/source reader (`find_numbers`).
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from rag.text.money import Money
from rag.text.numbers import cn_number, find_numbers
from rag.understand.flags import find_amounts

LOWER, UPPER = "零一二三四五六七八九", "零壹贰叁肆伍陆柒捌玖"
PLACES_LOWER, PLACES_UPPER = ("千", "百", "十", ""), ("仟", "佰", "拾", "")


def chinese(n: int, upper: bool = False) -> str:
    """1 ≤ n ≤ 9999 in Chinese numerals (一千零五, 壹仟零伍), written here independently of the parser."""
    digits, places = (UPPER, PLACES_UPPER) if upper else (LOWER, PLACES_LOWER)
    text, zero = "", False
    for place, digit in zip(places, f"{n:04d}", strict=True):
        if digit == "0":
            zero = bool(text)
            continue
        text += (digits[0] if zero else "") + digits[int(digit)] + place
        zero = False
    return text


def with_commas(value: Decimal) -> str:
    return f"{value:,.2f}"


amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999999.99"), places=2)
units = st.sampled_from(["元", "万元", "亿元"])


@given(amounts, units)
def test_digits_with_or_without_separators_are_the_same_money(value, unit):
    written = [f"{with_commas(value)}{unit}", f"{value:.2f}{unit}", f"{value:.2f} {unit}"]
    read = {Money.of(a.value, a.unit) for text in written for a in find_amounts(f"预算{text}吗")}
    assert read == {Money.of(value, unit)}
    assert {Money.of(m.value, m.unit) for text in written for m in find_numbers(f"为{text}。")} == {Money.of(value, unit)}


@given(st.decimals(min_value=Decimal("0.1"), max_value=Decimal("9999.9"), places=1))
def test_wan_written_short_is_wan_yuan(value):
    found = find_amounts(f"大概{value}万的项目")
    assert [Money.of(a.value, a.unit) for a in found] == [Money.of(value, "万元")]


@given(st.integers(min_value=1, max_value=9999), st.booleans(), st.sampled_from(["元", "万元"]))
def test_chinese_numerals_everyday_and_upper_case(n, upper, unit):
    text = chinese(n, upper)
    assert cn_number(text) == n
    found = find_amounts(f"是不是{text}{unit}")
    assert [Money.of(a.value, a.unit) for a in found] == [Money.of(n, unit)]
