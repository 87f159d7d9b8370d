"""An officer's plan read from plain language or from an agreement: topics, partners,
countries, applicant kind, the partnership it makes."""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.facts import money
from assistant.funding.population import populations
from assistant.parties import place_of
from assistant.retrieve import STOPWORDS
from assistant.sentences import split_sentences
from ingest.amounts import find_amounts
from ingest.countries import CountryHit, fold, region_countries
from ingest.countries import find_countries as country_hits
from ingest.language import detect
from ingest.numbers import NUMBER_WORDS, to_int
from ingest.registry import DocRecord

log = logging.getLogger(__name__)


COUNT_WORD = r"(\d{1,2}|couple of|pair of|" + "|".join(
    sorted((w for w in NUMBER_WORDS if len(w) > 2 and NUMBER_WORDS[w] > 0), key=len, reverse=True)
) + ")"


_PARTNER_NOUN = (r"(?:partners?|towns?|cities|city|municipalit(?:y|ies)|regions?|counties|county|"
                 r"councils?|communes?|villages?|(?:local |regional )?authorit(?:y|ies)|"
                 r"organi[sz]ations?|associations?|committees?|prefectures?|provinces?|ngos?|"
                 r"members?|places|communities)")


_NUMBERED = re.compile(
    rf"\b{COUNT_WORD}\s+((?:[\w-]+\s+){{0,3}}?){_PARTNER_NOUN}\b(?P<rest>[^.;]{{0,40}})", re.I)


_TOTAL = re.compile(r"\b(?:in total|in all|altogether|all told|including (?:us|ours|our \w+))\b",
                    re.I)


_TOTAL_BEFORE = re.compile(r"(?:partnership|consortium|group|network|total) of\s*$", re.I)


_SINGULAR = re.compile(
    r"\b(?:our|a|an|its|their)\s+(?:(?:[\w-]+\s+){0,2}?)(?:(?:twin(?:ned)?|sister|partner|"
    r"friendship)\s+(?:town|city|municipality|region|county|commune|village|community|"
    r"prefecture)|twin)\b(?!\s+towns)", re.I)


_COUNTRY_COUNT = re.compile(rf"\b(?:from|in|across)\s+{COUNT_WORD}\s+(?:different\s+)?countries\b",
                            re.I)


APPLICANT_WORDS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"twinning (?:committee|association)|sister[- ]cit(?:y|ies) association|"
                r"friendship (?:committee|association)", re.I), "twinning"),
    (re.compile(r"associations? of (?:municipalities|local authorities)", re.I), "assoc"),
    (re.compile(r"\bngos?\b|non-?profit|charit(?:y|ies)|civil society|foundation|"
                r"\bassociation\b|\bclub\b", re.I), "nonprofit"),
    (re.compile(r"youth council", re.I), "youth_council"),
    # (before places: "a regional broadcaster" is a company, not a region)
    (re.compile(r"\bcompan(?:y|ies)\b|\bbusiness\b|\bfirm\b|\bbroadcaster\b", re.I),
     "company"),
    (re.compile(r"county|\bshire\b", re.I), "county"),
    (re.compile(r"region|province|prefecture|regional district|\bstate\b", re.I), "region"),
    (re.compile(r"municipal|\btown\b|\bcity\b|village|commune|parish|borough|district|"
                r"\bcouncil\b|\bcomune\b", re.I), "local"),
    (re.compile(r"school", re.I), "school"),
    (re.compile(r"universit", re.I), "university"),
]


APPLICANT_LABELS = {"twinning": "a twinning committee or association", "assoc":
                    "an association of municipalities", "nonprofit": "a non-profit organisation",
                    "youth_council": "a youth council", "county": "a county",
                    "region": "a regional authority", "local": "a municipality",
                    "school": "a school", "university": "a university", "company": "a company"}


