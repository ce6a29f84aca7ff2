"""ingest(paths): read → parse → extract → check → chunk → store facts and chunks, idempotent and atomic.

Unchanged files (same content hash) cost nothing; a changed file replaces its document; a newer version of the
same department-year-kind replaces the older one. A bad file is reported and skipped; nothing stored is lost.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from rag.checks import check_document
from rag.chunk import chunk_document
from rag.errors import InputError
from rag.extract import extract_facts
from rag.facts import FactStore
from rag.parse import parse_document
from rag.readers import SUPPORTED_SUFFIXES, read_source
from rag.settings import Settings
from rag.types import Document, IngestReport

Progress = Callable[[int, int, IngestReport], None]


def collect_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[IngestReport]]:
    """Expand folders (recursively, supported suffixes only); missing paths become error reports."""
    files: list[Path] = []
    errors: list[IngestReport] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
        elif path.exists():
            files.append(path)
        else:
            errors.append(IngestReport(str(path), "error", message=f"{path}: no such file or folder"))
    return files, errors


class Indexer:
    """Writes documents into the fact store (and, through `on_store`, the vector store)."""

    def __init__(self, settings: Settings, store: FactStore | None = None) -> None:
        self.settings = settings
        self.store = store or FactStore(settings.facts_path)
        self.vectors = None

    def ingest(self, paths: Iterable[str | Path], progress: Progress | None = None) -> list[IngestReport]:
        files, reports = collect_files(paths)
        for n, path in enumerate(files, start=1):
            report = self.ingest_file(path)
            reports.append(report)
            if progress:
                progress(n, len(files), report)
        return reports

    def ingest_file(self, path: Path) -> IngestReport:
        """One file, never raising for bad input: the report says what happened."""
        try:
            source = read_source(path, max_bytes=int(self.settings.max_file_mb * 1024 * 1024))
        except InputError as error:
            return IngestReport(str(path), "error", message=str(error))
        existing = self.store.document_by_sha(source.sha256)
        if existing and existing["doc"] == source.name:
            return IngestReport(str(path), "unchanged", doc=source.name, message="unchanged")
        if existing:
            return IngestReport(str(path), "skipped", doc=existing["doc"],
                                message=f"{path}: same content as {existing['doc']}, already indexed")  # fmt: skip
        try:
            document = parse_document(source)
        except InputError as error:
            return IngestReport(str(path), "error", message=str(error))
        return self.store_document(document)

    def store_document(self, document: Document) -> IngestReport:
        """Extract, check, chunk and write one parsed document atomically."""
        facts = extract_facts(document)
        findings = check_document(document, facts)
        chunks = chunk_document(document)
        replaced = self._versions_replaced(document)
        previous = self.store.document(document.doc)
        with self.store.transaction() as conn:
            for old in replaced:
                self.store.delete_document(conn, old)
            self.store.write_document(conn, document, facts, findings, chunks)
        if self.vectors is not None:
            self.vectors.sync(self.store, document.doc, chunks, removed_docs=replaced)
        status = "replaced" if previous or replaced else "added"
        message = status
        if replaced:
            message = f"replaces {', '.join(replaced)} (same department, year and kind)"
        warnings = _completeness_warnings(document)
        if warnings:
            message += "; " + warnings
        return IngestReport(document.path, status, doc=document.doc, message=message, facts=len(facts),
                            chunks=len(chunks), findings=len(findings))  # fmt: skip

    def _versions_replaced(self, document: Document) -> list[str]:
        return [
            row["doc"] for row in self.store.documents()
            if row["doc"] != document.doc and row["department"] == document.department
            and row["year"] == document.year and row["kind"] == document.kind and row["scope"] == document.scope
        ]  # fmt: skip


def _completeness_warnings(document: Document) -> str:
    """A truncated document still ingests; say what is missing."""
    missing = [] if document.tables else ["tables"]
    if document.kind == "预算" and document.tables and not any(t.key == "收支总表" for t in document.tables):
        missing.append("收支总表")
    if not any("说明" in s.part or "说明" in s.heading for s in document.sections):
        missing.append("情况说明")
    return f"incomplete, no {', '.join(missing)} found" if missing else ""
