"""A letter and what it is made of: facts with their sources, people, the proposal, the
draft; the template's parts; Markdown and Word output."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.letters.wording import (
    MAYOR_TITLE,
    Proposal,
    clean_text,
    double_surname_countries,
    template_wording,
)
from assistant.types import Citation, Passage
from ingest.registry import DocRecord

log = logging.getLogger(__name__)


@dataclass
class LetterFact:
    """One thing the letter states, with the document, page and words that support it."""

    n: int
    name: str
    text: str
    source: str
    page: int | None
    quote: str
    doc_id: str = ""
    title: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"n": self.n, "name": self.name, "text": self.text, "source": self.source,
                "page": self.page, "quote": self.quote, "title": self.title}

    def citation(self) -> Citation:
        return Citation(self.n, self.source, self.page, self.quote, self.doc_id, self.title)


@dataclass
class Person:
    name: str
    honorific: str
    title: str
    party: str
    quote: str

    @property
    def is_mayor(self) -> bool:
        return bool(MAYOR_TITLE.search(self.title))

    def holds(self, office: str) -> bool:
        if office.lower() == "mayor":
            return self.is_mayor
        return office.lower() in self.title.lower()

    def surname(self, country: str | None) -> str:
        parts = self.name.split()
        if len(parts) >= 3 and country in double_surname_countries():
            return " ".join(parts[-2:])
        return parts[-1]

    @property
    def display(self) -> str:
        return f"{self.honorific} {self.name}".strip()


@dataclass
class Letter:
    text: str
    subject: str
    sender: str
    recipient: str
    citations: list[Citation] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    facts: list[dict[str, Any]] = field(default_factory=list)
    mode: str = "template"  # template | llm | refused
    agreement: str = ""  # source file of the agreement the letter refers to
    date: str = ""
    given: list[str] = field(default_factory=list)  # the request, and sender/recipient given

    def evidence(self) -> list[Passage]:
        """What this letter may state (see `letter_evidence`): for checking it again later."""
        return letter_evidence(self.facts, self.given, self.date)

    @property
    def refused(self) -> bool:
        return self.mode == "refused"

    def to_json(self) -> dict[str, Any]:
        return {
            "letter": self.text,
            "subject": self.subject,
            "sender": self.sender,
            "recipient": self.recipient,
            "citations": [c.to_json() for c in self.citations],
            "warnings": list(self.warnings),
            "facts": list(self.facts),
            "mode": self.mode,
            "refused": self.refused,
            "agreement": self.agreement,
        }

    def sources_lines(self) -> list[str]:
        """One line per source: document title (file), page: “quote”."""
        return [f"{c.title or c.source} ({c.source})"
                f"{', page ' + str(c.page) if c.page is not None else ''}: “{c.quote}”"
                for c in self.citations]

    def to_markdown(self, notes: bool = True) -> str:
        """The letter, then its sources; with `notes`, the warnings for the officer."""
        out = [self.text.rstrip()]
        if self.citations:
            out.append("---\n\n**Sources**\n\n" + "\n".join(
                f"{c.n}. {line}" for c, line in zip(self.citations, self.sources_lines(),
                                                     strict=True)))
        if notes and self.warnings and not self.refused:
            out.append("**Check before sending** (not part of the letter)\n\n" +
                       "\n".join(f"- {w}" for w in self.warnings))
        return "\n\n".join(out) + "\n"

    def to_docx(self, path: str | Path) -> Path:
        """The letter as a Word file: one paragraph per block, the subject in bold, sources as
        a numbered list at the end. A refused letter has nothing to export."""
        if self.refused:
            raise ValueError(f"no letter to export: {self.text}")
        from docx import Document
        from docx.shared import Pt

        doc = Document()
        doc.styles["Normal"].font.size = Pt(11)
        for block in re.split(r"\n\s*\n", self.text.strip()):
            para = doc.add_paragraph()
            for i, line in enumerate(block.split("\n")):
                if i:
                    para.add_run().add_break()
                _add_runs(para, line.rstrip())
        if self.citations:
            doc.add_paragraph().add_run("Sources").bold = True
            for line in self.sources_lines():
                doc.add_paragraph(line, style="List Number")
        out = Path(path)
        out.parent.mkdir(parents=True, exist_ok=True)
        doc.save(str(out))
        return out


def _add_runs(para: Any, line: str) -> None:
    """Markdown **bold** becomes a bold run; everything else is plain text."""
    for i, piece in enumerate(re.split(r"\*\*", line)):
        if piece:
            para.add_run(piece).bold = bool(i % 2)


@dataclass
class AgreementMatch:
    rec: DocRecord
    partner: str
    ours: str
    how: str  # named | cited | country | retrieved


@dataclass
class LetterDraft:
    request: str
    sender_arg: str | None
    recipient_arg: str | None
    match: AgreementMatch
    proposal: Proposal
    date: str
    sender_block: str = ""
    recipient_block: str = ""
    signature_block: str = ""
    salutation: str = "Dear Mayor,"
    paragraphs: list[str] = field(default_factory=list)
    facts: list[LetterFact] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def given(self) -> list[str]:
        return [x for x in (self.request, self.sender_arg, self.recipient_arg) if x]

    def add(self, name: str, text: str, page: int | None, quote: str,
            rec: DocRecord) -> LetterFact:
        fact = LetterFact(len(self.facts) + 1, name, text, rec.source, page, clean_text(quote),
                          rec.doc_id, rec.title)
        self.facts.append(fact)
        return fact


def refusal(message: str) -> Letter:
    log.info("letter refused: %s", message)
    return Letter(text=message, subject="", sender="", recipient="", warnings=[message],
                  mode="refused")


def letter_evidence(facts: Sequence[dict[str, Any]], given: Sequence[str],
                    date_text: str) -> list[Passage]:
    """What a letter may state, as guard passages: each fact in plain words and in the
    document's own words, the officer's request and the sender/recipient they gave, the
    letter's date, and the template's fixed wording ("Dear", "Yours sincerely")."""
    texts = [f"{f['text']}.\n{f['quote']}" for f in facts]
    texts += [*given, date_text, template_wording()]
    return [Passage(f"e{i}", "", "", "", "", None, "", t) for i, t in enumerate(texts) if t]
