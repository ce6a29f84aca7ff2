"""Shared fixtures: a temp index home, the bundled seeds, the shared data folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SHARED = ROOT.parent / "shared"
SEEDS = sorted(DATA.glob("*.txt"))


def seed(prefix: str) -> Path:
    """The bundled seed whose name starts with `prefix` ('000')."""
    return next(p for p in SEEDS if p.name.startswith(prefix))


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty index directory, also set as BUDGETQA_HOME."""
    index = tmp_path / "index"
    monkeypatch.setenv("BUDGETQA_HOME", str(index))
    return index


@pytest.fixture(scope="session")
def parsed_seeds():
    """Every seed parsed once: {prefix: Document}."""
    from rag.ingest.parse.document import parse_document
    from rag.ingest.readers import read_source

    return {p.name[:3]: parse_document(read_source(p)) for p in SEEDS}


@pytest.fixture(scope="session")
def seed_facts(parsed_seeds):
    """Facts of every seed: {prefix: list[Fact]}."""
    from rag.ingest.extract import extract_facts

    return {key: extract_facts(doc) for key, doc in parsed_seeds.items()}
