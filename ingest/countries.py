"""Countries: the one table every caller uses (extraction, the funding plan reader, letters).

Names come from libraries, not from our documents: pycountry's ISO 3166 list with its
official forms and its translations (gettext catalogues shipped in the wheel), and CLDR's
short English names through babel ("Russia", "South Korea", "Vatican City"), which is the
form the registry stores. Only what neither library knows is written here: colloquial
English forms ("UK", "Holland", "England") and demonyms ("Portuguese", "Dutch").
"""

from __future__ import annotations

import gettext
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import pycountry
from babel import Locale
from babel.numbers import get_territory_currencies

from ingest.reading import current

# The languages officers meet (README); their country names are recognised in documents.
NAME_LANGUAGES = ("de", "es", "fr", "it", "nl", "pt", "pl", "ja", "id", "sv", "da", "cs")

COLLOQUIAL = {
    "UK": "GB", "U.K.": "GB", "Great Britain": "GB", "Britain": "GB", "England": "GB",
    "Scotland": "GB", "Wales": "GB", "Northern Ireland": "GB", "USA": "US", "U.S.A.": "US",
    "U.S.": "US", "US": "US", "America": "US", "Holland": "NL", "The Netherlands": "NL",
    "Korea": "KR", "Republic of Korea": "KR", "Czech Republic": "CZ", "Turkey": "TR",
    "Macedonia": "MK", "Burma": "MM", "Ivory Coast": "CI", "Cape Verde": "CV",
    "Swaziland": "SZ", "Republic of Ireland": "IE", "Éire": "IE", "Nippon": "JP",
    "Russian Federation": "RU", "Viet Nam": "VN", "Lao PDR": "LA",
}
DEMONYMS = {
    "British": "GB", "English": "GB", "Scottish": "GB", "Welsh": "GB", "American": "US",
    "Portuguese": "PT", "Spanish": "ES", "French": "FR", "German": "DE", "Italian": "IT",
    "Polish": "PL", "Dutch": "NL", "Belgian": "BE", "Irish": "IE", "Greek": "GR",
    "Danish": "DK", "Swedish": "SE", "Norwegian": "NO", "Finnish": "FI", "Japanese": "JP",
    "Canadian": "CA", "Mexican": "MX", "Brazilian": "BR", "Korean": "KR", "Chinese": "CN",
    "Austrian": "AT", "Swiss": "CH", "Czech": "CZ", "Slovak": "SK", "Slovenian": "SI",
    "Croatian": "HR", "Serbian": "RS", "Bosnian": "BA", "Albanian": "AL", "Hungarian": "HU",
    "Romanian": "RO", "Bulgarian": "BG", "Ukrainian": "UA", "Estonian": "EE",
    "Latvian": "LV", "Lithuanian": "LT", "Maltese": "MT", "Cypriot": "CY",
    "Icelandic": "IS", "Montenegrin": "ME", "Macedonian": "MK", "Kenyan": "KE",
    "Turkish": "TR", "Australian": "AU", "Indian": "IN", "Indonesian": "ID",
    "Nigerian": "NG",  # Nigeria's; Niger's is "Nigerien"
}
# Derived forms that mean something else more often than a country ("Georgian" houses, the
# US state): never read as one.
NOT_DEMONYMS = frozenset({"Georgian"})


