"""The synthetic corpus: generated documents parse, keep their sums, and carry the figures the questions expect."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import pytest

from rag.ingest.extract import extract_facts
from rag.ingest.parse.document import parse_document
from rag.ingest.readers import read_source

sys.path.insert(
    0, str(Path(__file__).resolve().parent.parent)
)  # eval/ is a folder of the repo, not installed
from eval.synth import SEEDS, generate, load_seed, plan, questions_for, rename, scale_number, shift_years

MONEY = {"万元", "元"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Ten documents (every seed twice over), written to disk and parsed back."""
    out = tmp_path_factory.mktemp("synth")
    docs = generate(10, out)
    return [(doc, parse_document(read_source(out / doc.name))) for doc in docs]


def test_scale_number_keeps_decimals_and_separators():
    assert scale_number("6,926.05", 3) == "20,778.15"
    assert scale_number("20.2", 3) == "60.6"
    assert scale_number("31,080,000", 2) == "62,160,000"
    assert scale_number("1000.00", 7) == "7000.00"


def test_plan_is_distinct_and_covers_every_seed():
    chosen = plan(200)
    assert len({(spec.prefix, city, delta) for spec, city, delta, _ in chosen}) == 200
    assert {spec.prefix for spec, *_ in chosen} == {spec.prefix for spec in SEEDS}
    cities = {}
    for spec, city, _, _ in chosen:
        assert cities.setdefault(city, spec.prefix) == spec.prefix, (
            "a city belongs to one seed (no name clash)"
        )


def test_documents_parse_with_their_new_department_and_year(corpus):
    for doc, parsed in corpus:
        assert parsed.department == doc.department, doc.name
        assert parsed.year == doc.year, doc.name
        assert doc.city in parsed.department
        assert len(parsed.lines) == len(load_seed(doc.seed).document.lines), "line numbers are kept"


def test_every_figure_is_the_seed_figure_times_the_factor(corpus):
    for doc, parsed in corpus:
        seed_facts = load_seed(doc.seed).facts
        spec = next(s for s in SEEDS if s.prefix == doc.seed)
        delta = doc.year - load_seed(doc.seed).document.year
        facts = extract_facts(parsed)
        assert len(facts) == len(seed_facts), doc.name
        for seed_fact, fact in zip(seed_facts, facts, strict=True):
            factor = doc.factor if seed_fact.unit in MONEY else 1  # counts, areas and % are not money
            row = shift_years(rename(seed_fact.row, spec, doc.city), delta)
            assert (fact.row, fact.line, fact.unit) == (row, seed_fact.line, seed_fact.unit)
            assert fact.value == seed_fact.value * factor, f"{doc.name}:{fact.line} {fact.row}"


def test_income_total_equals_the_generated_value(corpus):
    for doc, parsed in corpus:
        total = next(f for f in extract_facts(parsed) if f.name == "收入总计" and f.origin == "table")
        question = next(q for q in questions_for(doc) if q["id"].endswith("收入总计"))
        assert total.value == Decimal(str(question["expected"]["value"])), doc.name
        assert question["source"]["line"] == total.line
        assert doc.short in question["question"] and str(doc.year) in question["question"]


def test_no_major_contradiction_the_seed_did_not_have(corpus):
    from rag.ingest.checks.run import check_document

    for doc, parsed in corpus:
        seed = load_seed(doc.seed)
        before = {
            (f.kind, tuple(f.lines))
            for f in check_document(seed.document, seed.facts)
            if f.severity == "major"
        }
        after = {
            (f.kind, tuple(f.lines))
            for f in check_document(parsed, extract_facts(parsed))
            if f.severity == "major"
        }
        assert after <= before, f"{doc.name}: new contradictions {after - before}"


def test_project_rows_still_add_up_to_the_table_total(corpus):
    """表12's first row (the department total) equals the sum of its project rows, times the factor too."""
    for doc, parsed in corpus:
        table = parsed.table("项目支出本年")
        seed_table = load_seed(doc.seed).document.table("项目支出本年")
        first = [r.values[0][1] for r in table.rows if r.values]
        seed_first = [r.values[0][1] for r in seed_table.rows if r.values]
        assert first == [v * doc.factor for v in seed_first], doc.name
