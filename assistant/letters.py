"""Outreach letters to partner mayors, built only from the agreement and open funding calls.

    writer = LetterWriter(library, today=date(2026, 11, 22))
    letter = writer.run("letter from our Mayor to the Mayor of our partner town Vila Serena "
                        "proposing an exchange of planning staff next spring, referring to our MoU")
    print(letter.to_markdown())
    letter.to_docx("letter.docx")

How a letter is made:
1. The agreement: the partner the request (or `recipient`) names is matched against the parties
   of the stored agreements (`mou` records), then against their countries; when the request
   names no partner at all, the best passage of a retrieval over agreements decides, with a
   warning that the officer should check the choice.
2. Facts, each with its document, page and the document's own words: the agreement's title,
   signing date and place, expiry when it has passed, the signatories with their titles as
   printed, the areas of cooperation and the provision that best support the proposal, and the
   implementing body; and, when one fits, an open grant call (theme close in meaning to the
   proposal, open on `today`, both partners' countries eligible): programme, funder, amount per
   project with currency, deadline with time and time zone, partnership rule.
3. The letter: the template `prompts/letter_en.md` filled with those facts and the officer's
   own words for the proposal (never embellished: "next spring" stays "next spring"). With a
   language model configured, the model writes the letter from the same numbered facts
   (`prompts/letter_system.md`, `prompts/letter_user.md`); the grounding guard then checks
   every date, amount, number and name of the generated letter against the facts, the request
   and the template's own fixed wording. Unsupported facts are marked in the text and listed in
   `warnings`; a letter that is mostly unsupported, or an endpoint that fails, gives the
   template letter with a warning instead.

Names: a partner is addressed by name ("Dear Mayor Amaral,") only when the agreement states
the name and the title shows the person is the mayor (or the office the request names);
otherwise "Dear Mayor,". Names come from the agreement, so a warning always asks the officer to
check that the people still hold office.

A partner we have no agreement with: the letter is REFUSED (`Letter.refused`, mode
"refused"), with a message naming the partner and the agreements that are stored. A letter
to a foreign mayor "referring to our MoU" when no MoU is stored would either invent one or
silently drop what the officer asked for; most often the agreement was never loaded or the
name is misspelt, and the officer is better served by being told so.
"""

from __future__ import annotations

import html
import logging
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pycountry
from babel.languages import get_official_languages

from assistant.ask import Assistant
from assistant.facts import fact_lines, human_date, money
from assistant.guard import CITATION_RE, GroundingGuard, GuardReport
from assistant.library import Library
from assistant.prompts import load_prompt, render_prompt
from assistant.retrieve import Filters, terms
from assistant.status import agreement_status, call_status
from assistant.types import Citation, Passage
from ingest.countries import country_names, english_name
from ingest.extract.patterns import ROLE_RE
from ingest.injection import fence_instructions
from ingest.registry import DocRecord

log = logging.getLogger(__name__)

TEMPLATE = "letter_en"
# Similarity floors (MiniLM cosine), set on the sample corpus: the proposal must be this close
# to one of a call's themes for the call to be suggested (a call's whole text is too diluted:
# "exchange of firefighters" came within 0.39 of a climate call), to an area for the area to
# be named, and to a sentence of the agreement for it to be quoted as the supporting provision.
CALL_THEME_MIN = 0.45
AREA_MIN = 0.45
AREA_MIN_WITH_WORD = 0.33
PROVISION_MIN = 0.42
LEXICAL_WEIGHT = 0.2

_PLACE_PREFIX = re.compile(
    r"^(?:the\s+)?(?:(?:regional\s+district|town|city|municipality|commune|comune|gmina|region|"
    r"county|prefecture|district|province|state|borough|village|parish)\s+(?:of|di|de|du)\s+)",
    re.IGNORECASE)
_PLACE_SUFFIX = re.compile(r"\s+(?:municipality|prefecture|region|county|commune|city|town)$",
                           re.IGNORECASE)
_MAYOR_TITLE = re.compile(
    r"\bmayor\b|b[üu]rgermeister|\bsindac[oa]\b|\bw[óo]jt\b|\bpresident[ea]?\s+municipal\b|"
    r"president of the municipal chamber|presidente da c[âa]mara|\bmaire\b|\balcaldes?a?\b",
    re.IGNORECASE)
_OFFICE_IN_REQUEST = re.compile(
    r"\bto\s+(?:the|our|their)\s+(mayor|governor|chair|president|town manager)\b", re.IGNORECASE)
_SENDER_OFFICE = re.compile(
    r"\bfrom\s+(?:the|our)\s+(mayor|governor|chair|president|town manager)\b", re.IGNORECASE)
_HONORIFICS = {"dr.", "dr", "hon.", "avv.", "councillor", "vereadora", "vereador", "prof.",
               "mr", "mr.", "mrs", "mrs.", "ms", "ms."}
# Two surnames, the first one used in address ("Presidenta Herrera Vázquez", never
# "Vázquez"): the custom of the countries whose official language is Spanish (CLDR).
@cache
def _double_surname_countries() -> frozenset[str]:
    return frozenset(english_name(c.alpha_2) for c in pycountry.countries
                     if "es" in get_official_languages(c.alpha_2, de_facto=True))


_NAME = r"[A-ZÀ-Þ][\w'’-]+(?:\s+(?:de|da|do|di|del|la|las|los|am|an|der|sur)?\s*[A-ZÀ-Þ][\w'’-]+)*"
# Where a request names the partner: "partner town X", "Mayor of X", "to X", "with X".
_PARTNER_CUE = re.compile(
    rf"(?:(?:partner|twin|sister|friendship|twinned)\s+(?:town|city|municipality|region|"
    rf"commune|prefecture)\s+(?:of\s+)?|\b(?:mayor|governor|president|chair)\s+of\s+(?:the\s+)?"
    rf"(?:(?:town|city|municipality|commune|region)\s+of\s+)?|\b(?:to|with)\s+(?:the\s+)?"
    rf"(?:(?:town|city|municipality|commune|region)\s+of\s+)?)(?-i:({_NAME}))", re.IGNORECASE)
_NOT_PLACES = {"mayor", "mou", "our", "the", "their", "governor", "chair", "president",
               "agreement", "memorandum", "letter", "council", "committee", "dear", "we",
               "i", "january", "february", "march", "april", "may", "june", "july", "august",
               "september", "october", "november", "december", "spring", "summer", "autumn",
               "winter", "christmas", "easter", "town", "city", "municipality"}
# What the officer asks the letter to do -> the template parts "proposal_KIND", "subject_KIND".
_VERBS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b(?:propos(?:ing|e)|suggest(?:ing)?)\s+(?:that\s+)?", re.I), "propose"),
    (re.compile(r"\binvit(?:ing|e)\s+(?:(?:the|their|your)\s+(?:mayor|governor|chair|president|"
                r"town manager)\s*|them\s+|him\s+|her\s+)?", re.I), "invite"),
    (re.compile(r"\bthank(?:ing)?\s+(?:(?:them|him|her|the \w+|their \w+)\s+)?(?:for\s+)?",
                re.I), "thank"),
    (re.compile(r"\bask(?:ing)?\s+(?:(?:them|him|her|the \w+|their \w+)\s+)?", re.I), "ask"),
    (re.compile(r"\b(?:about|regarding|concerning|on the subject of)\s+", re.I), "about"),
]
# The request's own pointer to the agreement is not part of the proposal.
_PROPOSAL_END = re.compile(
    r"\s*[,;]?\s+(?:and\s+)?(?:referring|refer|with reference|citing|mentioning|based on|"
    r"in line with|according to|as (?:provided|foreseen))\b.*$|[.\s]+$", re.IGNORECASE)
