"""A call's hard rules against a plan (partnership, countries, applicant, amount, status),
each with the call's own words and page; a rule the plan cannot decide is left to check."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace

import numpy as np

from assistant.facts import money
from assistant.funding.plan import APPLICANT_LABELS, COUNT_WORD, ELIGIBLE_KINDS, Plan, count_of
from assistant.funding.population import population_limit
from assistant.funding.rows import CallRow
from ingest.registry import DocRecord

log = logging.getLogger(__name__)


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


@dataclass
class RuleCheck:
    """One stated rule against the plan: ok True/False, or None when the plan cannot tell
    (then it is something for the officer to check)."""

    rule: str
    ok: bool | None
    message: str
    field: str
    # the call's own sentence and page, for a rule no extracted field holds
    quote: tuple[str, int] | None = None


def _at_least_phrase(evidence: str, value: int) -> str:
    m = re.search(r"at least\s+\S+.*?(?=,\s*which|\s+that\b|\s+which\b|[:;(]|\.\s|\.$|$)",
                  clean_evidence(evidence))
    return m.group(0).strip() if m else f"at least {value} partners"


def _min_countries(evidence: str) -> int | None:
    m = re.search(rf"at least\s+{COUNT_WORD}\s+(?:different\s+)?(?:eligible\s+)?countries",
                  clean_evidence(evidence), re.I)
    return count_of(m.group(1)) if m else None


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


# An item of an applicants list that states a condition ("be registered in ...").
_REQUIREMENT = re.compile(r"(?:be|have|hold|are|is|must|not)\s", re.I)


def check_applicant(row: CallRow, plan: Plan) -> list[RuleCheck]:
    if not row.eligible_applicants:
        return []
    listed = "; ".join(row.eligible_applicants)
    if all(_REQUIREMENT.match(e) for e in row.eligible_applicants):
        # "applicants must: be public or private bodies; be registered in ...": conditions
        # on the applicant, not kinds of applicant, so only the officer can tell
        return [RuleCheck("applicant", None, f"check that you meet the call's conditions "
                          f"for applicants: {listed}", "eligible_applicants")]
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
    if plan.amount_kind == "cost":
        return _check_cost(row, plan.amount, asked)
    if plan.amount_kind == "unread":
        # a sum that may be the grant asked or the project's cost fails only what it fails
        # as both; what it fails as one of them is left to the officer to check
        as_cost = _check_cost(row, plan.amount, asked)[0]
        as_grant = check_amount(row, replace(plan, amount_kind="grant"))[0]
        if as_cost.ok is False and as_grant.ok is False:
            return [as_grant]
        if as_cost.ok is True and as_grant.ok is True:
            return [as_grant]
        return [RuleCheck("amount", None, f"if {asked} is the grant you ask: {as_grant.message}; "
                          f"if it is the project's whole cost: {as_cost.message}",
                          as_grant.field)]
    if row.amount_max is not None and plan.amount > row.amount_max:
        most = money(row.amount_max, row.currency)
        return [RuleCheck("amount", False, f"grants are at most {most} per project; you ask "
                          f"for {asked}", "amount_max")]
    if row.amount_min is not None and plan.amount < row.amount_min:
        least = money(row.amount_min, row.currency)
        return [RuleCheck("amount", False, f"grants start at {least} per project; you ask "
                          f"for {asked}", "amount_min")]
    return [RuleCheck("amount", True, f"{asked} is within {row.amount_text()}", "amount_min")]


def _check_cost(row: CallRow, cost: float, cost_text: str) -> list[RuleCheck]:
    """A project's whole cost against a call's grant range: the call pays its share (its
    co-financing rate, when stated) up to its ceiling, and the partners the rest."""
    rate = row.cofinancing_rate
    reach = cost * rate / 100 if rate is not None else cost
    share = f"{rate:g}% of your {cost_text} project is {money(reach, row.currency)}" \
        if rate is not None else f"your project costs {cost_text}"
    if row.amount_min is not None and reach < row.amount_min:
        least = money(row.amount_min, row.currency)
        return [RuleCheck("amount", False, f"grants start at {least} per project; {share}",
                          "amount_min")]
    if row.amount_max is not None and reach > row.amount_max:
        most = money(row.amount_max, row.currency)
        return [RuleCheck("amount", None, f"grants are at most {most} per project; "
                          f"{share}: the partners would find the rest", "amount_max")]
    return [RuleCheck("amount", True, f"{share}, within {row.amount_text()}", "amount_min")]


def check_population(text: CallText, plan: Plan) -> list[RuleCheck]:
    """A limit the call's sentences set on the population of the places taking part,
    against those the request states (the lead applicant's is the first)."""
    if not plan.populations:
        return []
    for sentence, page in text.rule_sentences():
        limit = population_limit(sentence)
        if limit is None:
            continue
        places = plan.populations[:1] if limit.lead else plan.populations
        bound = (f"at most {limit.most:,}" if limit.most is not None
                 else f"at least {limit.least:,}")
        whose = "the lead applicant" if limit.lead else "each place taking part"
        outside = [n for n in places if (limit.most is not None and n > limit.most)
                   or (limit.least is not None and n < limit.least)]
        if outside:
            return [RuleCheck("population", False, f"{whose} may have {bound} inhabitants; "
                              f"your plan names {outside[0]:,}", "population", (sentence, page))]
        return [RuleCheck("population", True, f"{whose} may have {bound} inhabitants",
                          "population", (sentence, page))]
    return []


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
