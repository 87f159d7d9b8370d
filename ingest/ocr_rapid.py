"""Reading a scanned page with RapidOCR (PaddleOCR's PP-OCRv6 models in ONNX, inside the
``rapidocr`` wheel from PyPI: nothing is fetched at run time).

Measured on the Sister Cities toolkit's scanned agreements (``python -m
evals.ocr_accuracy``) it reads a blurred 70-dpi italic certificate that Tesseract misreads
one character in nine, keeps Spanish, Italian, Dutch, German, French, Polish and Portuguese
accents on one model, and needs no language pack chosen first; see ``ingest.ocr`` for how
the engine is chosen. The model files are passed by path: a wheel without them says so,
never downloads them.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

MODELS = ("PP-OCRv6_det_small.onnx", "PP-OCRv6_rec_small.onnx",
          "ch_ppocr_mobile_v2.0_cls_mobile.onnx")
# A gap between two lines taller than this share of a line's height starts a paragraph
# (the chunker splits on paragraphs first).
PARAGRAPH_GAP = 0.8

_LOCK = threading.Lock()  # one reading at a time: ONNX Runtime already uses every core

# The recogniser drops a narrow space now and then ("Signed on 14March2023", "la Ciudad
# deAlderbrook"): spaces come back where a number meets a capitalised word or a year meets
# a word, and after a short function word of the page's language glued to a capital
# ("iPhone", "McDonald" and "SisterCities" stay as they are).
_NUMBER_WORD = re.compile(r"(?<=\d)(?=[A-ZÀ-Þ][a-zß-ÿ]{2,})")
_ORDINAL_WORD = re.compile(r"(?<=\d(?:st|nd|rd|th))(?=[a-z]{2,})")  # "13thday of March"
_WORD_YEAR = re.compile(r"(?<=[a-zß-ÿ]{3})(?=(?:1[89]|20)\d\d(?!\d))")
_FUNCTION_WORD = re.compile(r"\b([a-zß-ÿ]{2,4})(?=[A-ZÀ-Þ][a-zß-ÿ])")
_STOPWORDS = {"en": "STOPWORDS_EN", "es": "STOPWORDS_SPANISH", "it": "STOPWORDS_ITALIAN",
              "nl": "STOPWORDS_DUTCH", "de": "STOPWORDS_GERMAN", "fr": "STOPWORDS_FRENCH",
              "pt": "STOPWORDS_PORTUGUESE", "sv": "STOPWORDS_SWEDISH", "da": "STOPWORDS_DANISH"}


def _function_words(language: str) -> frozenset[str]:
    import bm25s.stopwords as lists

    names = {"STOPWORDS_EN", _STOPWORDS.get(language, "STOPWORDS_EN")}
    return frozenset(w for name in names for w in getattr(lists, name))


def respace(text: str, language: str) -> str:
    """Spaces the recogniser dropped, put back (see above); web addresses and e-mail
    addresses are left alone."""
    function = _function_words(language)

    def token(word: str) -> str:
        if "@" in word or "://" in word or word.lower().startswith("www."):
            return word
        word = _WORD_YEAR.sub(" ", _NUMBER_WORD.sub(" ", _ORDINAL_WORD.sub(" ", word)))
        return _FUNCTION_WORD.sub(lambda m: m.group(1) + (" " if m.group(1) in function
                                                          else ""), word)

    return "\n".join(" ".join(token(w) for w in line.split(" ")) for line in text.split("\n"))


def _models() -> Path | None:
    try:
        import rapidocr
    except ImportError:
        return None
    folder = Path(rapidocr.__file__).parent / "models"
    return folder if all((folder / m).is_file() for m in MODELS) else None


def rapid_unavailable() -> str:
    """Why RapidOCR cannot read here, in one line; "" when it can."""
    try:
        import rapidocr  # noqa: F401
    except ImportError:
        return "the rapidocr package is missing: run `make setup`"
    except Exception as exc:  # noqa: BLE001 - a broken install (opencv) says so
        return f"rapidocr does not load: {exc}"
    if _models() is None:
        return f"the rapidocr package has no bundled models ({', '.join(MODELS)})"
    return ""


def rapid_version() -> str:
    try:
        return metadata.version("rapidocr")
    except metadata.PackageNotFoundError:
        return ""


@lru_cache(maxsize=1)
def _engine() -> Any:
    from rapidocr import RapidOCR

    folder = _models()
    assert folder is not None, rapid_unavailable()
    det, rec, cls = (str(folder / m) for m in MODELS)
    threads = max(1, os.cpu_count() or 1)
    return RapidOCR(params={
        "Global.log_level": "error",
        "Det.model_path": det, "Rec.model_path": rec, "Cls.model_path": cls,
        "EngineConfig.onnxruntime.intra_op_num_threads": threads,
    })


def read_lines(image: Any) -> list[tuple[str, float, float, float]]:
    """(text, score, top, bottom) of each line RapidOCR finds, in its reading order."""
    import numpy as np

    with _LOCK:
        result = _engine()(np.asarray(image.convert("RGB")))
    if result.txts is None or result.boxes is None:
        return []
    lines = []
    for text, score, box in zip(result.txts, result.scores, result.boxes, strict=True):
        ys = [float(p[1]) for p in box]
        if text.strip():
            lines.append((text.strip(), float(score), min(ys), max(ys)))
    return lines


def lines_to_text(lines: list[tuple[str, float, float, float]]) -> tuple[str, float]:
    """The page's text, a blank line where the gap between two lines is a paragraph's, and
    its confidence (0-100, the line scores weighted by length)."""
    if not lines:
        return "", 0.0
    heights = sorted(b - t for _, _, t, b in lines)
    line_height = max(1.0, heights[len(heights) // 2])
    out: list[str] = []
    bottom = None
    for text, _, top, low in lines:
        if bottom is not None and top - bottom > PARAGRAPH_GAP * line_height:
            out.append("")
        out.append(text)
        bottom = low if bottom is None else max(bottom, low) if top < bottom else low
    weight = sum(len(t) for t, *_ in lines)
    confidence = 100 * sum(s * len(t) for t, s, *_ in lines) / max(1, weight)
    return "\n".join(out), confidence