_EN_WORDS = set("the of and to in a by for shall will be this with on is are any each may "
                "other which from an as at".split())
_OTHER_WORDS = set("de da do das dos e o os as em que com para por um uma na no nas nos ao "
                   "é são il di della del la le und der die das von zu".split())
_HEADING = re.compile(r"^(?:#+\s*)?(Article|Paragraph|Section|Artigo|Artículo|Articolo|Artikel|"
                      r"Artykuł|Artikel)\s+([\dIVXLC]+)\b", re.IGNORECASE)
_NUM_HEADING = re.compile(r"^(?:#+\s*)?(\d{1,2})\.\s+([A-Z][\w'’-]*(?:\s+[\w'’-]+){0,5})$")
_ITEM = re.compile(r"^(?:[-•*]\s+|\d{1,2}[.)]\s+(?=[a-z]))")
_SKIP_UNIT = re.compile(r"illustrative document|^for the\b|^signed at|^done at|in witness|"
                        r"hereinafter|^signatures?$", re.IGNORECASE)
_GENERIC_WORDS = {"exchange", "exchanges", "visit", "visits", "joint", "next", "first", "our",
                  "their", "your", "town", "towns", "city", "partner", "proposal", "propose",
                  "cooperation", "agreement", "between", "both", "letter", "mayor", "spring",
                  "summer", "autumn", "winter", "year", "month", "week", "dates", "date",
                  "intent", "memorandum", "charter", "foreseen", "provided", "provides",
                  "understanding", "friendship", "sister", "twinning"}
# Headings after which the text is not a provision: signature blocks, annexes, file notes.
_NON_PROVISION = re.compile(r"^(?:signatures?|assinaturas|firmas|registry note|file note|note\b|"
                            r"annex|appendix|schedule|parte?\s+[IVX\d]+\b)", re.IGNORECASE)
# The request's pointers to the agreement and its timing are not what the proposal is about.
_NOT_TOPIC = re.compile(
    r"\b(?:foreseen|provided(?: for)?|set out|envisaged|mentioned|agreed)\s+(?:in|by|under)\s+"
    r"(?:our|the)\s+(?:letter of intent|mou|memorandum(?: of understanding)?|agreement|charter)"
    r"\b|\b(?:our|the)\s+(?:mou|agreement|memorandum|charter|letter of intent)\s+provides"
    r"(?:\s+for)?\b|\b(?:next|this|coming)\s+(?:spring|summer|autumn|fall|winter|year|month|"
    r"week)\b|\bin\s+20\d\d\b", re.IGNORECASE)
_OTHER_AREAS = re.compile(r"\bother (?:areas|fields)\b.*\b(?:added|agreed|included)\b", re.I)


def fold(text: str) -> str:
    """Lower case without accents, single spaces: "Fjällmora" matches "Fjallmora"."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", plain).strip().lower()


def place_of(party: str) -> str:
    """The distinctive name of a party: "Municipality of Vila Serena" -> "Vila Serena"."""
    return _PLACE_SUFFIX.sub("", _PLACE_PREFIX.sub("", party.strip())).strip()


def mentions(text: str, name: str) -> int:
    """Position of `name` as whole words in `text` (accents and case ignored), or -1."""
    if not name:
        return -1
    m = re.search(rf"(?<!\w){re.escape(fold(name))}(?!\w)", fold(text))
    return m.start() if m else -1


def _words(text: str) -> set[str]:
    """Content words cut to 5 letters, so that "cultural" meets "culture"."""
    return {w[:5] for w in re.findall(r"[a-zà-ÿ]{4,}", text.lower()) if w not in _GENERIC_WORDS
            and w not in _EN_WORDS}


def _is_english(text: str) -> bool:
    words = re.findall(r"[a-zà-ÿ]+", text.lower())
    return sum(w in _EN_WORDS for w in words) > sum(w in _OTHER_WORDS for w in words)


def _clean(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"^…\s*", "", text)


def _join_list(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# --- data -----------------------------------------------------------------------------------


@dataclass
class LetterFact:
    """One thing the letter states, with the document, page and words that support it."""

    n: int
    name: str
    text: str
    source: str
    page: int | None
    quote: str
    doc_id: str = ""
    title: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"n": self.n, "name": self.name, "text": self.text, "source": self.source,
                "page": self.page, "quote": self.quote, "title": self.title}

    def citation(self) -> Citation:
        return Citation(self.n, self.source, self.page, self.quote, self.doc_id, self.title)


@dataclass
class Person:
    name: str
    honorific: str
    title: str
    party: str
    quote: str

    @property
    def is_mayor(self) -> bool:
        return bool(_MAYOR_TITLE.search(self.title))

    def holds(self, office: str) -> bool:
        if office.lower() == "mayor":
            return self.is_mayor
        return office.lower() in self.title.lower()

    def surname(self, country: str | None) -> str:
        parts = self.name.split()
        if len(parts) >= 3 and country in _double_surname_countries():
            return " ".join(parts[-2:])
        return parts[-1]

    @property
    def display(self) -> str:
        return f"{self.honorific} {self.name}".strip()


@dataclass
class Letter:
    text: str
    subject: str
    sender: str
    recipient: str
    citations: list[Citation] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    facts: list[dict[str, Any]] = field(default_factory=list)
    mode: str = "template"  # template | llm | refused
    agreement: str = ""  # source file of the agreement the letter refers to
    date: str = ""
    given: list[str] = field(default_factory=list)  # the request, and sender/recipient given

    def evidence(self) -> list[Passage]:
        """What this letter may state (see `letter_evidence`): for checking it again later."""
        return letter_evidence(self.facts, self.given, self.date)

    @property
    def refused(self) -> bool:
        return self.mode == "refused"

    def to_json(self) -> dict[str, Any]:
        return {
            "letter": self.text,
            "subject": self.subject,
            "sender": self.sender,
            "recipient": self.recipient,
            "citations": [c.to_json() for c in self.citations],
            "warnings": list(self.warnings),
            "facts": list(self.facts),
            "mode": self.mode,
            "refused": self.refused,
            "agreement": self.agreement,
        }

    def sources_lines(self) -> list[str]:
        """One line per source: document title (file), page: “quote”."""
        return [f"{c.title or c.source} ({c.source})"
                f"{', page ' + str(c.page) if c.page is not None else ''}: “{c.quote}”"
                for c in self.citations]

    def to_markdown(self, notes: bool = True) -> str:
        """The letter, then its sources; with `notes`, the warnings for the officer."""
        out = [self.text.rstrip()]
        if self.citations:
            out.append("---\n\n**Sources**\n\n" + "\n".join(
                f"{c.n}. {line}" for c, line in zip(self.citations, self.sources_lines(),
                                                     strict=True)))
        if notes and self.warnings and not self.refused:
            out.append("**Check before sending** (not part of the letter)\n\n" +
                       "\n".join(f"- {w}" for w in self.warnings))
        return "\n\n".join(out) + "\n"

    def to_docx(self, path: str | Path) -> Path:
        """The letter as a Word file: one paragraph per block, the subject in bold, sources as
        a numbered list at the end. A refused letter has nothing to export."""
        if self.refused:
            raise ValueError(f"no letter to export: {self.text}")
        from docx import Document
        from docx.shared import Pt

        doc = Document()
        doc.styles["Normal"].font.size = Pt(11)
        for block in re.split(r"\n\s*\n", self.text.strip()):
            para = doc.add_paragraph()
            for i, line in enumerate(block.split("\n")):
                if i:
                    para.add_run().add_break()
                _add_runs(para, line.rstrip())
        if self.citations:
            doc.add_paragraph().add_run("Sources").bold = True
            for line in self.sources_lines():
                doc.add_paragraph(line, style="List Number")
        out = Path(path)
        out.parent.mkdir(parents=True, exist_ok=True)
        doc.save(str(out))
        return out


def _add_runs(para: Any, line: str) -> None:
    """Markdown **bold** becomes a bold run; everything else is plain text."""
    for i, piece in enumerate(re.split(r"\*\*", line)):
        if piece:
            para.add_run(piece).bold = bool(i % 2)


@dataclass
class Proposal:
    text: str  # the officer's words, pronouns turned towards the recipient
    sentence: str
    subject: str
    kind: str = "propose"  # propose | invite | thank | ask | about

    @property
    def topic(self) -> str:
        """What the proposal is about, for matching: without "next spring" or "foreseen in
        our Letter of Intent", which would pull in the agreement's formalities."""
        return re.sub(r"\s+", " ", _NOT_TOPIC.sub(" ", self.text)).strip()


