"""Passages completed across chunk boundaries.

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
    leading_items,
    past_overlap,
    rest_of_sentence,
    split_trailing_note,
)
from assistant.types import Passage

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
