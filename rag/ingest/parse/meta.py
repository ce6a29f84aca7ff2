"""The cover and the table of contents → department, year, kind (预算/决算), scope (部门/单位), title; the TOC's
line span and the table numbers it lists.

Covers wrap ('中共上海市普陀区委' / '社会工作部2024年度' / '部门决算'), some documents have none (a tables-only
file, a narrative that starts at 目录): then the year and kind come from the table titles and part headings,
the department from the 部门名称 labels, and the title is composed from them.
"""

from __future__ import annotations

import re
from collections import Counter

from rag.errors import ParseError
from rag.ingest.parse.tables import clean_title, title_number
from rag.text.numbers import normalize_text
from rag.types import Line, SourceText

PART_RE = re.compile(r"^第[一二三四五六七八九十]+部分")
_YEAR_RE = re.compile(r"(20\d{2})\s*年度?")
_KIND_RE = re.compile(r"预算|决算")
_DATE_RE = re.compile(r"20\d{2}\s*[年\-/.]\s*\d{1,2}\s*[月\-/.]\s*\d{1,2}|更新时间|发布时间|日期")
_DEPT_LABEL_RE = re.compile(
    r"(?:部门名称|单位名称|预算主管部门|预算单位|主管部门|编制部门|编制单位|部门)\s*[：:]\s*([^\t：:]+)"
)
DEPT_CELL_RE = re.compile(r"^(?:部门名称|单位名称|部门（单位）名称|预算单位|编制单位|编制部门)\t+([^\t]+)")
"""A label in one cell and the name in the next ('部门名称\t\t北京市医疗保障局' of a 整体绩效目标表)."""
_NEXT_LABEL_RE = re.compile(
    r"\s*(?:金额单位|计量单位|货币单位|单\s*位\s*[：:]|单位名称|部门名称|编制单位|编制部门|填报单位|报送单位|填报日期)"
)
"""A neighbouring cell's label run into a name ('国家信访局 金额单位', '…局 单位：万元'): the name ends before it."""
_TRAILING_LABEL_RE = re.compile(r"\s*(?:(?:金额|计量|货币)?单\s*位|填报日期|编制日期|日期)$")
YEAR_ONLY_RE = re.compile(r"^[（(]?\s*(20\d{2})\s*年度?\s*[）)]?$")
"""A title's year printed alone on the line below it ('预算13表 部门整体支出绩效目标表' / '（2026年度）')."""
_TOC_TAIL_RE = re.compile(r"(\.{3,}|…{2,}|·{3,}|-{4,})\s*\d*\s*$|\t\s*\d{1,3}\s*$")
_BARE_REGION_RE = re.compile(r"^(?:.{2,4}[省市])?.{0,4}[市区县]$")


def squeeze(text: str) -> str:
    """Without whitespace or markup (full-width characters kept: they are part of names)."""
    return re.sub(r"\s+|<[^>]+>|^#+", "", text)


def _folded(text: str) -> str:
    """`squeeze` and NFKC-folded: the form headings and titles are compared in."""
    return normalize_text(squeeze(text))


def toc_span(lines: list[Line]) -> tuple[int, int] | None:
    """(first, end) indexes of the table of contents: from the 目录 line to where the body starts again with
    the TOC's first entry, or (no repetition) to the first blank line after its entries."""
    start = next((i for i, line in enumerate(lines[:300]) if _folded(line.text) == "目录"), None)
    if start is None:
        return None
    limit = min(len(lines), start + 160)
    entries = [i for i in range(start + 1, limit) if lines[i].text.strip()]
    if not entries:
        return None
    first = _entry_key(lines[entries[0]].text)
    for i in entries[1:]:
        if _entry_key(lines[i].text) == first and not _TOC_TAIL_RE.search(lines[i].text.rstrip()):
            return start, i
    count = 0
    for i in range(start + 1, limit):
        text = lines[i].text.strip()
        if not text:
            if count >= 3:
                return start, i
            continue
        if "\t" in text.rstrip("\t0123456789 ") or len(text) > 60 or text.endswith(("。", "；")):
            return start, i
        count += 1
    return start, limit


def _entry_key(text: str) -> str:
    return _folded(_TOC_TAIL_RE.sub("", text.rstrip()))


def title_key(title: str) -> str:
    """A table title reduced for matching the TOC: no numbering, year, dots or spaces."""
    return re.sub(r"^20\d{2}年度?", "", _folded(clean_title(_TOC_TAIL_RE.sub("", title.rstrip()))))


