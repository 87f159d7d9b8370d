"""Passages completed across chunk boundaries, and a document's key passages.

Chunks are cut by length, sometimes mid-sentence ("We cannot pay for the ordinary running
costs" | "of your organisation, ...") or mid-list: the neighbouring chunks of the same
document finish a passage's last sentence or list and start its first sentence, and the
page where the text moves on is kept for citing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from assistant.select import continues
from assistant.sentences import (
    FIRST_SENTENCE,
    LAST_SENTENCE_START,
    SENTENCE_END,
    ends_in_list,
    is_list_item,
    leading_items,
    past_overlap,
    rest_of_sentence,
    split_trailing_note,
    trailing_list,
)
from assistant.types import Passage
from ingest.registry import DocRecord

# (document id, chunk position) -> that chunk, or None
Neighbour = Callable[[str, int], Passage | None]


def completed(p: Passage, chunk: Neighbour) -> Passage:
    """``p`` with its cut last sentence or list finished from the next chunk and its cut
    first sentence started from the previous one."""
    index = int(p.chunk_id.rsplit("-", 1)[-1]) if p.chunk_id[-5:].isdigit() else -1
    text, turn, turn_page = p.text, -1, None
    body, note = split_trailing_note(text)
    in_list = ends_in_list(body)
    following = (chunk(p.doc_id, index + 1)
                 if index >= 0 and body and (in_list or not SENTENCE_END.search(body))
                 else None)
    # a list cut by the chunk boundary: its remaining items open the next chunk
    # (after the lines the two chunks share)
    items = [i for i in leading_items(past_overlap(body, following.text))
             if i.strip() not in body] if following and in_list else []
    if following is not None and items:
        text = body + "\n" + "\n".join(items) + note
        if following.page != p.page:
            turn, turn_page = len(body) + 1, following.page
    elif following is not None and not SENTENCE_END.search(body):
        nxt = following.text
        # Only a chunk that starts mid-sentence (in lower case) continues one.
        if nxt[:1].islower() and FIRST_SENTENCE.match(nxt):
            rest = rest_of_sentence(nxt, continues)
            text = body + " " + " ".join(rest) + note
            if following.page != p.page:  # what follows the cut sentence
                turn = len(body) + 1 + (len(rest[0]) if rest else 0)
                turn_page = following.page
    head = text.lstrip()
    first_line = head.split("\n", 1)[0]
    if index > 0 and turn < 0 and is_list_item(first_line):
        # a chunk that opens in mid-list ("3.in het Land Noordrijn-Westfalen ..."): the
        # list's start and the line that introduces it end the chunk before
        preceding = chunk(p.doc_id, index - 1)
        start = trailing_list(preceding.text, first_line) if preceding is not None else ""
        if preceding is not None and start and first_line.strip() not in start:
            if preceding.page != p.page:
                turn, turn_page = len(start) + 1, p.page
                p = replace(p, page=preceding.page)
            text = start + "\n" + head
            head = text
    if index > 0 and head[:1].islower():
        preceding = chunk(p.doc_id, index - 1)
        if preceding is not None and (m := LAST_SENTENCE_START.search(preceding.text)):
            start = m.group(1).strip() + " "
            if turn >= 0:  # the text moves by what is put before it
                turn += len(start) - (len(text) - len(head))
            text = start + head
    if text != p.text:
        p = replace(p, text=text, turn=turn, turn_page=turn_page)
    return p


# Passages of a document that its key fields were read from, at most
# (3 and 6 alike on dev + frozen-a: key facts 0.78 / 0.74 -> 0.78 / 0.76; 3 is cheaper).
FIELD_PASSAGES = 3
# ... in this order: an agreement's when, where and how long, a call's when and how much
KEY_FIELDS = ("signing_date", "signing_place", "expiry_date", "duration_years", "termination",
              "renewal", "deadline", "amount_max", "amount_min", "cofinancing_rate",
              "eligible_applicants", "partnership_min", "opening_date")


def key_passages(rec: DocRecord, holding: Callable[[str, str], Passage | None],
                 have: set[str]) -> list[Passage]:
    """The chunks a document's key fields were read from (its signing clause, term and
    notice, a call's deadline and amounts), but those in ``have``: a document's key
    sentences, which a question's words may not find ("When was it concluded?" | "DONE at
    Strasbourg, this 9th day of November 1995"). A title, a kind or a programme's name
    says nothing the search has not found. ``holding(doc_id, words)``: the chunk holding
    those words (``KeywordIndex.holding``)."""
    out: list[Passage] = []
    have = set(have)
    for name in KEY_FIELDS:
        evidence = str((rec.fields.get(name) or {}).get("evidence") or "")
        if not evidence or evidence.startswith("computed"):
            continue
        # the evidence's first words find its chunk (a quote cut across two chunks is
        # found by its start; of an excerpt, "…plementation of this ...", the first whole
        # word on)
        words = evidence.split()
        if words and words[0].startswith(("…", "...")):
            words = words[1:]
        p = holding(rec.doc_id, " ".join(words[:8]))
        if p is not None and p.chunk_id not in have:
            have.add(p.chunk_id)
            out.append(p)
            if len(out) >= FIELD_PASSAGES:
                break
    return out