# Which kinds of applicant an eligible-applicants entry admits. A county is a regional
# authority for these calls, and "district, borough and county councils" admits both.
ELIGIBLE_KINDS: list[tuple[re.Pattern[str], set[str]]] = [
    (re.compile(r"associations? of (?:municipalities|local authorities)|national associations",
                re.I), {"assoc"}),
    (re.compile(r"twinning|sister cit|friendship", re.I), {"twinning"}),
    (re.compile(r"youth council", re.I), {"youth_council"}),
    (re.compile(r"civil society|non-?profit|charit|\bngo", re.I), {"nonprofit"}),
    (re.compile(r"local or regional authorit", re.I), {"local", "county", "region"}),
    (re.compile(r"county", re.I), {"county", "local"}),
    (re.compile(r"regional", re.I), {"region", "county"}),
    (re.compile(r"local authorit", re.I), {"local", "county"}),
    (re.compile(r"municipal|town|parish|community council|borough|district|city council",
                re.I), {"local"}),
    (re.compile(r"school", re.I), {"school"}),
    (re.compile(r"universit", re.I), {"university"}),
    (re.compile(r"\bcompan(?:y|ies)\b|\bbusiness(?:es)?\b|\benterprises?\b|\bfirms?\b|"
                r"\bsmes?\b|\bbroadcasters?\b", re.I), {"company"}),
]


_OUR_APPLICANT = re.compile(
    r"\b(?:our|we are an?|we're an?|as an?|i work for an?|i work for the|we, the)\s+"
    r"((?:[\w'-]+\s+){0,3}?(?:committee|association|council|county|region|municipality|town|"
    r"city|village|commune|parish|borough|district|ngo|charity|non-profit|nonprofit|"
    r"organi[sz]ation|prefecture|province|school|foundation|club|authority|government|"
    r"company|broadcaster))\b",
    re.I)


# Words that say how a project is organised, not what it is about: kept out of the topic so
# that "with our twin town" does not match every call written for twinned towns.
STRUCTURE_WORDS = frozenset(
    "joint pilot project projects partner partners partnership town towns city cities "
    "municipality municipalities region regions regional county counties council councils "
    "commune communes village villages twin twinned twinning sister friendship between "
    "together want wants plan plans planning need needs looking funding fund money grant "
    "grants call calls apply help led lead next year summer winter spring autumn month months "
    "abroad other more local borough district parish community communities authority "
    "authorities ngo ngos association committee organisation organisation organization "
    "us we our ours i my me some run running about around support we're small big "
    "looking money would like".split())


def count_of(word: str) -> int:
    word = word.lower()
    if word in ("couple of", "pair of"):
        return 2
    return to_int(word) or 0


def find_countries(text: str, lang: str | None = None) -> list[tuple[int, str]]:
    """(position, country) for every country name, demonym or code an officer typed;
    ``lang``: the request's language, whose names of countries count too ("Duitsland")."""
    return [(h.start, h.name)
            for h in country_hits(text, demonyms=True, any_case=True, lang=lang or None)]


def party_core(name: str) -> str:
    """'Municipality of Vila Serena' -> 'vila serena': the part a request would use."""
    return fold(place_of(name)).strip()


@dataclass
class Plan:
    """What the request (or agreement) says about the project, as the radar read it."""

    request: str
    topics: list[str]
    partners: int | None = None
    countries: list[str] = field(default_factory=list)
    home_country: str | None = None
    countries_stated: int | None = None
    applicant: str | None = None  # a kind from APPLICANT_LABELS
    amount: float | None = None
    amount_currency: str | None = None
    # "grant": the sum asked of the call; "cost": what the whole project costs, of which a
    # call pays its co-financing share; "unread": either (a request in another language)
    amount_kind: str = "grant"
    agreement: str | None = None
    named_partners: list[str] = field(default_factory=list)
    # the topics named as such (an agreement's areas of cooperation), as against the words
    # of the request itself, which read as a list of words, not a topic
    named_topics: list[str] = field(default_factory=list)
    language: str = ""  # of the topics: which embedder can read them (assistant.funding.radar)
    # the places' populations the request states, the applicant's first
    populations: list[int] = field(default_factory=list)

    def countries_known(self) -> bool:
        """Whether every country of the plan is named (the applicant's own included)."""
        return self.home_country is not None or self.agreement is not None

    def country_count(self) -> int | None:
        """How many countries the plan spans, when it says so or names all of them."""
        named = len(self.countries)
        if self.countries_stated:
            return max(named, self.countries_stated)
        return named if self.countries_known() else None

    def describe(self) -> str:
        parts = []
        if self.agreement:
            parts.append(f"the agreement {self.agreement}")
        if self.partners:
            parts.append(f"{self.partners} partners")
        if self.countries:
            parts.append("countries: " + ", ".join(self.countries))
        if self.applicant:
            parts.append("applicant: " + APPLICANT_LABELS[self.applicant])
        if self.amount is not None:
            verb = {"cost": "a project costing ", "unread": "naming "}.get(self.amount_kind,
                                                                           "asking for ")
            parts.append(verb + money(self.amount, self.amount_currency))
        if self.named_partners and not self.agreement:
            parts.append("partner from your agreements: " + ", ".join(self.named_partners))
        return "; ".join(parts) if parts else "no partners, countries or applicant stated"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