@dataclass
class _Match:
    rec: DocRecord
    partner: str
    ours: str
    how: str  # named | country | retrieved


@dataclass
class _Draft:
    request: str
    sender_arg: str | None
    recipient_arg: str | None
    match: _Match
    proposal: Proposal
    date: str
    sender_block: str = ""
    recipient_block: str = ""
    signature_block: str = ""
    salutation: str = "Dear Mayor,"
    paragraphs: list[str] = field(default_factory=list)
    facts: list[LetterFact] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def given(self) -> list[str]:
        return [x for x in (self.request, self.sender_arg, self.recipient_arg) if x]

    def add(self, name: str, text: str, page: int | None, quote: str,
            rec: DocRecord) -> LetterFact:
        fact = LetterFact(len(self.facts) + 1, name, text, rec.source, page, _clean(quote),
                          rec.doc_id, rec.title)
        self.facts.append(fact)
        return fact


# --- templates ------------------------------------------------------------------------------


@cache
def template_parts(name: str = TEMPLATE) -> dict[str, str]:
    """The parts of a letter template file, keyed by the name after "part:"."""
    text = load_prompt(name)
    parts: dict[str, str] = {}
    for m in re.finditer(r"<!--\s*part:\s*(\w+)\s*-->\n(.*?)(?=<!--\s*part:|\Z)", text, re.S):
        parts[m.group(1)] = m.group(2).strip("\n")
    return parts


def fill(part: str, **values: str) -> str:
    """One pass over {key} placeholders, like `render_prompt`: values are never re-read. An
    empty sender leaves no "on behalf of  with": the phrase goes with it."""
    template = template_parts()[part]
    missing = set(re.findall(r"\{([a-z_]+)\}", template)) - set(values)
    if missing:
        raise KeyError(f"letter part {part!r} needs: {', '.join(sorted(missing))}")
    if "sender_org" in values and not values["sender_org"].strip():
        template = template.replace(" on behalf of {sender_org}", "")
    return re.sub(r"\{([a-z_]+)\}", lambda m: values[m.group(1)], template)


def template_wording() -> str:
    """The template's fixed words: the guard accepts them ("Dear", "Yours sincerely")."""
    return re.sub(r"\{[a-z_]+\}", " ", "\n".join(template_parts().values()))


# --- the writer -----------------------------------------------------------------------------


