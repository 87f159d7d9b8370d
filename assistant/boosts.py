"""Which documents a question names, as ranking boosts: its partner towns, countries,
document type, years, language version and title words raise a document's rank, never
filter it out (a single word is no proof of which document is meant)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date

from assistant.parties import place_of
from assistant.retrieve import WORD, terms
from assistant.understand import names_in, version_asked
from ingest.registry import DocRecord

# Words that say which kind of document a question is about: a ranking boost only.
_TYPE_CUES = {
    "grant_call": re.compile(r"\b(?:grant|funding)\s+calls?\b|\bcalls?\s+for\s+proposals\b|"
                             r"\bcalls?\b|\bschemes?\b", re.IGNORECASE),
    "mou": re.compile(r"\bagreements?\b|\bmous?\b|\bmemorand\w*|\btwinning charter\b|"
                      r"\bletters? of intent\b", re.IGNORECASE),
    "policy_report": re.compile(r"\breports?\b|\bguide\b|\bstudy\b|\bpaper\b", re.IGNORECASE),
}
PARTNER_BOOST = 1.6
COUNTRY_BOOST = 1.2
TYPE_BOOST = 1.3
YEAR_BOOST = 1.3
VERSION_BOOST = 1.3  # "the Italian notice": documents written in Italian (1.0: frozen-a
# cited page 0.93, 1.3: 0.95; key facts alike)
NAME_BOOST = 1.5  # the question names the document's title ("the ED 2008 call")
TITLE_BOOST = 1.0  # times the IDF-weighted share of the question's words in a title
# A name the question uses names a document, as a title does, when one document alone
# prints it: "the Anholt Agreement" is titled "Overeenkomst tussen ..." in Dutch ("the
# Official Journal" is printed by two).
NAMED_BY = 1


def question_types(question: str) -> list[str]:
    """The one document type the question's words point at, or none when they point at
    several or none."""
    found = [t for t, cue in _TYPE_CUES.items() if cue.search(question)]
    return found if len(found) == 1 else []


def question_years(question: str, today: date) -> list[int]:
    """The years a question names a document by ("in 2027", "the 2025 project", "next
    year")."""
    low = question.lower()
    years = [int(y) for y in re.findall(r"\b(?:in|during|for|of)\s+(20\d\d)\b", low)]
    # "the 1995 Additional Protocol", "the 2025 project": a document named by its year
    # (a comparison's side starts with it: "2025 project's figures")
    years += [int(y) for y in re.findall(r"(?:^|\bthe\s+)((?:19|20)\d\d)\s+[^\W\d]",
                                         question.strip(), re.I)]
    if "this year" in low:
        years.append(today.year)
    if "next year" in low:
        years.append(today.year + 1)
    return years


def document_boosts(question: str, records: Iterable[DocRecord],
                    title_terms: dict[str, set[str]], idf: Callable[[str], float],
                    today: date,
                    naming: Callable[[str], set[str]] | None = None) -> dict[str, float]:
    """Documents whose partner, country, type, year or title the question names rank
    higher (a title the more of it the question names): doc id -> factor above 1.
    ``naming``: the documents that print a word as a name, for names no title holds."""
    low = question.lower()
    types = question_types(question)
    years = set(question_years(question, today))
    names = names_in(question)
    version = version_asked(question)
    q_terms = set(terms(question))
    q_weight = sum(idf(t) for t in q_terms)
    named = named_documents(names, naming) if naming else set()
    boosts: dict[str, float] = {}
    for rec in records:
        factor = 1.0
        # the partner's own name as a whole: "Minato-Hoshikawa City" is not Hoshikawa
        places = [place for p in rec.partners if (place := place_of(p).lower())]
        # (a plain substring test first: a pattern per partner of a thousand documents
        # would be compiled again on every question, past the regex cache)
        if any(place in low and re.search(rf"(?<![\w-]){re.escape(place)}(?![\w-])", low)
               for place in places):
            factor *= PARTNER_BOOST
        if any(c.lower() in low for c in rec.countries):
            factor *= COUNTRY_BOOST
        if rec.doc_type in types:
            factor *= TYPE_BOOST
        if years and rec.year in years:
            factor *= YEAR_BOOST
        if version and version in rec.languages:
            factor *= VERSION_BOOST
        if rec.doc_id in named or (names and any(
                n in rec.title and re.search(rf"(?<!\w){re.escape(n)}(?!\w)", rec.title)
                for n in names)):
            factor *= NAME_BOOST
        own = title_terms.get(rec.doc_id, set())
        if q_weight and (shared := q_terms & own):
            # "the youth exchange call": words of a title say which document; of two
            # titles with the question's words, the one with fewer others ("the
            # Outline Convention", not "Additional Protocol to the Outline Convention")
            said = sum(idf(t) for t in shared)
            covered = said / sum(idf(t) for t in own)
            factor *= 1 + TITLE_BOOST * said / q_weight * (1 + covered) / 2
        if factor > 1.0:
            boosts[rec.doc_id] = factor
    return boosts


def named_documents(names: list[str], naming: Callable[[str], set[str]]) -> set[str]:
    """The documents a question's names single out: for each name, those that print its
    rarest word, when at most ``NAMED_BY`` do ("Anholt"; not "Agreement" or "EU")."""
    out: set[str] = set()
    for name in names:
        held = [naming(word) for word in WORD.findall(name) if len(word) > 2]
        # (a name with a word no document prints is no name of the library: "the Wrenfield
        # Trust" does not single out the one agreement that says "Trust")
        if held and all(held) and len(rarest := min(held, key=len)) <= NAMED_BY:
            out |= rarest
    return out
