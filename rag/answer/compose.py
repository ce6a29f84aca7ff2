"""Query → Draft: route by intent and write a short plain-Chinese answer from facts, sections and the glossary.

Composers only state figures they take from the store (or derive from them, recorded in `Draft.derived`), and
cite every source; `rag.answer.verify` checks the text afterwards.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING

from rag.answer.compose_sets import SPENDING_MIX_RE, compose_compare, compose_list, compose_spending_mix
from rag.answer.compose_text import (
    absent_terms,
    cite_sentence,
    compose_define,
    compose_explain,
    compose_from_passages,
    section_change,
    words_of,
)
from rag.answer.draft import Draft
from rag.answer.verify import Evidence
from rag.store.view import IndexView
from rag.text.homophones import same_char
from rag.text.money import fmt_amount
from rag.text.numbers import to_wan
from rag.text.similar import similarity
from rag.understand.query_view import QueryView

if TYPE_CHECKING:
    from rag.answer.answerer import Answerer
    from rag.types import Citation

PROJECT_USE_RE = re.compile(r"用在哪|花在哪|用到哪|用于什么|用于哪|用途")
NOT_ARRANGED_WORDS = ("本表无数据", "无机关运行经费", "未安排")


def compose(query: object, question: str, answerer: Answerer) -> Draft:
    """The draft answer for an understood question."""
    q = QueryView(query, question)
    view = answerer.view
    if q.injection and not q.has_content:
        return Draft("我只能回答预算文件里的问题，不能执行其他指令。请直接问某个单位的预算数字或说明。", refused=True)
    if q.personal:
        return Draft("预算文件不公开个人的工资、姓名或联系方式，这类信息无法提供。可以问单位的人员经费、工资福利支出等总数。",
                     refused=True)  # fmt: skip
    parent_note = ""
    if q.unknown_department:
        parent = _parent_department(q.unknown_department, view)
        if parent is None:
            return _refuse_unknown(q.unknown_department, view)
        parent_note = f"（文件中“{q.unknown_department}”属于{parent['department']}，按其{parent['scope']}{parent['kind']}回答。）"
        q.query.departments, q.query.unknown_department = [parent["department"]], None
    if q.intent == "define":
        return compose_define(q, view)
    if q.out_of_scope and q.departments:
        return _refuse_out_of_scope(q, view.docs_of(q.departments[0]) or view.documents, view)
    if _says_nothing(q, question):
        return _clarify(view)
    docs, note = pick_documents(q, view)
    if isinstance(docs, Draft):
        return docs
    if len(docs) > 1 and q.terms and not q.aggregate and q.intent in {"lookup", "explain", "compare", ""}:
        docs = _owners_among(q, docs, view) or docs  # 综改区信息化服务费: only one 综改区 unit has that project
    if q.out_of_scope:
        return _refuse_out_of_scope(q, docs, view)
    draft = (_one_document_case(q, question, docs[0], view) if len(docs) == 1 else None) or _by_intent(q, docs, view)
    if draft is None and len(docs) == 1 and q.metrics and q.intent in {"lookup", ""}:
        draft = _project_by_words(q, docs[0], view) or _not_stated(q.metrics, docs[0], view)
    if draft is None:
        draft = compose_from_passages(q, docs, answerer)
    if note and not draft.refused:
        draft.text = note + draft.text
    if parent_note:
        draft.text = parent_note + draft.text
    if q.injection:
        draft.text += "\n（问题中要求改变规则的内容已忽略。）"
    return draft


def _one_document_case(q: QueryView, question: str, doc: dict, view: IndexView) -> Draft | None:
    """Questions about one document that its words, not its intent, decide."""
    if not q.metrics and SPENDING_MIX_RE.search(question) and not (
        q.terms and match_projects(q.terms, view.project_rows(doc["doc"]))
    ):
        return compose_spending_mix(doc, view)  # 钱主要花在哪
    if q.departments and not (q.metrics or q.terms or q.premise) and q.intent in {"lookup", ""}:
        return _department_summary(doc, view)  # 吕梁审批局？ — its key figures
    if _ALL_TARGETS_RE.search(question) and (q.terms or q.metrics):
        return _indicator_answer(q, doc, view)  # 房租物业费项目有哪些绩效指标
    if q.terms and q.intent == "list" and PROJECT_USE_RE.search(question):
        return compose_explain(q, doc, view)  # 热线项目的钱用在哪: what the project is for
    return None


def _by_intent(q: QueryView, docs: list[dict], view: IndexView) -> Draft | None:
    """The composer for the question's intent (across documents when it names several or none)."""
    if q.intent == "compare" or (len(docs) > 1 and q.intent in {"lookup", ""}):
        draft = _indicator_answer(q, docs[0], view) if len(docs) == 1 and q.terms else None  # 最多刻几套: a target
        return draft or compose_compare(q, docs, view)
    if q.intent == "list":
        return compose_list(q, docs[0], view)
    if q.intent == "explain":
        return compose_explain(q, docs[0], view)
    return compose_lookup(q, docs[0], view)


def _says_nothing(q: QueryView, question: str) -> bool:
    """No department, figure, project or definition asked for (an empty line, 'hello', '多少', '为什么')."""
    if q.departments or q.metrics or q.terms or q.premise or q.unknown_department or q.prefix or q.threshold:
        return False
    if getattr(q.query, "all_departments", False) or q.aggregate or q.intent in {"define", "list", "compare"}:
        return False
    return not SPENDING_MIX_RE.search(question)


def _clarify(view: IndexView) -> Draft:
    names = "、".join(f"{d['department']}（{d['year']}年）" for d in view.documents[:6])
    return Draft(f"请说明想了解哪个单位的哪项预算，例如“大同政务中心招待费多少”或“什么是三公经费”。现在能查的文件有：{names}。",
                 refused=True)  # fmt: skip


_SUMMARY_FIGURES = ("收入总计", "基本支出", "项目支出", "三公经费", "机关运行经费", "政府采购")


