"""Answers over several figures: comparisons across departments, shares, rankings, sums, and the spending mix."""

from __future__ import annotations

import re
from decimal import Decimal

from rag.answer.derive import derive
from rag.answer.draft import Draft
from rag.answer.figures import row_facts
from rag.answer.match import projects_compared, projects_listed
from rag.store.view import IndexView
from rag.text.money import Money, fmt_amount, fmt_percent
from rag.understand.query_view import QueryView

_MAX = re.compile(r"最多|最高|最大|哪个.*多|谁.*多|排(?:在)?第一|第一名|居首")
_MIN = re.compile(r"最少|最低|最小|哪个.*少|谁.*少")
_DIFF = re.compile(r"差多少|相差|差距|差额|多多少|少多少|高多少|低多少|大多少|小多少|贵多少")
_SUM = re.compile(r"一共|合计|总共|加起来|总和|共计")
_SHARE = re.compile(r"占比|比例|比重|占多少|百分之|占.*%|占.*总")
_RANK = re.compile(r"前[一二三四五六七八九十\d]+|排名|排一下|排序|最多的几个|哪几个")
SPENDING_MIX_RE = re.compile(
    r"(?:钱|经费|预算|资金|支出)?(?:主要)?(?:花在|用在|用到|用于|投向|投在|花到)(?:了)?(?:哪|什么|啥)|钱(?:都)?(?:去哪|花哪)|"
    r"支出结构|支出构成|钱.{0,4}怎么花|主要(?:花|支出|用)(?:在|于)?(?:哪|什么)"
)
"""'钱主要花在哪': the spending mix (基本 vs 项目, the largest function classes)."""
_SHARE_WORDS = (("项目", "项目支出"), ("基本", "基本支出"), ("人员", "人员经费"), ("公用", "公用经费"))
"""'多少比例花在项目上': the part a share question names by a short word."""
_CN = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def _operation(q: QueryView) -> str:
    if q.aggregate:
        return q.aggregate
    text = q.question
    for name, pattern in (("share", _SHARE), ("rank", _RANK), ("diff", _DIFF), ("max", _MAX), ("min", _MIN),
                          ("sum", _SUM)):  # fmt: skip
        if pattern.search(text):
            return name
    return ""


def _top_n(q: QueryView) -> int:
    if q.top_n:
        return int(q.top_n)
    match = re.search(r"(?:前|哪|最大的|最多的|最少的|最小的)([一二两三四五六七八九十\d]+)(?:个|项|名)?", q.question)
    if match:
        token = match.group(1)
        return int(token) if token.isdigit() else _CN.get(token, 3)
    return 3


