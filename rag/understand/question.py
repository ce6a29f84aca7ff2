"""Question → Query: the department, year, figure and intent a plain-Chinese question asks about.

    query = understand("吕梁审批局2023年比2022年多了多少预算", catalog)
    query.department == "吕梁市行政审批服务管理局"; query.year == 2023; query.compare_year == 2022
    query.metrics == ["收入总计"]; query.intent == "lookup"; query.change is True

Departments come from rag.understand.departments (short names, typos, departments not loaded); the small signals (years,
asserted numbers, filters, injection, scope) from rag.understand.flags; figures from rag.understand.vocabulary. A follow-up
question (那公用经费呢？) takes what it leaves out from the earlier questions of the conversation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from rag.understand.departments import DepartmentMatch, DocInfo, department_index
from rag.understand.flags import (
    PURPOSE_RE,
    Premise,
    Span,
    Threshold,
    asks_actual,
    asks_personal,
    find_name_filter,
    find_premise,
    find_threshold,
    find_top_n,
    find_years,
    normalize_question,
    strip_injection,
)
from rag.understand.terms import define_term, find_metrics, free_terms, mask

__all__ = ["DepartmentMatch", "DocInfo", "Query", "understand"]


@dataclass
class Query:
    """How a question was understood. Composers read it through rag.understand.query_view.QueryView."""

    question: str
    """As asked."""
    text: str = ""
    """Normalised (NFKC, no spaces), with instructions aimed at the system removed: what was understood."""
    departments: list[DepartmentMatch] = field(default_factory=list)
    """Loaded departments named, in question order (several on a tie: 政务服务中心 alone names three)."""
    unknown_department: str | None = None
    """A department named that is not loaded (太原市行政审批服务管理局): say so, do not answer for a look-alike."""
    all_departments: bool = False
    """The question is about every loaded department (这几个单位里谁…最多)."""
    year: int | None = None
    """The year asked about; None when none was given (then answer from the latest document, `latest_year`)."""
    years: list[int] = field(default_factory=list)
    """Every year asked about (not comparison bases)."""
    compare_year: int | None = None
    """The base year of a comparison (比2022年 → 2022; 比去年 → year − 1)."""
    year_relative: bool = False
    """The year was written as 今年/去年/前年, resolved against the latest loaded year."""
    year_missing: bool = False
    """No year was given or inherited: answer from the latest document and say which year that is."""
    latest_year: int | None = None
    """Newest loaded year of the departments asked about (of the whole catalog when none)."""
    metrics: list[str] = field(default_factory=list)
    """Figures asked for: canonical names (rag.understand.vocabulary.CANONICAL_NAMES) or document row names (工资福利支出)."""
    terms: list[str] = field(default_factory=list)
    metric_words: list[str] = field(default_factory=list)
    """The words of the question that named the figures (培训 for 培训费)."""
    """Free words for project-row search (消费券专项资金, 信息化服务费, 12345热线, 物业费)."""
    define_term: str = ""
    """The term to define when intent is 'define' (三公经费)."""
    intent: str = "lookup"
    """'lookup', 'explain', 'define', 'compare' or 'list'."""
    aggregate: str = ""
    """'max', 'min', 'diff', 'sum', 'share', 'rank' or ''."""
    change: bool = False
    """Asks about the change on the year before (比上年增加/减少): answer from the text's 比上年 sentence."""
    premise: Premise | None = None
    """A number the question asserts (是100万对吧？): confirm or correct it."""
    threshold: Threshold | None = None
    """An amount filter (超过200万)."""
    name_prefix: str | None = None
    """Project names must start with this (以“12345热线”开头)."""
    name_contains: str | None = None
    """Project names must contain this (名称包含“热线”)."""
    top_n: int | None = None
    """How many to list (前三 → 3)."""
    injection: bool = False
    """The question carried instructions aimed at the system; they were removed from `text`."""
    out_of_scope: str | None = None
    """'决算' (final accounts/actual spending when only budgets are loaded), 'actual' (other actual results) or
    'personal' (a person's salary, name or phone number)."""
    personal: bool = False
    """Asks for personal data."""
    kind: str = "预算"
    """Document kind wanted: '预算', or '决算' when asked for and loaded."""
    inherited: list[str] = field(default_factory=list)
    """Fields taken from earlier questions of the conversation ('departments', 'year', 'metrics', 'intent')."""

    @property
    def department(self) -> str | None:
        """The first department's official name."""
        return self.departments[0].department if self.departments else None

    @property
    def department_names(self) -> list[str]:
        return [m.department for m in self.departments]


