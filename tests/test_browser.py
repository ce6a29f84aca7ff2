"""End to end: `streamlit run app.py` on a prepared index, driven in Debian's chromium with Playwright.

Screenshots go to tests/artifacts/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # eval/ is not an installed package
from eval.bench_app import CHROMIUM, AppServer, ChatPage, launch_chromium, prepared_index

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
TIMEOUT_MS = 60_000

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def browser_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return prepared_index(tmp_path_factory.mktemp("browser") / "index")


@pytest.fixture(scope="module")
def server(browser_index: Path, tmp_path_factory: pytest.TempPathFactory):
    app = AppServer(browser_index, log=tmp_path_factory.mktemp("log") / "streamlit.log").start()
    try:
        app.wait_healthy()
        yield app
    finally:
        app.stop()


@pytest.fixture(scope="module")
def page(server: AppServer):
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium chromium-driver fonts-noto-cjk "
                    "(never `playwright install`)")  # fmt: skip
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)  # a deadline for a busy CPU, not a speed check
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
            page.set_default_timeout(TIMEOUT_MS)
            yield page
        finally:
            browser.close()


def shot(page, name: str) -> None:
    """The whole page: Streamlit scrolls inside its main block, so grow the viewport to the content first."""
    size = page.viewport_size
    height = page.evaluate(
        "() => Math.max(window.innerHeight, ...[...document.querySelectorAll("
        "'[data-testid=stMain], [data-testid=stAppViewContainer], [data-testid=stMainBlockContainer]')]"
        ".map(e => e.scrollHeight))"
    )
    page.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 8000)})
    page.wait_for_timeout(300)  # let charts re-lay out before the picture (not an assertion)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    page.set_viewport_size(size)


def test_chat_in_a_real_browser(server: AppServer, page) -> None:
    from playwright.sync_api import expect

    chat = ChatPage(page)
    chat.open(server.url)
    expect(page.get_by_role("button", name=re.compile("什么是三公经费"))).to_be_visible()
    shot(page, "01_first_visit")

    lookup, _ = chat.ask("综改区政务服务中心2024年总预算是多少钱？")
    assert "6,926.05" in lookup, lookup
    assert "核对一致" in lookup, "the verified mark is shown"
    first = chat.answers.nth(0)
    expect(first.get_by_test_id("stMetricValue")).to_contain_text("6,926.05")
    shot(page, "02_lookup")

    source = first.get_by_test_id("stExpander").filter(has_text="来源1").first
    source.locator("summary").click()
    table = source.get_by_test_id("stTable")
    expect(table).to_be_visible()
    expect(table).to_contain_text(re.compile(r"6,?926\.05"))
    expect(source).to_contain_text("000_6dee0b581eefac2d.txt")
    source.scroll_into_view_if_needed()
    shot(page, "03_citation_open")

    trace = first.get_by_test_id("stExpander").filter(has_text="为什么").first
    trace.locator("summary").click()
    expect(trace.get_by_test_id("stDataFrame").first).to_be_visible()
    shot(page, "04_trace_open")

    follow, _ = chat.ask("那基本支出呢？")
    assert "20.20" in follow, follow
    shot(page, "05_follow_up")

    refusal, _ = chat.ask("太原市行政审批服务管理局2024年的预算多少")
    assert "没有" in refusal or "不在" in refusal, refusal
    assert "6,926.05" not in refusal and "20.20" not in refusal, "a refusal states no figure"
    shot(page, "06_refusal")


def test_overview_and_documents_in_a_real_browser(server: AppServer, page) -> None:
    from playwright.sync_api import expect

    page.goto(server.url)
    page.get_by_test_id("stButtonGroup").get_by_text("部门概览").click()
    expect(page.get_by_test_id("stMetricValue").first).to_be_visible()
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    shot(page, "07_overview")

    page.get_by_test_id("stButtonGroup").get_by_text("文件").click()
    expect(page.get_by_test_id("stFileUploader")).to_be_visible()
    expect(page.get_by_test_id("stTable").first).to_contain_text("大同市政务服务中心")
    shot(page, "08_documents")