def _department_summary(doc: dict, view: IndexView) -> Draft | None:
    """A department named and nothing else: its key figures in one sentence each, with their tables."""
    facts = [(name, view.named(doc["doc"], name)) for name in _SUMMARY_FIGURES]
    facts = [(name, found[0]) for name, found in facts if found]
    if not facts:
        return None
    draft = Draft("", facts_used=[f for _, f in facts], citations=[view.cite_fact(f) for _, f in facts])
    listing = "；".join(f"{name}{fmt_amount(f['value'], f['unit'])}" for name, f in facts)
    draft.text = f"{doc['department']}{doc['year']}年{doc['scope']}{doc['kind']}的主要数字：{listing}。可以接着问某一项的明细或原因。"
    draft.figure = fmt_amount(facts[0][1]["value"], facts[0][1]["unit"])
    return draft


def pick_documents(q: QueryView, view: IndexView) -> tuple[list[dict] | Draft, str]:
    """The documents the question is about, and a note when the year was not given or not available."""
    if not q.departments and q.terms:
        owner = _project_owner(q, view)
        if owner is not None:  # 省级政务大厅综合窗口…: the one document that has such a project
            return [owner], f"（按{owner['department']}{owner['year']}年{owner['scope']}{owner['kind']}中的项目回答。）"
    departments = q.departments or sorted({d["department"] for d in view.documents})
    chosen, notes = [], []
    for department in departments:
        docs = view.docs_of(department)
        if not docs:
            continue
        if q.year is not None:
            exact = [d for d in docs if d["year"] == q.year]
            if not exact:
                years = "、".join(f"{d['year']}年" for d in docs)
                if q.departments:
                    later = next((d for d in docs if d["year"] == q.year + 1), None)
                    derived = previous_year_figure(q, later, view) if later else None
                    if derived is not None:
                        return derived, ""
                    draft = Draft(f"文件中没有{department}{q.year}年的预算，只有{years}的{docs[0]['kind']}。",
                                  refused=True)  # fmt: skip
                    _offer_other_year(q, docs[0], view, draft)
                    return draft, ""
                continue
            chosen.append(exact[0])
        else:
            chosen.append(docs[0])
            if q.departments and len(docs) >= 1:
                notes.append(f"（未说明年份，按最新的{docs[0]['year']}年{docs[0]['scope']}{docs[0]['kind']}回答。）")
    if not chosen:
        return Draft("已加载的文件中没有符合条件的预算文件。", refused=True), ""
    note = notes[0] if len(notes) == 1 and len(chosen) == 1 else ""
    return chosen, note


_PREVIOUS_RE = (r"[^。；]{0,80}?(?:。[^。；]{0,50}?)?(?:比|较)(?:上年|去年|上一年|(?P<y>20\d{2})年)(?:年初)?(?:预算)?(?:数)?[^。；\d]{0,6}?"
                r"(?P<dir>增加|减少|增长|下降|持平|相同|一致)(?:了)?\s*(?P<amt>[\d,]+(?:\.\d+)?)?\s*(?:万元)?")


def previous_year_figure(q: QueryView, doc: dict, view: IndexView) -> Draft | None:
    """Last year's figure as the document states it through this year's change (三公经费8.50万元比2024年减少
    1.00万元 → 2024年 9.50万元), with the arithmetic shown; None when the text gives no such change."""
    if not q.metrics:
        return None
    metric = q.metrics[0]
    facts = view.named(doc["doc"], metric)
    if not facts:
        return None
    current = facts[0]
    words = {"收入总计": "收入总计", "支出总计": "支出总计"}.get(metric, metric)
    pattern = re.compile(re.escape(words.replace("三公经费", "三公")) + _PREVIOUS_RE)
    for section in view.sections(doc["doc"]):
        text = re.sub(r"[“”\s]", "", section["text"] or "")
        match = pattern.search(text)
        if not match or (match.group("y") and int(match.group("y")) != doc["year"] - 1):
            continue
        direction, amount = match.group("dir"), match.group("amt")
        unit = current["unit"]
        if direction in {"持平", "相同", "一致"}:
            delta, previous, op = Decimal(0), current["value"], "="
        elif amount is None:
            continue
        else:
            delta = Decimal(amount.replace(",", ""))
            up = direction in {"增加", "增长"}
            previous, op = (current["value"] - delta, "−") if up else (current["value"] + delta, "+")
        cited = cite_sentence(view, doc["doc"], section, match.group(0))
        draft = Draft("", citations=[view.cite_fact(current), cited], facts_used=[current])
        draft.derived.append(Evidence(previous, unit, doc["doc"], current["line"], "arithmetic"))
        said = f"与上年{direction}" if delta == 0 else f"比上年{direction}{fmt_amount(delta, unit)}"
        arithmetic = f"{fmt_amount(current['value'], unit)} {op} {fmt_amount(delta, unit)} = " if delta else ""
        draft.text = (f"文件中只有{doc['year']}年的预算，没有{doc['year'] - 1}年的预算表。按{doc['year']}年预算说明，{metric}"
                      f"{fmt_amount(current['value'], unit)}，{said}；由此推算{doc['year'] - 1}年为"
                      f"{arithmetic}{fmt_amount(previous, unit)}。")  # fmt: skip
        draft.figure = fmt_amount(previous, unit)
        return draft
    return None


def _offer_other_year(q: QueryView, doc: dict, view: IndexView, draft: Draft) -> None:
    """With a year the documents lack, say what the year they have shows for the same figure."""
    other = _metric_answer(q, doc, view) if q.metrics else None
    if other is None or not other.facts_used:
        draft.text += "请换个年份再问。"
        return
    fact = other.facts_used[0]
    draft.text += f"可以提供的是{doc['year']}年的{q.metrics[0]}：{fmt_amount(fact['value'], fact['unit'])}（见{fact['tbl']}）。"
    draft.citations.append(view.cite_fact(fact))
    draft.facts_used.append(fact)


def _quoted(label: str) -> str:
    """A name in Chinese quotes, once (“一窗受理、集成服务” keeps its own)."""
    label = (label or "").strip()
    return label if label.startswith("“") and label.endswith("”") else f"“{label}”"