def toc_table_numbers(lines: list[Line], span: tuple[int, int] | None) -> dict[str, int]:
    """{title key: number} for the numbered table entries of the TOC ('表一2024年预算收支总表', '一、收入决算表',
    '1. 2025年部门财务收支预算总表'); entries wrapped over two lines are joined."""
    if span is None:
        return {}
    texts = [_TOC_TAIL_RE.sub("", lines[i].text.rstrip()).strip() for i in range(*span)]
    numbers: dict[str, int] = {}
    for n, text in enumerate(texts):
        if not text:
            continue
        if not text.endswith(("表", "表）", "表)")):
            following = texts[n + 1] if n + 1 < len(texts) else ""
            if not (0 < len(following) <= 10 and following.endswith("表")):
                continue
            text += following
        number = title_number(text)
        if number is not None and not PART_RE.match(text):
            numbers.setdefault(title_key(text), number)
    return numbers


_ORDINAL_RE = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}\s*[、.．])")


def toc_heading_keys(lines: list[Line], span: tuple[int, int] | None) -> list[str]:
    """The section headings the TOC lists, reduced so the body's wording still matches ('一、部门主要职能' →
    '主要职能', which '上海市普陀区商务委员会主要职能' ends with); table titles are left out."""
    if span is None:
        return []
    keys = []
    for i in range(*span):
        text = _ORDINAL_RE.sub("", _entry_key(lines[i].text))
        text = re.sub(r"^(?:20\d{2}年度?)?(?:本?部门|本?单位)?", "", text)
        if len(text) >= 4 and not text.endswith(("表", "表）", "表)")) and not PART_RE.match(text) and text != "目录":
            keys.append(text)
    return keys


def toc_parts(lines: list[Line], span: tuple[int, int] | None) -> list[str]:
    """The part headings the TOC lists ('第四部分 名词解释'), without their page numbers."""
    if span is None:
        return []
    parts = [_TOC_TAIL_RE.sub("", lines[i].text.rstrip()).strip() for i in range(*span)]
    return [re.sub(r"<[^>]+>", "", part) for part in parts if PART_RE.match(_folded(part))]


def same_part(a: str, b: str) -> bool:
    """Two part headings with the same number ('第四部分 名词解释' in the TOC, '第四部分名词解释' in the text);
    the wording after the number may differ between the two."""
    first, second = PART_RE.match(_folded(a)), PART_RE.match(_folded(b))
    return bool(first and second and first.group(0) == second.group(0))


def detect_metadata(source: SourceText, toc: tuple[int, int] | None) -> tuple[str, int, str, str, str]:
    """(department, year, kind 预算/决算, scope 部门/单位, title) from the cover, the labels and the titles."""
    texts = [line.text.strip() for line in source.lines]
    cover_end = toc[0] if toc else min(len(texts), 80)
    title = cover_title(source.lines[:cover_end])
    department = _department_from_labels(texts)
    if title:
        match = _YEAR_RE.search(title)
        assert match is not None
        year = int(match.group(1))
        department = department or _department_from_title(title)
        kind = "决算" if "决算" in title else "预算"
        scope = "单位" if re.search(r"单位(?:预算|决算)|区级单位", title) else "部门"
    else:
        year, kind = _year_kind_from_titles(texts)
        if year is None:
            raise ParseError(source.name, "no budget title with a year (such as 2024年度部门预算) on the cover or "
                             "in the table titles", "is this a budget document?")  # fmt: skip
        scope = (
            "单位" if any(re.match(r"(?:单位名称|预算单位|编制单位)\s*[：:]", t) for t in texts) else "部门"
        )
    if not department:
        raise ParseError(
            source.name, "cannot find the department name (部门名称) on the cover or in the tables"
        )
    if not title:
        title = f"{department}{year}年度{scope}{kind}"
    return department, year, kind, scope, title


