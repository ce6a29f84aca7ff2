"""Streamlit UI for budgetqa: draws only; everything else is the rag package's Python API.

streamlit run app.py
"""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from rag.answer.answerer import Answerer
from rag.settings import Settings
from rag.types import Answer
from rag.view import app_data as ad

if TYPE_CHECKING:
    from rag.ingest.build import Indexer

HIGHLIGHT = "background-color: #fff1a8; font-weight: 600"
PAGES = {
    "chat": ":material/forum: 问答",
    "overview": ":material/bar_chart: 部门概览",
    "documents": ":material/folder_open: 文件",
}

st.set_page_config(page_title="预算问答", page_icon="📊", layout="wide")


@st.cache_resource(show_spinner="正在打开索引…")
def get_answerer(settings_json: str) -> Answerer:
    return Answerer(Settings.model_validate_json(settings_json))


@st.cache_resource(show_spinner="正在准备导入…")
def get_indexer(settings_json: str) -> Indexer:
    return ad.open_indexer(Settings.model_validate_json(settings_json))


@st.cache_resource(show_spinner=False)
def warm_up(settings_json: str) -> str:
    """Once per process, after the first page is drawn: load what answering needs (word lists, the embedder,
    the vector and BM25 indexes) so the visitor's first question does not pay for it."""
    answerer = get_answerer(settings_json)
    try:
        for question in ad.example_questions(answerer.catalog())[:1]:
            answerer.ask(question)
        answerer.retriever.retrieve("预算", k=1)
    except Exception as error:  # the visitor's own question will show any real failure
        return f"warm-up failed: {error}"
    return "warm"


def ingest_with_progress(run, label: str) -> list:
    """Run an ingest callable with a progress bar; the answerer is reopened afterwards to see the new documents."""
    bar = st.progress(0.0, text=label)
    reports = run(lambda n, total, report: bar.progress(n / total, text=ad.progress_text(n, total, report)))
    bar.empty()
    get_answerer.clear()
    return reports


def ensure_index(key: str, settings: Settings) -> Answerer:
    """First start: ingest the bundled documents (with a progress bar); later starts open the index at once."""
    answerer = get_answerer(key)
    if answerer.catalog():
        return answerer
    files = ad.bundled_files(settings)
    if not files:
        st.warning("索引是空的，也没有找到内置的预算文件。请在“文件”页上传预算公开文件（TXT / HTML / PDF）。")
        return answerer
    st.info(f"第一次启动：正在读取 {len(files)} 份内置的预算公开文件，只需做一次。")
    reports = ingest_with_progress(lambda p: ad.ingest_files(get_indexer(key), files, p), "正在建立索引…")
    for row in ad.report_rows(reports):
        if not row["ok"]:
            st.error(ad.md_escape(f"{row['file']}：{row['message']}"))
    return get_answerer(key)


# --- chat -----------------------------------------------------------------------------------------------------------
def lazy_expander(label: str, key: str, icon: str):
    """An expander whose content is computed only while it is open (keeps long conversations fast)."""
    expander = st.expander(label, key=key, on_change="rerun", icon=icon)
    return expander if expander.open else None


def draw_answer(answer: Answer, sources: list[ad.SourceView], index: int) -> None:
    if answer.refused:
        st.info(ad.md_escape(answer.text), icon=":material/search_off:")
    else:
        if answer.figure:
            st.metric(ad.md_escape(ad.figure_label(answer)), answer.figure)
        st.markdown(ad.md_escape(answer.text))
        verified = ad.numbers_verified(answer)
        if verified:
            st.badge(f"答案中的 {len(answer.numbers)} 个数字已与预算表核对一致", icon=":material/verified:",
                     color="green")  # fmt: skip
        elif verified is False:
            st.badge("有数字未能与预算表核对，请以原文为准", icon=":material/warning:", color="orange")
    for number, (citation, source) in enumerate(zip(answer.citations, sources, strict=True), start=1):
        expander = lazy_expander(ad.citation_title(citation, number), f"source-{index}-{number}",
                                 ":material/description:")  # fmt: skip
        if expander is None:
            continue
        with expander:
            st.caption(source.caption)
            st.markdown(f"**{source.title}**")
            st.table(source.frame.style.apply(
                lambda row, marked=source.highlight: [HIGHLIGHT if row.name in marked else "" for _ in row], axis=1
            ).hide(axis="index"))  # fmt: skip
    expander = lazy_expander("为什么是这个答案？（查看过程）", f"trace-{index}", ":material/troubleshoot:")
    if expander is not None:
        with expander:
            draw_trace(answer)


