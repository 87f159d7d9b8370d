"""Answers from the fields extracted at ingest, each with the page and sentence it came from.

When a question asks for something a document's extracted fields hold (an agreement's
expiry, a call's deadline or amounts), the answer states the field in plain words and cites
the page whose sentence supports it, and says whether the date has passed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from assistant.status import agreement_status, call_status
from ingest.dates import human_date, on_date  # noqa: F401  (re-exported: callers format dates here)
from ingest.registry import DocRecord

# question pattern -> fields, per document type; the first matching rules win.
RULES: dict[str, list[tuple[re.Pattern[str], tuple[str, ...]]]] = {
    "mou": [
        (re.compile(r"expir|valid|in force|run out|end date|until when|how long|duration|"
                    r"initial term|up for renewal|still (?:active|running|current)", re.I),
         ("expiry_date", "duration_years")),
        (re.compile(r"who signed|signator|signed (?:it|the)|on the \w+ side", re.I),
         ("signatories",)),
        (re.compile(r"(?:when|where)\b.*\bsign|date of signature|signed on", re.I),
         ("signing_date", "signing_place")),
        (re.compile(r"\bareas\b|\bfields\b|cooperate (?:in|on)|exploring|topics", re.I),
         ("areas",)),
        (re.compile(r"implement|responsible for|which body|committee|working group", re.I),
         ("implementing_body",)),
        (re.compile(r"language", re.I), ("languages",)),
        (re.compile(r"terminat|notice|withdraw|end the (?:twinning|agreement|partnership)", re.I),
         ("termination",)),
        (re.compile(r"renew", re.I), ("renewal",)),
    ],
    "grant_call": [
        (re.compile(r"deadline|\bdue\b|clos(?:e|es|ing)|submit|by when|apply by", re.I),
         ("deadline",)),
        # (a rate or a share of the costs, not any "rate" or "cover": "which exchange rate",
        # "what must the arrangement cover")
        (re.compile(r"co-?financ|co-?fund|reimburs\w*|(?:funding|grant|aid|support|"
                    r"intervention|eu|commission)\s+rates?|\brates? of (?:co-?|funding|the "
                    r"grant|support)|(?:share|proportion|part|percentage) of (?:the )?"
                    r"(?:eligible |total )?(?:costs|budget|expenses)|percent|%|(?:how much|what "
                    r"(?:share|proportion|part|percentage)) of (?:the |our )?(?:eligible |"
                    r"total )?(?:costs|budget|expenses)", re.I),
         ("cofinancing_rate",)),
        (re.compile(r"who funds|funder|funding body|who runs|who is behind|\bbehind\b|"
                    r"\bissues?\b|issued by", re.I), ("funder",)),
        (re.compile(r"partnership|consortium|how many (?:partners|municipalities)|"
                    r"minimum number", re.I), ("partnership_min",)),
        (re.compile(r"total budget|budget of the call|call budget|how much (?:money|funding) "
                    r"(?:is|was) available|overall (?:budget|funding|envelope|amount)|how much "
                    r"(?:money|funding) does (?:the|this) (?:call|programme) have", re.I),
         ("call_budget",)),
        # a sum asked of the grant itself: "what maximum daily amount for renting a room",
        # "what minimum total score" ask about something else
        (re.compile(r"^(?=.*\b(?:how much(?!\s+time)|amounts?|grant size|how big|largest|"
                    r"biggest|maximum|minimum|smallest|per project|lump sum)\b)(?=.*\b(?:"
                    r"grant(?:s|ed)?|award(?:s|ed)?|fund(?:s|ing|ed)?|money|pa(?:y|ys|id)|"
                    r"support|contribution|co-?financ\w*|subsid(?:y|ies)|request(?:ed)?|"
                    r"receive|get)\b)|how much (?:\w+ )*ask (?:\w+ )*for", re.I | re.S),
         ("amount_min", "amount_max")),
        (re.compile(r"countr", re.I), ("eligible_countries",)),
        # asking who may apply, not any question that names "an applicant"
        (re.compile(r"who (?:can|may|is allowed to) apply|who (?:is|are) eligible|"
                    r"eligible (?:applicants?|organi[sz]ations?)|"
                    r"(?:which|what|whose) (?:\w+ )?applicants?|applicants? (?:are|is) eligible|"
                    r"organisations? can|organizations? can|kinds of organi", re.I),
         ("eligible_applicants",)),
        (re.compile(r"how long|duration|months|last\b", re.I), ("duration_months",)),
        (re.compile(r"\bopen(?:s|ing)?\b", re.I), ("opening_date",)),
        (re.compile(r"identifier|call id|reference|solicitation", re.I), ("call_id",)),
        # a notice in an official journal is known by its reference and its issue's date
        (re.compile(r"official journal|\bpublish|publication|gazzett|publicatieblad", re.I),
         ("call_id", "published")),
    ],
    "policy_report": [
        (re.compile(r"who wrote|author", re.I), ("authors",)),
        (re.compile(r"publish", re.I), ("publisher", "date")),
    ],
}

VERBATIM = {"partnership_min", "termination", "renewal", "financial_clause",
            "implementing_body"}

LABELS = {
    "expiry_date": "runs until", "duration_years": "duration", "signatories": "signed by",
    "signing_date": "signed on", "signing_place": "signed at", "areas": "areas of cooperation",
    "implementing_body": "implemented by", "languages": "languages",
    "termination": "termination", "renewal": "renewal", "deadline": "deadline",
    "cofinancing_rate": "co-financing rate", "call_budget": "total budget of the call",
    "amount_min": "grant per project", "partnership_min": "minimum partnership",
    "eligible_countries": "eligible countries", "eligible_applicants": "eligible applicants",
    "duration_months": "maximum project duration", "opening_date": "opens on",
    "call_id": "call identifier", "funder": "funder", "authors": "authors",
    "publisher": "published by", "date": "date", "published": "published on",
}


def money(value: float | int | None, currency: str | None) -> str:
    if value is None:
        return ""
    amount = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    return f"{currency} {amount}" if currency else amount


@dataclass
class FactLine:
    text: str
    page: int | None
    evidence: str
    scanned: bool = False  # the page was read by OCR


def _value(rec: DocRecord, name: str) -> object:
    return rec.field_value(name)


def fact_lines(rec: DocRecord, question: str, today: date) -> list[FactLine]:
    """Plain statements of the fields the question asks for, with their pages."""
    lines: list[FactLine] = []
    done: set[str] = set()
    for pattern, names in RULES.get(rec.doc_type, []):
        if not pattern.search(question):
            continue
        for name in names:
            if name not in done and (line := _render(rec, name, today)):
                lines.append(line)
            done.add(name)
    return lines[:4]


def _lot_owning(rec: DocRecord, applicants: list[object]) -> str:
    """The lot whose own applicants these are (``ingest.extract.calls``), "" for none."""
    for lot in rec.field_value("lots") or []:
        if isinstance(lot, dict) and lot.get("eligible_applicants") == applicants:
            return str(lot.get("name") or "")
    return ""


def _render(rec: DocRecord, name: str, today: date) -> FactLine | None:
    field = rec.fields.get(name)
    if not field or field.get("value") in (None, "", []):
        return None
    value = field["value"]
    if name == "amount_max" and _value(rec, "amount_min") is not None:
        return None  # already stated as a range
    label = LABELS.get(name, name.replace("_", " "))
    currency = _value(rec, "currency")
    on_today = human_date(today.isoformat())
    if name == "expiry_date":
        st = agreement_status(rec, today)
        duration, signed = _value(rec, "duration_years"), _value(rec, "signing_date")
        extra = f", {duration} years from {human_date(str(signed))}" if duration and signed else ""
        text = f"first term runs until {human_date(str(value))}{extra}" if st.state == \
            "renewed" else f"runs until {human_date(str(value))}{extra}"
        text += f" ({st.label} on {on_today}: {st.reason})" if st.state == "renewed" else \
            f" ({st.label} on {on_today})"
    elif name == "duration_years":
        text = f"duration: {value} years"
    elif name in VERBATIM and field.get("evidence") and not str(
            field.get("evidence", "")).startswith("computed"):
        # The clause in the document's own words says more than any label could.
        text = re.sub(r"\s+", " ", field["evidence"]).strip().rstrip(".")
    elif name == "signing_place":
        text = f"signed at {value}"
    elif name in ("signing_date", "opening_date", "date", "published"):
        # "signed in March 2001": a month is no day to be "on"
        text = f"{label.removesuffix(' on')} {on_date(str(value))}" if label.endswith(
            " on") else f"{label} {human_date(str(value))}"
    elif name == "deadline":
        time_, tz = _value(rec, "deadline_time"), _value(rec, "deadline_tz")
        when = human_date(str(value)) + (f" at {time_}" if time_ else "") + (f" {tz}" if tz else "")
        text = f"deadline: {when} ({call_status(rec, today).label} on {on_today})"
    elif name == "amount_min":
        high = _value(rec, "amount_max")
        span = money(value, currency) if high in (None, value) else \
            f"{money(value, currency)} to {money(high, currency)}"  # type: ignore[arg-type]
        text = f"grant per project: {span}"
    elif name == "amount_max":
        text = f"grant per project: up to {money(value, currency)}"
    elif name == "call_budget":
        text = f"{label}: {money(value, currency)}"
    elif name == "cofinancing_rate":
        text = f"co-financing rate: up to {value:g}% of eligible costs"
    elif name == "partnership_min":
        text = f"minimum partnership: {value} partners"
    elif name == "duration_months":
        text = f"{label}: {value} months"
    elif isinstance(value, list):
        if name == "eligible_applicants" and (lot := _lot_owning(rec, value)):
            label = f"{label} for {lot}"  # "only open to ..." under one lot's heading
        text = f"{label}: " + "; ".join(map(str, value))
    else:
        text = f"{label}: {value}"
    # The quote must be the document's own words; how a value was computed is in the text.
    evidence = re.sub(r"^computed:[^.]*\.\s*", "", field.get("evidence", ""))
    evidence = evidence.replace(" / ", " … ")  # extraction joins separate lines with " / "
    page = field.get("page")
    return FactLine(text[0].upper() + text[1:], page, evidence,
                    scanned=page is not None and page in rec.scanned_pages)
