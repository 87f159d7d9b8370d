"""Data that flows through ingest: parsed pages -> classified, extracted document -> chunks.

Every stage takes and returns these plain dataclasses, so each stage can be
tested on its own and the pipeline is just their composition.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

DocType = Literal["mou", "grant_call", "policy_report", "other"]
DOC_TYPES: tuple[str, ...] = ("mou", "grant_call", "policy_report", "other")


class IngestError(Exception):
    """A document that cannot be ingested; the message is one line an officer can act on."""


@dataclass
class Page:
    """One page of a source document. ``number`` is 1-based, as printed in a PDF viewer."""

    number: int
    text: str
    needs_ocr: bool = False  # a scan that could not be read (OCR off or found nothing)
    ocr_confidence: float | None = None  # set when the text was read from a scan (0-100)
    language: str = ""  # ISO 639-1, "" when unknown


@dataclass
class ParsedDocument:
    """What a parser returns: normalised text page by page, plus what it noticed."""

    source: str  # base file name as ingested (sanitised)
    fmt: Literal["pdf", "docx", "txt", "md"]
    pages: list[Page]
    title_hint: str | None = None  # from PDF metadata or DOCX core properties
    cover_title: str | None = None  # set largest on the first page (ingest/cover.py)
    warnings: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\n".join(p.text for p in self.pages if p.text)

    @property
    def ocr_pages(self) -> list[int]:
        """Scanned pages left unread."""
        return [p.number for p in self.pages if p.needs_ocr]

    @property
    def scanned_pages(self) -> list[int]:
        """Pages whose text was read from a scan by OCR."""
        return [p.number for p in self.pages if p.ocr_confidence is not None]

    @property
    def languages(self) -> list[str]:
        """Languages of the pages, most pages first."""
        counts: dict[str, int] = {}
        for p in self.pages:
            if p.language:
                counts[p.language] = counts.get(p.language, 0) + 1
        return sorted(counts, key=lambda c: -counts[c])


@dataclass
class Classification:
    """Document type plus the human-readable reasons that produced it."""

    doc_type: str
    scores: dict[str, float]
    reasons: list[str]
    overridden: bool = False  # the user forced the type at ingest

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Field:
    """One extracted value with the page it came from and the text that supports it."""

    value: Any
    page: int | None = None
    evidence: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "page": self.page, "evidence": self.evidence}
