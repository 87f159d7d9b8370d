"""The values layer: dates, times, amounts, percentages, countries and number words.

ingest/dates.py, amounts.py, countries.py and numbers.py are the one place every caller
reads values from; these tables pin down what an officer gets.
"""

from __future__ import annotations

import pytest

from ingest import countries, dates
from ingest.amounts import currency_code, dollar_of, find_amounts, find_percents, parse_number
from ingest.countries import alpha_2, country_names, currency_of, find_countries, normalise
from ingest.dates import date_order, find_dates, find_times, first_date, parse_date
from ingest.numbers import digits, to_int

# --- dates -----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "lang", "iso"), [
    ("15 de junio de 2022", "es", "2022-06-15"), ("15 giugno 2022", "it", "2022-06-15"),
    ("1er mars 2024", "fr", "2024-03-01"), ("15. Juni 2022", "de", "2022-06-15"),
    ("17 mei 1991", "nl", "1991-05-17"), ("5 de março de 2020", "pt", "2020-03-05"),
    ("1º de março de 2020", "pt", "2020-03-01"), ("15 czerwca 2022", "pl", "2022-06-15"),
    ("1 października 2020", "pl", "2020-10-01"), ("2022年6月15日", "ja", "2022-06-15"),
    ("the 13th day of March, 2001", "en", "2001-03-13"), ("March 3, 2021", "en", "2021-03-03"),
    ("Mar. 3, 2021", "en", "2021-03-03"), ("May 9th, 2020", "en", "2020-05-09"),
    ("JUNE 5,1995", "en", "1995-06-05"),
    ("3 Sept 2021", "en", "2021-09-03"), ("marzo 2011", "it", "2011-03"),
    ("Dezember 2020", "de", "2020-12"), ("2022年6月", "ja", "2022-06"),
    ("2023-04-05", "en", "2023-04-05"), ("15.06.2022", "de", "2022-06-15"),
    pytest.param("2022/06/15", "ja", "2022-06-15"),
])
def test_written_dates(text: str, lang: str, iso: str) -> None:
    hits = find_dates(f"Signed on {text} by both parties.", lang)
    assert [(h.iso, h.text) for h in hits] == [(iso, text)]
    assert parse_date(text, lang) == iso


def test_parse_date_spelled_out_day() -> None:
    assert parse_date("le premier mars 2024", "fr") == "2024-03-01"


@pytest.mark.parametrize(("text", "lang", "country", "iso"), [
    ("10/07/2025", "en", "United States", "2025-10-07"), ("10/07/2025", "en", "US", "2025-10-07"),
    ("10/07/2025", "en", None, "2025-07-10"), ("10/07/2025", "en", "United Kingdom", "2025-07-10"),
    ("31.03.2011", "it", None, "2011-03-31"), ("31.03.2011", "it", "Italy", "2011-03-31"),
    ("4.5.2022", "de", None, "2022-05-04"),
])
def test_numeric_date_order(text: str, lang: str, country: str | None, iso: str) -> None:
    assert [h.iso for h in find_dates(text, lang, country)] == [iso]


@pytest.mark.parametrize(("lang", "country", "order"), [
    ("en", None, "DMY"), ("en", "United States", "MDY"), ("en", "United Kingdom", "DMY"),
    ("en", "Canada", "YMD"), ("it", None, "DMY"), ("de", None, "DMY"), ("nl", None, "DMY"),
    ("pl", None, "DMY"), ("ja", None, "YMD"),
])
def test_date_order(lang: str, country: str | None, order: str) -> None:
    assert date_order(lang, country) == order


@pytest.mark.parametrize("text", ["31/02/2020", "2021-02-30", "30.02.2020"])
def test_impossible_dates_yield_nothing(text: str) -> None:
    assert find_dates(text, "en") == []
    assert first_date(text) is None


def test_the_year_a_file_name_gives() -> None:
    from ingest.dates import year_in_name

    assert year_in_name("report_pw-international-agreements-mining-2025.pdf") == 2025
    assert year_in_name("uploads/mou-1991-nl.md") == 1991
    # a period or a date stamp gives no single year; nor does a name without one
    assert year_in_name("interreg-2021-2027-guide.pdf") is None
    assert year_in_name("scan-20251201.pdf") is None
    assert year_in_name("agreement.pdf") is None


def test_first_date_and_arithmetic() -> None:
    text = "Call opened marzo 2011, deadline 15 giugno 2022."
    assert first_date(text, lang="it") == "2011-03"
    assert first_date(text, full_only=True, lang="it") == "2022-06-15"
    assert dates.add_years("2020-02-29", 1) == "2021-02-28"
    assert dates.add_months("2021-01-31", 1) == "2021-02-28"
    assert dates.add_months("2021-11-15", 3) == "2022-02-15"


