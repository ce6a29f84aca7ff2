"""Document + Facts → contradictions. Filled in by the self-check work."""

from __future__ import annotations

from rag.types import Document, Fact, Finding


def check_document(doc: Document, facts: list[Fact]) -> list[Finding]:
    """Placeholder: no findings."""
    return []
