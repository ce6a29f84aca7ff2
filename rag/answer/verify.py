"""Every number in an answer, checked against the facts of the cited documents and the cited text.

A number verifies when, after unit conversion (元 ↔ 万元 ↔ 亿元), it equals a stored figure of a cited document,
a number written in a cited quote, or a figure the composer derived whose derivation recomputes from the store
(`evidence_from_derivations`). Numbers that do not verify are removed from the answer text (the sentence goes),
never stated as fact.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from rag.answer.derive import Derivation, recompute
from rag.text.numbers import NumberMention, find_numbers, to_wan
from rag.tolerances import SAME_AMOUNT, SAME_PERCENT
from rag.types import Citation, NumberCheck

_MONEY = {"万元", "元", "亿元"}
_COUNT_UNITS = {"名", "人", "个", "辆", "项", "次", "套", "台", "户"}


@dataclass(frozen=True)
class Evidence:
    """A figure an answer may state: a stored fact, a cited-text number, or a derived result."""

    value: Decimal
    unit: str
    doc: str
    line: int
    how: str
    """'fact', 'cited_text' or 'arithmetic'."""
    derivation: Derivation | None = None
    """For 'arithmetic': how the figure was computed (recomputed by the verifier before it becomes evidence)."""


def evidence_from_facts(facts: Iterable[dict]) -> list[Evidence]:
    """Fact rows from the store (value Decimal, unit, doc, line)."""
    return [Evidence(Decimal(f["value"]), f["unit"], f["doc"], f["line"], "fact") for f in facts]


def evidence_from_derivations(
    derivations: Iterable[Derivation], fact_of: Callable[[int], dict | None], line_of: Callable[[str, int], str]
) -> tuple[list[Evidence], list[str]]:
    """Derived figures that recompute from the store, and why the others do not."""
    out, failed = [], []
    for derivation in derivations:
        why = recompute(derivation, fact_of, line_of)
        if why:
            failed.append(f"{derivation.op} = {derivation.value}{derivation.unit}: {why}")
            continue
        out.append(Evidence(derivation.value, derivation.unit, derivation.doc, derivation.line, "arithmetic",
                            derivation))  # fmt: skip
    return out, failed


_YUAN_SOURCE = re.compile(r"绩效目标|[（(]\s*元\s*[）)]|单位[:：]\s*元(?!\S*万)")
"""Sources whose bare amounts are in 元: performance sheets (项目资金（元）) and tables headed 单位：元."""


def evidence_from_citations(citations: Iterable[Citation]) -> list[Evidence]:
    """Numbers written in the quoted source text."""
    out = []
    for citation in citations:
        for mention in find_numbers(citation.part or ""):
            if not mention.unit:  # a name in the cited part's title: 项目支出绩效目标表（12345热线租赁车服务费）
                out.append(Evidence(mention.value, "name", citation.doc, citation.line_start, "cited_text"))
        cell_unit = "元" if _YUAN_SOURCE.search(f"{citation.part} {citation.quote}") else ""
        for mention in find_numbers(citation.quote):
            line = citation.line_start
            out.append(Evidence(mention.value, mention.unit or cell_unit, citation.doc, line, "cited_text"))
        for cell in re.split(r"[\t\s]+", citation.quote):
            for mention in find_numbers(cell):
                if not mention.unit:
                    out.append(Evidence(mention.value, cell_unit, citation.doc, citation.line_start, "cited_text"))
    return out


def _same_quantity(mention: NumberMention, evidence: Evidence, default_unit: str) -> bool:
    unit = mention.unit or ""
    ev_unit = evidence.unit or default_unit
    if unit in _MONEY or (not unit and ev_unit in _MONEY and evidence.how != "cited_text"):
        mention_wan = to_wan(mention.value, unit or "万元")
        evidence_wan = to_wan(evidence.value, ev_unit) if ev_unit in _MONEY else None
        if evidence_wan is None and evidence.how == "cited_text" and not evidence.unit:
            evidence_wan = to_wan(evidence.value, default_unit)
        return mention_wan is not None and evidence_wan is not None and abs(mention_wan - evidence_wan) < SAME_AMOUNT
    if unit == "%":
        return ev_unit == "%" and abs(mention.value - evidence.value) < SAME_PERCENT
    if unit in {"平方米"} | _COUNT_UNITS:
        compatible = ev_unit == unit or (ev_unit in _COUNT_UNITS and unit in _COUNT_UNITS) or not evidence.unit
        return compatible and mention.value == evidence.value
    return mention.value == evidence.value


def check_numbers(text: str, evidence: list[Evidence], default_unit: str = "万元") -> list[NumberCheck]:
    """A NumberCheck for every number in `text`, in order."""
    checks = []
    for mention in find_numbers(text):
        match = _best_match(mention, evidence, default_unit)
        if match:
            derivation = match.derivation.to_json() if match.derivation else None
            checks.append(NumberCheck(mention.text, mention.value, mention.unit, True, match.doc, match.line,
                                      match.how, derivation))  # fmt: skip
        else:
            checks.append(NumberCheck(mention.text, mention.value, mention.unit, False, how="no matching figure"))
    return checks


def _best_match(mention: NumberMention, evidence: list[Evidence], default_unit: str) -> Evidence | None:
    order = {"fact": 0, "arithmetic": 1, "cited_text": 2}
    matches = [e for e in evidence if _same_quantity(mention, e, default_unit)]
    return min(matches, key=lambda e: order.get(e.how, 3)) if matches else None


_SENTENCE_RE = re.compile(r"[^。！？!?\n]*[。！？!?\n]?")


def drop_unverified(text: str, checks: list[NumberCheck]) -> tuple[str, int]:
    """Remove each sentence that states an unverified number; return the text and how many were removed."""
    bad = [c for c in checks if not c.verified]
    if not bad:
        return text, 0
    kept, removed = [], 0
    for sentence in _SENTENCE_RE.findall(text):
        if not sentence:
            continue
        sentence_numbers = {m.text for m in find_numbers(sentence)}
        if any(c.text in sentence_numbers for c in bad):
            removed += 1
            continue
        kept.append(sentence)
    return "".join(kept).strip(), removed


def verify_answer_text(text: str, evidence: list[Evidence], default_unit: str = "万元") -> tuple[str, list[NumberCheck]]:
    """Drop sentences with unverified numbers; return the safe text and the checks of what remains."""
    checks = check_numbers(text, evidence, default_unit)
    safe, removed = drop_unverified(text, checks)
    if removed:
        safe = (safe + "\n" if safe else "") + "（有数字无法与文件中的表格核对一致，已略去。）"
        checks = check_numbers(safe, evidence, default_unit)
    return safe, checks
