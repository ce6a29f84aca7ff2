"""FactStore: the embedded SQLite store of documents, lines, facts, targets, sections, chunks and findings.

The schema is a list of numbered migrations. A document's rows are replaced in one transaction, so a crash or
a bad file never leaves it half-written.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from decimal import Decimal
from pathlib import Path

from rag.text.titles import display_title
from rag.types import Chunk, Document, Fact, Finding

MIGRATIONS: list[str] = [
    # 1: documents and their content
    """
    CREATE TABLE documents (
        doc TEXT PRIMARY KEY, path TEXT, sha256 TEXT NOT NULL, department TEXT NOT NULL, year INTEGER NOT NULL,
        kind TEXT, scope TEXT, title TEXT, source_kind TEXT, n_lines INTEGER, n_pages INTEGER,
        ingested_at TEXT DEFAULT (datetime('now'))
    );
    CREATE UNIQUE INDEX documents_sha ON documents(sha256);
    CREATE TABLE lines (doc TEXT NOT NULL, no INTEGER NOT NULL, page INTEGER, text TEXT NOT NULL,
        PRIMARY KEY (doc, no));
    CREATE TABLE facts (
        id INTEGER PRIMARY KEY, doc TEXT NOT NULL, department TEXT, year INTEGER, kind TEXT, tbl TEXT, row TEXT,
        code TEXT, col TEXT, value TEXT NOT NULL, value_wan REAL, unit TEXT, line INTEGER, name TEXT,
        origin TEXT, quote TEXT, page INTEGER
    );
    CREATE INDEX facts_doc ON facts(doc);
    CREATE INDEX facts_name ON facts(name);
    CREATE TABLE tables_ (
        doc TEXT NOT NULL, idx INTEGER NOT NULL, key TEXT, number INTEGER, title TEXT, display TEXT, label TEXT,
        unit TEXT, empty INTEGER, note TEXT, line_start INTEGER, line_end INTEGER, page INTEGER,
        columns TEXT, header TEXT, PRIMARY KEY (doc, idx)
    );
    CREATE TABLE sections (
        doc TEXT NOT NULL, idx INTEGER NOT NULL, heading TEXT, level INTEGER, path TEXT, part TEXT, text TEXT,
        line_start INTEGER, line_end INTEGER, page INTEGER, PRIMARY KEY (doc, idx)
    );
    CREATE TABLE targets (
        doc TEXT NOT NULL, project TEXT NOT NULL, annual_total_yuan TEXT, period_total_yuan TEXT, overview TEXT,
        line_start INTEGER, line_end INTEGER, amount_line INTEGER, page INTEGER
    );
    CREATE TABLE indicators (
        doc TEXT NOT NULL, project TEXT NOT NULL, level1 TEXT, level2 TEXT, name TEXT, target TEXT,
        value TEXT, unit TEXT, comparator TEXT, line INTEGER
    );
    CREATE TABLE glossary (doc TEXT NOT NULL, term TEXT, definition TEXT, line_start INTEGER, line_end INTEGER);
    CREATE TABLE findings (
        doc TEXT NOT NULL, severity TEXT, kind TEXT, message TEXT, lines TEXT, vals TEXT
    );
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
    """,
    # 2: chunks (text and metadata; vectors live in chroma under the same ids)
    """
    CREATE TABLE chunks (
        id TEXT PRIMARY KEY, doc TEXT NOT NULL, department TEXT, year INTEGER, kind TEXT, chunk_type TEXT,
        part TEXT, title TEXT, text TEXT, embed_text TEXT, line_start INTEGER, line_end INTEGER, page INTEGER
    );
    CREATE INDEX chunks_doc ON chunks(doc);
    """,
    # 3: which version of the write path produced a document (re-parse after an upgrade)
    """
    ALTER TABLE documents ADD COLUMN pipeline TEXT;
    """,
]


def connect(path: Path) -> sqlite3.Connection:
    """Open (and migrate) the store."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA foreign_keys=ON")
    migrate(conn)
    return conn


