"""Grant calls: programme, funder, amounts and rates, lots, eligibility, partnership rules
and the submission deadline."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from ingest.amounts import CEILING, FLOOR, RATE_CUE, Amount, find_amounts, find_percents
from ingest.cover import journal_header_date
from ingest.dates import NUM_TOKEN, find_dates, find_times, first_date, to_int
from ingest.extract.doctext import (
    DocText,
    countries_in,
    find_heading,
    first_sentence,
    is_heading_line,
    is_wrapped_line,
    labelled,
    list_field,
    section_lines,
    squash,
    strip_paren,
    strip_trailing,
)
from ingest.extract.patterns import HEAD_PREFIX
from ingest.lots import call_span, find_lots, lot_stated_for
from ingest.models import Field

CALL_ID_RE = re.compile(
    r"\b(?=[A-Z0-9-]*\d)(?=[A-Z0-9-]*[A-Z]{2})[A-Z][A-Z0-9]*(?:-[A-Z0-9]+){2,}\b"
)


_NOT_A_PROGRAMME = re.compile(
    r"\b(?:Regulation|Directive|Decision|Commission|Council|Parliament|Agreement|Treaty|"
    r"Convention|Register|Law|Act|Union|Ministry|Government)s?$")


# Co-financing the applicant provides ("must provide co-financing of at least 20%",
# "co-financing of no less than 25% from the partners"), as against the funder's
# co-financing rate ("co-financing of up to 80%").
_OWN_COFINANCING = re.compile(
    r"\b(?:provide|bring|secure|ensure|contribute)\w*\s+(?:\w+\s+){0,2}?co-?financ\w*\s+"
    r"(?:of\s+)?(?:at least|no less than|a minimum of|minimum)\b", re.I)


def read_call(dt: DocText) -> dict[str, Field]:
    out: dict[str, Field] = {}
    text = dt.text

    lab = labelled(dt, r"programme|program|funding programme|scheme")
    if lab:
        out["programme"] = dt.field(strip_trailing(lab[0]), lab[1])
    else:
        m = re.search(
            r"\b(?:the\s+)?(?P<p>(?:[A-Z][\w'’&-]*\s+){1,6}(?:Programme|Program|Fund|"
            r"Initiative|Scheme|Facility))\b",
            text[:3000],
        )
        # "under its Prince programme": a lower-case "programme" is not part of the name;
        # "in the framework of the European Year of Volunteering 2011" names it in full
        m = m or re.search(
            r"\b(?:under|within|of)\s+(?:the|its|their|this)\s+(?P<p>[A-Z][\w+'’&-]*"
            r"(?:\s+[A-Z][\w+'’&-]*){0,4})\s+(?:programme|program)\b"
            r"|\bin\s+the\s+framework\s+of\s+(?:the\s+)?(?P<q>[A-Z][\w'’&-]*(?:\s+(?:of|for|and)\s+"
            r"[A-Z][\w'’&-]*|\s+[A-Z0-9][\w'’&-]*){1,6})",
            text[:6000],  # a guide's background section, after its cover and contents
        )
        if m:
            group = "p" if m.group("p") else "q"
            name = squash(m.group(group).split("\n\n")[0])  # never across a paragraph
            # an institution or a legal act is not a programme ("in the framework of the
            # Financial Regulation", "the Commission programme")
            if not _NOT_A_PROGRAMME.search(name):
                out["programme"] = dt.field(name, m.start(group))

    cid = None
    lab = labelled(
        dt,
        r"call (?:identifier|id|reference|number|code)|reference|identifier|"
        r"solicitation (?:number|id)|funding opportunity number",
    )
    if lab:
        m = CALL_ID_RE.search(lab[0]) or re.search(
            r"\b[A-Z][A-Z0-9]*(?:[-/][A-Z0-9]+)+\b", lab[0]
        )
        if m:
            cid = (m.group(0), lab[1])
    if cid is None:
        m = CALL_ID_RE.search(text)
        if m:
            cid = (m.group(0), m.start())
    if cid is None:
        # a notice in the EU's Official Journal is known by its reference: "(2011/C 19/07)"
        m = re.search(r"\((?P<ref>\d{4}/C\s?\d+/\d+)\)", text[:3000])
        if m:
            cid = (m.group("ref"), m.start("ref"))
    if cid:
        out["call_id"] = dt.field(cid[0], cid[1])

    lab = labelled(
        dt,
        r"funder|funding body|funded by|donor|grant[- ]?maker|awarding body|"
        r"managing authority|contracting authority|published by|issued by",
    )
    if lab:
        out["funder"] = dt.field(strip_paren(strip_trailing(lab[0])), lab[1])
    else:
        m = re.search(
            r"\b(?:funded|financed|launched|published|issued|managed|administered)\s+by"
            r"\s+(?:the\s+)?(?P<f>[A-Z][\w'’&-]*(?:\s+(?:of|for|and|the|de)?\s*[A-Z][\w'’&-]*){0,7})",
            text,
        )
        if m:
            out["funder"] = dt.field(m.group("f").strip(), m.start("f"))
        elif banner := _funder_banner(dt):
            out["funder"] = dt.field(banner[0], banner[1])

    themes = list_field(
        dt,
        HEAD_PREFIX + r"(?:objectives?|priorities|priority (?:areas|themes)|themes?|"
        r"thematic priorities|topics|focus areas|scope|what we (?:want to )?fund)\b",
        r"(?:priorities|themes|objectives|topics)\s+(?:are|include)|support(?:s)? projects\s+(?:on|in|"  # noqa: E501 (one regex alternative per line reads better than a split)
        r"that address)|(?:priority|focus)\s+(?:is given\s+)?to\b|following (?:themes|priorities|"  # noqa: E501 (one regex alternative per line reads better than a split)
        r"objectives|topics)",
        max_len=90,
    )
    if themes:
        out["themes"] = themes

    # A heading that names applicants before one that names eligibility alone: "There are
    # three sets of eligibility criteria, relating to: ..." lists criteria, not applicants.
    applicants = None
    for heading in (r"(?:eligible applicants|who (?:can|may) apply|eligibility of applicants|"
                    r"applicants|eligible organisations|eligible organizations)",
                    r"eligibility"):
        applicants = list_field(
            dt, HEAD_PREFIX + heading + r"\b",
            r"(?:eligible applicants|applicants?)\s+(?:are|must be|include|may be)|(?:open to|"
            r"may be submitted by|can be submitted by|who can apply\??)|bodies are eligible|"
            r"apply if you are",
            max_len=90, describing=True,
        )
        if applicants:
            break
    if applicants:
        vals = [
            v
            for v in applicants.value
            if not re.match(
                r"(?i)(?:the lead|lead applicant|"
                r"applicants must|each applicant|partners must|individuals)",
                v,
            )
        ]
        applicants = Field(vals, applicants.page, applicants.evidence)
        out["eligible_applicants"] = applicants

    countries = _eligible_countries(dt)
    if countries:
        out["eligible_countries"] = countries

    pm_rx = re.compile(
        rf"\b(?:at least|minimum of|a minimum of|no fewer than|not less than|min\.)\s+"
        rf"(?P<n>{NUM_TOKEN})\s+(?:\([0-9]+\)\s+)?(?:[\w-]+\s+){{0,3}}?(?:municipalit\w*|partners?|"
        rf"applicants|organisations|organizations|authorities|towns|cities|members|"
        rf"entities|participating)\b",
        re.IGNORECASE,
    )
    best_pm: tuple[int, int, str] | None = None
    for off, sent in dt.sentences():
        for m in pm_rx.finditer(sent):
            n = to_int(m.group("n"))
            # "at least one partner abroad" is not a partnership size; take the largest
            # stated minimum, since every one of them must hold
            if n and n >= 2 and (best_pm is None or n > best_pm[0]):
                best_pm = (n, off, sent)
    if best_pm:
        out["partnership_min"] = Field(best_pm[0], dt.page_at(best_pm[1]), best_pm[2])

    amounts = _amounts_with_pos(dt)
    currency = Counter(a.currency for a in amounts).most_common(1)
    if currency:
        out["currency"] = Field(
            currency[0][0], dt.page_at(amounts[0].start), dt.sentence_at(amounts[0].start)
        )
    out.update(_grant_amounts(dt, amounts))

    rate = first_sentence(
        dt,
        RATE_CUE.pattern + r"|\bfund\w*\s+up\s+to\s+\d+\s?%|"
        r"up to \d+\s?% of (?:the |your )?(?:total )?(?:project )?cost|"
        r"\bcover(?:s)?\s+up\s+to|\bmatch(?:ing)?\s+fund|own contribution",
    )
    rate_val = None
    for off, sent in [(rate[0], rate[1])] if rate else []:
        pcts = find_percents(sent)
        if pcts:
            # "co-finances up to 80 %" vs "applicants contribute at least 20 %": the funder's
            # share is what the spec wants; a stated own contribution is converted.
            v = pcts[0][0]
            own = re.search(
                r"own contribution|contribute at least|match(?:ing)? fund", sent, re.I
            )
            if own and not re.search(r"co-?financ|grant covers|cover", sent, re.I):
                v = 100 - v
            elif _OWN_COFINANCING.search(sent):
                # "applicants must provide co-financing of at least 20%": what the applicant
                # brings, the rest being the funder's share
                v = 100 - v
            rate_val = (v, off, sent)
    if rate_val is None:
        for off, sent in dt.sentences():
            if RATE_CUE.search(sent):
                pcts = find_percents(sent)
                if pcts:
                    rate_val = (pcts[0][0], off, sent)
                    break
    if rate_val:
        out["cofinancing_rate"] = Field(rate_val[0], dt.page_at(rate_val[1]), rate_val[2])

    dm = _duration_months(dt)
    if dm:
        out["duration_months"] = dm

    lab = labelled(
        dt,
        r"opening date|call opens|opens|publication date|date of publication|"
        r"open from|submission opens?|launch date|release date",
    )
    d = first_date(lab[0], full_only=True) if lab else None
    if lab and d:
        out["opening_date"] = dt.field(d, lab[1])
    else:
        s = first_sentence(
            dt,
            r"\b(?:call|round|programme|submissions?|applications?)\s+(?:is\s+|was\s+)?"
            r"open(?:s|ed)?\b|\bopening date\b|\b(?:date of )?publication\b|\blaunched on\b|"
            r"\bopens? (?:on|for)\b|\b(?:was|is) (?:released|published) on\b",
        )
        while s:
            d = first_date(s[1][s[2].start() :], full_only=True)
            if d:
                out["opening_date"] = dt.field(d, s[0], s[1])
                break
            s = first_sentence(
                dt,
                r"\b(?:call|round|programme|submissions?|applications?)\s+(?:is\s+|was\s+)?"
                r"open(?:s|ed)?\b|\bopening date\b|\b(?:date of )?publication\b|\blaunched on\b|"  # noqa: E501 (one regex alternative per line reads better than a split)
                r"\bopens? (?:on|for)\b",
                s[0] + len(s[1]) + 1,
            )

    if published := _published(dt):
        out["published"] = published
    out.update(_deadline(dt))
    out.update(_lot_fields(dt))
    _lot_applicants(dt, out)
    return out


def _published(dt: DocText) -> Field | None:
    """The date of the official journal issue a notice was published in, from the
    journal's running header ("IT C 19/6 Gazzetta ufficiale dell'Unione europea
    20.1.2011")."""
    found = [(hit, m.start() + hit.start) for m in re.finditer(r"[^\n]+", dt.text)
             if (hit := journal_header_date(m.group(0)))]
    if not found:
        return None
    # a running header repeats: its date is the one most headers give
    iso = Counter(h.iso for h, _ in found).most_common(1)[0][0]
    return dt.field(iso, next(pos for h, pos in found if h.iso == iso))


