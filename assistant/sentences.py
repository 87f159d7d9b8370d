"""Sentences of retrieved passages, the lines that are never an answer, and what a
sentence holds (a date, a quantity, an agent, a place).

A sentence ending in ':' carries the list items that follow it; headings, running headers,
URLs and metadata lines ("SOURCE: ... TITLE: ...") are dropped: they name a document, they
do not answer about it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from sentencex import segment

from ingest import tables
from ingest.amounts import find_amounts, find_percents
from ingest.chunk import TIGHT_ITEM, is_heading
from ingest.cover import journal_header_date
from ingest.dates import (
    NUMBER_WORDS,
    date_pattern,
    digits,
    find_dates,
    frequency_pattern,
    length_pattern,
    measure_pattern,
)

_LIST_ITEM = re.compile(r"^\s*(?:[-*•▪●◦‣]|\(?[a-z0-9]{1,2}[.)])\s+")
# EU texts mark items with dashes and minus signs ("– broadcasting costs, ...", "− debt"),
# which also open a prose line wrapped at a dash ("from 2014" | "– 2020 and funds ..."):
# an item only in a list
_DASH_ITEM = re.compile(r"^\s*[–—−]\s+")
# a list's number ("3." of "3. in het Land ...", "3.in het Land ..."), to tell a clause's
# own items (numbered afresh) from the next clause
_ITEM_NUMBER = re.compile(r"^\s*\(?(\d{1,2})[.)]")
_FIELD_LINE = re.compile(r"^[A-Z][\w /()-]{2,40}:\s+\S")
# Bullets drawn with Symbol/Wingdings fonts come out of PDFs as private-use characters.
_PUA_BULLET = re.compile(r"\s*[\uf000-\uf0ff]\s*")
# a sentence longer than this is no quote an officer can read (and is not answered with)
LONGEST_SENTENCE = 700
# a line after a colon this short is the value it introduces (an address's line, a date),
# not a sentence of its own
VALUE_WORDS = 8
_URL = re.compile(r"https?://|www\.|\b[^\s.]{1,80}(?:\.[^\s.]{1,80}){0,4}\.(?:pdf|docx?|txt|md|"
                  r"html?|xlsx?)\b|[^\s@]{1,80}@[^\s@]{1,80}", re.I)
_EMAIL = re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})+")
# a way to reach someone: an e-mail address, a web address, a telephone number
_WEB = re.compile(r"https?://\S+|\bwww\.\S+", re.I)
_PHONE = re.compile(
    # (an international prefix, not the zeros of "1 000 000")
    r"(?<!\d[\s.,])(?:\+|\b00)\d{1,3}[\s./-]?(?:\(0\)\s?)?\d{1,4}"
    r"(?:[\s./-]?\d{2,4}){2,4}\b|"
    # a number after a telephone label, in the languages officers meet
    r"\b(?:tel|phone|telephone|telefono|téléphone|telefoon|telefon|"
    r"teléfono)\.?\s*(?:\w+\s*)?:?\s*\(?\d[\d\s()./-]{5,}\d", re.I)
_CONTACT = re.compile(rf"{_EMAIL.pattern}|{_WEB.pattern}|{_PHONE.pattern}", re.I)
# ... one of them, when a question names which ("what telephone number ...?")
_CONTACTS = {"email": _EMAIL, "web": _WEB, "phone": _PHONE}
_LABEL = re.compile(r"(?:^|\s)[A-Z][A-Za-z ]{1,20}:\s")
_UPPER_LABEL = re.compile(r"\b[A-Z]{3,}:\s")
_PAGE_MARK = re.compile(r"^(?:page\s+)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?$", re.I)
_NUMBER = re.compile(r"(?<![\w/])\d+(?:[.,]\d+)*(?![\w/])")
_NUMBER_WORD = re.compile(r"\b(?:" + "|".join(w for w in NUMBER_WORDS if len(w) > 2) + r")\b",
                          re.I)
_YEAR_ONLY = re.compile(r"^(?:1[89]|20)\d\d$")
# An identifier: letters and digits joined by - / . ("COMM/C2/1-2010", "FTF-2026-CLIMA-02")
CODE = re.compile(r"\b(?=[A-Z0-9/.-]{0,40}\d)(?=[A-Z0-9/.-]{0,40}[A-Z])[A-Z0-9]+"
                  r"(?:[-/.][A-Z0-9]+){2,}\b")


# "Table 20: ...", "Figure 8 - ...": a caption names what follows, it does not say it.
_CAPTION = re.compile(rf"^(?:{tables.TABLE_WORDS}|figure|fig\.|chart|graph|annex|box|figura|"
                      r"figuur|grafico|abbildung)\s*[0-9ivx]+[a-z]?\s*[:.\-–—]", re.I)
_ENDS = re.compile(r"[.!?:;)\]\"'”’…]$")
# "## Artikel 1", "####Protocol No. 3 ...": a Markdown heading, however long
_MARKDOWN_HEADING = re.compile(r"^#{1,6}(?:\s+\S|[^\W\d_])")
# "Paragraph 2 - Areas of cooperation", "Artículo 3: Objeto": a numbered provision's heading
_PROVISION = re.compile(r"^(?:article|art\.|section|paragraph|para\.|clause|chapter|part|annex|"
                        r"appendix|schedule|artículo|articolo|artigo|artikel|article|§)\s*"
                        r"[0-9ivxlc]+[a-z]?[.º°]?\s*(?:[-–—:.]\s*)?\S", re.I)


def is_heading_like(sentence: str) -> bool:
    """A heading or a title line that reached the text unmarked: no closing punctuation,
    short or capitalised word after word, and no figure in it (a table row has one)."""
    s = sentence.strip()
    if _MARKDOWN_HEADING.match(s) or _CAPTION.match(s) or (
            _PROVISION.match(s) and len(s.split()) <= 12 and not _ENDS.search(s)):
        return True
    if _ENDS.search(s) or _NUMBER.search(s) or _EMAIL.search(s):
        return False  # (an e-mail address makes a contact line, never a heading)
    words = s.split()
    caps = sum(w[:1].isupper() for w in words if len(w) > 3)
    long_words = sum(len(w) > 3 for w in words) or 1
    return len(words) <= 8 or caps / long_words >= 0.6


# A run of dots or ellipses: a table of contents' leader ("BACKGROUND .......... 3") or a
# form's blank to fill in; neither says anything.
_LEADER = re.compile(r"(?:\.\s?){8,}|(?:…\s?){3,}|_{8,}")


def is_leader_line(sentence: str) -> bool:
    return bool(_LEADER.search(sentence))


# An entry of a bibliography ("In Proceedings of ACL 2021, pages 54-59.", "arXiv preprint
# arXiv:2407.21783, 2024."): it names a source, it says nothing a question about the
# document asks. Told by an identifier only a citation carries, or by two of: where in a
# volume (pages, volume), where published (proceedings, a conference, a journal), a year.
# ("The criteria are set out on pages 10-12 of this Guide." is prose: one signal.)
_CITATION_ID = re.compile(r"\barXiv\b|\bdoi:\s*10\.|\bdoi\.org/|\bISBN\b")
_CITATION_SIGNS = (
    re.compile(r"\bpages?\s+\d+\s*[–-]\s*\d+\b|\bpp\.\s*\d+|\bvol\.\s*\d+"),
    # (an entry opens with its venue: "In Proceedings of", "In Pacific-Asia conference on")
    re.compile(r"^\s*In\s+(?!(?:19|20)\d\d\b)(?:Proceedings|Proc\.|.{0,80}?\b(?:[Cc]onference|[Ww]orkshop|"
               r"[Ss]ymposium)\b)|(?<!the )\bJournal of\b|\bTechnical Report\b"),
    re.compile(r"\b(?:19|20)\d\d[a-z]?\b"),
)


def is_reference_entry(sentence: str) -> bool:
    """Whether a sentence is an entry of a bibliography (see ``_CITATION_SIGNS``)."""
    return bool(_CITATION_ID.search(sentence)) or sum(
        bool(sign.search(sentence)) for sign in _CITATION_SIGNS) >= 2


def is_figure_line(sentence: str) -> bool:
    """A row of a table or timetable: short, unpunctuated, with a figure in it (one will
    do: "Online information session 19 January 2027"; a table's row under its column names
    is ``ingest.tables.is_row``)."""
    s = sentence.strip()
    return len(s.split()) <= 12 and not _ENDS.search(s) and bool(_NUMBER.search(s))


# The marking every document of our sample corpus carries (corpus/README.md).
_MARKING = re.compile(r"^Illustrative document written for the Microplomacy sample corpus|"
                      r"^All municipalities, regions, programmes, funders and people are "
                      r"fictional", re.I)


def is_metadata(line: str, title: str = "") -> bool:
    """A line that labels or locates a document instead of saying something in it."""
    s = line.strip()
    if not s:
        return True
    words = s.split()
    # (a short line that gives an e-mail address is a contact, which may be the answer;
    # one with several labels is a document's metadata: "Author: x@y Date: 2020")
    contact = len(_LABEL.findall(" " + s)) <= 1
    if _URL.search(_EMAIL.sub(" ", s) if contact else s) and len(words) <= 12:
        return True
    if len(_UPPER_LABEL.findall(s)) >= 2 or len(_LABEL.findall(s)) >= 3:
        return True  # "SOURCE: x TITLE: y DATE: z"
    if len(_URL.findall(s)) >= 2:
        return True  # a table of file names or links
    if _PAGE_MARK.match(s) or journal_header_date(s):
        return True  # a page's running header or footer
    if _MARKING.search(s):
        return True
    flat = re.sub(r"\W+", " ", s).strip().lower()
    # the title, or a line of it when it wraps
    return bool(title) and len(flat.split()) >= 3 and flat in re.sub(r"\W+", " ",
                                                                     title).strip().lower()


def heads_paragraph(line: str, next_line: str) -> bool:
    """A short line with no closing punctuation over one that starts in capitals ("How to
    apply" | "Applications are ..."): a heading, where it follows a sentence's end."""
    return (len(line.split()) <= 6 and not re.search(r"[.,;:!?]$", line)
            and next_line[:1].isupper())


def split_sentences(text: str, title: str = "") -> list[tuple[str, list[str]]]:
    """Sentences of a passage, each with the list items it introduces.

    Headings and "Label: value" lines stand alone: glued to the next sentence they would
    make a quote that no officer would recognise.
    """
    # the same passages come back question after question: split once (a copy each time,
    # so that no caller changes the cached lists)
    return [(sent, list(items)) for sent, items in _split_sentences(text, title)]


def _row(line: str) -> str:
    """A table's row as a sentence: without the item mark of a numbered row ("3. Impact
    and reach 18 30")."""
    mark = _LIST_ITEM.match(line)
    return (line[mark.end():] if mark else line).strip().rstrip(";,.")


@lru_cache(maxsize=4096)
def _tabled(text: str) -> tuple[str, dict[int, str], frozenset[int]]:
    """A passage's text as the splitter reads it (bullets drawn as private-use characters
    set on lines of their own), with its tables: row line -> what heads its table, and the
    lines that head one (caption, column names), which are no sentences."""
    text = _PUA_BULLET.sub("\n• ", text)
    return (text, *tables.read(text))


def row_headers(text: str) -> dict[str, str]:
    """Each table row ``split_sentences`` gives of ``text`` -> what heads its table (the
    caption, when there is one, and the column names: ``ingest.tables``)."""
    text, rows, _ = _tabled(text)
    lines = text.split("\n")
    return {_row(lines[i].strip()): names for i, names in rows.items()}


@lru_cache(maxsize=8192)
def _split_sentences(text: str, title: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    out: list[tuple[str, list[str]]] = []
    # a table's rows stand alone (read with what heads them: ``row_headers``); its caption
    # and column names are no sentences
    text, rows, heads = _tabled(text)
    lines = [x.strip() for x in text.split("\n")]
    para: list[str] = []

    def flush() -> None:
        if para:
            # sentencex knows abbreviations ("No. 3", "Art. 5", "e.g.") in ~300 languages
            for s in segment("en", " ".join(para)):
                if len(s.split()) >= 3 and not is_metadata(s, title):
                    out.append((s.strip(), []))
            para.clear()

    # the list item the last line began, while its end is not printed yet: a wrapped item
    # goes on in the lines that start in lower case ("• Only 1.01% (3" / "agreements)
    # contained the full string.")
    item_at: tuple[int, int] | None = None
    # the list being read (kept across the blank lines between items of text made from
    # HTML): the number of the numbered clause left open that may introduce it, whether
    # its items end in commas, whether its last item was read
    opened: int | None = None
    separated = closed = False
    # the last line introduced a list or was an item of one (or none was read: a passage
    # cut at a chunk boundary may start in mid-list, "3.in het Land ...")
    listing = True
    # the lines after a sentence ending in a colon are being read as its value
    value_open = False
    for i, line in enumerate(lines):
        if not line:
            flush()
            item_at, value_open = None, False
            continue
        if i in rows or i in heads:
            flush()
            if i in rows:
                out.append((_row(line), []))
            item_at, opened, separated, closed, listing = None, None, False, False, False
            value_open = False  # (a table ends what a colon introduced before it)
            continue
        # an item mark with no space after it, or a dash, counts only in a list ("1.in het
        # ...", "-in België: ..."), never in prose ("community" | "-based project")
        mark = _LIST_ITEM.match(line) or (
            (TIGHT_ITEM.match(line) or _DASH_ITEM.match(line)) if listing else None)
        listing = bool(mark) or bool(re.search(r"[:;,]$", line))
        # (or after a comma, capitalised or not: "Member States: Austria," | "Belgium, ...")
        after_comma = lines[i - 1].endswith(",")
        if item_at is not None and not mark and (line[:1].islower() or after_comma):
            sent, n = item_at
            glue = ", " if after_comma else " "
            if n < 0:
                out[sent] = (f"{out[sent][0]}{glue}{line}".rstrip(";,."), out[sent][1])
            else:
                out[sent][1][n] = f"{out[sent][1][n]}{glue}{line}".rstrip(";,.")
            if re.search(r"[.!?;]$", line):
                item_at = None
            continue
        item_at = None
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        after_sentence = not para or re.search(r"[.!?:;]$", para[-1])
        if not mark:  # anything but an item ends the list being read
            opened, separated, closed = None, False, False
        # what a sentence ending in a colon introduces on lines of their own, unmarked ("...
        # al seguente indirizzo:" | "Catherine WENDT" | "Commissione europea" | ..., an
        # address, a web address, "Deadline:" | "31 March 2011") is its value: no heading
        # and no metadata, but the end of the sentence (no list: an address's lines are one
        # thing), up to a line that is a sentence, introduces a value of its own, opens a
        # wrapped sentence or heads the paragraph after it ("Eligibility criteria" |
        # "Applicants must be registered ...")
        if (not mark and (value_open or (i and lines[i - 1].endswith(":")))
                and len(line.split()) <= VALUE_WORDS and not re.search(r"[.!?:]$", line)
                and (not is_heading(line) or holds(line, "date"))
                and not (nxt[:1].islower() and len(line.split()) > 3)
                and not (heads_paragraph(line, nxt) and not re.search(r"\d", line)
                         and not _CONTACT.search(line)
                         and (re.search(r"[.!?]$", nxt) or len(nxt.split()) > VALUE_WORDS))
                and not (_PAGE_MARK.match(line) or journal_header_date(line))):
            flush()
            if out and not out[-1][1] and (value_open or out[-1][0].endswith(":")):
                sent = out[-1][0]
                out[-1] = (f"{sent}{' ' if sent.endswith(':') else ', '}{line.rstrip(';,')}",
                           [])
                value_open = True
                continue
        value_open = False
        # ("3. Impact and reach 18 30" ends in a table's cells: a row, no heading)
        if is_metadata(line, title) or (is_heading(
                line, next((x for x in lines[i + 1:] if x), "")) and not tables.CELLS.search(line)):
            flush()
            continue
        if (after_sentence and len(line.split()) <= 10 and not re.search(r"[.,;:!?]$", line)
                and ", " not in line and not mark
                and (holds(line, "date") or holds(line, "quantity"))
                and (not nxt or nxt[:1].isupper())):
            # "Online information session 19 January 2027": a row of a timetable or a
            # budget table, which answers on its own; not a heading. A clause ("The model,
            # pre-trained on 70,000" / "UK legal documents, was ...") is prose wrapped.
            flush()
            if len(line.split()) >= 3:
                out.append((line, []))
            continue
        if after_sentence and not mark and heads_paragraph(line, nxt):
            # "How to apply" above a paragraph: a heading, not a sentence (a list's last
            # item, "(2) non-governmental civil society organizations", is an item)
            flush()
            continue
        if _FIELD_LINE.match(line) and len(line.split()) <= 15:
            flush()  # "Publisher: Institute for Local Global Affairs": a field on its own
            out.append((line, []))
            continue
        if mark:
            flush()
            item = line[mark.end():].strip().rstrip(";,.")
            number = _ITEM_NUMBER.match(line)
            # items belong to the sentence that introduces them: one ending in a colon, or
            # a numbered clause left open whose items are numbered afresh ("1. Deze
            # Overeenkomst is van toepassing" | "1.in het Koninkrijk der Nederlanden op
            # provincies en gemeenten,"; not "2. Each Party ..." after a clause 1 that
            # lost its full stop); a list whose items end in commas ends with the item
            # that ends in a full stop
            fresh = opened is not None and not (number and int(number.group(1)) == opened + 1)
            if out and not closed and (out[-1][0].endswith(":") or out[-1][1] or fresh):
                out[-1][1].append(item)
                at = (len(out) - 1, len(out[-1][1]) - 1)
                closed = separated and line.endswith(".")
                separated = bool(re.search(r"[,;]$", line))
                opened = None
            else:
                # a numbered clause of its own is quoted whole, unless it is too long to
                # quote ("2. Delegations ... not more than 8 members ... authorities. The
                # chairman ... 1) The figures given ..."): then each of its sentences is
                # one, and the last one may introduce the items that follow
                pieces = ([s.strip() for s in segment("en", item) if s.strip()]
                          if len(item) > LONGEST_SENTENCE else [item])
                for piece in pieces[:-1]:
                    if len(piece.split()) >= 3:
                        out.append((piece, []))
                out.append((pieces[-1].rstrip(";,.") if pieces else item, []))
                at = (len(out) - 1, -1)
                closed = separated = False
                # (only a numbered clause: a bullet left open is an item of its own)
                opened = (int(number.group(1)) if number and not re.search(r"[.!?;:,)]$", line)
                          else None)
            item_at = None if re.search(r"[.!?;]$", line) else at
            continue
        para.append(line)
    flush()
    return tuple((sent, tuple(items)) for sent, items in out)


def _has_number(text: str, english: bool = True) -> bool:
    """``english``: whether the text may be English; the English number words are no
    numbers in another language (Dutch "ten behoeve van" is "on behalf of")."""
    if english and _NUMBER_WORD.search(text):
        return True
    return any(not _YEAR_ONLY.match(n) for n in _NUMBER.findall(text))


# A number that points into a text ("Article 3", "paragraph 1", "artikel 8", "§ 4"), or
# that numbers a list or a section ("1.het treffen van ...", "6.11 Indication of ..."): no
# quantity of anything.
_REFERENCE = re.compile(
    r"(?:\b(?:articles?|art|paragraphs?|para\.|sections?|chapters?|annex(?:es)?|clauses?|"
    r"points?|pages?|pp?|artikel(?:en)?|lid|leden|articol[oi]|comma|commi|capitolo|punto|"
    r"punti|art[ií]culos?|apartados?|cap[ií]tulo|absatz|abs|kapitel|ziffer|alin[ée]as?)\.?|"
    r"§§?)\s*\d+[a-z]?(?:\(\d+\))*(?:\s*(?:,|-|–|and|or|to|e|o|en|of|tot|und|bis|y|et|à)\s*"
    r"\d+[a-z]?(?:\(\d+\))*)*(?!\w)", re.I)
_ENUMERATOR = re.compile(r"^\s*(?:\(?\d{1,2}[.)](?!\d)|\d{1,2}(?:\.\d{1,2}){1,3}\s+(?=[A-Z]))")
# A share in words: "half of the costs", "two-thirds", "la metà", "de helft"; not "third
# countries", "the first quarter", "half-day"
_FRACTION = re.compile(
    r"\bhalf\b(?!-)|\b(?:one|two|a)[-\s](?:third|quarter|fifth)s?\b|\bthree[-\s]quarters\b|"
    r"\b(?:la\s+)?met[àa]\b|\b(?:un|due)\s+terz[oi]\b|\bun\s+quarto\b|\bde\s+helft\b|"
    r"\b(?:een|twee)\s+derde\b|\been\s+kwart\b|\bla\s+mitad\b|\b(?:un|dos)\s+tercios?\b|"
    r"\bun\s+cuarto\b|\bla\s+moiti[ée]\b|\b(?:un|deux)\s+tiers\b|\b(?:die\s+)?h[äa]lfte\b|"
    r"\b(?:ein|zwei)\s+drittel\b|\bein\s+viertel\b", re.I)


def _without_dates_and_ids(text: str) -> str:
    """A sentence's numbers that can be a quantity: not a date's, nor an identifier's
    ("Funding round: CBG-2027-01"), nor a reference's or a list's ("Article 3"), unless the
    list's number is a sum or a share ("2.5 Millionen Euro", "12.5 Prozent")."""
    lead = _ENUMERATOR.match(text)
    if lead and not any(a.start < lead.end() for a in find_amounts(text)) and not any(
            start < lead.end() for _, start, _ in find_percents(text)):
        text = " " + text[lead.end():]
    text = _REFERENCE.sub(" ", text)
    return date_pattern().sub(" ", CODE.sub(" ", text))


def type_score(text: str, kind: str, language: str = "") -> float:
    """How well a sentence holds the kind of thing a question asks for, 0 to 1: for a
    quantity, an amount or a percentage counts fully, any other number (not a year or a
    date) half. ``language``: the sentence's, "" when unknown."""
    if kind == "quantity":
        if find_amounts(text) or find_percents(text):
            return 1.0
        return 0.5 if _has_number(_without_dates_and_ids(text),
                                  english=language in ("", "en")) else 0.0
    return 1.0 if holds(text, kind) else 0.0


# The kinds of answer a question asks for that the parsers find (cheap, for every sentence),
# that spaCy's entities find (only for the sentences the embedder weighs), and that a
# figure, written in a sentence, gives.
PARSED_KINDS = ("date", "duration", "length", "frequency", "quantity", "list", "contact")
ENTITY_KINDS = ("agent", "place")
FIGURE_KINDS = ("date", "duration", "length", "frequency", "quantity")


def as_figures(text: str, kind: str, language: str) -> str:
    """A sentence as the type checks read it: a time or a length written in words of its
    language in figures ("tre pagine" -> "3 pagine", "drie maanden" -> "3 maanden")."""
    return digits(text, language) if kind in ("duration", "length") and language else text


def holds(text: str, kind: str, english: bool = True) -> bool:
    """Whether a sentence holds the kind of thing a question asks for. ``english``: whether
    the sentence may be English (its English number words then count as figures)."""
    if kind == "date":
        return bool(find_dates(text))
    if kind == "duration":  # "how long": a time or a length ("18 months", "3 pages")
        return bool(measure_pattern().search(text))
    if kind == "length":  # "the page limit": a length, never a time
        return bool(length_pattern().search(text))
    if kind == "quantity":
        return bool(find_amounts(text) or find_percents(text) or _has_number(text, english))
    if kind == "percent":  # a share: "40%", "40 per cento", "half"
        return bool(find_percents(text) or _FRACTION.search(text))
    if kind == "money":  # a sum, or the rate of a cost that gives it
        return bool(find_amounts(text) or find_percents(text) or _FRACTION.search(text))
    if kind == "frequency":
        return bool(frequency_pattern().search(text) or find_percents(text))
    if kind == "list":
        return text.count(";") >= 2 or text.count(",") >= 3
    if kind == "contact":
        return bool(_CONTACT.search(text))
    if kind in _CONTACTS:
        return bool(_CONTACTS[kind].search(text))
    if kind in ("agent", "place"):
        labels = {"agent": {"PERSON", "ORG", "NORP"}, "place": {"GPE", "LOC", "FAC"}}[kind]
        return bool(entity_labels(text) & labels)
    return False


def holds_beyond(text: str, kind: str, asked: str, language: str = "") -> bool:
    """Whether a sentence holds the kind of thing a question asks for beyond what the
    question itself says: to "How many of the 298 agreements ...?", "298 agreements" is
    no answer, nor is the day of "signed on October 7, 2025". ``language``: the
    sentence's, "" when unknown."""
    if kind in ("quantity", "percent", "money"):
        text = _without_dates_and_ids(text)
        for n in set(_NUMBER.findall(asked)):
            text = re.sub(rf"(?<![\w.,]){re.escape(n)}(?![\w]|[.,]\d)", " ", text)
    # (a passage's own number words, "dodici sovvenzioni", are not read: with them, "how
    # many inhabitants?" was answered by a Portuguese sentence that counts something else,
    # the counted noun being unknown in that language)
    return holds(text, kind, english=language in ("", "en"))


# What stands around a word in running text: punctuation and quotes.
WORD_EDGE = ".,;:()[]\"'’“”"


def is_figure(word: str, after: str = "") -> bool:
    """Whether one word of a text is a figure: digits ("97", "6,000", "100+", "~100"), or a
    number in words ("twelve"), but not the pronoun "one" ("one another", "one of them";
    ``after``: the next word) nor a footnote's mark on a word ("purposes.4")."""
    bare = word.strip(WORD_EDGE + "+~≈<>")
    if bare.lower() == "one" and after.lower().strip(".,;:") in ("another", "of", "or"):
        return False
    return bool(_NUMBER.fullmatch(bare) or _NUMBER_WORD.fullmatch(bare))


def holds_count(text: str, asked: str, language: str = "") -> bool:
    """Whether a sentence holds a count ("12 projects", "two originals", "dodici
    sovvenzioni") beyond the question's own figures: a figure that is no amount of money,
    share, date or id. ``language``: the sentence's, "" when unknown."""
    spans = [(a.start, a.end) for a in find_amounts(text)]
    spans += [(start, end) for _, start, end in find_percents(text)]
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + " " + text[end:]
    return holds_beyond(text, "quantity", asked, language)


@lru_cache(maxsize=4096)
def entity_labels(text: str) -> frozenset[str]:
    from ingest.extract.patterns import get_nlp

    return frozenset(e.label_ for e in get_nlp()(text[:1000]).ents)


# Completing a passage cut at a chunk boundary (assistant.passages).
SENTENCE_END = re.compile(r"[.!?:;\"'\u201d]\s*$")
# The rest of a sentence cut at a chunk boundary: up to its full stop, within one paragraph.
FIRST_SENTENCE = re.compile(r"[^\n]{0,400}?[.!?](?=\s|$)")
# The start of a sentence cut at a chunk boundary: after the last full stop or blank line.
LAST_SENTENCE_START = re.compile(r"(?:[.!?]\s+|\n\s*\n|^)([A-Z][^.!?]{0,400})\s*$")
# One sentence from where the last ended; a dot inside a figure ("1.200.000", "16.9.2002")
# ends nothing.
_NEXT_SENTENCE = re.compile(r"\s*(\S.{0,400}?[.!?])(?=\s|$)")
# A footnote's first line: a marker ("1", "(1)", "*") and a capitalised word.
_NOTE_MARK = re.compile(r"^(?:\(\s*\d{1,2}\s*\)|\d{1,2}|[*\u2020])\s+[A-Z]")


def leading_items(text: str, limit: int = 12) -> list[str]:
    """The list items a chunk opens with ("- Public Health: ...", "b) ..."), up to the
    first line that is not one: the rest of a list the chunk before it began."""
    out: list[str] = []
    for line in text.lstrip("\n").split("\n"):
        if not _LIST_ITEM.match(line) or len(out) >= limit:
            break
        out.append(line.rstrip())
    return out


def past_overlap(before: str, after: str) -> str:
    """``after`` (the next chunk) from where ``before`` ends: chunks share a few words at
    their boundary, which must not be read twice."""
    for size in (80, 40, 20):
        tail = before.rstrip()[-size:].strip()
        at = after.find(tail) if len(tail) >= 12 else -1
        if 0 <= at < 200:
            return after[at + len(tail):]
    return after


def ends_in_list(text: str) -> bool:
    """Whether a passage's last line is an item of a list."""
    lines = [x for x in text.rstrip().split("\n") if x.strip()]
    return bool(lines) and bool(_LIST_ITEM.match(lines[-1]))


def is_list_item(line: str) -> bool:
    """Whether a line is an item of a list, its mark with or without a space after it."""
    return bool(_LIST_ITEM.match(line) or TIGHT_ITEM.match(line) or _DASH_ITEM.match(line))


def trailing_list(text: str, opening: str, limit: int = 12) -> str:
    """The list a chunk ends in, from the sentence that introduces it ("1. Deze
    Overeenkomst is van toepassing" | "1.in het Koninkrijk ... gemeenten," | "2.in het Land
    ..."), when the next chunk's first line (``opening``) goes on with it: an item of the
    same mark, numbered next; "" otherwise."""
    lines = text.rstrip().split("\n")
    j, items = len(lines) - 1, []
    while j >= 0 and (not lines[j].strip() or is_list_item(lines[j])):
        if lines[j].strip():
            items.append(lines[j])
        j -= 1
    if not items or len(items) > limit or j < 0 or not _goes_on(items[0], opening):
        return ""
    # the introducing sentence from its start: the lines back to one that ends a sentence
    while j > 0 and lines[j - 1].strip() and not re.search(r"[.!?:;]$", lines[j - 1].strip()):
        j -= 1
    return "\n".join(lines[j:]).strip()


def _goes_on(last: str, opening: str) -> bool:
    """Whether ``opening`` is the item after ``last``: numbered next ("2.in" | "3.in"), or
    marked alike ("- travel" | "- subsistence")."""
    a, b = _ITEM_NUMBER.match(last), _ITEM_NUMBER.match(opening)
    if a or b:
        return bool(a and b) and int(b.group(1)) == int(a.group(1)) + 1
    return last.lstrip()[:1] == opening.lstrip()[:1]


def split_trailing_note(text: str) -> tuple[str, str]:
    """A page's footnote (up to four lines) after its last, unfinished sentence, taken off
    the passage: ("... 2% to 10% of the value of", "\\n1 Official Journal L 248 ...").
    A note follows a blank line, or is a finished line of four words or more; a line that
    opens with a date ("30 September 2011 at the") or an unfinished list item is text."""
    lines = text.rstrip().split("\n")
    for k in range(1, min(4, len(lines) - 1) + 1):
        first = lines[-k].strip()
        if not _NOTE_MARK.match(first):
            continue
        body = "\n".join(lines[:-k]).rstrip()
        note = " ".join(ln.strip() for ln in lines[-k:])
        blank = not lines[-k - 1].strip()
        finished = len(note.split()) >= 4 and note.endswith((".", ")"))
        dated = any(h.start == 0 for h in find_dates(first[:40]))
        if body and (blank or finished) and not dated and not SENTENCE_END.search(body):
            return body, "\n" + "\n".join(lines[-k:])
    return text, ""


def rest_of_sentence(following: str, goes_on: Callable[[str], bool]) -> list[str]:
    """The end of a sentence cut at a chunk boundary, from the next chunk, and the
    sentences of its paragraph that ``goes_on`` from it ("... of the grant being awarded.
    This rate may be increased to 4% to 20% ..."): cut off, they are never read beside it."""
    paragraph = " ".join(following.split("\n\n", 1)[0].split())
    m = _NEXT_SENTENCE.match(paragraph)
    if not m:
        return []
    out = [m.group(1)]
    for _ in range(2):
        nxt = _NEXT_SENTENCE.match(paragraph, m.end())
        if not nxt or not goes_on(nxt.group(1)):
            break
        out.append(nxt.group(1))
        m = nxt
    return out
