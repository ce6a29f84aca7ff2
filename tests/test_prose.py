"""Prose extraction (rag.ingest.prose): every example and counter-example of prose.json, a few rows of their
own, and the exact facts of a real PDF's explanation text and of a seed."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from conftest import seed, shared

from rag.ingest.prose import CHANGE_SUFFIX, read_prose, rules, text_facts

RULES = rules()
FIGURE_EXAMPLES = [(f["name"], *example) for f in RULES["figures"] for example in f["examples"]]
FIGURE_NOTS = [(f["name"], sentence) for f in RULES["figures"] for sentence in f.get("not", [])]
_YEAR = re.compile(r"(20\d{2})年(?!\d{1,2}月)")


def _year(sentence: str) -> int:
    """The year a document stating the sentence would be of: its first year that is not a date, else 2026."""
    found = _YEAR.search(sentence)
    return int(found.group(1)) if found else 2026


def _stated(sentence: str, name: str, year: int | None = None, kind: str = "预算") -> list[tuple[Decimal, str]]:
    return [(value, unit) for n, _, value, unit, _ in read_prose(sentence, year or _year(sentence), kind) if n == name]


def test_every_figure_has_examples_and_a_unit():
    for figure in RULES["figures"]:
        assert figure["examples"], figure["name"]
        assert figure["units"] and figure["forms"], figure["name"]
    assert RULES["changes"]["examples"] and RULES["changes"]["not"]


@pytest.mark.parametrize(("name", "sentence", "value", "unit"), FIGURE_EXAMPLES)
def test_figure_examples(name: str, sentence: str, value: str, unit: str):
    assert (Decimal(value), unit) in _stated(sentence, name), sentence


@pytest.mark.parametrize(("name", "sentence"), FIGURE_NOTS)
def test_figure_counter_examples(name: str, sentence: str):
    assert _stated(sentence, name, year=2026) == [], sentence


@pytest.mark.parametrize(("sentence", "figure", "amount", "percent"), RULES["changes"]["examples"])
def test_change_examples(sentence: str, figure: str, amount: str | None, percent: str | None):
    facts = {(n, col): (v, u) for n, col, v, u, _ in read_prose(sentence, _year(sentence))}
    if amount is not None:
        assert facts[(figure + CHANGE_SUFFIX, "比上年增减")] == (Decimal(amount), "万元"), sentence
    if percent is not None:
        assert facts[(figure + CHANGE_SUFFIX + "%", "比上年增减%")] == (Decimal(percent), "%"), sentence
    assert (figure, "正文") in facts, "the figure itself is a fact of its own name"


@pytest.mark.parametrize("sentence", RULES["changes"]["not"])
def test_change_counter_examples(sentence: str):
    assert [n for n, *_ in read_prose(sentence, 2026) if CHANGE_SUFFIX in n] == [], sentence


def test_a_change_is_never_the_figure():
    got = _stated("2026年本单位机关运行经费财政拨款预算3,383.98万元,较2025年年初预算增加26.48万元,增长0.8%。", "机关运行经费")
    assert got == [(Decimal("3383.98"), "万元")], "26.48 is the change, stored under 机关运行经费.比上年增减"


def test_last_years_figure_and_this_years():
    sentence = "2025年机关运行经费1,200.00万元;2026年机关运行经费1,300.00万元。"
    assert _stated(sentence, "机关运行经费", year=2026) == [(Decimal("1300.00"), "万元")]


def test_final_accounts_take_the_final_figure():
    # 西安卫健委 2022 决算: the budget, then the final amount in the next clause
    sentence = "2022年度财政拨款安排公务用车运行维护费预算455.12万元,支出决算450.96万元,完成预算的99.09%。"
    assert _stated(sentence, "公务用车运行维护费", 2022, "决算") == [(Decimal("450.96"), "万元")]
    assert _stated(sentence, "公务用车运行维护费", 2022, "预算") == [(Decimal("455.12"), "万元")]


def test_units_as_written_and_parts():
    assert _stated("政府采购预算共4,186,460元。", "政府采购", 2026) == [(Decimal("4186460"), "元")], "元 kept as written"
    sentence = "政府采购预算总额11884.37万元;其中一般公共预算拨款政府采购11307.34万元:政府采购货物预算2703.19万元。"
    assert _stated(sentence, "政府采购", 2026) == [(Decimal("11884.37"), "万元")], "the 一般公共预算 part is not the total"


def test_two_numbers_on_two_lines_are_not_one(tmp_path):
    # 长沙公安局 as read: the heading's year and the amount on two lines ('…：2025' / '2045.01') — not 20252045.01
    from rag.ingest.parse.document import parse_document
    from rag.ingest.readers import read_source

    path = tmp_path / "doc.txt"
    path.write_text("测试市测试局2025年部门预算\n六、其他重要事项的情况说明\n（一）机关运行经费：2025\n2045.01\n"
                    "万元，比上年预算减少29.30万元。\n（二）机关运行经费：2025年机关运行经费\n2045.01万元。\n",
                    encoding="utf-8")  # fmt: skip
    facts = [(f.name, f.value, f.line) for f in text_facts(parse_document(read_source(path)))]
    assert facts == [("机关运行经费", Decimal("2045.01"), 7)], "only the figure a label stands before, on its line"


def test_seed_text_facts_and_changes():
    from rag.ingest.parse.document import parse_document
    from rag.ingest.readers import read_source

    facts = text_facts(parse_document(read_source(seed("000"))))
    got = {(f.name, f.column, f.value, f.unit, f.line) for f in facts}
    assert ("收入总计", "正文", Decimal("6926.05"), "万元", 330) in got
    assert ("收入总计.比上年增减", "比上年增减", Decimal("-74.20"), "万元", 330) in got, "比上年减少74.20万元"
    assert ("收入总计.比上年增减%", "比上年增减%", Decimal("-1.06"), "%", 330) in got, "下降1.06%"
    assert ("三公经费.比上年增减", "比上年增减", Decimal("-0.50"), "万元", 371) in got, "比2023年减少 0.50万元"
    assert ("机关运行经费", "正文", Decimal(0), "万元", 381) in got, "政务服务中心无机关运行经费。"
    assert all(f.origin == "text" for f in facts)


def test_real_pdf_explanation():
    path = shared("data/pdfs/cities/xian_zhengfubangongting_2026_yusuan.pdf")
    from rag.ingest.parse.document import parse_document
    from rag.ingest.readers import read_source

    facts = text_facts(parse_document(read_source(path)))
    named = {}
    for fact in facts:
        named.setdefault(fact.name, []).append((fact.value, fact.unit))
    assert named["机关运行经费"] == [(Decimal("438.98"), "万元")], "十四、机关运行经费安排情况说明"
    assert named["机关运行经费.比上年增减"] == [(Decimal("26.75"), "万元")], "较上年增加26.75万元"
    assert named["机关运行经费.比上年增减%"] == [(Decimal("6.49"), "%")], "增长6.49%"
    assert named["政府采购"] == [(Decimal("418.65"), "万元")], "政府采购预算共418.65万元 (= 表12 4,186,460元)"
    assert named["公务用车"] == [(Decimal(0), "辆")], "截至上年底…共有车辆0辆; 购置车辆0辆 is not the count"
    assert named["编制"] == [(Decimal(211), "名")], "人员编制211人; 行政编制132人 is a part"
    assert named["在职人数"] == [(Decimal(214), "名")], "实有人员214人"
