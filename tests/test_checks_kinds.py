"""The finding kinds beyond sums and identities (rag.ingest.checks.placeholders/years/yoy/procurement/toc/empty):
each on the clean synthetic budget of test_checks with the problem put in (found, on the right lines) and
without it (nothing); then the seeds and the other layouts, where only the real ones are found."""

from __future__ import annotations

import pytest
from conftest import SEEDS, shared
from test_checks import CLEAN, parse_text

from rag.ingest.checks.run import check_document
from rag.ingest.extract import extract_facts
from rag.ingest.parse.document import parse_document
from rag.ingest.readers import read_source
from rag.types import Finding

NEW_KINDS = {"placeholder", "year_mismatch", "yoy_direction", "procurement_sum", "toc_tables", "empty_note"}


def found(text: str, kind: str) -> list[Finding]:
    doc = parse_text(text)
    return [f for f in check_document(doc, extract_facts(doc)) if f.kind == kind]


def all_found(text: str) -> list[Finding]:
    doc = parse_text(text)
    return check_document(doc, extract_facts(doc))


def line_of(text: str, needle: str) -> int:
    """1-based number of the first line containing `needle`."""
    return next(n for n, line in enumerate(text.split("\n"), start=1) if needle in line)


def changed(old: str, new: str, base: str = CLEAN) -> str:
    assert old in base, old
    return base.replace(old, new, 1)


# --- placeholder ----------------------------------------------------------------------------------------------


def test_clean_has_no_new_kind():
    assert [f for f in all_found(CLEAN) if f.kind in NEW_KINDS] == []


@pytest.mark.parametrize(
    ("old", "new", "severity"),
    [
        ("负责测试服务工作。", "负责XX工作。", "minor"),
        ("负责测试服务工作。", "负责测试服务工作（待补充）。", "minor"),
        ("负责测试服务工作。", "负责【】工作。", "minor"),
        ("负责测试服务工作。", "（单位名称）负责测试服务工作。", "minor"),
        ("核定行政编制10名。", "核定行政编制××名。", "major"),
        ("上年物业管理费尾款\t10.00\t10.00\t", "上年物业管理费尾款\tXX\tXX\t", "major"),
    ],
    ids=["XX", "待补充", "【】", "（单位名称）", "××名", "table cell"],
)
def test_placeholder(old, new, severity):
    text = changed(old, new)
    hits = found(text, "placeholder")
    assert [(f.severity, f.lines) for f in hits] == [(severity, [line_of(text, new.split("\t")[0])])]


def test_a_latin_word_or_a_multiplication_is_no_placeholder():
    text = changed("负责测试服务工作。", "负责测试服务工作（含XXL型号设备3×5台维护）。")
    assert found(text, "placeholder") == []


# --- year_mismatch --------------------------------------------------------------------------------------------


def test_a_table_titled_with_last_year():
    text = changed("2024年预算支出总表", "2023年预算支出总表")
    [f] = found(text, "year_mismatch")
    assert f.lines == [line_of(text, "2024年度部门预算公开"), line_of(text, "2023年预算支出总表")]
    assert f.values == ["2024年", "2023年"] and "表3" in f.message


def test_the_text_speaking_of_another_year_as_this_one():
    text = changed("2024年度山西省测试服务局支出预算110.00万元", "2023年度山西省测试服务局支出预算110.00万元")
    [f] = found(text, "year_mismatch")
    assert f.lines == [
        line_of(text, "2024年度部门预算公开"),
        line_of(text, "2023年度山西省测试服务局支出预算"),
    ]


def test_a_year_compared_with_is_not_this_year():
    text = changed("与上年预算数相同。其中", "比2023年预算减少0.50万元，纳入2023年预算管理的项目已完成。其中")
    assert found(text, "year_mismatch") == []


# --- yoy_direction --------------------------------------------------------------------------------------------


def test_amount_up_percentage_down():
    text = changed("比上年增加5.00万元，增长5.26%", "比上年增加5.00万元，下降5.26%")
    [f] = found(text, "yoy_direction")
    assert (f.severity, f.lines, f.values) == ("minor", [line_of(text, "下降5.26%")], ["5.00万元", "5.26%"])
    assert all_found(text) == [f], "the size of 5.26% is right: text.check_shares says nothing"


def test_an_increase_of_nothing():
    text = changed("“三公”经费预算4.00万元，与上年预算数相同", "“三公”经费预算4.00万元，比上年增加0万元")
    [f] = found(text, "yoy_direction")
    assert (f.severity, f.lines, f.values) == ("minor", [line_of(text, "增加0万元")], ["0万元"])


