"""Understand a question: what kind of answer it wants, what it pins down, its parts.

Only grammar is read here (question words, capitalised names, years, codes), never the
vocabulary of any one corpus: what a question is *about* is matched by meaning later, by
the embedder and BM25.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache

from sentencex import segment

from assistant.measures import counted, measure
from assistant.retrieve import STOPWORDS, terms
from assistant.sentences import CODE
from ingest.countries import find_countries
from ingest.language import detect, english_language_names, language_code

# The kind of answer the interrogative asks for; the first match wins. "when" wants a date,
# "how much" a quantity, "who" an agent, "where" a place.
_WANTS: list[tuple[str, re.Pattern[str]]] = [
    # ... the address itself, not a word about it ("the website launch date")
    ("contact", re.compile(r"\b(?:what|which)(?:'s|\s+is|\s+are|\s+was)?\s+(?:the\s+)?"
                           r"(?:[\w'’-]+\s+){0,3}?(?:e-?mail(?:\s+address(?:es)?)?|web\s*site|"
                           r"(?:tele)?phone\s+number)s?(?=\s*(?:[?.,;]|$)|\s+(?:of|for|to|at|"
                           r"on|is|are|should|can|do|does|i|we)\b)", re.I)),
    # (notice is given as a time: "how much notice", "what is the notice period" want "six
    # months"; not a question that merely names the period: "who is told during it?")
    ("duration", re.compile(r"\bhow long\b|\bfor how many (?:years|months|days)\b|"
                            r"\bhow much (?:advance\s+)?(?:time|notice)\b|"
                            r"(?:^|[,;:]\s*)(?:what|which)(?:'s|\s+is|\s+are|\s+was)?\s+(?:the\s+)?"
                            r"(?:[\w-]+\s+)"
                            r"{0,2}?(?:notice\s+periods?|periods?\s+of\s+notice)\b", re.I)),
    # the length a text may have: "What is the page limit for the description?"
    ("length", re.compile(r"\b(?:page|word|character)\s+(?:limits?|counts?)\b|"
                          r"\bmaximum length\b", re.I)),
    # "what is the (recommended) length of an agreement?", "what does the toolkit say about
    # the length of ...": a time or a length of text, as "how long" asks (not "who decides
    # the length of ...", "is the length of ... fixed?")
    ("duration", re.compile(r"^(?:what(?:'s|\s+is|\s+was)\s+(?:the\s+)?(?:\w+\s+)?|"
                            r"what\s+does\s+.{1,80}?\s+(?:say|advise|recommend|suggest)\s+about\s+the\s+)"
                            r"length of\b",
                            re.I)),
    # "how often does the group meet?": "twice a year"; of a population, a share answers it
    ("frequency", re.compile(r"\bhow (?:often|frequently)\b|\bat what intervals?\b|"
                             r"\bhow many times (?:a|an|per|each)\b", re.I)),
    ("date", re.compile(r"\bwhen\b|\b(?:what|which) (?:date|day|year|month)\b|"
                        r"\bsince when\b|\buntil when\b|^what(?:'s| is| was| are)\s+the\s+"
                        r"(?:[\w-]+\s+){0,3}?(?:deadline|date|closing date)\b", re.I)),
    # (a word or two may qualify a singular noun: "what annual budget", "which maximum
    # rate"; not "what costs are eligible", a list, nor "what does the budget cover")
    ("quantity", re.compile(r"\bhow (?:much|many|large|big|high|old)\b|"
                            r"\b(?:what|which)\s+(?:(?!(?:is|are|was|were|does|do|did|can|"
                            r"may|must|will|would|should|has|have)\b)[\w-]+\s+){0,2}?(?:share|"
                            r"percentage|proportion|amount|rate|sum|number|level|ceiling|maximum"
                            r"|minimum|total|budget|fee|cost|price|score|figures?|population)\b|"
                            r"^what(?:'s| is| are| was| were)\s+the\s+(?:[\w'’-]+\s+){0,3}?"
                            r"(?:rate|percentage|amount|budget|sum|cost|costs|fee|price|size|"
                            r"maximum|minimum|ceiling|share|total|number|value|score|"
                            r"population)\b", re.I)),
    ("agent", re.compile(r"\bwho(?:m|se)?\b|\b(?:which|what) (?:body|organi[sz]ation|"
                         r"authority|institution|partner|person|official|entit(?:y|ies))\b",
                         re.I)),
    ("place", re.compile(r"\bwhere\b|\b(?:which|what) (?:city|town|country|countries|place|"
                         r"region|state)\b", re.I)),
    # "Which areas ...", "What documents ...": a plural noun right after the question word
    ("list", re.compile(r"^(?:which|what)\s+(?!(?:is|was|has|does|happens|status)\b)"
                        r"[a-z-]+[^s\W]s\b|\blist\b|\benumerate\b|"
                        # ... or a few words before it, up to its verb ("Which Dutch and
                        # German local authorities are covered?")
                        r"^(?:which|what)\s+(?:(?!(?:is|are|was|were|has|have|had|do|does|did|"
                        r"happens?|if|when|after|before|once|while)\b)[\w.-]+\s+){1,6}?"
                        r"[a-z-]+[^s\W]s\s+(?:are|were|"
                        r"can|could|may|must|should|do|did|have|had|will|would)\b", re.I)),
    ("yesno", re.compile(r"^(?:can|could|may|is|are|does|do|did|must|should|will|has|have)\b",
                         re.I)),
    # ("what is the report about?", not "what is the rule we talked about?"; "in a
    # nutshell, what is the rate?" asks for the rate)
    ("summary", re.compile(r"\b(?:summar\w*|overview|gist|"
                           r"main (?:findings|points|ideas|message)|"
                           r"what is (?![^?]*\b(?:we|you|they|i|he|she|us|me)\b)[^?,;]{1,100}? "
                           r"about(?=\s*\??\s*$)|describe|"
                           r"how did .+ (?:affect|change|shape)|"
                           r"what does .+ (?:argue|propose|recommend|advise|say))\b",
                           re.I)),
]
_COMPARE = re.compile(r"\b(?:compared?|comparison|differ\w*|versus|vs\.?)\b", re.I)
_SIDES = [
    # "the 2024 and the 2025 Warsaw agreements-mining projects": two years of one thing
    # (names or hyphenated words between the year and the noun)
    _BOTH := re.compile(r"\b(?i:the)\s+((?:19|20)\d\d)\s+and\s+(?:the\s+)?((?:19|20)\d\d)\s+"
                        r"((?:(?:[A-Z][\w-]*|[a-z]+-[\w-]+)\s+){0,3}[a-z][\w-]{2,}s)(?![\w-])"),
    # "the 2024 and 2025 projects", "the Benelux and Anholt agreements": one noun, two sides
    re.compile(r"\b(?i:the)\s+((?:19|20)\d\d|[A-Z][\w-]+)\s+and\s+(?:the\s+)?((?:19|20)\d\d|"
               r"[A-Z][\w-]+)\s+([a-z]{3,}s)\b"),
    # "how do the rules of A differ from those of B (in ...)?"
    re.compile(r".*\b(?:do|does|did|would)\s+(.+?)\s+differ\s+from\s+(?:(?:that|those|the\s+ones?)"
               r"\s+(?:of|in|under|for)\s+)?(?:the\s+)?(.+?)(?:\s+(?:in|on|regarding|as\s+to|"
               r"with\s+respect\s+to)\s+.*)?[?.]?$", re.I),
    re.compile(r"\bbetween\s+(?:the\s+)?(.+?)\s+and\s+(?:the\s+)?(.+?)[?.]?$", re.I),
    re.compile(r"\bcompare\s+(.+?)\s+(?:and|with|to|versus|vs\.?)\s+(?:the\s+)?(.+?)[?.]?$",
               re.I),
    re.compile(r"^(.+?)\s+compared?\s+(?:with|to)\s+(?:the\s+)?(.+?)[?.]?$", re.I),
    re.compile(r"[,:]\s*(?:the\s+)?(.+?)\s+or\s+(?:the\s+)?(.+?)[?.]?$", re.I),
]
_SOONEST = re.compile(
    r"\b(?:expires?|ends?|runs? out|closes?|deadline)\b.*\b(?:first|soonest|next|earliest)\b|"
    r"\b(?:first|soonest|next|earliest)\b.*\b(?:expir\w*|clos\w*|deadline)\b", re.I)
YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
# "How many of the 298 agreements ...?", "which of the 54 projects": a figure of a whole the
# question takes from the document (from 10 up: "the three lots" may be written in words)
_KNOWN_COUNT = re.compile(r"\bof\s+the\s+(?!(?:1[89]|20)\d\d\b)(\d{1,3}(?:[,.]\d{3})+|\d{2,})"
                          r"\s+([a-z]{3,})\b")
_ROUND = r"(?:round|call|edition|cycle|intake|wave)"
# "the call for the 2012 financial year": a call's edition, but of a report only a year
_FISCAL = re.compile(r"\b((?:19|20)\d\d)\s+(?:financial|budget|fiscal)\s+year\b|"
                     r"\b(?:financial|budget|fiscal)\s+year\s+((?:19|20)\d\d)\b", re.I)


def round_of(year: str) -> str:
    """A pattern of the words that make a year a round's in a question: "the 2027 round",
    "the 2012 information actions call", "the call for 2013", "the call for proposals in
    2009"."""
    return (rf"\b{year}\s+(?:\w+\s+)?{_ROUND}\b|\b{_ROUND}(?:\s+for\s+proposals)?\s+"
            rf"(?:of\s+|for\s+|in\s+)?{year}\b")
