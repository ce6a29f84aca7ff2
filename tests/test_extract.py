"""Key figures of every seed, asserted exactly against the documents."""

from decimal import Decimal

import pytest

KEY_FIGURES = [
    # (seed, canonical name, value, unit, line)
    ("000", "收入总计", "6926.05", "万元", 99),
    ("000", "支出总计", "6926.05", "万元", 99),
    ("000", "基本支出", "20.20", "万元", 127),
    ("000", "项目支出", "6905.85", "万元", 127),
    ("000", "上年结转", "0", "万元", 98),
    ("000", "三公经费", "0", "万元", 273),
    ("000", "编制", "44", "名", 54),
    ("001", "收入总计", "7612.17", "万元", 125),
    ("001", "上年结转", "1223.00", "万元", 124),
    ("001", "本年收入合计", "6389.17", "万元", 123),
    ("001", "三公经费", "4.50", "万元", 329),
    ("001", "编制", "21", "名", 467),
    ("001", "在职人数", "36", "名", 467),
    ("002", "收入总计", "3058.09", "万元", 118),
    ("002", "上年结转", "191.58", "万元", 117),
    ("002", "机关运行经费", "182.72", "万元", 359),
    ("002", "公用经费", "182.72", "万元", 259),
    ("002", "三公经费", "8.50", "万元", 349),
    ("002", "公务接待费", "1.50", "万元", 345),
    ("002", "公务用车", "2", "辆", 740),
    ("003", "基本支出", "1714.52", "万元", 161),
    ("003", "机关运行经费", "76.60", "万元", 361),
    ("003", "三公经费", "10.40", "万元", 351),
    ("003", "办公用房面积", "972", "平方米", 1605),
    ("004", "收入总计", "856.71", "万元", 123),
    ("004", "基本支出", "172.13", "万元", 159),
    ("004", "三公经费", "0", "万元", 337),
    ("004", "政府采购", "458.49", "万元", 445),
]


@pytest.mark.parametrize(("seed", "name", "value", "unit", "line"), KEY_FIGURES)
def test_key_figure(seed_facts, seed, name, value, unit, line):
    named = [f for f in seed_facts[seed] if f.name == name]
    assert named, f"{seed}: no {name}"
    first = named[0]
    assert (first.value, first.unit, first.line) == (Decimal(value), unit, line), f"{seed} {name}"


def test_table_rows_sample(seed_facts):
    rows = {(f.table, f.row, f.column): f.value for f in seed_facts["000"] if f.origin == "table" and not f.name}
    assert rows[("表12 项目支出预算表（本年预算）", "信息化服务费", "合计")] == Decimal("3108.00")
    assert rows[("表12 项目支出预算表（本年预算）", "政务中心房租物业费", "合计")] == Decimal("1918.00")
    assert rows[("表6 一般公共预算安排基本支出分经济科目表（不含上年结转）", "办公费", "公用经费")] == Decimal("11.00")
    coded = [f for f in seed_facts["000"] if f.code == "2010350"]
    assert {(f.table, f.value) for f in coded} >= {("表3 预算支出总表", Decimal("20.20"))}


def test_project_target_amount_in_yuan(parsed_seeds):
    target = next(t for t in parsed_seeds["000"].targets if t.project == "信息化服务费")
    assert target.annual_total_yuan == Decimal("31080000"), "31,080,000元 = 3108.00万元"
    rent = next(t for t in parsed_seeds["000"].targets if t.project == "政务中心房租物业费")
    area = next(i for i in rent.indicators if i.name == "租赁办公用房面积")
    assert (area.comparator, area.value, area.unit, area.line) == ("≥", Decimal("18826"), "平方米", 681)


def test_text_states_a_different_basic_spending(seed_facts):
    values = {f.value for f in seed_facts["004"] if f.name == "基本支出"}
    assert {Decimal("172.13"), Decimal("438.68")} <= values, "表3 vs 第三部分六 disagree in 004"


def test_staff_counts_from_the_overall_sheet(seed_facts):
    """001 states its head counts only in the 整体支出绩效目标申报表 (核定的人员编制数 21人 | 实际在职人员总数 36人);
    003 states none (its 车辆编制数为4辆 are vehicles, 梳理编制公布 is a verb)."""
    staff = [(f.name, f.value, f.unit, f.line, f.origin, f.column) for f in seed_facts["001"]
             if f.name in ("编制", "在职人数")]  # fmt: skip
    assert staff == [
        ("编制", Decimal("21"), "名", 467, "table", "核定的人员编制数"),
        ("在职人数", Decimal("36"), "名", 467, "table", "实际在职人员总数"),
    ]
    sheet = next(f for f in seed_facts["001"] if f.name == "编制").table
    assert sheet == "县(区)级预算部门(单位)整体支出绩效目标申报表"
    assert not [f for f in seed_facts["003"] if f.name in ("编制", "在职人数")]


def test_staff_counts_only_from_whole_label_cells():
    from rag.ingest.extract import staff_facts
    from rag.ingest.parse.document import parse_document
    from rag.types import Line, SourceText

    texts = [
        "山西省某某局2024年部门预算", "一、部门基本情况", "梳理编制公布“马上办”事项清单。",
        "部门基本信息\t部门名称\t山西省某某局", "\t核定编制数：12人\t在职人员数\t15",
        "公务用车\t编制数\t4\t实有数\t4", "\t车辆编制数\t4辆", "\t其中:在编人员数\t21人",
        "\t在职干部职工人数\t11人", "\t实有人数\t30人\t编制人数\t28名", "\t派驻单位在编人员考核奖发\t50人",
    ]  # fmt: skip
    lines = [Line(i + 1, t) for i, t in enumerate(texts)]
    source = SourceText(path="x.txt", name="x.txt", lines=lines, sha256="0")
    found = [(f.name, f.value, f.line) for f in staff_facts(parse_document(source))]
    assert found == [
        ("编制", Decimal("12"), 5), ("在职人数", Decimal("15"), 5),
        ("在职人数", Decimal("30"), 10), ("编制", Decimal("28"), 10),
    ]  # fmt: skip
