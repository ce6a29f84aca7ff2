"""项目支出绩效目标表 lines → `ProjectTarget`: project, 年度资金总额 (元) and its indicators.

The sheets are irregular grids: label cells (项目名称, 年度资金总额：) are followed by their value a cell or two
later, and indicator rows hold 一级/二级/三级指标 and 指标值 for the whole period and again for the year.
"""

from __future__ import annotations

import re
from decimal import Decimal

from rag.text.numbers import normalize_text, parse_decimal, parse_target
from rag.types import Indicator, Line, ProjectTarget

LEVEL1 = ("产出指标", "效益指标", "满意度指标", "成本指标")
_LEVEL2_RE = re.compile(r"(数量|质量|时效|成本|经济效益|社会效益|生态效益|可持续影响|可持续发展|服务对象满意度|满意度)(指标?|指)?$")
_SKIP_CELLS = {"一级指标", "二级指标", "三级指标", "指标值", "绩效指标", "年度目标", "实施期目标", "总体目标"}
_VALUE_WORDS = re.compile(r"^(及时|有效|完成|达标|符合|良好|保障|可持续|顺利|明显|提高|提升|稳定|合格|按时|正常|满意|是|否)")


def _cells(line: Line) -> list[str]:
    return [cell.strip() for cell in normalize_text(line.text).split("\t")]


def _value_after(cells: list[str], label_prefix: str) -> Decimal | None:
    """The first number after the cell that starts with `label_prefix` ('年度资金总额')."""
    for i, cell in enumerate(cells):
        if cell.replace(" ", "").startswith(label_prefix):
            inline = cell.split("：")[-1].split(":")[-1]
            value = parse_decimal(inline)
            if value is not None:
                return value
            for later in cells[i + 1 :]:
                if later:
                    value = parse_decimal(later)
                    if value is not None:
                        return value
                    break
    return None


def _looks_like_target(cell: str) -> bool:
    """'≥18826平米', '100%', '及时', '12月' are 指标值; names are not."""
    comparator, value, _ = parse_target(cell)
    if value is not None and (comparator in {"≥", "≤", ">", "<"} or re.match(r"^[\d.,]+\s*\S{0,6}$", cell)):
        return True
    return bool(_VALUE_WORDS.match(cell)) and len(cell) <= 8


def _indicator_pairs(cells: list[str]) -> tuple[str | None, str | None, list[tuple[str, str]]]:
    """(一级指标, 二级指标, [(三级指标, 指标值)…]) found in one row.

    After the level cells are set aside the rest alternate name, value (period side, then year side).
    """
    level1 = level2 = None
    rest: list[str] = []
    for cell in cells:
        if not cell or cell in _SKIP_CELLS:
            continue
        if cell in LEVEL1 and level1 is None and not rest:
            level1 = cell
        elif _LEVEL2_RE.search(cell) and len(cell) <= 9 and len(rest) % 2 == 0:
            level2 = level2 or cell
        else:
            rest.append(cell)
    if len(rest) % 2 == 0:
        return level1, level2, [(rest[i], rest[i + 1]) for i in range(0, len(rest), 2)]
    pairs: list[tuple[str, str]] = []
    pending: str | None = None
    for cell in rest:
        if pending is not None and _looks_like_target(cell):
            pairs.append((pending, cell))
            pending = None
        elif not _looks_like_target(cell):
            pending = cell
    return level1, level2, pairs


def parse_target_table(lines: list[Line]) -> ProjectTarget | None:
    """One sheet (its lines from the 项目支出绩效目标表 title to the next) → ProjectTarget, or None."""
    project = ""
    annual = period = None
    amount_line = 0
    overview = ""
    indicators: list[Indicator] = []
    level1 = level2 = ""
    in_indicators = False
    seen: set[tuple[str, str]] = set()
    for line in lines:
        cells = _cells(line)
        joined = "".join(cells)
        if not joined:
            continue
        if not project and joined.startswith("项目名称"):
            project = next((c for c in cells[1:] if c), "")
            continue
        if "年度资金总额" in joined and annual is None:
            annual = _value_after(cells, "年度资金总额")
            period = _value_after(cells, "实施期资金总额")
            amount_line = line.no
            continue
        if joined.startswith(("项目概况", "总体目标")) and not overview:
            overview = next((c for c in cells[1:] if c), "")
        if "一级指标" in joined:
            in_indicators = True
            continue
        if joined.startswith(("负责人", "填报")):
            in_indicators = False
            continue
        if not in_indicators:
            continue
        row_level1, row_level2, pairs = _indicator_pairs(cells)
        level1 = row_level1 or level1
        if row_level1 and not row_level2:
            level2 = ""
        level2 = row_level2 or level2
        for name, target in pairs:
            if (name, target) in seen:
                continue
            seen.add((name, target))
            comparator, value, unit = parse_target(target)
            indicators.append(Indicator(level1, level2, name, target, value, unit, comparator, line.no))
    if not project:
        return None
    return ProjectTarget(
        project=project,
        annual_total_yuan=annual,
        period_total_yuan=period,
        indicators=indicators,
        overview=overview,
        line_start=lines[0].no,
        line_end=max(line.no for line in lines if line.text.strip()),
        amount_line=amount_line,
        page=lines[0].page,
    )


def merge_continued(targets: list[ProjectTarget]) -> list[ProjectTarget]:
    """A sheet continued over a page repeats its project: merge consecutive sheets of the same project."""
    merged: list[ProjectTarget] = []
    for target in targets:
        if merged and merged[-1].project == target.project:
            previous = merged[-1]
            known = {(i.name, i.target) for i in previous.indicators}
            previous.indicators.extend(i for i in target.indicators if (i.name, i.target) not in known)
            previous.line_end = target.line_end
            continue
        merged.append(target)
    return merged