_EXPLAIN_RE = re.compile(
    r"为什么|为啥|为何|啥原因|什么原因|原因|怎么回事|咋回事|怎么(?:会|就|少|多|减|增|降|涨|变|没)|咋(?:会|少|多|没)|"
    r"(?:怎么|咋)[^，。？?]{0,8}(?:涨|增|减|降|多了|少了|变)|why",
    re.I,
)
_DEFINE_RE = re.compile(
    r"什么是|什么叫|啥叫|啥是|何为|何谓|解释一下|解释下|怎么理解|如何理解|是什么意思|什么意思|啥意思|指什么|指的是什么|是指什么|"
    r"是指啥|的含义|的定义|是个啥|是什么东西|是啥东西|(?:是什么|是啥)[?？]?$|指的是哪些|指哪些|指的是谁|是干啥的意思|"
    r"是个什么|是什么平台|是什么系统|有啥不一样|有什么不一样|有什么区别|有啥区别|的区别|区别是什么|有什么不同|不同在哪"
)
_LIST_RE = re.compile(
    r"花在哪|用在哪|花到哪|用到哪|主要用于|用途|有哪些|哪些|都有什么|都有啥|列出|列举|列一下|包括什么|包括哪|分别是什么|"
    r"明细|清单|都是什么|哪几项|哪几块|哪几部分|分成|分为|由哪些"
)
_COMPARE_FOLLOW_UP_RE = re.compile(r"^(?:那|那么|那它|它|再)?(?:比|和|跟|与|同|对比|相比|较)")
_COMPOSITION_RE = re.compile(
    r"(?:都|主要)?(?:包括|包含|含有|涵盖)(?:了)?(?:哪些|什么|啥)(?:钱|开支|费用|内容|支出|东西)?|由(?:什么|哪些)组成|"
    r"(?:里|中)?(?:包不包括|包括不包括|包不包含|含不含|是否包括|是否包含|算不算|包括|包含|含)(?=[^。？?]{1,14}(?:吗|么|嘛|[?？]|$))"
)
_RANK_RE = re.compile(r"排名|排序|排一下|排个序|从高到低|从大到小|从低到高|从小到大")
_DIFF_RE = re.compile(r"差多少|相差|差距|差额|差了多少|多多少|少多少|高多少|低多少|大多少|小多少|贵多少|多出多少|多了多少")
_SHARE_RE = re.compile(r"占比|比例|比重|百分之几|百分比|占.{0,8}(?:%|百分|几成|比)|占总")
_MAX_RE = re.compile(r"最多|最高|最大|最贵|排(?:在)?第一|第一名|居首")
_MIN_RE = re.compile(r"最少|最低|最小|最便宜")
_SUM_RE = re.compile(r"一共|合计|总共|加起来|总和|共计")
_WHICH_RE = re.compile(r"哪个|哪家|哪一个|哪一家|谁")
_ALL_RE = re.compile(
    r"这几个单位|这几个部门|这几家|这些单位|这些部门|各单位|各个单位|各部门|各个部门|所有单位|所有部门|全部单位|全部部门|"
    r"哪个单位|哪个部门|哪家单位|哪一家|[几\d一二两三四五六七八九十]+(?:个|家)(?:单位|部门)|每个单位|每个部门|谁的|谁家"
)
_CHANGE_RE = re.compile(
    r"比(?:上年|去年|上一年|前一年|上年度|\d{2,4}年)|较(?:上年|去年|上一年|\d{2,4}年)|同比|环比|增减|增加|减少|增长|下降|"
    r"降幅|增幅|减幅|涨幅|降低|多了|少了|降了|涨了|增了|减了|变化|变动|上涨|下滑|缩减|压减|没有.{0,10}了|"
    r"(?:跟|和|与)(?:去年|上年)(?:相)?比"
)
_FOLLOW_UP_RE = re.compile(r"^(?:那么?|那个|还有|另外|再问|再看|换成|如果是)|呢[?？]?$")


