"""Numbers as the documents and answers write them → Decimal + unit; shared by extract and verify.

"6,926.05万元" → (6926.05, 万元); "31,080,000元" → (31080000, 元) = 3108.00万元; "3.9亿" → (3.9, 亿元);
"≥18826平米" → ('≥', 18826, 平方米); full-width digits and ％ are folded first.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

MONEY_UNITS = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(100000000)}
UNIT_ALIASES = {
    "万": "万元",
    "亿": "亿元",
    "平米": "平方米",
    "㎡": "平方米",
    "m2": "平方米",
    "％": "%",
    "人": "人",
    "名": "名",
}
_UNIT_PATTERN = r"万元|亿元|元|万|亿|%|％|平方米|平米|㎡|名|人次|人|辆|个|项|次|套|台|户|天|月|年"
_NUMBER = r"(?<![\d.])[-−]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\d.])(?<!\d,)[-−]?\d+(?:\.\d+)?"
"""A number, with or without thousands separators; a comma after a word ('费，9.00万元') does not hide it."""
NUMBER_RE = re.compile(rf"(?P<num>{_NUMBER})\s*(?P<unit>{_UNIT_PATTERN})?")
_CELL_RE = re.compile(r"^[-−]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^[-−]?\d+(?:\.\d+)?$")
_COMPARATORS = {"≥": "≥", ">=": "≥", "≤": "≤", "<=": "≤", ">": ">", "<": "<", "=": "="}


def normalize_text(text: str) -> str:
    """Fold full-width digits/letters/punctuation that matter for numbers (NFKC keeps CJK intact)."""
    folded = unicodedata.normalize("NFKC", text)
    return folded.replace("−", "-")


def parse_decimal(text: str) -> Decimal | None:
    """'6,926.05' → Decimal('6926.05'); anything else → None."""
    cleaned = normalize_text(text).strip().replace(" ", "")
    if not cleaned or not _CELL_RE.match(cleaned):
        return None
    try:
        return Decimal(cleaned.replace(",", ""))
    except InvalidOperation:
        return None


def canonical_unit(unit: str | None) -> str:
    """Map the many ways of writing a unit to one ('万' → '万元', '平米' → '平方米')."""
    if not unit:
        return ""
    unit = normalize_text(unit)
    return UNIT_ALIASES.get(unit, unit)


def to_wan(value: Decimal, unit: str) -> Decimal | None:
    """A money amount in 万元; None when the unit is not money."""
    factor = MONEY_UNITS.get(canonical_unit(unit))
    return None if factor is None else value * factor / Decimal(10000)


@dataclass(frozen=True)
class NumberMention:
    """A number found in running text."""

    text: str
    """As written, with its unit ('6,926.05万元')."""
    value: Decimal
    unit: str
    """Canonical unit ('' when none was written)."""
    start: int
    end: int


_YEAR_CONTEXT = re.compile(r"^\s*(年|年度)")


def find_numbers(text: str) -> list[NumberMention]:
    """Every number in `text` with its unit; years (2024年), list markers and dates are skipped."""
    folded = normalize_text(text)
    found: list[NumberMention] = []
    for match in NUMBER_RE.finditer(folded):
        raw_num, unit = match.group("num"), match.group("unit") or ""
        if unit in {"年", "月", "天"} and "." not in raw_num and len(raw_num) == 4:
            continue  # a year: 2024年
        if unit == "年" and re.fullmatch(r"\d{4}", raw_num):
            continue
        if unit == "月" and len(raw_num) <= 2:
            continue  # 3月 (a date)
        if _is_list_marker(folded, match.start(), match.end()) or _is_reference(folded, match.start(), match.end()):
            continue
        value = parse_decimal(raw_num)
        if value is None:
            continue
        found.append(NumberMention(match.group(0).strip(), value, canonical_unit(unit), match.start(), match.end()))
    return found


def _is_list_marker(text: str, start: int, end: int) -> bool:
    """'1、', '（2）', '3. ' are enumeration, not figures."""
    after = text[end : end + 1]
    before = text[start - 1 : start] if start else ""
    return after in {"、", "）", ")", "."} and before in {"", "\n", "（", "(", " ", "；", "：", ":", ";"}


_REFERENCE_AFTER = re.compile(r"^(?:\s*[–—-]\s*\d+)?\s*(?:行|页|部分|条|号)")


def _is_reference(text: str, start: int, end: int) -> bool:
    """'表3', '第12行', '第3页', '99–101行' point into the document; they are not figures."""
    before = text[max(0, start - 1) : start]
    if before in {"表", "第"} or text[max(0, start - 2) : start] in {"表 ", "第 "}:
        return True
    return bool(_REFERENCE_AFTER.match(text[end : end + 8]))


def parse_target(target: str) -> tuple[str, Decimal | None, str]:
    """'≥18826平米' → ('≥', 18826, '平方米'); '及时' → ('', None, '')."""
    folded = normalize_text(target).strip()
    comparator = ""
    for token, symbol in _COMPARATORS.items():
        if folded.startswith(token):
            comparator, folded = symbol, folded[len(token) :].strip()
            break
    match = NUMBER_RE.match(folded)
    if not match:
        return comparator, None, ""
    value = parse_decimal(match.group("num"))
    unit = canonical_unit(match.group("unit")) or folded[match.end() :].strip()[:8]
    return comparator or ("=" if value is not None else ""), value, unit


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "三": 3, "叁": 3, "四": 4, "肆": 4,
              "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9}  # fmt: skip
_CN_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
CN_NUMERALS = "".join(_CN_DIGITS) + "".join(_CN_UNITS)
"""Chinese numerals, everyday (一百二十) and 大写 as on cheques and contracts (壹佰贰拾)."""


def cn_number(text: str) -> Decimal | None:
    """'三千一百零八' → 3108, '壹佰' → 100, '二〇二四' → 2024, '3108' → 3108; None for anything else."""
    if re.fullmatch(r"\d+(?:\.\d+)?", text.replace(",", "")):
        return Decimal(text.replace(",", ""))
    if not text or any(ch not in _CN_DIGITS and ch not in _CN_UNITS for ch in text):
        return None
    if not any(ch in _CN_UNITS for ch in text):
        return Decimal("".join(str(_CN_DIGITS[ch]) for ch in text))  # digit by digit: 二〇二四
    total, digit = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        else:
            total += (digit or 1) * _CN_UNITS[ch]
            digit = 0
    return Decimal(total + digit)

