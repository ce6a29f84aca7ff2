"""Benchmark of the Streamlit app in a real browser (a benchmark that prints figures, not a test).

    python -m eval.bench_app [--home DIR] [--rounds N]

- cold start: `streamlit run app.py` on an existing index → health → page open → first answer on screen;
- answer time in the browser: Enter pressed → the answer drawn, for a set of questions (and, for comparison,
  the same questions through `Answerer.ask` in this process).
Goals: cold start < 10 s, an answer < 1 s. The helpers here (AppServer, launch_chromium, ChatPage) are shared
with tests/test_browser.py.
"""

from __future__ import annotations

import argparse
import atexit
import functools
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]  # fmt: skip
QUESTIONS = [
    "综改区政务服务中心2024年总预算是多少钱？",
    "那基本支出呢？",
    "大同政务中心2025年招待费预算多少？",
    "吕梁审批局有几辆公车？",
    "省政务中心2025年的钱主要花在哪？",
    "什么是三公经费？",
    "太原市行政审批服务管理局2024年的预算多少",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppServer:
    """`streamlit run app.py` as a child process on a free port, stopped by its PID."""

    def __init__(self, home: Path, log: Path | None = None) -> None:
        self.home = home
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log or Path(tempfile.mkstemp(prefix="streamlit-", suffix=".log")[1])
        self.proc: subprocess.Popen | None = None

    def start(self) -> AppServer:
        env = {**os.environ, "BUDGETQA_HOME": str(self.home), "HF_HUB_OFFLINE": "1"}
        command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                   "--server.address", "127.0.0.1", "--server.port", str(self.port),
                   "--browser.gatherUsageStats", "false"]  # fmt: skip
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True)  # fmt: skip
        return self

    def wait_healthy(self, deadline_s: float = 60.0) -> None:
        """Poll /_stcore/health until it answers `ok`; fail with the server's log if it dies or never does."""
        end = time.monotonic() + deadline_s
        while time.monotonic() < end:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(
                    f"streamlit exited with {self.proc.returncode}:\n{self.log.read_text()[-3000:]}"
                )
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.read().decode().strip() == "ok":
                        return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"streamlit not healthy after {deadline_s:g} s:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)  # its own session: the server and nothing else
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def __enter__(self) -> AppServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def launch_chromium(playwright):
    """Debian's chromium (never `playwright install`)."""
    if not CHROMIUM.exists():
        raise FileNotFoundError(
            f"{CHROMIUM} is missing: apt-get install -y chromium chromium-driver fonts-noto-cjk"
        )
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


class ChatPage:
    """The chat as a visitor uses it: type, press Enter, read the answer."""

    def __init__(self, page) -> None:
        self.page = page

    def open(self, url: str, timeout_ms: float = 60_000) -> None:
        self.page.goto(url)
        self.input.wait_for(state="visible", timeout=timeout_ms)

    @property
    def input(self):
        return self.page.get_by_test_id("stChatInputTextArea")

    @property
    def answers(self):
        return self.page.get_by_test_id("stChatMessage").filter(
            has=self.page.get_by_test_id("stChatMessageAvatarAssistant")
        )

    def ask(self, question: str, timeout_ms: float = 60_000) -> tuple[str, float]:
        """Ask; return the answer's visible text and the seconds from Enter to the answer drawn."""
        count = self.answers.count()
        self.input.fill(question)
        started = time.perf_counter()
        self.input.press("Enter")
        answer = self.answers.nth(count)
        answer.get_by_test_id("stMarkdownContainer").first.wait_for(state="visible", timeout=timeout_ms)
        seconds = time.perf_counter() - started
        self.page.get_by_test_id("stChatInputTextArea").wait_for(state="visible", timeout=timeout_ms)
        return answer.inner_text(), seconds