class LetterWriter:
    def __init__(self, library: Library, today: date | None = None,
                 llm: Any = None) -> None:
        self.library = library
        self._today = today
        self.assistant = Assistant(library, today=today)
        self.guard = GroundingGuard()
        if llm is None and library.settings.llm_enabled:
            from assistant.llm import language_model

            # A letter is longer than an answer: room for about 600 words.
            llm = language_model(library.settings, max_tokens=900)
        self.llm = llm
        self._last_draft: _Draft | None = None

    @property
    def today(self) -> date:
        return self._today or date.today()

    def run(self, request: str, sender: str | None = None,
            recipient: str | None = None) -> Letter:
        request = (request or "").strip()
        if not request:
            return _refusal("Describe the letter: who writes to whom, and what it proposes.")
        found = self.find_agreement(request, sender, recipient)
        if isinstance(found, str):
            return _refusal(found)
        draft = _Draft(request, sender, recipient, found, parse_proposal(request),
                       human_date(self.today.isoformat()))
        if found.how == "retrieved":
            draft.warnings.append(
                f"The request names no partner we have an agreement with; the letter refers "
                f"to {found.rec.title}, the agreement closest to the request. Name the partner "
                f"if this is not the right one.")
        self._compose(draft)
        self._last_draft = draft
        letter = self._template_letter(draft)
        if self.llm is not None:
            letter = self._generate(draft, letter)
        return letter

    def revise(self, request: str, text: str, sender: str | None = None,
               recipient: str | None = None) -> Letter:
        """Check a letter written elsewhere (by a model, or edited by the officer) against
        the same facts: unsupported facts are marked, a text that is no letter is refused
        in favour of the template. The generated path goes through exactly this."""
        base = self.run(request, sender, recipient)
        if base.refused or self._last_draft is None:
            return base
        return self.accept(self._last_draft, text, base)

    # -- finding the agreement ------------------------------------------------------------

    def find_agreement(self, request: str, sender: str | None,
                       recipient: str | None) -> _Match | str:
        """The agreement and the two sides, or the reason no letter can be written."""
        mous = self.library.documents("mou")
        if not mous:
            return "Your library holds no agreements, so there is nothing to refer to."
        named = self._named(mous, request, sender, recipient)
        if named:
            return named
        target = recipient or request
        if unknown := self._unknown_partner(target, mous, sender):
            stored = _join_list(sorted({place_of(p) for r in mous for p in r.partners}))
            return (f"Your documents contain no agreement with {unknown}, so no letter was "
                    f"drafted: a letter referring to an agreement we do not hold could misinform "
                    f"the partner. Agreements are stored with: {stored}. Check the name, or add "
                    f"the agreement to the library first.")
        if recipient:
            return (f"Your documents contain no agreement with {recipient}, so no letter was "
                    f"drafted.")
        return self._by_country(mous, request, sender) or self._retrieved(request, sender)

    def _named(self, mous: list[DocRecord], request: str, sender: str | None,
               recipient: str | None) -> _Match | None:
        target = recipient or request
        hits: list[tuple[DocRecord, str, str]] = []
        for rec in mous:
            parties = rec.field_value("parties") or rec.partners
            for party in parties:
                pos = mentions(target, place_of(party))
                if pos < 0 or (sender and mentions(sender, place_of(party)) >= 0):
                    continue
                if not recipient and _sender_side(fold(target)[:pos]):
                    continue  # "from the Mayor of Ridgeport": our side, not the partner
                others = [p for p in parties if p != party]
                hits.append((rec, party, others[0] if others else ""))
        if not hits:
            return None
        # Several agreements with that partner: one that also names our side, then the
        # most recently signed.
        def rank(hit: tuple[DocRecord, str, str]) -> tuple[int, str]:
            rec, _partner, ours = hit
            ours_named = mentions(sender or request, place_of(ours)) >= 0 if ours else False
            return (int(ours_named), str(rec.field_value("signing_date") or ""))

        rec, partner, ours = max(hits, key=rank)
        return _Match(rec, partner, ours, "named")

    def _unknown_partner(self, target: str, mous: list[DocRecord],
                         sender: str | None) -> str | None:
        places = {fold(place_of(p)) for r in mous for p in r.partners}
        known = places | {fold(c) for r in mous for c in r.countries}
        pos = 0
        # Overlapping search: "to the Mayor of Oakhaven" first matches "to the Mayor", whose
        # name is no place; the next search starts at "Mayor" and finds "of Oakhaven".
        while m := _PARTNER_CUE.search(target, pos):
            pos = m.start(1)
            name = m.group(1).strip()
            # "to the Chairman of X", "the Bürgermeister of X": an office; X is the place
            # (but "the Council of Europe" is an organisation, not an office)
            if ROLE_RE.fullmatch(name) and (office := re.match(
                    rf"\s+of\s+(?:the\s+)?(?-i:({_NAME}))", target[m.end(1):])):
                name = office.group(1)
            first = name.split()[0].lower()
            # a stored partner's place may open a longer name ("Vila Serena Municipal
            # Assembly"); a country must be the whole name ("Mexico City" is no "Mexico")
            if first in _NOT_PLACES or fold(name) in known or any(
                    re.match(rf"{re.escape(k)}\b", fold(name)) for k in places):
                continue
            if sender and mentions(sender, name) >= 0:
                continue
            if _sender_side(fold(target)[:m.start(1)]):
                continue
            return name
        return None

    def _by_country(self, mous: list[DocRecord], request: str,
                    sender: str | None) -> _Match | None:
        wanted = {c for c in {r2 for r in mous for r2 in r.countries} if mentions(request, c) >= 0}
        wanted |= set(country_names(request, demonyms=True, any_case=True))
        if not wanted:
            return None
        hits = []
        for rec in mous:
            parties = rec.field_value("parties") or rec.partners
            for i, country in enumerate(rec.countries):
                if country in wanted and i < len(parties):
                    party = parties[i]
                    if sender and mentions(sender, place_of(party)) >= 0:
                        continue
                    ours = next((p for p in parties if p != party), "")
                    hits.append(_Match(rec, party, ours, "country"))
        if len(hits) != 1:
            return None
        return hits[0]

    def _retrieved(self, request: str, sender: str | None) -> _Match | str:
        """No partner named: among the agreements retrieval finds, the one with an area of
        cooperation closest to the proposal, else the best-ranked one."""
        passages = self.assistant.retrieve(request, Filters(doc_types=["mou"]), {}, k=8)
        recs = [r for d in dict.fromkeys(p.doc_id for p in passages)
                if (r := self.library.registry.get(d)) is not None]
        if not recs:
            return "No stored agreement matches the request."
        if (cited := _cited_agreement(request, recs, self.library.documents("mou"))) is not None:
            recs = [cited]  # "under the 1986 Benelux agreement": the request names it
        topic = parse_proposal(request).topic or request
        by_area = [(max(_cosines(self.library, topic, [str(a) for a in areas]), default=0.0), r)
                   for r in recs if (areas := r.field_value("areas"))]
        best_area = max(by_area, key=lambda t: t[0], default=(0.0, recs[0]))
        rec = best_area[1] if best_area[0] >= AREA_MIN_WITH_WORD else recs[0]
        parties = rec.field_value("parties") or rec.partners
        home = _home_party(self.library.documents("mou"))
        ours = next((p for p in parties if sender and mentions(sender, place_of(p)) >= 0),
                    next((p for p in parties if p == home), parties[0] if parties else ""))
        partner = next((p for p in parties if p != ours), "")
        return _Match(rec, partner, ours, "retrieved")

    # -- composing ------------------------------------------------------------------------

    def _compose(self, d: _Draft) -> None:
        rec = d.match.rec
        people = signatories(rec, self._page_text(rec, rec.fields.get("signatories", {})
                                                  .get("page")))
        for person in people:
            person.title = self._complete_title(rec, person)
        self._reference(d)
        self._blocks(d, people)
        if d.proposal.sentence:
            d.paragraphs.append(fill("proposal", proposal_sentence=d.proposal.sentence))
        else:
            d.warnings.append("The request states no proposal the letter could repeat; add it.")
        expired = self._expired(rec)
        provisions = self._provisions(d, expired)
        if provisions:
            d.paragraphs.append(" ".join(provisions))
        if not expired and (body := self._implementing_body(d)):
            d.paragraphs.append(body)
        if funding := self._funding(d, expired):
            d.paragraphs.append(funding)
        d.paragraphs.append(fill("closing"))
        self._status_notes(d, expired)

    def _blocks(self, d: _Draft, people: list[Person]) -> None:
        """Recipient block and salutation, sender block and signature, from the signatories
        whose titles show they hold the office the request names (Mayor by default)."""
        rec, m = d.match.rec, d.match
        countries = dict(zip(rec.field_value("parties") or rec.partners, rec.countries,
                             strict=False))
        self._recipient(d, next((p for p in people if p.party == m.partner), None),
                        countries.get(m.partner, ""))
        self._sender(d, next((p for p in people if p.party == m.ours), None),
                     countries.get(m.ours, ""))
        if any(f.name == "signatory" for f in d.facts):
            d.warnings.append(
                f"Names and titles are those printed in the agreement signed on "
                f"{human_date(str(rec.field_value('signing_date') or ''))}; check that they "
                f"still hold office before sending.")

    def _recipient(self, d: _Draft, them: Person | None, country: str) -> None:
        office = _office(_OFFICE_IN_REQUEST, d.request)
        org = d.match.partner
        if them and them.holds(office):
            d.salutation = fill("salutation_named", office=office, surname=them.surname(country))
            lines = [them.display, them.title]
            lines += [] if fold(org) in fold(them.title) else [org]
            self._person_fact(d, them)
        else:
            d.salutation = fill("salutation", office=office)
            lines = [f"The {office}", org]
            if them:
                d.warnings.append(
                    f"The agreement was signed for {_with_article(org)} by {them.display}"
                    f"{', ' + them.title if them.title else ''} (page "
                    f"{d.match.rec.fields['signatories'].get('page')}), who is not named there "
                    f"as the {office.lower()}: the letter does not name the recipient.")
        d.recipient_block = "  \n".join(x for x in _dedupe([*lines, country]) if x)

    def _sender(self, d: _Draft, us: Person | None, country: str) -> None:
        office = _office(_SENDER_OFFICE, d.request)
        org = d.sender_arg or d.match.ours
        if us and us.holds(office):
            sig = [us.name, us.title] + ([] if fold(org) in fold(us.title) else [org])
            self._person_fact(d, us)
        else:
            sig = [office, org]
            if us:
                d.warnings.append(
                    f"The agreement was signed for {_with_article(d.match.ours)} by "
                    f"{us.display}{', ' + us.title if us.title else ''}, who is not named there "
                    f"as the {office.lower()}: the signature block names no one; add the name.")
        d.signature_block = "  \n".join(x for x in _dedupe(sig) if x)
        d.sender_block = "  \n".join(x for x in _dedupe([org, country]) if x)

    def _complete_title(self, rec: DocRecord, person: Person) -> str:
        """A title cut at a page end ("President of the Municipal Chamber of Vila") is
        completed only where the agreement itself writes the longer form elsewhere."""
        place = place_of(person.party)
        m = re.search(r".*\bof\s+(?:the\s+)?([\w'’-]+(?:\s+[\w'’-]+)*)$", person.title)
        if not m or m.group(1) == place or not place.startswith(m.group(1)):
            return person.title
        full = person.title[:m.start(1)] + place
        text = _clean(" ".join(u.text for u in agreement_units(self.library, rec)))
        return full if full in text else person.title

    def _person_fact(self, d: _Draft, person: Person) -> None:
        rec = d.match.rec
        d.add("signatory", f"Signed for {_with_article(person.party)} by {person.display}, "
              f"{person.title}",
              rec.fields.get("signatories", {}).get("page"), person.quote, rec)

    def _reference(self, d: _Draft) -> None:
        rec = d.match.rec
        title_field = rec.fields.get("title", {})
        signed = rec.field_value("signing_date")
        place = rec.field_value("signing_place")
        sender_org = _with_article(d.sender_arg or d.match.ours)
        if not sender_org.strip():
            # a convention between states names no town: the officer adds who writes
            d.warnings.append("The request and the agreement do not say who writes: add the "
                              "sender's town or office.")
        d.add("agreement", rec.title, title_field.get("page"), title_field.get("evidence") or
              rec.title, rec)
        parties = rec.field_value("parties") or rec.partners
        if parties:
            pf = rec.fields.get("countries") or rec.fields.get("parties", {})
            named = [f"{p} ({c})" for p, c in zip(parties, rec.countries, strict=False)] or \
                list(parties)
            d.add("parties", "Parties: " + " and ".join(named), pf.get("page"),
                  pf.get("evidence", ""), rec)
        if not signed:
            d.paragraphs.append(fill("reference_undated", sender_org=sender_org,
                                     agreement_title=rec.title))
            d.warnings.append("The agreement's signing date was not found; check it.")
            return
        page = rec.fields["signing_date"].get("page")
        quote = _signing_sentence(self._page_text(rec, page), str(signed)[:4]) or \
            rec.fields["signing_date"].get("evidence", "")
        when = human_date(str(signed))
        d.add("signing", f"Signed{' at ' + place if place else ''} on {when}", page, quote, rec)
        expiry = self._expired(rec)
        if expiry:
            f = rec.fields["expiry_date"]
            d.add("expiry", f"Expired on {human_date(expiry)}", f.get("page"),
                  re.sub(r"^computed:[^.]*\.\s*", "", f.get("evidence", "")), rec)
            d.paragraphs.append(fill("reference_expired", sender_org=sender_org,
                                     agreement_title=rec.title, signing_date=when,
                                     expiry_date=human_date(expiry)))
        elif place:
            d.paragraphs.append(fill("reference", sender_org=sender_org,
                                     agreement_title=rec.title, signing_place=str(place),
                                     signing_date=when))
        else:
            d.paragraphs.append(fill("reference_no_place", sender_org=sender_org,
                                     agreement_title=rec.title, signing_date=when))

    def _expired(self, rec: DocRecord) -> str | None:
        """The day it expired, by the one status model (a renewed term has not expired)."""
        st = agreement_status(rec, self.today)
        return st.until if st.state == "expired" else None

    def _provisions(self, d: _Draft, expired: str | None) -> list[str]:
        """Areas of cooperation close to the proposal, and the one sentence of the agreement
        that supports it best (or the clause that lets the parties add areas)."""
        rec = d.match.rec
        short = short_name(rec.title)
        out: list[str] = []
        units = agreement_units(self.library, rec)
        areas = self._matching_areas(d.proposal.topic, rec)
        if areas:
            field_ = rec.fields["areas"]
            article = next((u.label for u in units if u.is_area_item and
                            fold(u.item) == fold(areas[0])), "")
            verb = "named" if expired else "names"
            lead = f"The {short} {verb}" if expired else f"Our {short} {verb}"
            d.add("areas", f"Areas of cooperation{' (' + article + ')' if article else ''} "
                  f"include {_join_list(areas)}", field_.get("page"),
                  field_.get("evidence", ""), rec)
            out.append(fill("areas", lead=lead, areas=_join_list(areas),
                            article=f" ({article})" if article else ""))
        best = self._clause_unit(d.proposal.topic, rec, units) or \
            self._best_unit(d.proposal.topic, units, exclude=areas)
        if best is None and not areas and d.proposal.kind == "propose":
            # A proposal outside the listed areas: the clause that lets the parties add one.
            best = next((u for u in units if _OTHER_AREAS.search(u.text)), None)
        if best is not None:
            lead = f"The {short} provided" if expired else f"Our {short} provides"
            d.add("provision", f"{best.label}: {best.text}" if best.label else best.text,
                  best.page, best.text, rec)
            out.append(fill("provision", lead=lead, quote=best.quote_text,
                            article=f" ({best.label})" if best.label else ""))
        if not out:
            d.warnings.append(f"No provision of the {short} matches the proposal closely; the "
                              f"letter only refers to the agreement.")
        return out

    @staticmethod
    def _clause_unit(topic: str, rec: DocRecord, units: list[Unit]) -> Unit | None:
        """Renewal and termination letters cite that clause, which similarity alone misses
        ("renewing our agreement" is closer to the amendment clause than to "It may be
        renewed ...")."""
        clauses = ((r"\brenew", "renewal"), (r"\bterminat|\bend (?:the|our)", "termination"))
        for cue, name in clauses:
            evidence = _clean(rec.fields.get(name, {}).get("evidence", ""))
            if re.search(cue, topic, re.I) and evidence:
                key = fold(evidence)[:60]
                return next((u for u in units if key in fold(u.text)), None)
        return None

    def _matching_areas(self, proposal: str, rec: DocRecord) -> list[str]:
        areas = [str(a) for a in rec.field_value("areas") or []]
        if not areas or not proposal:
            return []
        sims = _cosines(self.library, proposal, areas)
        words = _words(proposal)
        chosen = [a for a, s in zip(areas, sims, strict=True)
                  if s >= AREA_MIN or (s >= AREA_MIN_WITH_WORD and words & _words(a))]
        return chosen[:2]

    def _best_unit(self, proposal: str, units: list[Unit], exclude: list[str]) -> Unit | None:
        pool = [u for u in units if not u.is_area_item and
                not any(fold(a) == fold(u.item) for a in exclude)]
        if not pool or not proposal:
            return None
        sims = _cosines(self.library, proposal, [u.item for u in pool])
        words = _words(proposal)
        scored = [(s + LEXICAL_WEIGHT * len(words & _words(u.item)), u)
                  for s, u in zip(sims, pool, strict=True)]
        score, unit = max(scored, key=lambda t: t[0])
        log.debug("best provision %.2f: %s", score, unit.text[:100])
        return unit if score >= PROVISION_MIN else None

    def _implementing_body(self, d: _Draft) -> str | None:
        rec = d.match.rec
        f = rec.fields.get("implementing_body")
        if not f or not f.get("value"):
            return None
        lines = fact_lines(rec, "which body implements it", self.today)
        quote = lines[0].evidence if lines else f.get("evidence", "")
        body = str(f["value"])
        article = _article_for(agreement_units(self.library, rec), f.get("evidence", ""), body)
        d.add("implementing_body", f"Implemented by the {body}"
              f"{' (' + article + ')' if article else ''}", f.get("page"), quote, rec)
        short = short_name(rec.title)
        the = "" if body.lower().startswith("the ") else "the "
        part = "implementing_body" if d.proposal.kind == "propose" else "implementing_body_plain"
        return fill(part, lead=f"Our {short} entrusts its implementation to "
                    f"{the}".rstrip(), body_name=body,
                    article=f" ({article})" if article else "")

    def _funding(self, d: _Draft, expired: str | None) -> str | None:
        call, score = self.fitting_call(d)
        if call is None:
            return None
        log.info("funding call %s fits (%.2f)", call.source, score)
        cur = call.field_value("currency")
        lo, hi = call.field_value("amount_min"), call.field_value("amount_max")
        programme = str(call.field_value("programme") or call.title)
        funder = str(call.field_value("funder") or "")
        call_id = str(call.field_value("call_id") or "")
        pf = call.fields.get("programme") or call.fields.get("title", {})
        d.add("call", f"{programme}, {funder}, call {call_id}", pf.get("page"),
              _window(pf.get("evidence", ""), [programme, call_id, funder]), call)
        if lo is not None and hi not in (None, lo):
            amounts = f"awards grants between {money(lo, cur)} and {money(hi, cur)} per project"
        elif lo is not None or hi is not None:
            amounts = f"awards {money(lo if lo is not None else hi, cur)} per project"
        else:
            amounts = "is open"
        af = call.fields.get("amount_min") or call.fields.get("amount_max")
        if af:
            d.add("call_amount", amounts[0].upper() + amounts[1:], af.get("page"),
                  af.get("evidence", ""), call)
        df = call.fields["deadline"]
        time_, tz = call.field_value("deadline_time"), call.field_value("deadline_tz")
        deadline = human_date(str(df["value"])) + (f" at {time_}" if time_ else "") + \
            (f" {tz}" if tz else "")
        d.add("call_deadline", f"Deadline: {deadline}", df.get("page"), df.get("evidence", ""),
              call)
        text = fill("funding", programme=programme, funder=funder.removeprefix("The "),
                    call_id=call_id, amounts=amounts, deadline=deadline)
        text = text.replace(" of the the ", " of the ").replace(" (call )", "")
        if pm := call.fields.get("partnership_min"):
            d.add("call_partnership", _clean(pm.get("evidence", "")), pm.get("page"),
                  pm.get("evidence", ""), call)
            text += " " + fill("funding_partnership", quote=_clean(pm.get("evidence", "")))
        if expired:
            d.warnings.append(f"The {programme} may require an agreement in force; ours "
                              f"expired on {human_date(expired)}.")
        return text

    def fitting_call(self, d: _Draft) -> tuple[DocRecord | None, float]:
        """The open call whose themes are closest in meaning to the proposal, if close enough
        and both partners' countries are eligible."""
        if not d.proposal.text:
            return None, 0.0
        rec = d.match.rec
        countries = dict(zip(rec.field_value("parties") or rec.partners, rec.countries,
                             strict=False))
        ours, theirs = countries.get(d.match.ours), countries.get(d.match.partner)
        best: tuple[DocRecord | None, float] = (None, 0.0)
        for call in self.library.documents("grant_call"):
            if not self._open(call) or not self._eligible(call, ours, theirs):
                continue
            themes = [str(t) for t in call.field_value("themes") or []]
            if not themes:
                continue
            score = max(_cosines(self.library, d.proposal.topic, themes))
            if score >= CALL_THEME_MIN and score > best[1]:
                best = (call, score)
        call = best[0]
        if call is not None and theirs not in (call.field_value("eligible_countries") or [theirs]):
            d.warnings.append(f"{call.title}: applicants must be based in {ours}; check that "
                              f"the call accepts a partner in {theirs}.")
        return best

    def _open(self, call: DocRecord) -> bool:
        return call_status(call, self.today).state in ("open", "closing_soon")

    @staticmethod
    def _eligible(call: DocRecord, ours: str | None, theirs: str | None) -> bool:
        listed = [str(c) for c in call.field_value("eligible_countries") or []]
        if not listed:
            return True
        if ours in listed and theirs in listed:
            return True
        # A national funder (one country listed, ours) funds its own applicants working with
        # partners abroad; the officer confirms the partner side.
        return listed == [ours]

    def _status_notes(self, d: _Draft, expired: str | None) -> None:
        rec = d.match.rec
        if expired:
            d.warnings.append(f"The {short_name(rec.title)} expired on {human_date(expired)}: "
                              f"the letter refers to it in the past tense.")
            return
        st = agreement_status(rec, self.today)
        about_renewal = "renew" in d.proposal.text.lower()
        if st.until and st.days is not None and st.days <= 365 and not about_renewal:
            renewal = rec.field_value("renewal")
            d.warnings.append(
                f"The {short_name(rec.title)} is {st.label}: {st.reason}"
                f"{'; renewal: ' + str(renewal) if renewal else ''}. The letter does not "
                f"mention renewal; add it if you intend to.")

    def _page_text(self, rec: DocRecord, page: int | None) -> str:
        if page is None:
            return ""
        got = self.library.store.chunks.get(where={"$and": [{"doc_id": rec.doc_id},
                                                            {"page": page}]},
                                            include=["documents", "metadatas"])
        bodies = [t[int((m or {}).get("header_chars", 0)):] for t, m in
                  zip(got["documents"] or [], got["metadatas"] or [], strict=True)]
        return "\n".join(bodies)

    # -- the letter -----------------------------------------------------------------------

    def _template_letter(self, d: _Draft) -> Letter:
        text = fill("letter", sender_block=d.sender_block, date=d.date,
                    recipient_block=d.recipient_block, subject=d.proposal.subject or
                    short_name(d.match.rec.title), salutation=d.salutation,
                    body="\n\n".join(d.paragraphs), signature_block=d.signature_block)
        report = self.check(text, d)
        if report.unsupported:  # a bug in a template or a fact: never let it pass unmarked
            log.warning("template letter has unsupported facts: %s", report.unsupported)
            text = self.guard.mark(text, report)
            d.warnings.extend(f"Not found in the facts or the request: {u}"
                              for u in report.unsupported)
        return self._letter(d, text, "template")

    def _letter(self, d: _Draft, text: str, mode: str) -> Letter:
        return Letter(
            text=text.strip() + "\n",
            subject=d.proposal.subject or short_name(d.match.rec.title),
            sender=d.sender_arg or d.match.ours,
            recipient=d.match.partner,
            citations=[f.citation() for f in d.facts],
            warnings=list(d.warnings),
            facts=[f.to_dict() for f in d.facts],
            mode=mode,
            agreement=d.match.rec.source,
            date=d.date,
            given=d.given,
        )

    def check(self, text: str, d: _Draft) -> GuardReport:
        return self.guard.run(text, letter_evidence([f.to_dict() for f in d.facts],
                                                    d.given, d.date))

    def _generate(self, d: _Draft, fallback: Letter) -> Letter:
        """The model writes the letter from the same facts; the guard checks it."""
        from langchain_core.messages import HumanMessage, SystemMessage

        from assistant.llm import describe_endpoint_error

        chat = getattr(self.llm, "chat", self.llm)
        endpoint = getattr(self.llm, "endpoint", "the configured endpoint")
        messages = [SystemMessage(load_prompt("letter_system")), HumanMessage(render_prompt(
            "letter_user", facts=render_facts(d.facts), sender_block=d.sender_block,
            recipient_block=d.recipient_block, date=d.date, subject=d.proposal.subject,
            salutation=d.salutation, signature_block=d.signature_block, request=d.request))]
        try:
            msg = chat.invoke(messages)
        except Exception as exc:  # noqa: BLE001 - every endpoint failure becomes one sentence
            _kind, what = describe_endpoint_error(exc, getattr(self.llm, "model", "?"),
                                                  getattr(self.llm, "timeout", 60.0))
            log.warning("letter model unavailable: %s (%s)", what, type(exc).__name__)
            fallback.warnings.append(f"The language model endpoint at {endpoint} {what}; the "
                                     f"letter was written from the template instead.")
            return fallback
        raw = msg.content if isinstance(msg.content, str) else ""
        return self.accept(d, raw, fallback)

    def accept(self, d: _Draft, raw: str, fallback: Letter) -> Letter:
        """A generated text becomes the letter only if it is a letter and grounded."""
        text = _strip_model_text(raw)
        if not text:
            fallback.warnings.append("The language model returned an empty letter; the letter "
                                     "was written from the template instead.")
            return fallback
        if problem := _form_problem(text, d):
            log.warning("generated letter rejected: %s", problem)
            fallback.warnings.append(f"The generated letter was not used ({problem}); the "
                                     f"letter was written from the template.")
            return fallback
        report = self.check(text, d)
        if report.checked and 2 * report.unsupported_count > report.checked:
            log.warning("generated letter rejected: %s", report.unsupported)
            fallback.warnings.append(
                f"The generated letter was not used: {report.unsupported_count} of "
                f"{report.checked} facts in it were not found in the documents or the request "
                f"({', '.join(report.unsupported)}); the letter was written from the template.")
            return fallback
        warnings: list[str] = []
        if report.unsupported:
            text = self.guard.mark(text, report)
            warnings = [f"Not found in the facts or the request: {u}" for u in report.unsupported]
        letter = self._letter(d, text, "llm")
        letter.warnings.extend(warnings)
        return letter


