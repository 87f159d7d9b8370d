"""parse_bytes and friends on real generated files and on the shared real-world PDF samples.

No mocks: every PDF/DOCX here is produced with fpdf2 / pypdf / python-docx / PIL, so the
tests exercise the same code paths as an officer's upload.
"""

from __future__ import annotations

import json
import os
import time
import zipfile
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from fpdf import FPDF
from PIL import Image
from pypdf import PdfReader, PdfWriter

from ingest import parse
from ingest.models import IngestError, ParsedDocument
from ingest.ocr import ENGINES, OcrOptions, ocr_status
from ingest.parse import docx as parse_docx
from ingest.parse import parse_bytes, safe_source_name, sniff_format

from samples import draw_scan

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "pdf-samples"


# --------------------------------------------------------------------------- helpers


def make_pdf(
    pages: list[list[str]],
    *,
    header: str | None = None,
    footer: str | None = None,
    unicode_font: bool = False,
    images: dict[int, bytes] | None = None,
    title: str | None = None,
) -> bytes:
    """A real PDF: one list of body lines per page; footer may use {n} and {total}."""
    pdf = FPDF()
    pdf.set_auto_page_break(False)
    if unicode_font:
        pdf.add_font("DejaVu", fname=str(FONT))
        pdf.set_font("DejaVu", size=11)
    else:
        pdf.set_font("Helvetica", size=11)
    if title:
        pdf.set_title(title)
    total = len(pages)
    for n, lines in enumerate(pages, start=1):
        pdf.add_page()
        if header:
            pdf.set_xy(10, 10)
            pdf.cell(0, 8, header)
        pdf.set_xy(10, 30)
        for line in lines:
            pdf.cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
        if images and n in images:
            pdf.image(BytesIO(images[n]), x=20, y=60, w=120)
        if footer:
            pdf.set_xy(10, 280)
            pdf.cell(0, 8, footer.format(n=n, total=total))
    return bytes(pdf.output())


def png_bytes(size: tuple[int, int] = (80, 60)) -> bytes:
    img = Image.new("RGB", size, (200, 30, 30))
    for x in range(0, size[0], 4):
        img.putpixel((x, x % size[1]), (0, 0, 0))
    buf = BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def make_docx(build) -> bytes:  # type: ignore[no-untyped-def]
    doc = Document()
    build(doc)
    buf = BytesIO()
    doc.save(buf)
    return buf.getvalue()


def encrypt(pdf: bytes, user: str, owner: str | None) -> bytes:
    writer = PdfWriter(clone_from=BytesIO(pdf))
    writer.encrypt(user_password=user, owner_password=owner)
    buf = BytesIO()
    writer.write(buf)
    return buf.getvalue()


def refused(data: bytes, name: str, **kwargs: Any) -> str:
    """Parse expecting a refusal; return the message after checking it is one short line."""
    with pytest.raises(IngestError) as info:
        parse_bytes(data, name, **kwargs)
    message = str(info.value)
    assert message
    assert "\n" not in message and "\r" not in message
    assert len(message) < 200
    assert "Traceback" not in message
    return message


BODY = [
    "This Memorandum of Understanding is concluded between the City of Lyon",
    "and the City of Krakow in the field of culture and education.",
    "Both parties agree to exchange officers and students every year.",
]
TOPICS = ["culture", "education", "climate", "sport"]
MANY_PAGES = [
    [
        f"Cooperation on {topic} is the subject of this part.",
        f"The City of Lyon and the City of Krakow work together on {topic}.",
        f"Officers responsible for {topic} meet twice a year.",
        f"A joint report on {topic} is published each spring.",
    ]
    for topic in TOPICS
]


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("a\x00b.pdf", "ab.pdf"),
        ("C:\\evil\\x.pdf", "x.pdf"),
        ("/abs/path/MoU Lyon.pdf", "MoU Lyon.pdf"),
        ("..hidden.pdf", "hidden.pdf"),
        ("cafe\u0301.pdf", "caf\u00e9.pdf"),
        ("report\u202efdp.exe", "reportfdp.exe"),  # bidi override could fake the extension
        ("  spaced\tname .pdf  ", "spaced name .pdf"),
        ("trailing.pdf. . ", "trailing.pdf"),
    ],
)
def test_safe_source_name(raw: str, expected: str) -> None:
    assert safe_source_name(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "..", ".", "\x00", "   .pdf", ".pdf", "a/b/", "C:\\dir\\", " \u200b "]
)
def test_safe_source_name_refuses_unusable(raw: str) -> None:
    with pytest.raises(IngestError, match="is not usable"):
        safe_source_name(raw)