def cover_title(lines: list[Line]) -> str:
    """The title printed on the cover, joined over its wrapped lines ('' when the cover has none)."""
    cover = [(k, squeeze(line.text)) for k, line in enumerate(lines) if _is_cover_text(line.text)]
    for n, (_, text) in enumerate(cover):
        year = _YEAR_RE.search(text)
        if not year or _DATE_RE.search(text):
            continue
        parts, m = [text], n
        while not _KIND_RE.search("".join(parts)[year.start() :]) and m + 1 < len(cover) and m - n < 3:
            if cover[m + 1][0] != cover[m][0] + 1 or len(cover[m + 1][1]) > 40:
                break  # a name continued on the next cover line ('泉州市市场监管综合监测' / '与技术保障中心')
            m += 1
            parts.append(cover[m][1])
        joined = "".join(parts)
        if not _KIND_RE.search(joined[year.start() :]):
            continue
        before: list[str] = []
        k = n - 1
        while k >= 0 and len(before) < 3:
            number, prev = cover[k]
            adjacent = number == (cover[k + 1][0] if k + 1 < len(cover) else number) - 1
            if prev in joined or len(prev) > 40 or (year.start() > 0 and not adjacent):
                break
            before.insert(0, prev)
            k -= 1
        return "".join(before) + joined
    return ""


def _is_cover_text(text: str) -> bool:
    stripped = text.strip()
    return (
        bool(stripped)
        and "\t" not in stripped
        and not re.search(r"[：:。；]", stripped)
        and _folded(stripped) != "目录"
        and not PART_RE.match(_folded(stripped))
        and not _TOC_TAIL_RE.search(stripped)
    )


def _department_from_labels(texts: list[str]) -> str:
    names: Counter[str] = Counter()
    for text in texts:
        if len(text) > 160:
            continue
        found = [_before_label(match.group(1), text[match.end() : match.end() + 1])
                 for match in _DEPT_LABEL_RE.finditer(text)]
        found += [match.group(1) for match in [DEPT_CELL_RE.match(text)] if match]
        for raw in found:
            name = cut_at_label(re.split(r"\s{2,}|单\s*位\s*[：:]|\s+单位|\t", raw.strip())[0])
            if 3 <= len(name) <= 60 and not re.search(r"\d|万元|名称|情况|预算|决算", name):
                names[name] += 1
    return names.most_common(1)[0][0] if names else ""


def _before_label(name: str, following: str) -> str:
    """A name whose match stopped at the colon of the next label ('单位名称：国家信访局单位：万元'): without it."""
    return _TRAILING_LABEL_RE.sub("", name) if following in "：:" and following else name


def cut_at_label(name: str) -> str:
    """A name without the label of a neighbouring cell run into it: '国家信访局 金额单位' → '国家信访局'."""
    return _NEXT_LABEL_RE.split(name, maxsplit=1)[0].strip()


def _department_from_title(title: str) -> str:
    """'上海市普陀区财政局2024年度部门决算' → '上海市普陀区财政局'; '2018年度江苏省高级人民法院预算公开' →
    '江苏省高级人民法院'; a bare region before the year ('上海市普陀区2025年区级部门预算') is not a department."""
    before = cut_at_label(_YEAR_RE.split(title, maxsplit=1)[0])
    if len(before) >= 4 and not _BARE_REGION_RE.match(before):
        return re.sub(r"(?<=[局委厅办院会处所站室校馆心部])(?:部门|单位)$", "", before)  # '北京市医疗保障局部门'
    after = re.search(r"20\d{2}年度?(.+?)(?:部门|单位)?(?:预算|决算)", title)
    if after and len(after.group(1)) >= 4 and not re.fullmatch(r"(区|市|县|省)级", after.group(1)):
        return after.group(1)
    return ""


def _year_kind_from_titles(texts: list[str]) -> tuple[int | None, str]:
    """The most common year among table titles and part headings ('第二部分 2019年度部门预算表'), or printed
    alone below a title ('预算13表 部门整体支出绩效目标表' / '（2026年度）')."""
    years: Counter[int] = Counter()
    kinds: Counter[str] = Counter()
    title_kind = ""  # the kind of the title line just above ('' when the line above is no title)
    for text in texts:
        folded = _folded(text.split("\t")[0])
        alone = YEAR_ONLY_RE.match(folded)
        if alone and title_kind:
            years[int(alone.group(1))] += 1
        if folded:
            title_kind = ""
        if (
            not folded
            or len(folded) > 80
            or not (folded.endswith("表") or "表" in folded[:40] or PART_RE.match(folded))
        ):
            continue
        match = _YEAR_RE.search(folded)
        kind = _KIND_RE.search(folded)
        if match and kind:
            years[int(match.group(1))] += 1
        if kind:
            kinds[kind.group(0)] += 1
            title_kind = kind.group(0)
    if not years:
        return None, "预算"
    return years.most_common(1)[0][0], "决算" if kinds["决算"] > kinds["预算"] else "预算"