# --- helpers --------------------------------------------------------------------------------


def _office(pattern: re.Pattern[str], request: str) -> str:
    """The office the request names for one side ("to the Governor of ..."); Mayor if none."""
    m = pattern.search(request)
    return m.group(1).title() if m else "Mayor"


def letter_evidence(facts: Sequence[dict[str, Any]], given: Sequence[str],
                    date_text: str) -> list[Passage]:
    """What a letter may state, as guard passages: each fact in plain words and in the
    document's own words, the officer's request and the sender/recipient they gave, the
    letter's date, and the template's fixed wording ("Dear", "Yours sincerely")."""
    texts = [f"{f['text']}.\n{f['quote']}" for f in facts]
    texts += [*given, date_text, template_wording()]
    return [Passage(f"e{i}", "", "", "", "", None, "", t) for i, t in enumerate(texts) if t]


def _with_article(org: str) -> str:
    """ "the Town of Alderbrook", but "Fjällmora Municipality" as it stands."""
    return f"the {org}" if _PLACE_PREFIX.match(org) and not org.lower().startswith("the ") \
        else org


def _window(evidence: str, values: list[str]) -> str:
    """The part of a long evidence window that holds the given values, with their labels
    ("Programme: X Call identifier: Y Funder: Z"), instead of the whole window."""
    text = _clean(evidence)
    spans = [(i, i + len(v)) for v in values if v and (i := text.find(v)) >= 0]
    if not spans:
        return text[:300]
    start, end = min(s for s, _ in spans), max(e for _, e in spans)
    label = re.search(r"[A-Z][\w ]{0,25}:\s*$", text[max(0, start - 30):start])
    if label:
        start -= len(text[max(0, start - 30):start]) - label.start()
    return text[start:end]


