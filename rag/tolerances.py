"""Numeric tolerances, in one place: when two figures are the same figure, when a difference is rounding.

Amounts are compared in 万元 unless a name says otherwise; percentages in percentage points.
"""

from __future__ import annotations

from decimal import Decimal

SAME_AMOUNT = Decimal("0.005")
"""Below half a cent two 万元 figures are the same figure (元 amounts round to the tables' two decimals)."""

ROUNDING_AMOUNT = Decimal("0.02")
"""A money difference up to 0.02万元 is rounding; above it a major contradiction."""

ROW_SUM_SLACK = Decimal("0.05")
"""Rows found under a total may miss it by this much (406.52 summed for 406.54 stated)."""

SAME_PERCENT = Decimal("0.005")
"""Two percentages equal to the second decimal."""

SCORE_TOLERANCE = Decimal("0.005")
"""The evaluation's tolerance for a number against the gold figure (in the gold's unit)."""


def _decimals(written: str) -> int:
    return len(written.split(".")[1]) if "." in written else 0


def half_unit(written: str) -> Decimal:
    """Half a unit of the last decimal written ('31.14' → 0.005): what rounding to that precision can hide."""
    return Decimal(5) / Decimal(10) ** (_decimals(written) + 1)


def rounding_habit(written: str) -> Decimal:
    """One and a half units of the last decimal written: 63.75% for 63.739% is a rounding habit, 71.73% for
    71.65% is wrong."""
    return Decimal("1.5") / Decimal(10) ** _decimals(written)
