"""Agreements: kind, parties and their countries, dates, term and renewal, areas, signatories."""

from __future__ import annotations

import re

from ingest.countries import english_name, find_countries, locates
from ingest.dates import NUM_TOKEN, add_years, find_dates, first_date, to_int
from ingest.extract.doctext import (
    DocText,
    clause,
    countries_in,
    dedupe,
    english_end,
    first_sentence,
    list_field,
    norm_key,
    squash,
    title_of,
)
from ingest.extract.patterns import (
    BETWEEN_RE,
    HEAD_PREFIX,
    INDEFINITE_TERM,
    LANGUAGE_RE,
    LANGUAGES,
    MUNI_RE,
)
from ingest.extract.people import signatory_names
from ingest.language import languages_named
from ingest.models import Field

# The words an agreement calls itself by, in the languages officers meet.
_INSTRUMENT = (r"agreement|convention|protocol|treaty|charter|memorandum|overeenkomst|verdrag|"
               r"accordo|convenzione|protocollo|acuerdo|convenio|accord|abkommen|vereinbarung|"
               r"vertrag|acordo")

# Ending an agreement by notice, in the languages officers meet: Dutch, Italian, Spanish,
# French, German, Portuguese.
_ENDING_CLAUSE = (r"\b(?:opzegg\w*|opzegtermijn|opgezegd|recede\w*|recesso|disdett\w*|"
                  r"preavviso|denunci\w*|rescind\w*|preaviso|d[ée]non[cç]\w*|r[ée]sili\w*|"
                  r"pr[ée]avis|k[üu]ndig\w*|k[üu]ndigungsfrist|aviso pr[ée]vio)\b")

# A provision, not an area: a subject, then a modal ("The ECG shall perform ..."); the
# modal in lower case, so "the May festival" stays an area.
_CLAUSE = re.compile(r"^(?:The|It|Its|They|Each|This|These|Such|Every|All)\b.*?"
                     r"\b(?:shall|must|may|will|should|can|cannot)\b")


