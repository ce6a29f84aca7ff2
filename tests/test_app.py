"""The Streamlit app (app.py) driven by streamlit.testing.v1.AppTest over a real index built from data/,
and the data shaping behind it (rag.view.app_data)."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # eval/ is not an installed package
from eval.bench_app import prepared_index
from rag.settings import Settings
from rag.store.facts import FactStore
from rag.store.view import IndexView
from rag.types import Citation
from rag.view import app_data as ad

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
ZONGGAI = "山西转型综合改革示范区政务服务中心（山西转型综合改革示范区公共资源交易中心）"
ZONGGAI_DOC = "000_6dee0b581eefac2d.txt"
SMALLEST = "002_7502592bc5dae5e5.txt"
TIMEOUT = 120  # a first run may load jieba and the embedder


@pytest.fixture(scope="session")
def app_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index built from the bundled data/ the way the app builds it on first start (built once, copied)."""
    return prepared_index(tmp_path_factory.mktemp("app") / "index")


@pytest.fixture
def app_env(app_index: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BUDGETQA_HOME", str(app_index))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    return app_index


@pytest.fixture
def view(app_index: Path) -> IndexView:
    return IndexView(FactStore(app_index / "facts.sqlite"))


def start(page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception, at.exception
    if page:
        at.segmented_control(key="page").set_value(page).run()
        assert not at.exception, at.exception
    return at


def message_text(message) -> str:
    """Everything a visitor reads in one chat message (figure, text, notices)."""
    parts = [m.value for m in message.markdown] + [f"{m.label} {m.value}" for m in message.metric]
    parts += [e.value for kind in ("info", "warning", "error", "success") for e in message.get(kind)]
    return "\n".join(parts)


def ask(at: AppTest, question: str) -> str:
    at.chat_input[0].set_value(question).run()
    assert not at.exception, at.exception
    last = at.chat_message[-1]
    assert last.name == "assistant"
    assert not last.get("error"), f"the app could not answer {question!r}: {[c.value for c in last.code]}"
    return message_text(last)


def open_expander(at: AppTest, prefix: str):
    """Open an expander of the last answer (its content is drawn only while open) and return it."""
    key = next(e.key for e in at.chat_message[-1].expander if e.label.startswith(prefix))
    at.session_state[key] = True
    at.run()
    assert not at.exception, at.exception
    return next(e for e in at.chat_message[-1].expander if e.label.startswith(prefix))


# --- first start ----------------------------------------------------------------------------------------------------
def test_first_start_ingests_bundled_documents_then_opens_at_once(tmp_path: Path, monkeypatch) -> None:
    home, bundled = tmp_path / "index", tmp_path / "data"
    bundled.mkdir()
    shutil.copy(ROOT / "data" / SMALLEST, bundled)  # one document keeps the embedding short
    monkeypatch.setenv("BUDGETQA_HOME", str(home))
    monkeypatch.setenv("BUDGETQA_DATA_DIR", str(bundled))
    first = AppTest.from_file(APP, default_timeout=TIMEOUT * 5).run()
    assert not first.exception, first.exception
    assert any("第一次启动" in i.value for i in first.info), "first start says it is building the index"
    assert not first.error, [e.value for e in first.error]
    assert [d["doc"] for d in FactStore(home / "facts.sqlite").documents()] == [SMALLEST], "the bundled file"
    assert first.button(key="example-0").label, "the chat with example questions opens after the build"

    again = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not again.exception, again.exception
    assert not any("第一次启动" in i.value for i in again.info), "a later start opens the existing index"


# --- chat -----------------------------------------------------------------------------------------------------------
def test_chat_lookup_followup_and_refusal(app_env: Path) -> None:
    at = start()
    first = ask(at, "综改区政务服务中心2024年总预算是多少钱？")
    assert "6,926.05" in first, first
    assert any("6,926.05" in m.value for m in at.chat_message[-1].metric), "the figure is shown as a metric"
    assert "核对一致" in first, "the verified mark"

    follow = ask(at, "那基本支出呢？")
    assert "20.20" in follow, follow
    assert [m.name for m in at.chat_message] == ["user", "assistant"] * 2, "the conversation is kept"

    refusal = ask(at, "太原市行政审批服务管理局2024年的预算多少")
    assert "没有" in refusal or "不在" in refusal, refusal
    assert at.chat_message[-1].info, "a refusal is a clear notice, not an error"


def test_citation_shows_source_with_cited_row_highlighted(app_env: Path) -> None:
    at = start()
    ask(at, "综改区政务服务中心2024年总预算是多少钱？")
    assert any(e.label.startswith("来源1") for e in at.chat_message[-1].expander), (
        "the answer cites its sources"
    )
    assert not at.chat_message[-1].table, "closed sources cost nothing"
    source = open_expander(at, "来源1")
    line = re.search(r"第(\d+)(?:–\d+)?行", source.label)
    assert line, f"the label names the line span: {source.label}"
    table = source.table[0].value
    cited = table[table["行"] == line.group(1)]
    assert len(cited) == 1 and len(table) > 1, "the whole table or paragraph, with the cited line in it"
    assert "6926.05" in re.sub(r"[\\,]", "", " ".join(cited.iloc[0])), cited
    assert "background-color" in str(source.table[0].proto), "the cited row is highlighted"
    assert any(ZONGGAI_DOC.replace("_", "\\_").replace(".", "\\.") in c.value for c in source.caption), \
        "the document is named"  # fmt: skip


def test_trace_explains_the_answer(app_env: Path) -> None:
    at = start()
    ask(at, "综改区政务服务中心2024年总预算是多少钱？")
    trace = open_expander(at, "为什么")
    understood = trace.dataframe[0].value
    assert "年度" in list(understood["项"]) and "2024" in list(understood["理解为"]), understood
    frames = [d.value for d in trace.dataframe]
    checks = next(f for f in frames if "已核对" in f.columns)
    assert "6,926.05万元" in list(checks["数字"]) and set(checks["已核对"]) == {"是"}, checks
    timings = next(f for f in frames if "毫秒" in f.columns)
    assert {"understand", "compose", "verify", "total"} <= set(timings["步骤"]), timings


def test_example_question_button_asks_it(app_env: Path) -> None:
    at = start()
    example = at.button(key="example-0")
    question = example.label
    example.click().run()
    assert not at.exception, at.exception
    assert [m.name for m in at.chat_message] == ["user", "assistant"]
    assert at.chat_message[0].markdown[0].value == ad.md_escape(question)
    assert not at.chat_message[1].get("error"), [c.value for c in at.chat_message[1].code]
    assert not [b for b in at.button if (b.key or "").startswith("example")], (
        "the examples give way to the chat"
    )


def test_example_questions_follow_the_loaded_documents() -> None:
    datong = {"department": "大同市政务服务中心", "year": 2025}
    other = {"department": "上海市普陀区商务委员会", "year": 2025}
    assert ad.example_questions([datong]) == ["大同政务中心2025年招待费预算多少？", "什么是三公经费？"]
    assert ad.example_questions([datong, other]) == ["大同政务中心2025年招待费预算多少？",
                                                     "上海市普陀区商务委员会2025年总预算是多少？", "什么是三公经费？"]  # fmt: skip


# --- overview -------------------------------------------------------------------------------------------------------
def test_overview_shows_key_figures_charts_and_comparison(app_env: Path) -> None:
    at = start("overview")
    at.selectbox(key="overview-department").set_value(ZONGGAI).run()
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["收入总计（总预算）"] == "6,926.05万元", "表1 收入总计"
    assert metrics["基本支出（保运转）"] == "20.20万元", "表3 基本支出"
    assert metrics["项目支出（办事业）"] == "6,905.85万元", "表3 项目支出"
    charts = {c.proto.id for c in at.get("plotly_chart")}
    assert len(charts) >= 3, "basic vs project, projects, 三公 items and the comparison are charts"
    assert any("201" in m.value and "一般公共服务支出" in m.value for m in at.markdown), \
        "a single function class is said in words, not drawn"  # fmt: skip


def test_overview_frames_from_the_index(view: IndexView) -> None:
    datong = next(d["doc"] for d in view.documents if d["department"] == "大同市政务服务中心")
    functions = ad.spending_by_function(view, datong)
    assert list(functions["科目"]) == ["201 一般公共服务支出", "208 社会保障和就业支出", "221 住房保障支出",
                                      "210 卫生健康支出"], "表3 3-digit codes, largest first"  # fmt: skip
    assert list(functions["万元"]) == [807.26, 24.01, 16.28, 9.16]
    projects = ad.largest_projects(view, ZONGGAI_DOC)
    assert projects["项目"][0] == "信息化服务费" and projects["万元"][0] == 3108.00, "表12 largest project"
    comparison = ad.comparison_frame(view)
    assert len(comparison) == 5 and comparison["万元"][0] == max(comparison["万元"]), (
        "收入总计 per department"
    )
    overview = ad.department_overview(view, ZONGGAI_DOC)
    names = {f.name for f in overview.figures}
    assert {
        "收入总计",
        "基本支出",
        "项目支出",
        "三公经费",
        "机关运行经费",
        "政府采购",
        "编制",
        "公务用车",
    } <= names


# --- documents and upload -------------------------------------------------------------------------------------------
def test_documents_page_lists_loaded_documents(app_env: Path) -> None:
    at = start("documents")
    table = at.table[0].value
    assert len(table) == 5 and ZONGGAI in list(table["部门"]), table
    assert set(table["年度"]) == {2023, 2024, 2025}


def test_upload_ingests_good_files_and_reports_bad_ones(app_index: Path, tmp_path: Path, monkeypatch) -> None:
    home = tmp_path / "index"
    shutil.copytree(app_index, home)
    monkeypatch.setenv("BUDGETQA_HOME", str(home))
    at = start("documents")
    new_year = (ROOT / "data" / ZONGGAI_DOC).read_text(encoding="utf-8").replace("2024", "2023").encode()
    at.file_uploader[0].set_value([
        ("综改区_2023.txt", new_year, "text/plain"),
        ("notes.txt", "这不是预算文件，只是一段话。".encode(), "text/plain"),
    ])  # fmt: skip
    at.button(key="upload-submit").click().run()
    assert not at.exception, at.exception
    errors = [e.value for e in at.error]
    assert any("notes" in e for e in errors), f"the bad file is reported: {errors}"
    assert any("综改区\\_2023" in s.value and "已导入" in s.value for s in at.success), [
        s.value for s in at.success
    ]
    table = at.table[0].value
    assert len(table) == 6, "the new document joins the five already loaded; nothing is lost"


def test_upload_refuses_files_over_the_size_limit(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "index", max_file_mb=0.001)
    report = ad.save_upload(settings, "big.txt", b"x" * 2000)
    assert not isinstance(report, Path) and report.status == "error" and "超过上限" in report.message
    assert not (tmp_path / "index" / "uploads" / "big.txt").exists()
    odd = ad.save_upload(settings, "../evil.exe", b"x")
    assert not isinstance(odd, Path) and odd.status == "error"


def test_upload_limit_is_configured_for_streamlit() -> None:
    config = (ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    assert f"maxUploadSize = {int(Settings().max_file_mb)}" in config


# --- escaping -------------------------------------------------------------------------------------------------------
def test_document_text_is_never_rendered_as_html_or_markdown() -> None:
    assert "unsafe_allow_html" not in (ROOT / "app.py").read_text(encoding="utf-8")
    escaped = ad.md_escape("<b>1. 合计</b> $x$ :red[注意] *强调*")
    assert "<b>" not in escaped and "\\<b\\>" in escaped
    assert "\\$x\\$" in escaped and "\\:red\\[" in escaped and "\\*强调\\*" in escaped
    assert ad.chart_label("<a href='x'>项目</a>") == "＜a href='x'＞项目＜/a＞"


def test_citation_source_of_a_table_row(view: IndexView) -> None:
    citation = Citation(ZONGGAI_DOC, ZONGGAI, 2024, "表1 预算收支总表", 99, 99, "收入总计\t6926.05")
    source = ad.citation_source(view, citation)
    table = next(t for t in view.tables(ZONGGAI_DOC) if t["key"] == "收支总表")
    assert source.title == ad.md_escape(table["display"])
    lines = [int(n) for n in source.frame["行"]]
    assert table["line_start"] <= lines[0] and lines[-1] <= table["line_end"] and len(lines) > 10, (
        "all of 表1"
    )
    cited = source.frame.iloc[source.highlight]
    assert list(cited["行"]) == ["99"] and list(cited.iloc[0][1:3]) == ["收入总计", "6926\\.05"], cited


def test_citation_source_of_a_paragraph(view: IndexView) -> None:
    line = next(f["line"] for f in view.named(ZONGGAI_DOC, "政府采购") if f["origin"] == "text")
    citation = Citation(ZONGGAI_DOC, ZONGGAI, 2024, "第三部分 九、政府采购情况", line, line, "")
    source = ad.citation_source(view, citation)
    cited = source.frame.iloc[source.highlight]
    assert list(cited["行"]) == [str(line)] and "3,990\\.45" in cited["内容"].iloc[0], cited
