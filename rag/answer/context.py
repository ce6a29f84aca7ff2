"""What composers read besides the question: the open index and a way to retrieve passages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rag.store.view import IndexView
from rag.types import RetrievedChunk

Retrieve = Callable[..., list[RetrievedChunk]]
"""`retrieve(question, k=…, department=…, year=…)`: the best passages, best first (may raise when the vector stage is
absent)."""


@dataclass(frozen=True)
class Context:
    """The loaded documents and the passage retriever (called only by questions no figure or section answers)."""

    view: IndexView
    retrieve: Retrieve
