""""Which of our agreements expires first?", "which calls close soonest?": an ordering over
documents, answered from their extracted dates, not from one passage's sentences."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from assistant.answer import render
from assistant.facts import FactLine, fact_lines
from assistant.retrieve import terms
from assistant.types import Answer, Passage
from assistant.understand import Question
from ingest.registry import DocRecord

# the documents an ordering lists, soonest first
SHOWN = 4


def soonest(q: Question, passages: list[Passage], record: Callable[[str], DocRecord | None],
            today: date) -> Answer | None:
    """Every retrieved document's expiry or deadline, upcoming ones first in date order
    (all of them in order when none is upcoming); None when fewer than two have a date.
    The names the question uses must be the document's ("which Hoshikawa agreement")."""
    words = [w for n in q.names for w in terms(n) if len(w) >= 3]
    dated: list[tuple[str, DocRecord, Passage]] = []
    for doc_id in dict.fromkeys(p.doc_id for p in passages):
        rec = record(doc_id)
        if rec is None or (words and not all(
                w in set(terms(rec.title + " " + " ".join(rec.partners))) for w in words)):
            continue
        value = rec.field_value("expiry_date" if rec.doc_type == "mou" else "deadline")
        if value:
            first = next(p for p in passages if p.doc_id == doc_id)
            dated.append((str(value), rec, first))
    if len(dated) < 2:
        return None
    now = today.isoformat()
    upcoming = sorted((d for d in dated if d[0] >= now), key=lambda d: d[0]) or sorted(
        dated, key=lambda d: d[0])
    facts: list[tuple[FactLine, Passage]] = []
    for _value, rec, passage in upcoming[:SHOWN]:
        name = "expiry" if rec.doc_type == "mou" else "deadline"
        facts += [(line, passage) for line in fact_lines(rec, name, today)[:1]]
    if not facts:
        return None
    retrieved = list(dict.fromkeys(p.source for p in passages))
    answer = render([], passages, retrieved, facts=facts)
    answer.text = "In date order: " + answer.text
    return answer
