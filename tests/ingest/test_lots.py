"""Calls divided into lots: each lot's own grant range, rate and duration, in the ways
guides print them (a financing table, one sentence naming every lot, a sentence or a
section per lot), and the call's span across them."""

from __future__ import annotations

from ingest.extract import FieldExtractor
from ingest.lots import call_span, find_lots
from ingest.models import Page, ParsedDocument

GUIDE = """3. FINANCING
For the purposes of the present call for proposals, a total budget of 2.5 Mio EUR is
available.

 LOT 1
TV programmes
LOT 2
Awareness-raising actions
Maximum grant per
project EUR 300,000 EUR 200,000
Maximum
co-financing
60% of  total
eligible costs
80% of  total
eligible costs
Minimum grant per
project EUR 150,000 EUR 100,000

Duration:
The project implementation period for Lot 1 actions may not exceed 18 months from the date
of signature of the agreement.

Duration:
The project implementation period for Lot 2 actions may not exceed 12 months from the date
of signature of the agreement.
"""

NOTICE = """L'invito è suddiviso in due lotti: programmi televisivi (lotto 1) e azioni di
sensibilizzazione (lotto 2).
3. Azioni ammissibili
Lotto 1 — Programmi televisivi:
— programmi televisivi con garanzia di trasmissione
— periodo di esecuzione del progetto non superiore a 18 mesi
Lotto 2 — Azioni di sensibilizzazione:
— avere valenza transfrontaliera
— periodo di esecuzione del progetto non superiore a 12 mesi
5. Dotazione per i progetti
L'intervento finanziario della Commissione non può superare il 60 % (per il lotto 1) e
l'80 % (per il lotto 2) dei costi ammissibili totali.
"""


def test_a_financing_table_and_duration_sentences() -> None:
    lots = [lot.to_value() for lot in find_lots(GUIDE)]
    assert lots == [
        {"name": "LOT 1: TV programmes", "amount_max": 300000, "amount_min": 150000,
         "cofinancing_rate": 60, "duration_months": 18},
        {"name": "LOT 2: Awareness-raising actions", "amount_max": 200000,
         "amount_min": 100000, "cofinancing_rate": 80, "duration_months": 12},
    ]
    assert call_span(find_lots(GUIDE)) == {"amount_min": 100000, "amount_max": 300000,
                                           "cofinancing_rate": 80, "duration_months": 18}


def test_one_sentence_for_every_lot_and_a_section_per_lot_in_italian() -> None:
    lots = [lot.to_value() for lot in find_lots(NOTICE)]
    assert lots == [
        {"name": "Lotto 1: Programmi televisivi", "duration_months": 18,
         "cofinancing_rate": 60},
        {"name": "Lotto 2: Azioni di sensibilizzazione", "duration_months": 12,
         "cofinancing_rate": 80},
    ]


def test_no_lots_where_none_are_read() -> None:
    assert find_lots("Grants of EUR 10,000 to EUR 40,000 for 12 months.") == []
    # lot numbers that do not run from 1, or lots with nothing of their own
    assert find_lots("See lot 3 of the land registry, lot 7 of the auction.") == []
    assert find_lots("| Lot 1 | Participation | 2,700,000 |\n| Lot 2 | Dialogue | 1,800,000 |"
                     ) == []
    # a list of lots is no financing table, and figures "for both lots" are the call's
    both = ("Lot 1: Local democracy\nLot 2: Climate action\nFor both lots, the minimum grant "
            "is EUR 50,000 and the maximum grant is EUR 150,000. The grant may not exceed 80% "
            "of eligible costs; applicants must contribute at least 20%.\nProjects last up to "
            "24 months.")
    assert find_lots(both) == []


def test_the_record_holds_the_lots_and_the_calls_span() -> None:
    doc = ParsedDocument("guide.pdf", "pdf", [Page(1, "CALL FOR PROPOSALS\n\n" + GUIDE,
                                                   language="en")])
    fields = FieldExtractor().run(doc, "grant_call")
    assert [lot["name"] for lot in fields["lots"].value] == ["LOT 1: TV programmes",
                                                             "LOT 2: Awareness-raising actions"]
    assert (fields["amount_min"].value, fields["amount_max"].value) == (100000, 300000)
    assert fields["cofinancing_rate"].value == 80 and fields["duration_months"].value == 18
    # the evidence quoted to the officer is the text where the value is printed
    assert "18 months" in fields["duration_months"].evidence


ELIGIBILITY = """4.1 Eligibility of applicants
In order to be eligible for a grant, applicants must:
• be public or private bodies;
• be registered in one of the EU's 27 Member States.

Specific criteria for the eligibility of applicants under LOT 1

This financing opportunity is only open to television broadcasting companies, as attested
by the official statute of the applicant organisation.
"""


def test_applicants_stated_under_one_lot_are_that_lots() -> None:
    doc = ParsedDocument("guide.pdf", "pdf", [Page(1, "CALL FOR PROPOSALS\n\n" + GUIDE + "\n"
                                                   + ELIGIBILITY, language="en")])
    fields = FieldExtractor().run(doc, "grant_call")
    lot1, lot2 = fields["lots"].value
    assert lot1["eligible_applicants"] == ["television broadcasting companies"]
    assert "eligible_applicants" not in lot2
    # ... not when the heading gives them to every lot
    both = ELIGIBILITY.replace("under LOT 1", "under both lots")
    doc = ParsedDocument("guide.pdf", "pdf", [Page(1, "CALL FOR PROPOSALS\n\n" + GUIDE + "\n"
                                                   + both, language="en")])
    fields = FieldExtractor().run(doc, "grant_call")
    assert all("eligible_applicants" not in lot for lot in fields["lots"].value)


def test_only_a_restriction_under_one_lot_binds_it() -> None:
    """Not how proposals are sent, not who may attend, not a rule of the whole call after a
    sentence or a section about one lot; in Italian as in English."""
    def lots_applicants(extra: str) -> list:
        doc = ParsedDocument("guide.pdf", "pdf", [Page(1, "CALL FOR PROPOSALS\n\n" + GUIDE
                                                       + "\n" + extra, language="en")])
        return [lot.get("eligible_applicants")
                for lot in FieldExtractor().run(doc, "grant_call")["lots"].value]

    for extra in ("Applications under Lot 2 can only be submitted by email to the helpdesk.",
                  "Proposals for Lot 1 may be submitted by post or by hand delivery.",
                  "The final conference of Lot 2 will be only open to the public and the press.",
                  "Lot 2 actions are awareness-raising events. The call is only open to "
                  "public bodies established in the EU.",
                  "Lot 2 - Awareness-raising\n4. Eligibility of applicants\nThe call is only "
                  "open to legal persons established in the EU."):
        assert lots_applicants(extra) == [None, None], extra
    assert lots_applicants("Criteri specifici per il lotto 1\nIl lotto è aperto "
                           "esclusivamente alle emittenti televisive nazionali.") == [
        ["emittenti televisive nazionali"], None]
    assert lots_applicants("Lot 2 is only open to public bodies and non-profit "
                           "organisations.") == [None, ["public bodies and non-profit "
                                                        "organisations"]]