# --- times -----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "hhmm", "tz"), [
    ("17:00 CET", "17:00", "CET"), ("5 p.m. (Brussels time)", "17:00", "Brussels time"),
    ("10:00 CET (Brussels time)", "10:00", "CET"), ("11:59 p.m. Eastern Time (ET)", "23:59", "ET"),
    ("1.30 p.m. CEST (Brussels time)", "13:30", "CEST"), ("3 p.m. GMT+1", "15:00", "GMT+1"),
    ("10:00 Central European Time", "10:00", "Central European Time"),
    ("12 noon CET", "12:00", "CET"), ("23.59 hrs CEST", "23:59", "CEST"),
    ("9:30 a.m.", "09:30", None), ("14h30", "14:30", None), ("12 a.m.", "00:00", None),
])
def test_times_keep_zone(text: str, hhmm: str, tz: str | None) -> None:
    assert [(h.hhmm, h.tz) for h in find_times(f"Submit by {text}.")] == [(hhmm, tz)]
    # a bare number is not a time
    assert [h.hhmm for h in find_times(f"5 years, 3 partners, by {text}")] == [hhmm]


def test_numeric_date_is_not_a_time() -> None:
    hits = find_times("Deadline: 10.07.2025 at 17:00 CET")
    assert [(h.hhmm, h.tz) for h in hits] == [("17:00", "CET")]


# --- amounts ---------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "lang", "country", "value", "currency"), [
    ("€30,000", None, None, 30000, "EUR"), ("30 000 €", "fr", None, 30000, "EUR"),
    ("30\u00a0000 €", "fr", None, 30000, "EUR"), ("EUR 30,000", None, None, 30000, "EUR"),
    ("30,000 EUR", None, None, 30000, "EUR"), ("USD 1.2 million", None, None, 1_200_000, "USD"),
    ("1.2 million US dollars", "en", None, 1_200_000, "USD"),
    ("150.000 euro", "it", None, 150000, "EUR"),
    ("10 million euros", "en", None, 10_000_000, "EUR"),
    ("1,2 milioni di euro", "it", None, 1_200_000, "EUR"),
    ("5 miljoen euro", "nl", None, 5_000_000, "EUR"),
    ("2,5 Mio EUR", "de", None, 2_500_000, "EUR"), ("2,5 Mio. EUR", "de", None, 2_500_000, "EUR"),
    ("£5k", "en", None, 5000, "GBP"), ("2 Mrd. Euro", "de", None, 2_000_000_000, "EUR"),
    ("3 bn GBP", "en", None, 3_000_000_000, "GBP"), ("C$ 10,000", "en", None, 10000, "CAD"),
    ("US$ 5 million", "en", None, 5_000_000, "USD"), ("R$ 1.000", "pt", "Brazil", 1000, "BRL"),
    ("CHF 1'000", "de", None, 1000, "CHF"), ("$2,500", "es", "Mexico", 2500, "MXN"),
    ("$2,500", "en", None, 2500, "USD"), ("$2,500", "en", "Canada", 2500, "CAD"),
    ("50,000 dollars", "en", "Australia", 50000, "AUD"),
    ("1.500 EUR", "it", None, 1500, "EUR"), ("1,500 EUR", "en", None, 1500, "EUR"),
    ("30.000,50 EUR", "de", None, 30000.5, "EUR"), ("EUR 30,000.50", "en", None, 30000.5, "EUR"),
    ("€ 1.234.567,89", "it", None, 1234567.89, "EUR"), ("150 000 PLN", "pl", None, 150000, "PLN"),
    pytest.param("150 000 zł", "pl", None, 150000, "PLN"),
    pytest.param("$1.000.000", "es", "Argentina", 1_000_000, "ARS"),
])
def test_amounts(text: str, lang: str | None, country: str | None, value: float,
                 currency: str) -> None:
    hits = find_amounts(f"Total budget: {text} (max).", lang, country)
    assert [(a.value, a.currency, a.text) for a in hits] == [(value, currency, text)]


def test_several_amounts_and_none() -> None:
    hits = find_amounts("a budget of EUR 1.500 and USD 2,000; 10 % co-financing")
    assert [(a.value, a.currency, a.text) for a in hits] == [
        (1500, "EUR", "EUR 1.500"), (2000, "USD", "USD 2,000")]
    assert find_amounts("30,000 participants in 12 countries") == []


@pytest.mark.parametrize(("raw", "value"), [
    ("1.500", 1500), ("1,500", 1500), ("30.000,50", 30000.5), ("30,000.50", 30000.5),
    ("1.2", 1.2), ("1,2", 1.2), ("30 000", 30000), ("1'000", 1000), ("1.234.567,89", 1234567.89),
])
def test_parse_number(raw: str, value: float) -> None:
    assert parse_number(raw) == value


