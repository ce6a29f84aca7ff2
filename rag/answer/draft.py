"""The record a composer produces before verification."""

from __future__ import annotations

from dataclasses import dataclass, field

from rag.answer.verify import Evidence
from rag.types import Citation


@dataclass
class Draft:
    """What a composer produces before verification."""

    text: str
    citations: list[Citation] = field(default_factory=list)
    derived: list[Evidence] = field(default_factory=list)
    """Figures computed from verified facts (sums, differences, shares)."""
    facts_used: list[dict] = field(default_factory=list)
    figure: str = ""
    refused: bool = False
