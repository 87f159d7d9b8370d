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

from ingest.language import stopwords
from ingest.numbers import ordinal_suffix

log = logging.getLogger(__name__)

MODELS = ("PP-OCRv6_det_small.onnx", "PP-OCRv6_rec_small.onnx")
# A gap between two lines wider than the page's usual one by this share of a line's height
# starts a paragraph (the chunker splits on paragraphs first).
PARAGRAPH_GAP = 0.5

_LOCK = threading.Lock()  # one reading at a time: ONNX Runtime already uses every core

# The recogniser drops a narrow space now and then ("Signed on 14March2023", "la Ciudad
# deAlderbrook"): spaces come back where a number meets a capitalised word or a year meets
# a word, after a short function word of the page's language glued to a capital, and
# between three capitalised words run together ("iPhone", "McDonald" and "SisterCities"
# stay as they are).
_NUMBER_WORD = re.compile(r"(?<=\d)(?=[A-ZÀ-Þ][a-zß-ÿ]{2,})")
_ORDINAL_WORD = re.compile(r"^(\d{1,2})(st|nd|rd|th)(?=(?:day|of)$)")  # English "13thday"
_WORD_YEAR = re.compile(r"(?<=[a-zß-ÿ]{3})(?=(?:1[89]|20)\d\d(?!\d))")
# three or more capitalised words run together ("Chairman of AbuDhabiMunicipality"); two
# are as often a name written so ("SisterCities", "McDonald", "PowerPoint")
_CAPITALISED_RUN = re.compile(r"^(?!Mac[A-Z])(?:[A-ZÀ-Þ][a-zß-ÿ]{2,}){3,}$")
_CAPITALISED = re.compile(r"[A-ZÀ-Þ][a-zß-ÿ]+")
_FUNCTION_WORD = re.compile(r"\b([a-zß-ÿ]{2,4})(?=[A-ZÀ-Þ][a-zß-ÿ])")


def respace(text: str, language: str) -> str:
    """Spaces the recogniser dropped, put back (see above); web addresses and e-mail
    addresses are left alone."""
    function = stopwords("en") | stopwords(language)

    def ordinal(m: re.Match[str]) -> str:
        right = m.group(2) == ordinal_suffix(int(m.group(1)))
        return m.group(0) + " " if right else m.group(0)

    def token(word: str) -> str:
        # an address, a path, a file name, a hashtag: as written
        if "@" in word or re.search(r"[/#\\]|\.[^\W\d_]", word.rstrip(".,;:)")):
            return word
        core = word.strip(".,;:()\"'")
        if _CAPITALISED_RUN.match(core):
            word = word.replace(core, " ".join(_CAPITALISED.findall(core)))
        if language == "en":
            word = " ".join(_ORDINAL_WORD.sub(ordinal, w) for w in word.split(" "))
        word = _WORD_YEAR.sub(" ", _NUMBER_WORD.sub(" ", word))
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
        from rapidocr import RapidOCR  # noqa: F401 - loads opencv and onnxruntime too
    except ImportError as exc:
        if getattr(exc, "name", "") == "rapidocr":
            return "the rapidocr package is missing: run `make setup`"
        return f"rapidocr does not load: {exc}"
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
def engine() -> Any:
    """The reader, built once per process; raises RuntimeError when it cannot be."""
    if reason := rapid_unavailable():
        raise RuntimeError(reason)
    from rapidocr import RapidOCR

    folder = _models()
    assert folder is not None
    det, rec = (str(folder / m) for m in MODELS)
    threads = max(1, min(len(os.sched_getaffinity(0)), os.cpu_count() or 1))
    # No text-direction classifier: on upright pages it turned a line upside down now and
    # then and read it as garbage (toolkit page 5: "Generate an improvement of the operation
    # of the cities' various government agencies" became "Geant iesvt o a acies"), and a
    # page scanned upside down is no better read by Tesseract here either.
    return RapidOCR(params={
        "Global.log_level": "error", "Global.use_cls": False,
        "Det.model_path": det, "Rec.model_path": rec,
        "EngineConfig.onnxruntime.intra_op_num_threads": threads,
    })


def read_lines(image: Any) -> list[tuple[str, float, float, float]]:
    """(text, score, top, bottom) of each line RapidOCR finds, in its reading order."""
    import numpy as np

    with _LOCK:
        result = engine()(np.asarray(image.convert("RGB")))
    if result.txts is None or result.boxes is None:
        return []
    lines = []
    for text, score, box in zip(result.txts, result.scores, result.boxes, strict=True):
        ys = [float(p[1]) for p in box]
        if text.strip():
            lines.append((text.strip(), float(score), min(ys), max(ys)))
    return lines


def lines_to_text(lines: list[tuple[str, float, float, float]]) -> tuple[str, float]:
    """The page's text, a blank line where the gap between two lines is wider than the
    page's usual one by half a line (so a double-spaced agreement stays in paragraphs), and
    its confidence (0-100, the line scores weighted by length)."""
    if not lines:
        return "", 0.0
    heights = sorted(b - t for _, _, t, b in lines)
    line_height = max(1.0, heights[len(heights) // 2])
    gaps = sorted(top - low for (_, _, _, low), (_, _, top, _)
                  in zip(lines, lines[1:], strict=False) if top > low)
    usual = gaps[len(gaps) // 2] if gaps else 0.0
    out: list[str] = []
    bottom = None
    for text, _, top, low in lines:
        if bottom is not None and top - bottom > usual + PARAGRAPH_GAP * line_height:
            out.append("")
        out.append(text)
        bottom = low if bottom is None else max(bottom, low) if top < bottom else low
    weight = sum(len(t) for t, *_ in lines)
    confidence = 100 * sum(s * len(t) for t, s, *_ in lines) / max(1, weight)
    return "\n".join(out), confidence
