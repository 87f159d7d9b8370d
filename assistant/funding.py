"""The funding radar: which stored grant calls fit a plan, and why, with citations.

A plan is read from plain language ("a joint flood-resilience pilot between our county and
two partner regions in Poland and Germany") or from an agreement in the register (its areas
of cooperation, parties and countries). Each call is then judged in three steps:

1. theme fit by meaning (the plan's topics against the call's priorities, title and
   passages) plus keyword overlap;
2. the hard rules the call states (partnership minimum, eligible countries, eligible
   applicants, amount per project), each read from the call's extracted fields;
3. its status against an injected ``today`` (open, closing soon, closed).

Only what the call's fields or text say goes into the answer: every amount, date and rule
comes with the page it was read from and a verbatim quote. A rule the plan does not let us
decide (the applicant's own country, say) becomes something to check, never a pass.
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

import numpy as np

from assistant.facts import human_date, money
from assistant.library import Library
from assistant.retrieve import STOPWORDS, terms
from assistant.status import call_status, deadline_status, parse_deadline
from ingest.amounts import find_amounts
from ingest.countries import find_countries as country_hits
from ingest.countries import fold
from ingest.lots import LOT_FIGURES
from ingest.numbers import NUMBER_WORDS, to_int
from ingest.registry import DocRecord

log = logging.getLogger(__name__)

# Theme fit needed to consider a call at all, fitted on the tuning requests pooled (the
# sample corpus's evals/funding_requests.jsonl, the real dev tasks and frozen-a of
# evals/real_tasks_frozen.jsonl): the highest recall whose precision stays >= 0.8 and
# nothing-fits >= 0.9 (0.42: recall 0.50, precision 0.86, nothing-fits 0.94; 0.47 kept
# recall at 0.38). frozen-b is held out. The hard rules, not this number, decide most cases.
FIT_THRESHOLD = 0.42
KEYWORD_BONUS, KEYWORD_BONUS_CAP = 0.04, 2
MAX_CONDITIONS = 4
ROW_FIELDS = ("title", "programme", "call_id", "funder", "themes", "amount_min", "amount_max",
              "currency", "call_budget", "cofinancing_rate", "eligible_applicants",
              "eligible_countries", "partnership_min", "duration_months", "opening_date",
              "deadline", "deadline_time", "deadline_tz")

# ---------------------------------------------------------------------------------------
# Call rows
# ---------------------------------------------------------------------------------------


@dataclass
class CallRow:
    source: str
    doc_id: str
    title: str
    programme: str | None
    call_id: str | None
    funder: str | None
    themes: list[str]
    amount_min: float | None
    amount_max: float | None
    currency: str | None
    call_budget: float | None
    cofinancing_rate: float | None
    eligible_applicants: list[str]
    eligible_countries: list[str]
    partnership_min: int | None
    duration_months: int | None
    opening_date: str | None
    deadline: str | None
    deadline_time: str | None
    deadline_tz: str | None
    status: str
    days_left: int | None
    status_reason: str = ""
    pages: dict[str, int | None] = field(default_factory=dict)
    lot: str | None = None  # a call divided into lots is one row per lot
    # the figures this row has from its lot: the record's evidence for them is the span
    # across lots, not this lot's, so they are not cited from it
    lot_figures: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """One row of the radar: the call, or one of its lots."""
        return f"{self.source}#{self.lot}" if self.lot else self.source

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def name(self) -> str:
        """How the officer recognises the call: programme and call id."""
        prog = self.programme or self.title
        name = f"{prog} ({self.call_id})" if self.call_id else prog
        return f"{name}, {self.lot}" if self.lot else name

    def amount_text(self) -> str:
        low, high = self.amount_min, self.amount_max
        if low is None and high is None:
            return ""
        if low is not None and (high is None or high == low):
            return money(low, self.currency) + (" (lump sum)" if high == low else "")
        if low is None:
            return f"up to {money(high, self.currency)}"
        return f"{money(low, self.currency)} to {money(high, self.currency)}"

    def deadline_text(self) -> str:
        if not self.deadline:
            return "no deadline stated"
        when = human_date(self.deadline)
        if self.deadline_time:
            when += f" at {self.deadline_time}"
        return when + (f" {self.deadline_tz}" if self.deadline_tz else "")


def _num(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) \
        else None


def _whole(value: object) -> int | None:
    return int(value) if isinstance(value, int | float) else None


def call_row(rec: DocRecord, today: date) -> CallRow:
    v = rec.field_value
    st = call_status(rec, today)
    _, days = deadline_status(parse_deadline(v("deadline")), today)
    return CallRow(
        source=rec.source, doc_id=rec.doc_id, title=str(v("title") or rec.title),
        programme=v("programme"), call_id=v("call_id"), funder=v("funder"),
        themes=list(v("themes") or []),
        amount_min=_num(v("amount_min")), amount_max=_num(v("amount_max")),
        currency=v("currency"), call_budget=_num(v("call_budget")),
        cofinancing_rate=_num(v("cofinancing_rate")),
        eligible_applicants=list(v("eligible_applicants") or []),
        eligible_countries=list(v("eligible_countries") or []),
        partnership_min=_whole(v("partnership_min")),
        duration_months=_whole(v("duration_months")),
        opening_date=v("opening_date"), deadline=v("deadline"),
        deadline_time=v("deadline_time"), deadline_tz=v("deadline_tz"),
        status=st.state, days_left=days, status_reason=st.reason,
        pages={n: rec.fields[n].get("page") for n in ROW_FIELDS if n in rec.fields},
    )


def lot_rows(rec: DocRecord, today: date) -> list[CallRow]:
    """The call's rows: one per lot, with the lot's own range, rate and duration (a figure
    other lots state but this one does not is left empty, never the call's span; one that
    no lot states is the call's, shared by all), or the one row of a call without lots."""
    row = call_row(rec, today)
    lots = [lot for lot in rec.field_value("lots") or [] if isinstance(lot, dict)]
    if len(lots) < 2:
        return [row]
    # a figure some lot states is per lot; one no lot states is the call's, shared by all
    per_lot = {k for lot in lots for k in LOT_FIGURES if k in lot}
    out = []
    for i, lot in enumerate(lots, 1):
        name = str(lot.get("name") or f"Lot {i}")
        own = {k: (lot.get(k) if k in per_lot else getattr(row, k)) for k in LOT_FIGURES}
        # the lot's subject is a priority of its own ("TV programmes")
        subject = name.split(":", 1)[-1].strip()
        out.append(replace(row, lot=name, themes=[*row.themes, subject],
                           amount_min=_num(own["amount_min"]),
                           amount_max=_num(own["amount_max"]),
                           cofinancing_rate=_num(own["cofinancing_rate"]),
                           duration_months=_whole(own["duration_months"]),
                           lot_figures=tuple(sorted(per_lot))))
    return out


def call_rows(library: Library, today: date) -> list[CallRow]:
    """Every stored grant call (a row per lot), soonest deadline first, closed and undated
    ones last."""
    rows = [row for r in library.documents("grant_call") for row in lot_rows(r, today)]
    order = {"closing_soon": 0, "open": 1, "not_yet_open": 2, "unknown": 3, "closed": 4}
    return sorted(rows, key=lambda r: (order[r.status], r.deadline or "9999", r.source))


# ---------------------------------------------------------------------------------------
# Reading the plan
# ---------------------------------------------------------------------------------------

_NUM = r"(\d{1,2}|couple of|pair of|" + "|".join(
    sorted((w for w in NUMBER_WORDS if len(w) > 2 and NUMBER_WORDS[w] > 0), key=len, reverse=True)
) + ")"
_PARTNER_NOUN = (r"(?:partners?|towns?|cities|city|municipalit(?:y|ies)|regions?|counties|county|"
                 r"councils?|communes?|villages?|(?:local |regional )?authorit(?:y|ies)|"
                 r"organi[sz]ations?|associations?|committees?|prefectures?|provinces?|ngos?|"
                 r"members?|places|communities)")
_NUMBERED = re.compile(
    rf"\b{_NUM}\s+((?:[\w-]+\s+){{0,3}}?){_PARTNER_NOUN}\b(?P<rest>[^.;]{{0,40}})", re.I)
_TOTAL = re.compile(r"\b(?:in total|in all|altogether|all told|including (?:us|ours|our \w+))\b",
                    re.I)
_TOTAL_BEFORE = re.compile(r"(?:partnership|consortium|group|network|total) of\s*$", re.I)
_SINGULAR = re.compile(
    r"\b(?:our|a|an|its|their)\s+(?:(?:[\w-]+\s+){0,2}?)(?:(?:twin(?:ned)?|sister|partner|"
    r"friendship)\s+(?:town|city|municipality|region|county|commune|village|community|"
    r"prefecture)|twin)\b(?!\s+towns)", re.I)
_COUNTRY_COUNT = re.compile(rf"\b(?:from|in|across)\s+{_NUM}\s+(?:different\s+)?countries\b",
                            re.I)

APPLICANT_WORDS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"twinning (?:committee|association)|sister[- ]cit(?:y|ies) association|"
                r"friendship (?:committee|association)", re.I), "twinning"),
    (re.compile(r"associations? of (?:municipalities|local authorities)", re.I), "assoc"),
    (re.compile(r"\bngos?\b|non-?profit|charit(?:y|ies)|civil society|foundation|"
                r"\bassociation\b|\bclub\b", re.I), "nonprofit"),
    (re.compile(r"youth council", re.I), "youth_council"),
    (re.compile(r"county|\bshire\b", re.I), "county"),
    (re.compile(r"region|province|prefecture|regional district|\bstate\b", re.I), "region"),
    (re.compile(r"municipal|\btown\b|\bcity\b|village|commune|parish|borough|district|"
                r"\bcouncil\b|\bcomune\b", re.I), "local"),
    (re.compile(r"school", re.I), "school"),
    (re.compile(r"universit", re.I), "university"),
    (re.compile(r"compan|business|firm\b", re.I), "company"),
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
]
_OUR_APPLICANT = re.compile(
    r"\b(?:our|we are an?|we're an?|as an?|i work for an?|i work for the|we, the)\s+"
    r"((?:[\w'-]+\s+){0,3}?(?:committee|association|council|county|region|municipality|town|"
    r"city|village|commune|parish|borough|district|ngo|charity|non-profit|nonprofit|"
    r"organi[sz]ation|prefecture|province|school|foundation|club|authority|government))\b",
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


def _number(word: str) -> int:
    word = word.lower()
    if word in ("couple of", "pair of"):
        return 2
    return to_int(word) or 0


def find_countries(text: str) -> list[tuple[int, str]]:
    """(position, country) for every country name, demonym or code an officer typed."""
    return [(h.start, h.name) for h in country_hits(text, demonyms=True, any_case=True)]


def party_core(name: str) -> str:
    """'Municipality of Vila Serena' -> 'vila serena': the part a request would use."""
    core = re.sub(r"^(?:the\s+)?(?:town|city|municipality|commune|comune|county|region|"
                  r"regional district|district|borough|village|prefecture|province)\s+"
                  r"(?:of|di|de)\s+", "", name.strip(), flags=re.I)
    core = re.sub(r"\s+(?:municipality|prefecture|county|region|province|commune)$", "", core,
                  flags=re.I)
    return fold(core).strip()


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
    agreement: str | None = None
    named_partners: list[str] = field(default_factory=list)

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
            parts.append("asking for " + money(self.amount, self.amount_currency))
        if self.named_partners and not self.agreement:
            parts.append("partner from your agreements: " + ", ".join(self.named_partners))
        return "; ".join(parts) if parts else "no partners, countries or applicant stated"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


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
        self._countries(plan, text)
        self._partners(plan, text)
        self._applicant(plan, text)
        self._amount(plan, text)
        topic = topic_text(text, plan)
        if topic:
            plan.topics.append(topic)
        if not plan.topics and text.strip():
            plan.topics.append(text.strip())
        return plan

    @staticmethod
    def _from_agreement(plan: Plan, rec: DocRecord) -> None:
        parties = list(rec.field_value("parties") or rec.partners)
        plan.agreement = rec.source
        plan.topics.extend(str(a) for a in rec.field_value("areas") or [])
        plan.partners = len(parties) or None
        plan.countries = list(dict.fromkeys(rec.field_value("countries") or rec.countries))
        plan.named_partners = parties[1:]
        if parties:
            plan.applicant = applicant_kind(parties[0])

    def _countries(self, plan: Plan, text: str) -> None:
        for _, country in find_countries(text):
            if country not in plan.countries:
                plan.countries.append(country)
        plan.home_country = plan.home_country or home_country(text)
        if plan.home_country and plan.home_country not in plan.countries:
            plan.countries.insert(0, plan.home_country)
        self._named_partners(plan, text)
        if m := _COUNTRY_COUNT.search(text):
            plan.countries_stated = _number(m.group(1))

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
            n = _number(m.group(1))
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
        if found:
            plan.amount = float(found[0].value)
            plan.amount_currency = found[0].currency


_HOME = re.compile(
    r"\b(?:[Oo]ur\s+((?:[\w-]+\s+){0,3}?)(?:town|city|county|region|municipality|council|village|"
    r"commune|parish|borough|district|committee|association|organi[sz]ation|ngo|charity)"
    r"\s+(?:is\s+)?(?:in|from)\s+(?:the\s+)?|"
    r"[Ww]e(?:'re| are)\s+(?:an?\s+(?:[\w-]+\s+){0,3}?)?(?:based\s+)?in\s+(?:the\s+)?|"
    r"[Bb]ased in\s+(?:the\s+)?)(?P<place>[A-Z][\w.]*(?:\s+[A-Z][\w.]*)*)")
_HOME_ADJ = re.compile(r"\b[Oo]ur\s+([A-Z][\w.]*)\s+(?:town|city|county|region|municipality|"
                       r"council|village|commune|parish|borough|district)\b")
_POINTED = re.compile(r"\b[Oo]ur\s+(?:twin(?:ned)?|sister|partner|friendship)\s+\w+\s+in\s+"
                      r"(?:the\s+)?([A-Z][\w ]+)")
_PARTNER_ROLE = re.compile(r"\b(?:twin(?:ned)?|sister|partner|friendship)\b", re.I)


def home_country(text: str) -> str | None:
    """The applicant's own country: 'our county in Kent, England', 'we are based in Spain',
    'our British town'; never the country of 'our twin town in ...'."""
    for m in _HOME.finditer(text):
        if m.group(1) and _PARTNER_ROLE.search(m.group(1)):
            continue
        found = find_countries(m.group("place"))
        if found and found[0][0] == 0:
            return found[0][1]
    for m in _HOME_ADJ.finditer(text):
        found = find_countries(m.group(1))
        if found:
            return found[0][1]
    return None


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


# ---------------------------------------------------------------------------------------
# Evidence, quotes and citations
# ---------------------------------------------------------------------------------------


def clean_evidence(evidence: str) -> str:
    """The document's own words: no 'computed:' note, line joins shown as ellipses."""
    text = re.sub(r"^computed:[^.]*\.\s*", "", evidence or "")
    text = text.replace(" / ", " … ")
    return re.sub(r"\s+", " ", text).strip(" …")


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def verbatim(piece: str, haystack: str) -> str:
    """The longest run of the piece's words, from its start or its end, that the document
    contains: a quote is never edited text."""
    piece = piece.strip(" …")
    if not piece or piece in haystack:
        return piece
    words = piece.split()
    for size in range(len(words) - 1, 3, -1):
        for cand in (" ".join(words[:size]), " ".join(words[-size:])):
            if cand in haystack:
                return cand
    return ""


def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-Z\"'(])", flat(text)) if s.strip()]