def compose_compare(q: QueryView, docs: list[dict], view: IndexView) -> Draft | None:
    """Across departments (max/min/diff/sum/list) or within one (share, ranking, prefix sum)."""
    op = _operation(q)
    if len(docs) == 1:
        doc = docs[0]
        if q.prefix:
            return _prefix_sum(q, doc, view)
        if op == "share":
            return _shares(q, doc, view) if len(q.metrics) >= 2 else _share(q, doc, view)
        if op == "diff" and len(q.metrics) >= 2:
            return _metric_difference(q, doc, view)
        listed = projects_listed(q.question, view.project_rows(doc["doc"])) if op in {"rank", "max", "min"} else []
        if len(listed) >= 2:
            return _rank_listed(listed, doc, view, lowest=op == "min" or bool(_MIN_WORDS.search(q.question)))
        if op == "rank" or (not q.metrics and op in {"max", "min"}):
            return _rank_projects(q, doc, view, lowest=op == "min" or bool(_MIN_WORDS.search(q.question)))
        return None
    if _COUNT_PROJECTS_RE.search(q.question) and not q.metrics:
        return _project_counts(q, docs, view)
    metric = (q.metrics or ["收入总计"])[0]
    found = [(doc, view.named(doc["doc"], metric) or row_facts(view, doc["doc"], metric)) for doc in docs]
    rows = [(doc, _same_kind(facts, found, view, doc)) for doc, facts in found if facts]
    if not rows:
        return None
    draft = Draft("")
    for _doc, fact in rows:
        draft.facts_used.append(fact)
        draft.citations.append(view.cite_fact(fact))
    listing = "；".join(f"{d['department']}（{d['year']}年）{fmt_amount(f['value'], f['unit'])}" for d, f in rows)
    years = {d["year"] for d, _ in rows}
    year_note = "（注意：各文件年份不同。）" if len(years) > 1 else ""
    amounts = [_amount(f) for _, f in rows]
    if op in {"diff", "sum"} and len({isinstance(a, Money) for a in amounts}) > 1:
        return None  # an amount beside a count: nothing to add or subtract
    if op == "diff" and len(rows) >= 2:
        (d1, f1), (d2, f2) = rows[0], rows[1]
        gap = derive("gap", [f1, f2])
        draft.derived.append(gap)
        more = d1 if not amounts[0] < amounts[1] else d2
        draft.text = (f"{metric}：{d1['department']}（{d1['year']}年）{_written(f1)}，"
                      f"{d2['department']}（{d2['year']}年）{_written(f2)}，相差{gap.text()}"
                      f"（{more['department']}更多）。{year_note}")  # fmt: skip
        draft.figure = gap.text()
        return draft
    if op == "sum":
        summed = derive("sum", [f for _, f in rows])
        draft.derived.append(summed)
        draft.text = f"{metric}合计{summed.text()}：{listing}。{year_note}"
        draft.figure = summed.text()
        return draft
    ordered = [row for _, row in sorted(zip(amounts, rows, strict=True), key=lambda p: _key(p[0]),
                                        reverse=op != "min")]  # fmt: skip
    top_doc, top_fact = ordered[0]
    word = "最少" if op == "min" else "最多"
    if op in {"max", "min"}:
        draft.text = (f"按{metric}比较，{top_doc['department']}{word}，为{fmt_amount(top_fact['value'], top_fact['unit'])}"
                      f"（{top_doc['year']}年）。各单位：{listing}。{year_note}")  # fmt: skip
        draft.figure = fmt_amount(top_fact["value"], top_fact["unit"])
    elif op == "rank" or _RANK.search(q.question):
        ranked = "；".join(f"{i}. {d['department']}（{d['year']}年）{fmt_amount(f['value'], f['unit'])}"
                           for i, (d, f) in enumerate(ordered, start=1))  # fmt: skip
        draft.text = f"按{metric}从高到低：{ranked}。{year_note}"
        draft.figure = fmt_amount(top_fact["value"], top_fact["unit"])
    else:
        draft.text = f"各单位的{metric}：{listing}。{year_note}"
    return draft


def _same_kind(facts: list[dict], found: list[tuple[dict, list[dict]]], view: IndexView, doc: dict) -> dict:
    """Of one department's candidate facts, the one from the kind of table most departments have it in (so a
    comparison puts 三公 table beside 三公 table, not beside a 基本支出 table)."""
    if len(facts) == 1:
        return facts[0]

    def kind(d: dict, f: dict) -> str:
        table = view.table_by_display(d["doc"], f["tbl"])
        return table["key"] if table else f["tbl"]

    counts: dict[str, int] = {}
    for d, candidates in found:
        for key in {kind(d, f) for f in candidates}:
            counts[key] = counts.get(key, 0) + 1
    return max(facts, key=lambda f: counts.get(kind(doc, f), 0))


