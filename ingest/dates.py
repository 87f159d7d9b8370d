"""Dates, times and number words: the one layer every caller uses.

Dates in running text are found by shape (a day, a month name in any language officers
meet, a year; or numbers), with the month names of CLDR (babel), and read from their parts;
a date written any other way (a field's value, "le premier mars 2024") is read by
``dateparser`` in the document's language. A numeric date's day/month order comes from the
document's language and country through CLDR's short date pattern (en_US "M/d/yy", en_GB
"dd/MM/y", ja "y/MM/dd"); English with no country is read as international English (day
first). Output is ISO 8601.
"""

from __future__ import annotations

import calendar
import re
import warnings
from dataclasses import dataclass
from datetime import date
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.dates import get_date_format, get_month_names

from ingest.numbers import NUM_TOKEN, NUMBER_WORDS, digits, to_int  # noqa: F401  (re-exported)
from ingest.reading import current

# Languages whose month names are recognised (the languages of README "Languages").
DATE_LANGUAGES = ("en", "es", "it", "fr", "de", "nl", "pt", "pl", "id", "sv", "da", "cs")


@cache
def _month_table() -> dict[str, tuple[int, frozenset[str]]]:
    """month name (lower case, no dot) -> (month, the languages that write it so)."""
    months: dict[str, int] = {}
    langs: dict[str, set[str]] = {}
    for lang in DATE_LANGUAGES:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for num, name in get_month_names(width, context, locale=lang).items():
                    key = name.lower().rstrip(".")
                    if len(key) >= 3 and key.isalpha():
                        months.setdefault(key, num)
                        langs.setdefault(key, set()).add(lang)
    months.setdefault("sept", 9)
    langs.setdefault("sept", set()).add("en")
    return {k: (months[k], frozenset(langs[k])) for k in months}


# A text's length: what "how long may the description be?" is answered in besides time.
# (CLDR has no such units; these are the languages whose month names are read above.)
_LENGTH_UNITS = ("pages page words word characters character lines line "
                 "pagine pagina parole parola caratteri righe "  # it
                 "pagina's woorden tekens regels "  # nl
                 "páginas palabras caracteres líneas "  # es
                 "mots caractères lignes "  # fr
                 "Seiten Seite Wörter Zeichen Zeilen "  # de
                 "linhas palavras").split()  # pt


@cache
def measure_pattern() -> re.Pattern[str]:
    """A figure with a unit of time or of length, in the languages officers meet: "18
    months", "12 mesi", "five (5) years", "3 pages", "drie maanden". Time units come from
    dateparser's CLDR data for each language, not a list of ours."""
    return _figure_with({*_LENGTH_UNITS, *_time_units(), "minutes", "minute"})


@cache
def length_pattern() -> re.Pattern[str]:
    """A figure with a unit of a text's length: "3 pages", "tre pagine", "2,000 words"."""
    return _figure_with(set(_LENGTH_UNITS))


def _figure_with(units: set[str]) -> re.Pattern[str]:
    """A figure, in digits or words, then one of ``units``: "18 months", "five (5) years"."""
    return re.compile(rf"(?<![\w.,])(?:\d+(?:[.,]\d+)?|{NUM_TOKEN})\s*(?:\(\d+\)\s*)?"
                      rf"(?:{_alternatives(units)})(?!\w)", re.IGNORECASE)


@cache
def _time_units() -> frozenset[str]:
    """Words for a year, month, week, day, hour and minute in the date languages, from
    dateparser's CLDR data."""
    from dateparser.languages import default_loader

    units: set[str] = set()
    for code in DATE_LANGUAGES:
        try:
            info = default_loader.get_locale(code).info
        except Exception:  # noqa: BLE001 - a language dateparser lacks adds no units
            continue
        for key in ("year", "month", "week", "day", "hour", "minute"):
            units.update(u for u in info.get(key, []) if len(u) >= 3 and u.isalpha())
    return frozenset(units)


def _alternatives(words: set[str] | frozenset[str]) -> str:
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True))