def text_blocks(body: str) -> list[str]:
    """A passage cut at its headings: a short line without closing punctuation that follows
    the end of a sentence ("6. Budget and grant amounts", "How long your project can last").
    Wrapped lines of a sentence do not follow an end of sentence, so they stay joined."""
    blocks: list[list[str]] = [[]]
    prev_end = True
    for line in (ln.strip() for ln in body.splitlines()):
        if not line:
            continue
        heading = prev_end and len(line) < 70 and not re.search(r"[.;:,!?)]$", line) \
            and not line.startswith("- ")
        if heading:
            blocks.append([])
        else:
            blocks[-1].append(line)
        prev_end = bool(re.search(r"[.;:!?]$", line)) or heading
    return [flat(" ".join(b)) for b in blocks if b]


@dataclass
class CallText:
    """A call's passages by page (context headers removed), for quotes and rule sentences."""

    pages: dict[int, str]
    vectors: np.ndarray  # one row per passage
    blocks: list[tuple[int, str]]  # (page, text between headings)

    def quote(self, evidence: str, page: int | None, focus: str = "") -> tuple[str, int | None]:
        """A verbatim quote of the evidence, on its page or the page that holds it."""
        text = clean_evidence(evidence)
        pieces = [p for p in text.split(" … ") if p.strip()]
        if focus and len(text) > 200:
            # Long evidence windows: keep the sentences that state the value.
            focused = [s for p in pieces for s in sentences(p) if focus.lower() in s.lower()]
            pieces = focused or pieces
        order = ([page] if page in self.pages else []) + [p for p in self.pages if p != page]
        for pg in order:
            got = [verbatim(p, self.pages[pg]) for p in pieces]
            got = [g for g in got if len(g) > 3]
            if got:
                return " … ".join(got), pg
        log.warning("no verbatim quote for evidence %r", text[:80])
        return "", page

    def rule_sentences(self) -> list[tuple[str, int]]:
        seen: set[str] = set()
        out = []
        for pg, block in self.blocks:
            for sent in sentences(block):
                if sent not in seen:  # passages overlap
                    seen.add(sent)
                    out.append((sent, pg))
        return out


