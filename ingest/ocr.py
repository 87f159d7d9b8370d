"""Reading scanned pages, drawn by pdfium: RapidOCR (``ingest.ocr_rapid``, models inside its
wheel) or Tesseract (Debian packages) through pytesseract.

The engine: ``MICROPLOMACY_OCR_ENGINE`` (``auto``, ``rapidocr``, ``tesseract``); ``auto``
is RapidOCR when it is installed, else Tesseract, by the rule and figures in the README
(character accuracy on real scans first).

Runs inside the parsing worker (``ingest.sandbox``), so a page that hangs or eats memory
costs that file, never the app. Measured on 2 cores: Tesseract's OpenMP threads thrash
when several pages run at once (about 8 s a page), one thread per page and pages in
parallel up to the cores is about 1.6 s a page; so ``OMP_THREAD_LIMIT=1`` and a pool.
A single call with several language packs is about 3x slower than one pack, so the pack
is chosen first: from the language of the document's text layer, else from a first pass
in English, else the configured list.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from babel.dates import get_month_names

from ingest.language import detect
from ingest.numbers import ordinal_suffix

log = logging.getLogger(__name__)

__all__ = ["OcrOptions", "OcrPage", "ocr_status", "read_scanned_pages", "tesseract_status",
           "ENGINES", "OCR_DPI"]

ENGINES = ("rapidocr", "tesseract")  # in the order ``auto`` tries them

OCR_DPI = 300
PAGE_TIMEOUT_S = 90  # a page Tesseract cannot finish in this long is left unread
MAX_PIXELS = 40_000_000  # an A3 page at 300 dpi is 17.4 million
MAX_OCR_PAGES = 1000  # scanned pages read per file; the rest are reported unread
# RapidOCR reads about 0.27 pages/s on 2 cores: within the parsing worker's 30 minutes a
# file, it stops here and the pages left are reported unread instead of losing the file
OCR_BUDGET_S = 25 * 60
# A page read with a mean word confidence below this is read again from sharpened images
# and the most confident reading kept. Low-resolution scans (a 70-dpi italic certificate in
# the Sister Cities toolkit) blur into each other when drawn at 300 dpi; Tesseract's own
# confidence tracked character accuracy across the variants tried there (72 -> 80 mean
# confidence, 0.68 -> 0.88 accuracy), while clean scans read at 88-94 and are left alone.
RETRY_BELOW = 80.0
# Tesseract's pack names for the ISO 639-1 codes the language identifier returns.
TESSERACT_CODES = {
    "en": "eng", "es": "spa", "fr": "fra", "de": "deu", "it": "ita", "nl": "nld",
    "pt": "por", "pl": "pol", "ja": "jpn", "id": "ind", "ca": "cat", "sv": "swe",
    "da": "dan", "fi": "fin", "el": "ell", "cs": "ces", "ro": "ron", "hu": "hun",
    "zh": "chi_sim", "ko": "kor", "ar": "ara", "ru": "rus", "uk": "ukr", "tr": "tur",
}

ProgressFn = Callable[[int, int], None]


@dataclass(frozen=True)
class OcrOptions:
    """What the parser may do with a page that has no text layer."""

    enabled: bool = True
    # packs to use when nothing says which language a scan is in ("eng", "spa+eng", ...)
    languages: tuple[str, ...] = ()
    workers: int = field(default_factory=lambda: max(1, os.cpu_count() or 1))
    engine: str = "auto"  # "auto" | "rapidocr" | "tesseract"


# Under these a page is flagged as read from a poor scan. Tesseract (mean word confidence):
# the toolkit's 70-dpi italic scan reads at ~71 with about a third of its characters wrong,
# clean 300-dpi scans at 90+. RapidOCR (line scores weighted by length): the toolkit's
# pages read at 97-99 (0.95-0.97 character accuracy), a drawn page blurred until about one
# character in thirteen is wrong at 91, one in three at 77.
POOR_BELOW = {"tesseract": 80.0, "rapidocr": 90.0}


@dataclass
class OcrPage:
    number: int
    text: str
    confidence: float  # mean word (Tesseract) or line (RapidOCR) confidence, 0-100
    language: str  # the Tesseract pack(s) used; "" for RapidOCR, which needs none
    engine: str = "tesseract"

    @property
    def poor(self) -> bool:
        """Read from a poor scan: the officer should check the original."""
        return self.confidence < POOR_BELOW[self.engine]


@dataclass(frozen=True)
class OcrStatus:
    available: bool
    version: str
    languages: tuple[str, ...]
    reason: str  # why OCR is off, in one line; "" when on
    engine: str = "tesseract"

    def describe(self) -> str:
        if not self.available:
            return f"OCR is off: {self.reason}"
        if self.engine == "rapidocr":
            return f"OCR on (RapidOCR {self.version}, PP-OCRv6 models, Latin scripts)"
        return f"OCR on (Tesseract {self.version}; {', '.join(self.languages)})"


def ocr_status(engine: str = "auto") -> OcrStatus:
    """Whether scans can be read here, by which engine. ``auto`` takes the first of
    ``ENGINES`` that runs; an engine asked for by name is that one, or off with its reason."""
    if engine not in ("auto", *ENGINES):  # a misspelt setting says so, scans stay unread
        return OcrStatus(False, "", (), f"unknown OCR engine {engine!r}: "
                         f"MICROPLOMACY_OCR_ENGINE takes auto, {', '.join(ENGINES)}", engine)
    statuses = [_rapid_status() if e == "rapidocr" else tesseract_status()
                for e in ([engine] if engine in ENGINES else ENGINES)]
    return next((s for s in statuses if s.available), statuses[0])


@lru_cache(maxsize=1)
def _rapid_status() -> OcrStatus:
    from ingest.ocr_rapid import rapid_unavailable, rapid_version

    reason = rapid_unavailable()
    return OcrStatus(not reason, rapid_version(), (), reason, engine="rapidocr")


@lru_cache(maxsize=1)
def tesseract_status() -> OcrStatus:
    """Whether Tesseract can read scans here, and in which languages."""
    try:
        import pytesseract
    except ImportError:
        return OcrStatus(False, "", (), "the pytesseract package is missing: run `make setup`")
    if shutil.which(pytesseract.pytesseract.tesseract_cmd) is None:
        return OcrStatus(False, "", (), "Tesseract is not installed: run `make setup` as root, "
                         "or `sudo apt-get install tesseract-ocr tesseract-ocr-eng`")
    try:
        version = str(pytesseract.get_tesseract_version())
        langs = tuple(sorted(x for x in pytesseract.get_languages(config="") if x != "osd"))
    except Exception as exc:  # noqa: BLE001 - a broken install says so, it does not crash
        return OcrStatus(False, "", (), f"Tesseract does not run: {exc}")
    if not langs:
        return OcrStatus(False, version, (), "Tesseract has no language packs installed")
    return OcrStatus(True, version, langs, "")


def _packs(code: str, installed: tuple[str, ...]) -> str | None:
    """'it' -> 'ita+eng' when both are installed: scans of foreign agreements often carry
    English parts (titles, a bilingual column) and eng costs little as a second pack."""
    pack = TESSERACT_CODES.get(code)
    if not pack or pack not in installed:
        return None
    return pack if pack == "eng" or "eng" not in installed else f"{pack}+eng"


class _Pages:
    """Pages drawn one at a time as OCR asks for them (a 300-page scan is never held in
    memory at once), each at OCR_DPI or less when the page is huge. pdfium is not
    thread-safe: only the thread that owns this object draws."""

    def __init__(self, data: bytes) -> None:
        import pypdfium2 as pdfium

        self.pdf = pdfium.PdfDocument(data)

    def draw(self, number: int) -> Any | None:
        """A grayscale PIL image of page ``number`` (1-based), or None when pdfium cannot
        draw it: that page stays unread, the others are still read."""
        try:
            page = self.pdf[number - 1]
        except Exception:  # noqa: BLE001 - a page pypdf sees and pdfium does not
            log.warning("OCR: page %d cannot be opened for drawing", number)
            return None
        try:
            width, height = page.get_size()  # points
            scale = OCR_DPI / 72
            pixels = width * height * scale * scale
            if pixels > MAX_PIXELS:  # a crafted 200-inch page must not ask for gigabytes
                scale *= (MAX_PIXELS / pixels) ** 0.5
            return page.render(scale=scale, grayscale=True).to_pil()
        except Exception:  # noqa: BLE001
            log.warning("OCR: page %d cannot be drawn", number, exc_info=True)
            return None
        finally:
            page.close()

    def close(self) -> None:
        self.pdf.close()


# Agreements date themselves with raised ordinals ("this 13th day of March 2001"), and
# Tesseract reads the raised "th" as a quote mark or an asterisk: "13" day of March".
# Before "day of" or an English month, such a mark after a day's number is its ordinal.
# (English only: other languages write the day without a raised ending, or as "1er", "1°";
# as printed or in capitals, never any case: "Annex 2" may be amended" is no date)
_MONTHS = list(get_month_names("wide", locale="en").values())  # CLDR's, not the locale's
_MONTH = "|".join([*_MONTHS, *(m.upper() for m in _MONTHS)])
_RAISED_ORDINAL = re.compile(
    rf"\b([1-9]|[12]\d|3[01])[\"'\u201c\u201d\u2018\u2019\u00b0*]"
    rf"(?=\s+(?:(?:day|Day|DAY)\s+(?:of|OF)\b|(?:(?:of|OF)\s+)?(?:{_MONTH})\b))")


def raised_ordinals(text: str) -> str:
    """ "13" day of March" -> "13th day of March" (English text read by OCR only)."""
    return _RAISED_ORDINAL.sub(lambda m: m.group(1) + ordinal_suffix(int(m.group(1))), text)


