"""How requests and agreements name things: places, partners, offices, proposals; the
words and thresholds the letter writer reads them with."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pycountry
from babel.languages import get_official_languages

from assistant import spaces
from assistant.library import Library
from assistant.prompts import load_prompt
from ingest.countries import english_name
from ingest.extract.patterns import ROLE_WORDS
from ingest.normalize import capitalised

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


MAYOR_TITLE = re.compile(
    r"\bmayor\b|b[üu]rgermeister|\bsindac[oa]\b|\bw[óo]jt\b|\bpresident[ea]?\s+municipal\b|"
    r"president of the municipal chamber|presidente da c[âa]mara|\bmaire\b|\balcaldes?a?\b",
    re.IGNORECASE)


# The office the request names for each side, in the words officers use for their partners'
# offices ("the Wójt of Sosnowa Dolina", "the Landrat", "the burgemeester"): a Polish wójt
# is not addressed as a mayor.
OFFICE_IN_REQUEST = re.compile(
    rf"\bto\s+(?:the|our|their)\s+({ROLE_WORDS}|town manager)\b", re.IGNORECASE)


SENDER_OFFICE = re.compile(
    rf"\bfrom\s+(?:the|our)\s+({ROLE_WORDS}|town manager)\b", re.IGNORECASE)


HONORIFICS = {"dr.", "dr", "hon.", "avv.", "councillor", "vereadora", "vereador", "prof.",
               "mr", "mr.", "mrs", "mrs.", "ms", "ms."}


# Two surnames, the first one used in address ("Presidenta Herrera Vázquez", never
# "Vázquez"): the custom of the countries whose official language is Spanish (CLDR).
@cache
def double_surname_countries() -> frozenset[str]:
    return frozenset(english_name(c.alpha_2) for c in pycountry.countries
                     if "es" in get_official_languages(c.alpha_2, de_facto=True))


PLACE_NAME = (r"[A-ZÀ-Þ][\w'’-]+"
              r"(?:\s+(?:de|da|do|di|del|la|las|los|am|an|der|sur)?\s*[A-ZÀ-Þ][\w'’-]+)*")


# Where a request names the partner: "partner town X", "Mayor of X", "to X", "with X".
PARTNER_CUE = re.compile(
    rf"(?:(?:partner|twin|sister|friendship|twinned)\s+(?:town|city|municipality|region|"
    rf"commune|prefecture)\s+(?:of\s+)?|\b(?:mayor|governor|president|chair)\s+of\s+(?:the\s+)?"
    rf"(?:(?:town|city|municipality|commune|region)\s+of\s+)?|\b(?:to|with)\s+(?:the\s+)?"
    rf"(?:(?:town|city|municipality|commune|region)\s+of\s+)?)(?-i:({PLACE_NAME}))", re.IGNORECASE)


NOT_PLACES = {"mayor", "mou", "our", "the", "their", "governor", "chair", "president",
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
    r"in line with|according to|as (?:provided|foreseen))\b[^;]*|[.\s]+$", re.IGNORECASE)


# Where a request says which agreement the letter rests on: "..., under the 1991 Anholt
# Agreement", "citing the Council of Europe protocol that ...", "recalling the memorandum".
_REFERENCE = re.compile(
    r"\b(?:under|citing|referring to|with reference to|recalling|in line with|based on|"
    r"pursuant to|according to|as (?:provided|foreseen) (?:in|by|under))\s+(?P<ref>(?:the|our|its|"
    r"their)\b.*?)(?=[;.]|,\s+(?:and\s+)?(?:explain|say|ask|mention|set|suggest|propos|invit|"
    r"stress|highlight|recall|refer|cit)\w*\b|,\s+to\s+\w+|$)", re.IGNORECASE | re.S)


def agreement_reference(request: str) -> str:
    """The words a request uses for the agreement it rests on ("the Council of Europe
    protocol that gives ... a legal framework"), or "" when it names none that way."""
    m = _REFERENCE.search(request)
    return " ".join(m.group("ref").split()) if m else ""


_EN_WORDS = set("the of and to in a by for shall will be this with on is are any each may "
                "other which from an as at".split())


_OTHER_WORDS = set("de da do das dos e o os as em que com para por um uma na no nas nos ao "
                   "é são il di della del la le und der die das von zu".split())


HEADING = re.compile(r"^(?:#+\s*)?(Article|Paragraph|Section|Artigo|Artículo|Articolo|Artikel|"
                      r"Artykuł|Artikel)\s+([\dIVXLC]+)\b", re.IGNORECASE)


NUM_HEADING = re.compile(r"^(?:#+\s*)?(\d{1,2})\.\s+([A-Z][\w'’-]*(?:\s+[\w'’-]+){0,5})$")


ITEM = re.compile(r"^(?:[-•*]\s+|\d{1,2}[.)]\s+(?=[a-z]))")


# (a signature line, "Signed in March of 2001 ... Mayor Mayor", is no provision)
SKIP_UNIT = re.compile(r"illustrative document|^for the\b|^signed\b|^dated\b|^done at|"
                       r"in witness|hereinafter|^signatures?$", re.IGNORECASE)


_GENERIC_WORDS = {"exchange", "exchanges", "visit", "visits", "joint", "next", "first", "our",
                  "their", "your", "town", "towns", "city", "partner", "proposal", "propose",
                  "cooperation", "agreement", "between", "both", "letter", "mayor", "spring",
                  "summer", "autumn", "winter", "year", "month", "week", "dates", "date",
                  "intent", "memorandum", "charter", "foreseen", "provided", "provides",
                  "understanding", "friendship", "sister", "twinning"}


# Headings after which the text is not a provision: signature blocks, annexes, file notes.
NON_PROVISION = re.compile(r"^(?:signatures?|assinaturas|firmas|registry note|file note|note\b|"
                            r"annex|appendix|schedule|parte?\s+[IVX\d]+\b)", re.IGNORECASE)


# The request's pointers to the agreement and its timing are not what the proposal is about.
_NOT_TOPIC = re.compile(
    r"\b(?:foreseen|provided(?: for)?|set out|envisaged|mentioned|agreed)\s+(?:in|by|under)\s+"
    r"(?:our|the)\s+(?:letter of intent|mou|memorandum(?: of understanding)?|agreement|charter)"
    r"\b|\b(?:our|the)\s+(?:mou|agreement|memorandum|charter|letter of intent)\s+provides"
    r"(?:\s+for)?\b|\b(?:next|this|coming)\s+(?:spring|summer|autumn|fall|winter|year|month|"
    r"week)\b|\bin\s+20\d\d\b", re.IGNORECASE)


OTHER_AREAS = re.compile(r"\bother (?:areas|fields)\b.*\b(?:added|agreed|included)\b", re.I)


def fold(text: str) -> str:
    """Lower case without accents, single spaces: "Fjällmora" matches "Fjallmora"."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", plain).strip().lower()


def mentions(text: str, name: str) -> int:
    """Position of `name` as whole words in `text` (accents and case ignored), or -1."""
    if not name:
        return -1
    m = re.search(rf"(?<!\w){re.escape(fold(name))}(?!\w)", fold(text))
    return m.start() if m else -1


def word_set(text: str) -> set[str]:
    """Content words cut to 5 letters, so that "cultural" meets "culture"."""
    return {w[:5] for w in re.findall(r"[a-zà-ÿ]{4,}", text.lower()) if w not in _GENERIC_WORDS
            and w not in _EN_WORDS}


def is_english(text: str) -> bool:
    words = re.findall(r"[a-zà-ÿ]+", text.lower())
    return sum(w in _EN_WORDS for w in words) > sum(w in _OTHER_WORDS for w in words)


def clean_text(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"^…\s*", "", text)


def join_list(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def office_in(pattern: re.Pattern[str], request: str) -> str:
    """The office the request names for one side ("to the Governor of ..."); Mayor if none."""
    m = pattern.search(request)
    return m.group(1).title() if m else "Mayor"


def on_sender_side(before: str) -> bool:
    """Whether the nearest role word before a mention is "from": "from the Mayor of X"."""
    cues = list(re.finditer(r"\b(from|to|with|partner|twin|sister|friendship)\b", before))
    return bool(cues) and cues[-1].group(1) == "from"


# Words a title case keeps lower ("Agreement for the Establishment of ...", "Accord de
# jumelage entre la Ville de Nantes et ..."), in the languages of the agreements officers
# meet, and the initialisms it keeps in capitals.
_MINOR_WORDS = frozenset(
    "a an and as at between by for in of on or the to with de la le les du des et en el los "
    "las del y e di della dello dei degli delle il lo van het der den und für zu im von da "
    "do dos das na no entre tra fra tussen zwischen inzake".split())
_INITIALISMS = frozenset({"EU", "UN", "UK", "US", "EC", "EEC", "USA", "NGO", "MOU", "MoU"})


def display_title(title: str) -> str:
    """A title as a sentence names it after "the": a scan's capitals in title case ("AN
    AGREEMENT FOR THE ... OF ABU DHABI ( U. A.E)" -> "Agreement for the ... of Abu Dhabi
    (U. A.E)"), no leading article, no space before a comma or inside brackets."""
    text = re.sub(r"\s+([,.;:)])", r"\1", re.sub(r"\(\s+", "(", " ".join(title.split())))
    letters = [c for c in text if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) > 0.8 * len(letters):
        words = text.split(" ")
        text = " ".join(
            w if w.strip("()") in _INITIALISMS
            else w.lower() if i and w.lower() in _MINOR_WORDS else capitalised(w)
            for i, w in enumerate(words))
    return re.sub(r"^(?:the|an?)\s+(?=\S)", "", text, flags=re.I)


def short_name(title: str) -> str:
    low = title.lower()
    if "letter of intent" in low:
        return "Letter of Intent"
    if "memorandum" in low:
        return "Memorandum"
    if "charter" in low:
        return "Charter"
    return "Agreement"


# Where a request's proposal ends and its further asks begin: "...; explain what X must
# cover and what majority ...", "..., and suggesting that ...", "..., recalling when ...".
# (Its own verbs, not ``_ASKS``: ", including ..." brings examples, not an ask.)
_ASK_SPLIT = re.compile(
    r"\s*;\s*|,?\s+and\s+(?=(?:suggest|ask|invit|propos|explain|say|mention|recall|"
    r"stress|set out)\w*\b)|,\s+(?=(?:recalling|explaining|saying|mentioning|"
    r"suggesting|asking|stressing|setting out)\b)"
    # ("reminding her of the deadlines": not "a campaign, reminding residents of the risk")
    r"|,?\s+(?:and\s+)?(?=remind(?:ing)?\s+(?:her|him|them|you|the\s+(?:mayor|partners?|"
    r"council))\s+(?:of|about)\b)", re.IGNORECASE)
# The verb that opens an ask: a second proposal is repeated with it, a question is answered
# from the agreement.
_ASKS = ("suggest", "ask", "invite", "propose", "explain", "say", "mention", "recall", "remind",
         "stress", "set out", "include")
# (any form: "inviting", "proposes", "including")
_ASK_STEMS = "|".join(v.removesuffix("e") for v in _ASKS)
_ASK_VERB = re.compile(
    rf"^(?:(?:please|also)\s+){{0,2}}(?P<verb>{_ASK_STEMS})\w*\s+(?:(?:them|him|her|you)\s+)?",
    re.IGNORECASE)
# ... and a sentence after the proposal that opens with one of those verbs in its base form,
# telling the writer what to do ("Recall the date ...", "Please also explain ..."); not
# "Proposed dates are ...", nor "Ms. Sayers"
_NEXT_ASK = re.compile(
    rf"[.!]\s+(?=(?:(?:please|also)\s+){{0,2}}(?:{'|'.join(_ASKS)})\b)", re.IGNORECASE)
# ... or one that says what the letter itself should do ("The letter should say what
# either side can do ..."): an ask in the officer's words, never part of the proposal
_LETTER_MUST = (r"\s+(?:the|this|our|my|your)\s+letter\s+(?:should|must|needs?\s+to|"
                r"has\s+to|ought\s+to|is\s+to)")
_LETTER_SHOULD = re.compile(
    rf"[.!]{_LETTER_MUST}\s+(?:also\s+)?(?=(?:say|mention|explain|recall|remind|ask|stress|"
    r"set out|include|describe|state|note)\b)", re.IGNORECASE)
# ... and one about the letter's form ("The letter should be short and friendly.") is for
# the writer, and no words of the letter
_LETTER_NOTE = re.compile(rf"(?<=[.!]){_LETTER_MUST}\b[^.!;]*[.!]?", re.IGNORECASE)
# The questions of one ask ("what it says about the agencies and about support for
# community programmes": two)
_QUESTION_SPLIT = re.compile(
    r",?\s+and\s+(?=(?:what|whether|how|who|whom|to whom|when|which|where|the|about)\b)|,\s+",
    re.IGNORECASE)


def split_asks(text: str) -> tuple[str, list[tuple[str, str]]]:
    """The proposal itself, and each further ask as (verb, what): ("suggest", "that the
    twinning committees start preparing the review"), ("explain", "what majority is needed
    to amend it"). The agreement a request rests on ("under the 1991 Anholt Agreement") is
    not part of the proposal."""
    pieces = [p.strip(" ,;") for p in _ASK_SPLIT.split(text) if p and p.strip(" ,;")]
    if not pieces:
        return "", []
    main = pieces[0]
    if ref := agreement_reference(main):
        main = re.sub(rf",?\s+\w+(?:\s+to)?\s+{re.escape(ref)}", "", main).strip(" ,;") or main
    asks: list[tuple[str, str]] = []
    for piece in pieces[1:]:
        m = _ASK_VERB.match(piece)
        verb = m.group("verb").lower() if m else "mention"
        rest = piece[m.end():] if m else piece
        if verb == "remind":  # "reminding her of the deadlines": what to recall
            rest = re.sub(r"^(?:of|about)\s+", "", rest, flags=re.I)
        if verb in ("suggest", "ask", "invit", "propos"):
            asks.append((verb, rest))
            continue
        asks.extend((verb, q.strip(" ,;")) for q in _QUESTION_SPLIT.split(rest)
                    if len(q.split()) >= 2)
    return main, asks


def parse_proposal(request: str) -> Proposal:
    """The proposal in the officer's own words: "proposing X" -> "I would like to propose X."
    Only pronouns change ("their" -> "your"); nothing is added. Further asks ("; explain
    what ...", ", and suggesting that ...") are kept apart, for the letter to answer."""
    best: tuple[int, re.Match[str], str] | None = None
    for pattern, kind in _VERBS:
        m = pattern.search(request)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), m, kind)
    if best is None:
        return Proposal("", "", "")
    _, m, kind = best
    # a sentence after the proposal that tells the writer what to recall or explain
    # ("... proposing X. Recall the date it was signed and how it can be renewed.") is an
    # ask, never part of what is proposed
    x = _NEXT_ASK.sub("; ", _LETTER_NOTE.sub("", _LETTER_SHOULD.sub("; ", request[m.end():])))
    x = _PROPOSAL_END.sub("", x).strip(" ,;")
    x = re.sub(r"\btheir\b", "your", x)
    x = re.sub(r"\bthem\b", "you", x)
    x, asks = split_asks(x)
    if not x:
        return Proposal("", "", "")
    subject = fill(f"subject_{kind}", x=x)
    # "proposing that our two towns apply together": "I would like to propose that our two
    # towns apply together", as the officer wrote it
    said = f"that {x}" if kind == "propose" and m.group(0).rstrip().lower().endswith(" that") \
        else x
    return Proposal(x, fill(f"proposal_{kind}", x=said), subject[0].upper() + subject[1:],
                    kind, asks)