# How often something happens, in the languages of DATE_LANGUAGES that officers meet most:
# "twice a year", "two times per year", "every three years", "due volte l'anno", "twee keer
# per jaar", "dos veces al año", "deux fois par an", "zweimal im Jahr"; time units from
# CLDR. A count of times needs a word of frequency after it ("Once three months have
# elapsed" counts nothing), and "each day of delay" is a measure, not a frequency.
_TIMES = r"(?:once|twice|thrice|times|\w*mal|volte|volta|keer|maal|veces|vez|fois|vezes)"
_EACH = (r"(?:a|an|per|each|every|ogni|all'|l'|al|all|elke|iedere|ieder|cada|chaque|par|"
         r"pro|im|je|jede[ns]?|por)")
# adverbs only: "annual budget" and "daily allowance" say how much, not how often
_REGULARLY = (r"(?:annually|bi-?annually|biennially|semi-?annually|annualmente|mensilmente|"
              r"jaarlijks|maandelijks|anualmente|mensualmente|annuellement|mensuellement|"
              r"jährlich|monatlich)")


@cache
def frequency_pattern() -> re.Pattern[str]:
    """How often something happens: "twice a year", "every three years", "annually",
    "twee keer per jaar" (the time units come from dateparser's CLDR data)."""
    unit = _alternatives({*_time_units(), "an", "ans"})
    return re.compile(
        rf"\b(?:{_TIMES}\s+{_EACH}\s*(?:\w+\s+)?(?:{unit})|"
        rf"(?:every|each|ogni|elke|iedere|cada|chaque|jede[ns]?)\s+(?:\w+\s+)?(?:{unit})|"
        rf"{_REGULARLY})(?!\w)(?!\s+of\b)", re.IGNORECASE)


@cache
def date_pattern() -> re.Pattern[str]:
    """Every shape of a written date (built once: it holds the month names of twelve
    languages); ``find_dates`` reads what it matches."""
    month = "|".join(re.escape(m) for m in sorted(_month_table(), key=len, reverse=True))

    def mon(n: str) -> str:
        return rf"(?P<mon{n}>{month})\.?"

    def day(n: str) -> str:
        return rf"(?P<day{n}>[0-3]?\d)(?:st|nd|rd|th|er|º|°|\.)?"

    def year(n: str) -> str:
        return rf"(?P<year{n}>1[89]\d\d|20\d\d)"

    link = r"(?:\s+(?:day\s+)?(?:of|de|di|del|dello|della|van)\s+|\s+)"
    tail = r",?\s+(?:(?:de|del|of|in\s+the\s+year)\s+)?"
    shapes = [
        rf"(?:the\s+)?{day('1')}{link}{mon('1')}{tail}{year('1')}",
        # "June 5, 1995", and "JUNE 5,1995" as scans and hasty typists write it
        rf"{mon('2')}\s+{day('2')}(?:,\s*|\s+){year('2')}",
        r"(?<![\d.])(?P<iy>1[89]\d\d|20\d\d)(?P<sep>[-/.])(?P<im>[01]?\d)(?P=sep)(?P<id>[0-3]?\d)(?!\d)",
        r"(?<![\d.])(?P<n1>[0-3]?\d)[./-](?P<n2>[0-3]?\d)[./-](?P<ny>1[89]\d\d|20\d\d)(?!\d)",
        r"(?P<jy>1[89]\d\d|20\d\d)\s*年\s*(?P<jm>[01]?\d)\s*月(?:\s*(?P<jd>[0-3]?\d)\s*日)?",
        rf"{mon('3')}(?:\s+(?:of|de|di|del))?\s+{year('3')}",
    ]
    return re.compile("|".join(f"(?:{s})" for s in shapes), re.IGNORECASE)


@dataclass(frozen=True)
class DateHit:
    iso: str
    start: int
    end: int
    text: str


@cache
def date_order(lang: str | None = None, country: str | None = None) -> str:
    """'DMY', 'MDY' or 'YMD' for numeric dates, from CLDR's short date pattern."""
    from ingest.countries import alpha_2

    code = alpha_2(country) if country else None
    candidates = [f"{lang or 'en'}_{code}"] if code else []
    candidates += [lang or "en_001"] if lang != "en" else ["en_001"]
    for name in candidates:
        try:
            pattern = get_date_format("short", locale=Locale.parse(name)).pattern
        except (UnknownLocaleError, ValueError):
            continue
        order = "".join(ch.upper() for ch in re.sub(r"[^dMy]", "", pattern)
                        if ch.isalpha())
        return "".join(dict.fromkeys(order))
    return "DMY"