def _metric_difference(q: QueryView, doc: dict, view: IndexView) -> Draft | None:
    """Two figures of one document and their difference (项目支出比基本支出多多少)."""
    facts = [(view.named(doc["doc"], m) or row_facts(view, doc["doc"], m) or [None])[0] for m in q.metrics[:2]]
    if None in facts:
        return None
    (a, b), (ma, mb) = facts, q.metrics[:2]
    x, y = _amount(a), _amount(b)
    if isinstance(x, Money) != isinstance(y, Money) or (not isinstance(x, Money) and a["unit"] != b["unit"]):
        return None  # a count beside an amount, or counts of different things
    gap = derive("gap", [a, b])
    draft = Draft("", facts_used=[a, b], citations=[view.cite_fact(a), view.cite_fact(b)], derived=[gap])
    (more, big), (less, small) = ((ma, x), (mb, y)) if not x < y else ((mb, y), (ma, x))
    unit = gap.unit
    big_text, small_text = (big.text(unit), small.text(unit)) if isinstance(big, Money) else (
        fmt_amount(big, unit), fmt_amount(small, unit))
    draft.text = (f"{doc['department']}{doc['year']}年{ma}{_written(a)}，{mb}{_written(b)}，"
                  f"{more}比{less}多 {big_text} − {small_text} = {gap.text()}。")  # fmt: skip
    draft.figure = gap.text()
    return draft


def _shares(q: QueryView, doc: dict, view: IndexView) -> Draft | None:
    """Each of several figures as a share of the whole (基本支出、项目支出各占多大比例)."""
    drafts = [_share(q, doc, view, m) for m in q.metrics if m not in {"支出总计", "收入总计"}]
    drafts = [d for d in drafts if d is not None]
    if not drafts:
        return None
    merged = Draft("".join(d.text for d in drafts), figure=drafts[0].figure)
    for d in drafts:
        merged.citations += d.citations
        merged.facts_used += d.facts_used
        merged.derived += d.derived
    return merged


def _share(q: QueryView, doc: dict, view: IndexView, metric: str | None = None) -> Draft | None:
    """One figure as a share of its whole (项目支出 of 支出总计, 人员经费 of 基本支出), with the arithmetic."""
    metric = metric or next((m for m in q.metrics if m not in {"支出总计", "收入总计"}), None)
    if metric is None:
        metric = next((name for word, name in _SHARE_WORDS if word in q.question), None)
    if metric is None:
        return None
    part_facts = view.named(doc["doc"], metric) or row_facts(view, doc["doc"], metric)
    whole_name = "支出总计" if metric not in {"政府采购货物", "政府采购工程", "政府采购服务"} else "政府采购"
    if metric in {"人员经费", "公用经费"}:
        whole_name = "基本支出"
    whole_facts = view.named(doc["doc"], whole_name)
    if not part_facts or not whole_facts:
        return None
    return share_answer(metric, part_facts[0], whole_name, whole_facts[0], doc, view)


def share_answer(part_name: str, part: dict, whole_name: str, whole: dict, doc: dict, view: IndexView) -> Draft | None:
    """`part` as a share of `whole`, both as written, with the arithmetic (units may differ: 元 ÷ 万元 is fine)."""
    x, y = _amount(part), _amount(whole)
    if not isinstance(x, Money) or not isinstance(y, Money) or y.is_zero():
        return None
    share = derive("share", [part, whole]).value
    draft = Draft("", facts_used=[part, whole], citations=[view.cite_fact(part), view.cite_fact(whole)],
                  derived=[derive("share", [part, whole])])  # fmt: skip
    same = x.unit == y.unit
    converted = "" if same else f"（{_written(part)} = {x.text(y.unit)}）"
    draft.text = (f"{doc['department']}{doc['year']}年{part_name}{_written(part)}，{whole_name}{_written(whole)}，"
                  f"占比 {x.text(y.unit)} ÷ {_written(whole)} = {fmt_percent(share)}{converted}。")  # fmt: skip
    draft.figure = fmt_percent(share)
    return draft


_MIN_WORDS = re.compile(r"最少|最低|最小|最便宜|最省")
_COUNT_PROJECTS_RE = re.compile(r"项目(?:的)?(?:个数|数量|数目|最多|多少个|几个)|(?:几个|多少个)项目")


def _amount(fact: dict) -> Money | Decimal:
    """A fact's figure: Money for 元/万元/亿元, the bare value for counts and other units."""
    return Money.from_fact(fact) or fact["value"]


