"""Bad input through the Indexer: each bad file gets a clear report naming it and its problem, the other files of
the same call still go in, and nothing indexed before is lost (writes are one transaction per document)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import seed

from rag.ingest.build import Indexer
from rag.ingest.parse.document import parse_document
from rag.ingest.readers import read_source
from rag.settings import Settings
from rag.store.facts import FactStore

NOT_BUDGET = "notes.txt: no budget title with a year (such as 2024年度部门预算) on the cover or in the table titles " \
             "(is this a budget document?)"  # fmt: skip


@pytest.fixture
def indexer(tmp_path: Path) -> Indexer:
    return Indexer(Settings(home=tmp_path / "index", max_file_mb=20))


def stored(indexer: Indexer, doc: str) -> list[tuple]:
    """A document's facts as stored: (name, table, row, column, value, unit, line)."""
    return [(f["name"], f["tbl"], f["row"], f["col"], f["value"], f["unit"], f["line"])
            for f in indexer.store.facts(doc=doc)]  # fmt: skip


def by_file(reports) -> dict[str, tuple[str, str]]:
    return {Path(r.path).name: (r.status, r.message) for r in reports}


def test_bad_files_are_reported_and_the_rest_still_ingests(indexer: Indexer, tmp_path: Path):
    first = seed("000").name
    assert [r.status for r in indexer.ingest([seed("000")])] == ["added"]
    before = stored(indexer, first)
    empty, image, notes = tmp_path / "empty.txt", tmp_path / "image.txt", tmp_path / "notes.txt"
    empty.write_bytes(b"")
    image.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    notes.write_text("会议纪要\n\n今天讨论了下周的工作安排，没有预算表。\n", encoding="utf-8")
    missing = tmp_path / "missing.txt"

    reports = indexer.ingest([empty, image, notes, missing, seed("004")])

    assert by_file(reports) == {
        "missing.txt": ("error", f"{missing}: no such file or folder"),
        "empty.txt": ("error", f"{empty}: the file is empty"),
        "image.txt": ("error", f"{image}: looks like a binary file, not text (give a .txt, .html or .pdf budget document)"),
        "notes.txt": ("error", NOT_BUDGET),
        seed("004").name: ("added", "added"),
    }  # fmt: skip
    assert {d["doc"] for d in indexer.store.documents()} == {first, seed("004").name}
    assert stored(indexer, first) == before, "what was indexed before is untouched"


def test_huge_file_is_refused_by_its_size_without_reading_it(indexer: Indexer, tmp_path: Path, monkeypatch):
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # 50 MB (sparse)
    read: list[str] = []
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self.name) or real(self))

    reports = indexer.ingest([huge, seed("002")])

    assert by_file(reports) == {
        "huge.txt": ("error", f"{huge}: the file is 50.0 MB, over the 20 MB limit (not read) "
                              "(raise BUDGETQA_MAX_FILE_MB to allow it)"),
        seed("002").name: ("added", "added"),
    }  # fmt: skip
    assert read == [seed("002").name], "the huge file's bytes were never read"