# ---------------------------------------------------------------------------------------
# helpers for grant calls


def _amounts_with_pos(dt: DocText) -> list[Amount]:
    return find_amounts(dt.text)


def _grant_amounts(dt: DocText, amounts: list[Amount]) -> dict[str, Field]:
    out: dict[str, Field] = {}
    text = dt.text
    budget_rx = re.compile(
        r"(?i)\b(?:total|overall|indicative|global)?\s*budget\b|\bavailable\b|\bdisponibile\b|"
        r"\bdisponible\b|\bverf[üu]gbar\b|\bbeschikbaar\b|"
        r"\ballocat\w*|\benvelope\b|\btotal (?:of|amount)\b|"
        r"\bdotazione\b|\bbilancio (?:totale|complessivo|disponibile)|\bpresupuesto\b|"
        r"\bbudget total\b|\bGesamtbudget\b|\bbegroting\b"
    )
    per_project_rx = re.compile(
        r"(?i)per project|per application|per grant|each project|grants? "
        r"(?:of|between|ranging|from|will be|amount)|lump sum|grant size|"
        r"amount per|maximum grant|minimum grant|request(?:ed)? (?:between|up)|"
        r"per progetto|sovvenzione di importo|por proyecto|subvenci[óo]n de|par projet|"
        r"subvention de|pro Projekt|per project"
    )

    def ctx(a: Amount, before: int = 160) -> str:
        # from the start of the sentence, not of the line: a PDF wraps "La dotazione
        # complessiva ... è di" across lines before the figure; a line that ends a
        # sentence or is a heading ("5. Budget and grant amounts") is where it starts
        lo = text.rfind("\n", 0, a.start) + 1
        while lo > 0 and a.start - lo < before:
            prev_lo = text.rfind("\n", 0, lo - 1) + 1
            prev = text[prev_lo : lo - 1].strip()
            line_end = text.find("\n", lo)
            after = text[lo : line_end if line_end >= 0 else len(text)]
            if not prev or re.search(r"[.:;!?]$", prev) or (
                    is_heading_line(prev) and not is_wrapped_line(prev, after)):
                break
            lo = prev_lo
        full_stop = text.rfind(". ", lo, a.start)
        if full_stop >= 0:
            lo = full_stop + 2
        return text[max(lo, a.start - before) : a.start]

    # call budget: an amount in a 'budget' sentence that is not about per-project size
    lab = labelled(
        dt,
        r"(?:total |overall |indicative )?(?:call )?budget|total (?:call )?funding|"
        r"available funding|funding available",
    )
    budget: Amount | None = None
    if lab:
        found = [a for a in amounts if lab[1] <= a.start < lab[1] + len(lab[0])]
        if found:
            budget = found[0]
    if budget is None:
        for a in amounts:
            c = ctx(a)
            sent = dt.sentence_at(a.start)
            if (
                budget_rx.search(c)
                and not per_project_rx.search(c)
                and not re.search(
                    r"(?i)per project|each project",
                    sent[: sent.find(a.text) + len(a.text) + 40] if a.text in sent else sent,
                )
            ):
                budget = a
                break
    if budget is not None:
        out["call_budget"] = dt.field(budget.value, budget.start)

    # range "between X and Y" / "from X to Y" / "X - Y"
    rng = re.compile(
        r"(?i)(?:between|from|of|tra|fra|entre|zwischen|tussen)\s+(?P<a>\S+(?:\s\S+){0,3}?)\s+"
        r"(?:and|to|e|y|et|und|en|-|–)\s+(?P<b>\S+(?:\s\S+){0,3})"
        r"|(?P<c>(?:[€$£]|EUR|USD|GBP)\s?[\d.,\s]+)\s?(?:-|–)\s?(?P<d>(?:[€$£]|EUR|USD|GBP)?\s?[\d.,]+)"
    )
    project_amounts = [a for a in amounts if a is not budget]
    for off, sent in dt.sentences():
        if not per_project_rx.search(sent) and not re.search(
                r"(?i)\bgrants?\b|\bamount\b|\bsovvenzion|\bimporto\b|\bsubvenci|\bsubvention|"
                r"\bZuschuss|\bsubsidie", sent):
            continue
        if (
            budget is not None
            and budget.start >= off
            and budget.start < off + len(sent) + 5
            and not per_project_rx.search(sent)
        ):
            continue
        in_sent = [a for a in project_amounts if off <= a.start < off + len(sent) + 20]
        if not in_sent:
            continue
        lump = re.search(r"(?i)lump[- ]sum|flat[- ]rate|fixed amount|single grant", sent)
        m = rng.search(sent)
        if len(in_sent) >= 2 and m and not lump:
            lo, hi = sorted([in_sent[0].value, in_sent[1].value])
            # a range without currency on its first number: "between 10,000 and EUR 50,000"
            out["amount_min"] = dt.field(lo, in_sent[0].start, sent)
            out["amount_max"] = dt.field(hi, in_sent[0].start, sent)
            break
        if len(in_sent) == 1 and m and not lump:
            bare = re.search(r"(?i)between\s+(?P<n>[\d][\d.,\s]*\d)\s*(?:and|to)\s", sent)
            if bare:
                from ingest.amounts import parse_number

                lo = parse_number(bare.group("n"))
                out["amount_min"] = dt.field(
                    int(lo) if lo.is_integer() else lo, in_sent[0].start, sent
                )
                out["amount_max"] = dt.field(in_sent[0].value, in_sent[0].start, sent)
                break
        if lump:
            out["amount_min"] = dt.field(in_sent[0].value, in_sent[0].start, sent)
            out["amount_max"] = dt.field(in_sent[0].value, in_sent[0].start, sent)
            break
        if ceiling := CEILING.search(sent):
            # the amount the ceiling word bounds: "at least 5,000 and at most 20,000"
            bounded = [a for a in in_sent if a.start >= off + ceiling.start()] or in_sent
            out.setdefault("amount_max", dt.field(bounded[0].value, bounded[0].start, sent))
            if FLOOR.search(sent) and len(in_sent) >= 2:
                out["amount_min"] = dt.field(
                    min(a.value for a in in_sent[:2]), in_sent[0].start, sent
                )
            break
        if re.search(r"(?i)minimum|at least|min\.", sent):
            out.setdefault("amount_min", dt.field(in_sent[0].value, in_sent[0].start, sent))
    return out


