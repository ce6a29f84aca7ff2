"""Character-level similarity of names (projects, terms) that may be written a little differently."""

from __future__ import annotations

from difflib import SequenceMatcher


def similarity(a: str, b: str) -> float:
    """1.0 for equal names, 0.9+ when one contains the other, else the SequenceMatcher ratio."""
    if not a or not b:
        return 0.0
    if a in b or b in a:
        return 0.9 + 0.1 * min(len(a), len(b)) / max(len(a), len(b))
    return SequenceMatcher(None, a, b).ratio()
