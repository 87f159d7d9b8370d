"""Agreements and calls written the way real ones are: other languages, Official Journal
notices, cover pages set in large type under a publisher's banner."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.classify import DocumentClassifier
from ingest.cover import cover_title, not_title
from ingest.extract import FieldExtractor
from ingest.language import languages_named
from ingest.models import Page, ParsedDocument
from ingest.parse import parse_bytes

DUTCH_AGREEMENT = """Overeenkomst tussen het Koninkrijk der Nederlanden en de Bondsrepubliek \
Duitsland inzake grensoverschrijdende samenwerking tussen territoriale gemeenschappen of \
autoriteiten

Artikel 1
De Overeenkomstsluitende Partijen bevorderen de samenwerking tussen de gemeenten.

Artikel 2
Deze Overeenkomst treedt in werking op de eerste dag van de tweede maand.

TEN BLIJKE WAARVAN de gevolmachtigden deze Overeenkomst hebben ondertekend.
GEDAAN te Isselburg-Anholt, op 23 mei 1991 in vier oorspronkelijke exemplaren.
"""

ITALIAN_NOTICE = """V
(Avvisi)
PROCEDIMENTI AMMINISTRATIVI
COMMISSIONE EUROPEA
INVITO A PRESENTARE PROPOSTE
«Sostegno a favore di azioni di informazione riguardanti la politica agricola comune»
(2011/C 212/11)
1. INTRODUZIONE
Il presente invito a presentare proposte riguarda azioni di informazione.
Per ciascuna azione può essere richiesta alla Commissione una sovvenzione di importo compreso \
tra 100 000 EUR e 500 000 EUR.
I candidati devono inviare la domanda entro le 24 (ora di Bruxelles) del 30 settembre 2011.
"""


def doc(text: str, name: str = "t.md") -> ParsedDocument:
    return ParsedDocument(source=name, fmt="md", pages=[Page(1, text)])


@pytest.fixture(scope="module")
def ex() -> FieldExtractor:
    return FieldExtractor()


def test_a_dutch_treaty_is_an_agreement_with_its_place_and_date(ex: FieldExtractor) -> None:
    d = doc(DUTCH_AGREEMENT)
    cls = DocumentClassifier().run(d)
    assert cls.doc_type == "mou", cls.reasons
    v = {k: f.value for k, f in ex.run(d, "mou").items()}
    assert v["kind"] == "convention"
    assert (v["signing_place"], v["signing_date"]) == ("Isselburg-Anholt", "1991-05-23")


BENELUX_PREAMBLE = """Benelux-Overeenkomst inzake grensoverschrijdende samenwerking

De Regering van het Koninkrijk België,De Regering van het Groothertogdom Luxemburg,De \
Regering van het Koninkrijk der Nederlanden,Zich bewust van de voordelen van \
grensoverschrijdende samenwerking,Hebben besloten een Overeenkomst te sluiten.

Artikel 1
De Overeenkomst is van toepassing op gemeenten.