def build_index(home: Path) -> None:
    """Ingest data/ into `home` the way the app does on its first start; every file must go in."""
    from rag.settings import Settings
    from rag.view import app_data as ad

    settings = Settings(home=home, data_dir=ROOT / "data")
    reports = ad.ingest_files(ad.open_indexer(settings), ad.bundled_files(settings))
    failed = [r.message for r in reports if r.status not in {"added", "replaced", "unchanged"}]
    if failed or not reports:
        raise RuntimeError(f"building the index from data/ failed: {failed or 'no files'}")


@functools.cache
def _built_once() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="budgetqa-index-"))
    atexit.register(shutil.rmtree, folder, True)
    build_index(folder / "index")
    return folder / "index"


def prepared_index(home: Path) -> Path:
    """A copy of an index built from data/ once per process (embedding costs minutes on a busy CPU)."""
    shutil.copytree(_built_once(), home)
    return home


def measure(home: Path, rounds: int) -> dict:
    from playwright.sync_api import sync_playwright

    figures: dict = {"cold": [], "answers": {q: [] for q in QUESTIONS}}
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            for _ in range(rounds):
                started = time.perf_counter()
                with AppServer(home) as server:
                    server.wait_healthy()
                    healthy = time.perf_counter() - started
                    page = browser.new_page(viewport={"width": 1280, "height": 900})
                    chat = ChatPage(page)
                    chat.open(server.url)
                    opened = time.perf_counter() - started
                    _, first = chat.ask(QUESTIONS[0])
                    figures["cold"].append({"health": healthy, "page": opened, "first_answer": time.perf_counter()
                                            - started, "answer": first})  # fmt: skip
                    for question in QUESTIONS[1:]:
                        figures["answers"][question].append(chat.ask(question)[1])
                    figures["answers"][QUESTIONS[0]].append(chat.ask(QUESTIONS[0])[1])  # again, warm
                    page.close()
        finally:
            browser.close()
    return figures


def in_process(home: Path) -> dict[str, float]:
    from rag.answer.answerer import Answerer
    from rag.settings import Settings

    answerer = Answerer(Settings(home=home))
    answerer.ask(QUESTIONS[0])
    history: list[str] = []
    result = {}
    for question in QUESTIONS:
        answer = answerer.ask(question, history=history[-1:] if question.startswith("那") else [])
        result[question] = answer.latency_ms / 1000
        history.append(question)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.bench_app", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--home", type=Path, help="an existing index (default: a temp index built from data/)"
    )
    parser.add_argument("--rounds", type=int, default=3, help="cold starts to measure")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        home = args.home or Path(tmp) / "index"
        if args.home is None:
            started = time.perf_counter()
            build_index(home)
            print(
                f"index built from data/ in {time.perf_counter() - started:.1f} s (not part of the figures)"
            )
        figures = measure(home, args.rounds)
        local = in_process(home)
    print(f"\nCold start, existing index ({args.rounds} runs; median, max) — goal: first answer < 10 s")
    for key, label in (("health", "server healthy"), ("page", "chat page shown"),
                       ("first_answer", "first answer on screen")):  # fmt: skip
        values = [c[key] for c in figures["cold"]]
        print(f"  {label:24} {statistics.median(values):6.2f} s  {max(values):6.2f} s")
    print("\nAnswer time in the browser (Enter → answer drawn; median, max) vs Answerer.ask in process"
          " — goal: < 1 s")  # fmt: skip
    all_times = []
    for question, values in figures["answers"].items():
        all_times += values
        print(
            f"  {statistics.median(values):6.3f} s {max(values):6.3f} s   ask {local[question]:6.3f} s   {question}"
        )
    cold = statistics.median(c["first_answer"] for c in figures["cold"])
    print(f"\nsummary: cold start → first answer {cold:.2f} s ({'meets' if cold < 10 else 'MISSES'} < 10 s); "
          f"browser answer median {statistics.median(all_times):.3f} s, max {max(all_times):.3f} s "
          f"({'meets' if max(all_times) < 1 else 'MISSES'} < 1 s)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
