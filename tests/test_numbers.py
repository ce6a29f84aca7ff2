from decimal import Decimal

from rag.text.numbers import find_numbers, parse_decimal, parse_target, to_wan


def test_parse_decimal_handles_separators_and_fullwidth():
    assert parse_decimal("6,926.05") == Decimal("6926.05"), "thousands separator"
    assert parse_decimal("６９２６．０５") == Decimal("6926.05"), "full-width digits"
    assert parse_decimal("合计") is None
    assert parse_decimal("") is None


def test_find_numbers_with_units_skips_years():
    found = find_numbers("2024年预算收入总计6,926.05万元，下降1.06%，信息化服务费31,080,000元，编制44名")
    assert [(m.value, m.unit) for m in found] == [
        (Decimal("6926.05"), "万元"),
        (Decimal("1.06"), "%"),
        (Decimal("31080000"), "元"),
        (Decimal("44"), "名"),
    ]


def test_yuan_to_wan():
    assert to_wan(Decimal("31080000"), "元") == Decimal("3108"), "31,080,000元 = 3108.00万元"
    assert to_wan(Decimal("3.9"), "亿") == Decimal("39000")
    assert to_wan(Decimal("5"), "辆") is None


def test_parse_target():
    assert parse_target("≥18826平米") == ("≥", Decimal("18826"), "平方米")
    assert parse_target("100%") == ("=", Decimal("100"), "%")
    assert parse_target("及时") == ("", None, "")