# ---------------------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------------------


@dataclass
class RuleCheck:
    """One stated rule against the plan: ok True/False, or None when the plan cannot tell
    (then it is something for the officer to check)."""

    rule: str
    ok: bool | None
    message: str
    field: str


def _at_least_phrase(evidence: str, value: int) -> str:
    m = re.search(r"at least\s+\S+.*?(?=,\s*which|\s+that\b|\s+which\b|[:;(]|\.\s|\.$|$)",
                  clean_evidence(evidence))
    return m.group(0).strip() if m else f"at least {value} partners"


def _min_countries(evidence: str) -> int | None:
    m = re.search(rf"at least\s+{_NUM}\s+(?:different\s+)?(?:eligible\s+)?countries",
                  clean_evidence(evidence), re.I)
    return _number(m.group(1)) if m else None


def check_partnership(row: CallRow, rec: DocRecord, plan: Plan) -> list[RuleCheck]:
    if row.partnership_min is None:
        return []
    evidence = rec.fields["partnership_min"].get("evidence", "")
    checks = [_partner_count(row.partnership_min, _at_least_phrase(evidence,
                                                                   row.partnership_min), plan)]
    need_countries = _min_countries(evidence)
    if need_countries:
        checks += _country_count(need_countries, plan)
    return checks