def _read(image: Any, number: int, lang: str) -> OcrPage:
    import pytesseract

    data = pytesseract.image_to_data(image, lang=lang, timeout=PAGE_TIMEOUT_S,
                                     output_type=pytesseract.Output.DICT)
    lines: dict[tuple[int, int, int], list[str]] = {}
    paragraphs: list[tuple[int, int]] = []
    confidences: list[float] = []
    for i, word in enumerate(data["text"]):
        word = (word or "").strip()
        if not word:
            continue
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        lines.setdefault(key, []).append(word)
        if key[:2] not in paragraphs:
            paragraphs.append(key[:2])
        conf = float(data["conf"][i])
        if conf >= 0:
            confidences.append(conf)
    blocks: list[str] = []
    for par in paragraphs:
        blocks.append("\n".join(" ".join(ws) for k, ws in lines.items() if k[:2] == par))
    text = "\n\n".join(b for b in blocks if b.strip())
    if "eng" in lang.split("+"):  # the pattern reads English day-and-month wording
        text = raised_ordinals(text)
    confidence = sum(confidences) / len(confidences) if confidences else 0.0
    return OcrPage(number, text, confidence, lang)


def _otsu(image: Any) -> Any:
    """Black and white at the threshold that best separates ink from paper (Otsu)."""
    hist = image.histogram()[:256]
    total = sum(hist)
    sum_all = sum(i * h for i, h in enumerate(hist))
    best, cut, w_b, sum_b = -1.0, 128, 0, 0.0
    for t, h in enumerate(hist):
        w_b += h
        if w_b == 0 or w_b == total:
            continue
        sum_b += t * h
        m_b, m_f = sum_b / w_b, (sum_all - sum_b) / (total - w_b)
        between = w_b * (total - w_b) * (m_b - m_f) ** 2
        if between > best:
            best, cut = between, t
    return image.point(lambda v: 255 if v > cut else 0)