# "Lot 2", "Protocol No. 3", "Strand B", "Article 12": a numbered part of a document.
_PART = re.compile(r"\b((?i:version|lot|strand|phase|annex|article|section|module|priority|"
                   r"axis|measure|protocol|paragraph|chapter|stage|window|tranche|action|part|"
                   r"step|option|category|scheme))\s+(?:No\.?\s*)?(\d{1,3}|[A-Z]|[IVX]{1,4})\b"
                   r"(?![-/.]\w)")
_CAPWORD = r"(?:[A-ZÀ-Þ][\w'’&.-]*|[A-Z]{2,}\d*)"
_NAME = re.compile(rf"\b({_CAPWORD}(?:\s+(?:(?:of(?:\s+the)?|de|del|di|van|von|der|la|le|für|&)"
                   rf"\s+)?{_CAPWORD})*)")
# "..., and who runs it?", "..., and in which languages ...?", "..., and for how long?"
_PARTS_SPLIT = re.compile(r"(?:,\s*|;\s*|\s+)(?:and|also|plus)\s+(?=(?:(?:in|on|at|for|from|"
                          r"under|with|to|by)\s+)?(?:when|who|whom|what|which|where|how|why|is|"
                          r"are|does|do|can|could|will|has|have|must|should|may|by)\b)"
                          r"|\?\s+(?=[A-Z])", re.I)
