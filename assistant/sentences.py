"""Sentences of retrieved passages, the lines that are never an answer, and what a
sentence holds (a date, a quantity, an agent, a place).

A sentence ending in ':' carries the list items that follow it; headings, running headers,
URLs and metadata lines ("SOURCE: ... TITLE: ...") are dropped: they name a document, they
do not answer about it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from sentencex import segment

from ingest.amounts import find_amounts, find_percents
from ingest.chunk import is_heading
from ingest.dates import NUMBER_WORDS, find_dates

_LIST_ITEM = re.compile(r"^\s*(?:[-*•▪●]|\(?[a-z0-9]{1,2}[.)])\s+")
# Bullets drawn with Symbol/Wingdings fonts come out of PDFs as private-use characters.
_PUA_BULLET = re.compile(r"\s*[\uf000-\uf0ff]\s*")
_URL = re.compile(r"https?://|www\.|\b\S+\.(?:pdf|docx?|txt|md|html?|xlsx?)\b|\S+@\S+\.\w+",
                  re.I)
_LABEL = re.compile(r"(?:^|\s)[A-Z][A-Za-z ]{1,20}:\s")
_UPPER_LABEL = re.compile(r"\b[A-Z]{3,}:\s")
_PAGE_MARK = re.compile(r"^(?:page\s+)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?$", re.I)
_DURATION = re.compile(r"\b(?:\d+|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
                       + r")\s*(?:\(\d+\)\s*)?(?:years?|months?|weeks?|days?|hours?)\b", re.I)
_NUMBER = re.compile(r"(?<![\w/])\d+(?:[.,]\d+)*(?![\w/])")
_NUMBER_WORD = re.compile(r"\b(?:" + "|".join(w for w in NUMBER_WORDS if len(w) > 2) + r")\b",
                          re.I)
_YEAR_ONLY = re.compile(r"^(?:1[89]|20)\d\d$")
_MONTH_YEAR = re.compile(r"\b(?:january|february|march|april|may|june|july|august|september|"
                         r"october|november|december)\s+(?:of\s+)?\d{4}\b", re.I)


def is_metadata(line: str, title: str = "") -> bool:
    """A line that labels or locates a document instead of saying something in it."""
    s = line.strip()
    if not s:
        return True
    words = s.split()
    if _URL.search(s) and len(words) <= 12:
        return True
    if len(_UPPER_LABEL.findall(s)) >= 2 or len(_LABEL.findall(s)) >= 3:
        return True  # "SOURCE: x TITLE: y DATE: z"
    if len(_URL.findall(s)) >= 2:
        return True  # a table of file names or links
    if _PAGE_MARK.match(s):
        return True
    flat = re.sub(r"\W+", " ", s).strip().lower()
    return bool(title) and flat == re.sub(r"\W+", " ", title).strip().lower()


def split_sentences(text: str, title: str = "") -> list[tuple[str, list[str]]]:
    """Sentences of a passage, each with the list items it introduces.

    Headings and "Label: value" lines stand alone: glued to the next sentence they would
    make a quote that no officer would recognise.
    """
    out: list[tuple[str, list[str]]] = []
    text = _PUA_BULLET.sub("\n• ", text)
    lines = [x.strip() for x in text.split("\n")]
    para: list[str] = []

    def flush() -> None:
        if para:
            # sentencex knows abbreviations ("No. 3", "Art. 5", "e.g.") in ~300 languages
            for s in segment("en", " ".join(para)):
                if len(s.split()) >= 3 and not is_metadata(s, title):
                    out.append((s.strip(), []))
            para.clear()

    for i, line in enumerate(lines):
        if not line:
            flush()
            continue
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        after_sentence = not para or re.search(r"[.!?:;]$", para[-1])
        if is_metadata(line, title):
            flush()
            continue
        if (after_sentence and len(line.split()) <= 10 and not re.search(r"[.,;:!?]$", line)
                and (holds(line, "date") or holds(line, "quantity"))
                and (not nxt or nxt[:1].isupper())):
            # "Online information session 19 January 2027": a row of a timetable or a
            # budget table, which answers on its own; not a heading.
            flush()
            if len(line.split()) >= 3:
                out.append((line, []))
            continue
        if (after_sentence and len(line.split()) <= 6 and not re.search(r"[.,;:!?]$", line)
                and nxt[:1].isupper()):
            flush()  # "How to apply" above a paragraph: a heading, not a sentence
            continue
        if is_heading(line):
            flush()
            continue
        if _LIST_ITEM.match(line):
            flush()
            item = _LIST_ITEM.sub("", line).rstrip(";,.")
            if out and (out[-1][0].endswith(":") or out[-1][1]):
                out[-1][1].append(item)
            else:
                out.append((item, []))
            continue
        para.append(line)
    flush()
    return out


def _has_number(text: str) -> bool:
    if _NUMBER_WORD.search(text):
        return True
    return any(not _YEAR_ONLY.match(n) for n in _NUMBER.findall(text))


def holds(text: str, kind: str) -> bool:
    """Whether a sentence holds the kind of thing a question asks for."""
    if kind == "date":
        return bool(find_dates(text) or _MONTH_YEAR.search(text))
    if kind == "duration":
        return bool(_DURATION.search(text))
    if kind == "quantity":
        return bool(find_amounts(text) or find_percents(text) or _has_number(text))
    if kind in ("agent", "place"):
        labels = {"agent": {"PERSON", "ORG", "NORP"}, "place": {"GPE", "LOC", "FAC"}}[kind]
        return bool(entity_labels(text) & labels)
    return False


@lru_cache(maxsize=4096)
def entity_labels(text: str) -> frozenset[str]:
    from ingest.extract import get_nlp

    return frozenset(e.label_ for e in get_nlp()(text[:1000]).ents)
