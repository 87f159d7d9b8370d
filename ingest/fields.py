"""The fields extracted per document type: the contract between extraction, the gold file,
the registry and everything downstream (register, funding radar, letters).

Value conventions: dates are ISO 8601 strings (``YYYY-MM-DD``; ``YYYY-MM`` or ``YYYY`` when
the document is no more precise); amounts are plain numbers (float or int) in the unit of
``currency``; rates are percentages as numbers (80 for 80 %); country names are English
short names ("Portugal", "United States"); lists keep document order without duplicates.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

# The modules whose code decides a record's type, fields and passages. Their source, hashed,
# is the extractor's version: a record written by another version is read again, passages
# included (llama_index keys its cache by the transformations the same way), so an improved
# extractor or chunker reaches the documents already stored.
EXTRACTION_MODULES = ("classify.py", "extract", "lots.py", "cover.py", "dates.py", "amounts.py",
                      "countries.py", "numbers.py", "fields.py", "language.py", "reading.py",
                      "normalize.py", "chunk.py", "ocr.py", "ocr_rapid.py")


@cache
def extractor_version() -> str:
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for name in EXTRACTION_MODULES:
        path = here / name
        for file in sorted(path.glob("*.py")) if path.is_dir() else [path]:
            digest.update(file.relative_to(here).as_posix().encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()[:12]


FIELD_SPEC: dict[str, dict[str, str]] = {
    "mou": {
        "title": "str: the document's title as printed",
        "kind": "str: one of mou | sister_city | friendship | twinning | letter_of_intent | "
        "convention (between states, on their territorial authorities)",
        "parties": "list[str]: the municipalities/regions that are party, as named "
        "('Town of Alderbrook', 'Municipality of Vila Serena')",
        "countries": "list[str]: the parties' countries",
        "signing_date": "str ISO date",
        "signing_place": "str",
        "signatories": "list[str]: person names only, no titles ('Maria Okafor')",
        "areas": "list[str]: areas/fields of cooperation, short ('culture', 'school exchanges')",
        "implementing_body": "str: committee / association / working group that implements it",
        "financial_clause": "str: the gist, e.g. 'each party bears its own costs'",
        "duration_years": "int",
        "expiry_date": "str ISO date: when it ends unless renewed (computed from entry into "
        "force + duration when the text gives those)",
        "renewal": "str: e.g. 'automatically renewed for successive periods of 5 years'",
        "term": "str: the term as stated when it has no number of years, e.g. 'concluded for "
        "an indefinite period' ('voor onbepaalde tijd')",
        "termination": "str: e.g. 'written notice six months in advance'",
        "languages": "list[str]: languages of the equally authentic texts",
        "agreements": "list[dict]: when the document holds several agreements (a toolkit "
        "of sample agreements, a report with agreements annexed), each one's title, pages "
        "and own fields",
    },
    "grant_call": {
        "title": "str",
        "programme": "str: programme name",
        "call_id": "str: call identifier, e.g. 'PROG-2025-TOWN-NET'",
        "funder": "str: funding body",
        "themes": "list[str]: objectives / priorities, short",
        "eligible_applicants": "list[str]: e.g. 'municipalities', 'twinning committees'",
        "eligible_countries": "list[str]",
        "partnership_min": "int: minimum number of partners/municipalities",
        "call_budget": "number: total budget of the call",
        "amount_min": "number: minimum grant per project (equal to amount_max for lump sums)",
        "amount_max": "number: maximum grant per project",
        "currency": "str: ISO 4217 code (EUR, USD, GBP, ...)",
        "cofinancing_rate": "number: max share of eligible costs the funder pays, in %",
        "duration_months": "int: maximum project duration",
        "opening_date": "str ISO date",
        "published": "str ISO date: the issue of the official journal that published it",
        "deadline": "str ISO date",
        "deadline_time": "str HH:MM (24h)",
        "deadline_tz": "str: time zone as written ('CET', 'Brussels time', 'EST')",
        "lots": "list[dict]: a call divided into lots, each {name, amount_min, amount_max, "
                "cofinancing_rate, duration_months} as the text gives them; the call-level "
                "figures are then the span across lots",
    },
    "policy_report": {
        "title": "str",
        "authors": "list[str]: person names",
        "publisher": "str",
        "date": "str ISO date (or YYYY-MM / YYYY)",
        "organisations": "list[str]: named organisations, networks, programmes, laws",
        "summary": "str: first substantive sentences (abstract/executive summary)",
    },
    "other": {
        "title": "str",
    },
}