# Verbs that start a request ("Outline the Erasmus rules", "Give me the deadline"): a
# sentence they open asks ...
_ASKING_VERBS = {"give", "tell", "list", "show", "find", "explain", "describe", "outline",
                 "summarise", "summarize", "compare", "name", "check"}
# ... and, with the words that open a sentence about a document, are capitalised but no name
_REQUEST_VERBS = _ASKING_VERBS | {"draft", "please", "ask", "according", "under", "in", "for",
                                  "on", "at", "by"}
_FOLLOW_UP = re.compile(r"^(?:and|also|what about|how about|and what about)\b|"
                        r"\b(?:it|its|they|them|their|that one|this one|the same)\b", re.I)
_NOT_NAMES = STOPWORDS | {
    "what", "when", "which", "who", "whom", "whose", "where", "how", "why", "i", "we", "if",
    "please", "tell", "list", "give", "compare", "summarise", "summarize", "according", "under",
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "eur", "usd", "gbp", "mou", "mous",
}


@dataclass
class Question:
    """A question as the later stages use it."""

    text: str
    wants: str  # date | duration | quantity | agent | place | contact | yesno | summary | fact
    terms: list[str]
    years: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    parts_named: list[tuple[str, str]] = field(default_factory=list)  # ("Lot", "2")
    names: list[str] = field(default_factory=list)
    editions: list[tuple[str, str]] = field(default_factory=list)  # ("PRINCE", "2012")
    fiscal_years: list[str] = field(default_factory=list)  # "the 2012 financial year"
    # figures the question takes as known, with their noun: "of the 298 agreements" (a
    # document must hold it); not "a city of 150,000 inhabitants", the officer's own case
    known_counts: list[tuple[str, str]] = field(default_factory=list)  # ("298", "agreements")
    parts: list[str] = field(default_factory=list)  # sub-questions; [text] when one
    sides: tuple[str, str] | None = None  # a comparison's two sides
    soonest: bool = False  # "which expires first?": an ordering over documents
    language: str = ""  # ISO 639-1 of the question, "" when unsure
    # countries the question names as nouns ("in Belgium", "on behalf of Luxembourg"), as
    # ISO alpha-2; not adjectives ("the Italian notice", "a Dutch water board"), which
    # describe a document or a body more often than they restrict the answer
    places: list[str] = field(default_factory=list)
    # what "how many ...?" counts ("How many grants does it award?" -> "grants"): a count
    # of something else ("signed in two originals") does not answer it
    counted: str = ""
    # what a figure it asks for measures ("percent", "money"), "" when any figure may do
    measure: str = ""
    # the language version the question asks about ("what does the Dutch text say ...?",
    # "according to the Italian notice"), ISO 639-1; "" when it names none
    version: str = ""
    # language -> roots of the question's words -> roots of their nearest words in that
    # language's part of the library (assistant.bridge): filled in at retrieval
    across: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def in_version(self, language: str) -> bool:
        """Whether text in ``language`` is in the version the question asks about."""
        return bool(self.version) and language == self.version

    def foreign(self, languages: set[str]) -> bool:
        """Whether text in ``languages`` is in another language than the question: then a
        name or a label the question uses may be written otherwise there."""
        return bool(self.language and languages and self.language not in languages)

    @property
    def compare(self) -> bool:
        return self.sides is not None

    def side(self, side: str) -> Question:
        """The question as one side of its comparison asks it: what pins down the other
        side (the edition "Benelux 1986" when this side is "the 1991 Anholt agreement") is
        no longer something this side's document must hold."""
        others = [s.lower() for s in self.sides or () if s != side]
        mine = side.lower()

        def kept(*shown: str) -> bool:
            def written_in(text: str) -> bool:
                return all(re.search(rf"(?<!\w){re.escape(x.lower())}(?!\w)", text)
                           for x in shown if x)
            return written_in(mine) or not any(written_in(o) for o in others)

        # (every name stays a name: the other side's are words of this question too, and the
        # names a question uses weigh little among its words)
        return replace(
            self, sides=None, names=list(dict.fromkeys([*self.names, *(self.sides or ())])),
            editions=[(n, y) for n, y in self.editions if kept(n, y)],
            fiscal_years=[y for y in self.fiscal_years if kept(y)],
            codes=[c for c in self.codes if kept(c)],
            parts_named=[(a, b) for a, b in self.parts_named if kept(a, b)],
            known_counts=[(n, w) for n, w in self.known_counts if kept(n)])