def _dedupe(lines: list[str]) -> list[str]:
    return list(dict.fromkeys(lines))


def _sender_side(before: str) -> bool:
    """Whether the nearest role word before a mention is "from": "from the Mayor of X"."""
    cues = list(re.finditer(r"\b(from|to|with|partner|twin|sister|friendship)\b", before))
    return bool(cues) and cues[-1].group(1) == "from"


def _home_party(mous: list[DocRecord]) -> str | None:
    """The party of most agreements: the officer's own town when they have several partners."""
    counts: dict[str, int] = {}
    for rec in mous:
        for p in rec.partners:
            counts[p] = counts.get(p, 0) + 1
    if not counts:
        return None
    best = max(counts, key=lambda p: counts[p])
    return best if counts[best] > 1 else None


def _cited_agreement(request: str, found: list[DocRecord],
                     every: list[DocRecord]) -> DocRecord | None:
    """The retrieved agreement a request refers to by name ("under the 1986 Benelux
    agreement"): its title shares a name the request capitalises and few stored agreements'
    titles have, or the request gives its signing year next to the word for an agreement.
    None when the request names none, or names two alike."""
    capitalised = {w.lower() for w in re.findall(r"\b[A-Z][\w-]+", request)}
    asked = set(terms(request)) & set(terms(" ".join(capitalised)))
    years = set(re.findall(
        r"\b((?:19|20)\d\d)\b(?=[\s\w-]{0,40}\b(?:agreement|accord|convention|treaty|"
        r"memorandum|charter|protocol|mou|overeenkomst|accordo|acuerdo)\b)", request, re.I))
    titles = {r.doc_id: set(terms(r.title)) for r in every}
    df: dict[str, int] = {}
    for words in titles.values():
        for w in words:
            df[w] = df.get(w, 0) + 1
    rare = max(1, len(every) // 5)

    def score(rec: DocRecord) -> int:
        named = {w for w in titles.get(rec.doc_id, set()) & asked if df.get(w, 0) <= rare}
        signed = str(rec.field_value("signing_date") or "")[:4]
        return len(named) + (signed in years)

    scored = sorted(((score(r), r) for r in found), key=lambda t: -t[0])
    if not scored or scored[0][0] == 0 or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return None
    return scored[0][1]


def _refusal(message: str) -> Letter:
    log.info("letter refused: %s", message)
    return Letter(text=message, subject="", sender="", recipient="", warnings=[message],
                  mode="refused")


def short_name(title: str) -> str:
    low = title.lower()
    if "letter of intent" in low:
        return "Letter of Intent"
    if "memorandum" in low:
        return "Memorandum"
    if "charter" in low:
        return "Charter"
    return "Agreement"


def parse_proposal(request: str) -> Proposal:
    """The proposal in the officer's own words: "proposing X" -> "I would like to propose X."
    Only pronouns change ("their" -> "your"); nothing is added."""
    best: tuple[int, re.Match[str], str] | None = None
    for pattern, kind in _VERBS:
        m = pattern.search(request)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), m, kind)
    if best is None:
        return Proposal("", "", "")
    _, m, kind = best
    x = _PROPOSAL_END.sub("", request[m.end():]).strip(" ,;")
    x = re.sub(r"\btheir\b", "your", x)
    x = re.sub(r"\bthem\b", "you", x)
    if not x:
        return Proposal("", "", "")
    subject = fill(f"subject_{kind}", x=x)
    return Proposal(x, fill(f"proposal_{kind}", x=x), subject[0].upper() + subject[1:], kind)