def understand(
    question: str, catalog: Sequence[DocInfo | Mapping], history: list[str] | None = None,
    projects: Sequence[str] = (),
) -> Query:
    """How `question` is to be answered from the loaded documents `catalog`; `history` holds the earlier questions
    of the same conversation, oldest first; `projects`: the index's project names (a name the question writes is
    a project, not a department: 二厅综合改造费 does not name 综改区)."""
    docs = [DocInfo.of(item) for item in catalog]
    previous: Query | None = None
    for earlier in history or []:
        previous = _understand_one(earlier, docs, previous, projects)
    return _understand_one(question, docs, previous, projects)


def _project_spans(text: str, projects: Sequence[str]) -> list[Span]:
    """Where the question writes a project name of the index (without its Z/J/X funding prefix) or its tail."""
    spans: list[Span] = []
    for name in projects:
        bare = re.sub(r"^[A-Z]{1,2}(?=[\u4e00-\u9fff])", "", name)
        for start in range(0, len(bare) - _MIN_TAIL + 1):  # the name, or its tail (政务大厅二厅综合改造费 → 二厅综合改造费)
            at = text.find(bare[start:])
            if at >= 0:
                if not any(s <= at < e for s, e in spans):
                    spans.append((at, at + len(bare) - start))
                break
    return spans


_MIN_TAIL = 5
"""The shortest tail of a project name that stands for it (综合改造费); 4 would take 运行经费 for a project."""