def _partner_count(need: int, phrase: str, plan: Plan) -> RuleCheck:
    if plan.partners is not None:
        if plan.partners < need:
            return RuleCheck("partnership", False, f"needs {phrase}; your plan has "
                             f"{plan.partners}", "partnership_min")
        return RuleCheck("partnership", True, f"{phrase} (your plan has {plan.partners})",
                         "partnership_min")
    # No count stated: each named country holds at least one partner, a lower bound only.
    if len(plan.countries) >= need:
        return RuleCheck("partnership", True, f"{phrase} (your plan spans "
                         f"{len(plan.countries)} countries)", "partnership_min")
    return RuleCheck("partnership", None, f"the call needs {phrase}; your request does not "
                     f"say how many partners", "partnership_min")


def _country_count(need: int, plan: Plan) -> list[RuleCheck]:
    count = plan.country_count()
    named = ", ".join(plan.countries) or "none named"
    if len(plan.countries) >= need:
        return []
    if count is not None:
        return [RuleCheck("countries", False, f"needs partners from at least {need} "
                          f"countries; your plan has {count} ({named})", "partnership_min")]
    return [RuleCheck("countries", None, f"partners must come from at least {need} "
                      f"countries; your plan names {named}", "partnership_min")]


def _countries_scope(text: CallText, row: CallRow) -> str:
    """'lead' when only the applicant must be in the listed countries (the partner abroad
    'may be in any country'), else 'all'."""
    body = " ".join(text.pages.values()).lower()
    outside = any(re.search(rf"outside (?:the )?{re.escape(c.lower())}", body)
                  for c in row.eligible_countries)
    return "lead" if outside or re.search(r"may be in any country|from any country", body) \
        else "all"