def read_agreement(dt: DocText) -> dict[str, Field]:
    out: dict[str, Field] = {}
    end = english_end(dt)
    head = dt.text[: min(end, 2500)]
    title = title_of(dt)
    title_text = title[0] if title else head[:300]

    kinds = (
        ("letter_of_intent", r"letter of intent"),
        ("sister_city", r"sister[- ]cit(?:y|ies)"),
        ("twinning", r"twinning|jumelage|städtepartnerschaft"),
        ("friendship", r"friendship"),
        ("mou", r"memorand(?:um|a) of understanding|\bmou\b"),
        # treaties between states on their territorial authorities' co-operation
        ("convention", r"\bconvention\b|\bconventie\b|\bconvenzione\b|[ÜU]bereinkommen|"
                       r"kaderovereenkomst|overeenkomst\b.{0,200}(?:grensoverschrijdende|"
                       r"territoriale)"),
    )
    for source in (title_text, head):
        hit = next((k for k, rx in kinds if re.search(rx, source, re.I)), None)
        if hit:
            out["kind"] = Field(hit, dt.page_at(title[1] if title else 0), title_text[:200])
            break

    parties = _parties(dt, end, title)
    if parties:
        out["parties"] = Field(
            [p for p, _ in parties], dt.page_at(parties[0][1]), dt.sentence_at(parties[0][1])
        )
        # parties with no "City of" or "County" in their names are states or regions
        # named by a treaty's preamble: their country is in their own official name
        states = not any(MUNI_RE.fullmatch(p) for p, _ in parties)
        countries = _party_countries(dt, parties, _preamble_end(dt, end), states)
        if countries:
            out["countries"] = Field(
                countries, dt.page_at(parties[0][1]), dt.sentence_at(parties[0][1])
            )

    out.update(_signature(dt, end))
    areas = list_field(
        dt,
        r"\b(?:areas?|fields?|sectors?|scope|forms?)\b.*\bco-?operation\b|\bco-?operation\b.*\bareas\b"
        r"|\bscope\b|" + HEAD_PREFIX + r"(?:areas?|fields?)\b",
        r"(?:co-?operat\w*|exchanges?|collaborat\w*|activities)\b[^.:]*\b(?:in|on)\s+(?:the\s+)?"
        r"(?:following\s+)?(?:areas|fields|sectors|matters)(?:\s+of\s+[a-z ]+?)?(?:\s*:|,?\s+"
        r"(?:such as|including|namely))",
        end,
    )
    if areas:
        # an area is named, not stated: "The ECG shall perform the tasks that its members
        # entrust to it" is a provision under a "scope" heading
        named = [a for a in areas.value if not _CLAUSE.search(a)]
        if named:
            out["areas"] = Field(named, areas.page, areas.evidence)

    body = _implementing_body(dt, end)
    if body:
        out["implementing_body"] = body

    fin = _financial_gist(dt, end)
    if fin:
        out["financial_clause"] = fin

    dur = first_sentence(
        dt,
        rf"(?:period|term|duration)\s+of\s+(?P<n>{NUM_TOKEN})(?:\s*\(\d+\))?\s+years?"
        rf"|\b(?:for|valid for|concluded for|remain in (?:force|effect) for)\s+(?:a\s+period\s+of\s+)?"  # noqa: E501 (one regex alternative per line reads better than a split)
        rf"(?P<n2>{NUM_TOKEN})(?:\s*\(\d+\))?\s+years?",
        0,
        end,
        exclude=r"\b(?:renew\w*|extend\w*|prolong\w*)\s+for\b|\bfurther\b|successive",
    )
    if dur is None:
        dur = first_sentence(
            dt, rf"(?:period|term)\s+of\s+(?P<n>{NUM_TOKEN})(?:\s*\(\d+\))?\s+years?", 0, end
        )
    years: int | None = None
    if dur:
        off, sent, m = dur
        years = to_int(m.group("n") or m.group("n2"))
        if years:
            out["duration_years"] = Field(years, dt.page_at(off), sent)

    expiry = first_sentence(
        dt,
        r"\b(?:expire[sd]?|until|valid through|end(?:s)? on|terminate[sd]? on)\b[^.]*?"
        r"(?P<d>(?:\d{1,2}(?:st|nd|rd|th)?\s+\w+,?\s+\d{4}|\w+\s+\d{1,2},\s+\d{4}|\d{4}-\d\d-\d\d))",
        0,
        end,
    )
    expiry_date = first_date(expiry[2].group("d")) if expiry else None
    if expiry and expiry_date:
        out["expiry_date"] = Field(expiry_date, dt.page_at(expiry[0]), expiry[1])
    elif years and "duration_years" in out:
        start = _entry_into_force(dt, end, out.get("signing_date"))
        if start:
            # Page of the duration clause: that is what the computed date depends on.
            d = out["duration_years"]
            out["expiry_date"] = Field(
                add_years(start, years),
                d.page,
                f"computed: entry into force {start} + {years} years. {d.evidence}",
            )

    if "duration_years" not in out and "expiry_date" not in out:
        # "Deze Overeenkomst wordt aangegaan voor onbepaalde tijd": the agreement itself,
        # a few words before, has no end ("an ECG ... for a limited or unlimited period"
        # is another body's term)
        indefinite = first_sentence(
            dt, rf"\b(?:{_INSTRUMENT})\b(?:\W+\w+){{0,8}}?\W+(?:{INDEFINITE_TERM.pattern})",
            0, end)
        if indefinite:
            off, sent, _m = indefinite
            out["term"] = Field(squash(sent)[:300], dt.page_at(off), sent)

    ren = first_sentence(
        dt,
        r"\b(?:renew(?:ed|al|s)?|extend(?:ed)?|prolong(?:ed)?|extension)\b",
        0,
        end,
        exclude=r"\bterms? of reference\b",
    )
    if ren:
        off, sent, m = ren
        out["renewal"] = Field(_renewal_gist(sent, m), dt.page_at(off), sent)

    term = first_sentence(
        dt,
        r"\b(?:terminat\w*|withdraw\w*|denounc\w*|discontinu\w*)\b[^.]*\bnotice\b|"
        r"\bnotice\b[^.]*\bterminat\w*",
        0,
        end,
    )
    if term is None:
        term = first_sentence(dt, r"\bmay\s+(?:terminate|withdraw)\b", 0, end)
    own_language = None
    if term is None:
        # the same clause in the agreement's own language ("kan deze Overeenkomst ...
        # opzeggen; de opzegtermijn bedraagt twee jaar"): quoted whole, notice period and
        # all, as the English gist below cannot read it
        own_language = term = first_sentence(dt, _ENDING_CLAUSE, 0, end)
    if term:
        off, sent, m = term
        gist = squash(sent)[:300] if own_language else _termination_gist(sent) or clause(sent, m)
        out["termination"] = Field(gist, dt.page_at(off), sent)

    lang = first_sentence(
        dt,
        r"\b(?:languages?|authentic|texts?|(?:signed|drawn up|done|executed|"
        r"written) in)\b[^.]*\b(?:"
        + "|".join(LANGUAGES)
        + r")\b|\b(?:"
        + "|".join(LANGUAGES)
        + r")\b[^.]*\b(?:languages?|authentic)\b",
        0,
        end,
    )
    if lang:
        off, sent, _ = lang
        langs = dedupe(LANGUAGE_RE.findall(sent))
        if langs:
            out["languages"] = Field(langs, dt.page_at(off), sent)
    main = dt.languages[0] if dt.languages else ""
    if "languages" not in out and main not in ("", "en"):
        # "in de Nederlandse en de Franse taal": names in the text's own language; two
        # in one sentence, since one alone is often a nationality or a place
        # a sentence about languages or texts (the closing "done in ... languages");
        # "Repubblica Italiana ... Repubblica Francese" names states, not languages
        for off, sent in reversed(list(dt.sentences(0, end))):
            if _LANGUAGE_WORD.search(sent) and len(langs := languages_named(sent,
                                                                             main)) >= 2:
                out["languages"] = Field(langs, dt.page_at(off), sent)
                break
    return out