def _sharpened(image: Any) -> list[Any]:
    """Readings of a blurred scan to try: unsharp masks at two strengths, then the stronger
    one thresholded to black and white."""
    from PIL import ImageFilter

    strong = image.filter(ImageFilter.UnsharpMask(radius=3, percent=150, threshold=3))
    return [strong, image.filter(ImageFilter.UnsharpMask(radius=2, percent=250, threshold=3)),
            _otsu(strong)]


def _read_best(image: Any, number: int, lang: str) -> OcrPage:
    """The page read as drawn; when Tesseract is unsure of it, the most confident of the
    sharpened readings that keeps most of the text (a variant that drops half the words can
    be confident about the rest)."""
    page = _read(image, number, lang)
    if page.confidence >= RETRY_BELOW or not page.text.strip():
        return page
    best = page
    for variant in _sharpened(image):
        other = _read(variant, number, lang)
        if other.confidence > best.confidence and len(other.text) >= 0.8 * len(page.text):
            best = other
    log.info("OCR: page %d read with %.0f%% confidence, %.0f%% after sharpening", number,
             page.confidence, best.confidence)
    return best


def read_scanned_pages(data: bytes, numbers: list[int], context: str = "",
                       options: OcrOptions | None = None,
                       progress: ProgressFn | None = None) -> dict[int, OcrPage]:
    """OCR the pages ``numbers`` (1-based) of a PDF. ``context`` is the document's text
    layer elsewhere, whose language picks Tesseract's pack. Pages the engine fails on, or
    that the time budget leaves unread, are absent."""
    options = options or OcrOptions()
    status = ocr_status(options.engine)
    if not numbers or not options.enabled or not status.available:
        return {}
    os.environ["OMP_THREAD_LIMIT"] = "1"  # inherited by each tesseract process
    numbers = numbers[:MAX_OCR_PAGES]
    if progress:  # the parser's time bound restarts for the reading
        progress(0, len(numbers))
    if status.engine == "rapidocr":
        from ingest.ocr_rapid import engine

        try:
            engine()  # a broken install is found before any page is drawn
        except Exception as exc:  # noqa: BLE001
            fallback = tesseract_status()
            log.warning("RapidOCR cannot read here (%s)%s", exc, "; Tesseract reads instead"
                        if options.engine == "auto" and fallback.available else "")
            if options.engine != "auto" or not fallback.available:
                return {}
            status = fallback
    pages = _Pages(data)
    try:
        if status.engine == "rapidocr":
            return _read_rapid(pages, numbers, progress)
        return _read_all(pages, numbers, context, options, status, progress)
    finally:
        pages.close()