def test_same_document_under_two_names(indexer: Indexer, tmp_path: Path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    shutil.copy(seed("001"), a)
    shutil.copy(seed("001"), b)
    assert by_file(indexer.ingest([a, b])) == {
        "a.txt": ("added", "added"),
        "b.txt": ("skipped", f"{b}: same content as a.txt, already indexed"),
    }
    assert [d["doc"] for d in indexer.store.documents()] == ["a.txt"]


def test_newer_version_replaces_the_older(indexer: Indexer, tmp_path: Path):
    old = seed("003").name
    indexer.ingest([seed("003"), seed("000")])
    other = stored(indexer, seed("000").name)
    newer = tmp_path / "003_v2.txt"
    text = seed("003").read_text(encoding="utf-8")
    assert text.count("部门合计\t76.60\t76.60") == 1
    newer.write_text(text.replace("部门合计\t76.60\t76.60", "部门合计\t77.60\t77.60"), encoding="utf-8")

    reports = indexer.ingest([newer])

    assert by_file(reports) == {
        "003_v2.txt": ("replaced", f"003_v2.txt replaces {old} (same department, year, kind and scope)"),
    }
    assert {d["doc"] for d in indexer.store.documents()} == {"003_v2.txt", seed("000").name}
    assert stored(indexer, old) == []
    running = [(f["value"], f["line"]) for f in indexer.store.facts(doc="003_v2.txt", name="机关运行经费")
               if f["origin"] == "table"]  # fmt: skip
    assert [(str(v), line) for v, line in running] == [("77.60", 361)], "the corrected figure"
    assert stored(indexer, seed("000").name) == other


def truncated(path: Path, out: Path) -> Path:
    """The first 40% of a seed's lines."""
    lines = path.read_text(encoding="utf-8").split("\n")
    out.write_text("\n".join(lines[: len(lines) * 2 // 5]), encoding="utf-8")
    return out


def test_truncated_document_ingests_with_a_warning(indexer: Indexer, tmp_path: Path):
    cut = truncated(seed("000"), tmp_path / "000_cut.txt")  # 413 of 1034 lines: tables and most of 第三部分
    [report] = indexer.ingest([cut])
    assert (report.status, report.message) == (
        "added",
        "added; 000_cut.txt is incomplete: no 名词解释 found; its table of contents lists 第四部分 名词解释, "
        "which the text does not reach (truncated?)",
    )
    totals = [(str(f["value"]), f["line"]) for f in indexer.store.facts(doc="000_cut.txt", name="收入总计")]
    assert totals[0] == ("6926.05", 99), "the figures it has are usable"


def test_truncated_copy_does_not_replace_the_complete_document(indexer: Indexer, tmp_path: Path):
    full = seed("000").name
    indexer.ingest([seed("000")])
    before = stored(indexer, full)
    cut = truncated(seed("000"), tmp_path / "000_cut.txt")
    assert by_file(indexer.ingest([cut, seed("004")])) == {
        "000_cut.txt": ("skipped", f"{cut}: not replacing {full} with 000_cut.txt: it lacks 名词解释, which {full} has "
                                   "(a truncated copy?)"),
        seed("004").name: ("added", "added"),
    }  # fmt: skip
    assert stored(indexer, full) == before


def test_gb18030_copy_parses_identically_and_is_the_same_document(indexer: Indexer, tmp_path: Path):
    gbk = tmp_path / "002_gbk.txt"
    gbk.write_bytes(seed("002").read_text(encoding="utf-8").encode("gb18030"))
    original, copy = parse_document(read_source(seed("002"))), parse_document(read_source(gbk))
    for field in ("department", "year", "kind", "scope", "title", "lines", "sections", "tables", "targets", "glossary"):
        assert getattr(copy, field) == getattr(original, field), field

    indexer.ingest([seed("002")])
    assert by_file(indexer.ingest([gbk])) == {
        "002_gbk.txt": ("skipped", f"{gbk}: same content as {seed('002').name} (same text, other encoding), "
                                   "already indexed"),
    }  # fmt: skip


def crash_after_deleting(self: FactStore, conn, document, facts, findings, chunks) -> None:
    """A write that dies half-way: the document's rows are already deleted."""
    self.delete_document(conn, document.doc)
    raise RuntimeError("disk full")


def test_crash_while_writing_leaves_the_store_as_it_was(indexer: Indexer, tmp_path: Path, monkeypatch):
    path = tmp_path / seed("004").name
    shutil.copy(seed("004"), path)
    indexer.ingest([path, seed("000")])
    before = {doc: stored(indexer, doc) for doc in (path.name, seed("000").name)}
    lines_before = len(indexer.store.lines(path.name, 1, 10_000))
    path.write_text(path.read_text(encoding="utf-8").replace("438.68", "438.69"), encoding="utf-8")
    monkeypatch.setattr(FactStore, "write_document", crash_after_deleting)

    with pytest.raises(RuntimeError, match="disk full"):
        indexer.ingest([path])

    assert {doc: stored(indexer, doc) for doc in before} == before, "the delete was rolled back"
    assert len(indexer.store.lines(path.name, 1, 10_000)) == lines_before


def test_crash_while_replacing_a_version_keeps_the_old_version(indexer: Indexer, tmp_path: Path, monkeypatch):
    indexer.ingest([seed("003")])
    before = stored(indexer, seed("003").name)
    newer = tmp_path / "003_v2.txt"
    newer.write_text(seed("003").read_text(encoding="utf-8").replace("76.60", "77.60"), encoding="utf-8")
    monkeypatch.setattr(FactStore, "write_document", crash_after_deleting)

    with pytest.raises(RuntimeError, match="disk full"):
        indexer.ingest([newer])

    assert [d["doc"] for d in indexer.store.documents()] == [seed("003").name]
    assert stored(indexer, seed("003").name) == before