def check_countries(row: CallRow, plan: Plan, text: CallText) -> list[RuleCheck]:
    eligible = row.eligible_countries
    if not eligible:
        return []
    if _countries_scope(text, row) == "lead":
        return [_lead_country(plan, eligible)]
    listed = ", ".join(eligible)
    outside = [c for c in plan.countries if c not in eligible]
    if outside:
        return [RuleCheck("countries", False,
                          f"open only to {listed}; your plan includes {', '.join(outside)}",
                          "eligible_countries")]
    if plan.countries and plan.countries_known():
        return [RuleCheck("countries", True, f"eligible countries include "
                          f"{', '.join(plan.countries)}", "eligible_countries")]
    return [RuleCheck("countries", None, f"check that your own country is one of {listed}",
                      "eligible_countries")]


def _lead_country(plan: Plan, eligible: list[str]) -> RuleCheck:
    """Only the applicant's country is restricted: decide it when we know where we are."""
    listed = ", ".join(eligible)
    if plan.home_country:
        ok: bool | None = plan.home_country in eligible
        ours = plan.home_country
    elif plan.agreement:  # either party of the agreement could apply
        ok = any(c in eligible for c in plan.countries)
        ours = " or ".join(plan.countries)
    else:
        ok, ours = None, ""
    if ok is None:
        return RuleCheck("countries", None, f"the applicant must be based in {listed}: "
                         f"check that you are", "eligible_countries")
    if ok:
        return RuleCheck("countries", True, f"the applicant must be based in {listed}",
                         "eligible_countries")
    return RuleCheck("countries", False, f"the applicant must be based in {listed}; "
                     f"your plan's applicant is in {ours}", "eligible_countries")


def eligible_kinds(entry: str) -> set[str]:
    for pattern, kinds in ELIGIBLE_KINDS:
        if pattern.search(entry):
            return kinds
    return set()


def check_applicant(row: CallRow, plan: Plan) -> list[RuleCheck]:
    if not row.eligible_applicants:
        return []
    listed = "; ".join(row.eligible_applicants)
    if plan.applicant is None:
        return [RuleCheck("applicant", None, f"check that you are one of: {listed}",
                          "eligible_applicants")]
    matching = [e for e in row.eligible_applicants if plan.applicant in eligible_kinds(e)]
    label = APPLICANT_LABELS[plan.applicant]
    if matching:
        return [RuleCheck("applicant", True, f"{matching[0]} may apply (you are {label})",
                          "eligible_applicants")]
    if not all(eligible_kinds(e) for e in row.eligible_applicants):
        # An entry that names no kind of applicant we know ("public bodies", or a line read
        # from a table of contents) may include the plan's: only the officer can tell.
        return [RuleCheck("applicant", None, f"check that {label} counts as one of: {listed}",
                          "eligible_applicants")]
    return [RuleCheck("applicant", False, f"applicants must be: {listed}; your plan's "
                      f"applicant is {label}", "eligible_applicants")]


def check_amount(row: CallRow, plan: Plan) -> list[RuleCheck]:
    if plan.amount is None or (row.amount_max is None and row.amount_min is None):
        return []
    asked = money(plan.amount, plan.amount_currency or row.currency)
    if plan.amount_currency and row.currency and plan.amount_currency != row.currency:
        # No exchange rates: converting would put a number in the answer no document states.
        return [RuleCheck("amount", None, f"grants are in {row.currency} "
                          f"({row.amount_text()}); you ask for {asked}", "amount_min")]
    if row.amount_max is not None and plan.amount > row.amount_max:
        most = money(row.amount_max, row.currency)
        return [RuleCheck("amount", False, f"grants are at most {most} per project; you ask "
                          f"for {asked}", "amount_max")]
    if row.amount_min is not None and plan.amount < row.amount_min:
        least = money(row.amount_min, row.currency)
        return [RuleCheck("amount", False, f"grants start at {least} per project; you ask "
                          f"for {asked}", "amount_min")]
    return [RuleCheck("amount", True, f"{asked} is within {row.amount_text()}", "amount_min")]


def check_status(row: CallRow) -> list[RuleCheck]:
    if row.status == "closed":
        return [RuleCheck("status", False, f"closed on {row.deadline_text()}; watch for the "
                          f"next round", "deadline")]
    if row.status == "not_yet_open":
        return [RuleCheck("status", None, f"not open yet: it {row.status_reason}",
                          "opening_date")]
    if row.status == "unknown":
        return [RuleCheck("status", None, "the call states no deadline", "deadline")]
    return []


