"""ingest(paths): read → parse → extract → check → chunk → store facts and chunks, idempotent and atomic.

Unchanged files (same content hash) cost nothing; a changed file replaces its document; a newer version of the
same department-year-kind replaces the older one. A bad file is reported and skipped; nothing stored is lost.

Narrative and tables published as two files (Jiangsu's X_wenjian.pdf + X_biao.pdf, Beijing's X_shuoming.pdf +
X_biao.pdf: the suffixes are `pairs.PART_SUFFIXES`; or any tables-only and
narrative-only documents of the same department, year, kind and scope) become one document named by their
common stem (X). Its lines are the narrative's lines 1…N as numbered in that file, a blank line, a marker line
'===== 附件（原为单独PDF：X_biao.pdf）=====', then the tables file's lines, numbered on from N+3. Each line keeps
the page of the file it comes from, so a citation (doc X, line L, page P) reads "page P of the file that line
L belongs to": `source_file_of(store, doc, line)` names that file (the parts are kept in the store's meta as
parts:<doc>). The two files must name the same department and year; if they do not, each is ingested alone.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

from rag.errors import InputError
from rag.ingest.checks.run import check_document
from rag.ingest.chunk import chunk_document
from rag.ingest.completeness import completeness_warnings, parts_from, parts_present
from rag.ingest.extract import extract_facts
from rag.ingest.pairs import (
    common_name,
    fold_department,
    half_of,
    merge_sources,
    pair_parts,
    part_of,
    partner_on_disk,
    parts_disagree,
)
from rag.ingest.parse.document import parse_document
from rag.ingest.readers import SUPPORTED_SUFFIXES, read_source
from rag.settings import Settings
from rag.store.facts import FactStore
from rag.types import Document, IngestReport, Line, SourceText

Progress = Callable[[int, int, IngestReport], None]
_WRITE_PATH = ("ingest", "text", "types.py", "tolerances.py", "store/facts.py", "store/nodes.py")
"""What decides an index's content: the write path, the text utilities it uses, the records it fills."""