def test_currency_markers() -> None:
    assert [currency_code(m) for m in ("€", "euros", "USD", "C$", "MX$", "$")] == [
        "EUR", "EUR", "USD", "CAD", "MXN", "USD"]
    assert currency_code("$", "Mexico") == "MXN"
    assert currency_code("dollari", "Italy") == "USD"
    assert currency_code("florins of Narnia") is None
    assert [dollar_of(c) for c in ("Mexico", "Canada", "Germany", None)] == [
        "MXN", "CAD", "USD", "USD"]


@pytest.mark.parametrize(("text", "value"), [
    ("an increase of 15%", 15), ("7.5 %", 7.5), ("20 per cent", 20), ("30 percent", 30),
    ("12,5 per cento", 12.5), ("10 por ciento", 10), ("25 procent", 25),
    ("5 pour cent", 5), ("3,5 Prozent", 3.5),
])
def test_percents(text: str, value: float) -> None:
    assert [v for v, _, _ in find_percents(f"Co-financing: {text}.")] == [value]


# --- countries -------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "english", "code"), [
    ("Paesi Bassi", "Netherlands", "NL"), ("España", "Spain", "ES"), ("espana", "Spain", "ES"),
    ("Deutschland", "Germany", "DE"), ("Nederland", "Netherlands", "NL"),
    ("Holland", "Netherlands", "NL"), ("Polska", "Poland", "PL"), ("Brasil", "Brazil", "BR"),
    ("Stati Uniti", "United States", "US"), ("Royaume-Uni", "United Kingdom", "GB"),
    ("UK", "United Kingdom", "GB"), ("Russian Federation", "Russia", "RU"),
    ("ドイツ", "Germany", "DE"),
    pytest.param("日本", "Japan", "JP"),
])
def test_normalise(name: str, english: str, code: str) -> None:
    assert (normalise(name), alpha_2(name)) == (english, code)


def test_normalise_unknown_demonym_and_english_names() -> None:
    assert (normalise("Narnia"), normalise("Portuguese")) == (None, "Portugal")
    assert countries.DEMONYMS["Dutch"] == "NL"
    assert [countries.english_name(c) for c in ("KR", "VA")] == ["South Korea", "Vatican City"]


@pytest.mark.parametrize(("text", "kw", "names"), [
    ("Partners from the US and the UK.", {}, ["United States", "United Kingdom"]),
    ("Let us know; tell us about US rules.", {}, ["United States"]),
    ("Lead: España; partners: Paesi Bassi, Deutschland.", {}, ["Spain", "Netherlands", "Germany"]),
    ("Spain, Italy and Spain again", {}, ["Spain", "Italy"]),
    ("Partners in Chad and Jordan.", {}, ["Chad", "Jordan"]),
    ("we will chad the turkey", {}, []),
    ("projects in portugal and spain", {}, []),
    ("projects in portugal and spain", {"any_case": True}, ["Portugal", "Spain"]),
    ("Portuguese municipalities", {}, []),
    ("Portuguese municipalities", {"demonyms": True}, ["Portugal"]),
    ("Dutch and German partners", {"demonyms": True}, ["Netherlands", "Germany"]),
    ("Guinea-Bissau and Guinea", {}, ["Guinea-Bissau", "Guinea"]),
    ("the Dutch-German treaty", {"demonyms": True}, ["Netherlands", "Germany"]),
    ("a Spain-Portugal line", {}, ["Spain", "Portugal"]),
    ("North Rhine-Westphalia", {"demonyms": True}, []),
    # demonyms made from the country's name, beside the irregular ones
    ("a Moldovan town with Ukrainian and Brazilian partners", {"demonyms": True},
     ["Moldova", "Ukraine", "Brazil"]),
    ("a Moldovan town", {}, []),
    # one that begins another's name ("Dominica", "Dominican Republic") names neither, one
    # that two names give is the listed one's ("Nigerian": Nigeria, not Niger), and one
    # that means something else more often is none ("Georgian town houses")
    ("Nigerian and Dominican partners", {"demonyms": True}, ["Nigeria"]),
    ("Georgian town houses", {"demonyms": True}, []),
    pytest.param("日本とドイツのパートナー", {}, ["Japan", "Germany"]),
])
def test_country_names(text: str, kw: dict[str, bool], names: list[str]) -> None:
    assert country_names(text, **kw) == names


def test_country_hits_carry_offsets() -> None:
    text = "Partners from the US and Nederland"
    assert [(h.alpha_2, text[h.start:h.end]) for h in find_countries(text)] == [
        ("US", "US"), ("NL", "Nederland")]


def test_usa_is_one_hit() -> None:
    assert len(find_countries("Made in USA.")) == 1