def draw_trace(answer: Answer) -> None:
    trace = ad.trace_view(answer)
    for title, frame, empty in (("1 · 问题被理解为", trace.understood, "（无）"),
                                ("2 · 检索到的段落（分数）", trace.retrieved, "没有用到检索（直接查表）。"),
                                ("3 · 用到的数字", trace.facts, "没有。"),
                                ("4 · 每个数字的核对", trace.checks, "答案里没有数字。"),
                                ("5 · 各步骤用时（毫秒）", trace.timings, "（无）")):  # fmt: skip
        st.markdown(f"**{title}**")
        if len(frame):
            st.dataframe(frame, hide_index=True)
        else:
            st.caption(empty)
    for label, value in trace.extra.items():
        st.caption(ad.md_escape(f"{label}：{value}"))


def draw_message(message: dict, index: int) -> None:
    with st.chat_message(message["role"]):
        if message["role"] == "user":
            st.markdown(ad.md_escape(message["text"]))
        elif "error" in message:
            st.error(
                "抱歉，这个问题没能回答（程序出错）。请换个问法再试；如果一直出错，请把下面的详情告诉管理员。"
            )
            with st.expander("错误详情"):
                st.code(message["error"], language=None)
        else:
            draw_answer(message["answer"], message["sources"], index)


def ask(answerer: Answerer, question: str, history: list[str]) -> dict:
    try:
        answer = answerer.ask(question, history=history)
        sources = [ad.citation_source(answerer.view, c) for c in answer.citations]
    except Exception:  # the edge: show the failure, keep the conversation
        return {"role": "assistant", "error": traceback.format_exc()}
    return {"role": "assistant", "answer": answer, "sources": sources}


def page_chat(answerer: Answerer) -> None:
    catalog = answerer.catalog()
    messages: list[dict] = st.session_state.setdefault("messages", [])
    intro = st.empty()
    clicked = None
    if not messages:
        with intro.container():
            st.markdown("#### 问一问政府部门的预算")
            st.markdown("总预算、工资、招待费、公车、三公经费、钱花在哪……用平常的话问就行。"
                        "答案里的每个数字都和预算表核对过，并注明出自哪张表、哪一行。可以接着追问，比如“那基本支出呢？”。")  # fmt: skip
            st.caption("试试这些问题：")
            for i, example in enumerate(ad.example_questions(catalog)):
                if st.button(example, key=f"example-{i}", icon=":material/chat_bubble:"):
                    clicked = example
    for index, message in enumerate(messages):
        draw_message(message, index)
    typed = st.chat_input("输入你的问题，例如：大同政务中心招待费多少？", max_chars=500)
    question = (typed or clicked or "").strip()
    if not question:
        return
    intro.empty()
    history = [m["text"] for m in messages if m["role"] == "user"]
    messages.append({"role": "user", "text": question})
    draw_message(messages[-1], len(messages) - 1)
    with st.spinner("正在查找…"):
        messages.append(ask(answerer, question, history))
    draw_message(messages[-1], len(messages) - 1)


# --- department overview ------------------------------------------------------------------------------------------
def bar(frame, x: str, y: str, **kwargs):
    import plotly.express as px  # only the overview draws charts; the chat starts faster without it

    figure = px.bar(frame, x=x, y=y, text_auto=",.2f", **kwargs)
    figure.update_layout(margin={"l": 0, "r": 0, "t": 30, "b": 0}, height=max(220, 38 * len(frame) + 80))
    figure.update_yaxes(title=None)
    return figure


