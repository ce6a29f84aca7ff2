"""Chunks of the real seeds: boundaries, row groups, metadata, stable ids, no personal data."""

from __future__ import annotations

import itertools
import re
from dataclasses import replace

import pytest

from rag.ingest.chunk import EMBED_CHARS, chunk_document
from rag.ingest.parse.document import table_display_title
from rag.store.nodes import chunk_metadata, chunk_to_node
from rag.types import Line

DEPT_000 = "山西转型综合改革示范区政务服务中心（山西转型综合改革示范区公共资源交易中心）"


@pytest.fixture(scope="module")
def seed_chunks(parsed_seeds):
    return {key: chunk_document(doc) for key, doc in parsed_seeds.items()}


def by_title(chunks, title):
    return [c for c in chunks if c.title == title]


def test_budget_summary_table_is_one_chunk_with_title_unit_header_and_rows(seed_chunks):
    (table,) = by_title(seed_chunks["000"], "表1 预算收支总表")
    assert (table.line_start, table.line_end) == (60, 99), "title line to 收入总计"
    assert table.chunk_type == "table" and table.part == "表1 预算收支总表"
    assert (table.doc, table.department, table.year, table.kind) == (
        "000_6dee0b581eefac2d.txt",
        DEPT_000,
        2024,
        "预算",
    )
    lines = table.text.split("\n")
    assert lines[:3] == [f"{DEPT_000} 2024年部门预算", "表1 预算收支总表（单位：万元）", "2024年预算收支总表"]
    assert "项目\t2024年\t项目\t2024年合计\t当年预算安排\t上年结转安排" in lines, "header"
    assert lines[-1] == "收入总计\t6926.05\t支出总计\t6926.05\t6926.05", "line 99 as printed"


def test_embed_text_carries_labels_not_columns_of_digits(seed_chunks):
    (table,) = by_title(seed_chunks["000"], "表1 预算收支总表")
    assert table.embed_text.endswith(
        "项目：一、一般公共预算、一、一般公共服务支出、本年收入合计、本年支出合计、收入总计、支出总计"
    )
    assert "6926.05" not in table.embed_text, "amounts stay in `text` only"
    assert "二十、住房保障支出" not in table.embed_text, "rows without figures are not embedded"
    assert DEPT_000 not in table.embed_text, "the department is a filter, not what a passage is about"
    for chunks in seed_chunks.values():
        for chunk in chunks:
            assert len(chunk.embed_text) <= EMBED_CHARS + 60, chunk.id
            if chunk.chunk_type == "table":
                assert not re.search(r"\d\.\d", chunk.embed_text), (
                    f"{chunk.id}: an amount in {chunk.embed_text}"
                )


@pytest.mark.parametrize(("title", "header"), [
    ("表6 一般公共预算安排基本支出分经济科目表（不含上年结转）", "部门预算支出经济科目名称\t政府预算支出经济科目名称\t2023年预算数"),
    ("表12 项目支出预算表（本年预算）", "项目名称\t合计\t2023年财政拨款"),
])  # fmt: skip
def test_long_table_is_row_groups_that_repeat_title_unit_and_header(parsed_seeds, seed_chunks, title, header):
    table = next(t for t in parsed_seeds["003"].tables if table_display_title(t) == title)
    groups = by_title(seed_chunks["003"], title)
    assert len(groups) >= 2, "44 rows (表6), 30 project names (表12): too many labels for one embedding"
    assert (groups[0].line_start, groups[-1].line_end) == (table.line_start, table.line_end)
    for a, b in itertools.pairwise(groups):
        assert b.line_start == a.line_end + 1, "groups cover the table without gap or overlap"
    doc = parsed_seeds["003"]
    for row in table.rows:
        holders = [g for g in groups if doc.line_text(row.line).strip() in g.text.split("\n")]
        assert len(holders) == 1 and holders[0].line_start <= row.line <= holders[0].line_end, row.label
    for n, group in enumerate(groups, start=1):
        assert f"{title}（第{n}/{len(groups)}部分）（单位：万元）" in group.text
        assert any(line.startswith(header) for line in group.text.split("\n")), "header repeated"
        assert group.embed_text.startswith(f"{title}（第{n}/{len(groups)}部分）")
    embedded = "".join(g.embed_text for g in groups)
    for row in table.rows:
        if row.values and row.label:
            assert row.label in embedded, f"{row.label}: every row label with a figure is embedded"


def test_empty_table_keeps_its_note_and_row_labels(seed_chunks):
    (chunk,) = by_title(seed_chunks["000"], "表10 财政拨款安排“三公”经费支出预算表")
    assert (chunk.line_start, chunk.line_end) == (260, 273)
    assert "注：本表无数据" in chunk.text
    assert "本表无数据" in chunk.embed_text and "公务接待费" in chunk.embed_text