GEDAAN te Brussel, op 12.9.1986 in drievoud, in de Nederlandse en de Franse taal, zijnde \
beide teksten gelijkelijk authentiek.
"""


def test_a_treaty_between_governments_names_its_parties_countries_and_languages(
        ex: FieldExtractor) -> None:
    """The parties are the names that open the preamble (no "City of" in sight), their
    countries come from the official names ("Koninkrijk der Nederlanden"), and the
    languages are named in Dutch."""
    treaty = ParsedDocument("benelux.md", "md", [Page(1, BENELUX_PREAMBLE, language="nl")])
    v = {k: f.value for k, f in ex.run(treaty, "mou").items()}
    assert v["parties"] == ["Regering van het Koninkrijk België",
                            "Regering van het Groothertogdom Luxemburg",
                            "Regering van het Koninkrijk der Nederlanden"]
    assert v["countries"] == ["Belgium", "Luxembourg", "Netherlands"]
    assert v["languages"] == ["Dutch", "French"]
    # a proclamation that opens with the two cities, then says what they share
    # states named in a preamble are not the languages of the text
    states = ParsedDocument("it.md", "md", [Page(1, "Accordo\n\nLa Repubblica Italiana e la "
                                                 "Repubblica Francese hanno convenuto quanto "
                                                 "segue.\n\nArticolo 1\nLe Parti cooperano.",
                                                 language="it")])
    assert "languages" not in ex.run(states, "mou")
    # a place and date line or a list of articles is no list of parties
    for text in ("Memorandum\n\nLisbon, 12 March 2019\nOriginal: English and Portuguese and "
                 "more text here", "Memorandum\n\nArticle 1 Purpose and Scope\nArticle 2 "
                 "Definitions"):
        assert "parties" not in ex.run(doc(text), "mou")
    scan = ("Sister Cities Proclamation\n\nAbu Dhabi and Houston, sharing a common interest in "
            "energy, technology and medicine, do hereby proclaim themselves Sister Cities.\n")
    assert ex.run(doc(scan), "mou")["parties"].value == ["Abu Dhabi", "Houston"]


@pytest.mark.parametrize(("text", "lang", "names"), [
    ("in de Nederlandse en de Duitse taal", "nl", ["Dutch", "German"]),
    ("redatto in lingua italiana e francese", "it", ["Italian", "French"]),
    ("hecho en español e inglés", "es", ["Spanish", "English"]),
    ("fait en langues française et allemande", "fr", ["French", "German"]),
    ("in deutscher und französischer Sprache", "de", ["German", "French"]),
    ("zwischen Deutschland und Frankreich", "de", []),  # countries, not languages
    ("in English", "", []),
])
def test_languages_named_in_the_texts_own_language(text: str, lang: str,
                                                   names: list[str]) -> None:
    assert languages_named(text, lang) == names


def test_an_italian_official_journal_notice_is_a_call_with_its_facts(ex: FieldExtractor) -> None:
    d = doc(ITALIAN_NOTICE)
    cls = DocumentClassifier().run(d)
    assert cls.doc_type == "grant_call", cls.reasons
    v = {k: f.value for k, f in ex.run(d, "grant_call").items()}
    assert v["title"].startswith("INVITO A PRESENTARE PROPOSTE «Sostegno")
    assert v["call_id"] == "2011/C 212/11"
    assert v["funder"] == "COMMISSIONE EUROPEA"
    assert (v["amount_min"], v["amount_max"], v["currency"]) == (100000, 500000, "EUR")
    assert (v["deadline"], v["deadline_time"], v["deadline_tz"]) == (
        "2011-09-30", "24:00", "ora di Bruxelles")


@pytest.mark.parametrize(("line", "never"), [
    ("COMMISSIONE EUROPEA", True), ("V", True), ("(2011/C 19/07)", True), ("C 79/1", True),
    ("Contracting Authority: European Commission", True), ("https://example.org/call", True),
    ("SOURCE: city records", True), ("Deadline for submission of proposals: 31 March 2011", True),
    ("Quiet Diplomats: Small Towns in World Affairs", False),
    ("Cultural Bridges Grants 2027: Guidance for Applicants", False),
    ("Partnership Agreement Toolkit", False),
])
def test_lines_that_are_never_a_title(line: str, never: bool) -> None:
    assert not_title(line) is never


def _cover_pdf(path: Path) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=18)
    pdf.cell(0, 10, "EUROPEAN COMMISSION", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=16)
    pdf.cell(0, 10, "CALL FOR PROPOSALS PRINCE 2010", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 10, "GUIDELINES FOR GRANT APPLICANTS", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 10, "Deadline for submission: 31 March 2011", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    for _ in range(12):
        pdf.set_x(pdf.l_margin)
        pdf.multi_cell(0, 5, "The body of the guidelines explains who may apply and how. " * 3)
    pdf.set_title("Microsoft Word - guidelines_final_v3.docx")
    pdf.output(str(path))
    return path


def test_the_cover_title_is_the_largest_block_that_is_not_a_banner(tmp_path: Path) -> None:
    from pypdf import PdfReader

    path = _cover_pdf(tmp_path / "guidelines.pdf")
    assert cover_title(PdfReader(path).pages[0]) == (
        "CALL FOR PROPOSALS PRINCE 2010 GUIDELINES FOR GRANT APPLICANTS")
    parsed = parse_bytes(path.read_bytes(), "guidelines.pdf")
    fields = FieldExtractor().run(parsed, "grant_call")
    assert fields["title"].value == "CALL FOR PROPOSALS PRINCE 2010 GUIDELINES FOR GRANT APPLICANTS"


# The same notice as an Official Journal column wraps it: short lines, a line that reads
# like a heading ("Commissione una sovvenzione di importo compreso tra") in mid-sentence,
# the budget's cue two lines above its figure, and a postal deadline without a time beside
# the e-mail one that has it (and whose copy is an "electronic version", not a new version).
WRAPPED_NOTICE = """INVITO A PRESENTARE PROPOSTE
«Sostegno a favore di azioni di informazione riguardanti la politica agricola comune»
3. DURATA E DOTAZIONE FINANZIARIA
La dotazione complessiva disponibile per le azioni di informa-
zione da eseguire in forza del presente invito a presentare pro-
poste è di 3 250 000 EUR. L'importo sarà suddiviso tra le proposte.
Per ciascuna azione di informazione può essere richiesta alla
Commissione una sovvenzione di importo compreso tra
100 000 EUR e 500 000 EUR (incluso rimborso forfettario delle
spese di personale).
Il contributo della Commissione alle domande selezionate è
limitato al 50 % dei costi totali ammissibili.
4. PRESENTAZIONE DELLE DOMANDE
Entro il 30 settembre 2011 i proponenti devono inviare una copia cartacea della domanda
completa, per plico raccomandato.
Parallelamente, i richiedenti dovranno trasmettere per posta elettronica,
entro le 24 (ora di Bruxelles) del 30 settembre 2011, una copia della loro
domanda contenente almeno la versione elettronica della lettera di domanda.
"""


def test_a_wrapped_italian_notice_keeps_its_budget_range_rate_and_deadline_hour(
        ex: FieldExtractor) -> None:
    v = {k: f.value for k, f in ex.run(doc(WRAPPED_NOTICE), "grant_call").items()}
    assert v["call_budget"] == 3250000
    assert (v["amount_min"], v["amount_max"]) == (100000, 500000)
    assert v["cofinancing_rate"] == 50
    assert (v["deadline"], v["deadline_time"], v["deadline_tz"]) == (
        "2011-09-30", "24:00", "ora di Bruxelles")


@pytest.mark.parametrize(("text", "programme"), [
    ("Call for Proposals for flagship projects in the framework\nof the European Year of "
     "Volunteering 2011\n\n1. OBJECTIVES\nThe call supports volunteering.",
     "European Year of Volunteering 2011"),
    ("Background\nIn 2008 the Directorate-General published the first call for proposals "
     "under\nits Prince programme that covered information activities.", "Prince"),
])
def test_a_programme_named_in_running_text(ex: FieldExtractor, text: str,
                                           programme: str) -> None:
    v = {k: f.value for k, f in ex.run(doc("CALL FOR PROPOSALS\n" + text), "grant_call").items()}
    assert v["programme"] == programme


@pytest.mark.parametrize("text", [
    "Grants are awarded in the framework of the Financial Regulation.",
    "This work is part of the Commission programme of work.",
])
def test_an_institution_or_a_law_is_not_a_programme(ex: FieldExtractor, text: str) -> None:
    v = {k: f.value for k, f in ex.run(doc("CALL FOR PROPOSALS\n" + text), "grant_call").items()}
    assert "programme" not in v


def test_a_budget_under_a_heading_that_names_grant_amounts_is_the_calls(ex: FieldExtractor) -> None:
    text = ("CALL FOR PROPOSALS\n5. Budget and grant amounts\n"
            "The total budget available for this call is EUR 1,200,000.\n"
            "Grants will be awarded for amounts between EUR 15,000 and EUR 60,000 per project.\n")
    v = {k: f.value for k, f in ex.run(doc(text), "grant_call").items()}
    assert v["call_budget"] == 1200000
    assert (v["amount_min"], v["amount_max"]) == (15000, 60000)


@pytest.mark.parametrize(("line", "hour", "zone"), [
    ("The call opens on 1 March 2031 at 10:00 and closes on 30 April 2031.", None, None),
    ("Applications must be submitted between 09:00 and 17:00 CET on 30 April 2031.",
     "17:00", "CET"),
    ("Proposals must be submitted by 12:00 (Brussels time) on 30 April 2031.", "12:00",
     "Brussels time"),
])
def test_a_deadline_hour_is_the_one_written_beside_its_date(ex: FieldExtractor, line: str,
                                                           hour: str | None,
                                                           zone: str | None) -> None:
    v = {k: f.value for k, f in ex.run(doc("CALL FOR PROPOSALS\n" + line), "grant_call").items()}
    assert v["deadline"] == "2031-04-30"
    assert (v.get("deadline_time"), v.get("deadline_tz")) == (hour, zone)


@pytest.mark.parametrize(("text", "units"), [
    # a heading after a list item without a full stop, or after a blank line, stays one
    ("Eligible applicants:\n- NGOs\nKey facts\nThe call opens on 1 May.",
     ["Eligible applicants:", "- NGOs", "Key facts", "The call opens on 1 May."]),
    ("- NGOs\n\nHow to apply\nSend the form by post.",
     ["- NGOs", "How to apply", "Send the form by post."]),
    # a lower-case line in mid-sentence, with the sentence going on below it, is not
    ("Per ciascuna azione di informazione può essere richiesta alla\nCommissione una "
     "sovvenzione di importo compreso tra\n100 000 EUR e 500 000 EUR.",
     ["Per ciascuna azione di informazione può essere richiesta alla Commissione una "
      "sovvenzione di importo compreso tra 100 000 EUR e 500 000 EUR."]),
])
def test_headings_are_told_from_wrapped_lines(text: str, units: list[str]) -> None:
    from ingest.extract.doctext import DocText

    assert [s for _, s in DocText(doc(text)).sentences()] == units


@pytest.mark.parametrize(("sentence", "value"), [
    ("L'importo massimo della sovvenzione rimane comunque 25.000 euro.", 25000),
    ("La subvención podrá alcanzar como máximo 40.000 EUR por proyecto.", 40000),
    ("La subvention peut atteindre jusqu'à 30 000 EUR par projet.", 30000),
    ("De subsidie bedraagt ten hoogste EUR 20.000 per project.", 20000),
    ("Der Zuschuss beträgt höchstens 15.000 EUR pro Projekt.", 15000),
])
def test_a_grant_ceiling_said_in_the_calls_own_language(ex: FieldExtractor, sentence: str,
                                                         value: int) -> None:
    f = ex.run(doc(f"Bando 2027\n\n{sentence}\n"), "grant_call")
    assert f["amount_max"].value == value


def test_signatories_after_the_mark_of_a_signed_original(ex: FieldExtractor) -> None:
    """A treaty printed from its signed original: each party in the treaty's language, then
    "(w.g.)" ("was getekend") before each name, in capitals; two may sign for one party."""
    f = ex.run(doc(
        "# Overeenkomst tussen het Koninkrijk der Nederlanden en de Bondsrepubliek "
        "Duitsland inzake grensoverschrijdende samenwerking\n\n"
        "### Artikel 1\n\nDe Overeenkomstsluitende Partijen werken samen.\n\n"
        "GEDAAN te Isselburg-Anholt, op 23 mei 1991 in vier oorspronkelijke exemplaren."
        "*Voor het Koninkrijk der Nederlanden,*(w.g.) H. VAN DEN BROEK(w.g.) I. DALES"
        "*Voor de Bondsrepubliek Duitsland,*(w.g.) HANS-DIETRICH GENSCHER\n"), "mou")
    assert f["signatories"].value == ["H. Van Den Broek", "I. Dales", "Hans-Dietrich Genscher"]
    g = ex.run(doc("Twinning Charter between the City of Arden and the City of Bree\n\n"
                   "Article 1\nThe parties agree.\n\nIN WITNESS WHEREOF\n"
                   "For the City of Arden, (signed) JOHN SMITH, Mayor\n"
                   "For the City of Bree, (signed) Maria Rossi, Sindaco\n"), "mou")
    assert g["signatories"].value == ["John Smith", "Maria Rossi"]

    from ingest.extract.people import signatory_names

    # each party in its own layout, in the block's order; a blank line ends the last name
    mixed = signatory_names("For the City of Arden: John Smith, Mayor\n\n"
                            "For the City of Bree, (signed) MARIA ROSSI\n\n"
                            "Done in two originals at Bree.")
    assert [n for n, _ in mixed] == ["John Smith", "Maria Rossi"]
    irish = signatory_names("For the City of Cork, (signed) SEAN O'BRIEN, Lord Mayor\n"
                            "For the City of Derby, (signed) JOHN MCDONALD III, Mayor")
    assert [n for n, _ in irish] == ["Sean O'Brien", "John McDonald III"]


@pytest.mark.parametrize(("sentence", "low", "high"), [
    ("La sovvenzione è di almeno 5.000 euro e al massimo 20.000 euro.", 5000, 20000),
    ("Grants are of at least EUR 5,000 and at most EUR 20,000.", 5000, 20000),
])
def test_a_floor_and_a_ceiling_in_one_sentence(ex: FieldExtractor, sentence: str, low: int,
                                               high: int) -> None:
    f = ex.run(doc(f"Bando 2027\n\n{sentence}\n"), "grant_call")
    assert (f["amount_min"].value, f["amount_max"].value) == (low, high)


def test_a_date_bound_is_no_ceiling(ex: FieldExtractor) -> None:
    f = ex.run(doc("Appel 2027\n\nToute commune inscrite jusqu'au 15 mai 2027 reçoit une "
                   "subvention de 5 000 EUR.\n"), "grant_call")
    assert "amount_max" not in f  # "jusqu'au 15 mai" bounds a date, not the grant


def test_a_treaty_concluded_for_an_indefinite_period_has_no_end(ex: FieldExtractor) -> None:
    """"Deze Overeenkomst wordt aangegaan voor onbepaalde tijd": the term, which the status
    model reads as in force with no end date; another body's unlimited period is not it."""
    from datetime import date

    from assistant.status import agreement_status
    from ingest.registry import DocRecord

    f = ex.run(doc("# Overeenkomst tussen het Koninkrijk der Nederlanden en de Bondsrepubliek "
                   "Duitsland\n\n### Artikel 14\n\nDeze Overeenkomst wordt aangegaan voor "
                   "onbepaalde tijd.\n\nGEDAAN te Anholt, op 23 mei 1991.\n"), "mou")
    assert "onbepaalde tijd" in f["term"].value
    rec = DocRecord("d", "d.md", "mou", "Overeenkomst", "md", 1, 1, 1, "2026-12-06",
                    fields={k: {"value": v.value, "page": v.page, "evidence": v.evidence}
                            for k, v in f.items()})
    assert agreement_status(rec, date(2026, 12, 6)).state == "indefinite"
    g = ex.run(doc("Protocol No. 3 between the States\n\nArticle 1\n\nThe ECG shall be "
                   "established for a limited or unlimited period of time, to be specified in "
                   "the agreement.\n\nDone at Utrecht, on 16 November 2009.\n"), "mou")
    assert "term" not in g


def test_ending_an_agreement_by_notice_in_its_own_language(ex: FieldExtractor) -> None:
    f = ex.run(doc("# Overeenkomst tussen het Koninkrijk der Nederlanden en de Bondsrepubliek "
                   "Duitsland\n\n### Artikel 15\n\nIeder van de Overeenkomstsluitende Staten kan "
                   "deze Overeenkomst schriftelijk opzeggen; de opzegtermijn bedraagt twee jaar."
                   "\n\nGEDAAN te Anholt, op 23 mei 1991.\n"), "mou")
    assert "opzegtermijn bedraagt twee jaar" in f["termination"].value