@cache
def all_demonyms() -> dict[str, str]:
    """Demonym -> alpha-2: the irregular ones above, and those English forms regularly
    from the country's name ("Moldova" -> "Moldovan", "Brazil" -> "Brazilian", "Kosovo" ->
    "Kosovan"). A derived form that is some country's name, or that the rules make of two
    countries, is left out (the list above settles the one that matters: "Nigerian"); one
    that is no real word matches nothing, so the rules may overshoot ("Swedenian")."""
    names = _names()
    derived: dict[str, set[str]] = {}
    for c in pycountry.countries:
        name = english_name(c.alpha_2)
        if not name.replace(" ", "").isalpha():
            continue
        last = name[-1].lower()
        if last == "a":
            forms = [name + "n"]
        elif last == "e":
            forms = [name[:-1] + "ian"]
        elif last == "o":
            forms = [name + "an"]
        elif last == "y":
            forms = [name[:-1] + "ian"]
        elif last not in "aeiousy":
            forms = [name + "ian"]
        else:
            forms = []
        for f in forms:
            derived.setdefault(f, set()).add(c.alpha_2)
    # ... nor one that begins another country's name ("Dominican" is Dominica's by the
    # rules, and the Dominican Republic's as written)
    heads = {n[:i] for n in names for i, ch in enumerate(n) if ch == " "}
    out = {f: next(iter(codes)) for f, codes in derived.items()
           if len(codes) == 1 and len(f) >= 5 and fold(f) not in names
           and f not in NOT_DEMONYMS and fold(f) not in heads}
    out.update(DEMONYMS)
    return out


# Short forms that are also ordinary words ("US" the pronoun): matched only as written.
_CASE_SENSITIVE = {"US", "UK", "U.S.", "U.K.", "USA", "U.S.A."}


@dataclass(frozen=True)
class CountryHit:
    name: str  # English short name, as stored in the registry
    alpha_2: str
    start: int
    end: int
    text: str


def fold(text: str) -> str:
    """Lower case without accents: 'España' and 'espana' name the same country."""
    norm = unicodedata.normalize("NFKD", text)
    return "".join(c for c in norm if not unicodedata.combining(c)).lower()


def _fold_in_place(text: str) -> str:
    """``fold`` keeping every character where it was, so that a match's offsets are the
    text's (a decomposed character may otherwise change the length)."""
    folded = fold(text)
    if len(folded) != len(text):
        folded = "".join(fold(ch)[:1] or " " for ch in text)
    return folded


@cache
def english_name(alpha_2: str) -> str:
    """CLDR's short English name ('Russia', 'South Korea'); ISO's where CLDR qualifies it
    ('Congo, The Democratic Republic of the' -> 'Democratic Republic of the Congo')."""
    cldr = Locale("en").territories.get(alpha_2, "")
    if cldr and " - " not in cldr and "(" not in cldr and "SAR" not in cldr:
        return cldr
    c = pycountry.countries.get(alpha_2=alpha_2)
    if common := getattr(c, "common_name", None):
        return common
    head, _, qualifier = c.name.partition(", ")
    return f"{qualifier.removeprefix('The ')} {head}".strip() if qualifier else head


@cache
def _forms() -> dict[str, tuple[str, frozenset[str]]]:
    """Every known written form (folded) -> (alpha_2, the languages that write it so; "en"
    for ISO's and CLDR's English forms and for the colloquial ones)."""
    code_of: dict[str, str] = {}
    langs: dict[str, set[str]] = {}

    def add(name: str | None, code: str, lang: str) -> None:
        if name and (len(name) > 2 or not name.isascii()) and "," not in name:
            key = fold(name)
            code_of.setdefault(key, code)
            langs.setdefault(key, set()).add(lang)

    for c in pycountry.countries:
        add(english_name(c.alpha_2), c.alpha_2, "en")
        for attr in ("name", "common_name", "official_name"):
            add(getattr(c, attr, None), c.alpha_2, "en")
    for lang in NAME_LANGUAGES:
        try:
            tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
        except OSError:
            tr = None
        territories = Locale(lang).territories
        for c in pycountry.countries:
            if tr is not None:
                # official forms too: treaties name "het Koninkrijk der Nederlanden"
                for attr in ("name", "official_name"):
                    if english := getattr(c, attr, None):
                        add(tr.gettext(english), c.alpha_2, lang)
            add(territories.get(c.alpha_2), c.alpha_2, lang)
    for name, code in COLLOQUIAL.items():
        if name not in _CASE_SENSITIVE:
            code_of[fold(name)] = code
            langs.setdefault(fold(name), set()).add("en")
    return {k: (code_of[k], frozenset(v)) for k, v in langs.items()}


