"""The registry of check families and the one entry point: Document + facts → findings, most telling first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rag.ingest.checks.base import Collector
from rag.ingest.checks.counts import check_counts, check_layout
from rag.ingest.checks.cross import check_cross
from rag.ingest.checks.empty import check_empty_notes
from rag.ingest.checks.placeholders import check_placeholders
from rag.ingest.checks.procurement import check_procurement
from rag.ingest.checks.sums import check_sums
from rag.ingest.checks.targets import check_targets
from rag.ingest.checks.text import Mention, check_text, scan_text
from rag.ingest.checks.toc import check_toc
from rag.ingest.checks.years import check_years
from rag.ingest.checks.yoy import check_yoy
from rag.types import Document, Fact, Finding


@dataclass(frozen=True)
class Inputs:
    """What every family may read: the document, its facts, and the figures its text states."""

    doc: Document
    facts: list[Fact]
    mentions: list[Mention]


Family = Callable[[Inputs, Collector], None]

FAMILIES: tuple[tuple[str, Family], ...] = (
    ("cross", lambda i, out: check_cross(i.doc, i.facts, i.mentions, out)),
    ("targets", lambda i, out: check_targets(i.doc, out)),
    ("sums", lambda i, out: check_sums(i.doc, out)),
    ("text", lambda i, out: check_text(i.doc, i.facts, i.mentions, out)),
    ("counts", lambda i, out: check_counts(i.doc, out)),
    ("layout", lambda i, out: check_layout(i.doc, out)),
    ("procurement", lambda i, out: check_procurement(i.doc, out)),
    ("yoy", lambda i, out: check_yoy(i.doc, out)),
    ("years", lambda i, out: check_years(i.doc, out)),
    ("toc", lambda i, out: check_toc(i.doc, out)),
    ("placeholders", lambda i, out: check_placeholders(i.doc, out)),
    ("empty", lambda i, out: check_empty_notes(i.doc, out)),
)
"""In order: identities across tables before row sums, so the same pair of figures is reported where it tells most."""


def check_document(doc: Document, facts: list[Fact]) -> list[Finding]:
    """Every contradiction inside one document, the most telling first (identities before row sums)."""
    out = Collector(doc)
    inputs = Inputs(doc, facts, scan_text(doc))
    for _name, family in FAMILIES:
        family(inputs, out)
    return out.findings
