"""The ingest pipeline: files -> parse -> classify -> extract -> chunk -> embed -> index.

Documents are keyed by a hash of their bytes, so the same content is a fast no-op and a
changed file under the same name replaces its old version. Preparing the next document
(parse, classify, extract, chunk) runs on a worker thread while the current one is being
embedded: the embedder is the bottleneck, and everything else stays off its path.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from queue import Full, Queue
from typing import Any

import httpx
from langchain_core.documents import Document

from ingest.chunk import Chunker
from ingest.classify import DocumentClassifier
from ingest.dates import year_in_name
from ingest.embedders import Embedder
from ingest.extract import FieldExtractor
from ingest.fields import extractor_version
from ingest.index import DocumentWrite, Indexer, failpoint
from ingest.injection import find_instructions
from ingest.models import DOC_TYPES, IngestError, ParsedDocument
from ingest.parse import parse_bytes, safe_source_name
from ingest.registry import DocRecord
from ingest.sandbox import BoundedParser

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = {".pdf", ".docx", ".txt", ".md", ".markdown"}
ProgressFn = Callable[[int, int, str], None]


@dataclass
class SourceItem:
    """A file to ingest: the name the officer knows it by, and where its bytes are."""

    name: str
    path: Path


@dataclass
class IngestReport:
    ingested: list[dict[str, Any]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[dict[str, str]] = field(default_factory=list)
    replaced: list[dict[str, str]] = field(default_factory=list)
    warnings: list[dict[str, str]] = field(default_factory=list)
    reextracted: list[str] = field(default_factory=list)  # same bytes, read by newer code

    @property
    def ok(self) -> bool:
        return not self.failed

    def to_json(self) -> dict[str, Any]:
        return {
            "ingested": self.ingested,
            "unchanged": self.unchanged,
            "failed": self.failed,
            "replaced": self.replaced,
            "warnings": self.warnings,
            "reextracted": self.reextracted,
        }


@dataclass
class _Prepared:
    item: SourceItem
    data: bytes
    record: DocRecord
    chunks: list[Document]
    warnings: list[str]


def collect_sources(paths: Iterable[Path]) -> list[SourceItem]:
    """Files as given, folders walked recursively (hidden entries skipped), in stable order."""
    items: list[SourceItem] = []
    for path in paths:
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.startswith("."):
                        continue
                    p = Path(root) / name
                    if p.suffix.lower() in SUPPORTED_SUFFIXES:
                        items.append(SourceItem(name, p))
                    else:
                        log.debug("skipping %s: not a supported document type", p)
        else:
            items.append(SourceItem(path.name, path))
    return items


def content_id(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


def _year(value: Any) -> int | None:
    if isinstance(value, str) and len(value) >= 4 and value[:4].isdigit():
        return int(value[:4])
    return None


def _as_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value if v]
    return [str(value)] if value else []


class IngestPipeline:
    def __init__(
        self,
        *,
        indexer: Indexer,
        embedder: Embedder,
        chunker: Chunker,
        classifier: DocumentClassifier | None = None,
        extractor: FieldExtractor | None = None,
        max_bytes: int = 50 * 1024 * 1024,
        embed_group_chunks: int = 256,
        prefetch_docs: int = 16,
        parser: BoundedParser | None = None,
    ) -> None:
        self.indexer = indexer
        self.embedder = embedder
        self.chunker = chunker
        self.classifier = classifier or DocumentClassifier()
        self.extractor = extractor or FieldExtractor()
        self.max_bytes = max_bytes
        self.embed_group_chunks = embed_group_chunks
        self.prefetch_docs = prefetch_docs
        self.parser = parser  # None: parse in-process (tests of the parser itself, benchmarks)

    # -- stages -------------------------------------------------------------------------

    def _read(self, item: SourceItem) -> bytes:
        try:
            size = item.path.stat().st_size
        except OSError as exc:
            raise IngestError(f"cannot read the file: {exc.strerror or exc}") from exc
        if size > self.max_bytes:
            raise IngestError(
                f"the file is {size / 1048576:.1f} MB, over the "
                f"{self.max_bytes / 1048576:.0f} MB limit"
            )
        try:
            return item.path.read_bytes()
        except OSError as exc:
            raise IngestError(f"cannot read the file: {exc.strerror or exc}") from exc

    def _record(self, parsed: ParsedDocument, doc_id: str, size: int,
                doc_type: str | None) -> DocRecord:
        classification = self.classifier.run(parsed, override=doc_type)
        fields = self.extractor.run(parsed, classification.doc_type)
        values = {k: f.value for k, f in fields.items()}
        title = str(values.get("title") or parsed.title_hint or Path(parsed.source).stem)
        kind = classification.doc_type
        year = _year(values.get({"mou": "signing_date", "grant_call": "deadline",
                                 "policy_report": "date"}.get(kind, ""))) or year_in_name(
            parsed.source)
        countries = _as_list(values.get("countries") or values.get("eligible_countries"))
        return DocRecord(
            doc_id=doc_id,
            source=parsed.source,
            doc_type=kind,
            title=title,
            fmt=parsed.fmt,
            pages=len(parsed.pages),
            chunks=0,
            size=size,
            ingested_at=datetime.now(UTC).isoformat(timespec="seconds"),
            fields={k: f.to_dict() for k, f in fields.items()},
            classification=classification.to_dict(),
            warnings=list(parsed.warnings),
            ocr_pages=parsed.ocr_pages,
            scanned_pages=parsed.scanned_pages,
            languages=parsed.languages,
            countries=countries,
            partners=_as_list(values.get("parties")),
            year=year,
            extractor=extractor_version(),
        )

    def _prepare(self, item: SourceItem, data: bytes, doc_id: str,
                 doc_type: str | None,
                 progress: Callable[[int, int], None] | None = None) -> _Prepared:
        parsed = (self.parser.run(data, item.name, self.max_bytes, progress=progress)
                  if self.parser
                  else parse_bytes(data, item.name, max_bytes=self.max_bytes, progress=progress))
        for page, snippet in find_instructions(parsed.pages)[:3]:
            parsed.warnings.append(
                f"page {page} contains text addressed to an AI assistant (\"{snippet[:80]}\"); "
                "it is kept as part of the document but never followed or used as an answer")
        record = self._record(parsed, doc_id, len(data), doc_type)
        chunk_meta = {
            "doc_type": record.doc_type,
            "year": record.year,
            "countries": record.countries,
            "partners": record.partners,
        }
        chunks = self.chunker.run(parsed, doc_id, record.title, chunk_meta)
        if not chunks:
            raise IngestError("the document has no text to index")
        record.chunks = len(chunks)
        return _Prepared(item, data, record, chunks, list(parsed.warnings))

    def _store_group(self, group: list[_Prepared], report: IngestReport) -> None:
        """Embed several documents in one call, then store them, each atomically.

        Sorting the chunks of a whole group by length wastes less padding than sorting each
        small document on its own (~30% faster on the sample corpus).
        """
        texts: list[str] = []
        for prep in group:
            texts.extend(c.page_content for c in prep.chunks)
            texts.append(prep.record.summary_text())
        vectors = self.embedder.embed(texts)
        writes: list[DocumentWrite] = []
        offset = 0
        for prep in group:
            n = len(prep.chunks)
            writes.append(DocumentWrite(prep.record, prep.data, prep.chunks,
                                        vectors[offset : offset + n], vectors[offset + n]))
            offset += n + 1
        try:
            self.indexer.write(writes)
            failpoint("after_commit")
            replaced = self._drop_older_versions([p.record for p in group])
        except httpx.TransportError as exc:
            # The Chroma server is gone: every later document would be parsed and embedded
            # only to fail the same way. Stop the run; what was committed stays, this group
            # left only invisible leftovers, and the caller says so in one line.
            log.info("lost the Chroma server while storing %d documents (%s: %s)",
                     len(group), type(exc).__name__, exc)
            raise
        except Exception as exc:  # a store failure fails these documents, not the batch
            log.exception("could not store %d documents", len(group))
            report.failed.extend({"source": p.item.name,
                                  "error": f"could not store the document ({exc})"[:300]}
                                 for p in group)
            return
        report.replaced.extend({"source": r.source, "doc_id": r.doc_id} for r in replaced)
        for prep in group:
            rec = prep.record
            report.ingested.append({"source": rec.source, "doc_id": rec.doc_id,
                                    "type": rec.doc_type, "pages": rec.pages,
                                    "chunks": rec.chunks})
            report.warnings.extend({"source": rec.source, "warning": w} for w in prep.warnings)
            log.info("ingested %s as %s: %d pages, %d chunks", rec.source, rec.doc_type,
                     rec.pages, rec.chunks)

    def _drop_older_versions(self, records: list[DocRecord]) -> list[DocRecord]:
        current = {r.doc_id for r in records}
        old = [r for r in self.indexer.registry.by_sources([r.source for r in records])
               if r.doc_id not in current]
        for rec in old:
            self.indexer.remove(rec)
        return old

    # -- driver -------------------------------------------------------------------------

    def run(
        self,
        items: Iterable[SourceItem],
        doc_type: str | None = None,
        progress: ProgressFn | None = None,
        report: IngestReport | None = None,
    ) -> IngestReport:
        """Store every item; ``report`` (filled as documents commit) lets a caller see what
        was stored even when the run is cut short by a lost Chroma server."""
        if doc_type is not None and doc_type not in DOC_TYPES:
            raise ValueError(f"unknown document type {doc_type!r}; use one of {DOC_TYPES}")
        items = list(items)
        report = IngestReport() if report is None else report
        known = {r.doc_id: r for r in self.indexer.registry.list()}
        seen: set[str] = set()

        def triage(item: SourceItem) -> tuple[SourceItem, bytes, str, str | None] | None:
            try:
                item.name = safe_source_name(item.name)
                data = self._read(item)
            except IngestError as exc:
                report.failed.append({"source": _display(item.name), "error": str(exc)})
                return None
            doc_id = content_id(data)
            rec = known.get(doc_id)
            current = rec is not None and rec.extractor == extractor_version()
            if rec and not current and doc_id not in seen:
                # same bytes, read by older code: read again under the name it is known by,
                # keeping a type the officer set (or the one given now)
                report.reextracted.append(rec.source)
                seen.add(doc_id)
                kept = doc_type or (rec.doc_type if rec.classification.get("overridden")
                                    else None)
                return SourceItem(rec.source, item.path), data, doc_id, kept
            if doc_id in seen or (rec and (doc_type is None or rec.doc_type == doc_type)):
                report.unchanged.append(item.name)
                if rec and any(r.source == rec.source and r.doc_id != doc_id
                               for r in known.values()):
                    # a replacement that crashed after its commit: finish it now
                    for old in self._drop_older_versions([rec]):
                        report.replaced.append({"source": old.source, "doc_id": old.doc_id})
                return None
            seen.add(doc_id)
            return item, data, doc_id, doc_type

        # Preparing (parse, classify, extract, chunk) runs on its own thread, ahead of the
        # embedder, through a bounded queue: memory stays bounded however many files come.
        queue: Queue[_Prepared | tuple[str, str] | None] = Queue(maxsize=self.prefetch_docs)
        stop = threading.Event()

        def put(msg: _Prepared | tuple[str, str] | None) -> None:
            while not stop.is_set():
                try:
                    queue.put(msg, timeout=0.5)
                    return
                except Full:
                    continue

        def produce() -> None:
            try:
                for i, item in enumerate(items):
                    if stop.is_set():
                        return
                    if progress:
                        progress(i, len(items), item.name)
                    todo = triage(item)
                    if todo is None:
                        continue
                    def ocr_progress(done: int, total: int, i: int = i,
                                     name: str = item.name) -> None:
                        if progress:
                            progress(i, len(items), f"{name} (OCR page {done}/{total})")

                    try:
                        put(self._prepare(*todo, ocr_progress))
                    except IngestError as exc:
                        log.warning("%s: %s", item.name, exc)
                        put((item.name, str(exc)))
                    except Exception as exc:  # one bad file must never stop the batch
                        log.exception("unexpected error while reading %s", item.name)
                        put((item.name, f"internal error ({type(exc).__name__})"))
            finally:
                put(None)

        producer = threading.Thread(target=produce, name="ingest-prepare", daemon=True)
        producer.start()
        group: list[_Prepared] = []
        try:
            while (msg := queue.get()) is not None:
                if isinstance(msg, tuple):
                    report.failed.append({"source": msg[0], "error": msg[1]})
                    continue
                group.append(msg)
                size = sum(len(p.chunks) for p in group)
                # Embed a full group, or whatever is ready when the embedder would otherwise
                # sit idle waiting for the parser.
                if size >= self.embed_group_chunks or (queue.empty() and size >= 32):
                    self._store_group(group, report)
                    group = []
            if group:
                self._store_group(group, report)
        finally:
            stop.set()
            producer.join()
        if progress:
            progress(len(items), len(items), "")
        return report


def _display(name: str) -> str:
    """A name safe to show even when it could not be sanitised into a source name."""
    return "".join(c if c.isprintable() else "?" for c in name)[:150] or "(unnamed)"
