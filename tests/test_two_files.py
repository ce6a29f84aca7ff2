"""A disclosure published as two files (Beijing: 表 PDF + 说明 PDF), covers that wrap a name, names polluted by a
neighbouring label: on the published PDFs of ../shared/data/pdfs/cities (skipped when they are absent)."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import SHARED, shared

from rag.types import Line, SourceText

CITIES = SHARED / "data" / "pdfs" / "cities"
YILIAO = "beijing_yiliaobaozhangju_2026_yusuan"
TUIYI = "beijing_tuiyijunren_2026_yusuan"


def city(name: str) -> Path:
    return shared(f"data/pdfs/cities/{name}")


def copied(folder: Path, *names: str, rename: dict[str, str] | None = None) -> Path:
    """Copies of city PDFs alone in `folder` (no other file beside them), renamed on request."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(city(name), folder / (rename or {}).get(name, name))
    return folder


def indexer_at(home: Path):
    from rag.ingest.build import Indexer
    from rag.settings import Settings

    return Indexer(Settings(home=home))


def test_part_suffixes_are_data_and_pair_the_beijing_files():
    from rag.ingest.pairs import PART_SUFFIXES, pair_parts, part_of

    assert {"wenjian", "shuoming", "wenzi", "text"} <= set(PART_SUFFIXES["narrative"])
    assert {"biao", "biaoge", "tables"} <= set(PART_SUFFIXES["tables"])
    assert part_of(Path("x/a_2026_yusuan_shuoming.pdf")) == ("a_2026_yusuan", "narrative")
    assert part_of(Path("x/a_2026_yusuan-Tables.pdf")) == ("a_2026_yusuan", "tables")
    assert part_of(Path("x/a_2026_yusuan.pdf")) is None
    city(f"{YILIAO}_biao.pdf")
    units = [tuple(p.name for p in unit) for unit in pair_parts(sorted(CITIES.glob("*.pdf")))]
    assert (f"{YILIAO}_shuoming.pdf", f"{YILIAO}_biao.pdf") in units
    assert (f"{TUIYI}_shuoming.pdf", f"{TUIYI}_biao.pdf") in units
    assert len(units) == 22


def test_beijing_narrative_and_tables_pdfs_are_one_document(tmp_path):
    from rag.ingest.build import source_file_of

    folder = copied(tmp_path / "pdfs", f"{YILIAO}_shuoming.pdf", f"{YILIAO}_biao.pdf")
    indexer = indexer_at(tmp_path / "home")
    reports = indexer.ingest([folder])
    assert [r.status for r in reports] == ["added", "added"] and {r.doc for r in reports} == {YILIAO}
    assert all("incomplete" not in r.message for r in reports), reports[0].message
    (row,) = indexer.store.documents()
    assert (row["department"], row["year"], row["kind"], row["scope"]) == ("北京市医疗保障局", 2026, "预算", "部门")
    # 收入总计 of 预算01表 收支总表 (tables PDF, page 1: 110,896.619602 万元); the narrative rounds it (110896.62)
    table_total = next(f for f in indexer.store.facts(name="收入总计") if f["origin"] == "table")
    assert (table_total["value"], table_total["unit"], table_total["page"]) == (Decimal("110896.619602"), "万元", 1)
    assert source_file_of(indexer.store, YILIAO, table_total["line"]) == (f"{YILIAO}_biao.pdf", 1)
    text_total = next(f for f in indexer.store.facts(name="收入总计") if f["origin"] == "text")
    assert text_total["value"] == Decimal("110896.62")
    assert source_file_of(indexer.store, YILIAO, text_total["line"])[0] == f"{YILIAO}_shuoming.pdf"
    sangong = next(f for f in indexer.store.facts(name="三公经费") if f["origin"] == "table")
    assert sangong["value"] == Decimal("77.6726") and source_file_of(indexer.store, YILIAO, sangong["line"])[1] == 11
    # both files' line spans: the narrative's lines 1…N, a blank and a marker line, then the tables' lines
    narrative, tables = indexer.stored_parts(YILIAO)
    assert (narrative["name"], narrative["first"], tables["name"]) == (f"{YILIAO}_shuoming.pdf", 1, f"{YILIAO}_biao.pdf")
    assert tables["first"] == narrative["last"] + 3 and tables["last"] == row["n_lines"]
    assert indexer.store.lines(YILIAO, tables["first"], tables["first"])[0]["text"].startswith("预算01表")
    assert [r.status for r in indexer.ingest([folder / f"{YILIAO}_biao.pdf"])] == ["unchanged"]


