"""Publishers' layouts: the layout data file (one check per entry) and real documents of other publishers read
right — a 决算's 决算数 (not its 行次 or 预算数), this year's 三公 (not last year's), a 合计 that is the 收入总计."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

import pytest
from conftest import shared

from rag.ingest.extract import extract_facts
from rag.ingest.parse.layouts import (
    figure_kind,
    is_index_label,
    is_row_number_header,
    layouts,
    period_of,
)
from rag.ingest.parse.tables import _is_index_row, build_table, is_generic_header, table_key
from rag.types import Fact, Line

CITIES = "data/pdfs/cities"


# --- the data file: every entry's example ---------------------------------------------------------------------


@pytest.mark.parametrize("entry", layouts()["table_keys"], ids=lambda e: e["key"] + ":" + e["example"])
def test_table_kind_example(entry):
    assert table_key(entry["example"]) == entry["key"]


def test_word_list_examples():
    data = layouts()
    assert is_generic_header(data["generic_header_words"]["example"])
    assert data["header_words"]["example"].endswith(tuple(data["header_words"]["words"]))
    assert is_row_number_header(data["row_number_headers"]["example"])
    assert is_row_number_header("行 次") and not is_row_number_header("决算数")
    assert is_index_label(data["index_row_labels"]["example"])
    assert data["summary_total_labels"]["example"] in data["summary_total_labels"]["words"]
    assert all(period_of([text], 2026) == period for text, period in data["periods"]["example"].items())
    assert all(figure_kind([text]) == kind for text, kind in data["figure_kinds"]["example"].items())
    assert set(data["standard_numbers"]) - {"_doc"} <= {e["key"] for e in data["table_keys"]}


def test_years_are_read_against_the_document_year():
    assert period_of(["2026年预算数"], 2026) == "current"
    assert period_of(["2025年预算数"], 2026) == "previous"
    assert period_of(["2025年", "合计"], 2025) == "current"
    assert period_of(["合计"], 2026) is None


def test_labelled_column_number_rows_are_not_data():
    assert _is_index_row(["栏次", "1", "2", "3", "4"])
    assert _is_index_row(["栏次", "", "1", "栏次", "", "2"])
    assert not _is_index_row(["合计", "1", "2", "3"])


def test_a_row_number_column_is_not_an_amount():
    lines = [
        Line(1, "收入\t\t\t支出\t\t"),
        Line(2, "项目\t行次\t决算数\t项目\t行次\t决算数"),
        Line(3, "栏次\t\t1\t栏次\t\t2"),
        Line(4, "一、一般公共预算财政拨款收入\t1\t296,030.91\t一、一般公共服务支出\t31\t56.00"),
        Line(5, "\t9\t\t九、卫生健康支出\t39\t1,474,833.23"),
        Line(6, "总计\t30\t2,480,372.70\t总计\t60\t2,480,372.70"),
    ]
    table = build_table("收入支出决算总表", "公开01表", lines)
    values = [(row.label, column, value) for row in table.rows for column, value, _ in row.values]
    assert ("总计", "决算数", Decimal("2480372.70")) in values
    assert all(column == "决算数" for _, column, _ in values)
    assert len(table.rows) == 3  # the 栏次 row is neither header nor data


def test_a_headerless_column_counting_the_rows_is_not_an_amount():
    """'40 | 收入总计 | 25180591.33': rows numbered down the table without a header cell of their own."""
    lines = [Line(1, "\t项目\t预算数")] + [
        Line(k + 1, f"{k}\t{label}\t{value}")
        for k, (label, value) in enumerate(
            [
                ("一、财政拨款", "120.00"),
                ("二、事业收入", "30.00"),
                ("三、其他收入", "0.00"),
                ("收入总计", "150.00"),
            ],
            start=1,
        )
    ]
    table = build_table("收支总表", "", lines)
    assert [(row.label, [str(v) for _, v, _ in row.values]) for row in table.rows][-1] == (
        "收入总计",
        ["150.00"],
    )
    assert all(len(row.values) == 1 for row in table.rows)


def test_a_final_accounts_total_is_the_actual_not_the_budget_or_the_ratio():
    """收支总表 of a 决算 with 年初预算数 | 调整预算数 | 决算数 | 完成率: the key figure is the 决算数; in a budget
    with 2025年预算数 | 2026年预算数 it is this year's."""
    from types import SimpleNamespace

    from rag.ingest.extract import _row_by_label

    lines = [
        Line(1, "项目\t年初预算数\t调整预算数\t决算数\t决算数为预算数的%"),
        Line(2, "收入总计\t100.00\t110.00\t105.00\t95.45"),
    ]
    table = build_table("收入支出决算总表", "", lines)
    final = SimpleNamespace(year=2022, kind="决算")
    assert _row_by_label(table, [("收入总计", 0)], final)[1:] == (Decimal("105.00"), "决算数")  # type: ignore[arg-type]
    lines = [Line(1, "项目\t2025年预算数\t2026年预算数\t增减变化"), Line(2, "收入总计\t90.00\t100.00\t10.00")]
    table = build_table("收支预算总表", "", lines)
    budget = SimpleNamespace(year=2026, kind="预算")
    assert _row_by_label(table, [("收入总计", 0)], budget)[1] == Decimal("100.00")  # type: ignore[arg-type]
    lines = [Line(1, "项目\t合计\t本年收入\t上年结转"), Line(2, "收入总计\t100.00\t90.00\t10.00")]
    table = build_table("收入预算总表", "", lines)  # parts of the total, not versions of it: the first stays
    assert _row_by_label(table, [("收入总计", 0)], budget)[1] == Decimal("100.00")  # type: ignore[arg-type]