def _owners_among(q: QueryView, docs: list[dict], view: IndexView, written: bool = True) -> list[dict]:
    """Of several documents the question may mean, the one whose projects the question names — a free word of 3+
    characters naming one whole or (`written`) its name as written; [] unless exactly one."""
    terms = [t for t in q.terms if len(t) >= 3]
    owners = []
    for doc in docs:
        rows = view.project_rows(doc["doc"]) + [{"row": t["project"]} for t in view.targets(doc["doc"])]
        if (written and projects_written(q.question, rows)) or any(
            coverage(t, r["row"] or "") >= 1.0 for t in terms for r in rows
        ):
            owners.append(doc)
    return owners if len(owners) == 1 else []


def _project_owner(q: QueryView, view: IndexView) -> dict | None:
    """The only loaded document with a project that a free word of the question names whole (3+ characters)."""
    owners = _owners_among(q, view.documents, view, written=False)
    return owners[0] if owners else None


def _parent_department(name: str, view: IndexView) -> dict | None:
    """The loaded document a unit named in the question belongs to: the only department of that place whose
    document names the unit (吕梁政务中心 → 吕梁市行政审批服务管理局, whose 下属单位 include 市政务服务中心)."""
    stem = name[:2]
    docs = [d for d in view.documents if stem in d["department"]]
    if len({d["department"] for d in docs}) != 1:
        return None
    core = re.sub(r"^[\u4e00-\u9fff]{2}[市区县省]?", "", name)
    if len(core) < 3:
        return None
    pattern = re.compile(".{0,3}".join(map(re.escape, core)))
    doc = docs[0]
    lines = view.doc_lines(doc["doc"])
    belongs = re.compile(r"下属|下设|所属|包括|实施单位")
    return doc if any(pattern.search(row["text"]) and belongs.search(row["text"]) for row in lines) else None


def _refuse_unknown(name: str, view: IndexView) -> Draft:
    loaded = "；".join(f"{d['department']}（{d['year']}年）" for d in view.documents[:8])
    return Draft(f"已加载的预算文件中没有“{name}”的预算。现有的文件是：{loaded}。", refused=True)


def _refuse_out_of_scope(q: QueryView, docs: list[dict], view: IndexView) -> Draft:
    doc = docs[0]
    what = {"决算": "决算（实际支出）", "actual": "实际执行情况"}.get(q.out_of_scope, q.out_of_scope)
    text = (f"文件里没有这项信息：已加载的是{doc['department']}{doc['year']}年{doc['scope']}{doc['kind']}，"
            f"只有预算安排，没有{what}。")  # fmt: skip
    draft = Draft(text, refused=True)
    total = view.named(doc["doc"], "收入总计")
    if total and q.out_of_scope == "决算":
        fact = total[0]
        draft.text += f"可以提供的是{doc['year']}年预算收入总计{fmt_amount(fact['value'], fact['unit'])}。"
        draft.citations.append(view.cite_fact(fact))
        draft.facts_used.append(fact)
    return draft


def compose_lookup(q: QueryView, doc: dict, view: IndexView) -> Draft | None:
    """A figure of one document: change questions, project amounts and targets, then key figures."""
    if q.change and q.terms and not q.metrics and absent_terms(q, doc, view):
        return None  # 规上工业增加值能增长多少: nothing of the kind in this document (said by the passage stage)
    if q.change:
        draft = section_change(q, doc, view)
        if draft:
            return draft
    draft = _code_answer(q, doc, view)
    if draft:
        return draft
    if q.terms and _SHEET_AMOUNT_RE.search(q.question):
        draft = _sheet_amount_answer(q, doc, view)
        if draft:
            return draft
    if q.terms or q.metrics:
        draft = _indicator_answer(q, doc, view)
        if draft:
            return _with_amount(q, doc, view, draft)
    if q.terms and q.metrics and named_projects(q, doc, view):
        return _project_answer(q, doc, view)  # 大楼管理运行经费 is a project, not 机关运行经费
    if q.metrics:
        draft = _metric_answer(q, doc, view)
        if draft:
            return draft
    if q.terms:
        return _project_answer(q, doc, view) or _term_row_answer(q, doc, view)
    return None


def _term_row_answer(q: QueryView, doc: dict, view: IndexView) -> Draft | None:
    """A free word that is a table row's own label (公共安全支出, 会议费): that row's amounts."""
    for term in sorted((t for t in q.terms if len(t) >= 3), key=len, reverse=True):
        rows = row_facts(view, doc["doc"], term)
        if rows:
            draft = Draft("")
            draft.text = _rows_sentence(term, rows, doc, view, draft)
            draft.figure = fmt_amount(rows[0]["value"], rows[0]["unit"])
            return draft
    return None


_SHEET_AMOUNT_RE = re.compile(r"年度资金|实施期|资金总额|多少元|几元|总投资|全部资金|整个项目")


def _sheet_amount_answer(q: QueryView, doc: dict, view: IndexView) -> Draft | None:
    """年度资金总额 / 实施期资金总额 (元) of a project's performance sheet, with its 表12 amount (万元)."""
    rows = [{"row": t["project"], **t} for t in view.targets(doc["doc"])]
    sheets = target_projects(q.terms, rows)
    if not sheets:
        return None
    sheet = sheets[0]
    period = re.search(r"实施期|总投资|全部资金|整个项目", q.question)
    label, amount = ("实施期资金总额", sheet["period_total_yuan"]) if period else ("年度资金总额", sheet["annual_total_yuan"])
    if amount in (None, ""):
        return None
    value = Decimal(str(amount))
    part = f"项目支出绩效目标表（{sheet['project']}）"
    line = sheet["amount_line"] or sheet["line_start"]
    draft = Draft(f"“{sheet['project']}”的{label}为{fmt_amount(value, '元')}（即{fmt_amount(value / 10000, '万元')}，见绩效目标表）。",
                  citations=[view.cite_lines(doc["doc"], part, line, line)])  # fmt: skip
    draft.derived.append(Evidence(value / 10000, "万元", doc["doc"], line, "arithmetic"))
    if period and sheet["annual_total_yuan"] not in (None, "") and Decimal(str(sheet["annual_total_yuan"])) != value:
        annual = Decimal(str(sheet["annual_total_yuan"]))
        draft.text += f"其中本年度资金总额{fmt_amount(annual, '元')}。实施期可能跨多个年度，不等于当年预算。"
    draft.figure = fmt_amount(value, "元")
    return draft


