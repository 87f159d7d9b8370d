"""The document registry: one record per stored document, kept in Chroma.

A registry record is the commit point of an ingest: chunks written before it exist but are
not part of the library until the record lands, and removal drops the record first. So a
crash at any moment leaves either the whole document or nothing visible.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from ingest.store import Store

log = logging.getLogger(__name__)

_JSON_KEYS = ("fields", "classification", "warnings", "ocr_pages", "scanned_pages")


@dataclass
class DocRecord:
    doc_id: str
    source: str
    doc_type: str
    title: str
    fmt: str
    pages: int
    chunks: int
    size: int
    ingested_at: str
    fields: dict[str, dict[str, Any]] = field(default_factory=dict)
    classification: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    ocr_pages: list[int] = field(default_factory=list)  # scans left unread
    scanned_pages: list[int] = field(default_factory=list)  # read by OCR: check the original
    languages: list[str] = field(default_factory=list)  # ISO 639-1, most pages first
    countries: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    year: int | None = None
    extractor: str = ""  # ingest.fields.extractor_version() of the code that read it
    # set only on the view of one agreement inside a document that holds several
    # (agreements()): its pages; never stored
    section_pages: list[int] = field(default_factory=list)

    def field_value(self, name: str) -> Any:
        f = self.fields.get(name)
        return f.get("value") if f else None

    def agreements(self) -> list[DocRecord]:
        """The agreements this record holds: itself, or a view of each agreement when the
        document holds several (a toolkit of sample agreements, agreements annexed to a
        report), with that agreement's own title, fields, partners and pages."""
        parts = self.field_value("agreements") if self.doc_type == "mou" else None
        if not parts:
            return [self]
        views = []
        for part in parts:
            fields = dict(part.get("fields") or {})
            parties = [str(p) for p in (fields.get("parties") or {}).get("value") or []]
            countries = [str(c) for c in (fields.get("countries") or {}).get("value") or []]
            signed = str((fields.get("signing_date") or {}).get("value") or "")
            views.append(replace(
                self, title=str(part.get("title") or self.title), fields=fields,
                partners=parties, countries=countries,
                year=int(signed[:4]) if signed[:4].isdigit() else self.year,
                section_pages=[int(n) for n in part.get("pages") or []]))
        return views

    def to_metadata(self) -> dict[str, Any]:
        meta: dict[str, Any] = {}
        for key, value in asdict(self).items():
            if key in _JSON_KEYS:
                meta[key] = json.dumps(value, ensure_ascii=False)
            elif key == "section_pages":
                continue
            elif key in ("countries", "partners", "languages"):
                if value:  # Chroma refuses empty arrays
                    meta[key] = list(value)
            elif value is not None:
                meta[key] = value
        return meta

    @classmethod
    def from_metadata(cls, meta: dict[str, Any]) -> DocRecord:
        kwargs = dict(meta)
        for key in _JSON_KEYS:
            if key in kwargs and isinstance(kwargs[key], str):
                kwargs[key] = json.loads(kwargs[key])
        for key in ("countries", "partners", "languages"):
            kwargs[key] = list(kwargs.get(key) or [])
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in kwargs.items() if k in known})

    def to_json(self) -> dict[str, Any]:
        """The shape `microplomacy docs --json` promises."""
        return {
            "source": self.source,
            "doc_id": self.doc_id,
            "type": self.doc_type,
            "title": self.title,
            "pages": self.pages,
            "chunks": self.chunks,
            "format": self.fmt,
            "size": self.size,
            "ingested_at": self.ingested_at,
            "fields": self.fields,
            "classification": self.classification,
            "warnings": self.warnings,
            "ocr_pages": self.ocr_pages,
            "scanned_pages": self.scanned_pages,
            "languages": self.languages,
        }

    def summary_text(self) -> str:
        """What the record's own vector is made from: lets the library be searched by meaning."""
        parts = [self.title, self.doc_type.replace("_", " ")]
        for name in ("parties", "areas", "programme", "themes", "summary"):
            value = self.field_value(name)
            if isinstance(value, list):
                parts.append(", ".join(map(str, value)))
            elif value:
                parts.append(str(value))
        return ". ".join(p for p in parts if p)


class DocumentRegistry:
    def __init__(self, store: Store) -> None:
        self.store = store

    def list(self, doc_type: str | None = None) -> list[DocRecord]:
        where = {"doc_type": doc_type} if doc_type else None
        got = self.store.documents.get(where=where, include=["metadatas"])
        records = [DocRecord.from_metadata(m) for m in got["metadatas"] or []]
        return sorted(records, key=lambda r: (r.source.lower(), r.ingested_at))

    def ids(self) -> set[str]:
        return set(self.store.documents.get(include=[])["ids"])

    def committed(self, doc_ids: list[str]) -> list[str]:
        """Which of these ids have a record."""
        if not doc_ids:
            return []
        return list(self.store.documents.get(ids=doc_ids, include=[])["ids"])

    def revision(self) -> str:
        """Changes with every commit and removal, here or on another instance: a document
        committed again under its id (a type change) changes no id, only this."""
        fresh = self.store.client.get_collection(self.store.documents.name,
                                                 embedding_function=None)
        return str((fresh.metadata or {}).get("revision", ""))

    def _bump(self) -> None:
        # After the commit point: a failure here must not turn committed documents into
        # failed ones. Caches then catch up at the next change.
        try:
            self.store.documents.modify(metadata={"revision": uuid.uuid4().hex})
        except Exception:  # noqa: BLE001
            # nothing for the officer to do (the documents are committed; a server that
            # died at this moment is reported in the command's own one line), so not on
            # their terminal: for whoever debugs
            log.info("could not bump the library revision", exc_info=True)

    def get(self, doc_id: str) -> DocRecord | None:
        got = self.store.documents.get(ids=[doc_id], include=["metadatas"])
        metas = got["metadatas"] or []
        return DocRecord.from_metadata(metas[0]) if metas else None

    def by_source(self, source: str) -> list[DocRecord]:
        got = self.store.documents.get(where={"source": source}, include=["metadatas"])
        return [DocRecord.from_metadata(m) for m in got["metadatas"] or []]

    def resolve(self, source_or_id: str) -> list[DocRecord]:
        """Records matching a file name or a (prefix of a) document id."""
        found = self.by_source(source_or_id)
        if found:
            return found
        if len(source_or_id) >= 6:
            return [r for r in self.list() if r.doc_id.startswith(source_or_id.lower())]
        return []

    def commit_many(self, records: list[tuple[DocRecord, list[float]]]) -> None:
        if not records:
            return
        self.store.documents.upsert(
            ids=[r.doc_id for r, _ in records],
            embeddings=[e for _, e in records],
            documents=[r.summary_text() for r, _ in records],
            metadatas=[r.to_metadata() for r, _ in records],
        )
        self._bump()

    def by_sources(self, sources: list[str]) -> list[DocRecord]:
        if not sources:
            return []
        got = self.store.documents.get(where={"source": {"$in": sources}}, include=["metadatas"])
        return [DocRecord.from_metadata(m) for m in got["metadatas"] or []]

    def drop(self, doc_id: str) -> None:
        self.store.documents.delete(ids=[doc_id])
        self._bump()
