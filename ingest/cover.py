"""The title printed on a document's cover, and the lines that are never a title.

A PDF gives every run of text its font size: the title is the first block set larger than
the body, unless that block is a banner (the publisher's name in capitals, "V (Avvisi)"),
a journal reference ("(2011/C 19/07)", "C 79/1"), a URL, or a "Label: value" metadata line
("Contracting Authority: European Commission"); then the next size down is tried. Text
files have no sizes: ``ingest.extract`` reads their first lines with the same ``not_title``.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from typing import Any

from ingest.classify import CUES
from ingest.dates import DateHit, find_dates

log = logging.getLogger(__name__)

# An official journal's series and page, "C 19/6" (of a notice's reference "2011/C 19/07")
_ISSUE = r"[A-Z]{1,2}\s?\d+\s?/\s?\d+"
_JOURNAL_REF = re.compile(rf"^\(?\s*(?:\d{{4}}/)?{_ISSUE}\s*\)?$")
# ... the same within a line: "Invito a presentare proposte 2011/C 212/11"
JOURNAL_REFERENCE = re.compile(rf"\b\d{{4}}/{_ISSUE}\b")
_SECTION_NOTE = re.compile(r"^\(\w+\)$")  # "(Avvisi)": a journal's section, or a wrapped word
# "SOURCE: ...", "Contracting Authority: European Commission": a label of a record, not a
# title with its subtitle ("Quiet Diplomats: Small Towns in World Affairs")
_METADATA = re.compile(
    r"^(?:source|title|author|authors|date|url|link|publisher|subject|reference|ref|from|to|"
    r"file(?:name)?|page|version|status|keywords|category|tags|language|contact|e-?mail|"
    r"tel|phone|fax|address|contracting authority|awarding authority|issued by|"
    r"published by|prepared by)\s*:\s*\S", re.I)
_URL = re.compile(r"https?://|www\.|\b\S+\.(?:com|org|eu|int|gov|net)\b", re.I)
_ROMAN_OR_NUMBER = re.compile(r"^(?:[IVXLC]+|\d+|[A-Z])\.?$")
# the running title of the EU's official journal, in its languages
OFFICIAL_JOURNAL = re.compile(
    r"\b(?:Official Journal|Gazzetta ufficiale|Diario Oficial|Journal officiel|Amtsblatt|"
    r"Publicatieblad|Jornal Oficial|Dziennik Urz[ęe]dowy)\b", re.I)
# A journal's running header dates its issue, and holds nothing else but the language, the
# series and page ("C 19/6") and the words of the journal's name ("of the European Union"):
# "IT C 19/6 Gazzetta ufficiale dell'Unione europea 20.1.2011". A footnote that cites an
# act in the journal ("1 Official Journal of European Union L 248 of 16.9.2002, as
# amended.") has numbers and words of its own.
_ISSUE_PAGE = re.compile(rf"\b{_ISSUE}\b")
_LANGUAGE_CODE = re.compile(r"^[A-Z]{2}\s|\s[A-Z]{2}$")
JOURNAL_NAME_WORDS = 5


def not_title(line: str, continuation: bool = False) -> bool:
    """A line that can never be a title, or (``continuation``) never continue one."""
    text = line.strip().strip("#").strip()
    if _SECTION_NOTE.match(text):
        return not continuation  # "(Portugal)" ends a wrapped title
    if len(re.sub(r"\W", "", text)) < 3 or _ROMAN_OR_NUMBER.match(text):
        return True
    if _JOURNAL_REF.match(text) or _URL.search(text):
        return True
    if _METADATA.match(text):
        return True
    label, _, value = text.partition(": ")
    if value and (dates := find_dates(value)) and dates[0].start == 0:
        return True  # "Deadline for submission of proposals: 31 March 2011"
    if OFFICIAL_JOURNAL.match(text) or journal_header_date(text):
        return True
    words = text.split()
    # a banner: a publisher or section name in capitals ("EUROPEAN COMMISSION"), unless it
    # names the kind of document ("MEMORANDUM OF UNDERSTANDING", "SISTER CITY AGREEMENT")
    return len(words) <= 3 and text.isupper() and not _names_a_document(text)


def journal_header_date(line: str) -> DateHit | None:
    """The issue's date when ``line`` is an official journal's running header: the
    journal's name, its series and page, the date, a language code, and nothing else (not
    a label's value, "Financial Regulation: Official Journal L 248/1, 16.9.2002", nor a
    sentence, "See Official Journal C 115/7 of 21.4.2010.")."""
    line = line.strip()
    if ":" in line or line.endswith(".") or not (name := OFFICIAL_JOURNAL.search(line)):
        return None
    if not _ISSUE_PAGE.search(line):
        return None
    hits = [h for h in find_dates(line) if len(h.iso) == 10]
    if len(hits) != 1:
        return None
    rest = _ISSUE_PAGE.sub(" ", (line[:name.start()] + " " + line[name.end():]).replace(
        hits[0].text, " ")).strip()
    rest = _LANGUAGE_CODE.sub(" ", rest).strip()
    return hits[0] if not re.search(r"\d", rest) and len(
        rest.split()) <= JOURNAL_NAME_WORDS else None


def _names_a_document(text: str) -> bool:
    return any(c.title_weight >= 4 and c.pattern.search(text) for c in CUES)


def _lines(page: Any) -> list[tuple[str, float]]:
    """(line, font size) in reading order; the size is the largest run on the line."""
    runs: list[tuple[str, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        scale = abs(tm[3] * cm[3]) or 1.0
        runs.append((text, round(float(size or 0) * scale, 1)))

    page.extract_text(visitor_text=visit)
    lines: list[tuple[str, float]] = []
    cur, size = "", 0.0
    for text, s in runs:
        for i, part in enumerate(text.split("\n")):
            if i > 0:
                if cur.strip():
                    lines.append((re.sub(r"\s+", " ", cur).strip(), size))
                cur, size = "", 0.0
            if part.strip():
                cur += part
                size = max(size, s)
    if cur.strip():
        lines.append((re.sub(r"\s+", " ", cur).strip(), size))
    return lines


def cover_title(page: Any) -> str | None:
    """The largest-set block of the first page that can be a title, or None."""
    try:
        lines = _lines(page)
    except Exception:  # a page pypdf cannot walk has no cover title, nothing worse
        log.debug("no font sizes on the cover", exc_info=True)
        return None
    if not lines:
        return None
    weights = Counter()
    for text, size in lines:
        weights[size] += len(text)
    body = weights.most_common(1)[0][0]
    for level in sorted({s for _, s in lines if s > body + 0.5}, reverse=True):
        block: list[str] = []
        for text, size in lines:
            if abs(size - level) <= 0.5:
                if not_title(text, continuation=bool(block)):
                    if block:
                        break
                    continue
                block.append(text)
            elif block:
                break
        title = " ".join(block).strip()
        if len(title) >= 6 and len(title) <= 250:
            return title
    return None
