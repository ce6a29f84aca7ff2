"""Document → Chunks (per table, per section, per project, per glossary term). Filled in by the chunking issue."""

from __future__ import annotations

from rag.types import Chunk, Document


def chunk_document(doc: Document) -> list[Chunk]:
    """Placeholder until chunking lands: no chunks."""
    return []
