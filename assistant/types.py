"""The answering contract shared by retrieval, the answerers and the UI/CLI.

Plain dataclasses so every layer (embedded answerer, LLM answerer, guard, tests) can build
and compare them without importing LangChain or Chroma.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# A document's first chunks: its cover, its abstract or summary, the start of its
# introduction.
LEAD_CHUNKS = 3


@dataclass
class Passage:
    """One retrieved chunk; `text` is the passage body without any context header."""

    chunk_id: str
    doc_id: str
    source: str
    title: str
    doc_type: str
    page: int | None
    section: str
    text: str
    score: float = 0.0
    language: str = ""  # ISO 639-1 of the passage, "" when unknown
    scanned: bool = False  # read from a scan by OCR
    preamble: bool = False  # before an agreement's first article (see ingest.chunk)
    # among a document's first chunks (``LEAD_CHUNKS``): where a report or a call says what
    # it is about (its abstract, its summary, its introduction)
    lead: bool = False
    # a passage completed from the next chunk: from this offset of ``text`` on, the
    # sentences are on ``turn_page`` (-1: all of it is on ``page``)
    turn: int = -1
    turn_page: int | None = None

    def page_of(self, sentence: str) -> int | None:
        """The page a sentence of this passage is on."""
        if self.turn >= 0 and self.text.find(sentence[:60]) >= self.turn:
            return self.turn_page
        return self.page


@dataclass
class Citation:
    """`n` is the passage number the answer cites as [n]; `quote` backs the claim."""

    n: int
    source: str
    page: int | None
    quote: str
    doc_id: str = ""
    title: str = ""
    scanned: bool = False  # the page was read by OCR: its words may be misread

    SCAN_NOTE = "read from a scan: check the original"

    def where(self) -> str:
        """"file.pdf, page 4 (read from a scan: check the original)"."""
        page = f", page {self.page}" if self.page else ""
        return f"{self.source}{page}" + (f" ({self.SCAN_NOTE})" if self.scanned else "")

    def to_json(self) -> dict[str, Any]:
        return {"n": self.n, "source": self.source, "page": self.page, "quote": self.quote,
                "scanned": self.scanned}


@dataclass
class Answer:
    text: str
    declined: bool
    citations: list[Citation]
    retrieved: list[str]
    warnings: list[str] = field(default_factory=list)
    mode: str = "embedded"  # or "llm"
    # The embedded answerer's best sentence score (what it declines below); None when it
    # declined before weighing sentences (an edition, part or name no document holds).
    support: float | None = None
    # The answer's sentences, best first, each with its source and page (the text renders
    # them in document order): what a letter quotes for one of its asks.
    best: list[Citation] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "answer": self.text,
            "declined": self.declined,
            "citations": [c.to_json() for c in self.citations],
            "retrieved": list(self.retrieved),
            "warnings": list(self.warnings),
            "mode": self.mode,
        }