# With no question word to go by ("Compare the co-financing rates of ..."), the noun says it.
_NOUN_WANTS: list[tuple[str, re.Pattern[str]]] = [
    ("date", re.compile(r"\b(?:deadlines?|dates?|expiry|closing)\b", re.I)),
    ("quantity", re.compile(r"\b(?:rates?|percentages?|amounts?|budgets?|sums?|costs?|fees?|"
                            r"grants?|maximum|minimum|ceilings?|shares?|totals?|numbers?)\b",
                            re.I)),
]


_WH = re.compile(r"\b(what|which|who|whom|whose|how|where|why|when)\b", re.I)


def asks_when(text: str) -> bool:
    """Whether "when" asks for a date: it is the question's first question word ("When
    was it signed?", "Tell me when it expires"), or joined to another by "and" ("Where
    and when ...", "Who signed it, and when?"); not a conjunction after another ("What
    did the report find when it reviewed ...?")."""
    found = [m.group(1).lower() for m in _WH.finditer(text)]
    if "when" not in found:
        return False
    return found[0] == "when" or bool(re.search(r"\b(?:and|or)\s+when\b", text, re.I))


def sentences_of(text: str) -> list[str]:
    """A question's sentences (sentencex knows abbreviations: "the U.S. Advisory
    Commission", "the St. Petersburg Declaration", "e.g. Nedersaksen")."""
    return list(_sentences(text.strip()))


