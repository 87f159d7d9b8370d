"""What the agreement itself says: its provisions as units to quote, and its signatories
with their titles as printed."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from assistant import spaces
from assistant.letters.model import Person
from assistant.letters.wording import (
    HEADING,
    HONORIFICS,
    ITEM,
    NON_PROVISION,
    NUM_HEADING,
    SKIP_UNIT,
    clean_text,
    dedupe_lines,
    fold,
    is_english,
    mentions,
)
from assistant.library import Library
from assistant.parties import place_of
from assistant.sentences import FIRST_SENTENCE, SENTENCE_END, heads_paragraph, past_overlap
from ingest.chunk import is_heading
from ingest.registry import DocRecord


@dataclass
class Unit:
    """A sentence or list item of an agreement, with its article and page."""

    text: str  # as quoted in the facts: the lead-in "…" the item for list items
    item: str  # what is compared with the proposal
    quote_text: str  # as quoted in the letter
    page: int | None
    label: str
    is_area_item: bool = False
    foreign: bool = False  # in the agreement's own language, which is not English


def agreement_units(library: Library, rec: DocRecord) -> list[Unit]:
    """The English sentences and list items of an agreement, in document order; when it
    has no English text, those in its own language (``foreign``), provided the store's
    embedder can match an English request to them (``assistant.spaces``)."""
    rows = _chunk_rows(library, rec)
    units = _agreement_units(rows, rec, any_language=False)
    if spaces.calibration(library) is None:
        return units
    every = _agreement_units(rows, rec, any_language=True)
    # a bilingual text quotes its English half; a Dutch treaty with an English note or two
    # is quoted in Dutch
    if 3 * len(units) >= len(every):
        return units
    return [replace(u, foreign=True) for u in every]


def _chunk_rows(library: Library, rec: DocRecord) -> list[tuple[str, str, dict]]:
    """The agreement's passages as (id, text, metadata), in document order."""
    where: dict = {"doc_id": rec.doc_id}
    if rec.section_pages:  # one agreement of several in the document: its pages only
        where = {"$and": [where, {"page": {"$in": list(rec.section_pages)}}]}
    got = library.store.chunks.get(where=where, include=["documents", "metadatas"])
    return sorted(zip(got["ids"], got["documents"] or [], got["metadatas"] or [], strict=True),
                  key=lambda r: (r[2].get("page") or 0, int(r[2].get("chunk_index", 0) or 0),
                                 r[0]))


def _agreement_units(rows: list[tuple[str, str, dict]], rec: DocRecord,
                     any_language: bool) -> list[Unit]:
    areas = {fold(str(a)) for a in rec.field_value("areas") or []}
    units: list[Unit] = []
    label = ""
    bodies = [((text or "")[int(meta.get("header_chars", 0)):], meta.get("page"))
              for _cid, text, meta in rows]
    for i, (body, page) in enumerate(bodies):
        nxt = bodies[i + 1][0] if i + 1 < len(bodies) else ""
        if body.strip() and not SENTENCE_END.search(body) and (
                rest := past_overlap(body, nxt).lstrip())[:1].islower():
            # a sentence cut at the chunk boundary ("... municipal, environmental," |
            # "professional, technical, youth, ... trade and commerce ..."): finished from
            # the next chunk, whose opening words then start no sentence of their own
            end = FIRST_SENTENCE.match(rest)
            body = body.rstrip() + " " + " ".join((end.group(0) if end else rest).split())
        label, new = _units_of(body, page, label, areas, any_language)
        units.extend(new)
    unique: dict[str, Unit] = {}
    for u in units:  # the same clause can sit in two overlapping chunks
        unique.setdefault(u.text, u)
    # The preamble ("Recalling...", "WHEREAS...") states history, not what the parties
    # agreed: only text under an article or numbered section counts as a provision.
    labelled = [u for u in unique.values() if u.label]
    return labelled or list(unique.values())


def _units_of(body: str, page: int | None, label: str, areas: set[str],
              any_language: bool = False) -> tuple[str, list[Unit]]:
    """Split one chunk into sentences, clauses and list items, each under its heading."""
    def wanted(text: str) -> bool:
        return any_language or is_english(text)

    units: list[Unit] = []
    para: list[str] = []
    lead = ""
    in_item = False

    def flush() -> None:
        nonlocal lead
        text = clean_text(" ".join(para))
        para.clear()
        if not text:
            return
        # Sentences, and the clauses of a preamble or list joined by semicolons.
        for sent in re.split(r"(?<=[.!?;])\s+(?=[A-Z“\"])", text):
            sent = sent.strip()
            if (len(sent.split()) >= 5 and sent[0].isupper() and wanted(sent)
                    and not SKIP_UNIT.search(sent)):
                units.append(Unit(sent, sent, sent, page, label))
        lead = text if text.endswith(":") else ""

    lines = [x.strip() for x in body.split("\n")]
    for i, line in enumerate(lines):
        if not line:
            continue
        heading = HEADING.match(line) if len(line) < 90 else None
        numbered = NUM_HEADING.match(line) if not line.endswith((".", ";", ":")) else None
        if NON_PROVISION.match(line) and len(line) < 90:
            flush()
            lead, in_item, label = "", False, ""
            continue
        if heading or numbered:
            flush()
            lead, in_item = "", False
            label = (f"{heading.group(1).title()} {heading.group(2)}" if heading
                     else f"section {numbered.group(1)}")  # type: ignore[union-attr]
            continue
        nxt = next((x for x in lines[i + 1:] if x), "")
        # (before any article: a line under one, or after "the following areas:", may be
        # an item of an unbulleted list, "Culture and education")
        after_sentence = not para or re.search(r"[.!?;]$", para[-1])
        if after_sentence and not label and not ITEM.match(line) and (
                is_heading(line, nxt) or heads_paragraph(line, nxt)):
            # a title or heading over the text of a scan ("THE NEW YORK CITY-LONDON SISTER
            # CITY PARTNERSHIP" | "Memorandum of Understanding"): no words of a provision
            flush()
            in_item = False
            continue
        if ITEM.match(line):
            flush()
            item = ITEM.sub("", line).strip().rstrip(";.,")
            in_item = bool(item) and wanted(lead or item)
            if in_item:
                units.append(_item_unit(item, lead, page, label, fold(item) in areas))
            continue
        if in_item and line[:1].islower():
            # a list item wrapped onto the next line
            last = units[-1]
            units[-1] = _item_unit(f"{last.item} {line.rstrip(';.,')}", lead, page, label,
                                   last.is_area_item)
            continue
        in_item = False
        if (not label and len(para) >= 2 and line[:1].isupper() and len(line.split()) > 6
                and all(len(x.split()) <= 6 and not re.search(r"[.;:!?]$", x) for x in para)):
            # a title set line by line over a scan's text ("Sister City Agreement" |
            # "between the" | "City of Long Beach" | ...): the first sentence starts here
            para.clear()
        para.append(line)
    flush()
    return label, units


