"""The calls that are the edition a question pins ("the CAP information actions 2012 call"),
for when the search brought back none of them: an Italian notice whose title names no year
ranks below an Italian Q&A of 2008 that shares its words."""

from __future__ import annotations

from collections.abc import Callable

from assistant.pins import EDITION_PINS, hard_pins, naming
from assistant.types import Passage
from assistant.understand import Question
from ingest.registry import DocRecord

Pinned = Callable[[Question, list[Passage], Callable[[str], str] | None], tuple[set[str], str]]


def asks_edition(q: Question) -> bool:
    """Whether the question names a call by its edition (a year, a financial year)."""
    return not q.compare and any(kind in EDITION_PINS for kind, _, _ in hard_pins(q))


def edition_documents(q: Question, records: list[DocRecord], doc_text: Callable[[str], str],
                      pinned: Pinned) -> list[str]:
    """Of ``records``, the documents that hold everything the question pins down, judged as
    the answerer judges retrieved ones (``pinned``: ``EmbeddedAnswerer.pinned_documents``)
    on each document's whole text."""
    # "PRINCE 2012": when calls of that name are stored, the edition is one of them (a 2012
    # call in another language that names no PRINCE is another programme's); when none
    # names it, a call in another language may name it its own way ("PAC" for "CAP")
    for name in {a for a, _ in q.editions if a}:
        names_it = naming(name)
        if named := [r for r in records if names_it(r.title + "\n" + doc_text(r.doc_id))]:
            records = named
    stand_ins = [Passage("", r.doc_id, r.source, r.title, r.doc_type, None, "", "",
                         language=(r.languages or [""])[0]) for r in records]
    held, _ = pinned(q, stand_ins, doc_text)
    return [r.doc_id for r in records if r.doc_id in held]
