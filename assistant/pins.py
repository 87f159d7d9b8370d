"""What a question pins down (a call id, an edition, a numbered part, a figure of a whole)
and whether a document's text holds it: the evidence a decline is decided on before any
sentence is weighed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from assistant.retrieve import initialisms, terms
from assistant.understand import YEAR, Question, round_of, told_only
from ingest.cover import JOURNAL_REFERENCE


def flat_text(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00ad", "")).lower()


def edition_years(title: str, text: str) -> set[int]:
    """The years a call's document is the edition of, in any language: those its title
    names, else the year its text names most often (a call's own year outnumbers its
    deadline's and those of the rules it cites), and every year of a period it names
    ("2009-2012": the years the call funds)."""
    # (not a year inside an identifier: "2011/C 212/11" is the notice's, not the call's)
    years = {int(y) for y in YEAR.findall(JOURNAL_REFERENCE.sub(" ", title))}
    titled = bool(years)
    if not years:
        counts = Counter(int(y) for y in _AS_YEAR.findall(text))
        top = max(counts.values(), default=0)
        years = {y for y, n in counts.items() if n == top}
    # (a programme's seven-year period is not the edition of each call under it; a title
    # that names its year names the edition, whatever period the text goes on to fund:
    # "Domande e risposte sul bando ED 2008" is not a 2012 call for its "2009-2012")
    for a, b in _PERIOD.findall(title if titled else f"{title}\n{text}"):
        if 0 < int(b) - int(a) <= MAX_CALL_PERIOD:
            years.update(range(int(a), int(b) + 1))
    return years


MAX_CALL_PERIOD = 4  # years after the first: "2009-2012" is a call's, "2014-2020" a programme's
# a year, not a sum or a share ("2000 EUR", "2000 participants" count no edition)
_AS_YEAR = re.compile(r"(?<![\d.,])((?:19|20)\d\d)(?![\d.,]\d|\s*(?:%|€|\$|eur\b|euro|usd\b|"
                      r"participants|people|persons|inhabitants))", re.I)


_ACRONYM = re.compile(r"[A-Z]{2,6}")
# the pins that name a call's edition by its year (``edition_years`` judges them)
EDITION_PINS = ("edition", "fiscal")


def naming(name: str) -> Callable[[str], bool]:
    """Whether a text names ``name`` as whole words: an acronym only in capitals ("CAP" is
    not the "cap" on a call's costs), any other name whatever its case and spacing."""
    if _ACRONYM.fullmatch(name):
        written = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")
        return lambda text: bool(written.search(text))
    flat = re.compile(rf"(?<!\w){re.escape(flat_text(name))}(?!\w)")
    return lambda text: bool(flat.search(flat_text(text)))


_PERIOD = re.compile(r"\b((?:19|20)\d\d)\s*[-\u2013/]\s*((?:19|20)\d\d)\b")


def pin_holds(pin_kind: str, pin: tuple[str, ...], flat: str, foreign: bool = False,
              own_years: set[int] | None = None) -> bool:
    """Whether a document's text (flattened by ``flat_text``) holds something the question
    pins down. In a document in another language than the question (``foreign``) only the
    numbers can be looked for: "the 2012 call" is "esercizio 2012", "module 6" "modulo 6";
    a call's edition (``own_years``, of a call's document) must then be its own year, not
    any year it names ("tra il 1 marzo 2012 e il 28 febbraio 2013" is no 2013 call); so
    must a round asked for by its year alone in any language ("the call for proposals in
    2009" is not the 2010 guide that recalls "the 2009 call")."""
    if pin_kind == "fiscal":  # a call's edition; any other document may say the year
        return own_years is None or not own_years or int(pin[0]) in own_years
    if pin_kind == "edition" and own_years and (foreign or not pin[0]):
        return int(pin[1]) in own_years
    if foreign and pin_kind in ("edition", "part"):
        return bool(re.search(rf"\b{re.escape(pin[1].lower())}\b", flat))
    if pin_kind == "edition" and pin[0]:
        # "PRINCE 2012": the name and the year. A document that writes the name with a
        # year beside it ("PRINCE 2010 - EU27") names its own edition: it must be this
        # one (its deadline in 2011 does not make it "PRINCE 2011"); one that never does
        # ("EYV" here, "2011" there) holds both anywhere.
        # A period beside the name ("Interreg Europe 2021-2027") names every year in it;
        # a year before the name counts only as "the 2012 PRINCE ...", never the end of a
        # date on the line before a heading.
        name, year = (re.escape(x.lower()) for x in pin)
        beside: set[int] = set()
        for a, b, c in re.findall(
                rf"\b{name}[\s\-\u2013:]+(?:[^\W\d]+[\s\-\u2013]+){{0,2}}?((?:19|20)\d\d)"
                rf"(?:\s*[-\u2013/]\s*((?:19|20)\d\d))?\b|\bthe\s+((?:19|20)\d\d)\s+{name}\b",
                flat):
            first = int(a or c)
            beside.update(range(first, int(b) + 1) if b and int(b) > first else [first])
        if beside:
            return int(pin[1]) in beside
        return bool(re.search(rf"\b{name}\b", flat) and re.search(rf"\b{year}\b", flat))
    if pin_kind == "edition":  # "the 2027 round": the year as a round's, or in the title
        year = re.escape(pin[1])
        return bool(re.search(round_of(year), flat))
    if pin_kind == "count":  # "the 298 agreements": the figure, however it is grouped
        # thousands marks only between groups of three ("1,200", "1.200", "1 200")
        number = re.sub(r"[,.]", "", pin[0])
        head, groups = number[: len(number) % 3 or 3], re.findall(r"\d{3}", number[
            len(number) % 3 or 3:])
        grouped = r"[\s.,\u00a0\u202f]?".join([head, *groups])
        return bool(re.search(rf"(?<![\d.,]){grouped}(?![\d]|[.,]\d)", flat))
    if pin_kind == "part":
        label, value = (re.escape(x.lower()) for x in pin)
        return bool(re.search(rf"\b{label}\s*(?:no\.?\s*)?{value}\b", flat))
    code = re.sub(r"\s+", "", pin[0].lower())  # a call id
    return code in flat.replace(" ", "")


_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9,
          "X": 10}


def _part_number(value: str) -> str:
    """A part's number as digits ("II" -> "2"), a letter as it is ("B")."""
    return str(_ROMAN.get(value, value)).lower()


def names_another_part(text: str, parts: list[tuple[str, str]]) -> bool:
    """Whether ``text`` names a part of the kind asked about but never the one asked
    ("Lot 1 ..." when the question asks about Lot 2); "Lots 1 and 2", "Lots 1-3" and "the
    two lots" name it too (a plural label with no number names every part)."""
    for label, value in parts:
        asked = _part_number(value)
        said = [_part_number(m.group(1)) for m in re.finditer(
            rf"\b(?i:{re.escape(label)})(?:\s+(?i:no\.?))?\s+(\d{{1,3}}|[A-Z]|[IVX]{{1,4}})\b"
            rf"(?![-/.]\w)", text)]
        if not said or asked in said:
            continue
        # a plural label with its numbers: "Lots 1 and 2", "Lots 1-3", "Lots 1 to 3"
        ranges = re.finditer(rf"\b(?i:{re.escape(label)}s)\s+(\d{{1,3}})\s*(?:-|–|to|and)\s*"
                             rf"(\d{{1,3}})\b", text)
        if any(asked.isdigit() and int(a) <= int(asked) <= int(b)
               for a, b in (m.groups() for m in ranges)):
            continue
        return True
    return False


def hard_pins(q: Question) -> list[tuple[str, tuple[str, ...], str]]:
    """(kind, value, as written) for what a supporting document must contain."""
    pins: list[tuple[str, tuple[str, ...], str]] = []
    pins += [("code", (c,), c) for c in q.codes]
    pins += [("part", (a, b), f"{a} {b}") for a, b in q.parts_named]
    pins += [("count", (n,), f"the {n} {noun}") for n, noun in q.known_counts]
    # (an edition told only in the officer's case before the question is of their world,
    # not of the answer: "Our state has signed the 1980 Outline Convention. Can it ratify
    # Protocol No. 2?")
    told = told_only(q.text)
    for a, b in q.editions:
        if b in told:
            continue
        m = re.search(round_of(b), q.text, re.I)
        shown = f"{a} {b}" if a else (f"the {m.group(0)}" if m else b)
        pins.append(("edition", (a, b), shown))
    pins += [("fiscal", (y,), f"the {y} financial year") for y in q.fiscal_years]
    # A bare year ("who chairs it in 2027?") is when, not which: only an edition's year
    # ("PRINCE 2012", "the 2027 round") must be in the document.
    # A number is pinned only as a whole the question takes from the document ("how many
    # of the 298 agreements"): "a city of 150,000 inhabitants" is the officer's case, not
    # something the document must repeat.
    return pins


def writes_otherwise(names: list[str], text: str) -> bool:
    """Whether ``text`` writes one of ``names`` another way: every word of it, apart, or
    the name as the initials of a name it spells out ("WEF")."""
    words = set(terms(text))
    short = {n.lower() for n in names if n.isupper() and len(n) >= 3}
    # (an acronym is not written apart: "cap" is not "CAP" written otherwise)
    return (any(set(terms(n)) <= words for n in names if terms(n) and not _ACRONYM.fullmatch(n))
            or bool(short and short & initialisms(text)))
