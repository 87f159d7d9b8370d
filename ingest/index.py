"""Writes and removes whole documents, in an order that makes each one atomic.

Write: original file -> leftover chunks of a crashed attempt deleted -> chunks upserted under
deterministic ids -> registry record (the commit point). Remove: registry record first
(the document disappears at once), then its chunks, then the original. A crash between any
two steps leaves only invisible leftovers, which a re-run or `check --repair` clears.
"""

from __future__ import annotations

import logging
import os
import signal
from collections.abc import Sequence
from dataclasses import dataclass, field

from langchain_core.documents import Document

from ingest.filestore import OriginalStore
from ingest.registry import DocRecord, DocumentRegistry
from ingest.store import Store

log = logging.getLogger(__name__)

UPSERT_BATCH = 500


@dataclass
class DocumentWrite:
    """Everything needed to store one document."""

    record: DocRecord
    data: bytes
    chunks: Sequence[Document]
    embeddings: Sequence[Sequence[float]]
    summary_embedding: Sequence[float]


def failpoint(name: str) -> None:
    """Die here by SIGKILL when MICROPLOMACY_FAILPOINT names this point.

    The crash tests use it to kill an ingest at its most delicate moments, for real: no
    exception handler or cleanup runs, exactly as with `kill -9` or a power cut.
    """
    if os.environ.get("MICROPLOMACY_FAILPOINT") == name:
        os.kill(os.getpid(), signal.SIGKILL)


class Indexer:
    def __init__(self, store: Store, registry: DocumentRegistry, files: OriginalStore) -> None:
        self.store = store
        self.registry = registry
        self.files = files

    def write(self, docs: Sequence[DocumentWrite]) -> None:
        """Store several documents; each becomes visible only when its record is committed.

        One upsert for all their chunks and one for their records: Chroma costs ~30 ms per
        call, which for small documents is more than the writing itself.
        """
        if not docs:
            return
        for doc in docs:
            self.files.put(doc.record.doc_id, doc.record.fmt, doc.data)
        failpoint("after_file")
        # A document stored again under its id (a type change) stays visible and whole
        # throughout: its chunks are overwritten in place (same ids), extras go after the
        # commit. Only never-committed ids may hold leftovers of a crashed attempt.
        ids = [d.record.doc_id for d in docs]
        committed = set(self.registry.committed(ids))
        stale = self.store.delete_chunks_of([i for i in ids if i not in committed])
        if stale:
            log.info("cleared %d leftover chunks of an earlier attempt", stale)
        failpoint("after_clear")
        chunks = [c for d in docs for c in d.chunks]
        vectors = [list(v) for d in docs for v in d.embeddings]
        for start in range(0, len(chunks), UPSERT_BATCH):
            batch = chunks[start : start + UPSERT_BATCH]
            self.store.chunks.upsert(
                ids=[c.id or "" for c in batch],
                documents=[c.page_content for c in batch],
                embeddings=vectors[start : start + UPSERT_BATCH],
                metadatas=[c.metadata for c in batch],
            )
            failpoint("after_chunk_batch")
        failpoint("before_commit")
        self.registry.commit_many([(d.record, list(d.summary_embedding)) for d in docs])
        for doc in docs:
            if doc.record.doc_id in committed:
                keep = {c.id for c in doc.chunks}
                old = self.store.chunks.get(where={"doc_id": doc.record.doc_id},
                                            include=[])["ids"]
                if extra := [i for i in old if i not in keep]:
                    self.store.chunks.delete(ids=extra)

    def remove(self, record: DocRecord) -> int:
        self.registry.drop(record.doc_id)
        failpoint("after_unregister")
        removed = self.store.delete_chunks(record.doc_id)
        self.files.delete(record.doc_id, record.fmt)
        log.info("removed %s (%s): %d chunks", record.source, record.doc_id, removed)
        return removed


@dataclass
class ConsistencyReport:
    documents: int = 0
    chunks: int = 0
    orphan_chunks: dict[str, int] = field(default_factory=dict)  # doc_id -> chunks
    orphan_files: list[str] = field(default_factory=list)
    missing_files: list[str] = field(default_factory=list)  # sources whose original is gone
    chunk_mismatch: list[str] = field(default_factory=list)  # sources with a wrong chunk count
    repaired: bool = False
    ocr: str = ""  # whether scanned pages can be read here, in one line
    embedder: str = ""  # which embedder wrote the passages

    @property
    def ok(self) -> bool:
        return not (self.orphan_chunks or self.orphan_files or self.missing_files
                    or self.chunk_mismatch)

    def to_json(self) -> dict:
        return {
            "ok": self.ok,
            "documents": self.documents,
            "chunks": self.chunks,
            "orphan_chunks": sum(self.orphan_chunks.values()),
            "orphan_documents": sorted(self.orphan_chunks),
            "orphan_files": self.orphan_files,
            "missing_files": self.missing_files,
            "chunk_mismatch": self.chunk_mismatch,
            "repaired": self.repaired,
            "ocr": self.ocr,
            "embedder": self.embedder,
        }


def check_consistency(indexer: Indexer, repair: bool = False) -> ConsistencyReport:
    """Compare registry, chunks and files; with ``repair`` delete what nothing owns."""
    records = {r.doc_id: r for r in indexer.registry.list()}
    counts: dict[str, int] = {}
    for meta in indexer.store.all_chunk_metadata():
        doc_id = str(meta.get("doc_id", ""))
        counts[doc_id] = counts.get(doc_id, 0) + 1
    report = ConsistencyReport(documents=len(records), chunks=sum(counts.values()))
    report.orphan_chunks = {d: n for d, n in counts.items() if d not in records}
    stored = indexer.files.stored()
    report.orphan_files = sorted(f.name for d, f in stored.items() if d not in records)
    for rec in records.values():
        if rec.doc_id not in stored or not stored[rec.doc_id].complete:
            report.missing_files.append(rec.source)
        if counts.get(rec.doc_id, 0) != rec.chunks:
            report.chunk_mismatch.append(rec.source)
    if repair and not report.ok:
        # Another instance may have committed since we looked: never delete what is now
        # registered. (An ingest still writing is not registered yet: repair with every
        # ingest stopped, as `check --help` says.)
        registered = indexer.registry.ids()
        for doc_id in report.orphan_chunks:
            if doc_id not in registered:
                indexer.store.delete_chunks(doc_id)
        for doc_id in stored:
            if doc_id not in records and doc_id not in registered:
                indexer.files.discard(doc_id)
        # A record whose chunks or file are incomplete cannot be trusted: drop it, so that
        # re-running the ingest stores it again whole.
        for rec in records.values():
            if rec.source in report.chunk_mismatch or rec.source in report.missing_files:
                indexer.remove(rec)
        report.repaired = True
    return report
