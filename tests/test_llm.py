"""The optional LLM writer, against a real OpenAI-compatible HTTP server started here on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from rag.answer.answerer import Answerer
from rag.answer.draft import Draft
from rag.ingest.build import Indexer
from rag.settings import Settings

SEED = Path(__file__).resolve().parent.parent / "data" / "000_6dee0b581eefac2d.txt"


def _server(reply: str) -> tuple[HTTPServer, list[dict]]:
    requests: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            requests.append(body)
            payload = json.dumps({
                "id": "x", "object": "chat.completion", "created": 0, "model": body.get("model", "m"),
                "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": reply}}],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            }).encode()  # fmt: skip
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args) -> None:
            return

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, requests


@pytest.fixture
def answerer_with(tmp_path):
    servers = []

    def make(reply: str) -> tuple[Answerer, list[dict]]:
        server, requests = _server(reply)
        servers.append(server)
        settings = Settings(home=tmp_path / "index", llm_api_base=f"http://127.0.0.1:{server.server_port}/v1",
                            llm_model="test-model")  # fmt: skip
        Indexer(settings).ingest([SEED])
        return Answerer(settings), requests

    yield make
    for server in servers:
        server.shutdown()


def _total_draft(answerer: Answerer) -> Draft:
    fact = answerer.view.named("000_6dee0b581eefac2d.txt", "收入总计")[0]
    return Draft("该中心2024年收入总计为6,926.05万元。", citations=[answerer.view.cite_fact(fact)], facts_used=[fact])


def test_llm_answer_with_planted_wrong_number_falls_back(answerer_with):
    answerer, requests = answerer_with("总预算是6,962.05万元。")  # planted: digits swapped
    text, checks, writer = answerer._finalize("总预算多少", _total_draft(answerer))
    assert requests, "the endpoint was called"
    assert writer == "builtin"
    assert "6,962.05" not in text and "6,926.05万元" in text
    assert all(c.verified for c in checks)


def test_llm_answer_with_verified_numbers_is_used(answerer_with):
    answerer, _ = answerer_with("2024年预算收入总计是6926.05万元，约合69,260,500元。")
    text, checks, writer = answerer._finalize("总预算多少", _total_draft(answerer))
    assert writer == "llm" and "6926.05万元" in text
    assert [c.verified for c in checks] == [True, True]


def test_unreachable_endpoint_uses_builtin_writer(tmp_path):
    settings = Settings(home=tmp_path / "index", llm_api_base="http://127.0.0.1:9/v1", llm_timeout_s=2)
    Indexer(settings).ingest([SEED])
    answerer = Answerer(settings)
    text, _, writer = answerer._finalize("总预算多少", _total_draft(answerer))
    assert writer == "builtin" and "6,926.05万元" in text
