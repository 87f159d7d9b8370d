"""Scanned pages are read by real engines, RapidOCR and Tesseract: drawn scans, the real
toolkit's scans, status."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from assistant.config import Settings
from evals.ocr_accuracy import GOLD, character_accuracy
from ingest.ocr import OcrOptions, ocr_status, read_scanned_pages, tesseract_status
from ingest.parse import parse_bytes

from conftest import SHARED, make_settings
from samples import draw_scan, font, scan_image

needs_tesseract = pytest.mark.skipif(not tesseract_status().available,
                                     reason=f"{tesseract_status().describe()}")
needs_rapid = pytest.mark.skipif(not ocr_status("rapidocr").available,
                                 reason=f"{ocr_status('rapidocr').describe()}")
ENGINES = [pytest.param("rapidocr", marks=needs_rapid),
           pytest.param("tesseract", marks=needs_tesseract)]

# A fictitious two-page agreement, English then Spanish, as a town would scan it.
PAGE_EN = """SISTER CITY AGREEMENT
between the Town of Alderbrook (Canada)
and the Municipality of Villaseca (Spain)

The Town of Alderbrook and the Municipality of Villaseca agree to
establish a sister city relationship to promote exchanges in culture,
education and sustainable tourism.

This agreement shall remain in force for a period of five years
from the date of signature and may be renewed by mutual consent.

Signed at Alderbrook on 14 March 2023.

For the Town of Alderbrook: Mayor Helen Marchetti
For the Municipality of Villaseca: Mayor Tomas Ibarra"""

PAGE_ES = """ACUERDO DE HERMANAMIENTO
entre la Ciudad de Alderbrook (Canada)
y el Municipio de Villaseca (Espana)

La Ciudad de Alderbrook y el Municipio de Villaseca acuerdan
establecer un hermanamiento para promover intercambios en cultura,
educacion y turismo sostenible.

El presente acuerdo tendra una vigencia de cinco anos a partir
de la fecha de su firma y podra renovarse de mutuo acuerdo.

Firmado en Alderbrook el 14 de marzo de 2023.