def test_currency_of() -> None:
    assert [currency_of(c) for c in ("Mexico", "Italia", "UK", "Poland")] == [
        "MXN", "EUR", "GBP", "PLN"]
    assert currency_of("Narnia") is currency_of(None) is None


# --- number words ----------------------------------------------------------------------

@pytest.mark.parametrize(("token", "lang", "value"), [
    ("five", "en", 5), ("thirty-six", "en", 36), ("Twelve", "en", 12), ("12", "en", 12),
    ("cinque", "it", 5), ("ventitré", "it", 23), ("vijf", "nl", 5), ("cinq", "fr", 5),
    ("fünf", "de", 5), ("dreiundzwanzig", "de", 23), ("cinco", "es", 5),
    ("several", "en", None), ("", "en", None),
])
def test_to_int(token: str, lang: str, value: int | None) -> None:
    assert to_int(token, lang) == value


@pytest.mark.parametrize(("text", "lang", "out"), [
    ("a period of five (5) years", "en", "a period of 5 (5) years"),
    ("twenty-five partners", "en", "25 partners"),
    ("durata di tre anni", "it", "durata di 3 anni"),
    ("vijf jaar", "nl", "5 jaar"),
    ("pięć lat", "pl", "pięć lat"),  # no text2num for Polish: left as written
])
def test_digits(text: str, lang: str, out: str) -> None:
    assert digits(text, lang) == out


# --- what a review found wrong, kept right ------------------------------------------------

@pytest.mark.parametrize(("text", "times"), [
    ("Article 24 (CET)", []), ("Section 3 (CET)", []), ("in 3 years time", []),
    ("(Annex 2, Brussels time applies)", []),
    ("entro le 24 (ora di Bruxelles) del 30 settembre 2011", [("24:00", "ora di Bruxelles")]),
    ("by 17:00 Brussels time", [("17:00", "Brussels time")]),
])
def test_a_number_beside_a_zone_is_not_always_a_time(text: str, times: list) -> None:
    assert [(t.hhmm, t.tz) for t in find_times(text)] == times


def test_us_dates_after_the_19th_and_foreign_months_in_english_text() -> None:
    assert [h.iso for h in find_dates("10/31/2025", "en", "United States")] == ["2025-10-31"]
    assert find_dates("The partners set 2025 as the target year", "en") == []
    assert [h.iso for h in find_dates("entro set 2025", "it")] == ["2025-09"]


@pytest.mark.parametrize(("text", "lang", "names"), [
    ("Prince Edward Island", "en", []), ("Maurice Dupont, Mayor of Lyon", "en", []),
    ("Island und Deutschland", "de", ["Iceland", "Germany"]), ("CONTACT US", None, []),
    ("Paesi Bassi", "it", ["Netherlands"]),
    ("het Koninkrijk der Nederlanden", "nl", ["Netherlands"]),  # an official name
])
def test_names_in_another_language_count_in_that_language(text, lang, names) -> None:
    assert country_names(text, lang=lang) == names


def test_a_language_is_not_a_country() -> None:
    text = "run English language classes with our twin town in Portugal"
    assert country_names(text, demonyms=True, any_case=True) == ["Portugal"]
    assert countries.english_name("CD") == "Democratic Republic of the Congo"


@pytest.mark.parametrize(("text", "found"), [
    ("5,000,000円", [(5000000, "JPY")]), ("500万円", [(5000000, "JPY")]),
    ("USD 2 mil", []), ("Budget for 2024 EUR 1,000,000", [(1000000, "EUR")]),
])
def test_amounts_in_yen_and_ambiguous_scales(text: str, found: list) -> None:
    assert [(a.value, a.currency) for a in find_amounts(text)] == found


def test_the_document_being_read_sets_order_dollar_and_names() -> None:
    from ingest.reading import reading

    with reading("en", "United States"):
        assert [h.iso for h in find_dates("10/07/2025")] == ["2025-10-07"]
    with reading("es", "Mexico"):
        assert find_amounts("$2,500")[0].currency == "MXN"
    assert [h.iso for h in find_dates("10/07/2025")] == ["2025-07-10"]


def test_a_region_says_its_country_when_the_text_does_not() -> None:
    from ingest.countries import region_countries

    hits = region_countries("Un municipio de Monterrey, Nuevo León, hermanado con una ciudad "
                            "de Texas; een gemeente in Noord-Brabant; wir in Niedersachsen.")
    assert [(h.text, h.name) for h in hits] == [("Nuevo León", "Mexico"),
                                                ("Texas", "United States"),
                                                ("Noord-Brabant", "Netherlands"),
                                                ("Niedersachsen", "Germany")]
    # a name several countries give a region, a word that says where, and a lower-case
    # word name no region
    assert region_countries("Córdoba, the North, the south of Limburg, a texas hold") == []