def _signature(dt: DocText, end: int) -> dict[str, Field]:
    out: dict[str, Field] = {}
    text = dt.text
    starts = [
        m.start()
        for m in re.finditer(
            r"(?im)^\s*(?:#+\s*)?(?:signatures?|in witness whereof)\b|\b(?i:done|signed|executed)\b"  # noqa: E501 (one regex alternative per line reads better than a split)
            r"[^.\n]{0,40}?\b(?:at|in)\s+[A-Z]|\b(?i:gedaan\s+te|fatto\s+a|hecho\s+en|fait\s+[àa]|"
            r"geschehen\s+zu|feito\s+em)\s+[A-Z]",
            text[:end],
        )
    ]
    # the signature block after the articles, not "signed" mentioned in the preamble
    heads = [
        m.start()
        for m in re.finditer(
            r"(?im)^\s*(?:#+\s*)?(?:signatures?|in witness whereof)\b", text[:end]
        )
    ]
    late = [p for p in starts if p > end * 0.4]
    sig_start = (
        heads[-1]
        if heads
        else (late[-1] if late else (starts[-1] if starts else max(0, end - 1200)))
    )
    block = text[sig_start:end]

    place_rx = re.compile(
        r"(?:(?i:done|signed|executed|made)(?:\s+(?:this|the present)\s+\w+)?"
        r"(?:\s+in\s+(?:duplicate|triplicate|two|three|\w+\s+originals?))?,?"
        r"\s+(?:at|in)|(?i:gedaan|getekend|ondertekend)\s+te|(?i:fatto|firmato)\s+a|"
        r"(?i:hecho|firmado)\s+en|(?i:fait|sign[ée])\s+[àa]|"
        r"(?i:geschehen|unterzeichnet)\s+(?:zu|in)|(?i:feito|assinado)\s+em)"
        r"\s+(?P<place>[A-Z][\w'’.-]*(?:[ -](?:de |da |do |del |upon |on |am |sur )?"  # noqa: E501 (one regex alternative per line reads better than a split)
        r"[A-Z][\w'’.-]*){0,3})(?P<rest>[^.\n]{0,80})"
    )
    m = next(
        (x for x in place_rx.finditer(block) if x.group("place").split()[0] not in LANGUAGES
         # "Signed in March of 2001": a date, not a place
         and not any(h.start == 0 for h in find_dates(x.group("place") + x.group("rest")))),
        None,
    )
    if m:
        pos = sig_start + m.start()
        out["signing_place"] = dt.field(m.group("place").strip(" ,."), pos)
        d = first_date(m.group("rest") + block[m.end() : m.end() + 60], full_only=True)
        if d:
            out["signing_date"] = dt.field(d, pos)
    if "signing_date" not in out:
        s = first_sentence(dt, r"\b(?:signed|done|dated|date of signature)\b", sig_start, end)
        d = first_date(s[1], full_only=True) if s else None
        hits = [h for h in find_dates(block) if len(h.iso) == 10]
        # "Signed in March of 2001": the month, when that is all the signatures state
        month = next((h.iso for h in find_dates(s[1]) if len(h.iso) == 7), None) if s else None
        if s and d:
            out["signing_date"] = dt.field(d, s[0], s[1])
        elif hits:
            out["signing_date"] = dt.field(hits[0].iso, sig_start + hits[0].start)
        elif s and month:
            out["signing_date"] = dt.field(month, s[0], s[1])

    names = signatory_names(block)
    if names:
        first_pos = sig_start + max(0, block.find(names[0][0].split()[0]))
        out["signatories"] = Field(
            [n for n, _ in names],
            dt.page_at(first_pos),
            squash(" / ".join(line for _, line in names))[:400],
        )
    return out