# --- real documents of other publishers -----------------------------------------------------------------------


@lru_cache(maxsize=8)
def _facts(name: str) -> tuple[Fact, ...]:
    from rag.ingest.parse.document import parse_document
    from rag.ingest.readers import read_source

    return tuple(extract_facts(parse_document(read_source(shared(f"{CITIES}/{name}")))))


def _key(name: str, figure: str) -> Fact:
    facts = [f for f in _facts(name) if f.name == figure and f.origin == "table"]
    assert facts, f"no {figure} in {name}"
    return facts[0]


def _values(name: str, figures: dict[str, str]) -> dict[str, Decimal]:
    return {figure: _key(name, figure).value for figure in figures}


def _expect(figures: dict[str, str]) -> dict[str, Decimal]:
    return {figure: Decimal(value) for figure, value in figures.items()}


XIAN_JUESUAN = "xian_weijianwei_2022_juesuan.pdf"


def test_final_accounts_totals_are_the_actual_figures_not_the_row_numbers():
    """公开01表: '总计 | 30 | 2,480,372.70 | 总计 | 60 | 2,480,372.70' under 项目 | 行次 | 决算数."""
    figures = {"收入总计": "2480372.70", "支出总计": "2480372.70", "本年收入合计": "2015094.22",
               "上年结转": "465278.48"}  # fmt: skip
    assert _values(XIAN_JUESUAN, figures) == _expect(figures)
    assert _key(XIAN_JUESUAN, "收入总计").column == "决算数"
    assert not [f for f in _facts(XIAN_JUESUAN) if f.column == "行次"]


def test_final_accounts_sangong_is_the_actual_row_not_the_budget_row():
    """公开09表: 栏次 1–8, then 预算数 593.46 … 1.86 and 决算数 587.55 … 0.11 (因公出国 empty in both)."""
    figures = {"三公经费": "587.55", "因公出国（境）费": "0", "公务用车购置及运行费": "587.44",
               "公务接待费": "0.11"}  # fmt: skip
    assert _values(XIAN_JUESUAN, figures) == _expect(figures)
    budget = [f for f in _facts(XIAN_JUESUAN) if "三公" in f.table and f.row == "预算数"]
    assert Decimal("593.46") in {f.value for f in budget}  # the 预算数 stays, as its own (row's) facts


@pytest.mark.parametrize(
    ("name", "total"),
    [("chongqing_shuiliju_2026_yusuan.pdf", "186549.30"),
     ("chongqing_zhengfubangongting_2026_yusuan.pdf", "19230.18")],
)  # fmt: skip
def test_a_total_labelled_only_he_ji_is_the_income_total(name, total):
    """表一 '合计 | 186,549.30 | 合计 | 186,549.30' at the top, no 收入总计 row."""
    assert _values(name, {"收入总计": "", "支出总计": ""}) == _expect({"收入总计": total, "支出总计": total})


@pytest.mark.parametrize(
    ("name", "figures"),
    [
        # rows 2025年 37.77 … / 2026年 43.79 … / 增减变化金额
        ("shenzhen_kouanban_2026_yusuan.pdf",
         {"三公经费": "43.79", "因公出国（境）费": "36.14", "公务接待费": "1.65", "公务用车购置及运行费": "6.00"}),
        # 2025年预算数 27.32 … | 2026年预算数 24.62 … side by side in one row
        ("yantai_minzhengju_2026_yusuan.pdf",
         {"三公经费": "24.62", "因公出国（境）费": "5.00", "公务接待费": "9.54", "公务用车购置及运行费": "10.08",
          "公务用车购置费": "0"}),  # 公务用车购置经费: empty in both years
        ("chongqing_zhengfubangongting_2026_yusuan.pdf",
         {"三公经费": "394.49", "因公出国（境）费": "184.49", "公务接待费": "10.00", "公务用车购置及运行费": "200.00"}),
        # 上年 | 当年 | 增减变化情况 blocks, in 元
        ("xian_zhengfubangongting_2026_yusuan.pdf", {"三公经费": "30000.00", "公务接待费": "30000.00"}),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)  # fmt: skip
def test_this_years_sangong_not_last_years(name, figures):
    assert _values(name, figures) == _expect(figures)


def test_shenzhen_carry_over_is_read_from_its_own_label():
    """表1 '上年结余、结转 | 753.13': 本年收入合计 55,131.54 + 753.13 = 收入总计 55,884.67."""
    figures = {"收入总计": "55884.67", "本年收入合计": "55131.54", "上年结转": "753.13"}
    assert _values("shenzhen_kouanban_2026_yusuan.pdf", figures) == _expect(figures)