@cache
def _names() -> dict[str, str]:
    """Every known written form (folded) -> alpha_2."""
    return {k: v[0] for k, v in _forms().items()}


@cache
def _pattern(demonyms: bool) -> re.Pattern[str]:
    forms = set(_names())
    if demonyms:
        forms |= {fold(d) for d in all_demonyms()}
    spaced = sorted((f for f in forms if f.isascii() or not _UNSPACED.search(f)), key=len,
                    reverse=True)
    unspaced = sorted((f for f in forms if not f.isascii() and _UNSPACED.search(f)), key=len,
                      reverse=True)
    words = "|".join(re.escape(f) for f in spaced)
    # Japanese and Chinese put no spaces between words: their names match anywhere.
    cjk = "|".join(re.escape(f) for f in unspaced)
    return re.compile(rf"(?<![\w-])(?:the\s+)?({words})(?![\w-])|({cjk})")


_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")

_CODES_RE = re.compile(
    r"(?<![\w.])(" + "|".join(re.escape(c) for c in sorted(_CASE_SENSITIVE, key=len,
                                                             reverse=True)) + r")(?![\w])"
)


_LANGUAGE_USE = re.compile(r"\s+(?:language|classes|lessons|course|courses|speaking|speakers|"
                           r"text|version|translation|flu|ocean)\b", re.I)


def find_countries(text: str, *, demonyms: bool = False, any_case: bool = False,
                   lang: str | None = None) -> list[CountryHit]:
    """Every country named in ``text``, in order.

    Documents capitalise names, so by default a match must start with a capital or a
    non-Latin letter ('Chad' the country, not 'chad'); ``any_case`` is for what officers
    type. Accents never matter. ``demonyms`` also reads 'Portuguese municipalities' (not
    'English classes'). A name in another language counts in a text of that language
    (``lang``, else the document being read): German 'Island' is Iceland only in German.
    """
    lang = lang or current().lang
    forms = _forms()
    folded = _split_pairs(_fold_in_place(text), forms, demonyms)
    hits: list[CountryHit] = []
    for m in _pattern(demonyms).finditer(folded):
        group = 1 if m.group(1) else 2
        first = text[m.start(group)]
        if not any_case and first.isalpha() and first.islower():
            continue
        form = m.group(group)
        code, langs = forms.get(form, ("", frozenset()))
        if code and lang and "en" not in langs and lang not in langs:
            continue
        if not code and (code := all_demonyms().get(_demonym_key(form), "")) and \
                _LANGUAGE_USE.match(text, m.end(group)):
            continue  # "English classes", "Spanish flu": a language, not a country
        if code:
            hits.append(CountryHit(english_name(code), code, m.start(group), m.end(group),
                                   text[m.start(group):m.end(group)]))
    for m in _CODES_RE.finditer(text):
        if any(h.start <= m.start() < h.end for h in hits):
            continue  # "USA" is also a translated name: one hit per span
        if _in_capitals(text, m.start(), m.end()):
            continue  # "CONTACT US", "LET US BUILD BRIDGES": the pronoun in a heading
        hits.append(CountryHit(english_name(COLLOQUIAL[m.group(1)]), COLLOQUIAL[m.group(1)],
                               m.start(), m.end(), m.group(1)))
    return sorted(hits, key=lambda h: h.start)


_PAIR = re.compile(r"(?<![\w-])([^\W\d_]+)-([^\W\d_]+)(?![\w-])")


def _split_pairs(folded: str, forms: dict[str, tuple[str, frozenset[str]]],
                 demonyms: bool) -> str:
    """"dutch-german agreement" -> "dutch german agreement" (same length, so offsets hold)
    when both halves name a country; "guinea-bissau" is a name of its own and stays."""
    def split(m: re.Match[str]) -> str:
        whole, a, b = m.group(0), m.group(1), m.group(2)
        if whole in forms:
            return whole
        known = [w in forms or (demonyms and _demonym_key(w)) for w in (a, b)]
        return f"{a} {b}" if all(known) else whole
    return _PAIR.sub(split, folded)


