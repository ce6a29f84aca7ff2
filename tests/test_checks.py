"""The self-check (rag.ingest.checks.base*): the contradictions each seed really contains, asserted with their exact lines
and values; a clean synthetic budget that yields none, and one broken figure at a time; and `budgetqa check`."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal

import pytest
from conftest import shared

from rag.cli.main import main
from rag.ingest.checks.base import money_severity
from rag.ingest.checks.run import check_document
from rag.ingest.checks.targets import match_projects
from rag.ingest.extract import extract_facts
from rag.ingest.parse.document import parse_document
from rag.ingest.readers import read_source
from rag.types import Finding, Line, SourceText


@pytest.fixture(scope="session")
def findings(parsed_seeds, seed_facts) -> dict[str, list[Finding]]:
    """{seed prefix: its findings}."""
    return {key: check_document(doc, seed_facts[key]) for key, doc in parsed_seeds.items()}


def only(found: list[Finding], kind: str, *values: str) -> Finding:
    """The one finding of `kind` whose values start with `values`."""
    hits = [f for f in found if f.kind == kind and f.values[: len(values)] == list(values)]
    assert len(hits) == 1, [(f.kind, f.values) for f in found]
    return hits[0]


# --- the majors each seed contains ---------------------------------------------------------------------------

MAJORS = {
    "000": set(),
    "001": {("identity", ("0.00万元", "24.17万元")),
            ("table_vs_table", ("6397.54万元", "6389.17万元", "6373.37万元", "6365.00万元"))},
    "002": set(),
    "003": set(),
    "004": {("table_vs_table", ("172.13万元", "438.68万元")), ("identity", ("15.98万元", "14.24万元"))},
}  # fmt: skip


@pytest.mark.parametrize("seed", sorted(MAJORS))
def test_major_findings_of_each_seed(findings, seed):
    majors = {(f.kind, tuple(f.values)) for f in findings[seed] if f.severity == "major"}
    assert majors == MAJORS[seed], f"{seed}: the real major contradictions, no more"


def test_004_basic_spending_table6_against_tables_3_and_5(findings):
    f = only(findings["004"], "table_vs_table", "172.13万元", "438.68万元")
    assert f.severity == "major"
    assert f.lines == [159, 232, 258, 400, 423], (
        "表3, 表5, 表6 合计 rows; 第三部分三 (172.13) and 六 (438.68)"
    )
    assert "表3/表5" in f.message and "表6" in f.message and "第423行写 438.68万元" in f.message
    said = [x for x in findings["004"] if "438.68万元" in x.values or "172.13万元" in x.values]
    assert said == [f], (
        "人员经费+公用经费 (表6) vs 表3 and 第三部分六 vs 表3 are the same contradiction: one finding"
    )


def test_004_running_costs_are_not_its_office_costs(findings):
    f = only(findings["004"], "identity", "15.98万元", "14.24万元")
    assert (f.severity, f.lines) == ("major", [258, 347, 441]), "表6 合计, 表11 部门合计, 第三部分八"
    assert "参照公务员法管理" in f.message, "why they must be equal: a 参公 unit (第一部分)"


def test_001_has_no_running_costs_although_administrative(findings, parsed_seeds):
    f = only(findings["001"], "identity", "0.00万元", "24.17万元")
    running = next(t for t in parsed_seeds["001"].tables if t.key == "机关运行经费")
    assert f.severity == "major" and running.empty
    assert f.lines[0] == 267 and f.lines[-1] == 443, "表6 合计 and 第三部分八 本部门无机关运行经费"
    assert running.line_start <= f.lines[1] <= running.line_end, "表11, 本表无数据"
    assert "行政运行" in f.message


def test_001_overall_performance_sheet_against_table5(findings):
    f = only(findings["001"], "table_vs_table", "6397.54万元", "6389.17万元")
    assert f.values == ["6397.54万元", "6389.17万元", "6373.37万元", "6365.00万元"], (
        "合计 and 项目支出; 基本支出 agrees"
    )
    assert (f.severity, f.lines) == ("major", [240, 473, 475])


def test_000_and_the_empty_tables_raise_no_alarm(findings, parsed_seeds):
    assert [f for f in findings["000"] if f.severity != "minor"] == [], "000 adds up (its empty tables are 0)"
    for key, doc in parsed_seeds.items():
        empty = {n for t in doc.tables if t.empty for n in range(t.line_start, t.line_end + 1)}
        flagged = [f for f in findings[key] if f.kind != "missing_table" and set(f.lines) & empty]
        assert [f.message for f in flagged if "本表无数据" not in f.message] == [], (
            f"{key}: 本表无数据 means 0"
        )


# --- rounding --------------------------------------------------------------------------------------------------


def test_002_table1_function_rows_round(findings):
    f = only(findings["002"], "row_sum", "3058.08万元", "3058.09万元")
    assert f.severity == "rounding"
    assert f.values == ["3058.08万元", "3058.09万元", "2866.50万元", "2866.51万元"], (
        "2025年合计 and 当年预算安排"
    )
    assert {85, 92, 94, 116} <= set(f.lines), "the three 功能分类 rows and 本年支出合计"
    assert {128, 232} <= set(f.lines), "the same 2866.50 vs 2866.51 in 表2 and 表5 合计 joins this finding"


def test_002_table6_salaries_round(findings):
    f = only(findings["002"], "row_sum", "1005.75万元", "1005.74万元")
    assert (f.severity, f.lines) == ("rounding", list(range(260, 271))), "工资福利支出 and its ten items"


def test_003_staff_plus_office_rounds(findings):
    f = only(findings["003"], "identity", "1714.51万元", "1714.52万元")
    assert f.severity == "rounding"
    assert {161, 230, 252} <= set(f.lines), "表3, 表5 and 表6 合计 rows"
    assert "1586.22万元" in f.message and "128.29万元" in f.message


def test_004_salary_items_round_at_two_cents(findings):
    f = only(findings["004"], "row_sum", "406.52万元", "406.54万元")
    assert f.severity == "rounding", "0.02万元 is still rounding"


@pytest.mark.parametrize(
    ("a", "b", "severity"),
    [("3058.08", "3058.09", "rounding"), ("406.52", "406.54", "rounding"), ("406.52", "406.55", "major"),
     ("2.401672", "2.40", None), ("172.13", "438.68", "major")],
)  # fmt: skip
def test_money_severity(a, b, severity):
    """Up to 0.02万元 is rounding; below half a cent (24,016.72元 vs 2.40万元) the figures are the same."""
    assert money_severity(Decimal(a), Decimal(b)) == severity


# --- counts, text, layout --------------------------------------------------------------------------------------


def test_003_running_costs_cover_three_units_but_the_table_lists_one(findings):
    f = only(findings["003"], "count", "3个", "1个")
    assert (f.severity, f.lines) == ("minor", [362, 474])


def test_003_one_project_has_no_performance_sheet(findings):
    f = only(findings["003"], "count", "30个", "29个")
    assert f.lines == [389, 484] and "遗属生活困难补助" in f.message, "a sheet without a title still counts"


def test_004_twelve_sheets_announced_ten_published(findings):
    f = only(findings["004"], "count", "12个", "10个")
    assert f.lines == [361, 370, 455]
    assert "Z政务工作运行经费" in f.message and "X政务大厅二厅综合改造费" in f.message


def test_000_share_of_project_spending(findings):
    f = only(findings["000"], "text_vs_table", "6905.85万元", "6905.85万元", "99.7%")
    assert (f.severity, f.lines) == ("minor", [190, 395])
    assert "6926.05万元" in f.message, "99.7% is the share of all spending, not of 项目支出"


def test_text_in_this_years_scope_is_not_a_contradiction(findings):
    """002 line 400 gives 本年 基本支出 1482.39 / 项目支出 1384.12 (表5); 表3 includes the carry-over."""
    assert [f for f in findings["002"] if 400 in f.lines] == []


def test_unlabelled_tables_are_one_minor_finding(findings):
    f = only(findings["000"], "missing_table", "表11")
    assert (f.severity, f.values, f.lines) == ("minor", ["表11", "表12", "表13"], [275, 287, 313])
    for seed in MAJORS:
        assert len([x for x in findings[seed] if x.kind == "missing_table"]) <= 1


def test_no_contradiction_is_reported_twice(findings):
    """One finding per pair of figures, whichever tables repeat it (表2/表3/表4/表5 for 002's 2866.50)."""
    for seed, found in findings.items():
        pairs = [frozenset(f.values[:2]) for f in found if f.values and f.values[0].endswith("万元")]
        assert len(pairs) == len(set(pairs)), seed


def test_projects_match_their_sheets_despite_name_variants(parsed_seeds):
    pairs, missing, extra = match_projects(parsed_seeds["000"])
    names = {(row.label, sheet.project) for row, sheet in pairs}
    assert ("政务中心服务质量考核奖经费", "政务中心服务质量考核奖励经费") in names
    assert (len(pairs), missing, extra) == (14, [], [])
    pairs, missing, _ = match_projects(parsed_seeds["004"])
    assert ("Z网络系统、软件平台运维费", "2网络系统、软件平台运维费") in {
        (r.label, s.project) for r, s in pairs
    }
    assert [r.label for r in missing] == ["Z政务工作运行经费", "X政务大厅二厅综合改造费"]


# --- other layouts: misaligned PDF grids are not contradictions ----------------------------------------------


def _check_file(name: str) -> list[Finding]:
    doc = parse_document(read_source(shared(f"data/texts/{name}")))
    return check_document(doc, extract_facts(doc))


@pytest.mark.parametrize(
    "name",
    ["02_shanghai-putuo-shangwuwei_2025_bumen-yusuan.txt", "04_jiangsu-jianchayuan_2019_bumen-yusuan.txt",
     "05_jiangsu-zhengxie_2019_bumen-yusuan_wenjian-plus-biao.txt", "06_jiangsu-gaoyuan_2017_bumen-yusuan.txt"],
)  # fmt: skip
def test_other_layouts_raise_no_false_alarm(name):
    """Tables in 元, 类/款/项 code columns, side-by-side halves, wrapped rows: nothing here contradicts itself."""
    assert [(f.kind, f.values) for f in _check_file(name)] == []


def test_shanghai_text_states_a_grant_total_the_tables_do_not_have():
    found = _check_file("01_shanghai-putuo-caizhengju_2024_bumen-juesuan.txt")
    f = only(found, "text_vs_table", "0.30万元")
    assert (f.severity, f.lines, f.values) == ("major", [122, 214, 328], ["0.30万元", "2961.68万元"])
    share = only(found, "identity", "2106.66万元", "2940.05万元", "71.73%")
    assert share.severity == "minor", "2106.66 / 2940.05 = 71.65%, the sentence wraps over two lines"


# --- a clean synthetic budget, then one broken figure at a time ------------------------------------------------

CLEAN = """山西省测试服务局

2024年度部门预算公开

第一部分 概况

一、本部门职责

负责测试服务工作。

二、机构设置情况

核定行政编制10名。内设机构3个：办公室、财务科、业务科。

第二部分 2024年部门预算报表

预算公开表1

2024年预算收支总表

部门名称：山西省测试服务局

单位：万元

收入\t\t支出\t\t\t
项目\t2024年\t项目\t2024年合计\t当年预算安排\t上年结转安排
一、一般公共预算\t100.00\t一、一般公共服务支出\t102.00\t92.00\t10.00
二、政府性基金预算\t\t二、外交支出\t\t\t
\t\t八、社会保障和就业支出\t8.00\t8.00\t
本年收入合计\t100.00\t本年支出合计\t110.00\t100.00\t10.00
上年结转\t10.00\t年终结转\t\t\t
收入总计\t110.00\t支出总计\t110.00\t100.00\t10.00

预算公开表2

2024年预算收入总表

部门名称：山西省测试服务局

单位：万元

项目\t\t本年收入\t\t\t上年结转
科目编码\t科目名称\t合计\t一般公共预算\t政府性基金\t
合计\t\t100.00\t100.00\t\t10.00
201\t一般公共服务支出\t92.00\t92.00\t\t10.00
20103\t政府办公厅（室）及相关机构事务\t92.00\t92.00\t\t10.00
2010301\t行政运行\t40.00\t40.00\t\t
2010302\t一般行政管理事务\t52.00\t52.00\t\t10.00
208\t社会保障和就业支出\t8.00\t8.00\t\t
20805\t行政事业单位养老支出\t8.00\t8.00\t\t
2080505\t机关事业单位基本养老保险缴费支出\t8.00\t8.00\t\t

预算公开表3

2024年预算支出总表

部门名称：山西省测试服务局

单位：万元

项目\t\t2024年预算数\t\t
科目编码\t科目名称\t合计\t基本支出\t项目支出
合计\t\t110.00\t48.00\t62.00
201\t一般公共服务支出\t102.00\t40.00\t62.00
20103\t政府办公厅（室）及相关机构事务\t102.00\t40.00\t62.00
2010301\t行政运行\t40.00\t40.00\t
2010302\t一般行政管理事务\t62.00\t\t62.00
208\t社会保障和就业支出\t8.00\t8.00\t
20805\t行政事业单位养老支出\t8.00\t8.00\t
2080505\t机关事业单位基本养老保险缴费支出\t8.00\t8.00\t

预算公开表4

2024年财政拨款收支总表

部门名称：山西省测试服务局

单位：万元

收入\t\t支出\t\t\t
项目\t金额\t项目\t金额\t\t
\t\t\t小计\t一般公共预算\t政府性基金预算
一、一般公共预算\t100.00\t一、一般公共服务支出\t102.00\t102.00\t
二、政府性基金预算\t\t八、社会保障和就业支出\t8.00\t8.00\t
本年收入合计\t100.00\t本年支出合计\t110.00\t110.00\t
上年财政拨款结转\t10.00\t年终结转\t\t\t
收入总计\t110.00\t支出总计\t110.00\t110.00\t

预算公开表5

2024年一般公共预算支出预算表（不含上年结转）

部门名称：山西省测试服务局

单位：万元

项目\t\t2024年预算数\t\t
科目编码\t科目名称\t合计\t基本支出\t项目支出
合计\t\t100.00\t48.00\t52.00
201\t一般公共服务支出\t92.00\t40.00\t52.00
20103\t政府办公厅（室）及相关机构事务\t92.00\t40.00\t52.00
2010301\t行政运行\t40.00\t40.00\t
2010302\t一般行政管理事务\t52.00\t\t52.00
208\t社会保障和就业支出\t8.00\t8.00\t
20805\t行政事业单位养老支出\t8.00\t8.00\t
2080505\t机关事业单位基本养老保险缴费支出\t8.00\t8.00\t

预算公开表6

2024年一般公共预算安排基本支出分经济科目表（不含上年结转）

部门名称：山西省测试服务局

单位：万元

部门预算支出经济科目名称\t政府预算支出经济科目名称\t2024年预算数\t\t
\t\t合计\t人员经费\t公用经费
合计\t\t48.00\t38.00\t10.00
工资福利支出\t\t38.00\t38.00\t
基本工资\t工资奖金津补贴\t30.00\t30.00\t
机关事业单位基本养老保险缴费\t社会保障缴费\t8.00\t8.00\t
商品和服务支出\t\t10.00\t\t10.00
办公费\t办公经费\t6.00\t\t6.00
公务用车运行维护费\t公务用车运行维护费\t3.00\t\t3.00
公务接待费\t公务接待费\t1.00\t\t1.00

预算公开表7

2024年政府性基金预算收入表（不含上年结转）

部门名称：山西省测试服务局

单位：万元

项目\t\t政府性基金收入预算
收入科目编码\t科目名称\t
合计\t\t

注：本表无数据

预算公开表8

2024年政府性基金预算支出表（不含上年结转）

部门名称：山西省测试服务局

单位：万元

科目编码\t科目名称\t合计\t基本支出\t项目支出
合计\t\t\t\t

注：本表无数据

预算公开表9

2024年国有资本经营预算收支预算表（不含上年结转）

部门名称：山西省测试服务局

单位：万元

国有资本经营预算收入\t\t\t国有资本经营预算支出\t\t\t\t
项目\t\t国有资本经营收入预算\t科目编码\t科目名称\t合计\t基本支出\t项目支出
合计\t\t\t\t\t\t\t

注：本表无数据

预算公开表10

2024年财政拨款安排“三公”经费支出预算表

部门名称：山西省测试服务局

单位：万元

项目\t2024年预算数\t\t
\t合计\t一般公共预算\t政府性基金预算
因公出国（境）费\t\t\t
公务接待费\t1.00\t1.00\t
公务用车购置及运行费\t3.00\t3.00\t
①公务用车购置费\t\t\t
②公务用车运行维护费\t3.00\t3.00\t
合计\t4.00\t4.00\t

预算公开表11

2024年财政拨款安排机关运行经费预算表

部门名称：山西省测试服务局

单位：万元

单位名称\t2024预算数\t\t
\t合计\t一般公共预算\t政府性基金预算
部门合计\t10.00\t10.00\t
山西省测试服务局\t10.00\t10.00\t

预算公开表12

2024年项目支出预算表（本年预算）

部门名称：山西省测试服务局

单位：万元

项目名称\t合计\t2024年财政拨款\t
\t\t一般公共预算\t政府性基金预算
山西省测试服务局\t52.00\t52.00\t
办公楼物业管理费\t40.00\t40.00\t
信息系统运维经费\t12.00\t12.00\t

预算公开表13

2024年项目支出预算表（上年结转）

部门名称：山西省测试服务局

单位：万元

项目名称\t合计\t2024年财政拨款\t
\t\t一般公共预算\t政府性基金预算
山西省测试服务局\t10.00\t10.00\t
上年物业管理费尾款\t10.00\t10.00\t

第三部分 2024年度部门预算情况说明

一、部门预算收支数据变动情况及原因

2024年度山西省测试服务局预算收入总计110.00万元，其中：本年收入100.00万元，上年结转10.00万元，比上年增加10.00万元，增长10.00%，主要原因是项目增加。

二、收入预算情况说明

2024年度山西省测试服务局预算收入110.00万元，主要包括一般公共预算拨款收入100.00万元，占90.91%；上年结转10.00万元，占9.09%。

三、支出预算情况说明

2024年度山西省测试服务局支出预算110.00万元，其中：基本支出48.00万元，占43.64%；项目支出62.00万元，占56.36%。

四、财政拨款收支预算总体情况说明

2024年度山西省测试服务局财政拨款收支总预算110.00万元。支出包括：一般公共服务支出102.00万元、社会保障和就业支出8.00万元。

五、一般公共预算支出情况说明

（一）一般公共预算当年支出规模变化情况

2024年度山西省测试服务局一般公共预算当年支出100.00万元，比上年增加5.00万元，增长5.26%。

六、一般公共预算基本支出情况说明

2024年度山西省测试服务局一般公共预算安排基本支出48.00万元，其中：

人员经费38.00万元，主要包括：基本工资、机关事业单位基本养老保险缴费；

公用经费10.00万元，主要包括：办公费、公务用车运行维护费、公务接待费。

七、“三公”经费增减变动原因说明

2024年山西省测试服务局财政拨款安排的“三公”经费预算4.00万元，与上年预算数相同。其中：因公出国（境）费0万元；公务接待费1.00万元；公务用车购置及运行费3.00万元。

八、机关运行经费增减变动原因说明

本部门机关运行经费财政拨款预算10.00万元，与上年预算数相同。

十、绩效管理情况

2、项目绩效目标

2024年山西省测试服务局纳入绩效目标管理的二级项目2个，共计金额52.00万元。其中：其他运转类项目1个，涉及金额40.00万元；特定目标类项目1个，涉及金额12.00万元。公开项目绩效目标2个，涉及项目金额52.00万元，占部门（单位）项目支出总额的100%。

项目支出绩效目标表

(2024年度)

项目名称\t\t办公楼物业管理费\t\t
项目资金（元）\t实施期资金总额：\t400,000\t年度资金总额：\t400,000
绩效指标\t一级指标\t二级指标\t三级指标\t指标值
\t产出指标\t数量指标\t物业管理面积\t≥1000平方米

项目支出绩效目标表

(2024年度)

项目名称\t\t信息系统运维经费\t\t
项目资金（元）\t实施期资金总额：\t120,000\t年度资金总额：\t120,000
绩效指标\t一级指标\t二级指标\t三级指标\t指标值
\t产出指标\t数量指标\t运维系统数量\t≥3个

第四部分 名词解释

一、机关运行经费：指行政单位和参照公务员法管理的事业单位使用财政拨款安排的基本支出中的公用经费支出。
"""


def parse_text(text: str):
    lines = [Line(n, t) for n, t in enumerate(text.split("\n"), start=1)]
    source = SourceText("synthetic.txt", "synthetic.txt", lines, hashlib.sha256(text.encode()).hexdigest())
    return parse_document(source)


def check_text(text: str) -> list[Finding]:
    doc = parse_text(text)
    return check_document(doc, extract_facts(doc))


def test_clean_document_has_no_findings():
    doc = parse_text(CLEAN)
    assert [t.number for t in doc.tables] == list(range(1, 14)), "all 13 tables parsed"
    assert check_document(doc, extract_facts(doc)) == []


BROKEN = [
    # (what is changed, old → new, kind, severity, values)
    ("办公费 6.50", "办公费\t办公经费\t6.00\t\t6.00", "办公费\t办公经费\t6.50\t\t6.50",
     "row_sum", "major", ["10.50万元", "10.00万元"]),
    ("办公费 6.01", "办公费\t办公经费\t6.00\t\t6.00", "办公费\t办公经费\t6.01\t\t6.01",
     "row_sum", "rounding", ["10.01万元", "10.00万元"]),
    ("sheet 410,000元", "年度资金总额：\t400,000", "年度资金总额：\t410,000",
     "project_vs_target", "major", ["40.00万元", "410,000元"]),
    ("text 人员经费", "人员经费38.00万元", "人员经费36.00万元", "text_vs_table", "major", ["36.00万元", "38.00万元"]),
    ("公开 3 sheets", "公开项目绩效目标2个", "公开项目绩效目标3个", "count", "minor", ["3个", "2个"]),
    ("内设机构", "内设机构3个", "内设机构4个", "count", "minor", ["4个", "3个"]),
    ("表11 unlabelled", "预算公开表11\n", "", "missing_table", "minor", ["表11"]),
    ("机关运行经费", "部门合计\t10.00\t10.00\t\n山西省测试服务局\t10.00\t10.00",
     "部门合计\t12.00\t12.00\t\n山西省测试服务局\t12.00\t12.00", "identity", "major", ["12.00万元", "10.00万元"]),
    ("a share", "占43.64%", "占45.64%", "identity", "minor", ["48.00万元", "110.00万元", "45.64%"]),
    ("a change", "增长5.26%", "增长6.26%", "identity", "minor", ["5.00万元", "100.00万元", "6.26%"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "old", "new", "kind", "severity", "values"), BROKEN, ids=[b[0] for b in BROKEN]
)
def test_one_broken_figure_gives_one_finding(case, old, new, kind, severity, values):
    assert old in CLEAN, case
    found = check_text(CLEAN.replace(old, new))
    assert [(f.kind, f.severity, f.values) for f in found] == [(kind, severity, values)], case


# --- end to end --------------------------------------------------------------------------------------------------


def test_budgetqa_check_json_lists_the_majors(seed_index, capsys):
    assert [r.status for r in seed_index.reports] == ["added"] * 5
    capsys.readouterr()
    assert main(["--home", str(seed_index.home), "check", "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert all(set(r) == {"doc", "severity", "kind", "message", "lines", "values"} for r in records)
    assert {r["severity"] for r in records} == {"major", "rounding", "minor"}
    majors = {(r["doc"][:3], r["kind"], tuple(r["values"])) for r in records if r["severity"] == "major"}
    assert majors == {(seed, kind, values) for seed, found in MAJORS.items() for kind, values in found}
    basic = next(r for r in records if r["doc"].startswith("004") and "438.68万元" in r["values"])
    assert basic["lines"] == [159, 232, 258, 400, 423]
