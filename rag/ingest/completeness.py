"""Which parts of a full disclosure a document has ('tables', '收支总表', '情况说明', '名词解释'), and the
warning a report gives when one is truly absent.

A part counts as present however the publisher titles it: the 情况说明 under a part heading wrapped over two
lines ('第三部分' / '2026年度单位预算情况说明') or named only in the table of contents; the 名词解释 as a part
with its terms or as a sub-heading of the 说明 ('七、名词解释'). One half of a disclosure published as two files
(tables only, or narrative only) is not incomplete: it is told to be a half, and the parts its publisher puts in
the other file are not demanded of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from rag.ingest.pairs import half_of
from rag.ingest.parse.meta import same_part, squeeze, toc_parts, toc_span
from rag.types import Document, Line

_GLOSSARY_RE = re.compile(r"名词解释|名词说明|术语解释")


def parts_present(document: Document) -> set[str]:
    """Which parts of a full disclosure a document has: 'tables', '收支总表', '情况说明', '名词解释'."""
    headings = [(s.part, s.heading, s.level, s.line_start) for s in document.sections]
    return parts_from(len(document.tables), any(t.key == "收支总表" for t in document.tables), headings,
                      bool(document.glossary), document.lines)  # fmt: skip


def parts_from(n_tables: int, summary: bool, headings: Iterable[tuple[str, str, int, int]], glossary: bool,
               lines: Sequence[Line]) -> set[str]:  # fmt: skip
    """`parts_present` from the pieces a store also keeps: (part, heading, level, first line) of each section."""
    headings = list(headings)
    listed = toc_parts(list(lines), toc_span(list(lines)))
    explanation = glossary_named = False
    for part, heading, level, first in headings:
        named = f"{part or ''} {heading or ''}"
        if level == 0:  # a part heading: its wording may be wrapped onto the next line or only in the TOC
            named += " " + _wrapped_onto(lines, first) + " " + " ".join(p for p in listed if same_part(p, heading or ""))
        explanation = explanation or "说明" in named
        glossary_named = glossary_named or bool(_GLOSSARY_RE.search(heading or ""))
    named_parts = {"tables": n_tables > 0, "收支总表": summary, "情况说明": explanation,
                   "名词解释": glossary or glossary_named}  # fmt: skip
    return {name for name, present in named_parts.items() if present}


def _wrapped_onto(lines: Sequence[Line], first: int) -> str:
    """The line after a bare part heading ('第三部分' / '2026年度单位预算情况说明'), '' when it is prose."""
    index = next((i for i, line in enumerate(lines) if line.no == first), None)
    if index is None:
        return ""
    following = next((squeeze(line.text) for line in lines[index + 1 : index + 4] if line.text.strip()), "")
    return following if len(following) <= 40 and not following.endswith(("。", "；")) else ""


def completeness_warnings(document: Document) -> str:
    """A truncated or partial document still ingests (its figures are real); the message says what is missing:
    the parts it lacks, and the parts its table of contents lists that the text never reaches. A half of a
    two-file disclosure says so instead of being called incomplete."""
    present = parts_present(document)
    half = half_of(document.tables, [s.text for s in document.sections])
    missing = [] if "tables" in present or half == "narrative" else ["tables"]
    if document.kind == "预算" and document.tables and "收支总表" not in present:
        missing.append("收支总表")
    if half != "tables":
        missing += [part for part in ("情况说明", "名词解释") if part not in present]
    listed = toc_parts(document.lines, toc_span(document.lines))
    found = [s.heading for s in document.sections if s.level == 0]
    reached = [n for n, part in enumerate(listed) if any(same_part(part, heading) for heading in found)]
    unreached = listed[reached[-1] + 1 :] if reached else []  # a cut text loses its last parts
    if half == "narrative":  # its tables are the other file's: a TOC part of tables is not a cut
        unreached = [part for part in unreached if not squeeze(part).endswith(("表", "报表"))]
    notes = [f"no {', '.join(missing)} found"] if missing else []
    if unreached:
        notes.append(f"its table of contents lists {', '.join(unreached)}, which the text does not reach (truncated?)")
    message = f"{document.doc} is incomplete: {'; '.join(notes)}" if notes else ""
    if half is not None and not notes:
        other = "narrative" if half == "tables" else "tables"
        message = (f"{document.doc} is the {half} half of a disclosure published as two files (no {other} in it): "
                   f"its {other} file joins it when ingested")  # fmt: skip
    return message