def _read_rapid(pages: _Pages, numbers: list[int],
                progress: ProgressFn | None) -> dict[int, OcrPage]:
    """One page at a time (the model already uses every core), drawn as it is read."""
    from ingest.ocr_rapid import lines_to_text, read_lines, respace

    results: dict[int, OcrPage] = {}
    start = time.monotonic()
    for done, n in enumerate(numbers, 1):
        if time.monotonic() - start > OCR_BUDGET_S:
            log.warning("OCR stopped after %d minutes: %d page(s) left unread", OCR_BUDGET_S
                        // 60, len(numbers) - done + 1)
            break
        image = pages.draw(n)
        try:
            if image is not None:
                text, confidence = lines_to_text(read_lines(image))
                language = detect(text)
                text = respace(text, language)
                if language == "en":
                    text = raised_ordinals(text)
                results[n] = OcrPage(n, text, confidence, "", engine="rapidocr")
        except Exception:  # noqa: BLE001 - a page that fails is reported, not fatal
            log.warning("OCR failed on page %d", n, exc_info=True)
        if progress:
            progress(done, len(numbers))
    log.info("OCR of %d page(s) with RapidOCR", len(numbers))
    return results


def _read_all(pages: _Pages, numbers: list[int], context: str, options: OcrOptions,
              status: OcrStatus, progress: ProgressFn | None) -> dict[int, OcrPage]:
    lang = _packs(detect(context), status.languages) if context.strip() else None
    if lang is None and options.languages:
        wanted = [x for x in options.languages if x in status.languages]
        lang = "+".join(wanted) or None
    results: dict[int, OcrPage] = {}
    done = 0

    def read(image: Any, n: int, pack: str) -> OcrPage | None:
        if image is None:
            return None
        try:
            return _read_best(image, n, pack)
        except Exception:  # noqa: BLE001 - a page that fails is reported, not fatal
            log.warning("OCR failed on page %d", n, exc_info=True)
            return None

    if lang is None:
        # Nothing says which language: read the first page in English, identify its
        # language, and read it again with that pack when it is another one.
        fallback = "eng" if "eng" in status.languages else status.languages[0]
        page = read(pages.draw(numbers[0]), numbers[0], fallback)
        lang = (_packs(detect(page.text), status.languages) if page else None) or fallback
        if page is None or lang == fallback:  # read, or unreadable: never twice in one pack
            if page is not None:
                results[numbers[0]] = page
            done += 1
            if progress:
                progress(done, len(numbers))
    todo = numbers[done:]
    log.info("OCR of %d page(s) with %s", len(todo), lang)
    with ThreadPoolExecutor(max_workers=options.workers) as pool:
        # drawing stays on this thread, a couple of pages ahead of the readers
        pending: list[Any] = []
        for n in todo:
            pending.append(pool.submit(read, pages.draw(n), n, lang))
            while len(pending) > options.workers:
                done += _collect(pending.pop(0), results)
                if progress:
                    progress(done, len(numbers))
        for future in pending:
            done += _collect(future, results)
            if progress:
                progress(done, len(numbers))
    return results


def _collect(future: Any, results: dict[int, OcrPage]) -> int:
    page = future.result()
    if page is not None:
        results[page.number] = page
    return 1
