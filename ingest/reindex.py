"""Re-embed a library with another embedder from the text it already stores.

No file is uploaded or parsed again: every chunk keeps its id, text and metadata and gets
a new vector. The new vectors go into staging collections beside the live ones, one
document at a time (a document is done when all its chunks are there), so a run that is
stopped resumes where it was; only when every document is done are the staging
collections swapped in. Until then the library keeps answering with the old embedder.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from chromadb.api.models.Collection import Collection

from ingest.embedders import Embedder
from ingest.registry import DocumentRegistry
from ingest.store import Store

log = logging.getLogger(__name__)

ProgressFn = Callable[[int, int, str], None]


@dataclass
class ReindexReport:
    embedder: str
    previous: str | None
    documents: int = 0
    reembedded: list[str] = field(default_factory=list)  # sources embedded in this run
    resumed: int = 0  # documents a stopped run had already done
    chunks: int = 0
    swapped: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"embedder": self.embedder, "previous": self.previous,
                "documents": self.documents, "reembedded": self.reembedded,
                "resumed": self.resumed, "chunks": self.chunks, "swapped": self.swapped}


class Reindexer:
    """Store (written by any embedder) + the embedder wanted -> the store rewritten."""

    def __init__(self, store: Store, embedder: Embedder, batch: int = 256) -> None:
        self.store = store
        self.embedder = embedder
        self.batch = batch

    def _name(self, suffix: str) -> str:
        return f"{self.store.prefix}_{suffix}"

    def _staging(self, suffix: str) -> Collection:
        return self.store.client.get_or_create_collection(
            self._name(f"{suffix}__{self.embedder.name}"), embedding_function=None,
            metadata={"embedder": self.embedder.name},
            configuration={"hnsw": {"space": "cosine"}})

    def run(self, progress: ProgressFn | None = None) -> ReindexReport:
        self._finish_swaps()  # a run stopped between two renames
        report = ReindexReport(self.embedder.name, self.store.written_by())
        staged = any(self.store.existing(f"{x}__{self.embedder.name}") is not None
                     for x in ("chunks", "documents"))
        if report.previous is None or (report.previous == self.embedder.name and not staged):
            return report  # empty, or already written by this embedder
        chunks, documents = self._staging("chunks"), self._staging("documents")
        registry = DocumentRegistry(self.store)
        done: set[str] = set()
        for _ in range(3):  # documents ingested or removed while it ran are caught up
            records = registry.list()
            report.documents = len(records)
            for i, rec in enumerate(records):
                if progress:
                    progress(i, len(records), rec.source)
                if rec.doc_id in done:
                    continue
                have = chunks.get(where={"doc_id": rec.doc_id}, include=[])["ids"]
                if (len(have) == rec.chunks
                        and documents.get(ids=[rec.doc_id], include=[])["ids"]):
                    report.resumed += 1
                else:
                    if have:  # a document cut short: start it again
                        chunks.delete(ids=have)
                    report.chunks += self._copy_document(rec.doc_id, chunks, documents)
                    report.reembedded.append(rec.source)
                done.add(rec.doc_id)
            live = {r.doc_id for r in records}
            gone = [d for d in documents.get(include=[])["ids"] if d not in live]
            if gone:  # removed since they were staged
                chunks.delete(where={"doc_id": {"$in": gone}})
                documents.delete(ids=gone)
                done -= set(gone)
            if {r.doc_id for r in registry.list()} == live:
                break
        if progress:
            progress(report.documents, report.documents, "")
        # chunks last: its embedder name is what says the library is done
        for suffix in ("documents", "chunks"):
            self._swap(suffix)
        report.swapped = True
        self.store.reset()
        log.info("reindexed %d documents with %s (%d re-embedded, %d resumed)",
                 report.documents, self.embedder.name, len(report.reembedded), report.resumed)
        return report

    def _copy_document(self, doc_id: str, chunks: Collection, documents: Collection) -> int:
        old = self.store.client.get_collection(self._name("chunks"), embedding_function=None)
        got = old.get(where={"doc_id": doc_id}, include=["documents", "metadatas"])
        ids, texts, metas = got["ids"], got["documents"] or [], got["metadatas"] or []
        for start in range(0, len(ids), self.batch):
            end = start + self.batch
            chunks.add(ids=ids[start:end], documents=texts[start:end],
                       metadatas=metas[start:end],  # type: ignore[arg-type]
                       embeddings=self.embedder.embed(list(texts[start:end])))  # type: ignore[arg-type]
        # the record last: it marks the document done
        old_docs = self.store.client.get_collection(self._name("documents"),
                                                    embedding_function=None)
        rec = old_docs.get(ids=[doc_id], include=["documents", "metadatas"])
        if rec["ids"]:
            documents.upsert(ids=rec["ids"], documents=rec["documents"],
                             metadatas=rec["metadatas"],  # type: ignore[arg-type]
                             embeddings=self.embedder.embed(list(rec["documents"] or [])))  # type: ignore[arg-type]
        return len(ids)

    def _swap(self, suffix: str) -> None:
        """live -> __old, staging -> live, drop __old: each step leaves a state that
        ``_finish_swaps`` completes."""
        live, old = self._name(suffix), self._name(f"{suffix}__old")
        staging = self._name(f"{suffix}__{self.embedder.name}")
        current = self.store.existing(suffix)
        if current is not None:
            current.modify(name=old)
        self.store.client.get_collection(staging, embedding_function=None).modify(name=live)
        self.store.client.delete_collection(old)

    def _finish_swaps(self) -> None:
        """Complete a swap a stopped run left half done: live -> __old happened, and
        staging -> live may or may not have."""
        for suffix in ("chunks", "documents"):
            live_name, old_name = self._name(suffix), self._name(f"{suffix}__old")
            old = self.store.existing(f"{suffix}__old")
            if old is None:
                continue
            staging = self.store.existing(f"{suffix}__{self.embedder.name}")
            live = self.store.existing(suffix)
            if staging is not None:
                if live is not None:
                    if live.count():
                        raise RuntimeError(
                            f"a reindex was stopped mid-swap and {live_name} has been written "
                            f"to since: keep {old_name} and the staging collection, and run "
                            "`microplomacy check`")
                    # opened (and created empty) by another process meanwhile
                    self.store.client.delete_collection(live_name)
                staging.modify(name=live_name)
                self.store.client.delete_collection(old_name)
            elif live is not None:
                self.store.client.delete_collection(old_name)
            else:  # nothing to swap in: put the old vectors back
                old.modify(name=live_name)
        self.store.reset()
