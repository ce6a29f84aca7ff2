"""The record a composer produces before verification."""

from __future__ import annotations

from dataclasses import dataclass, field

from rag.answer.derive import Derivation
from rag.types import Citation


@dataclass
class Draft:
    """What a composer produces before verification."""

    text: str
    citations: list[Citation] = field(default_factory=list)
    derived: list[Derivation] = field(default_factory=list)
    """Figures computed from facts (sums, differences, shares, counts), each with its derivation."""
    facts_used: list[dict] = field(default_factory=list)
    failed_derivations: list[str] = field(default_factory=list)
    """Set by the verifier: derivations that did not recompute from the store (their figures are not evidence)."""
    figure: str = ""
    refused: bool = False