@lru_cache(maxsize=1024)
def _sentences(text: str) -> tuple[str, ...]:
    # (one question is split by its kind, its parts, its pins and its decline alike:
    # once, then read from here)
    return tuple(s.strip() for s in segment("en", text) if s.strip())


# a question to the reader, not about the documents: "Can you help?", "Could you check?"
_TO_THE_READER = re.compile(r"^(?:(?:can|could|would|will)\s+you|please|any\s+(?:idea|help|"
                            r"thoughts))\b", re.I)



def asking_sentences(text: str) -> list[str]:
    """The sentences of a question that ask ("... Can we charge the air-time to the
    grant?"), not the officer's case told before them ("We're a broadcaster applying under
    Lot 1."); all of them when none ends in a question mark, or when the one that does only
    asks the reader for help ("I need the 2008 call's deadline. Can you help?")."""
    sentences = sentences_of(text)
    # (a request asks too: "Give me the deadline of the call. Can it be extended?")
    asking = [s for s in sentences if (s.endswith("?") and not _TO_THE_READER.match(s))
              or s.split()[0].lower() in _ASKING_VERBS]
    return asking or sentences


# (case-sensitive "I": "Annex I" is no officer; "us" is left out: "the US office")
_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I've|[Mm]y|[Ww]e|[Ww]e're|[Ww]e've|[Oo]ur)\b")
# ... and a sentence that asks for something is no case, whatever its person: "I need the
# deadline of the 2008 call."
_REQUEST = re.compile(r"\b(?:need|want|would like|looking for|give|tell|list|send|show|"
                      r"find)\b", re.I)


def own_case(text: str) -> str:
    """The officer's own case, told in sentences before the question ("Our state has
    signed the 1980 Outline Convention."): the sentences that neither ask nor request and
    speak of "we", "our" or "I"."""
    asking = asking_sentences(text)
    return " ".join(s for s in sentences_of(text)
                    if s not in asking and _FIRST_PERSON.search(s) and not _REQUEST.search(s))


def told_only(text: str) -> set[str]:
    """The years of editions told only in the officer's own case, when the question asks
    about another thing it names ("Our state has signed the 1980 Outline Convention. Can
    it ratify Protocol No. 2?"): the officer's world, not what the answer must hold. None
    when the question points back at what the case told ("We applied to the 2008 call.
    What was its deadline?")."""
    asking = " ".join(asking_sentences(text))
    if not (names_in(asking) or _PART.search(asking)):
        return set()
    return {y for y in YEAR.findall(own_case(text)) if y not in asking}


def answer_kind(text: str) -> str:
    """What kind of answer the question asks for, read from the sentences that ask: the
    case told before them says what it is about, not what it wants ("Our module 1 costs are
    contributed in kind. Could we count events held outside the office?" is a yes-no)."""
    text = " ".join(asking_sentences(text))
    if not asks_when(text):
        text = re.sub(r"\bwhen\b", "as", text, flags=re.I)  # a conjunction asks nothing
    for kind, pattern in _WANTS:
        if pattern.search(text.strip()):
            return kind
    for kind, pattern in _NOUN_WANTS:
        if pattern.search(text):
            return kind
    return "fact"


def split_parts(question: str) -> list[str]:
    """"When did X open, and who runs it?": the sub-questions, each with its own question
    word. One part: the question itself."""
    pieces = _PARTS_SPLIT.split(question.strip())
    # "Where and when was it signed": a lone question word belongs to the next part
    for i in range(len(pieces) - 1):
        if len(pieces[i].split()) < 2:
            pieces[i + 1] = f"{pieces[i].strip()} and {pieces[i + 1]}".strip()
            pieces[i] = ""
    parts = [p.strip(" ,;?") for p in pieces if len(p.split()) >= 2]
    return parts if len(parts) >= 2 else [question.strip()]