# A sentence of a request with fewer topical words than this ("Which scheme fits?") says
# nothing of the project's theme.
SENTENCE_TOPIC_WORDS = 3
# ... and a pasted e-mail of forty sentences is read on its first ones: each topic is one
# more chance for a call to fit by accident.
SENTENCE_TOPICS = 6


class PlanReader:
    """Reads partners, countries, applicant and amount from a request; the register's
    agreements supply countries when the request names (or points at) a partner town."""

    def __init__(self, agreements: list[DocRecord]) -> None:
        self.agreements = agreements

    def read(self, request: str, agreement: DocRecord | None = None) -> Plan:
        plan = Plan(request=request, topics=[])
        if agreement is not None:
            self._from_agreement(plan, agreement)
        text = request or ""
        plan.language = detect(text) if text.strip() else ""
        self._countries(plan, text)
        self._partners(plan, text)
        self._applicant(plan, text)
        self._amount(plan, text)
        plan.populations = populations(text)
        topic = topic_text(text, plan)
        if topic:
            plan.topics.append(topic)
            # ... and each sentence's on its own: "I work in the international office of a
            # city in Bavaria. Our regional TV channel wants to make a quiz show ..." is
            # about the quiz show, which the whole request's words blur (fitted: see README);
            # not a question the officer asks ("Is there a grant for this, how much could the
            # EU give, and when is the deadline?") when other sentences say what the project
            # is: it says what they want to know (measured: precision frozen-a 0.91 -> 1.00,
            # b 0.36 -> 0.38, c 0.50 -> 0.52, d 0.31 -> 0.31, recall unchanged on every set)
            read = [(s.rstrip().endswith(("?", "？")), t) for s, _ in split_sentences(text)
                    if len((t := topic_text(s, plan)).split()) >= SENTENCE_TOPIC_WORDS]
            told = [t for asks, t in read if not asks]
            sentences = told or [t for _, t in read]
            if len(sentences) > 1:
                plan.topics.extend(list(dict.fromkeys(sentences))[:SENTENCE_TOPICS])
        if not plan.topics and text.strip():
            plan.topics.append(text.strip())
        if not text.strip() and plan.topics:  # an agreement's areas of cooperation
            plan.language = detect(" ".join(plan.topics))
        return plan

    @staticmethod
    def _from_agreement(plan: Plan, rec: DocRecord) -> None:
        parties = list(rec.field_value("parties") or rec.partners)
        plan.agreement = rec.source
        plan.topics.extend(str(a) for a in rec.field_value("areas") or [])
        plan.named_topics = list(plan.topics)
        plan.partners = len(parties) or None
        plan.countries = list(dict.fromkeys(rec.field_value("countries") or rec.countries))
        plan.named_partners = parties[1:]
        if parties:
            plan.applicant = applicant_kind(parties[0])

    def _countries(self, plan: Plan, text: str) -> None:
        lang = plan.language
        # a place's region says its country when the request does not ("un municipio de
        # Nuevo León", "een gemeente in Noord-Brabant", "a city in Texas")
        regions = [(h.start, h.name) for h in region_countries(text)]
        for _, country in sorted([*find_countries(text, lang), *regions]):
            if country not in plan.countries:
                plan.countries.append(country)
        plan.home_country = plan.home_country or home_country(text, lang)
        if plan.home_country and plan.home_country not in plan.countries:
            plan.countries.insert(0, plan.home_country)
        self._named_partners(plan, text)
        if m := _COUNTRY_COUNT.search(text):
            plan.countries_stated = count_of(m.group(1))

    def _named_partners(self, plan: Plan, text: str) -> None:
        """A partner town named in the request, or 'our twin town in Portugal' when exactly
        one agreement of the register has a party there: the partner's country joins the
        plan, and the other party's, as the applicant's, unless the request says otherwise."""
        hits, named = self._partner_hits(text)
        for rec, i in hits:
            parties = list(rec.field_value("parties") or [])
            countries = list(rec.field_value("countries") or [])
            if len(countries) != len(parties) or i >= len(parties):
                continue  # cannot tell which country is whose
            other = next((j for j in range(len(parties)) if j != i), None)
            ours = other is not None and plan.home_country in (None, countries[other])
            if not named and not ours:
                continue  # the request places us elsewhere: not our agreement
            if parties[i] not in plan.named_partners:
                plan.named_partners.append(parties[i])
            if countries[i] not in plan.countries:
                plan.countries.append(countries[i])
            if ours and other is not None:
                plan.home_country = countries[other]
                if countries[other] not in plan.countries:
                    plan.countries.insert(0, countries[other])
                plan.applicant = plan.applicant or applicant_kind(parties[other])
            log.info("request points at %s in %s", parties[i], rec.source)

    def _partner_hits(self, text: str) -> tuple[list[tuple[DocRecord, int]], bool]:
        """(agreement, index of the partner party) pairs, and whether the partner was named
        (rather than pointed at by its country)."""
        low = fold(text)
        hits = [(rec, i) for rec in self.agreements
                for i, p in enumerate(rec.field_value("parties") or [])
                if len(party_core(p)) > 3 and re.search(rf"\b{re.escape(party_core(p))}\b", low)]
        if hits:
            return hits, True
        pointed = _POINTED.search(text)
        found = find_countries(pointed.group(1)) if pointed else []
        if not found or found[0][0] != 0:
            return [], False
        country = found[0][1]
        cands = [(rec, list(rec.field_value("countries") or []).index(country))
                 for rec in self.agreements if country in (rec.field_value("countries") or [])]
        return (cands if len(cands) == 1 else []), False

    @staticmethod
    def _partners(plan: Plan, text: str) -> None:
        numbered, total = 0, None
        for m in _NUMBERED.finditer(text):
            if re.search(r"countr", m.group(0), re.I):
                continue
            n = count_of(m.group(1))
            if _TOTAL.search(m.group("rest")) or _TOTAL_BEFORE.search(text[:m.start()]):
                total = max(total or 0, n)
            else:
                numbered += n
        singular = len(_SINGULAR.findall(text))
        others = numbered + max(singular, len(plan.named_partners) if not plan.agreement else 0)
        self_ref = re.search(r"\b(?:our|we|us|ours)\b", text, re.I)
        if total:
            count = total
        elif others:
            count = others + (1 if self_ref or not numbered else 0)
        else:
            count = 0
        if count:
            plan.partners = max(plan.partners or 0, count)

    @staticmethod
    def _applicant(plan: Plan, text: str) -> None:
        for m in _OUR_APPLICANT.finditer(text):
            phrase = m.group(1)
            if re.search(r"\b(?:twin(?:ned)?|sister|partner|friendship)\s+(?:town|city|"
                         r"municipality|region|county|village|commune)", phrase, re.I):
                continue  # "our twin town" is the partner, not the applicant
            kind = applicant_kind(phrase)
            if kind:
                plan.applicant = kind
                return

    @staticmethod
    def _amount(plan: Plan, text: str) -> None:
        found = find_amounts(text, country=plan.home_country)
        if not found:
            return
        # "Total cost about EUR 160,000 and we would ask for EUR 120,000": the sum asked
        # decides; a project's cost only when no sum is asked or said of nothing
        kinds = [amount_kind(text[max(0, a.start - AMOUNT_CONTEXT):a.start],
                             text[a.end:a.end + AMOUNT_CONTEXT]) for a in found]
        pick = min(range(len(found)), key=lambda i: _KIND_ORDER.index(kinds[i]))
        plan.amount = float(found[pick].value)
        plan.amount_currency = found[pick].currency
        plan.amount_kind = "cost" if kinds[pick] == "cost" else "grant"
        if plan.language not in ("en", ""):
            # the words that tell a sum asked from a project's cost are English: in another
            # language the sum stays unread rather than misread ("kosten ongeveer 34.000
            # euro" is no grant of EUR 34,000 asked)
            plan.amount_kind = "unread"