def _iso(y: int, m: int, d: int | None) -> str | None:
    try:
        if d is None:
            date(y, m, 1)
            return f"{y:04d}-{m:02d}"
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def _dateparser(text: str, lang: str, order: str) -> str | None:
    import dateparser

    settings = {"DATE_ORDER": order, "PREFER_DAY_OF_MONTH": "first",
                "REQUIRE_PARTS": ["day", "month", "year"], "RETURN_TIME_AS_PERIOD": False}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = dateparser.parse(text, languages=[lang], settings=settings)
    return parsed.date().isoformat() if parsed else None


def _read(m: re.Match[str], lang: str | None, order: str) -> str | None:
    g = m.groupdict()
    if g["iy"]:
        return _iso(int(g["iy"]), int(g["im"]), int(g["id"]))
    if g["jy"]:
        return _iso(int(g["jy"]), int(g["jm"]), int(g["jd"]) if g["jd"] else None)
    if g["ny"]:
        a, b, y = int(g["n1"]), int(g["n2"]), int(g["ny"])
        day, month = (b, a) if order.startswith("M") else (a, b)
        # 6/15/2022 can only be month first, whatever the locale says
        return _iso(y, month, day) or _iso(y, day, month)
    for n in ("1", "2"):
        if g[f"mon{n}"]:
            month = _month_table()[g[f"mon{n}"].lower().rstrip(".")][0]
            return _iso(int(g[f"year{n}"]), month, int(g[f"day{n}"]))
    month, month_langs = _month_table()[g["mon3"].lower().rstrip(".")]
    if g["mon3"][0].islower() and ("en" in month_langs or lang not in month_langs):
        # English capitalises its months ("you may 2021" is not May 2021), and a lower-case
        # word of another language is a month only in a text of that language ("set 2025")
        return None
    return _iso(int(g["year3"]), month, None)


def find_dates(text: str, lang: str | None = None, country: str | None = None) -> list[DateHit]:
    """Every date in ``text`` with its ISO form; ``lang``/``country`` of the document decide
    the day/month order of numeric dates (10/07/2025 is 7 October in a US document)."""
    doc = current()
    lang, country = lang or doc.lang, country or doc.country
    order = date_order(lang, country)
    hits: list[DateHit] = []
    for m in date_pattern().finditer(text):
        iso = _read(m, lang, order)
        if iso:
            hits.append(DateHit(iso, m.start(), m.end(), m.group(0)))
    return hits


def parse_date(text: str, lang: str | None = None, country: str | None = None) -> str | None:
    """One written date -> ISO, by dateparser, in any of its languages."""
    hits = find_dates(text, lang, country)
    if not hits or len(hits[0].iso) < 10:
        # ordinals in words ("le premier mars 2024") become digits first
        spelled = find_dates(digits(text, lang or "en"), lang, country)
        hits = spelled if spelled and len(spelled[0].iso) == 10 else hits
    if hits:
        return hits[0].iso
    return _dateparser(text, lang or "en", date_order(lang, country))


def first_date(text: str, full_only: bool = False, lang: str | None = None,
               country: str | None = None) -> str | None:
    for h in find_dates(text, lang, country):
        if not full_only or len(h.iso) == 10:
            return h.iso
    return None


def human_date(iso: str) -> str:
    """'2011-03-31' -> '31 March 2011', '2027-06' -> 'June 2027' (how the answers and
    letters write a date: never a day the document did not state)."""
    m = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", iso or "")
    if not m:
        return str(iso)
    month = calendar.month_name[int(m.group(2))]
    return f"{int(m.group(3))} {month} {m.group(1)}" if m.group(3) else f"{month} {m.group(1)}"


def on_date(iso: str) -> str:
    """A date with its preposition: 'on 31 March 2011', 'in March 2001' (a month or a year
    is no day to be "on")."""
    return f"{'on' if len(iso or '') == 10 else 'in'} {human_date(iso)}"


def add_years(iso: str, years: int) -> str:
    """Anniversary date; 29 February falls back to 28 February."""
    d = date.fromisoformat(iso)
    try:
        return d.replace(year=d.year + years).isoformat()
    except ValueError:
        return d.replace(year=d.year + years, day=28).isoformat()


def add_months(iso: str, months: int) -> str:
    d = date.fromisoformat(iso)
    y, m = divmod(d.month - 1 + months, 12)
    for day in (d.day, 30, 29, 28):
        try:
            return date(d.year + y, m + 1, day).isoformat()
        except ValueError:
            continue
    raise ValueError(iso)


