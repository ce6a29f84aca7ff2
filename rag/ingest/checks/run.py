"""The registry of check families and the one entry point: Document + facts → findings, most telling first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rag.ingest.checks.base import Collector
from rag.ingest.checks.counts import check_counts, check_layout
from rag.ingest.checks.cross import check_cross
from rag.ingest.checks.sums import check_sums
from rag.ingest.checks.targets import check_targets
from rag.ingest.checks.text import Mention, check_text, scan_text
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
)
"""In order: identities across tables before row sums, so the same pair of figures is reported where it tells most."""


def check_document(doc: Document, facts: list[Fact]) -> list[Finding]:
    """Every contradiction inside one document, the most telling first (identities before row sums)."""
    out = Collector(doc)
    inputs = Inputs(doc, facts, scan_text(doc))
    for _name, family in FAMILIES:
        family(inputs, out)
    return out.findings