def page_overview(answerer: Answerer) -> None:
    view = answerer.view
    departments = ad.departments(view)
    if not departments:
        st.info("还没有收录任何文件。请到“文件”页上传。")
        return
    left, right = st.columns([3, 2])
    department = left.selectbox("部门", departments, key="overview-department")
    labels = ad.document_labels(view.docs_of(department))
    doc = right.selectbox("年度", list(labels), format_func=labels.get, key="overview-doc")
    overview = ad.department_overview(view, doc)
    st.subheader(
        ad.md_escape(f"{department} · {overview.doc['year']}年{overview.doc['scope']}{overview.doc['kind']}")
    )

    columns = st.columns(3)
    for i, figure in enumerate(overview.figures):
        with columns[i % 3]:
            st.metric(ad.md_escape(figure.label), figure.text, border=True)
            st.caption(ad.md_escape(figure.source + (f"；{figure.other}" if figure.other else "")))
    if overview.missing:
        st.caption(
            ad.md_escape("这份文件没有给出数字的项（表中空白或未列出）：" + "、".join(overview.missing))
        )

    left, middle, right = st.columns(3)
    with left:
        st.markdown("**按用途（功能分类）的支出** · 表3")
        frame = overview.by_function
        if len(frame) == 1:
            st.write(ad.md_escape(f"全部支出 {ad.wan_text(frame['万元'][0])}都属于 {frame['科目'][0]}。"))
        elif len(frame):
            st.plotly_chart(bar(frame.iloc[::-1], "万元", "科目", orientation="h"), key="chart-function")
    with middle:
        st.markdown("**基本支出与项目支出**")
        frame = overview.basic_vs_project
        if len(frame):
            import plotly.express as px

            pie = px.pie(frame, names="类别", values="万元", hole=0.5)
            pie.update_traces(texttemplate="%{label}<br>%{value:,.2f}万元<br>%{percent}")
            pie.update_layout(margin={"l": 0, "r": 0, "t": 30, "b": 0}, height=300, showlegend=False)
            st.plotly_chart(pie, key="chart-basic")
    with right:
        st.markdown("**“三公”经费各项**")
        frame = overview.sangong
        if len(frame) > 1:
            st.plotly_chart(bar(frame.iloc[::-1], "万元", "项目", orientation="h"), key="chart-sangong")
        elif len(frame) == 1:
            st.write(ad.md_escape(f"只有一项：{frame['项目'][0]} {ad.wan_text(frame['万元'][0])}。"))
        else:
            st.caption("文件中没有“三公”经费分项。")

    st.markdown("**金额最大的项目** · 表12")
    frame = overview.top_projects
    if len(frame):
        st.plotly_chart(bar(frame.iloc[::-1], "万元", "项目", orientation="h"), key="chart-projects")
    else:
        st.caption("没有项目支出明细。")

    st.markdown("**各部门收入总计比较（万元）**")
    comparison = ad.comparison_frame(view)
    if len(comparison) > 1:
        st.plotly_chart(bar(comparison, "万元", "部门", color="年度", orientation="h", barmode="group",
                            hover_data=["类型"]), key="chart-compare")  # fmt: skip
    else:
        st.caption("只收录了一份文件，暂无可比较的部门。")

    st.markdown("**文件自查**（同一份文件里前后数字是否一致）")
    if not overview.findings:
        st.success("自查没有发现这份文件内部的数字矛盾。")
    for finding in overview.findings:
        with st.expander(ad.md_escape(f"{finding.severity}：{finding.message}"), icon=":material/warning:"):
            st.caption(ad.md_escape(f"类型 {finding.kind} · 涉及数字 {'、'.join(finding.values)} · 行 "
                                    + "、".join(map(str, finding.lines))))  # fmt: skip
            st.table(finding.quotes.style.hide(axis="index"))


# --- documents ----------------------------------------------------------------------------------------------------
def page_documents(answerer: Answerer, key: str, settings: Settings) -> None:
    st.markdown("**已收录的文件**")
    st.table(ad.escape_frame(ad.documents_frame(answerer.view)), hide_index=True)
    st.markdown("**上传新的预算公开文件**")
    with st.form("upload", clear_on_submit=True):
        files = st.file_uploader(
            f"TXT、HTML 或 PDF，每个文件不超过 {settings.max_file_mb:g} MB（扫描版 PDF 无法读取）",
            type=list(ad.UPLOAD_TYPES), accept_multiple_files=True, max_upload_size=int(settings.max_file_mb),
        )  # fmt: skip
        submitted = st.form_submit_button("导入", icon=":material/upload:", key="upload-submit")
    if submitted and files:
        payload = [(f.name, f.getvalue()) for f in files]
        reports = ingest_with_progress(
            lambda p: ad.import_uploads(get_indexer(key), settings, payload, p), "正在导入…"
        )  # fmt: skip
        st.session_state["upload_reports"] = ad.report_rows(reports)
        st.rerun()
    for row in st.session_state.get("upload_reports", []):
        text = ad.md_escape(
            f"{row['file']}：{row['status']}" + (f" — {row['message']}" if row["message"] else "")
        )
        (st.success if row["ok"] else st.error)(text)


# --- main ---------------------------------------------------------------------------------------------------------
def main() -> None:
    settings = ad.resolve_data_dir(Settings(), Path(__file__).resolve().parent)
    key = settings.model_dump_json()
    answerer = ensure_index(key, settings)
    with st.sidebar:
        st.markdown("### 预算问答")
        st.caption("回答只依据已收录的政府部门预算公开文件；数字逐一与文件中的表格核对。")
        if st.button("开始新对话", icon=":material/refresh:"):
            for key in [k for k in st.session_state if str(k).startswith(("source-", "trace-"))]:
                del st.session_state[key]  # the new conversation's answers start closed
            st.session_state["messages"] = []
        st.markdown("**已收录的文件**")
        st.markdown("\n".join(f"- {ad.md_escape(ad.short_department(d['department']))} {d['year']}年"
                               for d in answerer.catalog()))  # fmt: skip
    page = st.segmented_control("页面", list(PAGES), format_func=PAGES.get, default="chat", required=True,
                                key="page", label_visibility="collapsed")  # fmt: skip
    if page == "overview":
        page_overview(answerer)
    elif page == "documents":
        page_documents(answerer, key, settings)
    else:
        page_chat(answerer)
    warm_up(key)


main()
