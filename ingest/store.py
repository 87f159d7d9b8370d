"""One facade over Chroma for both modes: an embedded persistent store or a Chroma server.

Collections: ``<prefix>_chunks`` (the searchable passages), ``<prefix>_documents`` (the
registry, one record per document) and, on a server, ``<prefix>_files`` (the originals).
Keeping all of it in Chroma means that app instances pointed at one server see and serve
the same library.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import chromadb
import httpx
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from chromadb.config import Settings as ChromaSettings

from ingest.embedders import Embedder

log = logging.getLogger(__name__)


# A killed server resets its connections at once, but a hung or unreachable one never
# answers: chromadb's HTTP client waits forever (httpx timeout=None), so we bound it.
SERVER_TIMEOUT_S = 120.0
CONNECT_TIMEOUT_S = 5.0


def _timeout(timeout_s: float) -> httpx.Timeout:
    return httpx.Timeout(timeout_s, connect=min(CONNECT_TIMEOUT_S, timeout_s))


def _bound_requests(client: ClientAPI, timeout_s: float) -> None:
    """Give the client's HTTP session a timeout; chromadb 1.x has no setting for it.

    Reaches into the client (`_server._session`); tests/ingest/test_server_outage.py checks
    it, so a chromadb upgrade that moves it fails a test instead of hanging an officer.
    """
    session = getattr(getattr(client, "_server", None), "_session", None)
    if not isinstance(session, httpx.Client):
        log.warning("cannot bound requests to the Chroma server: client internals changed")
        return
    session.timeout = _timeout(timeout_s)


class StoreUnavailableError(RuntimeError):
    """The Chroma server cannot be reached; the message says where and what to do."""


class EmbedderMismatchError(RuntimeError):
    """The store was written by another embedder: its vectors mean nothing to this one."""


# Stores written before embedders were plugins carry no name: they were all MiniLM.
LEGACY_EMBEDDER = "minilm"


class Store:
    def __init__(self, client: ClientAPI, embedder: Embedder, prefix: str = "microplomacy",
                 remote: bool = False):
        self.client = client
        self.remote = remote  # a Chroma server, shared with other app instances
        self.embedder = embedder
        self.prefix = prefix
        self._chunks: Collection | None = None
        self._documents: Collection | None = None
        self._files: Collection | None = None

    @classmethod
    def open(
        cls,
        embedder: Embedder,
        *,
        path: Path | None = None,
        host: str | None = None,
        port: int = 8000,
        ssl: bool = False,
        prefix: str = "microplomacy",
        timeout_s: float = SERVER_TIMEOUT_S,
    ) -> Store:
        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        if host:
            try:
                # The client's constructor already talks to the server, unbounded: ask first.
                scheme = "https" if ssl else "http"
                httpx.get(f"{scheme}://{host}:{port}/api/v2/heartbeat",
                          timeout=_timeout(timeout_s)).raise_for_status()
                client = chromadb.HttpClient(
                    host=host, port=port, ssl=ssl, settings=chroma_settings
                )
                _bound_requests(client, timeout_s)
            except Exception as exc:  # the client raises several types for "not there"
                raise StoreUnavailableError(
                    f"cannot reach the Chroma server at {host}:{port} ({type(exc).__name__}); "
                    "check MICROPLOMACY_CHROMA_URL and that `chroma run` is up"
                ) from exc
        else:
            if path is None:
                raise ValueError("an embedded store needs a path")
            path.mkdir(parents=True, exist_ok=True)
            client = chromadb.PersistentClient(path=str(path), settings=chroma_settings)
        return cls(client, embedder, prefix, remote=bool(host))

    def _collection(self, suffix: str) -> Collection:
        # We always pass vectors ourselves: Chroma must never embed (its default would
        # download a model), and the collection remembers which embedder wrote it.
        return self.client.get_or_create_collection(
            f"{self.prefix}_{suffix}",
            embedding_function=None,
            metadata={"embedder": self.embedder.name},
            configuration={"hnsw": {"space": "cosine"}},
        )

    def existing(self, suffix: str) -> Collection | None:
        """The collection ``<prefix>_<suffix>`` if it exists; never creates it."""
        try:
            return self.client.get_collection(f"{self.prefix}_{suffix}", embedding_function=None)
        except Exception:  # noqa: BLE001 - chromadb raises NotFoundError or ValueError
            return None

    def written_by(self) -> str | None:
        """The embedder whose vectors the store holds; None for an empty library."""
        chunks = self.existing("chunks")
        if chunks is None:
            return None
        return str((chunks.metadata or {}).get("embedder") or LEGACY_EMBEDDER)

    def check_embedder(self) -> None:
        """Refuse, in one line, to search or extend vectors another embedder wrote."""
        if self.existing("chunks__old") is not None:
            raise EmbedderMismatchError("a reindex was stopped while it swapped collections: "
                                        "run `microplomacy reindex` again to finish it")
        wrote = self.written_by()
        if wrote is not None and wrote != self.embedder.name:
            raise EmbedderMismatchError(
                f"this library was embedded with '{wrote}', not '{self.embedder.name}': run "
                f"`MICROPLOMACY_EMBEDDER={self.embedder.name} microplomacy reindex` to "
                f"re-embed it, or set MICROPLOMACY_EMBEDDER={wrote}")

    def reset(self) -> None:
        """Forget the collection handles (after a reindex swapped the collections)."""
        self._chunks = self._documents = None

    @property
    def chunks(self) -> Collection:
        if self._chunks is None:
            self._chunks = self._collection("chunks")
        return self._chunks

    @property
    def documents(self) -> Collection:
        if self._documents is None:
            self._documents = self._collection("documents")
        return self._documents

    @property
    def files(self) -> Collection:
        if self._files is None:
            # Not searched by meaning: the records carry their own placeholder vectors.
            self._files = self.client.get_or_create_collection(
                f"{self.prefix}_files", embedding_function=None)
        return self._files

    def delete_chunks(self, doc_id: str) -> int:
        return self.delete_chunks_of([doc_id])

    def delete_chunks_of(self, doc_ids: list[str]) -> int:
        if not doc_ids:
            return 0
        ids = self.chunks.get(where={"doc_id": {"$in": doc_ids}}, include=[])["ids"]
        for start in range(0, len(ids), 1000):
            self.chunks.delete(ids=ids[start : start + 1000])
        return len(ids)

    def all_chunk_metadata(self, batch: int = 5000) -> list[dict[str, Any]]:
        """Every chunk's metadata, paged so a large store does not load in one response."""
        out: list[dict[str, Any]] = []
        offset = 0
        while True:
            got = self.chunks.get(include=["metadatas"], limit=batch, offset=offset)
            metas = got["metadatas"] or []
            for cid, meta in zip(got["ids"], metas, strict=True):
                out.append({"id": cid, **(meta or {})})
            if len(metas) < batch:
                return out
            offset += batch
