"""Hybrid retrieval over a real index of two seeds: tokens, routing, filters, the fusion, the cache, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rag.cli.main import main
from rag.ingest.build import Indexer
from rag.retrieve.retriever import (
    Retriever,
    expand,
    preferred_types,
    route_departments,
    title_words,
    tokenize,
    without_department,
)
from rag.settings import Settings
from rag.store.vectors import VectorSync

SEEDS = Path(__file__).resolve().parent.parent / "data"
DATONG = "大同市政务服务中心"
SHANXI = "山西省政务服务中心"
CATALOG = [
    "山西转型综合改革示范区政务服务中心（山西转型综合改革示范区公共资源交易中心）",
    "山西转型综合改革示范区晋中开发区经济运行与安全监管部", SHANXI, "吕梁市行政审批服务管理局", DATONG,
]  # fmt: skip


@pytest.fixture(scope="module")
def index(tmp_path_factory, e5) -> Settings:
    """山西省政务服务中心 2025 and 大同市政务服务中心 2025, ingested whole (facts, chunks, vectors)."""
    settings = Settings(home=tmp_path_factory.mktemp("two") / "index")
    indexer = Indexer(settings)
    indexer.vectors = VectorSync(settings, embedder=e5)
    reports = indexer.ingest([next(SEEDS.glob("002_*.txt")), next(SEEDS.glob("004_*.txt"))])
    assert [r.status for r in reports] == ["added", "added"]
    return settings


@pytest.fixture(scope="module")
def retriever(index, e5) -> Retriever:
    return Retriever(index, embedder=e5)


# --- the question side ----------------------------------------------------------------------------------------
def test_tokens_keep_budget_terms_and_their_parts_but_not_amounts():
    tokens = tokenize("“三公”经费预算8.50万元，公务接待费1.50万元，占0.29%")
    assert {"三公经费", "公务接待费", "公务", "接待"} <= set(tokens), (
        "user words whole, search-mode parts too"
    )
    assert not {"8.50", "1.50", "0.29%", "“"} & set(tokens), "amounts and quotes only lengthen table chunks"
    assert "12345" in tokenize("12345热线运行费"), "numbers that name things stay"


def test_plain_words_are_expanded():
    assert expand("招待客人花了多少") == "招待客人花了多少 公务接待费"
    assert expand("房租多少") == "房租多少 房租物业费 租赁"
    assert expand("机关运行经费") == "机关运行经费"


@pytest.mark.parametrize(("question", "named"), [
    ("吕梁审批局的机关运行经费是多少", ["吕梁市行政审批服务管理局"]),
    ("大同政务中兴2025年总预算多少", [DATONG]),  # a typo
    ("省政务服务中心工资一年多少钱", [SHANXI]),  # not 大同市政务服务中心, whose match is a subset
    ("晋中开发区经济运行部预算", ["山西转型综合改革示范区晋中开发区经济运行与安全监管部"]),
    ("吕梁审批局跟晋中开发区经济运行部的三公经费差多少",
     ["吕梁市行政审批服务管理局", "山西转型综合改革示范区晋中开发区经济运行与安全监管部"]),
    ("啥叫三公经费？", []),
    ("财政专户管理资金指什么", []),  # 管理 alone is not a mention of 行政审批服务管理局
])  # fmt: skip
def test_departments_named_in_a_question(question, named):
    assert sorted(route_departments(question, CATALOG)) == sorted(named)


def test_department_mentions_are_filters_not_content():
    assert without_department("大同政务中心物业费多少", CATALOG, [DATONG]) == "物业费多少"
    assert without_department("大同政务中心", CATALOG, [DATONG]) == "大同政务中心", "never an empty query"


@pytest.mark.parametrize(("question", "types"), [
    ("啥叫三公经费？", ("glossary",)), ("三公经费为啥少了1万", ("section",)),
    ("基本支出占比多少", ("section",)), ("物业费多少", ("table", "target")), ("你好", ()),
])  # fmt: skip
def test_kind_of_passage_a_question_asks_for(question, types):
    assert preferred_types(question) == types


# --- retrieval over the index ---------------------------------------------------------------------------------
def test_filters_restrict_every_result(retriever):
    hits = retriever.retrieve("三公经费", k=10, department=DATONG)
    assert len(hits) == 10 and {h.chunk.department for h in hits} == {DATONG}
    doc = next(SEEDS.glob("002_*.txt")).name
    assert {h.chunk.doc for h in retriever.retrieve("三公经费", k=10, doc=doc)} == {doc}
    assert {h.chunk.year for h in retriever.retrieve("三公经费", k=10, year=2025)} == {2025}
    assert retriever.retrieve("三公经费", k=10, year=2019) == []
    assert retriever.retrieve("三公经费", k=5, department="太原市行政审批服务管理局") == []


def test_a_question_naming_a_department_is_routed_to_it(retriever):
    hits = retriever.retrieve("大同政务中心物业费多少", k=5)
    assert {h.chunk.department for h in hits} == {DATONG}
    assert "Z政务大厅物业管理服务费" in hits[0].chunk.text


def test_fusion_is_reciprocal_rank_over_the_lists(retriever):
    hits = retriever.retrieve("省政务服务中心三公经费为啥少了1万", k=8)
    assert {h.chunk.department for h in hits} == {SHANXI}
    for hit in hits:
        ranks = [rank for label, rank in hit.sources.items() if label.endswith("_rank")]
        assert ranks and hit.score == pytest.approx(sum(1 / (60 + r - 1) for r in ranks)), hit.sources
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    top = hits[0]
    assert top.chunk.title == "七、“三公”经费增减变动原因说明", "a reason: the 情况说明 section"
    assert {"bm25", "vector", "bm25_type"} <= set(top.sources), "found by every list"


def test_each_half_alone_and_together(index, e5):
    bm25 = Retriever(index, embedder=e5, use_vectors=False)
    vectors = Retriever(index, embedder=e5, use_bm25=False)
    question = "canteen meals"  # no token BM25 knows: only the vectors can answer
    assert bm25.retrieve(question, k=3) == []
    assert [set(h.sources) for h in vectors.retrieve(question, k=3)] == [{"vector", "vector_rank"}] * 3
    hybrid = Retriever(index, embedder=e5).retrieve(question, k=3)
    assert [h.chunk.id for h in hybrid] == [h.chunk.id for h in vectors.retrieve(question, k=3)]


def test_plain_words_reach_the_document_terms(retriever):
    hits = retriever.retrieve("省政务服务中心招待客人花多少钱", k=5)
    assert any("公务接待费" in h.chunk.text for h in hits[:2]), [h.chunk.title for h in hits]


def test_definitions_come_from_the_glossary(retriever):
    hits = retriever.retrieve("财政专户管理资金是什么意思", k=2)
    assert [(h.chunk.chunk_type, h.chunk.title) for h in hits] == [("glossary", "财政专户管理资金")] * 2


def test_vector_hits_unknown_to_sqlite_are_ignored(index, e5):
    retriever = Retriever(index, embedder=e5)
    question = "政务大厅物业管理服务费"
    template = retriever.retrieve(question, k=1)[0].chunk
    ghost = type(template)(**{**template.__dict__, "id": "ghost-chunk", "text": "ghost"})
    sync = VectorSync(index, embedder=e5)
    sync.index.add([ghost], [e5.embed_query(expand(question))])  # the nearest vector there can be
    try:
        hits = retriever.retrieve(question, k=10)
        assert hits and "ghost-chunk" not in {h.chunk.id for h in hits}
    finally:
        sync.index.delete(["ghost-chunk"])


def test_bm25_index_is_cached_and_rebuilt_when_chunks_change(tmp_path, e5):
    settings = Settings(home=tmp_path / "index")
    indexer = Indexer(settings)
    indexer.vectors = VectorSync(settings, embedder=e5)
    first, second = next(SEEDS.glob("004_*.txt")), next(SEEDS.glob("002_*.txt"))
    indexer.ingest([first])
    retriever = Retriever(settings, embedder=e5)
    corpus = retriever.corpus
    assert retriever.corpus is corpus
    indexer.ingest([first])  # unchanged: SQLite is touched, the chunks are not
    assert retriever.corpus is corpus
    indexer.ingest([second])
    assert retriever.corpus is not corpus and len(retriever.corpus.chunks) > len(corpus.chunks)
    assert {h.chunk.department for h in retriever.retrieve("山西省政务服务中心食堂", k=3)} == {SHANXI}


# --- the CLI contract -----------------------------------------------------------------------------------------
KEYS = {"doc", "department", "year", "part", "title", "line_start", "line_end", "score", "text"}


def test_cli_retrieve_json(index, capsys):
    assert (
        main(["--home", str(index.home), "retrieve", "大同政务中心三公经费是多少", "-k", "3", "--json"]) == 0
    )
    results = json.loads(capsys.readouterr().out)
    assert len(results) == 3 and all(set(r) == KEYS for r in results)
    assert {r["department"] for r in results} == {DATONG} and all(r["year"] == 2025 for r in results)
    assert all(isinstance(r["line_start"], int) and r["line_start"] <= r["line_end"] for r in results)


def test_cli_retrieve_batch(index, capsys, tmp_path):
    questions = tmp_path / "q.jsonl"
    questions.write_text('{"id": "a", "question": "啥叫三公经费？"}\n\n{"id": "b", "question": "省政务服务中心食堂"}\n',
                         encoding="utf-8")  # fmt: skip
    assert main(["--home", str(index.home), "retrieve", "--batch", str(questions), "-k", "2", "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["id"] for line in lines] == ["a", "b"]
    assert all(len(line["results"]) == 2 and set(line["results"][0]) == KEYS for line in lines)


def test_cli_retrieve_needs_one_question_source(index, capsys):
    assert main(["--home", str(index.home), "retrieve", "--json"]) == 2
    assert "give a question or --batch FILE" in capsys.readouterr().err


def test_titles_that_publish_the_figure_get_a_vote(retriever):
    """政府采购 is published in the 情况说明 section headed 九、政府采购情况: the title list votes for it."""
    hits = retriever.retrieve("大同政务中心政府采购预算一共多少？服务类占多少？", k=3)
    assert "政府采购" in hits[0].chunk.title, [h.chunk.title for h in hits]
    assert "bm25_title" in hits[0].sources
    assert set(title_words("大同政务中心政府采购服务类多少")) == {"政府采购", "政府采购服务"}
    assert title_words("你好") == []
