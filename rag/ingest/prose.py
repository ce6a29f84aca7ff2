"""Explanation text → Facts (origin='text'): the key figures the prose states, and the changes on the year before.

The phrasings are data (`prose.json`): per canonical figure its labels, the connector words that may stand
between a label and its number, its units, and what makes a match something else — a part of a list (after
其中 in the same sentence, unless the figure is itself a part: 政府采购货物), a qualified part (一般公共预算拨款
政府采购), a change (增加人员经费…), another year's figure (2025年… in a 2026 document; 上年…) or the other version
(预算 in a 决算). This module holds the mechanism: read each section's lines as one text, find label + connectors
+ number + unit, keep the unit as written (万元 / 元 / 亿元 / 辆 / 台; Fact.value_wan converts money).

Changes stated in the text ('比上年减少74.20万元，下降1.06%', '较2025年年初预算增加26.48万元') become two facts of
the figure the sentence is about: name '<figure>.比上年增减' (column '比上年增减', the amount signed, a decrease
negative, unit as written) and '<figure>.比上年增减%' (column '比上年增减%', unit '%'). The suffix keeps them apart
from the figure itself: answers look figures up by exact name, so a change is never read as the figure.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from rag.text.numbers import normalize_text, parse_decimal
from rag.types import Document, Fact

_PATH = Path(__file__).with_name("prose.json")
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_DATE_YEAR = re.compile(r"(20\d{2})年(?!\d{1,2}月)(?:度)?")
_LEAD = re.compile(r"(?:\([一二三四五六七八九十\d]+\)|[一二三四五六七八九十\d]+[、.])?")
"""An enumerator a sentence may start with ('(一)', '2.') before its year."""
_HEADING_STOP = re.compile(r"((?:^|(?<=[。;]))\([一二三四五六七八九十]+\)[^。;,\d]{2,24})。")
"""An enumerated heading ended by 。 ('(三)公务用车购置和运行维护费。2026年预算数67.96万元'): its 。 reads as ':'."""
CHANGE_SUFFIX = ".比上年增减"
"""Name suffix of a change fact ('三公经费.比上年增减'); the percent fact adds '%'."""


@dataclass(frozen=True)
class Match:
    """A figure found in a sentence: its name, value, unit as written and the offsets of its number."""

    name: str
    value: Decimal
    unit: str
    start: int
    end: int
    part: bool = False
    """Stated after 其中 (a part of the list's whole)."""


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", normalize_text(text))


@cache
def rules() -> dict[str, Any]:
    """prose.json with every phrase folded like the text it is matched against."""
    data = json.loads(_PATH.read_text(encoding="utf-8"))

    def fold(value: Any) -> Any:
        if isinstance(value, str):
            return _fold(value)
        if isinstance(value, list):
            return [fold(v) for v in value]
        if isinstance(value, dict):
            return {k: (v if k in ("name", "_doc", "examples", "not") else fold(v)) for k, v in value.items()}
        return value

    return {key: fold(value) if key != "_doc" else value for key, value in data.items()}


def _by_length(words: list[str]) -> list[str]:
    return sorted(set(words), key=len, reverse=True)


def _gap(
    text: str, at: int, connectors: list[str], year: int | None, skip_units: tuple[str, ...] = ()
) -> tuple[int, list[str]]:
    """Skip connector words, this year's '2026年' and counts in `skip_units` ('团组0个、' before the 人次) from
    `at`; (position after them, the words skipped)."""
    used: list[str] = []
    skip = re.compile(rf"(?:{_NUMBER})(?:{'|'.join(map(re.escape, skip_units))})") if skip_units else None
    for _ in range(8):
        if (found := _DATE_YEAR.match(text, at)) and (year is None or int(found.group(1)) == year):
            at = found.end()
            used.append(found.group(0))
            continue
        if skip and (count := skip.match(text, at)):
            at = count.end()
            continue
        word = next((w for w in connectors if text.startswith(w, at)), None)
        if word is None:
            break
        at = at + len(word)
        used.append(word)
    return at, used


def _number_at(text: str, at: int, units: list[str]) -> tuple[Decimal, str, int] | None:
    """(value, unit as written, end) when a number with one of `units` starts at `at`."""
    found = re.compile(rf"({_NUMBER})({'|'.join(map(re.escape, units))})").match(text, at)
    if not found or (value := parse_decimal(found.group(1))) is None:
        return None
    return value, found.group(2), found.end()


def _clause_start(sentence: str, at: int) -> int:
    ends = rules()["clause_ends"]
    return max((sentence.rfind(c, 0, at) for c in ends), default=-1) + 1


def _other_year(sentence: str, at: int, year: int | None) -> bool:
    """The nearest year before `at` names another year than the document's, or 上年 stands in the clause."""
    start = _clause_start(sentence, at)
    if any(word in sentence[start:at] for word in rules()["last_year_words"]):
        return True
    years = [int(m.group(1)) for m in _DATE_YEAR.finditer(sentence, start, at)]
    if not years and (lead := _DATE_YEAR.match(sentence, len(_LEAD.match(sentence).group(0)))):
        years = [int(lead.group(1))]  # '2025年,本部门机关运行经费…': the sentence's year
    return bool(year and years and years[-1] != year)


def _version_skip(kind: str, used: list[str]) -> bool:
    """In a 决算 a figure said as 预算 (not 决算) is the budget; in a 预算 one said as 决算 is last year's."""
    said = "".join(used)
    if kind == "决算":
        return "预算" in said and "决算" not in said
    return "决算" in said and "预算" not in said


def figure_matches(sentence: str, year: int | None = None, kind: str = "预算") -> list[Match]:
    """Every figure of prose.json the sentence states, in order of its number."""
    data = rules()
    lists = [m.start() for w in data["list_words"] for m in re.finditer(re.escape(w), sentence)]
    out: list[Match] = []
    taken: set[tuple[str, int]] = set()
    for figure in data["figures"]:
        units = _by_length(figure["units"])
        for form in figure["forms"]:
            connectors = form.get("connectors", data["connectors"]["words"]) + form.get("more_connectors", [])
            for label in _by_length(form["labels"]):
                for hit in re.finditer(re.escape(label), sentence):
                    found = _form_match(sentence, year, form, hit, units, _by_length(connectors))
                    if found is None or not _accepted(sentence, year, figure, form, hit.start(), lists):
                        continue
                    for value, unit, start, end, used in [found, *_carried(sentence, year, found[3], units)]:
                        if (figure["name"], start) in taken or _version_skip(kind, used):
                            continue
                        taken.add((figure["name"], start))
                        part = _in_list(sentence, hit.start(), lists)
                        out.append(
                            Match(figure["name"], value, figure.get("store_unit", unit), start, end, part)
                        )
        out += _zero_matches(sentence, figure, taken)
    return sorted(out, key=lambda m: (m.start, m.name))


def _form_match(
    sentence: str, year: int | None, form: dict, hit: re.Match[str], units: list[str], connectors: list[str]
) -> tuple[Decimal, str, int, int, list[str]] | None:
    """(value, unit, number start, number end, connectors) for one label occurrence, or None."""
    if form.get("number_first"):
        before = re.search(rf"({_NUMBER})({'|'.join(map(re.escape, units))})$", sentence[: hit.start()])
        if not before or (value := parse_decimal(before.group(1))) is None:
            return None
        return value, before.group(2), before.start(), before.end(), []
    at, used = _gap(sentence, hit.end(), connectors, year, tuple(form.get("skip_units", ())))
    number = _number_at(sentence, at, units)
    if number is None:
        return None
    value, unit, end = number
    if form.get("after") and not sentence.startswith(tuple(form["after"]), end):
        return None
    return value, unit, at, end, used


def _carried(
    sentence: str, year: int | None, end: int, units: list[str]
) -> list[tuple[Decimal, str, int, int, list[str]]]:
    """The same figure's other version in the next clause, which names no label ('机关运行经费预算627.62万元,
    支出决算627.62万元'): only when its connectors say 预算 or 决算."""
    if not sentence.startswith(",", end):
        return []
    at, used = _gap(sentence, end + 1, _by_length(rules()["connectors"]["words"]), year)
    said = "".join(used)
    number = _number_at(sentence, at, units) if ("预算" in said or "决算" in said) else None
    return [(number[0], number[1], at, number[2], used)] if number else []


def _accepted(sentence: str, year: int | None, figure: dict, form: dict, at: int, lists: list[int]) -> bool:
    """The label at `at` states the figure itself: not a change, a part, a qualified part or another year's."""
    data = rules()
    before = sentence[:at]
    if before.endswith(tuple(data["adjacent_not_before"]["words"])):
        return False
    if figure.get("not_adjacent") and before.endswith(tuple(figure["not_adjacent"])):
        return False
    if form.get("not_near") and any(w in before[-12:] for w in form["not_near"]):
        return False
    clause = sentence[_clause_start(sentence, at) : at]
    if any(word in clause for word in figure.get("not_in_clause", [])):
        return False
    within = form.get("within") or figure.get("within")
    if within and within not in before:
        return False
    if not figure.get("in_list") and _in_list(sentence, at, lists):
        return False
    return bool(figure.get("stock")) or not _other_year(sentence, at, year)


def _in_list(sentence: str, at: int, lists: list[int]) -> bool:
    """A 其中 stands before `at` in the sentence, and not inside a parenthesis closed before `at`
    ('车辆编制数为4辆(其中行政单位2辆…),车辆实有数4辆')."""
    for start in lists:
        if start >= at:
            continue
        opened = sentence.rfind("(", 0, start) > sentence.rfind(")", 0, start)
        if not (opened and ")" in sentence[start:at]):
            return True
    return False


def _zero_matches(sentence: str, figure: dict, taken: set[tuple[str, int]]) -> list[Match]:
    """'无机关运行经费。' / '本单位无公务用车，': a stated zero, only when the phrase ends its clause."""
    out = []
    ends = rules()["clause_ends"] + rules()["sentence_ends"]
    for phrase in figure.get("zero", []):
        for hit in re.finditer(re.escape(phrase), sentence):
            if hit.end() < len(sentence) and sentence[hit.end()] not in ends:
                continue
            if (figure["name"], hit.start()) not in taken:
                taken.add((figure["name"], hit.start()))
                unit = figure.get("store_unit", figure["units"][0])
                out.append(Match(figure["name"], Decimal(0), unit, hit.start(), hit.end()))
    return out


@cache
def _change_re() -> re.Pattern[str]:
    data = rules()["changes"]
    comparators = "|".join(
        re.escape(c).replace(r"\{year\}", r"20\d{2}") for c in _by_length(data["comparators"])
    )
    qualifiers = "|".join(map(re.escape, _by_length(data["qualifiers"])))
    directions = "|".join(map(re.escape, _by_length(data["up"] + data["down"])))
    return re.compile(
        rf"(?:{comparators})(?:{qualifiers})?(?P<dir>{directions})(?:(?P<amount>{_NUMBER})(?P<unit>万元|亿元|元))?"
        rf"(?:,?(?P<pdir>{directions})?(?P<pct>{_NUMBER})%)?"
    )


def change_matches(
    sentence: str, figures: list[Match]
) -> list[tuple[str, Decimal | None, str, int, Decimal | None, int]]:
    """(figure, signed amount, unit, amount offset, signed percent, percent offset) per change the sentence
    states about a figure: the figure whose number is the last one before the change, or the whole of the
    list (其中 …) that number is a part of."""
    down = tuple(rules()["changes"]["down"])
    out = []
    previous = 0
    for found in _change_re().finditer(sentence):
        if found.group("amount") is None and found.group("pct") is None:
            continue
        subject = _subject(sentence, figures, previous, found.start())
        previous = found.end()
        if subject is None:
            continue
        sign = -1 if found.group("dir").startswith(down) else 1
        amount = parse_decimal(found.group("amount")) if found.group("amount") else None
        pct = parse_decimal(found.group("pct")) if found.group("pct") else None
        psign = -1 if (found.group("pdir") or found.group("dir")).startswith(down) else 1
        out.append((subject, None if amount is None else sign * amount, found.group("unit") or "",
                    found.start("amount"), None if pct is None else psign * pct, found.start("pct")))  # fmt: skip
    return out


def _subject(sentence: str, figures: list[Match], since: int, at: int) -> str | None:
    """The figure a change at `at` is about (None when the last number before it is no figure's)."""
    numbers = [m for m in re.finditer(rf"({_NUMBER})(万元|亿元|元)", sentence[since:at])]
    if not numbers:
        return None
    last = since + numbers[-1].start()
    lists = [
        m.start() for w in rules()["list_words"] for m in re.finditer(re.escape(w), sentence[since:last])
    ]
    if lists:
        head = [m for m in figures if since <= m.start < since + lists[0]]
        if head:
            return head[-1].name
    named = [m for m in figures if m.start == last]
    return named[0].name if named else None


def read_prose(
    text: str, year: int | None = None, kind: str = "预算"
) -> list[tuple[str, str, Decimal, str, int]]:
    """(name, column, value, unit as written, offset of the number) for every figure and change a folded text
    states, sentence by sentence: figures in column '正文', changes as '<figure>.比上年增减' ('比上年增减') and
    '<figure>.比上年增减%' ('比上年增减%')."""
    found: list[tuple[str, str, Decimal, str, int]] = []
    offset = 0
    text = _HEADING_STOP.sub(lambda m: m.group(1) + ":", _fold(text))
    for sentence in re.split(rf"(?<=[{re.escape(rules()['sentence_ends'])}])", text):
        figures = figure_matches(sentence, year, kind)
        found += [(m.name, "正文", m.value, m.unit, offset + m.start) for m in figures]
        for name, amount, unit, at, pct, pct_at in change_matches(sentence, figures):
            if amount is not None:
                found.append((name + CHANGE_SUFFIX, "比上年增减", amount, unit, offset + at))
            if pct is not None:
                found.append((name + CHANGE_SUFFIX + "%", "比上年增减%", pct, "%", offset + pct_at))
        offset += len(sentence)
    return found


def text_facts(doc: Document) -> list[Fact]:
    """Every figure and change the explanation text states (origin='text'), in reading order.

    A section's lines are read as one text, so a figure wrapped onto the next line ('收入、支出预算总计' /
    '24,169.74 万元') is found; the fact cites the line its number starts on. Two lines whose join would run two
    numbers together ('…：2025' / '2045.01') are kept apart."""
    out: list[Fact] = []
    seen: set[tuple[str, Decimal, int]] = set()
    for section in doc.sections:
        out += _section_facts(doc, section.line_start, section.line_end, " / ".join(section.path) or section.heading,
                              seen)  # fmt: skip
    out.sort(key=lambda fact: fact.line)
    return out


def _section_facts(
    doc: Document, first: int, last: int, where: str, seen: set[tuple[str, Decimal, int]]
) -> list[Fact]:
    lines = [(no, _fold(doc.line_text(no))) for no in range(first, last + 1)]
    lines = [(no, text) for no, text in lines if text]
    folded, starts = "", []
    for _, text in lines:
        if folded[-1:].isdigit() and text[:1].isdigit():
            folded += "|"
        starts.append(len(folded))
        folded += text
    found = read_prose(folded, doc.year, doc.kind)
    out = []
    for name, column, value, unit, at in found:
        line = lines[bisect_right(starts, at) - 1][0]
        if (name, value, line) in seen:
            continue
        seen.add((name, value, line))
        out.append(Fact(doc=doc.doc, department=doc.department, year=doc.year, kind=doc.kind, table=where,
                        row=name.split(".")[0], column=column, value=value, unit=unit, line=line, name=name,
                        origin="text", quote=doc.line_text(line).strip(), page=doc.page_of(line)))  # fmt: skip
    return out