# Sentences of a call that add conditions its fields do not hold; a condition says what
# must or may be, so descriptive sentences ("Twinning links offer ... residents") stay out.
EXTRA_CONDITIONS = re.compile(
    r"lead applicant (?:must|may)|agreement in force|must be linked|must be part of|"
    r"inhabitants|residents|share a river basin|must (?:start|take place|be completed)|"
    r"at least one third", re.I)
MODAL = re.compile(r"\b(?:must|may|only|not exceed|at least|no later than)\b", re.I)


# ---------------------------------------------------------------------------------------
# Theme fit
# ---------------------------------------------------------------------------------------


@dataclass
class ThemeFit:
    score: float
    topic: str  # the plan's topic that matched best
    theme: str  # the call's priority it matched, or "" when a passage matched better
    keywords: list[str]


def _unit(rows: list[list[float]]) -> np.ndarray:
    arr = np.asarray(rows, dtype=np.float32)
    if arr.size == 0:
        return arr.reshape(0, 0)
    return arr / np.maximum(np.linalg.norm(arr, axis=1, keepdims=True), 1e-9)


def keyword(term: str) -> str:
    """A crude common root ('culture' and 'cultural', 'festival' and 'festivals'): enough
    for a bonus, never a decision on its own."""
    return term[:6] if len(term) > 6 else term


def call_keywords(text: str) -> set[str]:
    return {keyword(t) for t in terms(text.replace("-", " "))
            if t not in STRUCTURE_WORDS and len(t) > 3}


def theme_fit(topics: np.ndarray, topic_texts: list[str], themes: np.ndarray,
              theme_texts: list[str], profile: np.ndarray, passages: np.ndarray,
              call_terms: set[str], prose: bool = False) -> ThemeFit:
    """Best topic-to-priority similarity, weighted with the whole call profile and its best
    passage, plus a small bonus for shared topical words (titles name the subject)."""
    pair = topics @ themes.T if themes.size else np.zeros((len(topic_texts), 1))
    i, j = np.unravel_index(int(np.argmax(pair)), pair.shape)
    joined = _unit([topics.mean(axis=0).tolist()])[0]
    prof = float(profile @ joined)
    best_passage = float((passages @ topics.T).max()) if passages.size else 0.0
    shared = sorted(call_keywords(" ".join(topic_texts)) & call_terms)
    # A call whose priorities were not read as a list (real guides state them in prose)
    # is judged by its best passage in their place.
    best_theme = float(pair[i, j]) if themes.size else best_passage
    if prose:  # only a lot's name is listed: the prose still states the priorities
        best_theme = max(best_theme, best_passage)
    score = 0.6 * best_theme + 0.2 * prof + 0.2 * best_passage \
        + KEYWORD_BONUS * min(KEYWORD_BONUS_CAP, len(shared))
    return ThemeFit(round(score, 3), topic_texts[i],
                    theme_texts[j] if themes.size else "", shared)


# ---------------------------------------------------------------------------------------
# The radar
# ---------------------------------------------------------------------------------------


@dataclass
class FundingResult:
    """``flagged``: calls that fit and can be applied to; ``closed_fits``: calls that fit
    but have closed (a sign of the next round); ``near_misses``: calls on the theme whose
    stated rules the plan fails."""

    answer: str
    flagged: list[dict[str, Any]]
    near_misses: list[dict[str, Any]]
    plan: Plan | None = None
    closed_fits: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"answer": self.answer, "flagged": self.flagged,
                "closed_fits": self.closed_fits, "near_misses": self.near_misses}

    def to_text(self) -> str:
        """The answer and every call in plain text: what the CLI prints."""
        lines = [self.answer]
        for head, entries in (("FITS", self.flagged), ("FITS, CLOSED", self.closed_fits)):
            for f in entries:
                lot = f", {f['lot']}" if f.get("lot") else ""
                lines.append(f"\n{head}  {f['programme'] or f['source']} "
                             f"({f['call_id'] or '-'}){lot}: "
                             f"{f['amount'] or 'amount not stated'}, "
                             f"deadline {f['deadline'] or '-'} [{f['status']}]")
                lines.append(f"      why: {f['why']}")
                lines += [f"      check: {c}" for c in f.get("check", [])]
        for f in self.near_misses:
            lot = f", {f['lot']}" if f.get("lot") else ""
            lines.append(f"\nALMOST {f['programme'] or f['source']}{lot}: "
                         f"{'; '.join(f.get('failed', []))}")
        return "\n".join(lines)


@dataclass
class _Call:
    rec: DocRecord
    row: CallRow
    text: CallText
    themes: np.ndarray
    profile: np.ndarray
    terms: set[str]


