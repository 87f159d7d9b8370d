"""Money amounts and percentages: the one layer every caller uses.

Currencies come from CLDR through babel: every ISO 4217 code, the symbols of the locales
officers meet ("€", "£", "US$", "C$", "MX$", "R$"), and currency names in their languages
("euro", "dollari", "US dollars", "Swiss francs"). A bare "$" is the dollar of the document's
country (CLDR's currency of that territory) and USD otherwise. The number itself is read by
price-parser, told the document's decimal mark when it is known ("1.500" is 1500 in Italian).
Scales: "million", "Mio", "mln", "milioni", "miljoen", "k", "bn", "Mrd" ...

spaCy's small model splits "EUR 30,000" into ORG + CARDINAL, so candidates are found by
shape: a currency marker (code, symbol or word) before or after a number with a scale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from babel import UnknownLocaleError
from babel.numbers import get_currency_name, get_currency_symbol, list_currencies
from price_parser import Price

from ingest.reading import current

# Locales whose symbols and currency names are recognised.
_LOCALES = ("en", "en_US", "en_GB", "en_CA", "en_AU", "en_IN", "es", "es_MX", "it", "fr",
            "de", "nl", "pt", "pt_BR", "pl", "ja", "ko", "sv", "da", "cs")
# ISO codes that are also words or abbreviations in running text.
_CODE_STOP = {"ALL", "TOP", "CUP", "MOP", "BOB", "MAD", "PEN", "SOS", "XXX", "XTS", "NIO",
              "GEL", "AED", "LAK", "MRO", "STD", "VES"}

# A number with thousands separators (comma, dot, (narrow) space, apostrophe), decimals optional.
NUM = r"\d{1,3}(?:[,.\u00a0\u202f' ]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"

_SCALES = {
    # "mil" is a thousand in Spanish and a million in English shorthand: neither is read
    1e3: ("thousand", "thousands", "k", "mila", "duizend", "tausend", "mille", "tys"),
    1e4: ("万",),
    1e6: ("million", "millions", "m", "mn", "mio", "mln", "milioni", "milione", "millones",
          "millón", "millon", "miljoen", "millionen", "milhões", "milhão", "miljon"),
    1e8: ("億",),
    1e9: ("billion", "billions", "bn", "mrd", "miliardi", "miliardo", "miljard", "milliarden",
          "milliard", "milliards", "mil millones"),
}
_SCALE_OF = {w: v for v, words in _SCALES.items() for w in words}
# the scale words as a pattern, longest first ("mil millones" before "mil")
SCALE_WORDS = "(?:" + "|".join(re.escape(w) for w in sorted(_SCALE_OF, key=len, reverse=True)
                               if w.isalpha()) + ")"


def scale_of(word: str | None) -> float:
    """'million', 'millones', 'Mio', 'k' -> the factor; 1 for none."""
    return _SCALE_OF.get((word or "").lower().rstrip("."), 1.0)


@cache
def _markers() -> dict[str, str | None]:
    """Written marker (lower case) -> ISO code; None for '$', decided by the country."""
    out: dict[str, str | None] = {}
    codes = [c for c in list_currencies() if c not in _CODE_STOP]
    for code in codes:
        out[code.lower()] = code
    for loc in _LOCALES:
        for code in codes:
            sym = get_currency_symbol(code, loc)
            # symbols of signs ("€", "C$") and of non-English letters ("zł", "Kč")
            if sym != code and (not sym.isalpha() or not sym.isascii()):
                out.setdefault(sym.lower(), code)
            for count in (1, 2):
                name = get_currency_name(code, count=count, locale=loc).lower()
                if name and name != code.lower() and (len(name) > 2 or not name.isascii()):
                    out.setdefault(name, code)
    for word in ("euro", "euros", "eur"):
        out[word] = "EUR"
    for word in ("dollar", "dollars", "dólares", "dollari", "dollaro"):
        out[word] = None
    out.update({"$": None, "us$": "USD", "u.s. dollars": "USD", "pound": "GBP",
                "pounds": "GBP", "pounds sterling": "GBP", "sterling": "GBP", "yen": "JPY",
                "円": "JPY", "元": "CNY", "원": "KRW"})
    return out


@cache
def _number_re() -> re.Pattern[str]:
    """A number and its scale; the currency is looked up around it (a regex of every
    currency name in every language would cost seconds to build and to run)."""
    scale = "|".join(re.escape(s) for s in sorted(_SCALE_OF, key=len, reverse=True))
    # CJK scales sit between the number and the currency: "500万円"
    return re.compile(rf"(?<![\w.,])(?P<num>{NUM})(?![\d])"
                      rf"(?:\s*(?P<scale>{scale})(?![a-z])\.?)?", re.IGNORECASE)


_MAX_MARKER_WORDS = 3
_LINK = re.compile(r"^(?:of|di|de|d'|in)\s+", re.I)


def _is_sign(marker: str) -> bool:
    """'€', 'US$', 'zł' are signs (they may touch the number); 'EUR', 'euro' are words."""
    return not (marker.isascii() and marker.isalpha())


def _marker_before(before: str) -> tuple[str, int] | None:
    """The currency written just before a number ('€', 'US$ ', 'EUR ', 'euro ') and where
    it starts in ``before``."""
    table = _markers()
    stripped = before.rstrip()
    if len(before) - len(stripped) > 1:
        return None
    for length in range(min(4, len(stripped)), 0, -1):
        tail = stripped[-length:]
        glued = len(stripped) > length and stripped[-length - 1].isalnum()
        if tail.lower() in table and _is_sign(tail) and not (glued and tail[0].isalpha()):
            return tail, len(stripped) - length
    words = stripped.split()
    for n in range(min(_MAX_MARKER_WORDS, len(words)), 0, -1):
        phrase = " ".join(words[-n:])
        if phrase.lower() in table:
            return phrase, stripped.rfind(words[-n])
    return None


def _marker_after(after: str) -> tuple[str, int] | None:
    """The currency written just after a number (' €', ' EUR', ' euros', ' di euro') and
    how many characters it takes."""
    table = _markers()
    if (after[:1].isalnum() and after[:1].isascii()) or len(after) - len(after.lstrip()) > 1:
        return None
    if re.match(r"\s?mil\b", after, re.I):
        return None  # "USD 2 mil": a thousand or a million, the text does not say
    rest = after.lstrip()
    if link := _LINK.match(rest):
        rest = rest[link.end():]
    skipped = len(after) - len(rest)
    for length in range(min(4, len(rest)), 0, -1):
        head = rest[:length]
        glued = len(rest) > length and rest[length].isalnum()
        if head.lower() in table and _is_sign(head) and not (glued and head[-1].isalpha()):
            return head, skipped + length
    words = re.findall(r"[^\W\d_][\w.'-]*", rest[:40])
    if not words or not rest.startswith(words[0]):
        return None
    for n in range(min(_MAX_MARKER_WORDS, len(words)), 0, -1):
        phrase = " ".join(words[:n]).rstrip(".")
        if phrase.lower() in table:
            end = skipped + rest.find(words[n - 1]) + len(words[n - 1].rstrip("."))
            if re.match(r"\s?\d", after[end:]):
                return None  # "2024 EUR 1,000,000": the code belongs to the next number
            return phrase, end
    return None


@dataclass(frozen=True)
class Amount:
    value: float | int
    currency: str
    start: int
    end: int
    text: str


def parse_number(raw: str) -> float:
    """'30,000' -> 30000, '30 000' -> 30000, '1.2' -> 1.2, '30.000,50' -> 30000.5.

    By price-parser: a group of exactly three digits after the last mark is thousands
    ("1.500" and "1,500" are 1500 in any language: money is not written to 1/1000); any
    other group is decimals, so the document's decimal mark never has to be guessed.
    """
    s = raw.replace("\u00a0", " ").replace("\u202f", " ").replace("'", "").replace(" ", "")
    price = Price.fromstring(s)
    if price.amount is None:
        raise ValueError(raw)
    return float(price.amount)


def dollar_of(country: str | None) -> str:
    """The '$' of a country whose currency writes it so at home (Mexico: MXN, Argentina:
    ARS, by CLDR's symbol in the country's official language), USD otherwise."""
    from babel.languages import get_official_languages

    from ingest.countries import alpha_2, currency_of

    code = currency_of(country)
    territory = alpha_2(country) if country else None
    if not code or not territory:
        return "USD"
    for lang in (*get_official_languages(territory, de_facto=True), "en"):
        try:
            if "$" in get_currency_symbol(code, f"{lang}_{territory}"):
                return code
        except (ValueError, LookupError, UnknownLocaleError):
            continue
    return "USD"


def currency_code(marker: str, country: str | None = None) -> str | None:
    """A written currency ('€', 'euros', 'C$', 'dollari', 'USD') -> ISO code."""
    table = _markers()
    key = marker.strip().lower()
    if key not in table:
        return None
    return table[key] or dollar_of(country)


def _clean(v: float) -> float | int:
    return int(v) if float(v).is_integer() else round(v, 2)


def find_amounts(text: str, lang: str | None = None,
                 country: str | None = None) -> list[Amount]:
    """Every amount of money in ``text``; ``country`` decides whose dollar '$' is.

    ``lang`` is accepted for symmetry with the date layer: numbers need no language
    (see ``parse_number``).
    """
    country = country or current().country
    out: list[Amount] = []
    for m in _number_re().finditer(text):
        start, end = m.start(), m.end()
        found = _marker_before(text[max(0, start - 30):start])
        if found and re.match(r"\s?mil\b", text[end:end + 5], re.I):
            continue  # "USD 2 mil": a thousand or a million, the text does not say
        if found:
            marker, at = found
            start = max(0, start - 30) + at
        else:
            found = _marker_after(text[end:end + 45])
            if not found:
                continue
            marker, length = found
            end += length
        try:
            value = parse_number(m.group("num"))
        except ValueError:
            continue
        if scale := m.group("scale"):
            value = float(Decimal(str(value)) * Decimal(str(_SCALE_OF[scale.lower()])))
        currency = currency_code(marker, country)
        if currency:
            out.append(Amount(_clean(value), currency, start, end, text[start:end]))
    return out


PERCENT_RE = re.compile(
    r"(?P<num>\d{1,3}(?:[.,]\d+)?)\s?(?:%|per\s?cent\b|percent\b|per\s?cento\b|por\s?ciento\b|"
    r"procent\b|pour\s?cent\b|prozent\b)",
    re.I,
)


# The words that make an amount a ceiling or a floor, in the languages of the calls
# officers meet ("L'importo massimo ... 25.000 euro", "como máximo", "ten hoogste",
# "höchstens"; "almeno", "au moins", "mindestens"). Words that also bound a date ("fino
# al 30 settembre", "hasta el", "jusqu'au") are not among them.
CEILING = re.compile(r"\bup to\b|\bmax(?:imum|\.|\b)|\bnot exceed|\bat most\b|\bceiling\b|"
                     r"\bmassim[oa]\b|\bm[aá]xim[oa]\b|\bjusqu['’]à\b|\bplafond|"
                     r"\bmaximaal\b|\bten hoogste\b|\bh[öo]chstens\b|\bbis zu\b", re.I)
FLOOR = re.compile(r"\bmin(?:imum|\.|\b)|\bat least\b|\balmeno\b|\bm[ií]nim[oa]\b|"
                   r"\bau moins\b|\bminimaal\b|\bten minste\b|\bmindestens\b", re.I)

# Words that make a percentage a co-financing rate, in the languages officers meet: the
# one list the call reader and the lot reader share.
RATE_CUE = re.compile(
    r"co-?financ\w*|co-?fund\w*|eligible (?:project )?costs|funding rate|grant rate|"
    r"financial contribution|cofinanzia\w*|costi\s+(?:\w+\s+)?ammissibili|cofinancia\w*|"
    r"costes\s+(?:\w+\s+)?subvencionables|cofinancement|co[ûu]ts\s+(?:\w+\s+)?[ée]ligibles|"
    r"f[öo]rderf[äa]higen\s+(?:\w+\s+)?Kosten|subsidiabele\s+(?:\w+\s+)?kosten",
    re.I,
)


def find_percents(text: str) -> list[tuple[float | int, int, int]]:
    return [
        (_clean(float(m.group("num").replace(",", "."))), m.start(), m.end())
        for m in PERCENT_RE.finditer(text)
    ]
