"""Chunk vectors in chromadb through llama-index's ChromaVectorStore.

Persistent in `settings.chroma_path` by default; a chroma server (`chromadb.HttpClient`) when `settings.chroma_url`
is set — the same code either way. Vectors live under the chunk ids of SQLite's chunks table, which is the source
of truth: chroma may lag behind it after a crash (retrieval ignores ids SQLite does not know, and the next ingest
reconciles). Chroma is always given vectors: its default embedding function would download a model.

The embedder's name is stored in SQLite (meta) and in the collection's metadata. Reading with another embedder
raises IndexMismatchError; ingesting with another embedder rebuilds the collection — vectors are never mixed.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from rag.errors import BudgetQAError, IndexMismatchError
from rag.settings import Settings
from rag.store.embed import Embedder, embedder_name, load_embedder
from rag.store.facts import FactStore
from rag.store.nodes import chunk_metadata, chunk_to_node
from rag.types import Chunk

if TYPE_CHECKING:
    from llama_index.vector_stores.chroma import ChromaVectorStore

log = logging.getLogger(__name__)

META_EMBEDDER = "embedder"
META_DIM = "embedder_dim"
EMBED_KEY = "embed_key"
"""Metadata key of chroma records: a hash of the embedded text, to reuse a vector instead of embedding again."""
META_SYNCED = "vectors_synced"
"""Signature of the chunk ids chroma held after the last reconcile: equal means nothing to do."""


class VectorStoreError(BudgetQAError):
    """Chroma cannot be reached or refused a request; the message names where it was looked for."""


def chroma_client(settings: Settings):
    """A chromadb client: HttpClient for `chroma_url`, else a PersistentClient in `chroma_path`."""
    import chromadb  # heavy: loaded on first use
    from chromadb.config import Settings as ChromaSettings  # heavy: loaded on first use

    options = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(
            settings.chroma_url if "//" in settings.chroma_url else f"http://{settings.chroma_url}"
        )
        try:
            return chromadb.HttpClient(host=url.hostname or "127.0.0.1", port=url.port or 8000,
                                       ssl=url.scheme == "https", settings=options)  # fmt: skip
        except Exception as error:  # chromadb raises ValueError / httpx errors when nothing listens
            raise VectorStoreError(
                f"cannot reach the chroma server at {settings.chroma_url}: {error} "
                "(start it with `chroma run --path DIR --port N`, or unset BUDGETQA_CHROMA_URL)"
            ) from error
    settings.chroma_path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_path), settings=options)


class VectorIndex:
    """One chroma collection seen through ChromaVectorStore: ids, add, delete, query."""

    def __init__(self, settings: Settings, embedder_label: str) -> None:
        from llama_index.vector_stores.chroma import ChromaVectorStore  # heavy: loaded on first use

        self.settings = settings
        self.client = chroma_client(settings)
        self.embedder_label = embedder_label
        self.collection = self._open()
        self.store: ChromaVectorStore = ChromaVectorStore(chroma_collection=self.collection)

    def _open(self):
        name = self.settings.collection
        metadata = {"hnsw:space": "cosine", "embedder": self.embedder_label}
        try:
            return self.client.get_or_create_collection(name, metadata=metadata, embedding_function=None)
        except Exception as error:
            raise VectorStoreError(f"cannot open chroma collection {name!r}: {error}") from error

    @property
    def built_with(self) -> str | None:
        """The embedder the collection's vectors come from (None for an empty, unlabeled collection)."""
        label = (self.collection.metadata or {}).get("embedder")
        return label if label or self.count() else None

    def count(self) -> int:
        return self.collection.count()

    def reset(self) -> None:
        """Drop every vector (the collection is recreated, labeled with the current embedder)."""
        self.client.delete_collection(self.settings.collection)
        self.collection = self._open()
        self.store = type(self.store)(chroma_collection=self.collection)

    def ids(self, ids: Sequence[str] | None = None, doc: str | None = None) -> set[str]:
        """Ids present in chroma: all, those of `ids` that exist, or those of one document."""
        if ids is not None and not ids:
            return set()
        where = {"doc": doc} if doc else None
        return set(self.collection.get(ids=list(ids) if ids else None, where=where, include=[])["ids"])

    def add(self, chunks: Sequence[Chunk], vectors: Sequence[Sequence[float]]) -> None:
        """Store chunks with their vectors. Ids are content hashes: an id already present holds the same chunk."""
        if len(chunks) != len(vectors):
            raise ValueError(f"{len(chunks)} chunks but {len(vectors)} vectors")
        nodes = []
        for chunk, vector in zip(chunks, vectors, strict=True):
            node = chunk_to_node(chunk, list(vector))
            node.metadata[EMBED_KEY] = embed_key(chunk.embed_text)
            nodes.append(node)
        if nodes:
            self.store.add(nodes)

    def vectors_for(self, keys: Iterable[str]) -> dict[str, list[float]]:
        """Vectors already stored for these `embed_key`s (the same text embedded for another chunk)."""
        keys = list(keys)
        if not keys:
            return {}
        found = self.collection.get(where={EMBED_KEY: {"$in": keys}}, include=["embeddings", "metadatas"])
        return {meta[EMBED_KEY]: list(vector) for meta, vector in zip(found["metadatas"], found["embeddings"],
                                                                       strict=True)}  # fmt: skip

    def delete(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        if ids:
            self.store.delete_nodes(node_ids=ids)

    def delete_docs(self, docs: Iterable[str]) -> None:
        docs = list(docs)
        if docs:
            self.collection.delete(where={"doc": {"$in": docs}})

    def query(self, vector: Sequence[float], k: int, filters: dict | None = None) -> list[tuple[str, float]]:
        """(id, similarity) of the k nearest chunks matching every filter (key → value, or a list of values)."""
        from llama_index.core.vector_stores.types import (  # heavy: loaded on first use
            FilterOperator,
            MetadataFilter,
            MetadataFilters,
            VectorStoreQuery,
        )

        conditions = [
            MetadataFilter(key=key, value=list(value), operator=FilterOperator.IN)
            if isinstance(value, list | tuple | set) else MetadataFilter(key=key, value=value)
            for key, value in (filters or {}).items()
        ]  # fmt: skip
        query = VectorStoreQuery(query_embedding=list(vector), similarity_top_k=k,
                                 filters=MetadataFilters(filters=conditions) if conditions else None)  # fmt: skip
        result = self.store.query(query)
        return list(zip(result.ids or [], result.similarities or [], strict=False))


class VectorSync:
    """Keeps chroma in step with SQLite's chunks: embeds only what chroma lacks, deletes what SQLite dropped."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.name = embedder.name if embedder else embedder_name(settings.embedder)
        self._embedder = embedder
        self._index: VectorIndex | None = None
        self.embedded = 0
        """Texts this instance had the model embed (a re-ingest of unchanged documents leaves it at 0)."""

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = load_embedder(self.settings.embedder)
        return self._embedder

    @property
    def index(self) -> VectorIndex:
        if self._index is None:
            self._index = VectorIndex(self.settings, self.name)
        return self._index

    def sync(
        self, store: FactStore, doc: str, chunks: Sequence[Chunk], removed_docs: Sequence[str] = ()
    ) -> int:
        """After `doc`'s rows were committed: embed its new chunks, drop its stale ids and removed documents."""
        self._prepare(store)
        wanted = {chunk.id: chunk for chunk in chunks}
        present = self.index.ids(ids=list(wanted))
        added = self._embed_and_add(store, [chunk for chunk in chunks if chunk.id not in present])
        self.index.delete(self.index.ids(doc=doc) - set(wanted))
        self.index.delete_docs(removed_docs)
        return added

    def reconcile(self, store: FactStore, force: bool = False) -> int:
        """Make chroma hold exactly SQLite's chunk ids (after a crash between the stores, or a new embedder).

        Free when SQLite's chunks are those of the last reconcile: it compares a signature kept in SQLite and does
        not open chroma. `force` looks at chroma anyway (after chroma itself lost or regained data).
        """
        known = store.chunk_ids()
        signature = ids_signature(known)
        unchanged = store.get_meta(META_SYNCED) == signature and store.get_meta(META_EMBEDDER) == self.name
        if unchanged and not force:
            return 0
        self._prepare(store)
        present = self.index.ids()
        missing = known - present
        chunks = [chunk_from_row(row) for row in store.rows("chunks") if row["id"] in missing]
        added = self._embed_and_add(store, chunks)
        self.index.delete(present - known)
        store.set_meta(META_SYNCED, signature)
        return added

    def _prepare(self, store: FactStore) -> None:
        """Label a new index with this embedder; rebuild the vectors of an index built with another one."""
        stored = store.get_meta(META_EMBEDDER)
        in_chroma = self.index.built_with
        if (stored and stored != self.name) or (in_chroma and in_chroma != self.name):
            log.warning("index built with %s, now embedding with %s: rebuilding the vectors", stored or in_chroma,
                        self.name)  # fmt: skip
            self.index.reset()
            store.set_meta(META_SYNCED, "")
        if stored != self.name:
            store.set_meta(META_EMBEDDER, self.name)

    def _embed_and_add(self, store: FactStore, chunks: Sequence[Chunk]) -> int:
        """Embed what chroma lacks and store it; a text already embedded (a figure changed, the same 名词解释 in
        another document) reuses its vector. Returns the number of chunks stored."""
        if not chunks:
            return 0
        keys = [embed_key(chunk.embed_text) for chunk in chunks]
        known = self.index.vectors_for(set(keys))
        todo = {key: chunk.embed_text for key, chunk in zip(keys, chunks, strict=True) if key not in known}
        if todo:
            known.update(zip(todo, self.embedder.embed_passages(list(todo.values())), strict=True))
            self.embedded += len(todo)
        vectors = [known[key] for key in keys]
        self.index.add(chunks, vectors)
        if store.get_meta(META_DIM) != str(len(vectors[0])):
            store.set_meta(META_DIM, str(len(vectors[0])))
        return len(chunks)


def check_embedder(store: FactStore, name: str) -> None:
    """Refuse to read an index whose vectors come from another embedder."""
    stored = store.get_meta(META_EMBEDDER)
    if stored and stored != name:
        raise IndexMismatchError(
            f"the index in {store.path.parent} was built with embedder {stored!r}, but the settings ask for "
            f"{name!r}: set BUDGETQA_EMBEDDER to the first, or run `budgetqa ingest` with the new one to rebuild"
        )


def chunk_from_row(row) -> Chunk:
    """A row of SQLite's chunks table as a Chunk (columns the dataclass does not know are left out)."""
    return Chunk(**{name: row[name] for name in Chunk.__dataclass_fields__})


def embed_key(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def ids_signature(ids: Iterable[str]) -> str:
    return hashlib.sha256("\n".join(sorted(ids)).encode()).hexdigest()


__all__ = [
    "VectorIndex",
    "VectorStoreError",
    "VectorSync",
    "check_embedder",
    "chunk_from_row",
    "chunk_metadata",
    "ids_signature",
]
