"""PDF pages to text with pypdf, handing scanned or garbled pages to OCR.

PDFs are where officers' uploads go wrong most: encryption, truncated downloads, scans
with a printed header, text layers from broken font encodings. This module decides page
by page whether the text layer can be trusted, and lets ``ingest.ocr`` read the rest.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from io import BytesIO
from typing import Any

from ingest.cover import cover_title
from ingest.models import IngestError, Page, ParsedDocument
from ingest.normalize import normalize_text, rejoin_split_words, strip_repeated_lines
from ingest.ocr import OcrOptions, ProgressFn, ocr_status, read_scanned_pages
from ingest.parse.common import _short_reason, _title_hint

log = logging.getLogger(__name__)

# A page with fewer non-space characters than this, but with images, is treated as a
# scan: a stray page number or "Background" label must not pass for a text layer.
MIN_PAGE_CHARS = 20
# A page with an image and less text than this may be a scan under a printed header
# (the Sister Cities toolkit's pages 4-7 carry only "Partnership Agreement Toolkit"):
# OCR reads it, and its text replaces the layer's when it finds much more.
THIN_PAGE_CHARS = 200


def _pdf_has_images(page: Any) -> bool:
    """Cheap scan check: image XObjects (also inside form XObjects) or inline images.

    Only dictionaries and the page's own content stream are inspected; image data is
    never decoded, so this stays fast on 40 MB scans.
    """
    try:
        resources = page.get("/Resources")
        if _resources_have_images(resources, depth=0):
            return True
        contents = page.get_contents()
        if contents is None:
            return False
        stream = contents.get_data()
        return bool(re.search(rb"(?:^|\s)BI\s", stream)) and b"ID" in stream
    except Exception:  # a malformed resource dict just means "no images found"
        log.debug("image check failed", exc_info=True)
        return False


def _resources_have_images(resources: Any, depth: int) -> bool:
    if resources is None or depth > 3:
        return False
    resources = resources.get_object()
    xobjects = resources.get("/XObject") if hasattr(resources, "get") else None
    if xobjects is None:
        return False
    xobjects = xobjects.get_object()
    for ref in list(xobjects.values())[:200]:
        obj = ref.get_object()
        subtype = obj.get("/Subtype") if hasattr(obj, "get") else None
        if subtype == "/Image":
            return True
        if subtype == "/Form" and _resources_have_images(obj.get("/Resources"), depth + 1):
            return True
    return False


def _parse_pdf(data: bytes, source: str, max_bytes: int, ocr: OcrOptions | None = None,
               progress: ProgressFn | None = None) -> ParsedDocument:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(BytesIO(data), strict=False)
    except Exception as exc:  # pypdf raises many types on broken structure
        raise IngestError(f"the PDF is damaged and cannot be read: {_short_reason(exc)}") from exc

    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")
        except DependencyError as exc:
            raise IngestError(
                "the PDF is encrypted with AES and cannot be opened here; "
                "save an unprotected copy and try again"
            ) from exc
        except (PdfReadError, ValueError, KeyError, TypeError, NotImplementedError) as exc:
            raise IngestError(
                f"the PDF is encrypted and cannot be opened: {_short_reason(exc)}"
            ) from exc
        if not opened:
            raise IngestError("the PDF is encrypted and needs a password")

    try:
        n_pages = len(reader.pages)
    except FileNotDecryptedError as exc:
        raise IngestError("the PDF is encrypted and needs a password") from exc
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        raise IngestError(f"the PDF is damaged and cannot be read: {_short_reason(exc)}") from exc
    if n_pages == 0:
        raise IngestError("the PDF has no pages")

    warnings: list[str] = []
    raw_texts: list[str] = []
    pages: list[Any] = []
    failed: list[int] = []
    for index in range(n_pages):
        page = None
        try:
            page = reader.pages[index]
            text = page.extract_text() or ""
        except FileNotDecryptedError as exc:
            raise IngestError("the PDF is encrypted and needs a password") from exc
        except Exception as exc:  # one bad page must not lose the document
            log.warning("%s: page %d failed: %s", source, index + 1, _short_reason(exc))
            failed.append(index + 1)
            text = ""
        pages.append(page)
        raw_texts.append(normalize_text(text))

    if len(failed) == n_pages:
        raise IngestError("the PDF is damaged and cannot be read: no page could be read")
    if failed:
        warnings.append(
            f"{_plural_pages(failed)} could not be read and {'were' if len(failed) > 1 else 'was'}"
            " left out"
        )

    texts = rejoin_split_words(strip_repeated_lines(raw_texts))
    result: list[Page] = []
    scans: list[int] = []
    for number, (page, text) in enumerate(zip(pages, texts, strict=True), start=1):
        text = text.strip()
        visible = _visible_chars(text)
        images = visible < THIN_PAGE_CHARS and page is not None and _pdf_has_images(page)
        scanned = (visible < MIN_PAGE_CHARS and images) or _garbled(text)
        if scanned:
            text = ""  # a stray label or a broken encoding is noise: OCR reads the page
        if scanned or images:  # a thin text layer over an image: a scan with a printed header
            scans.append(number)
        result.append(Page(number=number, text=text, needs_ocr=scanned))
    options = ocr or OcrOptions()
    if scans:
        _read_scans(data, result, scans, options, progress, warnings)
    unread = [p.number for p in result if p.needs_ocr]
    ocr_off = _ocr_off(options)

    if not any(p.text for p in result):
        if unread and not ocr_off:
            raise IngestError("no text found, even by OCR: the scan may be blank, too faint "
                              "or a photo; try a cleaner scan")
        if unread:
            raise IngestError("no extractable text: it looks like a scanned or image-only PDF "
                              f"and needs OCR first ({ocr_off})")
        raise IngestError("the document has no text")
    if unread:
        warnings.append(
            f"{_plural_pages(unread)} {'have' if len(unread) > 1 else 'has'} no text layer "
            f"(scanned?) and {'were' if len(unread) > 1 else 'was'} not indexed: "
            + (ocr_off or "OCR found no text on it")
        )

    title = None
    try:
        metadata = reader.metadata
        title = _title_hint(metadata.get("/Title") if metadata else None, source)
    except Exception:  # broken metadata must not block ingest (sample 017)
        log.debug("%s: unreadable metadata", source, exc_info=True)
    # what the cover prints beats what the producer filled in
    cover = cover_title(reader.pages[0]) if len(reader.pages) else None
    return ParsedDocument(
        source=source, fmt="pdf", pages=result, title_hint=cover or title, warnings=warnings,
        cover_title=cover,
    )


def _visible_chars(text: str) -> int:
    return sum(1 for ch in text if not ch.isspace())


def _ocr_off(options: OcrOptions) -> str:
    """Why scans are not read here, or "" when they are."""
    if not options.enabled:
        return "OCR is switched off (MICROPLOMACY_OCR=off)"
    status = ocr_status(options.engine)
    return "" if status.available else status.describe()


def _garbled(text: str) -> bool:
    """A text layer from a broken font encoding: mostly replacement characters, "(cid:N)"
    codes or symbols. The page image is still right, so OCR reads it instead."""
    visible = _visible_chars(text)
    if visible < 200:
        return False
    bad = text.count("\ufffd") + 6 * text.count("(cid:")
    symbols = sum(1 for ch in text if not ch.isspace() and not ch.isalnum()
                  and unicodedata.category(ch)[0] not in "PS")
    return (bad + symbols) / visible > 0.3


def _read_scans(data: bytes, pages: list[Page], numbers: list[int], options: OcrOptions,
                progress: ProgressFn | None, warnings: list[str]) -> None:
    """Fill scanned pages with OCR text; the language pack follows the text layer."""
    context = "\n".join(p.text for p in pages if p.text)[:3000]
    try:
        read = read_scanned_pages(data, numbers, context=context, options=options,
                                  progress=progress)
    except Exception as exc:  # noqa: BLE001 - pdfium refusing a file pypdf read: keep the text
        log.warning("OCR could not open the file: %s", _short_reason(exc))
        read = {}
    low: list[int] = []
    for page in pages:
        got = read.get(page.number)
        if got is None or _visible_chars(got.text) < MIN_PAGE_CHARS:
            continue
        layer = _visible_chars(page.text)
        if layer and _visible_chars(got.text) < 2 * layer + 100:
            continue  # a figure with a caption: the text layer already says what it says
        page.text = normalize_text(got.text).strip()
        page.needs_ocr = False
        page.ocr_confidence = round(got.confidence, 1)
        if got.poor:
            low.append(page.number)
    if read:
        log.info("OCR read %d of %d scanned page(s)", len(read), len(numbers))
    if low:
        warnings.append(f"{_plural_pages(low)} {'were' if len(low) > 1 else 'was'} read from "
                        "a poor scan (low OCR confidence): check the original before relying "
                        f"on {'them' if len(low) > 1 else 'it'}")


def _plural_pages(numbers: list[int]) -> str:
    return f"{'pages' if len(numbers) > 1 else 'page'} {_page_list(numbers)}"


def _page_list(numbers: list[int]) -> str:
    """'3, 4, 7' or '3-9, 12' so that a 100-page scan does not produce a 400-char warning."""
    parts: list[str] = []
    start = prev = numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        if prev - start >= 2:
            parts.append(f"{start}-{prev}")
        else:
            parts.extend(str(x) for x in range(start, prev + 1))
        if n is not None:
            start = prev = n
    return ", ".join(parts)
