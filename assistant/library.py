"""The library: every stored document and the operations on it, built from Settings.

The CLI and the UI are thin shells over this class; tests call it directly.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from functools import cached_property
from pathlib import Path
from typing import Any

from assistant.audit import AuditLog
from assistant.config import Settings
from assistant.vectors import VectorCache
from ingest.chunk import Chunker
from ingest.embedders import Embedder, load_embedder
from ingest.fields import extractor_version
from ingest.filestore import ChromaFileStore, FileStore, OriginalStore
from ingest.index import ConsistencyReport, Indexer, check_consistency
from ingest.ocr import OcrOptions
from ingest.pipeline import (
    IngestPipeline,
    IngestReport,
    ProgressFn,
    SourceItem,
    collect_sources,
)
from ingest.registry import DocRecord, DocumentRegistry
from ingest.reindex import Reindexer, ReindexReport
from ingest.sandbox import BoundedParser
from ingest.store import Store

log = logging.getLogger(__name__)

def shared_embedder(settings: Settings) -> Embedder:
    """One model per process: loading one costs seconds and 100+ MB."""
    return load_embedder(settings.embedder, settings.embedding_model_dir)


class Library:
    def __init__(self, settings: Settings, check_embedder: bool = True) -> None:
        self.settings = settings
        self.embedder = shared_embedder(settings)
        server = settings.chroma_server()
        if server:
            self.store = Store.open(self.embedder, host=server.host, port=server.port,
                                    ssl=server.ssl, prefix=settings.collection_prefix)
        else:
            self.store = Store.open(self.embedder, path=settings.chroma_path,
                                    prefix=settings.collection_prefix)
        if check_embedder:  # only `reindex` opens a library another embedder wrote
            self.store.check_embedder()
        self.registry = DocumentRegistry(self.store)
        # On a server the originals live beside the passages, so that every instance can
        # open and re-read them; the local folder is then only a cache.
        local = FileStore(settings.files_dir)
        self.files: OriginalStore = (ChromaFileStore(self.store.files, local)
                                     if self.store.remote else local)
        self.indexer = Indexer(self.store, self.registry, self.files)
        self.audit = AuditLog(settings.home / "audit.jsonl")

    @classmethod
    def from_env(cls) -> Library:
        return cls(Settings.from_env())

    @cached_property
    def pipeline(self) -> IngestPipeline:
        return IngestPipeline(
            indexer=self.indexer,
            embedder=self.embedder,
            chunker=Chunker(self.embedder.count_tokens),
            max_bytes=self.settings.max_bytes,
            parser=BoundedParser(timeout_s=self.settings.parse_timeout_s,
                                 ocr=OcrOptions(enabled=self.settings.ocr,
                                                languages=self.settings.ocr_languages,
                                                engine=self.settings.ocr_engine)),
        )

    def ingest(self, paths: Iterable[Path], doc_type: str | None = None,
               progress: ProgressFn | None = None, user: str | None = None) -> IngestReport:
        return self.ingest_items(collect_sources(paths), doc_type, progress, user)

    def ingest_items(self, items: Iterable[SourceItem], doc_type: str | None = None,
                     progress: ProgressFn | None = None, user: str | None = None
                     ) -> IngestReport:
        """Ingest and audit: every way in (CLI, uploads, a type change) goes through here."""
        report = IngestReport()
        try:
            self.pipeline.run(items, doc_type=doc_type, progress=progress, report=report)
        except Exception as exc:
            # What committed before the run was cut short is in the library: audit it.
            self._audit_ingest(report, user, aborted=f"{type(exc).__name__}: {exc}")
            raise
        self._audit_ingest(report, user)
        return report

    def _audit_ingest(self, report: IngestReport, user: str | None,
                      aborted: str | None = None) -> None:
        if report.ingested or report.failed or report.replaced or aborted:
            extra = {"aborted": aborted[:300]} if aborted else {}
            self.audit.record("ingest", user, ingested=[(r["source"], r["doc_id"])
                                                        for r in report.ingested],
                              replaced=[r["doc_id"] for r in report.replaced],
                              failed=[(f["source"], f["error"]) for f in report.failed],
                              **extra)

    def documents(self, doc_type: str | None = None) -> list[DocRecord]:
        return self.registry.list(doc_type)

    def agreements(self) -> list[DocRecord]:
        """Every agreement, one per agreement rather than per document: a document that
        holds several (a toolkit of sample agreements) gives a view of each."""
        return [view for rec in self.documents("mou") for view in rec.agreements()]

    def remove(self, source_or_id: str, user: str | None = None) -> list[DocRecord]:
        records = self.registry.resolve(source_or_id)
        for rec in records:
            self.indexer.remove(rec)
            self.audit.record("remove", user, source=rec.source, doc_id=rec.doc_id)
        return records

    def original_path(self, doc_id: str) -> Path | None:
        rec = self.registry.get(doc_id)
        return self.files.path(rec.doc_id, rec.fmt) if rec else None

    def audit_letter(self, letter: Any, request: str, user: str | None = None,
                     **details: Any) -> None:
        self.audit.record("letter", user, request=request, recipient=letter.recipient,
                          mode=letter.mode, refused=letter.refused, **details)

    def check(self, repair: bool = False) -> ConsistencyReport:
        from ingest.ocr import ocr_status

        report = check_consistency(self.indexer, repair=repair)
        report.ocr = (ocr_status(self.settings.ocr_engine).describe() if self.settings.ocr
                      else "OCR is switched off")
        report.embedder = self.store.written_by() or self.embedder.name
        return report

    @property
    def english_embed(self) -> Callable[[list[str]], list[list[float]]] | None:
        """MiniLM for weighing English sentences when the store's embedder is multilingual
        (see assistant.select); None when the store's embedder is MiniLM itself."""
        if not self.embedder.multilingual:
            return None
        return self.theme_embedder.embed

    @cached_property
    def theme_vectors(self) -> VectorCache:
        """Theme and call-passage vectors, kept across funding requests."""
        return VectorCache()

    @property
    def theme_embedder(self) -> Embedder:
        """The space the funding radar's and the letters' theme thresholds were fitted in
        (MiniLM), whichever embedder the store uses: a cosine of 0.47 means something else
        in another model's space."""
        return load_embedder("minilm", self.settings.embedding_model_dir)

    def reindex(self, progress: ProgressFn | None = None) -> ReindexReport:
        """Re-embed the stored text with this library's embedder (see ingest.reindex)."""
        return Reindexer(self.store, self.embedder).run(progress)

    def reextract(self, progress: ProgressFn | None = None,
                  user: str | None = None) -> IngestReport:
        """Read the stored originals again with the current extractor: each document whose
        record an older extractor wrote is parsed, classified and extracted again and
        stored atomically under its id. Stopped half way, a second run does the rest: what
        is done carries the new version."""
        stale = [r for r in self.registry.list() if r.extractor != extractor_version()]
        items, missing = [], []
        for rec in stale:
            path = self.files.path(rec.doc_id, rec.fmt)
            if path is None:
                missing.append({"source": rec.source, "error": "the original is not stored: "
                                "add the file again to read it with the current extractor"})
                continue
            items.append(SourceItem(rec.source, path))
        report = self.ingest_items(items, progress=progress, user=user)
        report.failed.extend(missing)
        return report

    def is_empty(self) -> bool:
        return self.store.documents.count() == 0