Por la Ciudad de Alderbrook: Alcaldesa Helen Marchetti
Por el Municipio de Villaseca: Alcalde Tomas Ibarra"""


@needs_tesseract
def test_status_names_the_installed_packs() -> None:
    status = ocr_status("tesseract")
    assert status.available and status.reason == "" and status.engine == "tesseract"
    assert "eng" in status.languages
    assert "Tesseract" in status.describe()


@needs_rapid
def test_auto_reads_with_rapidocr_from_its_bundled_models() -> None:
    status = ocr_status("auto")
    assert status.available and status.engine == "rapidocr" and status.version == "3.10.0"
    assert "RapidOCR" in status.describe()
    # an engine asked for by name is that one, or off with its reason
    assert ocr_status("tesseract").engine == "tesseract"


@pytest.mark.parametrize("engine", ENGINES)
def test_drawn_scan_is_read_with_the_language_of_each_page(tmp_path: Path, engine: str) -> None:
    data = draw_scan(tmp_path / "scan.pdf", [PAGE_EN, PAGE_ES]).read_bytes()
    seen: list[tuple[int, int]] = []
    doc = parse_bytes(data, "scan.pdf", progress=lambda d, n: seen.append((d, n)),
                      ocr=OcrOptions(engine=engine))
    assert doc.scanned_pages == [1, 2] and doc.ocr_pages == []
    assert seen[-1] == (2, 2)
    assert "Helen Marchetti" in doc.pages[0].text and "14 March 2023" in doc.pages[0].text
    assert "hermanamiento" in doc.pages[1].text.lower()
    assert [p.language for p in doc.pages] == ["en", "es"]
    assert all(p.ocr_confidence and p.ocr_confidence > 80 for p in doc.pages)


def test_raised_ordinals_read_as_marks_are_ordinals_again() -> None:
    from ingest.ocr import raised_ordinals

    assert raised_ordinals('beginning on the 13" day of March 2001') == (
        "beginning on the 13th day of March 2001")
    assert raised_ordinals("this 1\u201d day of May 1998, the 22* of October") == (
        "this 1st day of May 1998, the 22nd of October")
    assert raised_ordinals('THE 2" DAY OF JUNE') == "THE 2nd DAY OF JUNE"
    # a mark after a number that no day or month follows is what it says
    assert raised_ordinals('a map 12" by 10", filed in 2001" day') == (
        'a map 12" by 10", filed in 2001" day')
    assert raised_ordinals('"Annex 2" may be amended') == '"Annex 2" may be amended'


def test_spaces_the_recogniser_dropped_are_put_back() -> None:
    from ingest.ocr_rapid import respace

    assert respace("Signed on the 13thday of March2023 at Alderbrook on 14March2023.",
                   "en") == "Signed on the 13th day of March 2023 at Alderbrook on 14 March 2023."
    assert respace("Por laCiudad deAlderbrook: Alcaldesa", "es") == (
        "Por la Ciudad de Alderbrook: Alcaldesa")
    assert respace("Chairman of AbuDhabiMunicipality", "en") == (
        "Chairman of Abu Dhabi Municipality")
    assert respace("Il Comune diFirenze e laRegione Toscana", "it") == (
        "Il Comune di Firenze e la Regione Toscana")
    assert respace("De gemeente vanAmsterdam", "nl") == "De gemeente van Amsterdam"
    # names written as one word, ordinals, units, codes, words that begin with a number and
    # addresses stay as they are
    kept = ("SisterCities iPhone McDonald McDonaldHouse MacArthurPark eTwinning 2nd 13th 5km "
            "COM2023 x@y2023.org 5thousand 2ndly europa.eu/programmes/horizon2020 "
            "report2023.docx #Horizon2020")
    assert respace(kept, "en") == kept
    for text, language in [("5stellige 2stufiges", "de"), ("4stelle", "it"),
                           ("21sten", "nl"), ("laCiudad", "en")]:
        assert respace(text, language) == text


@needs_rapid
def test_rapidocr_keeps_paragraphs_single_or_double_spaced(tmp_path: Path) -> None:
    single = "\n".join(["The Town of Alderbrook and the Municipality of Villaseca agree to",
                        "establish a sister city relationship.", "",
                        "This agreement shall remain in force for", "five years."])
    double = "\n\n".join(["The Town of Alderbrook and the Municipality of Villaseca agree "
                          "to", "establish a sister city relationship between their",
                          "schools, museums and sports clubs."])
    for text, paragraphs in [(single, 2), (double, 1)]:
        data = draw_scan(tmp_path / "scan.pdf", [text]).read_bytes()
        read = parse_bytes(data, "scan.pdf", ocr=OcrOptions(engine="rapidocr")).pages[0].text
        assert len([p for p in read.split("\n\n") if p.strip()]) == paragraphs, read


@pytest.mark.parametrize("engine", ENGINES)
def test_a_poor_scan_is_flagged_and_a_clean_one_is_not(tmp_path: Path, engine: str) -> None:
    from PIL import ImageFilter

    clean = draw_scan(tmp_path / "clean.pdf", [PAGE_EN])
    doc = parse_bytes(clean.read_bytes(), "clean.pdf", ocr=OcrOptions(engine=engine))
    assert not any("poor scan" in w for w in doc.warnings), doc.warnings
    # the same page drawn at an eighth of its resolution and blurred: a fax of a fax
    page = scan_image(PAGE_EN)
    small = page.resize((page.width // 8, page.height // 8)).resize(page.size)
    small.filter(ImageFilter.GaussianBlur(2)).save(tmp_path / "poor.pdf", resolution=200)
    doc = parse_bytes((tmp_path / "poor.pdf").read_bytes(), "poor.pdf",
                      ocr=OcrOptions(engine=engine))
    assert any("page 1 was read from a poor scan" in w for w in doc.warnings), doc.warnings


@pytest.mark.parametrize("engine", ENGINES)
def test_a_signing_date_with_a_raised_ordinal_is_read(tmp_path: Path, engine: str) -> None:
    """Tesseract reads a raised "th" as a quote mark ("13\" day of March 2001"): the
    signing date an agreement gives that way is still its date."""
    dpi = 200
    big, small = font(int(dpi * 0.16)), font(int(dpi * 0.09))
    im = Image.new("L", (int(8.27 * dpi), int(11.69 * dpi)), 250)
    draw = ImageDraw.Draw(im)
    draw.multiline_text((int(dpi * 0.9), int(dpi * 1.0)), PAGE_EN.split("\n\nSigned")[0],
                        fill=20, font=big, spacing=int(dpi * 0.09))
    x, y = int(dpi * 0.9), int(dpi * 4.2)
    for part, face, rise in [("Signed at Alderbrook on the 13", big, 0),
                             ("th", small, int(dpi * 0.03)), (" day of March 2023.", big, 0)]:
        draw.text((x, y - rise), part, fill=20, font=face)
        x += int(draw.textlength(part, font=face))
    path = tmp_path / "raised.pdf"
    im.rotate(0.4, fillcolor=250).save(path, resolution=dpi)
    doc = parse_bytes(path.read_bytes(), "raised.pdf", ocr=OcrOptions(engine=engine))
    assert doc.scanned_pages == [1]
    assert "13th day of March 2023" in doc.pages[0].text, doc.pages[0].text

    from ingest.classify import DocumentClassifier
    from ingest.extract import FieldExtractor

    kind = DocumentClassifier().run(doc).doc_type
    fields = FieldExtractor().run(doc, kind)
    assert fields["signing_date"].value == "2023-03-13"


@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINES)
def test_scanned_bilingual_agreement_is_answered_with_pages(tmp_path: Path, engine: str) -> None:
    from assistant.ask import Assistant
    from assistant.library import Library

    path = draw_scan(tmp_path / "alderbrook-villaseca-scan.pdf", [PAGE_EN, PAGE_ES])
    settings: Settings = replace(make_settings(tmp_path / "home"), ocr_engine=engine)
    library = Library(settings)
    report = library.ingest([path])
    assert not report.failed, report.failed
    record = library.registry.list()[0]
    assert record.scanned_pages == [1, 2] and set(record.languages) == {"en", "es"}

    assistant = Assistant.from_library(library)
    for question, expected in [
        ("When was the Alderbrook Villaseca agreement signed?", "14 March 2023"),
        ("Who signed the agreement for the Town of Alderbrook?", "Helen Marchetti"),
        ("How long does the Alderbrook Villaseca agreement remain in force?", "five years"),
    ]:
        answer = assistant.ask(question)
        assert not answer.declined, (question, answer.text)
        assert expected in answer.text, (question, answer.text)
        assert answer.citations and all(c.page in (1, 2) for c in answer.citations)
        assert all(c.scanned for c in answer.citations)
        assert "read from a scan" in answer.citations[0].where()
        if expected == "14 March 2023":  # same figures on the Spanish page: its other version
            assert "The Spanish text, page 2, says the same." in answer.text


TOOLKIT = SHARED / "real-docs" / "docs" / "mou_sci-partnership-agreement-toolkit.pdf"
REFERENCE = SHARED / "real-docs" / "ocr-reference" / f"{TOOLKIT.name}.ocr.json"


@pytest.mark.slow
@needs_rapid
def test_toolkit_scans_read_by_rapidocr_against_the_reference() -> None:
    """The issue's bar: character accuracy >= 0.95 on pages 4-7 against the shared
    reference (the engine chosen by default reads them at about 0.95; Tesseract 0.92)."""
    if not REFERENCE.exists():
        pytest.skip(f"{REFERENCE} is absent (../shared beside the repository)")
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))["pages"]
    gold = json.loads(GOLD.read_text(encoding="utf-8"))["pages"]
    pages = read_scanned_pages(TOOLKIT.read_bytes(), [4, 5, 6, 7],
                               options=OcrOptions(engine="rapidocr"))
    assert sorted(pages) == [4, 5, 6, 7]
    accuracy = {n: character_accuracy(reference[str(n)], pages[n].text) for n in pages}
    corrected = {n: character_accuracy(gold[str(n)], pages[n].text) for n in pages}
    print("against the reference:", {n: round(a, 3) for n, a in accuracy.items()},
          "against the corrected reference:", {n: round(a, 3) for n, a in corrected.items()})
    assert sum(accuracy.values()) / 4 >= 0.95
    assert min(accuracy.values()) >= 0.9
    # the blurred italic certificate (page 6) is read as well as the clean scans
    assert corrected[6] >= 0.95
    assert "San Pablo de Manta" in pages[6].text and "September 19, 2000" in pages[6].text


@pytest.mark.slow
@needs_tesseract
def test_toolkit_scans_read_against_the_reference() -> None:
    if not REFERENCE.exists():
        pytest.skip(f"{REFERENCE} is absent (../shared beside the repository)")
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))["pages"]
    pages = read_scanned_pages(TOOLKIT.read_bytes(), [4, 5, 6, 7],
                               options=OcrOptions(engine="tesseract"))
    accuracy = {n: character_accuracy(reference[str(n)], pages[n].text) for n in pages}
    print("character accuracy by page:", {n: round(a, 3) for n, a in accuracy.items()})
    assert sorted(pages) == [4, 5, 6, 7]
    # pages 4, 5 and 7 are clean scans; page 6 is a ~70-dpi italic scan (see README), read
    # at 0.68 as drawn and about 0.88 once its low confidence has it read again sharpened
    assert min(accuracy[n] for n in (4, 5, 7)) >= 0.9
    assert accuracy[6] >= 0.8
    assert sum(accuracy.values()) / 4 >= 0.88
    assert pages[6].confidence < min(pages[n].confidence for n in (4, 5, 7))
    # against the reference corrected by eye (evals/ocr_gold_toolkit.json): the same bar
    gold = json.loads(GOLD.read_text(encoding="utf-8"))["pages"]
    corrected = {n: character_accuracy(gold[str(n)], pages[n].text) for n in pages}
    print("against the corrected reference:", {n: round(a, 3) for n, a in corrected.items()})
    assert sum(corrected.values()) / 4 >= 0.88
