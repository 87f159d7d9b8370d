"""The agreements register on the sample corpus, against gold, with "today" injected."""

from __future__ import annotations

import json
from datetime import date

import pytest

from assistant.library import Library
from assistant.register import AgreementsRegister
from ingest.dates import add_years

from conftest import REPO, run_cli

GOLD = {d["source"]: d for d in json.loads((REPO / "corpus" / "gold.json").read_text())
        ["documents"] if d["type"] == "mou"}


def expected_status(gold_fields: dict, today: date, window_months: int = 6) -> str:
    """Status computed independently from the gold fields (not from extraction)."""
    expiry = gold_fields.get("expiry_date")
    if not expiry:
        return "indefinite" if "indefinite" in gold_fields.get("term", "") else "unknown"
    end, rolled = date.fromisoformat(expiry), False
    if end < today and "automatic" in gold_fields.get("renewal", ""):
        while end < today:
            end = date.fromisoformat(add_years(end.isoformat(), gold_fields["duration_years"]))
        rolled = True
    if end < today:
        return "expired"
    months = (end.year - today.year) * 12 + end.month - today.month - (end.day < today.day)
    if months < window_months:
        return "expiring"
    return "renewed" if rolled else "in_force"


@pytest.fixture(scope="module")
def library(corpus_settings) -> Library:
    return Library(corpus_settings)


@pytest.mark.parametrize("today", [date(2026, 11, 22), date(2027, 1, 1), date(2028, 6, 1)])
def test_rows_and_statuses_match_gold(library, today):
    rows = {r.source: r for r in AgreementsRegister(library, today=today).rows()}
    assert set(rows) == set(GOLD)
    for source, gold in GOLD.items():
        row, fields = rows[source], gold["fields"]
        assert row.status == expected_status(fields, today), (source, today)
        assert row.kind == fields["kind"]
        assert row.signing_date == fields.get("signing_date")
        assert set(row.countries) == set(fields["countries"])
        if "signing_date" in fields:
            assert row.pages["signing_date"] is not None


def test_expiring_agreements_come_first_and_raise_alerts(library):
    register = AgreementsRegister(library, today=date(2027, 1, 1))
    rows = register.rows()
    assert rows[0].status == "expiring"
    assert [r.source for r in register.alerts()] == [
        "alderbrook-vila-serena-sister-city-agreement.pdf"]


def test_automatic_renewal_rolls_the_term_forward(library):
    rows = {r.source: r for r in AgreementsRegister(library, today=date(2028, 6, 1)).rows()}
    falk = rows["alderbrook-falkenwiese-friendship-agreement.pdf"]
    assert falk.status == "renewed" and falk.expiry_date == "2032-03-03"
    assert "renewed automatically" in falk.status_note


def test_filters_and_search_by_meaning(library):
    register = AgreementsRegister(library, today=date(2026, 11, 22))
    assert {r.source for r in register.rows(partner="Falkenwiese")} == {
        "alderbrook-falkenwiese-friendship-agreement.pdf"}
    assert {c for r in register.rows(country="Japan") for c in r.countries} >= {"Japan"}
    assert [r.status for r in register.rows(status="expired")] == ["expired"]
    assert register.rows(area="school exchanges")
    top = register.rows(query="our agreements on forestry")[0]
    assert top.source == "fjallmora-sosnowa-dolina-twinning-charter.pdf"
    with pytest.raises(ValueError):
        register.rows(status="dormant")


def test_cli_agreements_json(corpus_settings):
    out = run_cli(corpus_settings, "agreements", "--status", "expired", "--today", "2026-11-22",
                  "--json")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert [r["source"] for r in rows] == ["port-ashby-san-jacinto-cooperation-mou.txt"]
    assert rows[0]["expiry_date"] == "2026-09-01" and rows[0]["pages"]["expiry_date"]


@pytest.mark.slow
def test_each_agreement_of_a_scanned_toolkit_is_a_row_and_a_letter(real_home) -> None:
    """The SCI toolkit (../shared/real-docs) prints four scanned agreements on pages 4-7:
    read by OCR, each is a register row with its own partners and page, and a letter to
    one partner rests on that agreement's page alone."""
    from dataclasses import replace

    from assistant.config import Settings
    from assistant.letters import LetterWriter

    library = Library(replace(Settings.from_env(), home=real_home))
    rows = [r for r in AgreementsRegister(library, today=date(2026, 11, 22)).rows()
            if r.source == "mou_sci-partnership-agreement-toolkit.pdf"]
    by_partner = {p: r for r in rows for p in r.partners}
    assert len(rows) == 4
    assert {"City of Chicago", "City of Shenyang", "City of Long Beach"} <= set(by_partner)
    assert by_partner["City of Shenyang"].pages["parties"] == 7
    assert by_partner["City of Long Beach"].signing_date == "2000-09-19"
    letter = LetterWriter(library, today=date(2026, 11, 22)).run(
        "Draft a letter from the Mayor of Chicago to the Mayor of Shenyang proposing an "
        "exchange of museum curators.")
    assert not letter.refused, letter.text
    assert "June 1995" in letter.text
    assert {c.page for c in letter.citations} == {7}