_HOME = re.compile(
    r"\b(?:[Oo]ur\s+((?:[\w-]+\s+){0,3}?)(?:town|city|county|region|municipality|council|village|"
    r"commune|parish|borough|district|committee|association|organi[sz]ation|ngo|charity)"
    r"\s+(?:is\s+)?(?:in|from)\s+(?:the\s+)?|"
    r"[Ww]e(?:'re| are)\s+(?:an?\s+(?:[\w-]+\s+){0,3}?)?(?:based\s+)?in\s+(?:the\s+)?|"
    r"[Bb]ased in\s+(?:the\s+)?)")
# Where the place named after "our town in" ends: "County Kerry, Ireland, and our twin town
# in Brittany" is about Ireland, not France. A full stop after a short capitalised word
# ("Co.", "St.", "U.K.") ends nothing.
_PLACE_END = re.compile(r"[;:!?]|(?<=[a-z]{4})\.|,?\s+(?:and|with|together|plus|who|which|that|"
                        r"wants?|would)\b|\s+(?:our|their)\s", re.I)
# A place is named from its first word: "in Ireland", "in northern Greece"; "we are in talks
# about ... in Portugal" names none.
_PLACE_START = re.compile(r"[A-Z]|(?:north|south|east|west|central|rural|coastal)\w*\s")