def _eligible_countries(dt: DocText) -> Field | None:
    heading = find_heading(
        dt,
        r"eligible countries|countries eligible|geographic(?:al)? (?:scope|"
        r"eligibility)|where",
    )
    if heading is not None:
        lines = section_lines(dt, heading)
        text = " ".join(ln.text for ln in lines[:12])
        inline = heading.text.split(":", 1)
        if len(inline) == 2:
            text = inline[1] + " " + text
        found = countries_in(text)
        if found:
            return Field(found, heading.page, squash(text)[:400])
    lab = labelled(dt, r"eligible countries|countries|geographic(?:al)? scope")
    if lab:
        found = countries_in(lab[0])
        if found:
            return dt.field(found, lab[1])
    s = first_sentence(
        dt,
        r"(?:based|located|established|registered)\s+in\b|eligible countries|"
        r"from the following countries|countries:|in one of the",
    )
    while s:
        found = countries_in(s[1])
        if found:
            return Field(found, dt.page_at(s[0]), s[1])
        nxt = s[0] + len(s[1]) + 1
        s = first_sentence(
            dt,
            r"(?:based|located|established|registered)\s+in\b|eligible countries|"
            r"from the following countries|countries:|in one of the",
            nxt,
        )
    return None


def _lot_fields(dt: DocText) -> dict[str, Field]:
    """``lots`` and, from them, the call's own range, rate and duration (their span)."""
    lots = find_lots(dt.text)
    if not lots:
        return {}
    first = min((at for lot in lots for at in lot.offset_of.values()), default=0)
    # evidence is quoted to the officer: the text where each value is printed
    out = {"lots": Field([lot.to_value() for lot in lots], dt.page_at(first),
                         dt.sentence_at(first))}
    for key, value in call_span(lots).items():
        at = next(lot.offset_of[key] for lot in lots if lot.values.get(key) == value)
        out[key] = Field(value, dt.page_at(at), dt.sentence_at(at))
    return out


