"""The one money formatter: amounts and percentages as answers, findings and the app write them."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def fmt_amount(value: Decimal, unit: str = "万元", *, plain: bool = False) -> str:
    """An amount with its unit.

    Answers (default): 6926.05 → '6,926.05万元' (two decimals, half up, for 万元; none for whole 元 or counts).
    Findings (`plain`): '6926.05万元' (two decimals, no separators) and 元 amounts as stored ('31,080,000.00元').
    """
    if plain:
        return f"{value.quantize(CENT)}{unit}" if unit == "万元" else f"{value:,}{unit}"
    if unit == "万元":
        return f"{value.quantize(CENT, ROUND_HALF_UP):,}{unit}"
    if value == value.to_integral_value():
        return f"{int(value):,}{unit}"
    return f"{value.normalize():,}{unit}"


def percent(value: Decimal) -> Decimal:
    """A percentage to two decimals, half up."""
    return value.quantize(CENT, ROUND_HALF_UP)


def fmt_percent(value: Decimal) -> str:
    """12.345 → '12.35%'."""
    return f"{percent(value)}%"