_HOME_ADJ = re.compile(r"\b[Oo]ur\s+([A-Z][\w.]*)\s+(?:town|city|county|region|municipality|"
                       r"council|village|commune|parish|borough|district)\b")


_POINTED = re.compile(r"\b[Oo]ur\s+(?:twin(?:ned)?|sister|partner|friendship)\s+\w+\s+in\s+"
                      r"(?:the\s+)?([A-Z][\w ]+)")


_PARTNER_ROLE = re.compile(r"\b(?:twin(?:ned)?|sister|partner|friendship)\b", re.I)


def home_country(text: str, lang: str | None = None) -> str | None:
    """The applicant's own country: 'our county in Kent, England', 'we are based in Spain',
    'our British town'; never the country of 'our twin town in ...'."""
    for m in _HOME.finditer(text):
        if m.group(1) and _PARTNER_ROLE.search(m.group(1)):
            continue
        place = text[m.end():m.end() + 80]
        if not _PLACE_START.match(place):
            continue
        end = _PLACE_END.search(place)
        found = [(at, name) for at, name in find_countries(place)
                 if end is None or at < end.start()]  # "the U.K." ends at its own dot
        if found:
            return found[0][1]
    for m in _HOME_ADJ.finditer(text):
        found = find_countries(m.group(1))
        if found:
            return found[0][1]
    return _first_place(text, detect(text) if lang is None else lang)


_FIRST_PERSON = re.compile(r"\b(?:I|I'm|we|we're|our|my)\b", re.I)


def _first_place(text: str, lang: str) -> str | None:
    """The applicant's country as an English request introduces it in other words ("I'm
    the twinning officer of a small town in County Clare, Ireland", "We are the city of
    Lugano in Switzerland", "A Moldovan town ..."): in the first sentence, or one in the
    first person, a country that is the place of a kind of applicant itself ("a town in
    ...", "a Moldovan town"), never of what it does ("our town plans a youth exchange in
    Portugal") nor a partner's ("... for the Norwegian visitors"). The words are English:
    another language's request keeps its country unread rather than misread. ``lang``: the
    request's language."""
    if lang not in ("en", ""):
        return None
    abroad: set[str] = set()
    for i, (sentence, _) in enumerate(split_sentences(text)):
        found = country_hits(sentence, demonyms=True, any_case=True)
        if found and (i == 0 or _FIRST_PERSON.search(sentence)):
            h = found[0]
            if h.name not in abroad and (_placed_applicant(sentence[:h.start])
                                         or _demonym_applicant(sentence, h)):
                return h.name
        abroad.update(h.name for h in found)
    return None


# The applicant's noun, then only its own place up to the country: "town in County Clare, ",
# "city of Lugano in ", "council, based in ": no verb, no activity between.
_APPLICANT_NOUN = (r"(?:town|city|municipality|council|county|region|province|village|commune|"
                   r"parish|borough|district|prefecture|comune|gemeente|association|ngo|charity|"
                   r"organi[sz]ation|office|authority|administration)s?")