# A sentence that restricts who may apply, and the kinds it names: "only open to television
# broadcasting companies, as attested by ...", "aperto esclusivamente alle emittenti
# televisive" (not "submitted by email", "open to the public and the press").
_OPEN_TO = re.compile(
    r"(?i)\b(?:(?:only|exclusively|solely)\s+open\s+to|open\s+only\s+to|reserved\s+"
    r"(?:exclusively\s+)?(?:to|for)|(?:aperto|aperta|riservat[oa])\s+(?:esclusivamente\s+|"
    r"unicamente\s+|solo\s+)?(?:a|ai|agli|alle|alla|al)|(?:abierta|reservada)\s+"
    r"(?:exclusivamente\s+|únicamente\s+)?a)\s+"
    r"(?!(?:the\s+)?public\b(?!\s+(?:or\s+private\s+)?bod))(?:the\s+|los\s+|las\s+)?"
    r"(?P<who>[^,.;:()]{3,90})")


def _lot_applicants(dt: DocText, out: dict[str, Field]) -> None:
    """Applicants stated for one lot ("Specific criteria for the eligibility of applicants
    under LOT 1" | "This financing opportunity is only open to television broadcasting
    companies") are that lot's own; the other lots are open to whom the call's general
    rules admit."""
    lots = out.get("lots")
    if lots is None:
        return
    numbers = list(range(1, len(lots.value) + 1))
    for off, sent in dt.sentences():
        m = _OPEN_TO.search(sent)
        if not m:
            continue
        n = lot_stated_for(dt.text, off, numbers)
        if n is not None and "eligible_applicants" not in lots.value[n - 1]:
            lots.value[n - 1]["eligible_applicants"] = [m.group("who").strip()]