_WITHOUT_CARRYOVER_RE = re.compile(r"不含(?:上年)?结转|不算(?:上年)?结转|不包括(?:上年)?结转|扣除(?:上年)?结转|(?:本年|当年|今年)(?:安排|预算)的")
_CURRENT_COLUMNS = {"基本支出": "基本支出", "项目支出": "项目支出", "支出总计": "合计", "收入总计": "合计"}


def _without_carryover(q: QueryView, doc: dict, view: IndexView) -> Draft | None:
    """基本支出 / 项目支出 without last year's carry-over: the 合计 row of 表5 (一般公共预算支出, 不含上年结转)."""
    metric = next((m for m in q.metrics if m in _CURRENT_COLUMNS), None)
    table = view.table_of_key(doc["doc"], "一般公共预算支出")
    if metric is None or table is None:
        return None
    row = next((f for f in view.facts(doc["doc"]) if f["tbl"] == table["display"] and f["row"] in {"合计", "总计"}
                and f["col"] == _CURRENT_COLUMNS[metric]), None)  # fmt: skip
    if row is None:
        return None
    draft = Draft(f"{doc['department']}{doc['year']}年不含上年结转的{metric}为{fmt_amount(row['value'], row['unit'])}"
                  f"（见{row['tbl']}）。", citations=[view.cite_fact(row)], facts_used=[row])  # fmt: skip
    total = view.named(doc["doc"], metric)
    if total and abs(total[0]["value"] - row["value"]) > Decimal("0.005"):
        draft.text += f"含上年结转则为{fmt_amount(total[0]['value'], total[0]['unit'])}（见{total[0]['tbl']}）。"
        draft.citations.append(view.cite_fact(total[0]))
        draft.facts_used.append(total[0])
    draft.figure = fmt_amount(row["value"], row["unit"])
    return draft


def _metric_answer(q: QueryView, doc: dict, view: IndexView) -> Draft | None:
    if _WITHOUT_CARRYOVER_RE.search(q.question):
        draft = _without_carryover(q, doc, view)
        if draft:
            return draft
    parts, draft = [], Draft("")
    for metric in q.metrics[:3]:
        facts = view.named(doc["doc"], metric)
        if not facts:
            rows = row_facts(view, doc["doc"], metric)
            if not rows:
                continue
            parts.append(_rows_sentence(metric, rows, doc, view, draft))
            continue
        primary = facts[0]
        draft.facts_used.append(primary)
        draft.citations.append(view.cite_fact(primary))
        parts.append(_figure_sentence(metric, primary, doc, view, draft))
        parts += _conflict_sentences(primary, facts[1:], doc, view, draft)
    if not parts:
        return None
    if q.premise is not None and draft.facts_used:
        parts.insert(0, _premise_verdict(q.premise, draft.facts_used[0]))
    draft.text = "".join(parts)
    first = draft.facts_used[0]
    draft.figure = fmt_amount(first["value"], first["unit"])
    return draft


RELATED_METRICS = {"编制": ("内设机构", "人员经费"), "内设机构": ("编制",), "公务用车": ("公务用车购置及运行费",),
                   "办公用房面积": ("公务用车",)}  # fmt: skip
"""What to offer instead when a document does not state the figure asked for."""


def _project_by_words(q: QueryView, doc: dict, view: IndexView) -> Draft | None:
    """No figure of that name, but a project named by the same words (培训 → 政务服务综合能力提升培训)."""
    words = [w for w in q.metric_words + q.terms if len(w) >= 2]
    rows = view.project_rows(doc["doc"])
    if not words or not [r for r in match_projects(words, rows) if max(coverage(w, r["row"]) for w in words) >= 1.0]:
        return None
    return _project_answer(q, doc, view, terms=words)


def _not_stated(metrics: list[str], doc: dict, view: IndexView) -> Draft:
    """The figure asked for is one the fact store knows, but this document does not state it: say so plainly."""
    who = f"{doc['department']}{doc['year']}年{doc['scope']}{doc['kind']}"
    draft = Draft(f"{who}中没有写明{'、'.join(metrics[:3])}。", refused=True)
    offers = []
    for related in (r for m in metrics for r in RELATED_METRICS.get(m, ())):
        facts = view.named(doc["doc"], related)
        if facts and related not in metrics:
            offers.append(f"{related}{fmt_amount(facts[0]['value'], facts[0]['unit'])}（见{facts[0]['tbl']}）")
            draft.facts_used.append(facts[0])
            draft.citations.append(view.cite_fact(facts[0]))
    if offers:
        draft.text += "文件中相关的数字有：" + "；".join(offers) + "。"
    return draft


def _figure_sentence(metric: str, fact: dict, doc: dict, view: IndexView, draft: Draft) -> str:
    who = f"{doc['department']}{doc['year']}年"
    amount = fmt_amount(fact["value"], fact["unit"])
    table = view.table_by_display(doc["doc"], fact["tbl"])
    if fact["value"] == 0 and table and table["empty"]:
        return f"{who}未安排{metric}（{fact['tbl']}注明“本表无数据”），即{amount}。"
    if fact["value"] == 0 and metric == "机关运行经费" and _text_says_none(view, doc["doc"], metric, draft):
        return f"{who}没有安排{metric}（文件说明无{metric}），即{amount}。"
    where = fact["tbl"] if fact["origin"] == "table" else "情况说明"
    extra = ""
    if metric in {"收入总计", "支出总计"}:
        carried = view.named(doc["doc"], "上年结转")
        if carried and carried[0]["value"] > 0:
            extra = f"，其中上年结转{fmt_amount(carried[0]['value'], carried[0]['unit'])}"
            draft.facts_used.append(carried[0])
    return f"{who}{metric}为{amount}{extra}（见{where}）。"