# --- times and time zones -------------------------------------------------------------

_TZ_WORDS = (
    r"(?:\(?(?:CET|CEST|GMT|UTC|BST|EST|EDT|CST|CDT|MST|MDT|PST|PDT|AEST|AEDT|JST|KST|IST|WET|WEST|EET|EEST|ET|PT|CT|MT)\b"
    r"(?:\s*[+-]\s*\d{1,2}(?::?\d\d)?)?\)?"
    r"|(?:Eastern|Central|Mountain|Pacific|Atlantic)\s+(?:Standard\s+|Daylight\s+)?Time"
    r"|(?:Central|Western|Eastern)\s+European\s+(?:Summer\s+)?Time"
    r"|Greenwich\s+Mean\s+Time|(?:local|(?-i:[A-Z][a-z]+))\s+time"
    r"|ora\s+(?:di|dell[ae'])\s*[A-Z]\w+|hora\s+de\s+[A-Z]\w+|heure\s+de\s+[A-Z]\w+"
    r"|[A-Z]\w+er\s+Zeit|(?:Brusselse|Nederlandse)\s+tijd)"
)
TIME_RE = re.compile(
    r"(?<![\d.,/])(?P<h>[012]?\d)(?:(?P<sep>[:.h])(?P<min>[0-5]\d))?(?![./]?\d)\s*"
    r"(?P<ampm>a\.?\s?m\.?|p\.?\s?m\.?|hrs|h\b|hours|uhr\b)?(?P<noon>\s*noon|\s*midday)?"
    rf"(?P<tz>(?:\s*(?:\(|,)?\s*{_TZ_WORDS}\)?)+)?",
    re.IGNORECASE,
)


_HOUR_CUE = re.compile(r"\b(?:at|by|before|until|ore|le|alle|entro le|um|bis|à|a las|"
                       r"hasta las|om|tot)\s+$", re.I)


@dataclass(frozen=True)
class TimeHit:
    hhmm: str
    tz: str | None
    start: int
    end: int


def find_times(text: str) -> list[TimeHit]:
    """Times that are unambiguous: with minutes, am/pm, or 'h'; a bare number is not a time."""
    out: list[TimeHit] = []
    for m in TIME_RE.finditer(text):
        h = int(m.group("h"))
        minutes = m.group("min")
        ampm = (m.group("ampm") or "").lower().replace(".", "").replace(" ", "")
        if m.group("noon") and h == 12:
            ampm = "pm"
        if minutes is None and ampm not in ("am", "pm", "h", "hrs", "hours", "uhr") and not (
                m.group("tz") and _HOUR_CUE.search(text[max(0, m.start() - 12):m.start()])):
            # a bare number is a time only with a zone and a word that says "at" ("entro le
            # 24 (ora di Bruxelles)"), never "Article 24 (CET)"
            continue
        if m.group("sep") == "." and not (ampm or m.group("tz")):
            continue  # "section 2.15" is not a quarter past two; "17.00 Uhr" and "17.00 CET" are
        if ampm in ("am", "pm") and not 1 <= h <= 12:
            continue
        if ampm == "pm" and h != 12:
            h += 12
        elif ampm == "am" and h == 12:
            h = 0
        if h > 24:
            continue
        tz = m.group("tz")
        if tz:
            # The zone as written, first one only: "CET (Brussels time)" -> "CET"; the
            # parenthetical is a gloss of the same zone.
            # "Eastern Time (ET)": the code is the stable form of the two, so it wins.
            zones = [
                re.sub(r"\s+", " ", z.group(0)).strip(" ()") for z in re.finditer(_TZ_WORDS, tz)
            ]
            codes = [z for z in zones if z.isupper()]
            tz = (codes or zones or [None])[0]
        out.append(TimeHit(f"{h:02d}:{int(minutes or 0):02d}", tz or None, m.start(), m.end()))
    return out


_NAMED_YEAR = re.compile(r"(?<![\d])((?:19|20)\d\d)(?![\d])")


def year_in_name(name: str) -> int | None:
    """The year a file's name gives it ("report_...-mining-2025.pdf" -> 2025), when it
    gives exactly one: officers name files by year, and a paper with no date on its cover
    is "the 2025 project" to them."""
    found = set(_NAMED_YEAR.findall(name.rsplit("/", 1)[-1]))
    return int(found.pop()) if len(found) == 1 else None