# ---------------------------------------------------------------------------------------
# helpers for agreements

def _preamble_end(dt: DocText, end: int) -> int:
    m = re.search(
        r"(?im)^\s*(?:#+\s*)?(?:article|art\.)\s+(?:1|I)\b|have agreed|agree(?:d)? as follows",
        dt.text[:end],
    )
    return m.start() if m else min(end, 3000)


def _muni_matches(text: str, start: int, end: int) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    for m in MUNI_RE.finditer(text, start, end):
        raw = m.group("pre") or m.group("post")
        before = text[max(0, m.start() - 14) : m.start()].lower()
        # "in the county of X" locates a party; it is not one.
        if re.search(r"\b(?:in|within|near)\s+(?:the\s+)?$", before):
            continue
        if "\n" in raw:
            # a name wraps across lines in PDFs, but a title line followed by a sentence
            # ("...Town of Falkenwiese\nIllustrative document") must not glue on
            head, tail = raw.split("\n", 1)
            after = text[m.end() : m.end() + 3]
            if re.match(r"\s[a-z]", after) and len(tail.split()) == 1 or locates(tail):
                raw = head  # "City of Long Beach\nCalifornia, USA": the state locates it
        name = re.sub(r"\s+", " ", raw).strip()
        out.append((name, m.start()))
    return out


def _parties(dt: DocText, end: int, title: tuple[str, int] | None) -> list[tuple[str, int]]:
    """Parties named in the title; the preamble when the title does not name two."""
    found: list[tuple[str, int]] = []
    if title:
        t_end = title[1] + len(title[0]) + 1
        found = _muni_matches(dt.text, title[1], min(t_end, len(dt.text)))
    if len(found) < 2:
        found = _muni_matches(dt.text, 0, _preamble_end(dt, end))
    if len(found) < 2:
        after = title[1] + len(title[0]) if title else 0
        found = _listed_parties(dt.text, _preamble_end(dt, end), after) or found
    if len(found) < 2 and (m := BETWEEN_RE.search(dt.text, 0, _preamble_end(dt, end))):
        found = [(" ".join(m.group("a").split()), m.start("a")),
                 (" ".join(m.group("b").split()), m.start("b"))]
    out: list[tuple[str, int]] = []
    for name, pos in found:
        key = norm_key(name)
        if not any(
            key == norm_key(p) or key in norm_key(p) or norm_key(p) in key for p, _ in out
        ):
            out.append((name, pos))
    return out


# "language" and "text" in the languages officers meet: a sentence naming an agreement's
# languages says one of them ("in de Nederlandse en de Franse taal", "testi facenti fede").
_LANGUAGE_WORD = re.compile(
    r"(?i)\b(?:taal|talen|tekst\w*|lingu[ae]\w*|testi?|langues?|textes?|sprachen?|text\w*|"
    r"fassung\w*|wortlaut|idiomas?|textos?|j[eę]zyk\w*|l[ií]nguas?|authent\w*|autent\w*|"
    r"aut[ée]nt\w*|verbindlich|exemplar\w*|ejemplar\w*|esemplar\w*)\b")
# Items of a list: commas and the word for "and" in the languages officers meet.
_LIST_SPLIT = re.compile(r"\s*[,;]\s*|\s+(?:and|en|et|e|y|und|i|oraz|och|og)\s+")
_ARTICLE = re.compile(r"^(?:the|de|het|le|la|les|l'|il|lo|el|los|las|die|der|das|den)\s+",
                      re.IGNORECASE)