def _text_says_none(view: IndexView, doc: str, metric: str, draft: Draft) -> bool:
    for section in view.sections(doc):
        match = re.search(rf"[^。\n]*无{metric}[^。\n]*", section["text"] or "")
        if match:
            draft.citations.append(view.cite_lines(doc, section["heading"], section["line_start"], section["line_end"],
                                                   match.group(0)))  # fmt: skip
            return True
    return False


def _conflict_sentences(primary: dict, others: list[dict], doc: dict, view: IndexView, draft: Draft) -> list[str]:
    """Where the document itself gives another value (a major self-check finding), show both."""
    majors = [f for f in view.findings(doc["doc"]) if f["severity"] == "major"]
    out = []
    seen = {primary["value"]}
    for other in others:
        if other["value"] in seen or abs(other["value"] - primary["value"]) <= Decimal("0.02"):
            continue
        if not any(primary["line"] in f["lines"] or other["line"] in f["lines"] for f in majors):
            continue
        seen.add(other["value"])
        where = other["tbl"] if other["origin"] == "table" else f"情况说明（{other['tbl'].split(' / ')[-1]}）"
        out.append(f"注意：文件前后不一致，{where}写的是{fmt_amount(other['value'], other['unit'])}，与{primary['tbl']}不同。")
        draft.citations.append(view.cite_fact(other))
        draft.facts_used.append(other)
    return out


def _premise_verdict(premise: tuple[Decimal, str], fact: dict) -> str:
    value, unit = premise
    claimed = to_wan(value, unit or "万元")
    actual = to_wan(fact["value"], fact["unit"])
    if claimed is not None and actual is not None and abs(claimed - actual) < Decimal("0.005"):
        return "对。"
    if actual is not None and claimed is not None and value == fact["value"] and unit != fact["unit"]:
        return f"不对，单位是{fact['unit']}，不是{unit}：金额为{fmt_amount(fact['value'], fact['unit'])}（即{fmt_amount(actual * 10000, '元')}）。"
    return "不对，与文件不符。"


_ENUMERATOR_RE = re.compile(r"^(?:[一二三四五六七八九十]+、|[①②③④⑤⑥⑦⑧⑨]|\d+[.、．])\s*")


def row_facts(view: IndexView, doc: str, label: str) -> list[dict]:
    """A figure that is a table row (住房公积金, 办公费): its first amount in each table that has the row, the
    function table (表3) first; one per distinct value."""
    best: dict[str, dict] = {}
    for fact in view.facts(doc):
        if fact["origin"] != "table" or fact["name"] or fact["tbl"] in best:
            continue
        row = _ENUMERATOR_RE.sub("", fact["row"] or "").strip()
        if row == label or (similarity(label, row) >= 0.95 and (row.startswith(label) or label.startswith(row))):
            best[fact["tbl"]] = fact
        elif not row and (fact["col"] or "").replace(" ", "") == label:
            best[fact["tbl"]] = {**fact, "row": label}  # a one-row table whose columns are the items (会议费, 培训费)
    expense = view.table_of_key(doc, "支出总表")
    ordered = sorted(best.values(), key=lambda f: (not (expense and f["tbl"] == expense["display"]), f["line"]))
    distinct: list[dict] = []
    for fact in ordered:
        if all(abs(fact["value"] - other["value"]) > Decimal("0.005") for other in distinct):
            distinct.append(fact)
    return distinct


def _rows_sentence(metric: str, rows: list[dict], doc: dict, view: IndexView, draft: Draft) -> str:
    """'住房公积金14.95万元（表3，按支出功能）；另表6（按经济科目）为36.10万元'."""
    primary = rows[0]
    for fact in rows:
        draft.facts_used.append(fact)
        draft.citations.append(view.cite_fact(fact))
    label = _ENUMERATOR_RE.sub("", primary["row"] or metric)
    text = f"{doc['department']}{doc['year']}年{label}为{fmt_amount(primary['value'], primary['unit'])}（见{primary['tbl']}）。"
    for other in rows[1:]:
        text += f"另外，{other['tbl']}中“{other['row']}”为{fmt_amount(other['value'], other['unit'])}（两张表分类口径不同）。"
    return text


def coverage(term: str, label: str) -> float:
    """Share of the term's characters found in order in the label (物业费 ⊂ 政务大厅物业管理服务费 → 1.0)."""
    if not term:
        return 0.0
    by_sound = len(term) >= 3
    i = 0
    for ch in label:
        if i < len(term) and (ch == term[i] or (by_sound and same_char(ch, term[i]))):
            i += 1
    return i / len(term)


def match_projects(terms: list[str], rows: list[dict]) -> list[dict]:
    """Project rows that match the terms best (all ties), highest coverage first, shortest label on ties."""
    scored = []
    for row in rows:
        label = row["row"] or ""
        score, length = max(((coverage(t, label), len(t)) for t in terms if len(t) >= 2), default=(0.0, 0))
        if score >= 0.75:
            rest = sum(coverage(t, label) for t in terms if len(t) >= 2)  # the other words: 租接送车 → 租赁车
            scored.append((score, length, round(rest, 3), -len(label), row))
    scored.sort(key=lambda s: (s[0], s[1], s[2], s[3]), reverse=True)
    if not scored:
        return []
    top, longest, rest = scored[0][0], scored[0][1], scored[0][2]
    return [s[-1] for s in scored if s[0] >= top - 1e-9 and s[1] == longest and s[2] == rest]


_CURRENT_YEAR_RE = re.compile(r"不含(?:上年)?结转|本年|当年|一般公共预算")
_CODE_RE = re.compile(r"(?<![\d.])(\d{3}(?:\d{2}){0,2})(?![\d.]|万|元|年|%|个|名|辆)")


