"""The parser on the bundled seeds (Shanxi 13-table layout) and on the other provinces' texts in ../shared/data.

Every expected value below was read off the document itself (line numbers are the file's own)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from conftest import SEEDS as SEED_PATHS
from conftest import SHARED, needs_shared, shared

from rag.ingest.extract import extract_facts
from rag.ingest.parse.document import parse_document, table_display_title
from rag.ingest.readers import read_source

SEED_META = {  # department as ../shared/data/SOURCES.md names it, year, kind, scope
    "000": ("山西转型综合改革示范区政务服务中心（山西转型综合改革示范区公共资源交易中心）", 2024, "预算", "部门"),
    "001": ("山西转型综合改革示范区晋中开发区经济运行与安全监管部", 2024, "预算", "部门"),
    "002": ("山西省政务服务中心", 2025, "预算", "单位"),
    "003": ("吕梁市行政审批服务管理局", 2023, "预算", "部门"),
    "004": ("大同市政务服务中心", 2025, "预算", "单位"),
}
STANDARD_KEYS = [
    "收支总表", "收入总表", "支出总表", "财政拨款收支总表", "一般公共预算支出", "基本支出经济分类", "政府性基金收入",
    "政府性基金支出", "国有资本经营", "三公经费", "机关运行经费", "项目支出本年", "项目支出结转",
]  # fmt: skip
TABLE_SPANS = {  # (first line = title, last line) of 表1 … 表13
    "000": [(60, 99), (103, 115), (119, 131), (137, 180), (184, 194), (198, 216), (220, 230), (234, 243),
            (247, 256), (260, 273), (275, 283), (287, 311), (313, 323)],
    "001": [(84, 125), (127, 154), (156, 183), (185, 230), (232, 257), (259, 278), (280, 290), (292, 301),
            (303, 314), (316, 329), (331, 341), (343, 366), (368, 380)],
    "002": [(77, 118), (120, 147), (149, 175), (177, 222), (224, 249), (251, 294), (296, 306), (308, 317),
            (321, 332), (336, 349), (351, 360), (362, 379), (381, 393)],
    "003": [(88, 129), (131, 151), (153, 173), (175, 220), (222, 242), (244, 296), (298, 308), (310, 319),
            (323, 334), (338, 351), (353, 362), (364, 403), (405, 415)],
    "004": [(81, 123), (125, 149), (151, 175), (177, 222), (224, 248), (250, 280), (282, 292), (294, 303),
            (307, 318), (322, 337), (339, 348), (350, 371), (373, 383)],
}  # fmt: skip
EMPTY_TABLES = {  # 本表无数据 (or no figure at all): the table says its amounts are 0 / not arranged
    "000": {7, 8, 9, 10, 11, 13},
    "001": {7, 8, 9, 11},
    "002": {7, 8, 9},
    "003": {7, 8, 9, 13},
    "004": {7, 8, 9, 10, 13},
}
GLOSSARY = ["基本支出", "项目支出", "三公经费", "机关运行经费", "政府购买服务", "财政专户管理资金", "单位资金", "上年结转",
            "一般公共预算", "政府性基金预算", "国有资本经营预算", "财政拨款"]  # fmt: skip
ROWS = [  # (seed, table number, line, row label, column, value): cells as printed
    ("000", 1, 99, "收入总计", "2024年", "6926.05"),
    ("000", 3, 127, "合计", "基本支出", "20.20"),
    ("000", 3, 127, "合计", "项目支出", "6905.85"),
    ("001", 1, 124, "上年结转", "2024年", "1223.00"),
    ("001", 10, 326, "公务用车购置及运行费", "合计", "4.50"),
    ("002", 10, 345, "公务接待费", "合计", "1.50"),
    ("002", 11, 359, "部门合计", "合计", "182.72"),
    ("003", 11, 361, "部门合计", "合计", "76.60"),
    ("004", 6, 258, "合计", "人员经费", "424.44"),
    ("004", 6, 259, "工资福利支出", "合计", "406.54"),
]
SECTIONS = [  # (seed, heading, level, first line, last line)
    ("000", "一、本部门职责", 1, 48, 50),
    ("000", "二、机构设置情况", 1, 52, 54),
    ("000", "第三部分 2024年度部门预算情况说明", 0, 326, 326),
    ("001", "二、收入预算情况说明", 1, 389, 393),
    ("003", "七、“三公”经费增减变动原因说明", 1, 462, 468),
    ("004", "二、机构设置情况", 1, 69, 75),
]


@pytest.mark.parametrize("seed", sorted(SEED_META))
def test_seed_metadata(parsed_seeds, seed):
    doc = parsed_seeds[seed]
    assert (doc.department, doc.year, doc.kind, doc.scope) == SEED_META[seed]
    assert doc.title == f"{SEED_META[seed][0]}{doc.year}年度{doc.scope}预算公开", "the cover, joined over its lines"


@pytest.mark.parametrize("seed", sorted(SEED_META))
def test_seed_has_the_13_standard_tables_in_order(parsed_seeds, seed):
    standard = [t for t in parsed_seeds[seed].tables if t.key != "other"]
    assert [(t.key, t.number) for t in standard] == [(key, n) for n, key in enumerate(STANDARD_KEYS, start=1)]
    assert [(t.line_start, t.line_end) for t in standard] == TABLE_SPANS[seed]
    assert {t.unit for t in standard} == {"万元"}
    assert {t.number for t in standard if t.empty} == EMPTY_TABLES[seed]


def test_unlabeled_tables_take_their_number_from_the_toc(parsed_seeds):
    # 000 prints 预算公开表1…10 but not 11–13; its TOC lists 表十一…表十三
    tables = {t.number: t for t in parsed_seeds["000"].tables}
    assert (tables[12].label, table_display_title(tables[12])) == ("", "表12 项目支出预算表（本年预算）")
    assert (tables[9].label, tables[10].label) == ("部门公开表9", "预算公开表10")


def test_a_performance_sheet_is_not_a_standard_table(parsed_seeds):
    other = [t for t in parsed_seeds["001"].tables if t.key == "other"]
    assert [(t.title, t.number, t.line_start) for t in other] == [("县(区)级预算部门(单位)整体支出绩效目标申报表", None, 461)]


def test_empty_table_is_marked_and_keeps_its_note(parsed_seeds):
    sangong = parsed_seeds["000"].table("三公经费")
    assert (sangong.empty, sangong.note) == (True, "注：本表无数据")
    assert [row.label for row in sangong.rows] == ["因公出国（境）费", "公务接待费", "公务用车购置及运行费",
                                                   "①公务用车购置费", "②公务用车运行维护费", "合计"]  # fmt: skip


@pytest.mark.parametrize(("seed", "number", "line", "label", "column", "value"), ROWS)
def test_seed_table_cells(parsed_seeds, seed, number, line, label, column, value):
    table = next(t for t in parsed_seeds[seed].tables if t.number == number)
    row = next(r for r in table.rows if r.line == line)
    assert row.label == label
    assert (column, Decimal(value), label) in row.values


def test_split_codes_and_single_cell_rows(parsed_seeds):
    income = parsed_seeds["000"].table("收入总表")
    assert [(r.code, r.label) for r in income.rows] == [
        (None, "合计"), ("201", "一般公共服务支出"), ("20103", "政府办公厅（室）及相关机构事务"),
        ("2010302", "一般行政管理事务"), ("2010350", "事业运行"),
    ]  # fmt: skip
    summary = parsed_seeds["000"].table("收支总表")
    assert next(r for r in summary.rows if r.line == 98).cells == ["上年结转", "", "年终结转", "", "", ""], (
        "a row of labels only stays a row (not merged into the row above)"
    )


@pytest.mark.parametrize("seed", sorted(SEED_META))
def test_seed_glossary(parsed_seeds, seed):
    assert [g.term for g in parsed_seeds[seed].glossary] == GLOSSARY


def test_glossary_term_without_colon(parsed_seeds):
    term = next(g for g in parsed_seeds["000"].glossary if g.term == "国有资本经营预算")
    assert (term.line_start, term.line_end, term.definition) == (1032, 1032, "是对国有资本收益作出支出安排的收支预算。")


@pytest.mark.parametrize(("seed", "heading", "level", "start", "end"), SECTIONS)
def test_seed_sections(parsed_seeds, seed, heading, level, start, end):
    section = next(s for s in parsed_seeds[seed].sections if s.heading == heading)
    assert (section.level, section.line_start, section.line_end) == (level, start, end)


def test_toc_is_not_a_section(parsed_seeds):
    doc = parsed_seeds["000"]
    assert not [s for s in doc.sections if 9 <= s.line_start <= 44], "lines 9–44 are the 目录"


# --- the other layouts ------------------------------------------------------------------------------------------
TEXTS = SHARED / "data" / "texts"
TEXT_FILES = [  # file, department, year, kind, scope, 收入总计 (value, unit, line, origin) — None: not stated
    ("01_shanghai-putuo-caizhengju_2024_bumen-juesuan.txt", "上海市普陀区财政局", 2024, "决算", "部门",
     ("2995.39", "万元", 122, "table")),
    ("02_shanghai-putuo-shangwuwei_2025_bumen-yusuan.txt", "上海市普陀区商务委员会", 2025, "预算", "部门",
     ("371514655.00", "元", 158, "table")),
    ("03_shanghai-putuo-zhengfuban_2025_danwei-yusuan.txt", "上海市普陀区人民政府办公室", 2025, "预算", "单位",
     ("91016775.35", "元", 127, "table")),
    ("04_jiangsu-jianchayuan_2019_bumen-yusuan.txt", "江苏省人民检察院", 2019, "预算", "部门",
     ("24169.74", "万元", 312, "table")),
    ("05_jiangsu-zhengxie_2019_bumen-yusuan_wenjian-plus-biao.txt", "江苏省政协办公厅", 2019, "预算", "部门",
     ("13377.11", "万元", 449, "table")),
    ("06_jiangsu-gaoyuan_2017_bumen-yusuan.txt", "江苏省高级人民法院", 2017, "预算", "部门",
     ("28849.38", "万元", 280, "table")),
    ("07_chongqing-jiaowei_2018_bumen-yusuan-shuoming_html.txt", "重庆市交通委员会", 2018, "预算", "部门", None),
    ("jiangsu_gaoyuan_2018_yusuan.txt", "江苏省高级人民法院", 2018, "预算", "部门", ("33172.15", "万元", 208, "table")),
    ("jiangsu_gaoyuan_2019_yusuan.txt", "江苏省高级人民法院", 2019, "预算", "部门", ("37188.34", "万元", 189, "table")),
    ("jiangsu_jianchayuan_2017_yusuan.txt", "江苏省人民检察院", 2017, "预算", "部门", ("17996.68", "万元", 224, "table")),
    ("jiangsu_jianchayuan_2018_yusuan.txt", "江苏省人民检察院", 2018, "预算", "部门", ("21955.35", "万元", 319, "table")),
    ("jiangsu_renda-changweihui_2019_yusuan_biao.txt", "江苏省人大常委会办公厅", 2019, "预算", "部门",
     ("18330.37", "万元", 28, "table")),
    ("jiangsu_renda-changweihui_2019_yusuan_wenjian.txt", "江苏省人大常委会办公厅", 2019, "预算", "部门",
     ("18330.37", "万元", 136, "text")),
    ("jiangsu_shengwei-bangongting_2019_yusuan_biao.txt", "中共江苏省委办公厅", 2019, "预算", "部门",
     ("27664.22", "万元", 28, "table")),
    ("jiangsu_shengwei-bangongting_2019_yusuan_wenjian.txt", "江苏省委办公厅", 2019, "预算", "部门",
     ("27664.22", "万元", 111, "text")),
    ("shanghai_putuo_guihuaziyuan_2024_juesuan.txt", "上海市普陀区规划和自然资源局", 2024, "决算", "部门",
     ("9859.38", "万元", 131, "table")),
    ("shanghai_putuo_shangwu_unit_2025_yusuan.txt", "上海市普陀区商务委员会", 2025, "预算", "单位",
     ("371514655.00", "元", 156, "table")),
    ("shanghai_putuo_shehuigongzuobu_2024_juesuan.txt", "中共上海市普陀区委社会工作部", 2024, "决算", "部门",
     ("307.82", "万元", 90, "table")),
    ("shanghai_putuo_wanli_2024_yusuan.txt", "上海市普陀区人民政府万里街道办事处", 2024, "预算", "部门",
     ("156211123", "元", 175, "table")),
    ("shanghai_putuo_wanli_2025_yusuan.txt", "上海市普陀区人民政府万里街道办事处", 2025, "预算", "部门",
     ("189767551", "元", 135, "table")),
    ("shanghai_putuo_zhengfuban_dept_2025_yusuan.txt", "上海市普陀区人民政府办公室", 2025, "预算", "部门",
     ("91016775.35", "元", 110, "table")),
]  # fmt: skip


@pytest.fixture(scope="module")
def parsed_texts():
    """Each texts/ file parsed once: {name: (Document, facts)}."""
    texts = shared("data/texts")
    out = {}
    for name, *_ in TEXT_FILES:
        doc = parse_document(read_source(texts / name))
        out[name] = (doc, extract_facts(doc))
    return out


@pytest.mark.parametrize(("name", "department", "year", "kind", "scope", "total"), TEXT_FILES)
def test_text_file_metadata_and_total(parsed_texts, name, department, year, kind, scope, total):
    doc, facts = parsed_texts[name]
    assert (doc.department, doc.year, doc.kind, doc.scope) == (department, year, kind, scope)
    stated = [f for f in facts if f.name == "收入总计"]
    if total is None:
        assert stated == [], f"{name} states no 收入总计"
        return
    value, unit, line, origin = total
    assert (stated[0].value, stated[0].unit, stated[0].line, stated[0].origin) == (Decimal(value), unit, line, origin)


def test_narrative_only_page_states_its_general_budget_income(parsed_texts):
    doc, facts = parsed_texts["07_chongqing-jiaowei_2018_bumen-yusuan-shuoming_html.txt"]
    assert doc.tables == []
    income = [(f.value, f.line) for f in facts if f.name == "一般公共预算拨款"]
    assert income == [(Decimal("324970.32"), 32)], "一般公共预算财政拨款收入324970.32万元; no total is stated"
    assert not [f for f in facts if f.name == "收入总计"], "not the 政府采购预算总额 of line 37"


def test_tables_in_yuan_text_in_wan(parsed_texts):
    doc, facts = parsed_texts["02_shanghai-putuo-shangwuwei_2025_bumen-yusuan.txt"]
    assert [(t.number, t.unit) for t in doc.tables] == [(n, "元") for n in range(1, 9)] + [(9, "万元")]
    totals = [(f.value, f.unit, f.origin) for f in facts if f.name == "收入总计"]
    assert totals == [(Decimal("371514655.00"), "元", "table"), (Decimal("37151.47"), "万元", "text")], (
        "371,514,655元 = 37,151.47万元"
    )


def test_shanghai_toc_numbers_and_titles(parsed_texts):
    doc, _ = parsed_texts["03_shanghai-putuo-zhengfuban_2025_danwei-yusuan.txt"]
    assert [table_display_title(t) for t in doc.tables] == [
        "表1 预算单位财务收支预算总表", "表2 预算单位收入预算总表", "表3 预算单位支出预算总表",
        "表4 预算单位财政拨款收支预算总表", "表5 预算单位一般公共预算支出功能分类预算表",
        "表6 预算单位政府性基金预算支出功能分类预算表", "表7 预算单位国有资本经营预算支出功能分类预算表",
        "表8 预算单位一般公共预算基本支出部门预算经济分类预算表", "表9 单位“三公”经费和机关运行经费预算表",
    ]  # fmt: skip
    assert doc.tables[0].line_start == 114, "the TOC entries (lines 10–18) are not tables"


def test_jiangsu_labels_and_wrapped_cells(parsed_texts):
    doc, _ = parsed_texts["jiangsu_jianchayuan_2018_yusuan.txt"]
    assert [(t.label, t.number) for t in doc.tables[:3]] == [("公开01表", 1), ("公开02表", 2), ("公开03表", 3)]
    summary = doc.table("收支总表")
    row = next(r for r in summary.rows if r.line == 287)
    assert (row.cells[0], row.values[0][1]) == ("1.一般公共预算", Decimal("21940.96")), (
        "'1.一般公共预' / value on the next row / '算' two rows down: one row"
    )
    assert next(r for r in summary.rows if r.line == 290).cells[6] == "三、单位预留机动经费"
    wages = next(r for r in doc.table("基本支出经济分类").rows if r.line == 382)
    assert (wages.label, wages.values[0][1]) == ("工资福利支出", Decimal("10204.52")), "amount printed a row below"


def test_tables_only_file_with_combined_title_lines(parsed_texts):
    doc, _ = parsed_texts["jiangsu_renda-changweihui_2019_yusuan_biao.txt"]
    assert doc.title == "江苏省人大常委会办公厅2019年度部门预算", "no cover: composed from the labels and titles"
    first = doc.tables[0]
    assert (first.title, first.label, first.number, first.line_start, first.unit) == ("收支预算总表", "公开表一", 1, 1, "万元")
    assert [t.number for t in doc.tables] == list(range(1, 13))


def test_final_accounts_take_the_actual_figures(parsed_texts):
    doc, facts = parsed_texts["shanghai_putuo_guihuaziyuan_2024_juesuan.txt"]
    assert doc.kind == "决算"
    sangong = {f.name: (f.value, f.column, f.line) for f in facts if f.table.endswith("“三公”经费支出决算表") and f.name}
    assert sangong["三公经费"] == (Decimal("0.39"), "财政拨款“三公”经费 合计 决算数", 317), "预算数 2.85, 决算数 0.39"
    assert sangong["公务接待费"] == (Decimal("0.39"), "公务接待费 决算数", 317)
    assert sangong["因公出国（境）费"][0] == Decimal("0.00")


SANGONG = [  # file, (三公经费, 因公出国（境）费, 公务接待费, 公务用车购置及运行费, 购置费, 运行维护费) in 万元
    ("02_shanghai-putuo-shangwuwei_2025_bumen-yusuan.txt", ("1.00", "0", "1.00", "0", "0", "0")),
    ("03_shanghai-putuo-zhengfuban_2025_danwei-yusuan.txt", ("867.50", "839.00", "28.50", "0", "0", "0")),
    ("04_jiangsu-jianchayuan_2019_bumen-yusuan.txt", ("418.26", "80", "101.26", "237", "0", "237")),
    ("06_jiangsu-gaoyuan_2017_bumen-yusuan.txt", ("670.12", "180.00", "185.72", "304.40", "0", "304.40")),
    ("jiangsu_gaoyuan_2018_yusuan.txt", ("620.75", "170.00", "183.95", "266.80", "0", "266.80")),
    ("jiangsu_jianchayuan_2017_yusuan.txt", ("584.35", "110.00", "156.55", "317.80", "50.00", "267.80")),
    ("shanghai_putuo_wanli_2024_yusuan.txt", ("47.91", "0", "1.35", "46.56", "25", "21.56")),
]
SANGONG_NAMES = ["三公经费", "因公出国（境）费", "公务接待费", "公务用车购置及运行费", "公务用车购置费", "公务用车运行维护费"]


@pytest.mark.parametrize(("name", "values"), SANGONG)
def test_sangong_items_as_columns_of_one_row(parsed_texts, name, values):
    _, facts = parsed_texts[name]
    got = {f.name: f.value for f in facts if f.origin == "table" and f.name in SANGONG_NAMES}
    assert [got.get(n) for n in SANGONG_NAMES] == [Decimal(v) for v in values]


def test_html_page_reads_like_its_text_export():
    page = parse_document(read_source(shared("data/html/chongqing_jiaowei_2018_yusuan_shuoming.html")))
    export = "data/texts/07_chongqing-jiaowei_2018_bumen-yusuan-shuoming_html.txt"
    text = parse_document(read_source(shared(export)))
    assert (page.department, page.year, page.title) == (text.department, text.year, text.title)
    assert page.title == "重庆市交通委员会2018年部门预算情况说明", "no breadcrumb (当前位置：首页 > …) in the title"
    assert [s.heading for s in page.sections] == [s.heading for s in text.sections]
    assert [g.term for g in page.glossary] == ["财政拨款收入", "其他收入", "基本支出", "项目支出", "三公经费"]


def test_every_shared_text_parses():
    names = sorted(p.name for p in shared("data/texts").iterdir())
    assert names == sorted(name for name, *_ in TEXT_FILES), "a new texts/ file needs its row above"


def test_not_a_budget_document(tmp_path: Path):
    from rag.errors import ParseError

    path = tmp_path / "notes.txt"
    path.write_text("会议纪要\n\n今天讨论了下周的工作安排。\n", encoding="utf-8")
    with pytest.raises(ParseError) as caught:
        parse_document(read_source(path))
    assert str(caught.value) == (
        "notes.txt: no budget title with a year (such as 2024年度部门预算) on the cover or in the table titles "
        "(is this a budget document?)"
    )


# --- robustness ---------------------------------------------------------------------------------------------------
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from rag.errors import InputError, ParseError  # noqa: E402
from rag.ingest.readers.text import lines_from_text  # noqa: E402
from rag.types import SourceText  # noqa: E402

REAL_LINES = sorted(
    {line for path in [*SEED_PATHS, *TEXTS.iterdir()] for line in path.read_text(encoding="utf-8").split("\n")}
    if TEXTS.exists() else set()
)
TOKENS = ["\t", "\n", "表", "2024年度", "部门预算", "决算", "部门名称：", "单位：万元", "单位：元", "合计", "总计", "收入总计",
          "三公", "一、", "（一）", "第一部分", "目 录", "公开01表", "预算公开表3", "201", "2010302", "6,926.05", "0.00",
          "本表无数据", "名词解释", "：", "项目支出绩效目标表", "年度资金总额", "≥18826平米", " "]  # fmt: skip


def source_of(text: str) -> SourceText:
    return SourceText(path="fuzz.txt", name="fuzz.txt", lines=lines_from_text(text), sha256="0" * 64)


def check_document_shape(doc) -> None:
    """What a parsed document promises whatever its input: metadata, spans inside the text, facts extractable."""
    assert doc.department and 2000 <= doc.year <= 2099 and doc.kind in {"预算", "决算"} and doc.scope in {"部门", "单位"}
    last = len(doc.lines)
    for table in doc.tables:
        assert 1 <= table.line_start <= table.line_end <= last
        assert all(table.line_start < row.line <= table.line_end for row in table.rows)
    for section in doc.sections:
        assert 1 <= section.line_start <= section.line_end <= last
    extract_facts(doc)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=6)), max_size=120).map("".join))
def test_arbitrary_text_parses_or_raises_a_parse_error(text):
    try:
        doc = parse_document(source_of(text))
    except InputError:  # ParseError is an InputError: a message naming the file, never a crash
        return
    check_document_shape(doc)


@needs_shared("data/texts")  # the lines of the seeds and of the other layouts
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(REAL_LINES), max_size=250))
def test_any_mix_of_real_lines_parses_or_raises_a_parse_error(lines):
    try:
        doc = parse_document(source_of("\n".join(lines)))
    except ParseError:
        return
    check_document_shape(doc)