# a year and the kind of document it dates, a word or three after it ("the 2024 mining
# report", "the 1986 Benelux cross-border agreement")
_DOCUMENT_KIND = (r"(?:report|agreement|convention|protocol|treaty|memorandum|mou|call|"
                  r"guide|guidelines|notice|project|study|survey|dataset|paper|article|"
                  r"charter|declaration|plan|programme|program|strategy|edition|round)")
_DATED = re.compile(rf"\b((?:19|20)\d\d)\s+((?:[\w()-]+\s+){{0,3}}?({_DOCUMENT_KIND})s?)\b",
                    re.I)


def _named_before(question: str, at: int) -> str:
    """The name the question writes right before position ``at`` ("the Europe Direct 2008
    call", "the PRINCE 2010 - EU27 call"), or ""."""
    before = question[:at].rstrip()
    return next((n for n in sorted(names_in(question), key=len, reverse=True)
                 if before.endswith(n)), "")


def dated_sides(question: str) -> tuple[str, str] | None:
    """Two documents of one kind, each named with its own year anywhere in the question
    ("... in the 2024 mining report, and what did the 2025 report find?", "the 1986 Benelux
    agreement ..., and how does the 1991 Anholt Agreement differ?", with the name written
    before the year: "under the PRINCE 2010 - EU27 call and the 2012 CAP call"): the two
    sides."""
    dated = []
    for m in _DATED.finditer(question):
        if YEAR.search(m.group(2)):  # ("2024 and 2025 reports": one phrase)
            continue
        name = _named_before(question, m.start())
        phrase = f"{name} {m.group(1)} {m.group(2)}".strip()
        dated.append((m.group(1), phrase, m.group(3).lower()))
    for i, (year, phrase, kind) in enumerate(dated):
        for other, more, other_kind in dated[i + 1:]:
            if other != year and other_kind == kind:
                return f"the {phrase}", f"the {more}"
    return None


def compare_sides(question: str) -> tuple[str, str] | None:
    """The two things a comparison sets side by side, if it names two."""
    for i, pattern in enumerate(_SIDES):
        if m := pattern.search(question):
            a, b = m.group(1).strip(), m.group(2).strip()
            if i <= 1:
                return f"the {a} {m.group(3)}", f"the {b} {m.group(3)}"
            if i in (2, 4) or len(a.split()) > 6:
                # "compare the co-financing rates of A and B", "how does the share reported
                # by A compare with B": what is compared is no side
                a = re.split(r"\s+(?:of|for|in|under|by)\s+(?:the\s+)?", a)[-1]
            if len(a.split()) <= 12 and len(b.split()) <= 12:
                return a, b
    return dated_sides(question)


def names_in(text: str) -> list[str]:
    """Capitalised names the question uses ("Abu Dhabi", "Europe Direct", "PRINCE"), not
    the capital at the start of the sentence."""
    out: list[str] = []
    for m in _NAME.finditer(text):
        words = m.group(1).split()
        while words and (words[0].lower().strip(".") in _NOT_NAMES
                         or (m.start() == 0 and words[0].lower() in _REQUEST_VERBS)):
            words = words[1:]
        while words and words[-1].lower() in _NOT_NAMES | {"of", "de", "the", "and", "&"}:
            words = words[:-1]
        if not words or (m.start() == 0 and len(words) == 1 and words == m.group(1).split()):
            continue
        # "Sister Cities International's Partnership Agreement Toolkit": two names
        for name in re.split(r"['’]s\b\s*", " ".join(words)):
            name = name.strip()
            # the sentence's full stop ("the Anholt Agreement. What"), not an
            # abbreviation's ("Protocol No. 3")
            if name.endswith(".") and re.search(rf"{re.escape(name)}(?:\s+[A-Z]|\s*$)", text):
                name = name[:-1]
            if name and not YEAR.fullmatch(name) and not name.isdigit():
                out.append(name)
    return list(dict.fromkeys(out))


def _enumeration(code: str) -> bool:
    """Short parts of one shape joined by slashes ("M7/M8/M9", "A1/A2/A3"): a list."""
    parts = code.split("/")
    return len(parts) >= 2 and all(len(x) <= 3 for x in parts) and len(
        {re.sub(r"\d", "", x) for x in parts}) == 1