def _code_answer(q: QueryView, doc: dict, view: IndexView) -> Draft | None:
    """A 科目编码 named in the question (2010350 事业运行): its row in 表3 预算支出总表, or in any table."""
    codes = [m.group(1) for m in _CODE_RE.finditer(q.question) if not 1990 <= int(m.group(1)) <= 2100]
    if not codes:
        return None
    key = "收入总表" if "收入" in q.question else "一般公共预算支出" if _CURRENT_YEAR_RE.search(q.question) else "支出总表"
    table = view.table_of_key(doc["doc"], key) or view.table_of_key(doc["doc"], "支出总表")
    for code in codes:
        facts = [f for f in view.facts(doc["doc"]) if f["code"] == code]
        if not facts:
            continue
        preferred = [f for f in facts if table and f["tbl"] == table["display"]] or facts
        line = preferred[0]["line"]
        row = [f for f in preferred if f["line"] == line]
        draft = Draft("", facts_used=row, citations=[view.cite_fact(row[0])])
        cells = "，".join(f"{f['col']}{fmt_amount(f['value'], f['unit'])}" for f in row)
        draft.text = f"{doc['department']}{doc['year']}年科目{code}“{row[0]['row']}”：{cells}（见{row[0]['tbl']}）。"
        draft.figure = fmt_amount(row[0]["value"], row[0]["unit"])
        return draft
    return None


def named_projects(q: QueryView, doc: dict, view: IndexView) -> list[dict]:
    """Project rows that a free word of the question names whole (coverage 1.0), or whose own name the question
    writes out (委托业务经费, even where its words also read as a figure)."""
    rows = view.project_rows(doc["doc"]) + view.project_rows(doc["doc"], carried=True)
    written = projects_written(q.question, rows)
    if written:
        return written
    terms = [t for t in q.terms if len(t) >= 2 and t not in q.metrics]
    return [r for r in match_projects(terms, rows) if max(coverage(t, r["row"] or "") for t in terms) >= 1.0]


_FUNDING_PREFIX = re.compile(r"^[A-Z]{1,2}(?=[\u4e00-\u9fff])")


def _same_project(a: str, b: str) -> bool:
    """A 表12 row and a sheet of one project: alike names with the same funding prefix (Z… is not J…)."""
    pa, pb = _FUNDING_PREFIX.match(a or ""), _FUNDING_PREFIX.match(b or "")
    if (pa and pa.group(0)) != (pb and pb.group(0)):
        return False
    return similarity(a, b) >= 0.8


def projects_written(question: str, rows: list[dict]) -> list[dict]:
    """Rows whose name (without its Z/J/X prefix) the question contains as written, longest first."""
    text = re.sub(r"[“”\"\s]", "", question)
    whole = [r for r in rows if len(label := re.sub(r"[“”\"\s]", "", r["row"] or "")) >= 4 and label in text]
    if whole:
        return sorted(whole, key=lambda r: -len(r["row"]))[:1]
    found = [r for r in rows if len(core := _name_core(r["row"])) >= 4 and core in text]
    return sorted(found, key=lambda r: -len(_name_core(r["row"])))[:1] if found else []


def _name_core(label: str | None) -> str:
    return re.sub(r"^(?:[A-Z]{1,2}|\d{4}年)", "", re.sub(r"[“”\"\s]", "", label or ""))


_PROJECT_SUM_RE = re.compile(r"一共|合计|总共|加起来|共计|总和|加在一起|之和|合起来")
_EXCEPT_RE = re.compile(r"除了|除去|除开|以外的|之外的|剩下|其余|其他的?项目")


def _projects_per_term(terms: list[str], rows: list[dict]) -> list[dict]:
    """The best project row for each term (创新能力建设加消费券 → two rows), in question order, each once."""
    pieces = [p for t in terms for p in re.split(r"加上|再加|加|和|与|及|、|以及", t) if len(p) >= 2]
    chosen: list[dict] = []
    for piece in pieces:
        best = match_projects([piece], rows)
        if len(best) == 1 and best[0] not in chosen:
            chosen.append(best[0])
    return chosen


def _premise_is_sheet_amount(q: QueryView, doc: dict, view: IndexView, fact: dict) -> tuple[str, Citation | None]:
    """The figure the question brings is the project's multi-year total (实施期资金总额) on its sheet: say so, with
    the sheet line to cite."""
    value, unit = q.premise
    claimed = to_wan(value, unit or "万元")
    if claimed is None:
        return "", None
    for sheet in (t for t in view.targets(doc["doc"]) if _same_project(t["project"], fact["row"])):
        if sheet["period_total_yuan"] in (None, ""):
            continue
        yuan = Decimal(str(sheet["period_total_yuan"]))
        if abs(yuan / 10000 - claimed) >= Decimal("0.005"):
            continue
        annual = sheet["annual_total_yuan"]
        tail = f"，本年度资金总额是{fmt_amount(Decimal(str(annual)), '元')}" if annual not in (None, "") else ""
        line = sheet["amount_line"] or sheet["line_start"]
        citation = view.cite_lines(doc["doc"], f"项目支出绩效目标表（{sheet['project']}）", line, line)
        return f"{fmt_amount(yuan, '元')}是绩效目标表里的实施期（多年）资金总额{tail}，不是今年的预算。", citation
    return "", None