def _in_capitals(text: str, start: int, end: int) -> bool:
    before = re.findall(r"[^\W\d_]+", text[max(0, start - 30):start])
    after = re.findall(r"[^\W\d_]+", text[end:end + 30])
    near = before[-1:] + after[:1]
    return any(len(w) > 1 and w.isupper() for w in near)


def _demonym_key(folded: str) -> str:
    return _folded_demonyms().get(folded, "")


@cache
def _folded_demonyms() -> dict[str, str]:
    return {fold(d): d for d in all_demonyms()}


def country_names(text: str, **kw: bool) -> list[str]:
    """The English short names of the countries in ``text``, first mention first, once each."""
    seen: dict[str, None] = {}
    for h in find_countries(text, **kw):
        seen.setdefault(h.name, None)
    return list(seen)


def normalise(name: str) -> str | None:
    """Any written form of a country -> its English short name ('Paesi Bassi' -> 'Netherlands')."""
    code = _names().get(fold(name.strip())) or COLLOQUIAL.get(name.strip())
    code = code or all_demonyms().get(name.strip())
    return english_name(code) if code else None


def alpha_2(name: str) -> str | None:
    code = _names().get(fold(name.strip())) or COLLOQUIAL.get(name.strip())
    return code or None


def currency_of(country: str | None) -> str | None:
    """The currency in use in a country today, by CLDR ('Mexico' -> 'MXN')."""
    code = alpha_2(country) if country else None
    if not code:
        return None
    current = get_territory_currencies(code)
    return current[0] if current else None


@cache
def _region_owners() -> dict[str, frozenset[str]]:
    """Every ISO 3166-2 subdivision name (folded) -> the countries that have one so named."""
    owners: dict[str, set[str]] = {}
    for sub in pycountry.subdivisions:
        owners.setdefault(fold(sub.name), set()).add(sub.country_code)
    return {n: frozenset(c) for n, c in owners.items()}


# Subdivisions named by a word that says where, not which: Cameroon's "North", France's
# "Nord", Portugal's "Centro" would place every "North" of a request there.
_DESCRIPTIVE = frozenset(
    "north south east west central centre center northern southern eastern western "
    "northeast northwest southeast southwest north-east north-west south-east south-west "
    "nord norte noord sud sur zuid oost ovest oeste este centro centrale littoral coast "
    "capital island islands upper lower interior border".split())


@cache
def _region_countries() -> tuple[re.Pattern[str], dict[str, str]]:
    """ISO 3166-2 subdivision names (folded) that belong to one country only, of five
    letters or more, and a pattern that finds them ("Cordoba" is in three countries: none)."""
    one = {n: next(iter(c)) for n, c in _region_owners().items()
           if len(c) == 1 and len(n) >= 5 and n not in _DESCRIPTIVE}
    names = sorted(one, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, names)) + r")(?![\w-])"), one


def region_countries(text: str) -> list[CountryHit]:
    """The country of every state, province or region a text names with a capital, in any
    language ISO writes it ("Nuevo León", "Noord-Brabant", "Niedersachsen", "Texas"): where
    a town is, when its country goes unsaid."""
    pattern, owner = _region_countries()
    folded = _fold_in_place(text)
    hits = []
    for m in pattern.finditer(folded):
        if text[m.start()].isupper():
            code = owner[m.group(1)]
            hits.append(CountryHit(english_name(code), code, m.start(), m.end(),
                                   text[m.start():m.end()]))
    return hits


def locates(name: str) -> bool:
    """Whether ``name`` is a country or a country's state, province or region ("California",
    "Ecuador"): a word that says where a town is, not part of the town's name."""
    name = name.strip(" ,.")
    return bool(name) and (fold(name) in _region_owners() or normalise(name) is not None)


def all_names() -> list[str]:
    """Every country's English short name."""
    return sorted({english_name(c.alpha_2) for c in pycountry.countries})