@pytest.mark.parametrize(
    ("sentence", "wrong"),
    [
        ("公务用车运行维护费由4.00万元减少为3.00万元。", "公务用车运行维护费由2.00万元减少为3.00万元。"),
        ("机关运行经费财政拨款预算10.00万元，比上年8.00万元增加2.00万元",
         "机关运行经费财政拨款预算10.00万元，比上年12.00万元增加2.00万元"),
        ("机关运行经费财政拨款预算10.00万元，上年10.00万元，与上年相比持平",
         "机关运行经费财政拨款预算10.00万元，上年9.00万元，与上年相比持平"),
    ],
    ids=["由A减少为B", "比上年X增加", "持平"],
)  # fmt: skip
def test_the_direction_against_the_two_years_figures(sentence, wrong):
    anchor = "本部门机关运行经费财政拨款预算10.00万元，与上年预算数相同。"
    right = changed(anchor, sentence if sentence.endswith("。") else sentence + "。")
    assert found(right, "yoy_direction") == []
    text = changed(anchor, wrong if wrong.endswith("。") else wrong + "。")
    [f] = found(text, "yoy_direction")
    assert (f.severity, f.lines) == ("major", [line_of(text, wrong[:12])])


# --- procurement_sum ------------------------------------------------------------------------------------------

PROCUREMENT = (
    "九、政府采购情况\n\n2024年山西省测试服务局政府采购预算总额20.00万元。其中：政府采购货物预算5.00万元、"
    "政府采购工程预算0万元、政府采购服务预算15.00万元。\n\n十、绩效管理情况"
)


def test_procurement_parts_add_up():
    text = changed("十、绩效管理情况", PROCUREMENT)
    assert [f for f in all_found(text) if f.kind in NEW_KINDS] == []


def test_procurement_parts_do_not_add_up():
    text = changed("十、绩效管理情况", PROCUREMENT.replace("服务预算15.00", "服务预算16.00"))
    [f] = found(text, "procurement_sum")
    assert (f.severity, f.values, f.lines) == (
        "major",
        ["21.00万元", "20.00万元"],
        [line_of(text, "政府采购预算总额")],
    )


def _shared_text(name: str) -> str:
    return shared(f"data/texts/{name}").read_text(encoding="utf-8")


def test_procurement_table_categories_against_its_total():
    zhengxie = _shared_text("05_jiangsu-zhengxie_2019_bumen-yusuan_wenjian-plus-biao.txt")
    assert found(zhengxie, "procurement_sum") == []
    text = changed("三、服务C\t\t\t\t\t1,274.42", "三、服务C\t\t\t\t\t1,284.42", zhengxie)
    [f] = found(text, "procurement_sum")
    assert (f.severity, f.values) == ("major", ["1634.42万元", "1624.42万元"])
    assert f.lines == [
        line_of(text, "合计\t\t\t\t\t1,624.42"),
        line_of(text, "一、货物A"),
        line_of(text, "三、服务C"),
    ]


def test_procurement_table_total_against_the_text():
    jianchayuan = _shared_text("04_jiangsu-jianchayuan_2019_bumen-yusuan.txt")
    assert found(jianchayuan, "procurement_sum") == []
    text = changed("\t合 计\t\t\t\t\t\t\t\t\t\t2,744.84", "\t合 计\t\t\t\t\t\t\t\t\t\t2,754.84", jianchayuan)
    [f] = found(text, "procurement_sum")
    assert (f.severity, f.values) == ("major", ["2744.84万元", "2754.84万元"])
    assert f.lines == [line_of(text, "2,754.84"), line_of(text, "政府采购支出预算总额2744.84")], (
        "货物A's amount slipped onto the 合计 row in this PDF text: the categories are not summed, the totals are"
    )


# --- toc_tables -----------------------------------------------------------------------------------------------

_TITLES = [
    "2024年预算收支总表", "2024年预算收入总表", "2024年预算支出总表", "2024年财政拨款收支总表",
    "2024年一般公共预算支出预算表（不含上年结转）", "2024年一般公共预算安排基本支出分经济科目表（不含上年结转）",
    "2024年政府性基金预算收入表（不含上年结转）", "2024年政府性基金预算支出表（不含上年结转）",
    "2024年国有资本经营预算收支预算表（不含上年结转）", "2024年财政拨款安排“三公”经费支出预算表",
    "2024年财政拨款安排机关运行经费预算表", "2024年项目支出预算表（本年预算）", "2024年项目支出预算表（上年结转）",
]  # fmt: skip
_NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四"]