def _project_sum(q: QueryView, doc: dict, rows: list[dict], view: IndexView) -> Draft | None:
    """Several named projects and 一共多少: each amount and their sum, with the arithmetic."""
    chosen = _projects_per_term(q.terms, rows)
    if len(chosen) < 2:
        chosen = match_projects(q.terms, rows)  # 政务工作运行经费一共多少: the Z… and J… rows of that name
    excluded: list[dict] = []
    if _EXCEPT_RE.search(q.question) and chosen:
        excluded = chosen
        chosen = [r for r in view.project_rows(doc["doc"]) if r not in excluded]  # 除了…，剩下的加起来
    if len(chosen) < 2 or len({f["unit"] for f in chosen}) != 1:
        return None
    total = sum((f["value"] for f in chosen), Decimal(0))
    draft = Draft("", facts_used=chosen, citations=[view.cite_fact(f) for f in chosen])
    draft.derived.append(Evidence(total, chosen[0]["unit"], doc["doc"], chosen[0]["line"], "arithmetic"))
    terms = " + ".join(fmt_amount(f["value"], f["unit"]) for f in chosen)
    who = f"{doc['department']}{doc['year']}年"
    if excluded:
        draft.derived.append(Evidence(Decimal(len(chosen)), "个", doc["doc"], chosen[0]["line"], "arithmetic"))
        names = "、".join(_quoted(f["row"]) for f in excluded)
        draft.text = (f"{who}除{names}以外，其余{len(chosen)}个项目合计{fmt_amount(total, chosen[0]['unit'])}"
                      f"（{terms}，见{chosen[0]['tbl']}）。")  # fmt: skip
    else:
        names = "、".join(_quoted(f["row"]) for f in chosen)
        draft.text = f"{who}{names}合计 {terms} = {fmt_amount(total, chosen[0]['unit'])}（见{chosen[0]['tbl']}）。"
    draft.figure = fmt_amount(total, chosen[0]["unit"])
    return draft


def _project_answer(q: QueryView, doc: dict, view: IndexView, terms: list[str] | None = None) -> Draft | None:
    """Project amounts from 表12/表13 for the question's words (or `terms`), checking a figure the question brings."""
    terms = q.terms if terms is None else terms
    rows = view.project_rows(doc["doc"]) + view.project_rows(doc["doc"], carried=True)
    if _PROJECT_SUM_RE.search(q.question):
        summed = _project_sum(q, doc, rows, view)
        if summed:
            return summed
    matches = match_projects(terms, rows)
    if not matches:
        return None
    draft = Draft("")
    sentences = []
    for fact in matches[:3]:
        draft.facts_used.append(fact)
        draft.citations.append(view.cite_fact(fact))
        sentences.append(f"{_quoted(fact['row'])}预算{fmt_amount(fact['value'], fact['unit'])}（见{fact['tbl']}）。")
    verdict = _premise_verdict(q.premise, matches[0]) if q.premise is not None else ""
    if verdict.startswith("不对"):
        said, citation = _premise_is_sheet_amount(q, doc, view, matches[0])
        verdict += said
        draft.citations += [citation] if citation else []
    draft.text = verdict + f"{doc['department']}{doc['year']}年" + "".join(sentences)
    draft.figure = fmt_amount(matches[0]["value"], matches[0]["unit"])
    return draft


_ASKED_UNIT_RE = re.compile(
    r"(?:多少|几|多大|多长)(万?(?:件|份|套|人次|个|次|台|户|家|场|期|篇|条|本|册|平方米|平米|天|小时|分钟|所|部|项|批|层|块|辆|名))"
)


def _words(terms: list[str]) -> list[str]:
    """The jieba words (two characters or more) of the question's free terms."""
    return list(dict.fromkeys(w for term in terms for w in words_of(term)))


def target_projects(terms: list[str], rows: list[dict]) -> list[dict]:
    """The performance sheets a question names: nearly whole (coverage ≥ 0.9), else by two or more of its words
    (大厅备电系统配电室 → 市政大厅建设备电系统经费)."""
    if not terms:
        return []
    close = [r for r in match_projects(terms, rows) if max(coverage(t, r["row"]) for t in terms) >= 0.9]
    if close:
        return close
    words = _words(terms)
    counted = [(sum(w in r["row"] for w in words), r) for r in rows]
    best = max((n for n, _ in counted), default=0)
    return [r for n, r in counted if n == best] if best >= 2 else []


def _asked_units(question: str) -> list[str]:
    """The counting units a question asks in (印多少份 → 份; 多少平米 → 平米, 平方米)."""
    units = [m.group(1) for m in _ASKED_UNIT_RE.finditer(question)]
    if re.search(r"几个?人|多少人(?!次)|多少名", question):
        units += ["人", "名"]
    if re.search(r"多大|面积|多少平", question):
        units.append("平米")
    if any(u in {"平米", "平方米"} for u in units):
        units += ["平米", "平方米", "㎡"]
    return units


_ALL_TARGETS_RE = re.compile(r"绩效目标(?:是|有)(?:什么|啥|哪些)|(?:有哪些|什么)(?:绩效)?(?:目标|指标)|目标是(?:什么|啥)|指标(?:是|有)(?:什么|啥|哪些)")


def _sheet_prose_count(sheet: dict, units: list[str], q: QueryView, doc: dict, view: IndexView) -> Draft | None:
    """A count the sheet states only in its prose (…224块UPS电池已超出使用期限…): the sentence with a number in the
    unit asked that shares most words with the question."""
    from rag.answer.compose_text import sheet_fields

    words = [w for w in _words(q.terms) if len(w) >= 2]
    pattern = re.compile(r"\d+(?:\.\d+)?\s*(?:" + "|".join(map(re.escape, units)) + ")")
    best: tuple[int, str, int] | None = None
    for text, line in sheet_fields(view, doc["doc"], sheet).values():
        for sentence in re.split(r"(?<=[。；;，,])", text):
            if pattern.search(sentence):
                shared = sum(w in sentence for w in words)
                if shared and (best is None or shared > best[0]):
                    best = (shared, sentence.strip("，,；; "), line)
    if best is None:
        return None
    _, sentence, line = best
    part = f"项目支出绩效目标表（{sheet['project']}）"
    draft = Draft(f"据“{sheet['project']}”的绩效目标表：{sentence}。", citations=[view.cite_lines(doc["doc"], part, line, line)])
    draft.figure = pattern.search(sentence).group(0)
    return draft


