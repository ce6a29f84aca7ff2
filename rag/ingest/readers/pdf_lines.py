"""PDF characters → text lines: grouping by vertical overlap, spacing, letter-spacing undone, cells of unruled rows.

A line holds every character that overlaps it vertically, so digits set in another font a few points lower
stay in their sentence (a fixed y_tolerance cannot do that for an 18 pt title).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

CID_RE = re.compile(r"\(cid:\d+\)")


@dataclass
class TextLine:
    top: float
    bottom: float
    x0: float
    x1: float
    size: float
    text: str
    segments: list[tuple[float, float, str]] = field(default_factory=list)
    """Runs of text separated by gaps wider than a character (x0, x1, text): the cells of an unruled row."""


def visible_chars(chars: list[dict]) -> list[dict]:
    return [c for c in chars if c.get("text", "").strip() and c["bottom"] > c["top"]]


def _join_chars(chars: list[dict], blanks: list[float] = ()) -> str:
    """Characters of one line, left to right; a space where the PDF has one (`blanks`: the x-centres of its
    space characters) or where the gap is wider than a third of the type size."""
    chars = sorted(chars, key=lambda c: c["x0"])
    parts: list[str] = []
    previous = None
    for char in chars:
        if previous is not None:
            gap = char["x0"] - previous["x1"]
            spaced = any(previous["x1"] - 0.5 <= x <= char["x0"] + 0.5 for x in blanks)
            if spaced or gap > 0.3 * max(char.get("size", 10), previous.get("size", 10), 1.0):
                parts.append(" ")
        parts.append(char["text"])
        previous = char
    return "".join(parts)


def _is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or char in "（）《》“”、，。：；"


def unspace(text: str) -> str:
    """Undo letter-spacing: '因 公 出 国 （ 境 ） 费用' → '因公出国（境）费用' (runs of spaced single CJK characters)."""
    if " " not in text:
        return text
    tokens = text.split(" ")
    out: list[str] = []
    i = 0
    while i < len(tokens):
        j = i
        while j < len(tokens) and len(tokens[j]) == 1 and _is_cjk(tokens[j]):
            j += 1
        if j - i >= 2:
            run = "".join(tokens[i:j])
            if j < len(tokens) and 0 < len(tokens[j]) <= 2 and _is_cjk(tokens[j][0]):  # '费用' closes the run
                run += tokens[j]
                j += 1
            out.append(run)
            i = j
        else:
            out.append(tokens[i])
            i += 1
    return " ".join(out)


def chars_to_lines(chars: list[dict]) -> list[TextLine]:
    """Group characters into lines by vertical overlap with the line's first (highest) character.

    Digits in a Latin font often sit 0.4 em lower than the CJK text around them: they still overlap the line
    by more than a third of their height, while the next line does not.
    """
    lines: list[tuple[float, float, list[dict]]] = []
    for char in sorted(visible_chars(chars), key=lambda c: (round(c["top"], 1), c["x0"])):
        height = char["bottom"] - char["top"]
        for i in range(len(lines) - 1, max(-1, len(lines) - 4), -1):
            top, bottom, members = lines[i]
            overlap = min(bottom, char["bottom"]) - max(top, char["top"])
            if overlap >= 0.35 * min(height, bottom - top):
                members.append(char)
                break
        else:
            lines.append((char["top"], char["bottom"], [char]))
    spaces = [c for c in chars if c.get("text") == " " and c["bottom"] > c["top"]]
    out = []
    for top, bottom, members in lines:
        blanks = [(c["x0"] + c["x1"]) / 2 for c in spaces
                  if min(bottom, c["bottom"]) - max(top, c["top"]) >= 0.35 * min(bottom - top, c["bottom"] - c["top"])]  # fmt: skip
        sizes = sorted(c.get("size", bottom - top) for c in members)
        members.sort(key=lambda c: c["x0"])
        runs: list[list[dict]] = [[members[0]]]
        for char in members[1:]:
            if char["x0"] - runs[-1][-1]["x1"] > 1.0 * max(char.get("size", 10), 1.0):
                runs.append([])
            runs[-1].append(char)
        segments = [
            (run[0]["x0"], max(c["x1"] for c in run), unspace(_join_chars(run, blanks))) for run in runs
        ]
        out.append(TextLine(top, bottom, min(c["x0"] for c in members), max(c["x1"] for c in members),
                             sizes[len(sizes) // 2], unspace(_join_chars(members, blanks)), segments))  # fmt: skip
    out.sort(key=lambda line: (line.top, line.x0))
    return out


def join_wrapped(first: str, second: str) -> str:
    """Text wrapped inside a cell joins without a space, unless two Latin words meet."""
    if (
        first
        and second
        and first[-1].isascii()
        and first[-1].isalpha()
        and second[0].isascii()
        and second[0].isalpha()
    ):
        return f"{first} {second}"
    return first + second