def _understand_one(question: str, docs: list[DocInfo], previous: Query | None, projects: Sequence[str] = ()) -> Query:
    text, injection = strip_injection(normalize_question(question))
    query = Query(question=question, text=text, injection=injection)
    index = department_index(tuple(sorted({d.department for d in docs})))
    found = index.match(text)
    if len(found.matches) > 1:  # 大同政务中心二厅综合改造费: 综合改造 is a project's words, not 综改区
        masked = text
        for start, end in _project_spans(text, projects):
            masked = masked[:start] + "，" * (end - start) + masked[end:]
        narrower = index.match(masked) if masked != text else found
        kept = {m.department for m in narrower.matches}
        if narrower.matches and kept < {m.department for m in found.matches}:
            spans = _project_spans(text, projects)
            others = [m.text for m in narrower.matches]
            dropped = [m for m in found.matches if m.department not in kept]
            if all(_within(text, m.text, spans) or any(m.text in o for o in others) for m in dropped):
                found = narrower  # the dropped one was named only by a project's words (or inside another name)
    query.departments, query.unknown_department = found.matches, found.unknown
    query.all_departments = bool(_ALL_RE.search(text)) and len(found.matches) != 1
    taken: list[Span] = list(found.spans)
    own_department = bool(query.departments or query.unknown_department or query.all_departments)
    short = not own_department and len(text) <= 8  # 公用经费？ / 2024年的
    follow_up = previous is not None and bool(_FOLLOW_UP_RE.search(text) or short)
    if previous is not None and not own_department:
        _inherit_departments(query, previous)
    if previous is not None and query.departments and _COMPARE_FOLLOW_UP_RE.match(text):
        follow_up = True  # 比大同政务中心多多少？ after a question about another department: compare the two
        named = {m.department for m in query.departments}
        query.departments = [m for m in previous.departments if m.department not in named] + query.departments

    query.latest_year = _latest_year(query, docs)
    years = find_years(text, query.latest_year)
    query.year, query.years, query.compare_year = years.year, years.years, years.compare_year
    query.year_relative = years.relative
    taken += years.spans

    kind, prefix, span = find_name_filter(text)
    if span:
        query.name_prefix, query.name_contains = (prefix, None) if kind == "prefix" else (None, prefix)
        taken.append(span)
    query.threshold, span = find_threshold(text)
    taken += [span] if span else []
    query.top_n, span = find_top_n(text)
    taken += [span] if span else []
    query.premise, span = find_premise(text, taken, coerced=injection)
    taken += [span] if span else []

    query.metrics, metric_spans = find_metrics(text, taken)
    query.metric_words = [text[a:b] for a, b in metric_spans]
    taken += metric_spans
    intent_cue = _intent(query, mask(text, found.spans + metric_spans))
    query.change = bool(_CHANGE_RE.search(mask(text, found.spans)))
    query.terms = free_terms(text, taken, query.name_prefix or query.name_contains)
    _scope(query, text, docs)

    if previous is not None and not own_department and query.metrics == ["编制"] and previous.terms:
        query.metrics, query.terms = [], list(previous.terms)  # 派了几个人？ after a project: that project's count
    if previous is not None and not query.metrics and len("".join(query.terms)) <= 6 and not query.premise:
        query.metrics = _parts_of(previous.metrics, text)  # 政府采购多少？其中工程多少？
        query.terms = [] if query.metrics else query.terms
    if previous is not None:
        own_total = not follow_up and _wants_total(
            query, text
        )  # 吕梁审批局2023年预算多少: the total, not 那…呢
        _inherit_rest(query, previous, docs, follow_up, intent_cue, own_department or own_total)
    if query.intent in {"list", "lookup", "compare"} and not query.departments and _COMPOSITION_RE.search(text) and (
        query.metrics or query.terms
    ):
        query.intent = "define"  # 单位资金包括哪些？ the glossary says what the term covers
    if query.intent == "define" and query.departments and query.terms and re.search(r"绩效|目标|指标", text):
        query.intent = "lookup"  # 二厅综合改造费的绩效目标是啥: that project's targets, not a glossary word
    if query.intent == "define":
        query.define_term = define_term(_COMPOSITION_RE.sub("", mask(text, found.spans).replace("|", "")), query.metrics)
    if not query.metrics and not query.terms and _wants_total(query, text):
        spent = re.search(r"花了|花掉|花多少|支出|开支|用了|用掉", text)
        query.metrics = ["支出总计" if spent else "收入总计"]  # 预算多少 / 一共多少钱: the total budget
    query.latest_year = _latest_year(query, docs)
    query.year_missing = query.year is None
    return query


def _intent(query: Query, text: str) -> bool:
    """Set intent and aggregate from the question's words; True when a word said so (not the default)."""
    many = len(query.departments) >= 2 or query.all_departments
    plain = text.replace("多少", "")
    if query.top_n or _RANK_RE.search(text):
        query.aggregate = "rank"
    elif _DIFF_RE.search(text) and (many or len(query.metrics) >= 2 or len(query.years) >= 2):
        query.aggregate = "diff"
    elif _SHARE_RE.search(text):
        query.aggregate = "share"
    elif _MAX_RE.search(text) or (_WHICH_RE.search(plain) and re.search(r"多|高|大|贵", plain)):
        query.aggregate = "max"
    elif _MIN_RE.search(text) or (_WHICH_RE.search(plain) and re.search(r"少|低|小|便宜", plain)):
        query.aggregate = "min"
    elif _SUM_RE.search(text) and (query.name_prefix or query.name_contains or query.threshold or many):
        query.aggregate = "sum"
    if _EXPLAIN_RE.search(text) or (PURPOSE_RE.search(text) and not query.aggregate):
        query.intent = "explain"
    elif _DEFINE_RE.search(text) and not re.search(r"多少|几", text):
        query.intent = "define"
    elif query.aggregate:
        query.intent = "compare"
    elif _LIST_RE.search(text):
        query.intent = "list"
    elif many:
        query.intent = "compare"
    else:
        return False
    return True


def _scope(query: Query, text: str, docs: list[DocInfo]) -> None:
    """Personal data, and final accounts or actual results when only budgets are loaded."""
    if asks_personal(text):
        query.out_of_scope, query.personal, query.terms = "personal", True, []
        return
    actual = asks_actual(text)
    if actual is None:
        return
    names = set(query.department_names) or {d.department for d in docs}
    if any(d.kind == "决算" and d.department in names for d in docs):
        query.kind = "决算"
    else:
        query.out_of_scope = actual