def _duration_months(dt: DocText) -> Field | None:
    rx = re.compile(
        rf"(?i)\b(?:(?:between|from)\s+{NUM_TOKEN}\s+(?:and|to)\s+|up to\s+|maximum(?: of)?\s+|"
        rf"max\.\s*|at most\s+|no longer than\s+|not exceed\s+|of\s+|last\s+)?"
        rf"(?P<n>{NUM_TOKEN})(?:\s*\(\d+\))?\s+(?P<u>months?|years?)\b"
    )
    for off, sent in dt.sentences():
        if not re.search(
            r"(?i)duration|last|within|implementation period|run for|"
            r"maximum of|project period|months",
            sent,
        ):
            continue
        if re.search(
            r"(?i)\b(?:after|before|following|reporting|report|payment)\b", sent
        ) and not re.search(r"(?i)duration|last|completed within", sent):
            continue
        for m in rx.finditer(sent):
            n = to_int(m.group("n"))
            if not n:
                continue
            months = n * 12 if m.group("u").lower().startswith("year") else n
            if 1 <= months <= 120:
                return Field(months, dt.page_at(off), sent)
    return None


def _funder_banner(dt: DocText) -> tuple[str, int] | None:
    """The publisher's banner at the top of a call ("EUROPEAN COMMISSION", "COMMISSIONE
    EUROPEA"): a short line in capitals that spaCy or the wording names an institution."""
    for ln in dt.lines[:8]:
        text = ln.text.strip().strip("#").strip()
        words = text.split()
        if 2 <= len(words) <= 4 and text.isupper() and re.search(
                r"(?i)\bcommission|\bcommissione|\bcomisi[óo]n|\bkommission|\bcommissie|\bministr|"
                r"ministerio|ministère|agency|agenzia|agencia|foundation|fondazione|"
                r"fundaci[óo]n|stiftung|stichting|council|consiglio|trust|fund\b", text):
            return text, ln.start
    return None