@dataclass
class Unit:
    """A sentence or list item of an agreement, with its article and page."""

    text: str  # as quoted in the facts: the lead-in "…" the item for list items
    item: str  # what is compared with the proposal
    quote_text: str  # as quoted in the letter
    page: int | None
    label: str
    is_area_item: bool = False


def agreement_units(library: Library, rec: DocRecord) -> list[Unit]:
    """The English sentences and list items of an agreement, in document order."""
    got = library.store.chunks.get(where={"doc_id": rec.doc_id},
                                   include=["documents", "metadatas"])
    rows = sorted(zip(got["ids"], got["documents"] or [], got["metadatas"] or [], strict=True),
                  key=lambda r: (r[2].get("page") or 0, int(r[2].get("chunk_index", 0) or 0),
                                 r[0]))
    areas = {fold(str(a)) for a in rec.field_value("areas") or []}
    units: list[Unit] = []
    label = ""
    for _cid, text, meta in rows:
        body = (text or "")[int(meta.get("header_chars", 0)):]
        page = meta.get("page")
        label, new = _units_of(body, page, label, areas)
        units.extend(new)
    unique: dict[str, Unit] = {}
    for u in units:  # the same clause can sit in two overlapping chunks
        unique.setdefault(u.text, u)
    # The preamble ("Recalling...", "WHEREAS...") states history, not what the parties
    # agreed: only text under an article or numbered section counts as a provision.
    labelled = [u for u in unique.values() if u.label]
    return labelled or list(unique.values())


