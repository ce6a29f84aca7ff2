"""The one money formatter: answers, findings and the app write amounts the same way."""

from __future__ import annotations

from decimal import Decimal

from rag.text.money import fmt_amount, fmt_percent
from rag.tolerances import half_unit, rounding_habit
from rag.view import app_data as ad


def test_answers_write_wan_with_separators_and_two_decimals():
    assert fmt_amount(Decimal("6926.045")) == "6,926.05万元"  # half up
    assert fmt_amount(Decimal("31080000.00"), "元") == "31,080,000元"
    assert fmt_amount(Decimal("1.5"), "元") == "1.5元"
    assert fmt_amount(Decimal("32"), "名") == "32名"


def test_findings_write_plain_figures():
    assert fmt_amount(Decimal("3058.085"), "万元", plain=True) == "3058.08万元"  # half even, as stored
    assert fmt_amount(Decimal("31080000.00"), "元", plain=True) == "31,080,000.00元"


def test_percentages_and_the_app_cards():
    assert fmt_percent(Decimal("20.095")) == "20.10%"
    assert ad.wan_text(6926.05) == "6,926.05万元"
    assert ad.wan_text(0.1 + 0.2) == "0.30万元"


def test_tolerances_follow_the_precision_written():
    assert half_unit("31.14") == Decimal("0.005")
    assert half_unit("31") == Decimal("0.5")
    assert rounding_habit("63.75") == Decimal("0.015")