def _time_before(sent: str, h: Any, hits: list[Any]) -> list[Any]:
    """The time written just before a date ("by 17:00 CET on 30 March", "entro le 24 (ora
    di Bruxelles) del 30 settembre"): at most two words between them, so that one that
    belongs to an earlier date ("opens on 1 March at 10:00 and closes on 30 April") does
    not count."""
    start = max([max(0, h.start - 40)] + [d.end for d in hits if d.end <= h.start])
    window = sent[start : h.start]
    return [t for t in find_times(window)[-1:] if len(window[t.end:].split()) <= 2]


def _deadline(dt: DocText) -> dict[str, Field]:
    """The submission deadline: among sentences with a deadline cue and a full date, prefer
    one that also states a time, and avoid version notes ('replaces the call of ...')."""
    cue = re.compile(
        r"(?i)deadline|no later than|must (?:be )?(?:submitted|received)|must reach|closes|"
        r"closing date|submitted by|received by|due\b|"
        # the same cues where officers meet them in Italian, Spanish, French, German, Dutch
        r"\bentro (?:il|le|la)\b|termine per la presentazione|scadenza|"
        r"devono (?:essere )?(?:invia|present)|"
        r"plazo de presentaci[óo]n|a m[áa]s tardar|date limite|au plus tard|"
        r"Einsendeschluss|Antragsfrist|sp[äa]testens|uiterlijk|uiterste (?:datum|termijn)"
    )
    best: tuple[int, int, str, Any] | None = None
    for off, sent in dt.sentences():
        c = cue.search(sent)
        if not c:
            continue
        hits = [h for h in find_dates(sent) if len(h.iso) == 10]
        after = [h for h in hits if h.start >= c.start()] or hits
        if not after:
            continue
        h = after[0]
        tail = sent[h.end : h.end + 90]
        score = 0
        # "by 17:00 CET on 30 March" and "entro le 24 (ora di Bruxelles) del 30 settembre"
        if find_times(tail) or _time_before(sent, h, hits):
            score += 2
        if re.search(
            r"(?i)no later than|must (?:be )?(?:submitted|received)|must reach|deadline (?:for|is)|"
            r"devono (?:essere )?invia|domand|solicitud|candidature|Antr[äa]g|aanvra",
            sent,
        ):
            score += 1
        if re.search(r"(?i)replaces|previous|\bversion\b|was extended|changed|start|begin|"
                     r"portati a termine|completed|results|risultati|info(?:rmation)? day",
                     sent):
            score -= 2
        if best is None or score > best[0]:
            best = (score, off, sent, h)
    if best is None:
        return {}
    _, off, sent, h = best
    ev = squash(sent)[:300]
    out = {"deadline": Field(h.iso, dt.page_at(off), ev)}
    times = find_times(sent[h.end : h.end + 90]) or _time_before(sent, h, find_dates(sent))
    if times:
        out["deadline_time"] = Field(times[0].hhmm, dt.page_at(off), ev)
        if times[0].tz:
            out["deadline_tz"] = Field(times[0].tz, dt.page_at(off), ev)
    return out