def _units_of(body: str, page: int | None, label: str,
              areas: set[str]) -> tuple[str, list[Unit]]:
    """Split one chunk into sentences, clauses and list items, each under its heading."""
    units: list[Unit] = []
    para: list[str] = []
    lead = ""
    in_item = False

    def flush() -> None:
        nonlocal lead
        text = _clean(" ".join(para))
        para.clear()
        if not text:
            return
        # Sentences, and the clauses of a preamble or list joined by semicolons.
        for sent in re.split(r"(?<=[.!?;])\s+(?=[A-Z“\"])", text):
            sent = sent.strip()
            if (len(sent.split()) >= 5 and sent[0].isupper() and _is_english(sent)
                    and not _SKIP_UNIT.search(sent)):
                units.append(Unit(sent, sent, sent, page, label))
        lead = text if text.endswith(":") else ""

    for raw in body.split("\n"):
        line = raw.strip()
        if not line:
            continue
        heading = _HEADING.match(line) if len(line) < 90 else None
        numbered = _NUM_HEADING.match(line) if not line.endswith((".", ";", ":")) else None
        if _NON_PROVISION.match(line) and len(line) < 90:
            flush()
            lead, in_item, label = "", False, ""
            continue
        if heading or numbered:
            flush()
            lead, in_item = "", False
            label = (f"{heading.group(1).title()} {heading.group(2)}" if heading
                     else f"section {numbered.group(1)}")  # type: ignore[union-attr]
            continue
        if _ITEM.match(line):
            flush()
            item = _ITEM.sub("", line).strip().rstrip(";.,")
            in_item = bool(item) and _is_english(lead or item)
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
        para.append(line)
    flush()
    return label, units


def _item_unit(item: str, lead: str, page: int | None, label: str, is_area: bool) -> Unit:
    """A list item quoted with its lead-in: "The Signatories intend to … support ..."."""
    if not lead:
        return Unit(item, item, item, page, label, is_area)
    return Unit(f"{lead} … {item}", item, f"{lead.rstrip(':').strip()} … {item}", page, label,
                is_area)


def _article_for(units: list[Unit], *needles: str) -> str:
    """The article of the first unit containing one of the needles (the clause first)."""
    for needle in needles:
        key = fold(_clean(needle))[:80]
        hit = next((u for u in units if key and (key in fold(u.text) or fold(u.text) in key)
                    and u.label), None)
        if hit:
            return hit.label
    return ""


def _signing_sentence(page_text: str, year: str) -> str:
    flat = _clean(page_text)
    m = re.search(rf"(?:Signed|Done|Assinado|IN WITNESS WHEREOF)[^.]*?\b{year}\b[^.]*\.", flat)
    return m.group(0) if m else ""


def signatories(rec: DocRecord, page_text: str = "") -> list[Person]:
    """Signatories with their titles as printed: "For the Town of X: Dr. Name, Title" on the
    signature page (the field's evidence is cut short), else a signature table (a names row
    and a titles row) from the evidence."""
    names = [str(n) for n in rec.field_value("signatories") or []]
    parties = [str(p) for p in rec.field_value("parties") or rec.partners]
    evidence = _clean(rec.fields.get("signatories", {}).get("evidence", ""))
    segments = _dedupe([s.strip() for s in evidence.split(" / ") if s.strip()])
    # Each "For ...:" block of the page, up to the next one; wrapped lines are joined.
    blocks = re.split(r"(?=\b(?:For|On behalf of|Pel[oa])\s+(?:the\s+|o\s+|a\s+)?[A-ZÀ-Þ])",
                      _clean(page_text))
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
    honorific = before if fold(before) in _HONORIFICS else ""
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


def _cosines(library: Library, query: str, texts: list[str]) -> list[float]:
    embedder = library.theme_embedder  # the space the letters' thresholds were fitted in
    q = np.asarray(embedder.embed_query([query])[0], dtype=np.float32)
    return [float(v) for v in np.asarray(embedder.embed(texts), dtype=np.float32) @ q]


def render_facts(facts: Sequence[LetterFact]) -> str:
    """Numbered facts for the model, each a data block it must not take orders from, with
    any sentence addressed to an AI replaced by a marker."""
    blocks = []
    for f in facts:
        quote = html.escape(fence_instructions(f.quote), quote=False)
        page = f", page {f.page}" if f.page is not None else ""
        blocks.append(f'<fact n="{f.n}" source="{html.escape(f.source)}{page}">\n'
                      f"{html.escape(fence_instructions(f.text), quote=False)}\n"
                      f"Document text: {quote}\n</fact>")
    return "\n\n".join(blocks)


_PROMPT_ECHO = re.compile(r"^\s*(?:sender block|recipient block|signature block|salutation|"
                          r"date of the letter|the officer's request|facts from the documents)"
                          r"\s*:", re.IGNORECASE | re.MULTILINE)


def _form_problem(text: str, d: _Draft) -> str | None:
    """What makes a generated text no letter: the guard checks facts, not form, and small
    models echo the prompt or leave out the agreement they were asked to refer to."""
    if _PROMPT_ECHO.search(text) or "<fact" in text:
        return "it repeats the instructions instead of writing the letter"
    if not re.search(r"^\s*Dear\b", text, re.MULTILINE):
        return "it has no salutation"
    signed = d.match.rec.field_value("signing_date")
    if signed and human_date(str(signed)) not in text:
        return "it does not give the agreement's signing date"
    return None


def _strip_model_text(raw: str) -> str:
    text = raw.strip()
    text = re.sub(r"^```(?:markdown|md)?\s*\n|\n```\s*$", "", text)
    return CITATION_RE.sub("", text).strip()
