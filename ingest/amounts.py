"""Money amounts and percentages.

spaCy's small model splits "EUR 30,000" into ORG + CARDINAL, so amounts are pure regex:
a currency marker (code, symbol or word) before or after a number with an optional scale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP", "¥": "JPY", "₩": "KRW", "US$": "USD"}
_WORDS = {
    "euro": "EUR",
    "euros": "EUR",
    "dollars": "USD",
    "us dollars": "USD",
    "u.s. dollars": "USD",
    "pounds": "GBP",
    "pounds sterling": "GBP",
    "yen": "JPY",
    "swiss francs": "CHF",
    "canadian dollars": "CAD",
    "australian dollars": "AUD",
}
_CODES = "EUR|USD|GBP|CHF|CAD|AUD|NZD|JPY|KRW|CNY|SEK|NOK|DKK|PLN|CZK|HUF|RON|BGN|MXN|BRL|INR|ZAR"

# Thousands separators: comma, dot, (narrow) space or apostrophe; the decimal part is optional.
_NUM = r"\d{1,3}(?:[,.\u00a0\u202f' ]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_SCALE = r"(?:\s*(?P<scale{n}>million|m\b|mn\b|billion|bn\b|thousand|k\b))?"

AMOUNT_RE = re.compile(
    # prefix marker: "EUR 30,000", "€30,000", "US$ 5 million"
    rf"(?P<pre>US\$|{_CODES}|[€$£¥₩])\s?(?P<num1>{_NUM}){_SCALE.format(n=1)}"
    # suffix marker: "30 000 euros", "30,000 EUR", "1.2 million US dollars"
    rf"|(?P<num2>{_NUM}){_SCALE.format(n=2)}\s?(?P<post>{_CODES}|euros?|(?:US |U\.S\. |Canadian |"
    r"Australian )?dollars|pounds(?: sterling)?|Swiss francs|€)\b",
    re.IGNORECASE,
)

_SCALES = {
    "million": 1e6,
    "m": 1e6,
    "mn": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "thousand": 1e3,
    "k": 1e3,
}


@dataclass(frozen=True)
class Amount:
    value: float | int
    currency: str
    start: int
    end: int
    text: str


def parse_number(raw: str) -> float:
    """'30,000' -> 30000, '30 000' -> 30000, '1.2' -> 1.2, '30.000,50' -> 30000.5."""
    s = raw.replace("\u00a0", " ").replace("\u202f", " ").replace("'", "").replace(" ", "")
    if "," in s and "." in s:
        # whichever separator comes last is the decimal mark
        if s.rfind(",") > s.rfind("."):
            s = s.replace(".", "").replace(",", ".")
        else:
            s = s.replace(",", "")
    elif "," in s:
        parts = s.split(",")
        s = s.replace(",", "") if all(len(p) == 3 for p in parts[1:]) else s.replace(",", ".")
    elif s.count(".") > 1 or ("." in s and len(s.split(".")[-1]) == 3 and len(s) > 4):
        # "30.000" in continental notation; "1.2" stays a decimal
        s = s.replace(".", "")
    return float(s)


def _currency(marker: str) -> str:
    marker = marker.strip()
    if marker.upper() in _CODES.split("|"):
        return marker.upper()
    if marker in _SYMBOLS:
        return _SYMBOLS[marker]
    return _WORDS.get(marker.lower(), "EUR" if marker.lower().startswith("euro") else "USD")


def _clean(v: float) -> float | int:
    return int(v) if float(v).is_integer() else round(v, 2)


def find_amounts(text: str) -> list[Amount]:
    out: list[Amount] = []
    for m in AMOUNT_RE.finditer(text):
        if m.group("pre"):
            num, scale, marker = m.group("num1"), m.group("scale1"), m.group("pre")
        else:
            num, scale, marker = m.group("num2"), m.group("scale2"), m.group("post")
        try:
            value = parse_number(num)
        except ValueError:
            continue
        if scale:
            value *= _SCALES[scale.lower()]
        out.append(Amount(_clean(value), _currency(marker), m.start(), m.end(), m.group(0)))
    return out


PERCENT_RE = re.compile(r"(?P<num>\d{1,3}(?:[.,]\d+)?)\s?(?:%|per\s?cent\b|percent\b)", re.I)


def find_percents(text: str) -> list[tuple[float | int, int, int]]:
    return [
        (_clean(float(m.group("num").replace(",", "."))), m.start(), m.end())
        for m in PERCENT_RE.finditer(text)
    ]