def _written(fact: dict) -> str:
    """A fact's figure as the document writes it (its own unit)."""
    return fmt_amount(fact["value"], fact["unit"])


def _key(value: Money | Decimal) -> Decimal:
    return value.yuan if isinstance(value, Money) else value


def _rank_projects(q: QueryView, doc: dict, view: IndexView, lowest: bool = False) -> Draft | None:
    """The largest (or smallest) projects of 表12, with their amounts."""
    rows = sorted(view.project_rows(doc["doc"]), key=lambda f: f["value"], reverse=not lowest)
    if not rows:
        return None
    single = not q.top_n and not _RANK.search(q.question) and _top_n(q) == 3 and not re.search(r"哪(?:几|些)|[三3]个|[三3]项", q.question)
    n = 1 if single else min(_top_n(q), len(rows))
    chosen = rows[:n]
    draft = Draft("", facts_used=chosen, citations=[view.cite_fact(f) for f in chosen])
    who = f"{doc['department']}{doc['year']}年"
    if single:
        top = chosen[0]
        word = "最少" if lowest else "最多"
        draft.text = (f"{who}项目支出（{top['tbl']}）中金额{word}的是“{top['row']}”，"
                      f"{fmt_amount(top['value'], top['unit'])}（共{len(rows)}个项目）。")  # fmt: skip
        draft.derived.append(derive("count", rows))
    else:
        listing = "；".join(f"{f['row']} {fmt_amount(f['value'], f['unit'])}" for f in chosen)
        order = "金额最小的几项，从低到高" if lowest else "金额最大的几项，从高到低"
        draft.text = f"{who}项目支出（{chosen[0]['tbl']}）{order}：{listing}。"
    draft.figure = fmt_amount(chosen[0]["value"], chosen[0]["unit"])
    return draft


def _rank_listed(listed: list[dict], doc: dict, view: IndexView, lowest: bool) -> Draft:
    """The projects the question lists, ordered by amount (on Money: a 元 row beside 万元 rows is fine)."""
    ordered = sorted(listed, key=lambda f: _key(_amount(f)), reverse=not lowest)
    draft = Draft("", facts_used=ordered, citations=[view.cite_fact(f) for f in ordered],
                  derived=[derive("count", ordered)])  # fmt: skip
    word, order = ("最少", "从低到高") if lowest else ("最多", "从高到低")
    listing = " ＞ ".join(f"“{f['row']}”{_written(f)}" for f in ordered) if not lowest else " ＜ ".join(
        f"“{f['row']}”{_written(f)}" for f in ordered)  # fmt: skip
    top = ordered[0]
    draft.text = (f"{doc['department']}{doc['year']}年这{len(ordered)}个项目中预算{word}的是“{top['row']}”，{_written(top)}"
                  f"（{order}：{listing}；见{top['tbl']}）。")  # fmt: skip
    draft.figure = _written(top)
    return draft


def _project_counts(q: QueryView, docs: list[dict], view: IndexView) -> Draft | None:
    """How many 表12 projects each department has, most first."""
    counted = [(doc, view.project_rows(doc["doc"])) for doc in docs]
    counted = sorted([(d, rows) for d, rows in counted if rows], key=lambda c: len(c[1]), reverse=True)
    if not counted:
        return None
    draft = Draft("")
    for _doc, rows in counted:
        draft.citations.append(view.cite_fact(rows[0]))
        draft.derived.append(derive("count", rows))
    listing = "；".join(f"{d['department']}（{d['year']}年）{len(rows)}个" for d, rows in counted)
    lowest = bool(_MIN_WORDS.search(q.question))
    pick_doc, pick_rows = counted[-1] if lowest else counted[0]
    draft.text = (f"按项目支出预算表（表12）列出的项目个数，{pick_doc['department']}{'最少' if lowest else '最多'}，"
                  f"共{len(pick_rows)}个。各单位：{listing}。")  # fmt: skip
    draft.figure = f"{len(pick_rows)}个"
    return draft