def _with_amount(q: QueryView, doc: dict, view: IndexView, draft: Draft) -> Draft:
    """'…花多少钱？改造几层？': a target answer led by the project's amount when the question asks for both."""
    if draft.refused or not _MONEY_ASK_RE.search(q.question) or _COST_RE.search(q.question):
        return draft
    rows = view.project_rows(doc["doc"])
    named = projects_written(q.question, rows) or match_projects(q.terms, rows)
    if not named:
        return draft
    fact = named[0]
    draft.text = (f"{doc['department']}{doc['year']}年{_quoted(fact['row'])}预算{fmt_amount(fact['value'], fact['unit'])}"
                  f"（见{fact['tbl']}）。" + draft.text)  # fmt: skip
    draft.citations.insert(0, view.cite_fact(fact))
    draft.facts_used.insert(0, fact)
    return draft


def _targets_summary(sheet: dict, indicators: list[dict], doc: dict, view: IndexView) -> Draft:
    """A project's performance sheet in brief: its yearly goal and its first indicators with their targets."""
    from rag.answer.compose_text import relevant_sentences, sheet_fields

    fields = sheet_fields(view, doc["doc"], sheet)
    goal_label = next((f for f in ("年度目标", "年度绩效目标", "总体目标") if f in fields), None)
    part = f"项目支出绩效目标表（{sheet['project']}）"
    citations = [view.cite_lines(doc["doc"], part, sheet["line_start"], sheet["line_end"])]
    text = f"“{sheet['project']}”的绩效目标"
    if goal_label:
        text += f"（{goal_label}）：{relevant_sentences(fields[goal_label][0], '', 150)}。"
    listed: list[dict] = []
    for indicator in indicators:
        if indicator["target"] and not any(
            other["target"] == indicator["target"] and similarity(other["name"], indicator["name"]) >= 0.8
            for other in listed
        ):
            listed.append(indicator)
    listed = listed[:6]
    if listed:
        text += "主要指标：" + "；".join(f"{i['name']} {i['target']}" for i in listed) + "（都是目标值，不是实际完成数）。"
    return Draft(text, citations=citations)


_COST_RE = re.compile(r"成本|单价|每人|人均|每个|一个人|每名|每次|每月|每天|标准是|控制在")
_MONEY_ASK_RE = re.compile(r"(?:经费|资金|钱|预算)(?:是)?多少|多少钱|几块钱|花多少|花了多少|多少经费|多少资金|预算多少|预算是多少|费用多少|多少万")
_INDICATOR_FILLER = re.compile(r"目标值?|指标值?|计划|预计|预期|大概|能够|可以|能|达到|实现|要求|考核")


def _indicator_answer(q: QueryView, doc: dict, view: IndexView) -> Draft | None:
    """A project's performance target (指标值), from its 项目支出绩效目标表: the indicator whose name the
    question's other words name (免费刻章 → 提供免费刻章数量), or a target word (面积, 满意度) when it asks for one."""
    if (_MONEY_ASK_RE.search(q.question) and not q.wants_target and not _asked_units(q.question)
            and not _COST_RE.search(q.question)):  # fmt: skip
        return None  # 接送车一年多少钱: the project's amount, not one of its targets
    rows = [{"row": t["project"], **t} for t in view.targets(doc["doc"])]
    projects = projects_written(q.question, rows) or target_projects(q.terms, rows)
    budget_rows = view.project_rows(doc["doc"])
    named_rows = projects_written(q.question, budget_rows) or [
        r for r in match_projects(q.terms, budget_rows) if max(coverage(t, r["row"]) for t in q.terms) >= 0.9
    ]
    if named_rows and not any(_same_project(r["row"], p["project"]) for r in named_rows for p in projects):
        if not (q.wants_target or "绩效" in q.question):
            return None  # the project the question names has no performance sheet of its own
        fact = named_rows[0]
        draft = Draft(f"{doc['department']}{doc['year']}年{_quoted(fact['row'])}预算{fmt_amount(fact['value'], fact['unit'])}"
                      f"（见{fact['tbl']}），但文件没有公开这个项目的绩效目标表，所以没有它的绩效目标或指标值。",
                      citations=[view.cite_fact(fact)], facts_used=[fact], refused=True)  # fmt: skip
        return draft
    if not projects and (q.metrics or not q.wants_target):
        return None  # 办公用房多大面积: the figure itself, not some project's target
    names = {p["project"] for p in projects}
    indicators = [i for i in view.indicators(doc["doc"]) if not names or i["project"] in names]
    if not indicators:
        return None
    pieces = [piece for term in q.terms for piece in _INDICATOR_FILLER.split(term) if len(piece) >= 2]
    pieces += [w for w in _words(q.terms) if not _INDICATOR_FILLER.fullmatch(w)]
    pieces = [p for p in pieces if not any(coverage(p, name) >= 1.0 for name in names)]
    words = pieces + (q.target_words if q.wants_target else [])
    units = _asked_units(q.question) if projects else []
    if len(projects) == 1 and _ALL_TARGETS_RE.search(q.question) and not units:
        return _targets_summary(projects[0], indicators, doc, view)
    if not words and not units:
        return None

    def score(indicator: dict) -> float:
        named = max((coverage(w, indicator["name"]) for w in words), default=0.0)
        named += 0.01 * sum(coverage(w, indicator["name"]) >= 1.0 for w in words)  # more words named: a better fit
        if any(u in (indicator["target"] or "") or u in (indicator["name"] or "") for u in units):
            return max(named, 0.5) + 0.6  # 一年办多少件 → the indicator counted in 件
        return named

    with_unit = [i for i in indicators if any(u in (i["target"] or "") or u in (i["name"] or "") for u in units)]
    if units and not with_unit and len(projects) == 1:
        prose = _sheet_prose_count(projects[0], units, q, doc, view)  # 224块UPS电池: a count only in the text
        if prose:
            return prose
    best = max(indicators, key=score)
    if score(best) < 0.75:
        return None
    part = f"项目支出绩效目标表（{best['project']}）"
    citation = view.cite_lines(doc["doc"], part, best["line"], best["line"])
    draft = Draft(f"“{best['project']}”项目的绩效目标中，“{best['name']}”的指标值为{best['target']}（这是目标值，不是实际完成数）。",
                  citations=[citation])  # fmt: skip
    draft.figure = best["target"]
    return draft