def _inherit_departments(query: Query, previous: Query) -> None:
    if previous.departments or previous.unknown_department or previous.all_departments:
        query.departments = [replace(m, how="history", text="") for m in previous.departments]
        query.unknown_department = previous.unknown_department
        query.all_departments = previous.all_departments
        query.inherited.append("departments")


def _inherit_rest(query: Query, previous: Query, docs: list[DocInfo], follow_up: bool, intent_cue: bool,
                  own_content: bool) -> None:  # fmt: skip
    """A follow-up keeps the earlier year, figure and intent where it names none of its own.

    `own_content`: the question names its own department or asks for the total, so it is not elliptical unless
    it reads as a follow-up (那…呢, or a few words only)."""
    same = query.department_names == previous.department_names
    if query.year is None and previous.year is not None and not previous.year_missing:
        names = set(query.department_names)
        if same or (
            names and all(any(d.department == n and d.year == previous.year for d in docs) for n in names)
        ):
            query.year, query.years, query.year_relative = (
                previous.year,
                [previous.year],
                previous.year_relative,
            )
            query.inherited.append("year")
    no_figure = not (query.metrics or query.terms or query.name_prefix or query.name_contains)
    elliptical = no_figure and (follow_up or not own_content)
    if elliptical:
        query.metrics, query.terms = list(previous.metrics), list(previous.terms)
        query.name_prefix, query.name_contains = previous.name_prefix, previous.name_contains
        query.threshold, query.top_n = query.threshold or previous.threshold, query.top_n or previous.top_n
        query.out_of_scope = query.out_of_scope or previous.out_of_scope
        query.inherited.append("metrics")
    if elliptical or (follow_up and not intent_cue):
        # 为什么？ after 比2022年多了多少 still asks about that change
        query.change = query.change or previous.change
        if query.year == previous.year:
            query.compare_year = query.compare_year or previous.compare_year
    if not intent_cue and (elliptical or follow_up):
        query.intent, query.aggregate = previous.intent, query.aggregate or previous.aggregate
        query.inherited.append("intent")


_PARTS = {
    "政府采购": (("工程", "政府采购工程"), ("货物", "政府采购货物"), ("服务", "政府采购服务")),
    "基本支出": (("人员", "人员经费"), ("公用", "公用经费")),
    "公务用车购置及运行费": (("购置|买", "公务用车购置费"), ("运行|维护|运维", "公务用车运行维护费")),
}


def _parts_of(previous_metrics: list[str], text: str) -> list[str]:
    """The parts of the earlier figure that a follow-up names by a short word (其中工程多少 → 政府采购工程)."""
    parents = [p for m in previous_metrics for p, parts in _PARTS.items() if any(m == part for _, part in parts)]
    for metric in [*previous_metrics, *parents]:
        parts = [part for word, part in _PARTS.get(metric, ()) if re.search(word, text)]
        if parts:
            return parts
    return []


def _wants_total(query: Query, text: str) -> bool:
    """预算多少 / 一共多少钱 / 预算为啥少了 with no figure named: the total budget (收入总计)."""
    if query.intent in {"define", "list"} or query.name_prefix or query.name_contains or query.out_of_scope:
        return False
    if "项目" in text or query.threshold or query.top_n:
        return False
    return bool(re.search(r"预算|多少钱|钱|经费|资金|花了|收入|支出", text))


def _latest_year(query: Query, docs: list[DocInfo]) -> int | None:
    names = set(query.department_names)
    years = [d.year for d in docs if not names or d.department in names]
    return max(years) if years else None


def _within(text: str, words: str, spans: list[Span]) -> bool:
    """Every occurrence of `words` in `text` lies inside one of `spans`."""
    starts = [m.start() for m in re.finditer(re.escape(words), text)] if words else []
    return bool(starts) and all(any(s <= at and at + len(words) <= e for s, e in spans) for at in starts)

