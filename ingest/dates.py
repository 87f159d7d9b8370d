"""Date, time and number-word rules shared by extraction.

Regex rather than spaCy's DATE entities: the small model tags "15 June 2022" well enough but
cannot normalise it, misses "the 3rd day of March, 2024", and costs ~25 ms per 1,000 chars.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

MONTHS: dict[str, int] = {}
for _i in range(1, 13):
    MONTHS[calendar.month_name[_i].lower()] = _i
    MONTHS[calendar.month_abbr[_i].lower()] = _i
MONTHS["sept"] = 9

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]\d\d|20\d\d)"

# Alternatives are tried in order; the named groups tell parse_date_match which shape matched.
DATE_RE = re.compile(
    rf"(?:the\s+(?P<d1>{_DAY})\s+day\s+of\s+(?P<m1>{_MONTH}),?\s+(?:in\s+the\s+year\s+)?(?P<y1>{_YEAR}))"
    rf"|(?:(?P<d2>{_DAY})(?:\s+of)?\s+(?P<m2>{_MONTH}),?\s+(?P<y2>{_YEAR}))"
    rf"|(?:(?P<m3>{_MONTH})\s+(?P<d3>{_DAY}),?\s+(?P<y3>{_YEAR}))"
    rf"|(?:(?P<y4>{_YEAR})-(?P<m4>[01]\d)-(?P<d4>[0-3]\d))"
    rf"|(?:(?P<d5>[0-3]?\d)[./](?P<m5>[01]?\d)[./](?P<y5>{_YEAR}))"
    rf"|(?:(?P<m6>{_MONTH})\s+(?P<y6>{_YEAR}))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DateHit:
    iso: str
    start: int
    end: int
    text: str


def _iso(y: int, m: int, d: int | None) -> str | None:
    try:
        if d is None:
            date(y, m, 1)
            return f"{y:04d}-{m:02d}"
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def _day(s: str) -> int:
    return int(re.sub(r"\D", "", s))


def parse_date_match(m: re.Match[str]) -> str | None:
    g = m.groupdict()
    for i in (1, 2, 3):
        if g[f"m{i}"]:
            month = MONTHS[g[f"m{i}"].lower().rstrip(".")]
            return _iso(int(g[f"y{i}"]), month, _day(g[f"d{i}"]))
    if g["y4"]:
        return _iso(int(g["y4"]), int(g["m4"]), int(g["d4"]))
    if g["y5"]:
        # Day-first: the documents are international; US-style numeric dates are rare in them.
        return _iso(int(g["y5"]), int(g["m5"]), int(g["d5"]))
    if g["y6"]:
        return _iso(int(g["y6"]), MONTHS[g["m6"].lower().rstrip(".")], None)
    return None


def find_dates(text: str) -> list[DateHit]:
    hits: list[DateHit] = []
    for m in DATE_RE.finditer(text):
        iso = parse_date_match(m)
        if iso:
            hits.append(DateHit(iso, m.start(), m.end(), m.group(0)))
    return hits


def first_date(text: str, full_only: bool = False) -> str | None:
    for h in find_dates(text):
        if not full_only or len(h.iso) == 10:
            return h.iso
    return None


def add_years(iso: str, years: int) -> str:
    """Anniversary date; 29 February falls back to 28 February."""
    d = date.fromisoformat(iso)
    try:
        return d.replace(year=d.year + years).isoformat()
    except ValueError:
        return d.replace(year=d.year + years, day=28).isoformat()


# --- times and time zones -------------------------------------------------------------

_TZ_WORDS = (
    r"(?:\(?(?:CET|CEST|GMT|UTC|BST|EST|EDT|CST|CDT|MST|MDT|PST|PDT|AEST|AEDT|JST|KST|IST|WET|WEST|EET|EEST|ET|PT|CT|MT)\b"
    r"(?:\s*[+-]\s*\d{1,2}(?::?\d\d)?)?\)?"
    r"|(?:Eastern|Central|Mountain|Pacific|Atlantic)\s+(?:Standard\s+|Daylight\s+)?Time"
    r"|(?:Central|Western|Eastern)\s+European\s+(?:Summer\s+)?Time"
    r"|Greenwich\s+Mean\s+Time|(?:local|[A-Z][a-z]+)\s+time)"
)
TIME_RE = re.compile(
    r"(?<![\d.])(?P<h>[012]?\d)(?:[:.h](?P<min>[0-5]\d))?\s*"
    r"(?P<ampm>a\.?\s?m\.?|p\.?\s?m\.?|hrs|h\b|hours)?(?P<noon>\s*noon|\s*midday)?"
    rf"(?P<tz>(?:\s*(?:\(|,)?\s*{_TZ_WORDS}\)?)+)?",
    re.IGNORECASE,
)


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
        if minutes is None and ampm not in ("am", "pm", "h", "hrs", "hours"):
            continue
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


# --- number words ---------------------------------------------------------------------

NUMBER_WORDS: dict[str, int] = {
    w: i
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
}
NUMBER_WORDS.update({"thirty": 30, "thirty-six": 36, "forty": 40, "forty-eight": 48, "sixty": 60})
NUMBER_WORDS.update({"twenty-four": 24, "eighteen": 18, "a": 1, "an": 1, "single": 1})

NUM_TOKEN = r"(?:\d+|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"


def to_int(token: str) -> int | None:
    token = token.strip().lower()
    if token.isdigit():
        return int(token)
    return NUMBER_WORDS.get(token)