def test_safe_source_name_caps_length_keeping_extension() -> None:
    name = safe_source_name("x" * 400 + ".docx")
    assert len(name) == 150
    assert name.endswith(".docx")


def test_hostile_name_is_sanitised_in_parsed_document() -> None:
    doc = parse_bytes(make_pdf([BODY]), "../../etc/passwd.pdf")
    assert doc.source == "passwd.pdf"


# --------------------------------------------------------------------------- sniffing


def test_sniff_by_content_and_extension() -> None:
    pdf = make_pdf([BODY])
    assert sniff_format(pdf, "a.PDF") == "pdf"
    assert sniff_format(b"junk before header\n" + pdf, "a.pdf") == "pdf"
    assert sniff_format(make_docx(lambda d: d.add_paragraph("x")), "a.docx") == "docx"
    assert sniff_format(b"hello", "a.txt") == "txt"
    assert sniff_format(b"# hello", "a.markdown") == "md"
    assert sniff_format(b"notes on the %PDF-1.7 format", "a.txt") == "txt"
    assert sniff_format(b"\xef\xbb\xbf# hello", "a.md") == "md"


def test_pdf_named_docx_is_refused() -> None:
    message = refused(make_pdf([BODY]), "mou.docx")
    assert message == "content does not match the .docx extension (it looks like a PDF)"


def test_docx_named_pdf_is_refused() -> None:
    data = make_docx(lambda d: d.add_paragraph("hello"))
    message = refused(data, "mou.pdf")
    assert (
        message == "content does not match the .pdf extension (it looks like a Word DOCX document)"
    )


def test_zip_named_pdf_is_refused() -> None:
    buf = BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.csv", "1,2,3")
    message = refused(buf.getvalue(), "x.pdf")
    assert message == "content does not match the .pdf extension (it looks like a ZIP archive)"


def test_random_bytes_named_pdf_are_refused() -> None:
    message = refused(os.urandom(4096), "random.pdf")
    assert message.startswith("content does not match the .pdf extension (it looks like")


def test_binary_named_txt_is_refused() -> None:
    message = refused(b"\x00\x01\x02binary" * 50, "notes.txt")
    assert "does not match the .txt extension" in message


def test_unsupported_extension() -> None:
    message = refused(b"PK\x03\x04data", "budget.xlsx")
    assert message == "unsupported file type '.xlsx' (supported: PDF, DOCX, TXT, MD)"
    assert "(no extension)" in refused(b"data", "README")


def test_empty_file() -> None:
    assert refused(b"", "empty.pdf") == "the file is empty"