def test_section_chunk_has_heading_path_and_text(seed_chunks):
    (chunk,) = [
        c
        for c in seed_chunks["000"]
        if c.chunk_type == "section" and c.title == "七、“三公”经费增减变动原因说明"
    ]
    assert chunk.part == "第三部分 2024年度部门预算情况说明 / 七、“三公”经费增减变动原因说明"
    assert (chunk.line_start, chunk.line_end) == (369, 375)
    assert chunk.text.split("\n")[1] == chunk.part
    assert "公务接待费0万元，与上年相比预算数减少0.50万元" in chunk.text


def test_long_section_is_split_between_lines(parsed_seeds, seed_chunks):
    section = next(s for s in parsed_seeds["003"].sections if s.heading == "一、本部门职责")
    pieces = [c for c in seed_chunks["003"] if c.chunk_type == "section" and c.title == "一、本部门职责"]
    assert len(section.text) > 1000 and len(pieces) >= 2
    assert (pieces[0].line_start, pieces[-1].line_end) == (section.line_start, section.line_end)
    assert all(p.text.split("\n")[1] == "第一部分 概况 / 一、本部门职责" for p in pieces)


def test_one_chunk_per_project_performance_sheet(parsed_seeds, seed_chunks):
    targets = [c for c in seed_chunks["000"] if c.chunk_type == "target"]
    assert len(targets) == len(parsed_seeds["000"].targets) == 14
    (rent,) = [c for c in targets if c.title == "政务中心房租物业费"]
    assert rent.part == "项目支出绩效目标表（政务中心房租物业费）"
    assert (rent.line_start, rent.line_end) == (660, 691)
    assert "租赁办公用房面积\t≥18826平米" in rent.text and "19,180,000" in rent.text
    assert "租赁办公用房面积" in rent.embed_text


def test_no_names_or_phone_numbers_in_chunks(parsed_seeds, seed_chunks):
    raw = "\n".join(line.text for line in parsed_seeds["003"].lines)
    assert "13994827050" in raw and "王伟" in raw, "003 prints a name and a mobile number on its sheets"
    for chunks in seed_chunks.values():
        for chunk in chunks:
            for text in (chunk.text, chunk.embed_text):
                assert not re.search(r"负责人[:：]|经办人|联系电话|1[3-9]\d{9}", text), chunk.id
                assert "王伟" not in text and "张翅凤" not in text, chunk.id


def test_glossary_term_chunk(seed_chunks):
    (chunk,) = [c for c in seed_chunks["004"] if c.chunk_type == "glossary" and c.title == "三公经费"]
    assert (chunk.part, chunk.line_start, chunk.line_end) == ("第四部分 名词解释", 813, 813)
    assert "指省直部门用财政拨款安排的因公出国（境）费用" in chunk.text


def test_every_element_line_is_covered_by_a_chunk(parsed_seeds, seed_chunks):
    for key, doc in parsed_seeds.items():
        covered = {n for c in seed_chunks[key] for n in range(c.line_start, c.line_end + 1)}
        spans = [(t.line_start, t.line_end) for t in doc.tables] + [
            (t.line_start, t.line_end) for t in doc.targets
        ]
        spans += [(s.line_start, s.line_end) for s in doc.sections if s.text]
        for start, end in spans:
            missing = [n for n in range(start, end + 1) if doc.line_text(n).strip() and n not in covered]
            assert not missing, f"{key}: lines {missing[:5]} of {start}-{end} are in no chunk"


def test_ids_are_stable_unique_and_follow_content(parsed_seeds, seed_chunks):
    doc = parsed_seeds["000"]
    again = chunk_document(doc)
    assert [c.id for c in again] == [c.id for c in seed_chunks["000"]], "same document, same ids"
    ids = [c.id for chunks in seed_chunks.values() for c in chunks]
    assert len(ids) == len(set(ids))
    lines = list(doc.lines)
    lines[297] = Line(298, "信息化服务费\t3109.00\t3109.00")  # one cell of 表12 changed
    changed = {c.id for c in chunk_document(replace(doc, lines=lines))} ^ {c.id for c in again}
    (group,) = [c for c in again if c.chunk_type == "table" and c.line_start <= 298 <= c.line_end]
    assert len(changed) == 2 and group.id in changed, "only the 表12 group of that row is replaced"


def test_chunk_as_llama_index_node(seed_chunks):
    chunk = by_title(seed_chunks["000"], "表1 预算收支总表")[-1]
    node = chunk_to_node(chunk, [0.0] * 3)
    assert node.node_id == chunk.id and node.text == chunk.text and node.embedding == [0.0] * 3
    assert node.metadata == chunk_metadata(chunk)
    assert set(node.metadata) == {"doc", "department", "year", "kind", "chunk_type", "part", "title", "line_start",
                                  "line_end"}, "page only for PDFs"  # fmt: skip
