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

from rag.answer.claims import Claim, claimed_figure, claims_in, names_fact, squash
from rag.answer.derive import Derivation, recompute
from rag.text.money import fmt_amount
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
    fact: dict | None = None
    """For 'fact': the store row (its name, row label, table and origin are what a claim is bound to)."""
    used: bool = False
    """For 'fact': the composer stated this fact (the sentence was built from it)."""


def evidence_from_facts(facts: Iterable[dict], used: Iterable[int] = ()) -> list[Evidence]:
    """Fact rows from the store (value Decimal, unit, doc, line); `used`: ids of the facts the composer stated."""
    stated = set(used)
    return [Evidence(Decimal(f["value"]), f["unit"], f["doc"], f["line"], "fact", fact=f, used=f.get("id") in stated)
            for f in facts]  # fmt: skip


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
    """A NumberCheck for every number in `text`, in order, each bound to what its sentence claims it is."""
    names = {e.fact["name"] for e in evidence if e.fact and e.fact.get("name")}
    checks = []
    for claim in claims_in(text):
        mention = claim.mention
        match, why = _bind(claim, [e for e in evidence if _same_quantity(mention, e, default_unit)], evidence, names)
        if match:
            derivation = match.derivation.to_json() if match.derivation else None
            checks.append(NumberCheck(mention.text, mention.value, mention.unit, True, match.doc, match.line,
                                      match.how, derivation))  # fmt: skip
        else:
            checks.append(NumberCheck(mention.text, mention.value, mention.unit, False, how=why))
    return checks


def _bind(claim: Claim, matches: list[Evidence], evidence: list[Evidence], names: set[str]) -> tuple[Evidence | None, str]:
    """The evidence this number is, or why none: a stated table fact, a recomputed derivation, then — unless the
    claim names a key figure whose table gives another value — a fact the claim names or the cited text."""
    conflict = _conflict(claim, evidence, names)
    if conflict:
        return None, conflict
    facts = [e for e in matches if e.how == "fact"]
    stated = [e for e in facts if e.used and e.fact and e.fact.get("origin") == "table"]
    if stated:
        return stated[0], ""
    derived = [e for e in matches if e.how == "arithmetic"]
    if derived:
        return derived[0], ""
    bound = [e for e in facts if e.used or (e.fact and names_fact(claim, e.fact))]
    if bound:
        return min(bound, key=lambda e: (not e.used, (e.fact or {}).get("origin") != "table")), ""
    cited = [e for e in matches if e.how == "cited_text"]
    if cited:
        return cited[0], ""
    return None, "only elsewhere in the document" if facts else "no matching figure"


_VARIANT = re.compile(r"预算|决算|调整|年初|全年|执行")
"""Columns of the same figure's row that state it too: 年初预算数 / 调整预算数 / 决算数 of a 决算 table."""


def _conflict(claim: Claim, evidence: list[Evidence], names: set[str]) -> str:
    """'文件表格中X为…' when the claim names key figure X as an amount and no table cell of X's rows equals it."""
    if claim.mention.unit not in _MONEY | {""}:
        return ""
    name = claimed_figure(claim, names)
    if name is None:
        return ""
    tables = [e for e in evidence if e.fact and e.fact.get("origin") == "table"]
    rows = {(e.doc, e.fact["tbl"], e.line) for e in tables if e.fact.get("name") == name}
    if not rows:
        return ""
    key = squash(name)
    cells = [e for e in tables if ((e.doc, e.fact["tbl"], e.line) in rows and _VARIANT.search(e.fact.get("col") or ""))
             or e.fact.get("name") == name
             or any(key in squash(e.fact.get(field) or "") for field in ("row", "col", "tbl"))]  # fmt: skip
    if any(_same_quantity(claim.mention, e, "万元") for e in cells):
        return ""  # the figure of another of its tables (一般公共预算安排基本支出表's 合计), or another column
    table = next(e for e in cells if e.fact.get("name") == name)
    return f"文件表格中{name}为{fmt_amount(table.value, table.unit)}（{table.fact['tbl']}）"


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
        instead = list(dict.fromkeys(c.how for c in checks if not c.verified and c.how.startswith("文件表格中")))
        note = "；".join(instead) + "。" if instead else "（有数字无法与文件中的表格核对一致，已略去。）"
        safe = (safe + "\n" if safe else "") + note
        checks = check_numbers(safe, evidence, default_unit)
    return safe, checks