@lru_cache(maxsize=1)
def pipeline_fingerprint() -> str:
    """Hash of the write-path sources (path and content): a document indexed by older code is re-parsed."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for entry in _WRITE_PATH:
        root = package / entry
        for path in sorted(root.rglob("*.py")) if root.is_dir() else [root]:
            if path.is_file():
                digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def collect_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[IngestReport]]:
    """Expand folders (recursively, supported suffixes only); missing paths become error reports."""
    files: list[Path] = []
    errors: list[IngestReport] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files += sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
            )
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
        n = 0
        for unit in pair_parts(files):
            done = self.ingest_pair(*unit) if len(unit) == 2 else [self.ingest_file(unit[0])]
            for report in done:
                n += 1
                reports.append(report)
                if progress:
                    progress(n, len(files), report)
        if self.vectors is not None:
            self.vectors.reconcile(
                self.store
            )  # vectors missed by a crash between the two stores; free otherwise
        return reports

    def ingest_file(self, path: Path) -> IngestReport:
        """One file, never raising for bad input: the report says what happened."""
        partner = partner_on_disk(path)
        if partner is not None:  # half of a narrative + tables pair: ingest the pair
            pair = (path, partner) if part_of(path)[1] == "narrative" else (partner, path)
            return self.ingest_pair(*pair)[pair.index(path)]
        try:
            source = read_source(path, max_bytes=int(self.settings.max_file_mb * 1024 * 1024))
        except InputError as error:
            return IngestReport(str(path), "error", message=str(error))
        if part_of(path) is not None and (report := self._merge_with_stored_part(source)) is not None:
            return report
        return self._ingest_source(source)

    def _ingest_source(self, source: SourceText) -> IngestReport:
        path = Path(source.path)
        existing = self.store.document_by_sha(source.sha256)
        if existing and existing["doc"] == source.name and existing.get("pipeline") == pipeline_fingerprint():
            return IngestReport(str(path), "unchanged", doc=source.name, message="unchanged")
        if existing and existing["doc"] == source.name:
            existing = None  # indexed by an older version of the code: parse again
        if existing:
            return IngestReport(str(path), "skipped", doc=existing["doc"],
                                message=f"{path}: same content as {existing['doc']}, already indexed")  # fmt: skip
        try:
            document = parse_document(source)
        except InputError as error:
            return IngestReport(str(path), "error", message=str(error))
        twin = self._same_text(document)
        if twin:  # the same text in another encoding (a GBK copy of a UTF-8 file): the bytes differ, not the document
            return IngestReport(str(path), "skipped", doc=twin,
                                message=f"{path}: same content as {twin} (same text, other encoding), already indexed")  # fmt: skip
        return self.store_document(document)

    def _same_text(self, document: Document) -> str:
        """A stored document (another name) whose every line reads the same as this one's."""
        for row in self.store.documents():
            same_kind = (row["department"], row["year"], row["kind"], row["scope"]) == (
                document.department, document.year, document.kind, document.scope)  # fmt: skip
            if row["doc"] == document.doc or not same_kind or row["n_lines"] != len(document.lines):
                continue
            stored = [r["text"] for r in self.store.lines(row["doc"], 1, len(document.lines))]
            if stored == [line.text for line in document.lines]:
                return row["doc"]
        return ""

    def store_document(self, document: Document, also_remove: Iterable[str] = ()) -> IngestReport:
        """Extract, check, chunk and write one parsed document atomically."""
        merged = self._merge_with_complement(document)
        if merged is not None:  # the tables (or the narrative) of a document already stored
            merged_document, parts, partner = merged
            report = self._store_merged(merged_document, parts)
            report.path = document.path
            report.message = f"merged with {partner} into {merged_document.doc}; {report.message}"
            return report
        replaced = self._versions_replaced(document)
        for old in replaced:
            lacking = sorted(self._parts_of_stored(old) - parts_present(document))
            if lacking:  # a truncated or partial copy must not push out the complete version
                return IngestReport(document.path, "skipped", doc=old,
                                    message=f"{document.path}: not replacing {old} with {document.doc}: it lacks "
                                            f"{', '.join(lacking)}, which {old} has (a truncated copy?)")  # fmt: skip
        facts = extract_facts(document)
        findings = check_document(document, facts)
        chunks = chunk_document(document)
        replaced += [d for d in also_remove if d != document.doc and d not in replaced and self.store.document(d)]
        previous = self.store.document(document.doc)
        with self.store.transaction() as conn:
            for old in replaced:
                self.store.delete_document(conn, old)
            self.store.write_document(conn, document, facts, findings, chunks)
            self.store.set_pipeline(conn, document.doc, pipeline_fingerprint())
        if self.vectors is not None:
            self.vectors.sync(self.store, document.doc, chunks, removed_docs=replaced)
        status = "replaced" if previous or replaced else "added"
        message = status
        if replaced:
            message = f"{document.doc} replaces {', '.join(replaced)} (same department, year, kind and scope)"
        warnings = completeness_warnings(document)
        if warnings:
            message += "; " + warnings
        return IngestReport(document.path, status, doc=document.doc, message=message, facts=len(facts),
                            chunks=len(chunks), findings=len(findings))  # fmt: skip

    # --- narrative + tables published as two files ------------------------------------------------------------
    def ingest_pair(self, narrative_path: Path, tables_path: Path) -> list[IngestReport]:
        """X_wenjian + X_biao → one document X; each file gets a report. Files that cannot be read, that name
        different departments or years, or that do not parse together are ingested one by one."""
        limit = int(self.settings.max_file_mb * 1024 * 1024)
        try:
            narrative = read_source(narrative_path, max_bytes=limit)
            tables = read_source(tables_path, max_bytes=limit)
        except InputError:
            return [self._ingest_alone(narrative_path), self._ingest_alone(tables_path)]
        if parts_disagree(narrative, tables):
            reports = [self._ingest_alone(narrative_path), self._ingest_alone(tables_path)]
            for report in reports:
                report.message += f"; not merged: {parts_disagree(narrative, tables)}"
            return reports
        source, parts = merge_sources(narrative, tables, part_of(narrative_path)[0])
        existing = self.store.document_by_sha(source.sha256)
        if existing and existing["doc"] == source.name and existing.get("pipeline") == pipeline_fingerprint():
            return [IngestReport(str(path), "unchanged", doc=source.name, message="unchanged")
                    for path in (narrative_path, tables_path)]  # fmt: skip
        try:
            document = parse_document(source)
        except InputError:
            return [self._ingest_alone(narrative_path), self._ingest_alone(tables_path)]
        report = self._store_merged(document, parts)
        return [
            IngestReport(str(path), report.status, doc=report.doc, facts=report.facts, chunks=report.chunks,
                         findings=report.findings,
                         message=f"{Path(narrative_path).name} merged with {Path(tables_path).name} into "
                                 f"{report.doc} (one document from two files); {report.message}")
            for path in (narrative_path, tables_path)
        ]

    def _ingest_alone(self, path: Path) -> IngestReport:
        try:
            source = read_source(path, max_bytes=int(self.settings.max_file_mb * 1024 * 1024))
        except InputError as error:
            return IngestReport(str(path), "error", message=str(error))
        return self._ingest_source(source)

    def _store_merged(self, document: Document, parts: list[dict]) -> IngestReport:
        """Store a merged document; the halves indexed alone before are removed with the write."""
        report = self.store_document(document, also_remove=[p["name"] for p in parts])
        self.store.set_meta(f"parts:{document.doc}", json.dumps(parts, ensure_ascii=False))
        return report

    def stored_parts(self, doc: str) -> list[dict]:
        """The files a stored document was merged from ([] for a one-file document)."""
        return stored_parts(self.store, doc)

    def _stored_source(self, doc: str, part: dict | None = None) -> SourceText | None:
        """A stored document (or one part of a merged one) back as the reader's lines."""
        row = self.store.document(doc)
        if row is None:
            return None
        first, last = (part["first"], part["last"]) if part else (1, row["n_lines"] or 0)
        lines = [Line(r["no"] - first + 1, r["text"], r["page"]) for r in self.store.lines(doc, first, last)]
        return SourceText(path=part["path"] if part else row["path"], name=part["name"] if part else doc,
                          lines=lines, sha256=part["sha256"] if part else row["sha256"], encoding="stored",
                          source_kind=row["source_kind"] or "text")  # fmt: skip

    def _merge_with_stored_part(self, source: SourceText) -> IngestReport | None:
        """A lone X_biao (or X_wenjian) whose other half is already indexed, alone or merged: merge again."""
        base, role = part_of(Path(source.path))
        partner_name = None
        for row in self.store.documents():
            parts = stored_parts(self.store, row["doc"])
            mine = next((p for p in parts if p["name"] == source.name), None)
            if mine is not None:
                if mine["sha256"] == source.sha256 and row.get("pipeline") == pipeline_fingerprint():
                    return IngestReport(source.path, "unchanged", doc=row["doc"], message=f"unchanged (part of {row['doc']})")
                other = next(p for p in parts if p is not mine)
                partner = self._stored_source(row["doc"], other)
                break
            if part_of(Path(row["doc"])) == (base, "tables" if role == "narrative" else "narrative"):
                partner_name = row["doc"]
        else:
            partner = self._stored_source(partner_name) if partner_name else None
        if partner is None:
            return None
        narrative, tables = (source, partner) if role == "narrative" else (partner, source)
        if parts_disagree(narrative, tables):
            return None
        merged, parts = merge_sources(narrative, tables, base)
        try:
            document = parse_document(merged)
        except InputError:
            return None
        report = self._store_merged(document, parts)
        report.path = source.path
        report.message = f"merged with the indexed {partner.name} into {document.doc}; {report.message}"
        return report

    def _merge_with_complement(self, document: Document) -> tuple[Document, list[dict], str] | None:
        """A tables-only document and a narrative-only one of the same department (中共…委员会… = …委…), year,
        kind and scope, under any file names, are the two halves of one disclosure: merge the new one with the
        stored one."""
        mine = half_of(document.tables, [s.text for s in document.sections])
        if mine is None:
            return None
        name = fold_department(document.department)
        for row in self.store.documents():
            theirs_name = fold_department(row["department"])
            if row["doc"] == document.doc or (row["year"], row["kind"], row["scope"]) != (
                    document.year, document.kind, document.scope) or not (
                    name in theirs_name or theirs_name in name):  # fmt: skip
                continue
            theirs = half_of(self.store.rows("tables_", row["doc"]), [s["text"] for s in self.store.rows("sections", row["doc"])],
                           has_values=any(f["origin"] == "table" for f in self.store.facts(doc=row["doc"])))  # fmt: skip
            if theirs is None or theirs == mine:
                continue
            stored = self._stored_source(row["doc"])
            new = SourceText(document.path, document.doc, document.lines, document.sha256, "parsed", document.source_kind)
            narrative, tables = (new, stored) if mine == "narrative" else (stored, new)
            merged, parts = merge_sources(narrative, tables, common_name(narrative.name, tables.name))
            try:
                return parse_document(merged), parts, row["doc"]
            except InputError:
                return None
        return None

    def _parts_of_stored(self, doc: str) -> set[str]:
        tables = self.store.rows("tables_", doc)
        headings = [(s["part"] or "", s["heading"] or "", s["level"], s["line_start"]) for s in self.store.rows("sections", doc)]
        source = self._stored_source(doc)
        return parts_from(len(tables), any(t["key"] == "收支总表" for t in tables), headings,
                          bool(self.store.rows("glossary", doc)), source.lines if source else [])  # fmt: skip

    def _versions_replaced(self, document: Document) -> list[str]:
        return [
            row["doc"] for row in self.store.documents()
            if row["doc"] != document.doc and row["department"] == document.department
            and row["year"] == document.year and row["kind"] == document.kind and row["scope"] == document.scope
        ]  # fmt: skip


def stored_parts(store: FactStore, doc: str) -> list[dict]:
    """The files a stored document was merged from, with their line spans ([] for one-file documents)."""
    raw = store.get_meta(f"parts:{doc}")
    return json.loads(raw) if raw and store.document(doc) else []


def source_file_of(store: FactStore, doc: str, line: int) -> tuple[str, int | None]:
    """(file name, page in that file) of a line of a stored document: for a merged document, the part the line
    comes from; for others, the document itself."""
    rows = store.lines(doc, line, line)
    page = rows[0]["page"] if rows else None
    for part in stored_parts(store, doc):
        if part["first"] <= line <= part["last"]:
            return part["name"], page
    return doc, page
