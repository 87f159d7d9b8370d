"""The calls that are the edition a question pins ("the CAP information actions 2012 call"),
for when the search brought back none of them: an Italian notice whose title names no year
ranks below an Italian Q&A of 2008 that shares its words."""

from __future__ import annotations

from collections.abc import Callable

from assistant.pins import EDITION_PINS, hard_pins, naming
from assistant.types import Passage
from assistant.understand import YEAR, Question
from ingest.registry import DocRecord

Pinned = Callable[[Question, list[Passage], Callable[[str], str] | None], tuple[set[str], str]]


def asks_edition(q: Question) -> bool:
    """Whether the question names a call by its edition (a year, a financial year)."""
    return not q.compare and any(kind in EDITION_PINS for kind, _, _ in hard_pins(q))


# How far a call's own dates may be from the edition it is: the call for the 2012 financial
# year closed in 2011, the 2027 round may close in 2026
NEAR_YEARS = 1


def may_be_edition(rec: DocRecord, years: set[int]) -> bool:
    """Whether a stored call may be the edition of one of ``years``, from its record alone
    (its title's, file name's and dates' years; no year at all: it may): the whole texts
    are read only for those that may."""
    found = {int(y) for y in YEAR.findall(f"{rec.title} {rec.source}")}
    for name in ("deadline", "opening_date", "date"):
        found |= {int(y) for y in YEAR.findall(str(rec.field_value(name) or ""))}
    found |= {rec.year} if rec.year else set()
    return not found or any(abs(y - want) <= NEAR_YEARS for y in found for want in years)


def edition_documents(q: Question, records: list[DocRecord], doc_text: Callable[[str], str],
                      pinned: Pinned) -> list[str]:
    """Of ``records``, the documents that hold everything the question pins down, judged as
    the answerer judges retrieved ones (``pinned``: ``EmbeddedAnswerer.pinned_documents``)
    on each document's whole text (``doc_text``: ``KeywordIndex.document_text``, which keeps
    the last ones read), and only for the calls whose record says they may be the edition
    asked."""
    years = {int(y) for _, y in q.editions if y.isdigit()} | {
        int(y) for y in q.fiscal_years if y.isdigit()}
    near = [r for r in records if not years or may_be_edition(r, years)]
    # "PRINCE 2012": when calls of that name are stored, the edition is one of them (a 2012
    # call in another language that names no PRINCE is another programme's); when none
    # names it, a call in another language may name it its own way ("PAC" for "CAP")
    # (its record names it, or, for the calls that may be the edition, its text)
    for name in {a for a, _ in q.editions if a}:
        names_it = naming(name)
        if any(names_it(_label(r)) for r in records) or any(
                names_it(doc_text(r.doc_id)) for r in near):
            near = [r for r in near if names_it(_label(r)) or names_it(doc_text(r.doc_id))]
    records = near
    stand_ins = [Passage("", r.doc_id, r.source, r.title, r.doc_type, None, "", "",
                         language=(r.languages or [""])[0]) for r in records]
    held, _ = pinned(q, stand_ins, doc_text)
    return [r.doc_id for r in records if r.doc_id in held]


def _label(rec: DocRecord) -> str:
    """What a record says a call is called: its title, file name, programme and id."""
    return " \n".join([rec.title, rec.source, str(rec.field_value("programme") or ""),
                       str(rec.field_value("call_id") or "")])
