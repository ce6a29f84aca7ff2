"""Chunks as llama-index TextNodes and chroma records: flat metadata, ids, the text that is stored."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rag.types import Chunk

if TYPE_CHECKING:
    from llama_index.core.schema import TextNode


def chunk_metadata(chunk: Chunk) -> dict[str, str | int]:
    """Flat metadata for a TextNode / chroma record (chroma refuses None, so an absent page is left out)."""
    metadata: dict[str, str | int] = {
        "doc": chunk.doc, "department": chunk.department, "year": chunk.year, "kind": chunk.kind,
        "chunk_type": chunk.chunk_type, "part": chunk.part, "title": chunk.title,
        "line_start": chunk.line_start, "line_end": chunk.line_end,
    }  # fmt: skip
    if chunk.page is not None:
        metadata["page"] = chunk.page
    return metadata


def chunk_to_node(chunk: Chunk, embedding: list[float] | None = None) -> TextNode:
    """The chunk as a llama-index TextNode (id = chunk id, text = full text, metadata as above)."""
    from llama_index.core.schema import TextNode  # heavy: loaded when a node is made

    metadata = chunk_metadata(chunk)
    return TextNode(id_=chunk.id, text=chunk.text, metadata=metadata, embedding=embedding,
                    excluded_embed_metadata_keys=list(metadata), excluded_llm_metadata_keys=["line_start", "line_end"])  # fmt: skip