def cosines(library: Library, query: str, texts: list[str],
            multilingual: bool = False) -> list[float]:
    """Cosines of ``texts`` to ``query`` in MiniLM's space, where the letters' thresholds
    were fitted, or, for text in another language (``multilingual``), in the store's
    (``assistant.spaces``)."""
    embedder = spaces.space(library, foreign=multilingual)
    q = np.asarray(embedder.embed_query([query])[0], dtype=np.float32)
    return [float(v) for v in np.asarray(embedder.embed(texts), dtype=np.float32) @ q]


def dedupe_lines(lines: list[str]) -> list[str]:
    return list(dict.fromkeys(lines))


@dataclass
class Proposal:
    text: str  # the officer's words, pronouns turned towards the recipient
    sentence: str
    subject: str
    kind: str = "propose"  # propose | invite | thank | ask | about
    # further asks of the request, (verb, what): a second proposal ("suggest", ...) or a
    # point the letter should explain from the agreement ("explain", "what majority ...")
    asks: list[tuple[str, str]] = field(default_factory=list)

    @property
    def also(self) -> list[str]:
        """The further proposals, as sentences in the officer's words."""
        verbs = {"suggest": "suggest", "ask": "ask", "invit": "like to invite",
                 "propos": "propose"}
        return [fill("proposal_also", verb=verbs[v], x=x) for v, x in self.asks if v in verbs]

    @property
    def topic(self) -> str:
        """What the proposal is about, for matching: without "next spring" or "foreseen in
        our Letter of Intent", which would pull in the agreement's formalities."""
        return re.sub(r"\s+", " ", _NOT_TOPIC.sub(" ", self.text)).strip()


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