# the number of a legal act the question cites ("Regulation 1082/2006", "Decision No
# 1098/2008/EC" is a code already): the document must print it
_ACT = re.compile(r"\b(?:regulation|directive|decision)s?\s+(?:\([A-Z]+\)\s+)?(?:No\.?\s*)?"
                  r"(\d{1,4}/(?:19|20)\d\d)\b(?![/-]\w)", re.I)


MAX_QUESTION = 1000  # characters: a question, not a pasted document


def understand(text: str) -> Question:
    q = re.sub(r"\s+", " ", text).strip()[:MAX_QUESTION]
    # "M7/M8/M9" lists three modules, it is no identifier a document must hold as written
    codes = [c for c in CODE.findall(q) if not _enumeration(c)] + _ACT.findall(q)
    parts_named = [(a, b) for a, b in _PART.findall(q)
                   if a.lower() not in _NOT_NAMES and not YEAR.fullmatch(b)]
    years = list(dict.fromkeys(YEAR.findall(q)))
    # (two things of one kind named side by side are each answered from their own document,
    # whatever is asked of them: "which OCR engines did the 2024 and the 2025 projects use?")
    is_compare = bool(_COMPARE.search(q) or _BOTH.search(q) or dated_sides(q)) or bool(
        re.search(r"\bwhich\b", q, re.I) and re.search(r"[,:]\s*(?:the\s+)?\S.*\s+or\s+\S", q))
    names = names_in(q)
    # "PRINCE 2012", "the 2025 Smart Sister Cities Challenge": a name with its year names
    # one edition of something; the document must hold both.
    editions = [(n, y) for n in names for y in years
                if re.search(rf"\b{re.escape(n)}\s*[-–]?\s*{y}\b|\bthe\s+{y}\s+{re.escape(n)}\b",
                             q)]
    # "the 2027 round", "call for 2013": a year that names a round of something
    editions += [("", y) for y in years if y not in {e for _, e in editions}
                 and re.search(round_of(y), q, re.I)]
    edition_years = {e for _, e in editions}
    language = detect(q, by_grammar=True)
    wants = answer_kind(q)
    return Question(
        text=q, wants=wants, terms=terms(q), years=years, codes=codes,
        editions=editions, known_counts=_KNOWN_COUNT.findall(q),
        fiscal_years=[y for y in dict.fromkeys(a or b for a, b in _FISCAL.findall(q))
                      if y not in edition_years],
        parts_named=parts_named, names=names, parts=split_parts(q),
        sides=compare_sides(q) if is_compare else None, soonest=bool(_SOONEST.search(q)),
        language=language, version=version_asked(q),
        places=places_asked(q, language), counted=counted(q),
        measure=measure(q, wants))


# What names a document's version in a language rather than a country's document: "the
# Dutch text", "the Italian version", "the Spanish translation", "the Italian OJ notice".
# The name as written (capitalised: "polish the text" names none), at most an acronym
# between ("OJ"), and not a notice period, a translation service or "version of our ...".
_VERSION_NOUN = r"(?:[Tt]ext|[Vv]ersion|[Tt]ranslation|[Oo]riginal|[Ww]ording|[Nn]otice|FAQ)s?"
_NOT_VERSION = r"(?!\s+(?:period|services?|costs?|agenc\w*|of\s+(?:our|my|your|their)))"


@cache
def _version_pattern() -> re.Pattern[str]:
    capitalised = "|".join(re.escape(n.capitalize()) for n in english_language_names())
    # ... or "published in Italian": a document's version, where "written in Italian" may
    # be what an applicant does
    return re.compile(rf"\b({capitalised})\s+(?:[A-Z]{{2,}}\s+)?{_VERSION_NOUN}\b"
                      rf"{_NOT_VERSION}|\bpublished\s+in\s+({capitalised})\b(?!\s+[a-z])")


def version_asked(text: str) -> str:
    """The language of the version a question asks about ("What does the Dutch text say
    about its entry into force?" -> "nl"), "" when it names none."""
    m = _version_pattern().search(text)
    return language_code(m.group(1) or m.group(2)) if m else ""