def _item_unit(item: str, lead: str, page: int | None, label: str, is_area: bool) -> Unit:
    """A list item quoted with its lead-in: "The Signatories intend to … support ..."."""
    if not lead:
        return Unit(item, item, item, page, label, is_area)
    return Unit(f"{lead} … {item}", item, f"{lead.rstrip(':').strip()} … {item}", page, label,
                is_area)


def article_for(units: list[Unit], *needles: str) -> str:
    """The article of the first unit containing one of the needles (the clause first); a
    list quoted whole ("The Signatories intend to: appoint ...; hold ...") is found by its
    first item, each item being a unit of its own."""
    needles = tuple(n for needle in needles
                    for n in (needle, *re.split(r"[:;]\s+", needle)[1:2])
                    if n and (n == needle or len(n.split()) >= 4))
    for needle in needles:
        key = fold(clean_text(needle))[:80]
        hit = next((u for u in units if key and (key in fold(u.text) or fold(u.text) in key)
                    and u.label), None)
        if hit:
            return hit.label
    return ""


def signing_sentence(page_text: str, year: str) -> str:
    flat = clean_text(page_text)
    m = re.search(rf"(?:Signed|Done|Assinado|IN WITNESS WHEREOF)[^.]*?\b{year}\b[^.]*\.", flat)
    return m.group(0) if m else ""


def signatories(rec: DocRecord, page_text: str = "") -> list[Person]:
    """Signatories with their titles as printed: "For the Town of X: Dr. Name, Title" on the
    signature page (the field's evidence is cut short), else a signature table (a names row
    and a titles row) from the evidence."""
    names = [str(n) for n in rec.field_value("signatories") or []]
    parties = [str(p) for p in rec.field_value("parties") or rec.partners]
    evidence = clean_text(rec.fields.get("signatories", {}).get("evidence", ""))
    segments = dedupe_lines([s.strip() for s in evidence.split(" / ") if s.strip()])
    # Each "For ...:" block of the page, up to the next one; wrapped lines are joined.
    blocks = re.split(r"(?=\b(?:For|On behalf of|Pel[oa])\s+(?:the\s+|o\s+|a\s+)?[A-ZÀ-Þ])",
                      clean_text(page_text))
    people: list[Person] = []
    for seg in [*blocks, *segments]:
        person = _person_in(seg.strip(), names, parties)
        if person and all(p.name != person.name for p in people):
            people.append(person)
    if not people and len(segments) >= 2 and all(n in segments[0] for n in names):
        people = _table_signatories(names, parties, segments[0], segments[1])
    return people


def _person_in(block: str, names: list[str], parties: list[str]) -> Person | None:
    m = re.match(r"^(?:For|On behalf of)\s+(?:the\s+)?(.+?):\s*(.+)$", block)
    if not m:
        return None
    party = next((p for p in parties if mentions(m.group(1), place_of(p)) >= 0), "")
    name = next((n for n in names if n in m.group(2)), "")
    if not party or not name:
        return None
    before, after = m.group(2).split(name, 1)
    before, after = before.strip(" *"), after.strip(" *,")
    # The title runs to the end of the block; a sentence after it is not part of it.
    after = re.split(r"(?<=[a-z)])\.\s+(?=[A-Z])", after)[0].rstrip(".")[:120]
    honorific = before if fold(before) in HONORIFICS else ""
    title = after or (before if not honorific else "")
    return Person(name, honorific, title, party, block)


def _table_signatories(names: list[str], parties: list[str], names_row: str,
                       titles_row: str) -> list[Person]:
    """A names row and a titles row: each title ends with "of <party's place>"."""
    people = []
    rest = titles_row
    for name, party in zip(names, parties, strict=False):
        m = re.match(rf"(.*?\bof\s+(?:the\s+)?{re.escape(place_of(party))})\b", rest)
        title = m.group(1).strip() if m else ""
        rest = rest[m.end():].strip() if m else rest
        people.append(Person(name, "", title, party, f"{names_row} / {titles_row}"))
    return people