def _prefix_sum(q: QueryView, doc: dict, view: IndexView) -> Draft | None:
    prefix = q.prefix.strip("“”\"' ")
    rows = [f for f in view.project_rows(doc["doc"]) if (f["row"] or "").startswith(prefix)]
    if not rows:
        return Draft(f"{doc['department']}{doc['year']}年的项目支出表中没有名称以“{prefix}”开头的项目。", refused=True)
    summed = derive("sum", rows)
    draft = Draft("", facts_used=rows, citations=[view.cite_fact(f) for f in rows],
                  derived=[summed, derive("count", rows)])  # fmt: skip
    terms = " + ".join(fmt_amount(f["value"], f["unit"]) for f in rows)
    names = "、".join(f"“{f['row']}”" for f in rows)
    draft.text = f"名称以“{prefix}”开头的项目有{len(rows)}个：{names}，合计 {terms} = {summed.text()}。"
    draft.figure = summed.text()
    return draft


def compose_spending_mix(doc: dict, view: IndexView) -> Draft | None:
    """Where the money goes: 基本支出 vs 项目支出 with shares, then the largest 功能分类 classes of 表3."""
    totals = view.named(doc["doc"], "支出总计") or view.named(doc["doc"], "收入总计")
    classes = view.function_classes(doc["doc"])
    if not totals or totals[0]["value"] == 0 or not classes:
        return None
    total = totals[0]
    draft = Draft("", facts_used=[total], citations=[view.cite_fact(total)])
    unit = total["unit"]

    def share(fact: dict) -> str:
        derived = derive("share", [fact, total])
        draft.derived.append(derived)
        return derived.text()

    parts = [f"{doc['department']}{doc['year']}年支出总计{fmt_amount(total['value'], unit)}。"]
    split = [view.named(doc["doc"], name) for name in ("基本支出", "项目支出")]
    if all(split):
        basic, project = split[0][0], split[1][0]
        draft.facts_used += [basic, project]
        draft.citations.append(view.cite_fact(basic))
        parts.append(f"其中基本支出（保障机构运转和人员）{fmt_amount(basic['value'], basic['unit'])}，占{share(basic)}；"
                     f"项目支出（完成特定任务）{fmt_amount(project['value'], project['unit'])}，占{share(project)}。")  # fmt: skip
    top = classes[:3]
    draft.facts_used += top
    draft.citations += [view.cite_fact(f) for f in top if view.cite_fact(f) not in draft.citations]
    listing = "；".join(f"{f['row']} {fmt_amount(f['value'], f['unit'])}（{share(f)}）" for f in top)
    lead = "最多的是：" if len(top) > 1 else "全部是"
    parts.append(f"按用途（功能分类）看，{lead}{listing}（见{top[0]['tbl']}）。")
    draft.text = "".join(parts)
    draft.figure = fmt_amount(top[0]["value"], top[0]["unit"])
    return draft


def compose_project_gap(q: QueryView, docs: list[dict], view: IndexView) -> Draft | None:
    """Two departments' projects compared ('A的X比B的Y贵多少'): both amounts as written and their difference."""
    if _operation(q) not in {"diff", "max", "min"}:
        return None
    pair = projects_compared(q.question, docs, view)
    if pair is None:
        return None
    (d1, f1), (d2, f2) = pair
    gap = derive("gap", [f1, f2])
    more = d1 if not _amount(f1) < _amount(f2) else d2
    draft = Draft("", facts_used=[f1, f2], citations=[view.cite_fact(f1), view.cite_fact(f2)], derived=[gap])
    years = "（注意：两个文件年份不同。）" if d1["year"] != d2["year"] else ""
    draft.text = (f"{d1['department']}{d1['year']}年“{f1['row']}”{_written(f1)}，{d2['department']}{d2['year']}年"
                  f"“{f2['row']}”{_written(f2)}，相差{gap.text()}（{more['department']}的更多）。{years}")  # fmt: skip
    draft.figure = gap.text()
    return draft