def migrate(conn: sqlite3.Connection) -> int:
    """Apply pending migrations; return the schema version."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
        with conn:
            conn.executescript(f"BEGIN; {script}; PRAGMA user_version = {number}; COMMIT;")
    return len(MIGRATIONS)


class FactStore:
    """Queries and atomic writes over the SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.conn = connect(path)

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All-or-nothing writes."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    # --- writes -----------------------------------------------------------------------------------------------
    def delete_document(self, conn: sqlite3.Connection, doc: str) -> None:
        for table in ("lines", "facts", "tables_", "sections", "targets", "indicators", "glossary", "findings",
                      "chunks", "documents"):  # fmt: skip
            conn.execute(f"DELETE FROM {table} WHERE doc = ?", (doc,))

    def write_document(self, conn: sqlite3.Connection, document: Document, facts: list[Fact],
                       findings: list[Finding], chunks: list[Chunk]) -> None:  # fmt: skip
        """Replace everything stored for this document (call inside `transaction`)."""

        self.delete_document(conn, document.doc)
        pages = {line.page for line in document.lines if line.page}
        conn.execute(
            "INSERT INTO documents (doc, path, sha256, department, year, kind, scope, title, source_kind, n_lines,"
            " n_pages) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (document.doc, document.path, document.sha256, document.department, document.year, document.kind,
             document.scope, document.title, document.source_kind, len(document.lines), len(pages) or None),
        )  # fmt: skip
        conn.executemany(
            "INSERT INTO lines (doc, no, page, text) VALUES (?,?,?,?)",
            [(document.doc, line.no, line.page, line.text) for line in document.lines],
        )
        conn.executemany(
            "INSERT INTO facts (doc, department, year, kind, tbl, row, code, col, value, value_wan, unit, line, name,"
            " origin, quote, page) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [(f.doc, f.department, f.year, f.kind, f.table, f.row, f.code, f.column, str(f.value),
              float(f.value_wan) if f.value_wan is not None else None, f.unit, f.line, f.name, f.origin, f.quote,
              f.page) for f in facts],
        )  # fmt: skip
        conn.executemany(
            "INSERT INTO tables_ VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [(document.doc, i, t.key, t.number, t.title, display_title(t.number, t.title), t.label, t.unit, int(t.empty),
              t.note, t.line_start, t.line_end, t.page, json.dumps(t.columns, ensure_ascii=False),
              json.dumps(t.header, ensure_ascii=False)) for i, t in enumerate(document.tables)],
        )  # fmt: skip
        conn.executemany(
            "INSERT INTO sections VALUES (?,?,?,?,?,?,?,?,?,?)",
            [(document.doc, i, s.heading, s.level, json.dumps(s.path, ensure_ascii=False), s.part, s.text,
              s.line_start, s.line_end, s.page) for i, s in enumerate(document.sections)],
        )  # fmt: skip
        for target in document.targets:
            conn.execute(
                "INSERT INTO targets VALUES (?,?,?,?,?,?,?,?,?)",
                (document.doc, target.project, _dec(target.annual_total_yuan), _dec(target.period_total_yuan),
                 target.overview, target.line_start, target.line_end, target.amount_line, target.page),
            )  # fmt: skip
            conn.executemany(
                "INSERT INTO indicators VALUES (?,?,?,?,?,?,?,?,?,?)",
                [(document.doc, target.project, i.level1, i.level2, i.name, i.target, _dec(i.value), i.unit,
                  i.comparator, i.line) for i in target.indicators],
            )  # fmt: skip
        conn.executemany(
            "INSERT INTO glossary VALUES (?,?,?,?,?)",
            [(document.doc, g.term, g.definition, g.line_start, g.line_end) for g in document.glossary],
        )
        conn.executemany(
            "INSERT INTO findings VALUES (?,?,?,?,?,?)",
            [(f.doc, f.severity, f.kind, f.message, json.dumps(f.lines), json.dumps(f.values, ensure_ascii=False))
             for f in findings],
        )  # fmt: skip
        conn.executemany(
            "INSERT INTO chunks VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [(c.id, c.doc, c.department, c.year, c.kind, c.chunk_type, c.part, c.title, c.text, c.embed_text,
              c.line_start, c.line_end, c.page) for c in chunks],
        )  # fmt: skip

    def set_pipeline(self, conn: sqlite3.Connection, doc: str, fingerprint: str) -> None:
        conn.execute("UPDATE documents SET pipeline = ? WHERE doc = ?", (fingerprint, doc))

    def set_meta(self, key: str, value: str) -> None:
        with self.conn:
            self.conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def get_meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    # --- reads ------------------------------------------------------------------------------------------------
    def documents(self) -> list[dict]:
        rows = self.conn.execute("SELECT * FROM documents ORDER BY department, year").fetchall()
        return [dict(row) for row in rows]

    def document_by_sha(self, sha256: str) -> dict | None:
        row = self.conn.execute("SELECT * FROM documents WHERE sha256 = ?", (sha256,)).fetchone()
        return dict(row) if row else None

    def document(self, doc: str) -> dict | None:
        row = self.conn.execute("SELECT * FROM documents WHERE doc = ?", (doc,)).fetchone()
        return dict(row) if row else None

    def facts(self, department: str | None = None, year: int | None = None, doc: str | None = None,
              name: str | None = None) -> list[dict]:  # fmt: skip
        """Facts as dicts (value as Decimal), filtered."""
        sql, args = "SELECT * FROM facts WHERE 1=1", []
        for column, value in (("department", department), ("year", year), ("doc", doc), ("name", name)):
            if value is not None:
                sql += f" AND {column} = ?"
                args.append(value)
        rows = self.conn.execute(sql + " ORDER BY doc, id", args).fetchall()
        return [{**dict(row), "value": Decimal(row["value"])} for row in rows]

    def fact(self, fact_id: int) -> dict | None:
        """One fact by id (value as Decimal), or None."""
        row = self.conn.execute("SELECT * FROM facts WHERE id = ?", (fact_id,)).fetchone()
        return {**dict(row), "value": Decimal(row["value"])} if row else None

    def line(self, doc: str, no: int) -> str:
        """The text of one stored line ('' when absent)."""
        row = self.conn.execute("SELECT text FROM lines WHERE doc = ? AND no = ?", (doc, no)).fetchone()
        return row["text"] if row else ""

    def findings(self, doc: str | None = None) -> list[dict]:
        sql = "SELECT * FROM findings" + (" WHERE doc = ?" if doc else "")
        rows = self.conn.execute(sql, (doc,) if doc else ()).fetchall()
        return [{**dict(row), "lines": json.loads(row["lines"]), "values": json.loads(row["vals"])} for row in rows]

    def lines(self, doc: str, start: int, end: int) -> list[dict]:
        rows = self.conn.execute(
            "SELECT no, page, text FROM lines WHERE doc = ? AND no BETWEEN ? AND ? ORDER BY no", (doc, start, end)
        ).fetchall()
        return [dict(row) for row in rows]

    def rows(self, table: str, doc: str | None = None) -> list[dict]:
        """All rows of one of the content tables (sections, targets, indicators, glossary, tables_, chunks)."""
        assert table in {"sections", "targets", "indicators", "glossary", "tables_", "chunks"}, table
        sql = f"SELECT * FROM {table}" + (" WHERE doc = ?" if doc else "")
        return [dict(row) for row in self.conn.execute(sql, (doc,) if doc else ()).fetchall()]

    def chunk_ids(self) -> set[str]:
        return {row[0] for row in self.conn.execute("SELECT id FROM chunks")}


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def fact_to_json(fact: dict) -> dict:
    """The `facts --json` record of the CLI contract."""
    return {
        "doc": fact["doc"], "department": fact["department"], "year": fact["year"], "kind": fact["kind"],
        "table": fact["tbl"], "row": fact["row"], "code": fact["code"], "column": fact["col"],
        "value": float(fact["value"]), "unit": fact["unit"], "line": fact["line"], "name": fact["name"],
        "origin": fact["origin"], "page": fact["page"],
    }  # fmt: skip


__all__ = ["FactStore", "asdict", "fact_to_json"]