def _listed_parties(text: str, pre_end: int, after: int = 0) -> list[tuple[str, int]]:
    """Parties that open a treaty's preamble as a list of names ("De Regering van het
    Koninkrijk België, De Regering van het Groothertogdom Luxemburg, ..., Zich bewust van
    ..."; "Abu Dhabi and Houston, sharing a common interest ..."): the items of the first
    paragraph of running text, while each is a short name (its longer words capitalised)."""
    pos = 0
    for para in re.split(r"(\n\s*\n)", text[:pre_end]):
        start, pos = pos, pos + len(para)
        body = para.strip()
        if (not body or pos <= after or body.startswith(("#", "<"))
                or "\n" not in body and len(body) < 40):
            continue  # the title, headings and markup come before the preamble
        out: list[tuple[str, int]] = []
        at = start + para.index(body[:1])
        for piece in _LIST_SPLIT.split(body):
            item = _ARTICLE.sub("", piece.strip(" *_\n"))
            words = item.split()
            longer = [w for w in words if len(w) >= 4]
            if (1 <= len(words) <= 9 and not re.search(r"[\d:\n]", item)
                    and 2 * sum(w[0].isupper() for w in longer) > len(longer)):
                out.append((item, text.find(item, at)))
                continue
            # the list ends where the preamble's first clause begins ("zich bewust van ...",
            # "sharing a common interest ..."): mostly lower-case words
            clause = len(longer) >= 2 and 2 * sum(w[0].islower() for w in longer) > len(longer)
            return out if clause and len(out) >= 2 else []
        return []
    return []


def _party_countries(dt: DocText, parties: list[tuple[str, int]], pre_end: int,
                     states: bool = False) -> list[str]:
    """Each party's country: the first country named right after any mention of the party
    in the title or preamble ('Town of X (United Kingdom)', 'City of X, Canada')."""
    countries: list[str] = []
    region = dt.text[: max(pre_end, 400)]
    for name, _ in parties:
        # a party named after its state ("Regering van het Koninkrijk België"); a country's
        # name inside a town's ("Santa Lúcia do Vale") is no country
        own = [h for h in find_countries(name) if not name[h.end:].strip(" ,.)")] \
            if states else []
        if own:
            countries.append(english_name(own[0].alpha_2))
            continue
        for m in re.finditer(re.escape(name).replace("\\ ", r"\s+"), region):
            window = region[m.end() : m.end() + 110]
            window = re.split(r"\band\s+(?:the|of)\b|;|\n\n|\bhereinafter\b", window, maxsplit=1)[0]
            found = countries_in(window)
            if found:
                countries.append(found[0])
                break
    if len(countries) < len(parties):
        for c in countries_in(region):
            if c not in countries:
                countries.append(c)
    return dedupe(countries)


def _entry_into_force(dt: DocText, end: int, signing: Field | None) -> str | None:
    s = first_sentence(
        dt,
        r"\b(?:enter|come|comes|enters)\s+into\s+(?:force|effect)\b|\btake[s]?\s+"
        r"effect\b|\beffective\s+(?:from|as of|on)\b",
        0,
        end,
    )
    # (a term is counted from a day: a signing date of a month only starts none)
    signed = str(signing.value) if signing and len(str(signing.value)) == 10 else None
    if not s:
        return signed
    d = first_date(s[1][s[2].start() :], full_only=True)
    if d:
        return d
    if re.search(r"(?i)signature|signing|signed", s[1]):
        return signed
    return None


_THIRD_PERSON = {
    "bear": "bears",
    "cover": "covers",
    "finance": "finances",
    "fund": "funds",
    "meet": "meets",
    "pay": "pays",
    "assume": "assumes",
    "carry": "carries",
}


