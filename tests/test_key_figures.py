"""The key-figure cases (tests/cases/key_figures.jsonl, read by eval.layouts) are well-formed.

Only the file's shape is checked here: keys, canonical figure names, units, pages, one line per document and
figure, and that every path exists under ../shared. No assertion on the ingest's current accuracy.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import ROOT, shared

CASES = ROOT / "tests" / "cases" / "key_figures.jsonl"
KEYS = {"doc", "path", "figure", "value", "unit", "page", "where", "why"}
FIGURES = {
    "收入总计", "支出总计", "本年收入合计", "上年结转", "一般公共预算拨款", "基本支出", "项目支出", "人员经费",
    "公用经费", "三公经费", "因公出国（境）费", "公务接待费", "公务用车购置及运行费", "公务用车购置费",
    "公务用车运行维护费", "机关运行经费", "政府采购", "编制", "公务用车",
}  # fmt: skip
COUNTS = {"编制": "人", "公务用车": "辆"}
PAIR_SUFFIXES = ("_shuoming.pdf", "_biao.pdf")


def load() -> list[dict]:
    return [json.loads(line) for line in CASES.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_cases_have_the_keys_names_and_units():
    cases = load()
    assert cases
    for case in cases:
        assert set(case) == KEYS, case
        assert case["figure"] in FIGURES, case
        assert case["unit"] == COUNTS.get(case["figure"], case["unit"]), case
        if case["figure"] not in COUNTS:
            assert case["unit"] in ("万元", "元"), case
        assert isinstance(case["value"], int | float) and not isinstance(case["value"], bool), case
        assert isinstance(case["page"], int) and case["page"] >= 1, case
        assert case["where"].strip() and case["why"].strip(), case
        assert case["path"].startswith("data/pdfs/cities/"), case


def test_one_case_per_document_and_figure():
    seen = [(case["doc"], case["figure"]) for case in load()]
    assert len(seen) == len(set(seen)), sorted({k for k in seen if seen.count(k) > 1})


def test_doc_names_its_file_or_its_pair():
    for case in load():
        name = Path(case["path"]).name
        if name.endswith(PAIR_SUFFIXES):
            assert name in (case["doc"] + suffix for suffix in PAIR_SUFFIXES), case
        else:
            assert case["doc"] == name, case


def test_every_path_exists():
    for path in sorted({case["path"] for case in load()}):
        assert shared(path).is_file(), path