_NAME = r"[A-Z][\w'’.-]*(?:\s+(?:of\s+|de\s+)?[A-Z][\w'’.-]*)*"
# (names are capitalised: no IGNORECASE but for the nouns and the little words)
_PLACED = re.compile(rf"\b(?i:{_APPLICANT_NOUN})(?:\s+of\s+(?:the\s+)?{_NAME})?,?\s+"
                     rf"(?i:(?:based\s+)?(?:in|from)\s+(?:the\s+)?(?:(?:north|south|east|west|"
                     rf"central|rural|coastal)\w*\s+)?)(?:{_NAME},?\s+)?$")
# ... or a demonym before it: "a Moldovan town", "a Dutch border municipality"
_APPLICANT_NEXT = re.compile(rf"\s+(?:[\w-]+\s+){{0,2}}?{_APPLICANT_NOUN}\b", re.I)


def _demonym_applicant(sentence: str, hit: CountryHit) -> bool:
    """"A Moldovan town ...": a demonym before an applicant's noun, not a partner's ("with
    our German twin town")."""
    if hit.text.lower() == hit.name.lower():
        return False  # the country's name, not a demonym
    m = _APPLICANT_NEXT.match(sentence[hit.end:])
    return bool(m) and not _PARTNER_OF.search(
        " ".join(sentence[:hit.start].split()[-4:]) + " " + m.group(0))


def _placed_applicant(before: str) -> bool:
    """Whether ``before`` ends with an applicant's noun and its own place: not a partner's
    ("our twin town in", "our twinning with a small town in")."""
    m = _PLACED.search(before)
    return bool(m) and not _PARTNER_OF.search(" ".join(before[:m.start()].split()[-4:]))


# "our twin town in", "partner municipalities from", "our twinning with a small town in"
_PARTNER_OF = re.compile(r"\b(?:twin(?:ned|ning)?|sister|partners?|friendship|with)\b", re.I)


# How far around a sum the words that say what it is are looked for ("total cost about",
# "... altogether")
AMOUNT_CONTEXT = 40
# A sum asked of the call ("we would ask for", "apply for", "a grant of", "we need") decides;
# then a sum said of nothing; a sum introduced as the project's cost or budget ("total cost
# about", "budget:", "... altogether") is its size, of which a call pays its co-financing
# share; our own contribution ("we can contribute EUR 20,000") is never the sum asked.
_ASK = re.compile(r"\b(?:ask(?:ing|ed)?|request(?:ing|ed)?|apply(?:ing)?|appl(?:ied|ication)|"
                  r"need(?:s|ing|ed)?|seek(?:ing|s)?|grant|funding of|subsidy)\b", re.I)
_COST = re.compile(r"\b(?:costs?|costing|budget(?:ed)?|total(?:ling)?|in total|estimat\w*|"
                   r"the whole (?:thing|project))\b", re.I)
_COST_AFTER = re.compile(r"^\W{0,3}(?:in all|altogether|in total)\b", re.I)
_OWN = re.compile(r"\b(?:contribut\w*|co-?financ\w*|our (?:own )?share|ourselves|match(?:ing)? "
                  r"funds?)\b", re.I)
_KIND_ORDER = ("grant", "unmarked", "cost", "own")


def amount_kind(before: str, after: str = "") -> str:
    """What a sum in a request is, from the words of its own sentence around it: "grant"
    (asked of the call), "cost" (the project's), "own" (our contribution) or "unmarked"."""
    clause = re.split(r"[.!?;]\s", before)[-1]
    if _ASK.search(clause):
        return "grant"
    if _OWN.search(clause):
        return "own"
    if _COST.search(clause) or _COST_AFTER.match(after):
        return "cost"
    return "unmarked"


def applicant_kind(phrase: str) -> str | None:
    for pattern, kind in APPLICANT_WORDS:
        if pattern.search(phrase):
            return kind
    return None


def topic_text(request: str, plan: Plan) -> str:
    """The request without who, where and how much: what the project is about."""
    text = request
    for a in reversed(find_amounts(request)):
        text = text[:a.start] + " " + text[a.end:]
    for h in reversed(country_hits(text, demonyms=True, any_case=True)):
        text = text[:h.start] + " " + text[h.end:]
    for name in plan.named_partners:
        text = re.sub(re.escape(party_core(name)), " ", fold(text))
    words = re.findall(r"[\w']+", fold(text))  # "climate-adaptation": two words
    kept = [w for w in words if w not in STOPWORDS and w not in STRUCTURE_WORDS
            and to_int(w) is None and not w.isdigit()]
    return " ".join(kept)