def test_oversize_file_checked_first() -> None:
    data = b"%PDF-1.7\n" + b"0" * (3 * 1024 * 1024 // 2)
    message = refused(data, "big.pdf", max_bytes=1024 * 1024)
    assert message == "the file is 1.5 MB, over the 1 MB limit"
    # default limit message format
    assert parse._human_size(int(61.2 * 1024 * 1024)) == "61.2 MB"
    assert parse._human_size(50 * 1024 * 1024) == "50 MB"


# --------------------------------------------------------------------------- PDF


def test_pdf_pages_headers_footers() -> None:
    data = make_pdf(
        MANY_PAGES,
        header="Twinning Programme - Draft for consultation",
        footer="Page {n} of {total}",
    )
    doc = parse_bytes(data, "mou.pdf")
    assert isinstance(doc, ParsedDocument)
    assert doc.fmt == "pdf"
    assert [p.number for p in doc.pages] == [1, 2, 3, 4]
    for page, lines in zip(doc.pages, MANY_PAGES, strict=True):
        assert "Twinning Programme" not in page.text
        assert "Page" not in page.text
        assert page.text == "\n".join(lines)
        assert not page.needs_ocr
    assert doc.warnings == []
    assert doc.ocr_pages == []


def test_pdf_bare_page_numbers_removed() -> None:
    doc = parse_bytes(make_pdf(MANY_PAGES[:2], footer="- {n} -"), "a.pdf")
    assert all("- 1 -" not in p.text and "- 2 -" not in p.text for p in doc.pages)


def test_pdf_hyphenated_line_break_is_joined() -> None:
    lines = ["The partners promote international coopera-", "tion between municipalities."]
    doc = parse_bytes(make_pdf([lines]), "a.pdf")
    assert "international cooperation" in doc.text
    assert "coopera-" not in doc.text


@pytest.mark.skipif(not FONT.exists(), reason="DejaVuSans.ttf not installed")
def test_pdf_ligatures_are_expanded() -> None:
    lines = ["Co-\ufb01nancing of the \ufb01rst o\ufb03cial \ufb02ows", "Second line of text here."]
    doc = parse_bytes(make_pdf([lines], unicode_font=True), "a.pdf")
    assert "first official flows" in doc.text
    assert "\ufb01" not in doc.text and "\ufb03" not in doc.text


def test_pdf_title_hint_from_metadata() -> None:
    doc = parse_bytes(make_pdf([BODY], title="MoU Lyon - Krakow 2024"), "mou.pdf")
    assert doc.title_hint == "MoU Lyon - Krakow 2024"
    for junk in ("Untitled", "Microsoft Word - mou_v3.docx", "mou", "  "):
        assert parse_bytes(make_pdf([BODY], title=junk), "mou.pdf").title_hint is None


def test_pdf_with_user_password_is_refused() -> None:
    data = encrypt(make_pdf([BODY]), "secret", None)
    assert PdfReader(BytesIO(data)).is_encrypted
    assert refused(data, "locked.pdf") == "the PDF is encrypted and needs a password"


def test_pdf_with_owner_password_only_is_readable() -> None:
    data = encrypt(make_pdf(MANY_PAGES[:2]), "", "owner-secret")
    assert PdfReader(BytesIO(data)).is_encrypted
    doc = parse_bytes(data, "restricted.pdf")
    assert len(doc.pages) == 2
    assert "City of Lyon" in doc.text


def test_truncated_pdf_is_refused_or_partially_read() -> None:
    data = make_pdf(MANY_PAGES)
    half = data[: len(data) // 2]
    try:
        doc = parse_bytes(half, "truncated.pdf")
    except IngestError as exc:
        message = str(exc)
        assert "\n" not in message
        assert message.startswith(("the PDF is damaged", "the document has no text"))
        assert "incomplete" in message or "no text" in message
    else:  # pypdf may recover some pages; then they must be real text
        assert doc.pages and doc.text


def test_pdf_header_only_is_refused_as_damaged() -> None:
    message = refused(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "stub.pdf")
    assert message.startswith(("the PDF is damaged and cannot be read", "the PDF has no pages"))


def test_image_only_pdf_needs_ocr_when_ocr_is_off() -> None:
    data = make_pdf([[], []], images={1: png_bytes(), 2: png_bytes()})
    message = refused(data, "scan.pdf", ocr=OcrOptions(enabled=False))
    assert message == ("no extractable text: it looks like a scanned or image-only PDF and "
                       "needs OCR first (OCR is switched off (MICROPLOMACY_OCR=off))")


@pytest.mark.skipif(not ocr_status().available, reason=ocr_status().describe())
@pytest.mark.parametrize("engine", ENGINES)
def test_blank_scan_is_refused_even_by_ocr(engine: str) -> None:
    if not ocr_status(engine).available:
        pytest.skip(ocr_status(engine).describe())
    data = make_pdf([[], []], images={1: png_bytes(), 2: png_bytes()})
    assert refused(data, "scan.pdf", ocr=OcrOptions(engine=engine)).startswith(
        "no text found, even by OCR")


def test_a_misspelt_engine_leaves_scans_unread_with_the_reason() -> None:
    data = make_pdf([[], []], images={1: png_bytes(), 2: png_bytes()})
    assert refused(data, "scan.pdf", ocr=OcrOptions(engine="rapid")) == (
        "no extractable text: it looks like a scanned or image-only PDF and needs OCR first "
        "(OCR is off: unknown OCR engine 'rapid': MICROPLOMACY_OCR_ENGINE takes auto, "
        "rapidocr, tesseract)")


def test_auto_reads_with_tesseract_when_rapidocr_cannot_load(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A broken RapidOCR install (its models or opencv missing) is found before any page is
    drawn, and ``auto`` reads with Tesseract instead of leaving the scan unread."""
    from ingest import ocr, ocr_rapid

    if not ocr.tesseract_status().available or not ocr.ocr_status("rapidocr").available:
        pytest.skip("needs both engines installed")

    def broken() -> None:
        raise RuntimeError("the rapidocr package has no bundled models")

    monkeypatch.setattr(ocr_rapid, "engine", broken)
    data = draw_scan(tmp_path / "scan.pdf", ["Sister city agreement signed on 14 March 2023 "
                                             "by the Mayor."]).read_bytes()
    doc = parse_bytes(data, "scan.pdf", ocr=OcrOptions(engine="auto"))
    assert "14 March 2023" in doc.pages[0].text
    assert doc.pages[0].ocr_confidence is not None
    with pytest.raises(IngestError):  # asked for by name: no other engine reads instead
        parse_bytes(data, "scan.pdf", ocr=OcrOptions(engine="rapidocr"))


def test_an_engine_named_but_not_installed_leaves_scans_unread_with_the_reason(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from ingest import ocr

    monkeypatch.setattr(ocr, "_rapid_status", lambda: ocr.OcrStatus(
        False, "", (), "the rapidocr package is missing: run `make setup`", engine="rapidocr"))
    data = make_pdf([[], []], images={1: png_bytes(), 2: png_bytes()})
    assert refused(data, "scan.pdf", ocr=OcrOptions(engine="rapidocr")) == (
        "no extractable text: it looks like a scanned or image-only PDF and needs OCR first "
        "(OCR is off: the rapidocr package is missing: run `make setup`)")


def test_blank_pdf_has_no_text() -> None:
    assert refused(make_pdf([[]]), "blank.pdf") == "the document has no text"


def test_mixed_pdf_flags_scanned_page() -> None:
    data = make_pdf([BODY, [], BODY], images={2: png_bytes()})
    doc = parse_bytes(data, "mixed.pdf", ocr=OcrOptions(enabled=False))
    assert [p.number for p in doc.pages] == [1, 2, 3]
    assert doc.ocr_pages == [2]
    assert doc.pages[1].needs_ocr and doc.pages[1].text == ""
    assert not doc.pages[0].needs_ocr and "City of Lyon" in doc.pages[0].text
    assert doc.warnings == ["page 2 has no text layer (scanned?) and was not indexed: OCR is "
                            "switched off (MICROPLOMACY_OCR=off)"]


def test_page_list_compacts_ranges() -> None:
    assert parse._page_list([3, 4]) == "3, 4"
    assert parse._page_list([3, 4, 5, 6, 9]) == "3-6, 9"


def test_text_page_with_picture_is_not_ocr() -> None:
    doc = parse_bytes(make_pdf([BODY], images={1: png_bytes()}), "illustrated.pdf")
    assert doc.ocr_pages == []


# --------------------------------------------------------------------------- DOCX


def _build_mou(doc) -> None:  # type: ignore[no-untyped-def]
    doc.core_properties.title = "Partnership Agreement Lyon - Krakow"
    doc.add_heading("Memorandum of Understanding", 0)
    doc.add_paragraph("Between the City of Lyon and the City of Krakow.")
    doc.add_heading("Article 1 - Budget", level=1)
    table = doc.add_table(rows=3, cols=3)
    for r, row in enumerate(
        [["Action", "Year", "EUR"], ["Exchange", "2024", "10 000"], ["Forum", "2025", ""]]
    ):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    doc.add_paragraph("Text after the table.")
    doc.add_page_break()
    doc.add_heading("Article 2 - Duration", level=1)
    doc.add_paragraph("This MoU runs for three years.")


def test_docx_tables_headings_and_page_breaks() -> None:
    doc = parse_bytes(make_docx(_build_mou), "mou.docx")
    assert doc.fmt == "docx"
    assert doc.title_hint == "Partnership Agreement Lyon - Krakow"
    assert len(doc.pages) == 2
    first = doc.pages[0].text.split("\n")
    assert first[0] == "Memorandum of Understanding"
    assert "Article 1 - Budget" in first
    assert "Action | Year | EUR" in first
    assert "Exchange | 2024 | 10 000" in first
    # body order: heading, table, then the paragraph after it
    assert first.index("Article 1 - Budget") < first.index("Action | Year | EUR")
    assert first.index("Exchange | 2024 | 10 000") < first.index("Text after the table.")
    assert doc.pages[1].text == "Article 2 - Duration\nThis MoU runs for three years."
    assert doc.pages[1].number == 2


def test_docx_last_rendered_page_break_does_not_split() -> None:
    def build(doc) -> None:  # type: ignore[no-untyped-def]
        p = doc.add_paragraph("first part")
        run = p.add_run(" second part")
        from docx.oxml import OxmlElement

        run._r.insert(0, OxmlElement("w:lastRenderedPageBreak"))

    doc = parse_bytes(make_docx(build), "a.docx")
    assert len(doc.pages) == 1
    assert doc.pages[0].text == "first part second part"


def test_empty_docx_has_no_text() -> None:
    assert refused(make_docx(lambda d: None), "empty.docx") == "the document has no text"


def _rezip(docx: bytes, extra: dict[str, bytes]) -> bytes:
    src = zipfile.ZipFile(BytesIO(docx))
    buf = BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info, src.read(info.filename))
        for name, data in extra.items():
            out.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return buf.getvalue()


def test_zip_bomb_docx_is_refused() -> None:
    data = _rezip(make_docx(_build_mou), {"word/media/padding.bin": b"\0" * (20 * 1024 * 1024)})
    assert len(data) < 200 * 1024
    message = refused(data, "bomb.docx")
    assert message.startswith("the DOCX is malformed or a zip bomb")


def test_docx_total_uncompressed_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    # patched where _check_zip_bomb reads it: the package does not re-export it
    monkeypatch.setattr(parse_docx, "DOCX_MAX_UNCOMPRESSED", 64 * 1024)
    # ~2 MB that deflates about 80x: under the ratio limit, over 4x max_bytes unpacked
    payload = os.urandom(1024) * 2048
    data = _rezip(make_docx(_build_mou), {"word/media/photo.bin": payload})
    assert len(data) < 200 * 1024
    message = refused(data, "big.docx", max_bytes=200 * 1024)
    assert message.startswith("the DOCX is malformed or a zip bomb (it unpacks to")


def test_corrupt_docx_is_refused() -> None:
    data = make_docx(_build_mou)
    message = refused(data[: len(data) // 2], "broken.docx")
    assert message.startswith("the DOCX is damaged")


def test_zip_without_document_named_docx() -> None:
    buf = BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
    message = refused(buf.getvalue(), "sheet.docx")
    assert message == "content does not match the .docx extension (it looks like an Excel workbook)"


# --------------------------------------------------------------------------- TXT / MD


def test_txt_form_feeds_split_pages() -> None:
    data = b"first page\nline two\fsecond page\fthird page\f"
    doc = parse_bytes(data, "notes.txt")
    assert doc.fmt == "txt"
    assert [(p.number, p.text) for p in doc.pages] == [
        (1, "first page\nline two"),
        (2, "second page"),
        (3, "third page"),
    ]
    assert doc.warnings == []


def test_txt_without_form_feed_is_one_page() -> None:
    doc = parse_bytes(b"\xef\xbb\xbfhello\n\n\n\nworld", "a.txt")
    assert [p.text for p in doc.pages] == ["hello\n\nworld"]


def test_latin1_txt_is_decoded() -> None:
    text = "Coopération décentralisée entre Besançon et Kraków? Non: Łódź".encode("cp1250")
    latin = "Coopération décentralisée à Besançon, coût: 5 000 €".encode("cp1252")
    doc = parse_bytes(latin, "fr.txt")
    assert doc.pages[0].text == "Coopération décentralisée à Besançon, coût: 5 000 €"
    assert any("Windows-1252" in w for w in doc.warnings)
    assert parse_bytes(text, "pl.txt").pages  # decodes (imperfectly) rather than failing


def test_utf16_txt_is_decoded() -> None:
    doc = parse_bytes("Kraków partnership".encode("utf-16"), "a.txt")
    assert doc.pages[0].text == "Kraków partnership"


def test_md_keeps_headings_and_title() -> None:
    data = b"# Grant call: Urban Twinning 2025\n\nIntro.\n\n## Eligibility\n\n- towns\n"
    doc = parse_bytes(data, "call.md")
    assert doc.fmt == "md"
    assert doc.title_hint == "Grant call: Urban Twinning 2025"
    assert "## Eligibility" in doc.pages[0].text.split("\n")


def test_whitespace_only_txt_has_no_text() -> None:
    assert refused(b"  \n\n\t \f \n", "blank.txt") == "the document has no text"


# --------------------------------------------------------------------------- real-world samples


def _sample_entries() -> list[dict]:
    index = SAMPLES / "files.json"
    if not index.exists():
        return []
    return json.loads(index.read_text())["data"]


# Samples whose pages carry only images (their few characters are labels such as
# "Background" or "Test"); files.json does not record this, so it is listed here.
IMAGE_ONLY = {
    "007-imagemagick-images/imagemagick-ASCII85Decode.pdf",
    "007-imagemagick-images/imagemagick-CCITTFaxDecode.pdf",
    "007-imagemagick-images/imagemagick-images.pdf",
    "007-imagemagick-images/imagemagick-lzw.pdf",
    "008-reportlab-inline-image/inline-image.pdf",
    "019-grayscale-image/grayscale-image.pdf",
    "023-cmyk-image/cmyk-image.pdf",
}
BROKEN = {"017-unreadable-meta-data/unreadablemetadata.pdf"}  # broken page tree


@pytest.mark.parametrize(
    "entry", _sample_entries() or [None], ids=lambda e: e["path"] if e else "no-samples"
)
def test_real_world_samples(entry: dict | None) -> None:
    if entry is None:
        pytest.skip(f"sample folder not found: {SAMPLES}")
    path = SAMPLES / entry["path"].replace("/", "_")
    if not path.exists():
        pytest.skip(f"{path.name} listed in files.json but not present")
    data = path.read_bytes()
    start = time.perf_counter()
    try:
        doc = parse_bytes(data, path.name)
        outcome = f"{len(doc.pages)} pages" + (f", OCR {doc.ocr_pages}" if doc.ocr_pages else "")
        error = None
    except IngestError as exc:
        error = str(exc)
        outcome = f"refused: {error}"
    elapsed = time.perf_counter() - start
    print(f"\n{path.name[:60]:<61}{elapsed:6.2f}s  {outcome}", end="")

    if error is not None:
        assert "\n" not in error and len(error) < 200
    if entry.get("encrypted"):
        assert error == "the PDF is encrypted and needs a password"
    elif entry["path"] in IMAGE_ONLY:
        # read by OCR, or refused saying even OCR found nothing
        if not ocr_status().available:
            assert error is not None and "needs OCR" in error
        elif error is not None:
            assert error.startswith("no text found, even by OCR"), error
        else:
            assert doc.scanned_pages and doc.text.strip()
    elif entry["path"] in BROKEN:
        assert error is not None and error.startswith("the PDF is damaged")
    else:
        assert error is None, error
        assert len(doc.pages) == entry["pages"]
        assert [p.number for p in doc.pages] == list(range(1, entry["pages"] + 1))
        assert doc.text.strip()


def test_md_links_html_and_unspaced_headings_read_as_text() -> None:
    data = (b"<meta http-equiv='Content-Type' content='text/html' />\n\n"
            b"##European Outline Convention\n\nAs defined in [Article 1 of the Statute]"
            b"(../../../../verdrag/statuut/README.md), this **aim** is pursued. "
            b"![logo](img/logo.png)\n")
    doc = parse_bytes(data, "convention.md")
    text = doc.pages[0].text
    assert doc.title_hint == "European Outline Convention"
    assert "## European Outline Convention" in text.split("\n")
    assert "As defined in Article 1 of the Statute, this aim is pursued." in text
    assert "verdrag" not in text and "meta" not in text and "logo" not in text