def with_toc(titles: list[str]) -> str:
    entries = "\n".join(f"表{_NUMERALS[i]}{t}\t{i + 2}" for i, t in enumerate(titles))
    toc = (
        "目 录\n\n第一部分 概况\t1\n一、本部门职责\t1\n二、机构设置情况\t1\n第二部分 2024年部门预算报表\t2\n"
        f"{entries}\n第三部分 2024年度部门预算情况说明\t16\n第四部分 名词解释\t20\n\n"
    )
    return changed("第一部分 概况", toc + "第一部分 概况")


def test_toc_lists_the_tables_present():
    text = with_toc(_TITLES)
    assert parse_text(text).tables[0].line_start > line_of(text, "第四部分 名词解释\t20"), (
        "the TOC is not a table"
    )
    assert [f for f in all_found(text) if f.kind in NEW_KINDS] == []


def test_toc_lists_a_table_the_document_lacks():
    text = with_toc([*_TITLES, "2024年政府采购预算表"])
    [f] = found(text, "toc_tables")
    assert (f.severity, f.values, f.lines) == (
        "minor",
        ["14张", "13张"],
        [line_of(text, "表十四2024年政府采购预算表")],
    )


def test_a_table_missing_from_the_toc():
    text = with_toc(_TITLES[:-1])
    [f] = found(text, "toc_tables")
    assert f.values == ["12张", "13张"] and f.lines == [line_of(text, "2024年项目支出预算表（上年结转）")]


# --- empty_note -----------------------------------------------------------------------------------------------

_INCOME = "主要包括一般公共预算拨款收入100.00万元，占90.91%；"


def test_empty_fund_table_against_a_text_amount():
    zero = changed(_INCOME, _INCOME + "政府性基金预算拨款收入0万元；")
    assert found(zero, "empty_note") == []
    text = changed(_INCOME, _INCOME + "政府性基金预算拨款收入20.00万元；")
    [f] = found(text, "empty_note")
    assert f.severity == "major" and f.values == ["20.00万元", "0.00万元"]
    assert f.lines == sorted([line_of(text, "政府性基金预算拨款收入20.00万元"),
                              line_of(text, "2024年政府性基金预算收入表"), line_of(text, "2024年政府性基金预算支出表")])  # fmt: skip


def test_empty_fund_table_against_the_summary_table():
    text = changed("二、政府性基金预算\t\t二、外交支出", "二、政府性基金预算\t5.00\t二、外交支出")
    [f] = found(text, "empty_note")
    assert f.values == ["5.00万元", "0.00万元"] and f.lines[0] == line_of(text, "二、政府性基金预算\t5.00")


# --- the seeds and the other layouts --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def new_findings_of_seeds(parsed_seeds, seed_facts) -> dict[str, list[Finding]]:
    return {
        key: [f for f in check_document(doc, seed_facts[key]) if f.kind in NEW_KINDS]
        for key, doc in parsed_seeds.items()
    }


def test_seeds_have_none_of_the_new_kinds(new_findings_of_seeds):
    assert len(new_findings_of_seeds) == len(SEEDS) == 5
    assert {key: [(f.kind, f.lines) for f in found] for key, found in new_findings_of_seeds.items()} == {
        key: [] for key in new_findings_of_seeds
    }


def _new_findings(name: str) -> list[tuple[str, str, list[int], list[str]]]:
    doc = parse_document(read_source(shared(f"data/texts/{name}")))
    return [(f.kind, f.severity, f.lines, f.values) for f in check_document(doc, extract_facts(doc))
            if f.kind in NEW_KINDS]  # fmt: skip


EXPECTED = {
    "01_shanghai-putuo-caizhengju_2024_bumen-juesuan.txt": [
        ("procurement_sum", "rounding", [422, 423], ["251.26万元", "251.25万元"]),
    ],  # 4.79 + 0 + 246.47 = 251.26, the text says 251.25 (real)
    "02_shanghai-putuo-shangwuwei_2025_bumen-yusuan.txt": [],
    "03_shanghai-putuo-zhengfuban_2025_danwei-yusuan.txt": [],
    "04_jiangsu-jianchayuan_2019_bumen-yusuan.txt": [],
    "05_jiangsu-zhengxie_2019_bumen-yusuan_wenjian-plus-biao.txt": [],
    "06_jiangsu-gaoyuan_2017_bumen-yusuan.txt": [],
    "07_chongqing-jiaowei_2018_bumen-yusuan-shuoming_html.txt": [],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_other_layouts_only_the_real_ones(name):
    assert _new_findings(name) == EXPECTED[name]