class _Citations:
    """Numbered citations of one flagged call; the same quote is cited once."""

    def __init__(self, call: _Call) -> None:
        self.call = call
        self.items: list[dict[str, Any]] = []

    def field(self, name: str, focus: str = "") -> str:
        if name in self.call.row.lot_figures:
            return ""  # a lot's own figure: the record's quote is another lot's
        f = self.call.rec.fields.get(name)
        if not f or not f.get("evidence"):
            return ""
        quote, page = self.call.text.quote(str(f["evidence"]), f.get("page"), focus)
        return self.add(quote, page)

    def add(self, quote: str, page: int | None) -> str:
        if not quote:
            return ""
        for c in self.items:
            if c["quote"] == quote:
                return f" [{c['n']}]"
        n = len(self.items) + 1
        self.items.append({"n": n, "source": self.call.row.source, "page": page,
                           "quote": quote})
        return f" [{n}]"


class FundingRadar:
    def __init__(self, library: Library, today: date | None = None) -> None:
        self.library = library
        self._today = today

    @property
    def today(self) -> date:
        return self._today or date.today()

    def _embed(self, texts: list[str], query: bool = False) -> np.ndarray:
        embedder = self.library.theme_embedder
        embed = embedder.embed_query if query else embedder.embed
        if not texts:
            return _unit([])
        return self.library.theme_vectors.get(texts, embed, ("theme", query))

    def run(self, request: str, agreement: str | None = None) -> FundingResult:
        rec = self._agreement(agreement) if agreement else None
        plan = PlanReader(self.library.documents("mou")).read(request, rec)
        log.info("funding request read as: %s", plan.describe())
        calls = self._calls()
        if not calls:
            return FundingResult("Your library holds no grant calls yet.", [], [], plan)
        if not plan.topics:
            return FundingResult("Say what the project is about (or name an agreement) to "
                                 "look for funding.", [], [], plan)
        topics = self._embed(plan.topics, query=True)
        flagged, closed, near = [], [], []
        for call in calls:
            fit = theme_fit(topics, plan.topics, call.themes, call.row.themes, call.profile,
                            call.text.vectors, call.terms,
                            prose=bool(call.row.lot) and not call.rec.field_value("themes"))
            log.debug("%s theme fit %.3f (%s ~ %s)", call.row.source, fit.score, fit.topic,
                      fit.theme)
            if fit.score < FIT_THRESHOLD:
                continue
            checks = self._rules(call, plan)
            failed = [c for c in checks if c.ok is False]
            entry = self._entry(call, plan, fit, checks)
            if not failed:
                flagged.append(entry)
            elif all(c.rule == "status" for c in failed):
                closed.append(entry)
            else:
                near.append(entry)
        for found in (flagged, closed, near):
            found.sort(key=lambda e: -e["score"])
        rows = {c.row.key: c.row for c in calls}
        return FundingResult(self._answer(plan, flagged, closed, near, rows), flagged, near,
                             plan, closed)

    def _agreement(self, source: str) -> DocRecord:
        found = [r for r in self.library.registry.resolve(source) if r.doc_type == "mou"]
        if not found:
            raise ValueError(f"no agreement {source!r} in the library")
        return found[0]

    def _calls(self) -> list[_Call]:
        recs = self.library.documents("grant_call")
        if not recs:
            return []
        texts = self._call_texts([r.doc_id for r in recs])
        out = []
        for rec in recs:
            for row in lot_rows(rec, self.today):
                profile_text = ". ".join(x for x in (row.title, row.lot or "",
                                                      row.programme or "",
                                                      ", ".join(row.themes)) if x)
                out.append(_Call(rec, row, texts[rec.doc_id],
                                 self._embed(row.themes) if row.themes else _unit([]),
                                 self._embed([profile_text])[0],
                                 call_keywords(profile_text)))
        return out

    def _call_texts(self, doc_ids: list[str]) -> dict[str, CallText]:
        # the store's vectors serve when they are in the themes' space; else the passages
        # are embedded again in it
        stored = self.library.embedder.name == self.library.theme_embedder.name
        got = self.library.store.chunks.get(
            where={"doc_id": {"$in": doc_ids}},
            include=["documents", "metadatas", *(["embeddings"] if stored else [])])
        by_doc: dict[str, dict[str, list[Any]]] = {d: {"p": [], "t": [], "full": []}
                                                   for d in doc_ids}
        for text, meta in zip(got["documents"], got["metadatas"], strict=True):
            header = int(meta.get("header_chars", 0))
            slot = by_doc[str(meta["doc_id"])]
            slot["p"].append(int(meta.get("page") or 0))
            slot["t"].append((text or "")[header:])
            slot["full"].append(text or "")
        if stored:
            for vec, meta in zip(got["embeddings"], got["metadatas"], strict=True):
                by_doc[str(meta["doc_id"])].setdefault("v", []).append(list(vec))
        out = {}
        for doc_id, slot in by_doc.items():
            pages: dict[int, str] = {}
            blocks: list[tuple[int, str]] = []
            for pg, t in sorted(zip(slot["p"], slot["t"], strict=True), key=lambda x: x[0]):
                pages[pg] = (pages.get(pg, "") + " " + flat(t)).strip()
                blocks.extend((pg, b) for b in text_blocks(t))
            vectors = _unit(slot.get("v", [])) if stored else self._embed(slot["full"])
            out[doc_id] = CallText(pages, vectors, blocks)
        return out

    @staticmethod
    def _rules(call: _Call, plan: Plan) -> list[RuleCheck]:
        # the status last: a closed call that also fails a rule is a near miss for that rule
        return (check_partnership(call.row, call.rec, plan)
                + check_countries(call.row, plan, call.text) + check_applicant(call.row, plan)
                + check_amount(call.row, plan) + check_status(call.row))

    def _entry(self, call: _Call, plan: Plan, fit: ThemeFit,
               checks: list[RuleCheck]) -> dict[str, Any]:
        row, cite = call.row, _Citations(call)
        theme = (f"'{fit.topic}' matches the call's priority '{fit.theme}'"
                 + cite.field("themes", fit.theme) if fit.theme
                 else f"'{fit.topic}' matches the call's text")
        failed = [c for c in checks if c.ok is False]
        passed = [c for c in checks if c.ok is True]
        parts = [f"Fits on theme: {theme}."]
        if failed:
            parts.append("But: " + self._rule_list(cite, failed) + ".")
        if passed:
            lead = "It meets its other stated rules: " if failed else "Meets its rules: "
            parts.append(lead + self._rule_list(cite, passed) + ".")
        parts.append(self._facts(row, cite))
        why = " ".join(p for p in parts if p)
        check = [c.message[0].upper() + c.message[1:] + self._cite_rule(cite, c)
                 for c in checks if c.ok is None]
        check += self._conditions(call, cite)
        if row.cofinancing_rate is not None:
            check.append(f"The grant covers up to {row.cofinancing_rate:g}% of the costs: the "
                         f"partners find the rest" + cite.field("cofinancing_rate",
                                                                 f"{row.cofinancing_rate:g}%"))
        return {"source": row.source, "lot": row.lot, "key": row.key,
                "programme": row.programme, "call_id": row.call_id,
                "amount": row.amount_text(), "deadline": row.deadline, "status": row.status,
                "why": why, "check": check, "citations": cite.items,
                "failed": [c.message for c in failed], "score": fit.score}

    @staticmethod
    def _cite_rule(cite: _Citations, check: RuleCheck) -> str:
        return cite.field(check.field)

    def _rule_list(self, cite: _Citations, checks: list[RuleCheck]) -> str:
        return "; ".join(c.message + self._cite_rule(cite, c) for c in checks)

    @staticmethod
    def _facts(row: CallRow, cite: _Citations) -> str:
        parts = []
        if row.amount_text():
            parts.append(f"Grants of {row.amount_text()} per project"
                         + cite.field("amount_min" if row.amount_min is not None
                                      else "amount_max"))
        if row.deadline:
            open_days = row.days_left is not None and row.days_left >= 0
            left = f", {row.days_left} days left" if open_days else ""
            parts.append(f"deadline {row.deadline_text()} ({row.status.replace('_', ' ')}"
                         f"{left})" + cite.field("deadline"))
        return "; ".join(parts) + "." if parts else ""

    @staticmethod
    def _conditions(call: _Call, cite: _Citations) -> list[str]:
        """Conditions stated in the call's text that no field holds (lead applicant, an
        agreement in force, population, dates of activities), quoted as written."""
        out: list[str] = []
        for sent, page in call.text.rule_sentences():
            if EXTRA_CONDITIONS.search(sent) and MODAL.search(sent):
                out.append(f"\"{sent}\"" + cite.add(sent, page))
            if len(out) >= MAX_CONDITIONS:
                break
        return out

    @staticmethod
    def _answer(plan: Plan, flagged: list[dict[str, Any]], closed: list[dict[str, Any]],
                near: list[dict[str, Any]], rows: dict[str, CallRow]) -> str:
        read = f"Read as: {plan.describe()}."
        n_calls = len({r.source for r in rows.values()})
        if flagged:
            best = rows[flagged[0]["key"]]
            fitting = len({e["source"] for e in flagged})  # a call, not each of its lots
            verb = "fits" if fitting == 1 else "fit"
            amount = f", {best.amount_text()} per project" if best.amount_text() else ""
            head = (f"{fitting} of {n_calls} stored calls {verb} your plan. Best: "
                    f"{best.name}{amount}, deadline {best.deadline_text()} "
                    f"({best.status.replace('_', ' ')}).")
        elif closed:
            head = f"None of the {n_calls} stored calls that fit your plan is open."
        else:
            head = f"None of the {n_calls} stored calls fits your plan."
        if closed:
            names = "; ".join(f"{rows[c['key']].name} (closed on "
                              f"{rows[c['key']].deadline_text()})" for c in closed[:3])
            head += (f" {'It fits' if len(closed) == 1 else 'These fit'} but closed: {names}: "
                     f"watch for the next round.")
        if near:
            head += f" Closest miss: {rows[near[0]['key']].name}: {near[0]['failed'][0]}."
            if len(near) > 1:
                head += f" {len(near) - 1} more near miss{'es' if len(near) > 2 else ''}."
        elif not flagged and not closed:
            head += " No call covers its theme."
        return f"{head} {read}"