def _financial_gist(dt: DocText, end: int) -> Field | None:
    """The core cost-sharing rule, as 'each party bears its own costs'; otherwise the
    no-commitment or availability-of-funds clause. The full sentence is the evidence."""
    own = re.compile(
        r"\b(?P<q>each|either|every)\s+(?P<s>(?:sister\s+)?(?:party|parties|participant|signatory|"
        r"municipality|city|town|partner|side|region|council))\s+(?:shall|will|should|is to|must)?\s*"  # noqa: E501 (one regex alternative per line reads better than a split)
        r"(?P<v>bear|cover|finance|fund|meet|pay|assume|carry)s?\s+(?:for\s+)?(?:its|their|the)\s+own\s+"
        r"(?P<o>[\w-]+)",
        re.IGNORECASE,
    )
    for off, sent in dt.sentences(0, end):
        m = own.search(sent)
        if m:
            verb = _THIRD_PERSON.get(m.group("v").lower(), m.group("v").lower())
            q, subj, obj = (m.group(k).lower() for k in ("q", "s", "o"))
            gist = f"{q} {subj} {verb} its own {obj}"
            return Field(gist, dt.page_at(off), sent)
    s = first_sentence(
        dt,
        r"no financial (?:obligations?|commitments?)|does not (?:create|involve|"
        r"entail) any (?:financial|transfer)|availability of (?:funds|resources|budget\w*)",
        0,
        end,
    )
    if s:
        off, sent, m = s
        return Field(clause(sent, m), dt.page_at(off), sent)
    return None


def _renewal_gist(sent: str, m: re.Match[str]) -> str:
    """From the modal before 'renewed/extended' to the end: 'may be renewed for a further...'."""
    head = sent[: m.start()]
    aux = list(re.finditer(r"\b(?:may|shall|will|can|is|are)\b(?:\s+\w+){0,3}\s*$", head))
    start = aux[-1].start() if aux else m.start()
    return sent[start:].strip().rstrip(".")


_PERIOD = rf"(?:at least\s+)?(?:{NUM_TOKEN})(?:\s*\(\d+\))?[\s-]+(?:calendar\s+)?(?:months?|days?|weeks?|years?)"  # noqa: E501 (one regex alternative per line reads better than a split)


def _termination_gist(sent: str) -> str | None:
    """'written notice six months in advance' / "six months' written notice"."""
    m = re.search(rf"(?i)(?P<p>{_PERIOD})['’]?\s+(?:prior\s+)?written notice", sent)
    if m:
        return m.group(0)
    m = re.search(r"(?i)written notice", sent)
    if not m:
        return None
    p = re.search(rf"(?i)(?P<p>{_PERIOD})\s+(?:in advance|before|prior)", sent[m.end() :])
    if p:
        return f"written notice {p.group('p')} in advance"
    anytime = re.search(r"(?i)at any time\s+by\s+(?:giving\s+)?written notice", sent)
    return anytime.group(0) if anytime else m.group(0)


def _implementing_body(dt: DocText, end: int) -> Field | None:
    unit = (
        r"(?:Joint\s+)?(?:[A-Z][\w'’-]*\s+){0,5}(?:Committee|Working Group|Steering Group|"
        r"Commission|Task Force|Secretariat|Board|Coordination Group|Association|Council|"
        r"Working Party|Team)"
    )
    pat = re.compile(rf"\b(?:[Aa]n?|[Tt]he)\s+(?P<b>{unit})\b")
    low = re.compile(
        r"\b(?:[Aa]n?|[Tt]he)\s+(?P<b>(?:joint\s+)?(?:[a-z-]+\s+){0,3}(?:committee|working group|"
        r"steering group|commission|task force|task team|working party))\b"
    )
    # "The X Association and the Comitato Y of Z are designated...": both bodies implement
    pair = re.compile(
        rf"\b(?:[Tt]he)\s+(?P<b>{unit}\s+and\s+(?:the\s+)?(?:[A-Z][\w'’-]*\s+){{1,4}}"
        r"(?:of\s+(?:[A-Z][\w'’-]*\s*){1,3})?)"
    )
    for off, sent in dt.sentences(0, end):
        if not re.search(
            r"(?i)\b(?:implement\w*|coordinat\w*|oversee\w*|monitor\w*|responsible for|"
            r"follow[- ]up|set up|establish\w*|shall meet|designated|meet jointly)\b",
            sent,
        ):
            continue
        m = pair.search(sent) or pat.search(sent) or low.search(sent)
        if m and re.search(r"\b(?:City|Town|Municipal|County) Council$", m.group("b").strip()):
            continue
        if m and not re.match(r"(?i)(?:joint\s+)?(?:this|the)\b", m.group("b")):
            return Field(squash(m.group("b")), dt.page_at(off), sent)
    return None


