"""Every number in an answer is checked; wrong figures, wrong units and other departments' figures never pass."""

from decimal import Decimal

from rag.answer.verify import Evidence, check_numbers, evidence_from_citations, verify_answer_text
from rag.types import Citation

FACTS_000 = [  # facts the composer stated (claim binding itself is tested in test_claims.py)
    Evidence(Decimal("6926.05"), "万元", "000.txt", 99, "fact", used=True),
    Evidence(Decimal("3108.00"), "万元", "000.txt", 298, "fact", used=True),
    Evidence(Decimal("31080000"), "元", "000.txt", 531, "fact", used=True),
    Evidence(Decimal("44"), "名", "000.txt", 54, "fact", used=True),
]


def test_thousands_separator_and_unit_conversion_verify():
    checks = check_numbers("收入总计6,926.05万元；信息化服务费31,080,000元，即3108万元。", FACTS_000)
    assert [(c.text, c.verified, c.source_line) for c in checks] == [
        ("6,926.05万元", True, 99),
        ("31,080,000元", True, 298),  # 31,080,000元 = 3108.00万元 (the 万元 fact is preferred)
        ("3108万元", True, 298),
    ]


def test_wrong_figure_wrong_unit_and_other_department_fail():
    other_department = [Evidence(Decimal("856.71"), "万元", "004.txt", 123, "fact", used=True)]
    checks = check_numbers("总预算6,926.50万元，信息化服务费3108元，另一单位856.71万元。", FACTS_000)
    assert [c.verified for c in checks] == [False, False, False], "typo, 元 for 万元, and a figure of 004"
    assert check_numbers("856.71万元", FACTS_000 + other_department)[0].verified, "verifies when that doc is cited"


def test_unverified_sentence_is_removed_not_stated():
    text = "收入总计6,926.05万元。其中项目支出9,999.99万元。"
    safe, checks = verify_answer_text(text, FACTS_000)
    assert "9,999.99" not in safe
    assert "6,926.05万元" in safe
    assert all(c.verified for c in checks)
    assert "已略去" in safe


def test_numbers_from_cited_text_verify():
    citation = Citation("000.txt", "d", 2024, "第三部分", 330, 330, "比上年减少74.20万元，下降1.06%")
    checks = check_numbers("比上年减少74.20万元，下降1.06%。", evidence_from_citations([citation]))
    assert [(c.verified, c.how) for c in checks] == [(True, "cited_text"), (True, "cited_text")]


def test_table_references_and_years_are_not_figures():
    checks = check_numbers("2024年收入总计6,926.05万元（见表1 预算收支总表，第99行）。", FACTS_000)
    assert [c.text for c in checks] == ["6,926.05万元"]


def test_a_figure_after_a_chinese_comma_is_checked_too():
    """'，999.00万元': the full-width comma folds to ',' and must not hide the number from the check."""
    checks = check_numbers("收入总计为6,926.05万元，999.00万元用于项目。", FACTS_000)
    assert [(c.text, c.verified) for c in checks] == [("6,926.05万元", True), ("999.00万元", False)]
    safe, _ = verify_answer_text("总预算，999.00万元。收入总计6,926.05万元。", FACTS_000)
    assert "999.00" not in safe


def test_bare_amounts_of_a_performance_sheet_are_yuan():
    """项目资金（元）: a sheet's unit-less 4,000,000 is 元 — 400万元 verifies, 4,000,000万元 does not."""
    sheet = Citation("003.txt", "d", 2023, "项目支出绩效目标表（评审勘验费）", 1263, 1263,
                     "项目资金（元）\t实施期资金总额:\t12,180,000\t年度资金总额:\t4,000,000")  # fmt: skip
    evidence = evidence_from_citations([sheet])
    checks = check_numbers("年度资金总额4,000,000元，即400万元；实施期12,180,000元。误写4,000,000万元。", evidence)
    assert [(c.text, c.verified) for c in checks] == [
        ("4,000,000元", True), ("400万元", True), ("12,180,000元", True), ("4,000,000万元", False)
    ]
