"""The direction of a year-over-year change against what the same sentence says: '增加X万元，下降Y%' (two
directions at once), '增加0万元' (a change of nothing), '由8万元减少为9万元' or '2025年10万元，比上年12万元
增加2万元' (the two years' figures it names go the other way), '与上年持平' between two different figures.

Reads the sentences `text.check_shares` reads (`explanation_sentences`); the size of the percentage is that
check's, only the direction is this one's. Wording alone is minor; figures that prove the direction wrong major.
"""

from __future__ import annotations

import re
from decimal import Decimal

from rag.ingest.checks.base import Collector, money_severity, wan
from rag.ingest.checks.text import Sentence, explanation_sentences
from rag.text.numbers import parse_decimal
from rag.types import Document

_NUM = r"\d[\d,]*(?:\.\d+)?"
_UP = {"增加", "增长", "上升", "增幅", "调增", "提高"}
_DOWN = {"减少", "下降", "降低", "降幅", "调减", "压减"}
_WORD = "增加|增长|上升|增幅|调增|提高|减少|下降|降低|降幅|调减|压减"
_TWO_WORDS_RE = re.compile(
    rf"(?P<w1>{_WORD})了?(?P<num>{_NUM})万元[,，]?(?:同比)?(?P<w2>{_WORD})了?(?P<pct>{_NUM})%"
)
_ZERO_RE = re.compile(rf"(?P<w>{_WORD})了?(?P<zero>0(?:\.0+)?)(?P<unit>万元|%)")
_FROM_TO_RE = re.compile(rf"由(?P<a>{_NUM})万元(?P<w>{_WORD})(?:为|到|至)(?P<b>{_NUM})万元")
_PAIR_RE = re.compile(
    rf"(?P<cur>{_NUM})万元[,，]?(?:比|较)(?:上年|20\d\d年度?)(?:同期)?(?:预算数?|决算数?|数)?(?:的)?"
    rf"(?P<prev>{_NUM})万元[,，]?(?P<w>{_WORD}|持平|相同|一致)"
)
_SAME_RE = re.compile(
    rf"(?P<cur>{_NUM})万元[,，]?(?:上年|20\d\d年度?)(?:预算数?|决算数?|数)?(?:为)?(?P<prev>{_NUM})万元[,，]?"
    r"(?:与上年)?(?:相比)?(?P<w>持平|相同|一致|零增长)"
)


def _sign(word: str) -> int:
    return 1 if word in _UP else -1 if word in _DOWN else 0


def _direction(sign: int) -> str:
    return "增加" if sign > 0 else "减少" if sign < 0 else "持平"


def check_yoy(doc: Document, out: Collector) -> None:
    for sentence in explanation_sentences(doc):
        _two_words(sentence, out)
        _zero_change(sentence, out)
        _named_figures(sentence, out)


def _two_words(sentence: Sentence, out: Collector) -> None:
    """'减少74.20万元，增长1.06%': the amount and the percentage change in opposite directions."""
    for match in _TWO_WORDS_RE.finditer(sentence.text):
        first, second = _sign(match.group("w1")), _sign(match.group("w2"))
        if first * second < 0 and parse_decimal(match.group("num")) and parse_decimal(match.group("pct")):
            no = sentence.line_at(match.start())
            out.add(
                "yoy_direction",
                "minor",
                f"第{no}行：「{match.group(0)}」，金额{match.group('w1')}而比例{match.group('w2')}，方向相反",
                [no],
                [f"{match.group('num')}万元", f"{match.group('pct')}%"],
            )


def _zero_change(sentence: Sentence, out: Collector) -> None:
    """'比上年增加0万元，增长0%': a direction for a change of nothing (one finding per line)."""
    by_line: dict[int, list[re.Match]] = {}
    for match in _ZERO_RE.finditer(sentence.text):
        if not sentence.text[max(0, match.start() - 1) : match.start()].isdigit():
            by_line.setdefault(sentence.line_at(match.start()), []).append(match)
    for no, matches in by_line.items():
        said = "，".join(m.group(0) for m in matches)
        out.add(
            "yoy_direction",
            "minor",
            f"第{no}行：「{said}」——变化为0却写{matches[0].group('w')}（应为持平/与上年相同）",
            [no],
            [f"{m.group('zero')}{m.group('unit')}" for m in matches],
        )


def _named_figures(sentence: Sentence, out: Collector) -> None:
    """Both years' figures in the sentence: the direction (or 持平) they show against the word written."""
    for pattern, current_first in ((_FROM_TO_RE, False), (_PAIR_RE, True), (_SAME_RE, True)):
        for match in pattern.finditer(sentence.text):
            if current_first:
                current, previous = parse_decimal(match.group("cur")), parse_decimal(match.group("prev"))
            else:
                previous, current = parse_decimal(match.group("a")), parse_decimal(match.group("b"))
            if current is None or previous is None:
                continue
            _compare(sentence, match, current, previous, out)


def _compare(
    sentence: Sentence, match: re.Match, current: Decimal, previous: Decimal, out: Collector
) -> None:
    word = match.group("w")
    said = _sign(word)
    differ = money_severity(current, previous) is not None
    shown = 0 if not differ else 1 if current > previous else -1
    if said == shown:
        return
    no = sentence.line_at(match.start())
    out.add(
        "yoy_direction",
        "major",
        f"第{no}行：「{match.group(0)}」——本年 {wan(current)}、上年 {wan(previous)}，"
        f"应为{_direction(shown)}{'' if not differ else ' ' + wan(abs(current - previous))}，文中写{word}",
        [no],
        [wan(current), wan(previous), word],
    )