def test_each_half_alone_is_accepted_and_halves_named_otherwise_join_by_content(tmp_path):
    indexer = indexer_at(tmp_path / "home")
    [tables] = indexer.ingest([copied(tmp_path / "t", f"{YILIAO}_biao.pdf")])
    assert tables.status == "added", tables.message
    assert "incomplete" not in tables.message and "tables half" in tables.message
    (row,) = indexer.store.documents()
    assert (row["department"], row["year"], row["kind"]) == ("北京市医疗保障局", 2026, "预算")
    assert any(f["value"] == Decimal("110896.619602") for f in indexer.store.facts(name="收入总计"))

    alone = indexer_at(tmp_path / "home2")
    [narrative] = alone.ingest([copied(tmp_path / "n", f"{YILIAO}_shuoming.pdf")])
    assert narrative.status == "added" and "incomplete" not in narrative.message, narrative.message
    assert alone.store.documents()[0]["department"] == "北京市医疗保障局"

    # the narrative under a name that pairs with nothing: same department and year, tables-only + narrative-only
    folder = copied(tmp_path / "other", f"{YILIAO}_shuoming.pdf", rename={f"{YILIAO}_shuoming.pdf": "北京医保局说明.pdf"})
    [merged] = indexer.ingest([folder])
    assert merged.status == "replaced" and f"merged with {YILIAO}_biao.pdf into" in merged.message, merged.message
    (row,) = indexer.store.documents()
    assert [p["name"] for p in indexer.stored_parts(row["doc"])] == ["北京医保局说明.pdf", f"{YILIAO}_biao.pdf"]


def test_halves_of_two_departments_are_not_joined(tmp_path):
    folder = copied(tmp_path / "pdfs", f"{YILIAO}_shuoming.pdf", f"{TUIYI}_biao.pdf",
                    rename={f"{YILIAO}_shuoming.pdf": "x_2026_shuoming.pdf", f"{TUIYI}_biao.pdf": "x_2026_biao.pdf"})
    reports = indexer_at(tmp_path / "home").ingest([folder])
    assert [r.status for r in reports] == ["added", "added"]
    assert all("not merged: the tables are for 北京市退役军人事务局" in r.message for r in reports), reports[0].message


def test_quanzhou_cover_name_over_two_lines_is_read():
    from rag.ingest.parse.document import parse_document
    from rag.ingest.readers import read_source

    document = parse_document(read_source(city("quanzhou_shijianjiance-zhongxin_2026_yusuan.pdf")))
    assert (document.department, document.year, document.kind, document.scope) == (
        "泉州市市场监管综合监测与技术保障中心", 2026, "预算", "单位")  # fmt: skip


def _source(*texts: str) -> SourceText:
    lines = [Line(n, text, 1) for n, text in enumerate(texts, start=1)]
    return SourceText(path="x.txt", name="x.txt", lines=lines, sha256="0", encoding="utf-8", source_kind="text")


@pytest.mark.parametrize("meta_line", ["部门：国家信访局 金额单位：万元", "编制部门：国家信访局  金额单位：万元",
                                       "单位名称：国家信访局单位：万元", "部门名称\t国家信访局 金额单位"])  # fmt: skip
def test_a_name_followed_by_a_unit_label_is_cut(meta_line):
    from rag.ingest.parse.meta import cut_at_label, detect_metadata

    assert cut_at_label("国家信访局 金额单位") == "国家信访局"
    source = _source("预算01表 收支总表", "（2024年度）", meta_line, "项目\t预算数", "收入总计\t1.00")
    department, year, kind, _, _ = detect_metadata(source, None)
    assert (department, year, kind) == ("国家信访局", 2024, "预算")