_OWN_CASE = re.compile(r"^(?:as an?|being an?|we are an?|for an?|our \w+(?: \w+)? (?:is|are))\b"
                       r"[^,?]*,\s*", re.I)


def places_asked(text: str, language: str = "") -> list[str]:
    """Countries that restrict what a question asks ("Who signed it on behalf of Belgium?"),
    as ISO alpha-2. Not the officer's own case told before it ("Our partner is a town in
    Kenya. Is that allowed?"), nor a yes/no question's ("Can a town in Norway apply?"): the
    rule that answers those names a group ("any country", "EEA countries"), not the
    country. ``language``: the question's, when already detected."""
    if answer_kind(text) == "yesno":
        return []
    asking = asking_sentences(text)
    # ... nor told in a clause before it ("As a town in Kenya, which programmes fit us?")
    asking = [_OWN_CASE.sub("", s) for s in asking]
    if answer_kind(asking[-1]) == "yesno":
        return []
    # as the officer capitalised them, in the question's language ("island" is no Iceland
    # in English), and not a word of a longer name ("Jordan Smith")
    lang = language or detect(text) or "en"
    out: list[str] = []
    for s in asking:
        longer = [n for n in names_in(s) if len(n.split()) > 1]
        for h in find_countries(s, lang=lang):
            if not any(h.text in n and h.text != n for n in longer):
                out.append(h.alpha_2)
    return list(dict.fromkeys(out))


def is_follow_up(text: str) -> bool:
    return points_back(text) or len(text.split()) <= 6


def points_back(text: str) -> bool:
    """Whether a question points back at what was just discussed ("and when does it
    expire?", "what about their budget?"), not merely a short one ("which calls close
    soonest?" starts another subject)."""
    return bool(_FOLLOW_UP.search(text))


def topic(question: str) -> str:
    """The question in its own words as a noun phrase for a decline: "What is the population
    of Glastonbury?" -> "the population of Glastonbury"; "Who signed X?" -> "who signed X"."""
    q = question.strip()
    if len(asking_sentences(q)) < len(sentences_of(q)):
        # the officer's case told first: the question, quoted whole, reads right
        return f"an answer to “{q[0].upper() + q[1:]}”"
    q = q.rstrip("?.! ")
    # a follow-up's "And when ...?" (not "So-called", nor a bare "And?")
    q = re.sub(r"(?i)^(?:and|but|so|then)(?:\s*,\s*|\s+)(?=\S)", "", q)
    m = re.match(r"(?i)^(?:what|which)\s+(?:is|are|was|were)\s+(.+)$", q)
    if m:
        return m.group(1)
    # "What does the agreement say about X?", "On what date did X ratify it?", "When was it
    # signed?": no noun phrase or clause without undoing the question's inversion; the
    # question itself, quoted, reads right
    wh = (r"(?:(?:in|on|at|from|by|for|under|to|with|of)\s+)?"
          r"(?:what|which|who|whom|whose|when|where|why|how)")
    if (re.match(rf"(?i)^{wh}(?:\s+[\w'.-]+){{0,4}}?\s+(?:do|does|did)\b", q)
            or re.match(r"(?i)^(?:what|how)\s+about\b", q)
            or re.match(r"(?i)^(?:what|which)\s+(?:\w+\s+)?(?:can|could|should|must|will|"
                        r"would|shall|may)\b", q)
            or re.match(r"(?i)^(?:when|where|why|how(?:\s+(?:much|long|often|far|old|large|big|"
                        r"soon|high))?)\s+(?:is|are|was|were|can|could|should|"
                        r"must|will|would|shall|may|has|have|had)\b", q)):
        return f"an answer to “{q[0].upper() + q[1:]}?”"
    m = re.match(r"(?i)^(?:what|which)\s+(.+)$", q)
    if m:
        return "which " + m.group(1)
    if re.match(r"(?i)^(?:who|whom|whose|when|where|why|how)\b", q):
        return q[0].lower() + q[1:]
    m = re.match(r"(?i)^(?:is|are|was|were|does|do|did|can|could|may|must|should|will|has|"
                 r"have)\s+(.+)$", q)
    if m:
        return "whether " + m.group(1)
    return q[0].lower() + q[1:] if q else q
