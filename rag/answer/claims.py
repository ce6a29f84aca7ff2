"""What each number of an answer claims to be: the words its sentence attaches to it.

A number's claim is the text between the previous number of its sentence (or the sentence start) and the number:
in "三公经费8.50万元，比上年减少1.00万元" the first claims "三公经费", the second is a change ("比上年减少").
The verifier binds a number to a fact only when the fact is the one the composer stated, or the claim names the
fact's row or key figure; and a claim that names a key figure whose table says otherwise is refused even when
the number occurs elsewhere (a sentence of the text, another cell), so a planted "三公经费为999万元" never passes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.text.numbers import NumberMention, find_numbers, normalize_text
from rag.text.similar import similarity

_SENTENCE_END = "。！？!?\n"
_CHANGE = re.compile(
    r"(?:增加|减少|增长|下降|压减|节约|节省|调增|调减|降低|提高|上升|减|增|多|少|相差|差额|差距|差|超|超出|低于|高于)"
    r"(?:了|约|为|是|达|至|到)?\s*$"
)
"""The number states a change or a gap, not the figure the label names."""
_OTHER_YEAR = re.compile(r"上年|去年|上一年|前年|年初预算|同期")
"""The number is another year's (or the 决算's planned) figure: the table of this year's figure does not bind it."""
_NOISE = re.compile(r"[“”\"'‘’《》\s]|的")


@dataclass(frozen=True)
class Claim:
    """One number of the answer text and the words that claim it."""

    mention: NumberMention
    label: str
    """The words before the number in its sentence, back to the previous number (normalised, quotes removed)."""

    @property
    def is_change(self) -> bool:
        return bool(_CHANGE.search(self.label))

    @property
    def other_year(self) -> bool:
        return bool(_OTHER_YEAR.search(self.label))


def squash(text: str) -> str:
    """A label without quotes, spaces and 的, for containment tests."""
    return _NOISE.sub("", normalize_text(text or ""))


def claims_in(text: str) -> list[Claim]:
    """Every number of `text` with its claim, in order."""
    folded = normalize_text(text)
    out, previous_end = [], 0
    for mention in find_numbers(text):
        start = max(folded.rfind(ch, 0, mention.start) for ch in _SENTENCE_END) + 1
        label = folded[max(start, previous_end) : mention.start]
        out.append(Claim(mention, squash(label)))
        previous_end = mention.end
    return out


_CONNECTOR = re.compile(r"(?:预算|决算|安排|支出|金额|数|为|是|约|达|[:：])*")
"""What may stand between a figure's name and its number when the number is that figure ('三公经费预算为')."""
_NOT_THE_FIGURE = re.compile(r"(?:由|从|每[^\d]{0,3}|标准|平均|人均|其中|含|不含|以内|以上|以下|=|即|折合|约合|相当于)$")
"""The number is a starting value ('由8万元减少为7万元'), a rate (每辆4万元), a part, or a result the answer
shows the arithmetic of ('… = 9.50万元', '合计' after a name is a sum, not the figure)."""


_CHANGED = re.compile(r"新增|增加|减少|增长|下降|压减|节约|调增|调减|追加|削减|变动|变化")
"""A clause about a change ('一是新增项目支出311.3万元') states the change, not the figure."""


def claimed_figure(claim: Claim, names: set[str]) -> str | None:
    """The key figure the number is stated to be: a name ending the claim, followed only by connectors
    ('三公经费预算为' → 三公经费; '三公经费中公务接待费' → 公务接待费); None when the words say otherwise."""
    clause = re.split(r"[，,；;]", claim.label)[-1]
    if claim.is_change or claim.other_year or _NOT_THE_FIGURE.search(claim.label) or _CHANGED.search(clause):
        return None
    best = None
    for name in names:
        key = squash(name)
        at = claim.label.rfind(key) if len(key) >= 2 else -1
        if at >= 0 and _CONNECTOR.fullmatch(claim.label[at + len(key) :]) and len(key) > len(squash(best or "")):
            best = name
    return best


def names_fact(claim: Claim, fact: dict) -> bool:
    """The claim's words name this fact: its key-figure name, its row label or its project."""
    label = claim.label
    if not label:
        return False
    for word in (fact.get("name"), fact.get("row")):
        key = squash(word or "")
        if len(key) < 2:
            continue
        if key in label or (len(label) >= 4 and label[-8:] in key):
            return True
        if len(key) >= 4 and similarity(key, label[-len(key) - 2 :]) >= 0.85:
            return True
    return False
