"""A pool of synthetic distractor documents for the evaluations.

The gold corpus holds 17 documents: retrieval over so few is easy. The distractors are
documents an officer's library would also hold (agreements between other towns, other
programmes' calls, other rounds, policy texts), written with the same vocabulary and the
same structure as the gold documents, so that retrieval has to tell them apart.

Rules the pool keeps, each checked by tests/evals/test_report.py:
- every document says ``MARKER`` in its first line (TXT: line 1; PDF: the running header,
  the first line of every page) and again in a note under its title;
- only invented names: no town, person, programme, funder or call id of the gold corpus
  (so a distractor can never contradict or duplicate a gold fact about a gold partner or
  programme), and none of the names the gold questions use to ask about things the corpus
  does not hold (Kirchberg an der Aue, Minato-Hoshikawa);
- deterministic: the same seed gives byte-identical files.

    python -m evals.distractors OUT_DIR [--n 180] [--seed 2026]
"""

from __future__ import annotations

import argparse
import logging
import random
import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

log = logging.getLogger("evals.distractors")

MARKER = "Synthetic distractor generated for Microplomacy evaluations"
# TXT: the title finder skips a first line starting with "Illustrative", so the marker line
# does not become the document's title.
FIRST_LINE = f"Illustrative: {MARKER}."
NOTE = (f"{MARKER}. All towns, programmes, funders and people in it are invented; it is not "
        "part of the sample corpus and describes none of its partners or programmes.")
PREFIX = "synthetic-"
DEFAULT_N = 180
DEFAULT_SEED = 2026

# Words that may appear in invented names although the gold corpus uses them too: they are
# designations and common nouns, never what identifies a partner or a programme.
GENERIC = frozenset(
    "town city municipality commune of the and for fund programme facility initiative scheme "
    "grants grant foundation trust association towns cities municipalities council institute "
    "local democracy cooperation partnership network centre studies affairs international "
    "municipal regional civic green youth rural coastal heritage water active ageing digital "
    "mountain river culture bridges links voices commons arts futures neighbours learning "
    "resilient small places forum european atlantic nordic alpine".split()
)

# --------------------------------------------------------------------------- name pools
# Invented stems per country: (prefixes, suffixes) joined into one word, so no two-word
# gold name ("Port Ashby", "North Caldwell") can be half-matched.
TOWN_PARTS: dict[str, tuple[list[str], list[str]]] = {
    "United Kingdom": (["Brack", "Cawl", "Drax", "Hensel", "Quarn", "Selby", "Thirl"],
                       ["wick", "combe", "thorpe", "hythe", "mere"]),
    "Ireland": (["Ballin", "Kilcar", "Drumla", "Inish"], ["reagh", "mona", "tully", "keel"]),
    "Germany": (["Linden", "Eisen", "Tann", "Weiden", "Hollen"], ["feld", "hausen", "stedt",
                                                                   "bach", "tal"]),
    "Austria": (["Gmunder", "Ober", "Zeller"], ["kogel", "au", "ried"]),
    "France": (["Montal", "Bellac", "Verdon", "Rochem"], ["ieu", "court", "ville", "mare"]),
    "Spain": (["Torre", "Almen", "Cabra", "Villa"], ["seca", "lejos", "mayor", "rubia"]),
    "Italy": (["Castel", "Rocca", "Borgo", "Valle"], ["fiore", "lago", "sole", "vento"]),
    "Portugal": (["Fonte", "Pedra", "Lagoa", "Ribeira"], ["alva", "branca", "mourisca"]),
    "Poland": (["Brzez", "Lipin", "Debow", "Grab"], ["owo", "ice", "niki", "ka"]),
    "Sweden": (["Bjork", "Strand", "Ekes", "Sjo"], ["vik", "holm", "sund", "backa"]),
    "Norway": (["Fjell", "Hamar", "Lys", "Skog"], ["nes", "vaag", "dal", "stad"]),
    "Netherlands": (["Zuider", "Veen", "Hooge", "Dijk"], ["wolde", "loo", "meer", "sluis"]),
    "Czechia": (["Horni", "Lesni", "Kamen"], ["kov", "ovice", "any"]),
    "Japan": (["Asa", "Kita", "Naka", "Taka"], ["gawa", "yama", "hara", "zawa"]),
    "South Korea": (["Han", "Mun", "Seon"], ["gye", "cheon", "pyeong"]),
    "Kenya": (["Mto", "Kisi", "Nyali"], ["wani", "ngoma", "mbeu"]),
    "Ghana": (["Ako", "Bosu", "Nkwa"], ["dua", "kese", "mang"]),
    "Canada": (["Pelham", "Ashcroft", "Tamar"], ["ridge", "brook", "cove"]),
    "United States": (["Harlow", "Greer", "Maple"], ["ton", "ville", "field"]),
    "Mexico": (["Tlal", "Zapo", "Ocot"], ["tepec", "lan", "itlan"]),
    "Chile": (["Quil", "Peum", "Llan"], ["pue", "hue", "quen"]),
    "Brazil": (["Itapo", "Serid", "Jacu"], ["ranga", "oca", "tiba"]),
}
DESIGNATIONS = ["Town", "City", "Municipality", "Commune"]
FIRST_NAMES = ["Harriet", "Owen", "Beatrix", "Callum", "Imogen", "Rupert", "Niamh", "Oskar",
               "Liesel", "Matthias", "Elodie", "Gaspard", "Inmaculada", "Arturo", "Giulia",
               "Lorenzo", "Beatriz", "Duarte", "Zofia", "Kacper", "Sigrid", "Henrik", "Ingvild",
               "Maarten", "Femke", "Radek", "Hiroko", "Takumi", "Minji", "Wanjiku", "Kwabena",
               "Efua", "Marisol", "Joaquin", "Valentina", "Thiago", "Priscilla", "Everett"]
SURNAMES = ["Pembry", "Ashdown", "Fenwright", "Holloway", "Marchbank", "Quenby", "Stallard",
            "Dunleavy", "Kesselring", "Adlhoch", "Vautrin", "Lesueur", "Arrabal", "Zubiri",
            "Castelnuovo", "Ferrandi", "Barroqueiro", "Pacholczyk", "Wrobel", "Ekdahl",
            "Solvik", "Vandersteen", "Kratochvil", "Yanagisawa", "Okuhara", "Seo-Park",
            "Kamau-Ndegwa", "Asantewaa", "Ocampo-Ruiz", "Valdivieso", "Tavernier", "Brightwell"]
DISTINCT = ["Kestrel", "Larkspur", "Tamarack", "Halcyon", "Juniper", "Bellwether", "Lodestar",
            "Quillon", "Verdigris", "Osprey", "Wayfarer", "Saltire", "Cobbleway", "Moorhen",
            "Brightwater", "Thistledown", "Carrow", "Emberlane", "Fernhollow", "Greylag"]
THEMES: list[tuple[str, str, list[str]]] = [
    # (programme words, call-id code, priorities)
    ("Coastal Towns", "COAST", ["coastal erosion", "harbour communities", "marine litter"]),
    ("Heritage Links", "HERIT", ["built heritage", "intangible heritage", "museum cooperation"]),
    ("Green Twinning", "GREEN", ["renewable energy", "energy poverty", "urban greening"]),
    ("Youth Voices", "YOUTH", ["youth participation", "youth councils", "school partnerships"]),
    ("Rural Links", "RURAL", ["rural services", "local food systems", "village shops"]),
    ("Civic Tech", "DIGI", ["digital public services", "open data", "digital skills"]),
    ("Water Commons", "WATER", ["drinking water", "wastewater", "river restoration"]),
    ("Active Ageing", "AGE", ["older people", "intergenerational projects", "care at home"]),
    ("Mountain Futures", "MOUNT", ["mountain tourism", "avalanche preparedness", "pastures"]),
    ("Arts Bridges", "ARTS", ["artist residencies", "festivals", "community theatre"]),
    ("Resilient Neighbours", "RESIL", ["disaster preparedness", "heatwaves", "civil protection"]),
    ("Learning Cities", "LEARN", ["adult education", "public libraries", "language learning"]),
]
KINDS = ["Fund", "Programme", "Facility", "Initiative", "Scheme"]
AREAS = ["youth exchanges", "school partnerships", "vocational training", "renewable energy",
         "flood risk management", "water management", "urban forestry", "public libraries",
         "sport and physical activity", "culture and heritage", "sustainable tourism",
         "local food systems", "digital public services", "public health",
         "care for older people", "volunteer fire services", "circular economy",
         "cycling and mobility", "small business development", "municipal administration",
         "disaster preparedness", "music and festivals", "museum cooperation",
         "coastal management", "biodiversity and beekeeping", "language learning"]
AGREEMENT_KINDS = [
    ("Sister City Agreement", "sister city agreement"),
    ("Friendship Agreement", "friendship agreement"),
    ("Twinning Charter", "twinning charter"),
    ("Memorandum of Understanding on Municipal Cooperation", "memorandum of understanding"),
    ("Cooperation Protocol", "cooperation protocol"),
    ("Letter of Intent on a Future Partnership", "letter of intent"),
]
BODIES = ["Partnership Board", "Cooperation Council", "Steering Group", "Joint Commission",
          "Liaison Committee"]
CURRENCIES = [("EUR", "EUR"), ("GBP", "GBP"), ("USD", "USD"), ("CHF", "CHF")]
ZONES = {"EUR": ["CET", "CEST"], "GBP": ["GMT", "BST"], "USD": ["EST", "ET"], "CHF": ["CET"]}
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 10: "ten"}


@dataclass(frozen=True)
class Town:
    name: str
    designation: str
    country: str

    @property
    def formal(self) -> str:
        return f"{self.designation} of {self.name}"


@dataclass
class Distractor:
    """One synthetic document: its file stem, type, Markdown source and invented names."""

    stem: str
    kind: str  # mou | grant_call | policy_report
    fmt: str  # pdf | txt
    markdown: str
    names: list[str] = field(default_factory=list)

    @property
    def filename(self) -> str:
        return f"{self.stem}.{self.fmt}"


# --------------------------------------------------------------------------- helpers


def long_date(d: date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def random_date(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def slug(text: str, words: int = 6) -> str:
    parts = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(parts[:words])


def money(currency: str, value: int) -> str:
    return f"{currency} {value:,}"


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"


def make_towns(rng: random.Random) -> list[Town]:
    """Every invented town, each once, in a seeded order."""
    towns = []
    for country, (pres, sufs) in TOWN_PARTS.items():
        for pre in pres:
            for suf in sufs:
                towns.append(Town(pre + suf, rng.choice(DESIGNATIONS), country))
    rng.shuffle(towns)
    return towns


def markdown_doc(title: str, short_title: str, body: list[str]) -> str:
    """The corpus builder's Markdown dialect: metadata comment, title, note, body."""
    return "\n\n".join([f"<!-- short-title: {short_title} -->", f"# {title}", f"> {NOTE}",
                        *body]) + "\n"


# --------------------------------------------------------------------------- agreements


def agreement(rng: random.Random, idx: int, a: Town, b: Town) -> Distractor:
    kind_title, kind_name = rng.choice(AGREEMENT_KINDS)
    title = f"{kind_title} between the {a.formal} ({a.country}) and the {b.formal} ({b.country})"
    signed = random_date(rng, date(2006, 1, 1), date(2025, 12, 31))
    areas = rng.sample(AREAS, rng.randint(3, 6))
    body_name = f"{a.name}-{b.name} {rng.choice(BODIES)}"
    years = rng.choice([2, 3, 4, 5, 6, 10, 0])
    notice = rng.choice([3, 6, 12])
    mayor_a, mayor_b = person(rng), person(rng)
    place = rng.choice([a, b])
    yearly = money(rng.choice(["EUR", "USD"]), rng.randrange(5, 60) * 1000)
    body = [
        f"**Parties:** the {a.formal} ({a.country}) and the {b.formal} ({b.country}).",
        "## Preamble",
        f"The {a.formal} and the {b.formal} (hereinafter \"the Parties\"),",
        f"Recalling the contacts between their schools, associations and councils since "
        f"{signed.year - rng.randint(2, 12)};",
        f"Sharing an interest in {areas[0]} and {areas[1]} and in opening international "
        "contacts to all residents;",
        f"Have agreed to conclude this {kind_name}.",
        "## Article 1 - Objective",
        f"The objective of this {kind_name} is to develop practical cooperation between the "
        f"residents, administrations and civil society organisations of {a.name} and "
        f"{b.name}.",
        "## Article 2 - Areas of cooperation",
        "The Parties will cooperate in the following areas:",
        "\n".join(f"{i}. {area};" for i, area in enumerate(areas, 1)),
        "## Article 3 - Implementation",
        f"The Parties shall establish the {body_name}, which shall meet "
        f"{rng.choice(['once a year', 'twice a year', 'every two years'])} and agree a work "
        "plan. Each Party shall designate a contact person in its administration.",
        "## Article 4 - Financial provisions",
        rng.choice([
            "Each Party shall bear its own costs, subject to the availability of funds.",
            "The Parties will seek external funding for joint projects; this Agreement creates "
            "no financial obligations.",
            f"Each Party shall set aside {yearly} per year for joint activities, subject to "
            "its annual budget.",
        ]),
        "## Article 5 - Duration and termination",
        duration_clause(rng, years, signed),
        f"Either Party may terminate it by written notice of {notice} months.",
        "## Signatures",
        f"Done at {place.name} on {long_date(signed)}, in two original copies.",
        "\n".join([f"| For the {a.formal} | For the {b.formal} |", "|---|---|",
                   f"| {mayor_a} | {mayor_b} |", f"| Mayor of {a.name} | Mayor of {b.name} |"]),
    ]
    short = f"{kind_title.split(' on ')[0]} - {a.name} / {b.name}"
    stem = f"{PREFIX}{idx:03d}-{slug(a.name)}-{slug(b.name)}-{slug(kind_name, 3)}"
    return Distractor(stem, "mou", "pdf", markdown_doc(title, short, body),
                      [a.name, b.name, mayor_a, mayor_b, body_name])


def duration_clause(rng: random.Random, years: int, signed: date) -> str:
    if years == 0:
        return ("This Agreement enters into force on signature and is concluded for an "
                "indefinite period.")
    words = NUMBER_WORDS.get(years, str(years))
    renewal = rng.choice([
        f"It shall be renewed automatically for successive periods of {words} years.",
        "It may be renewed by an exchange of letters between the Mayors.",
        "It shall not be renewed automatically; the Parties will review it in its last year.",
    ])
    return (f"This Agreement enters into force on signature and remains in force for {words} "
            f"({years}) years, until {long_date(add_years(signed, years))}. {renewal}")


# --------------------------------------------------------------------------- grant calls


@dataclass(frozen=True)
class Programme:
    name: str
    code: str
    funder: str
    theme: str
    theme_code: str
    priorities: list[str]


def make_programmes(rng: random.Random) -> list[Programme]:
    out = []
    distinct = rng.sample(DISTINCT, len(DISTINCT))
    for i, (theme, code, priorities) in enumerate(THEMES):
        word = distinct[i]
        kind = rng.choice(KINDS)
        name = f"{word} {theme} {kind}"
        acronym = "".join(w[0] for w in name.split()).upper() + "X"
        funder = rng.choice([f"{distinct[-1 - i]} Foundation for Local Cooperation",
                             f"{distinct[-1 - i]} Trust",
                             f"Association of {distinct[-1 - i]} Municipalities"])
        out.append(Programme(name, acronym, funder, theme, code, priorities))
    return out


def grant_call(rng: random.Random, idx: int, prog: Programme, towns: list[Town]) -> Distractor:
    year = rng.randint(2019, 2028)
    round_no = rng.randint(1, 4)
    call_id = f"{prog.code}-{year}-{prog.theme_code}-{round_no:02d}"
    currency, symbol = rng.choice(CURRENCIES)
    lump = rng.random() < 0.35
    low = rng.randrange(5, 40) * 1000
    high = low + rng.randrange(10, 120) * 1000
    budget = high * rng.randint(8, 30)
    cofin = rng.choice([50, 60, 70, 75, 80, 90])
    deadline = random_date(rng, date(year, 1, 15), date(year, 12, 15))
    opened = deadline - timedelta(days=rng.choice([45, 60, 75, 90]))
    hour = rng.choice(["12:00", "17:00", "23:59"])
    zone = rng.choice(ZONES[currency])
    countries = sorted(rng.sample(sorted(TOWN_PARTS), rng.randint(4, 9)))
    min_munis = rng.randint(2, 4)
    min_countries = min(rng.randint(2, 3), min_munis)
    example = rng.choice(towns)
    title = f"{prog.name}: {prog.theme} Call {year} (round {round_no})"
    amount = (f"Each selected project receives a lump sum of {money(symbol, low)}." if lump else
              f"Grants range from {money(symbol, low)} to {money(symbol, high)} per project.")
    body = [
        f"**Programme:** {prog.name}",
        f"**Call identifier:** {call_id}",
        f"**Funder:** {prog.funder}",
        "## 1. About the call",
        f"The {prog.name} supports partnerships of towns that work together on "
        f"{prog.theme.lower()}. This is round {round_no} of the programme, published in "
        f"{opened.year}. Earlier rounds funded projects such as the partnership of the "
        f"{example.formal} ({example.country}) with neighbouring towns.",
        "## 2. Priorities",
        "\n".join(f"- {p};" for p in prog.priorities),
        "## 3. Eligible applicants",
        "The lead applicant must be a " + rng.choice([
            "municipality or an association of municipalities.",
            "municipality with fewer than 50,000 inhabitants.",
            "municipality, a twinning committee or a non-profit organisation."]),
        "## 4. Eligible countries",
        f"Applicants and partners must be located in: {', '.join(countries)}.",
        "## 5. Partnership",
        f"Each project must involve at least {min_munis} municipalities from at least "
        f"{min_countries} eligible countries.",
        "## 6. Funding",
        f"The total budget of this round is {money(symbol, budget)}. {amount}",
        f"The grant covers up to {cofin}% of eligible costs; partners co-finance the rest.",
        "## 7. Duration",
        f"Projects last between {rng.choice([6, 9, 12])} and {rng.choice([18, 24, 36])} months.",
        "## 8. Deadline",
        f"The call opened on {long_date(opened)}. Applications must be submitted by "
        f"{long_date(deadline)} at {hour} {zone}.",
        "## 9. Selection",
        f"Proposals are scored on relevance ({rng.choice([30, 40])}%), quality of the "
        f"partnership ({rng.choice([20, 30])}%), impact ({rng.choice([20, 30])}%) and "
        "value for money (the rest).",
    ]
    stem = f"{PREFIX}{idx:03d}-{slug(prog.name, 4)}-call-{year}-r{round_no}"
    fmt = "txt" if idx % 4 == 3 else "pdf"
    return Distractor(stem, "grant_call", fmt, markdown_doc(title, f"{call_id} call text", body),
                      [prog.name, prog.funder, call_id, example.name])


# --------------------------------------------------------------------------- policy texts

POLICY_TOPICS = [
    "municipal partnerships after the pandemic", "financing town twinning",
    "youth participation in international partnerships", "climate cooperation between towns",
    "evaluating sister city relationships", "small municipalities in city networks",
    "digital tools for twinning committees", "rural towns and international funding",
    "heritage cooperation between towns", "volunteers in municipal partnerships",
]
FINDINGS = [
    "{n} of the {m} municipalities surveyed had at least one dormant partnership.",
    "Partnerships with a named contact person in each administration lasted longer.",
    "Towns below {k} inhabitants relied on volunteers for {p}% of their exchange activity.",
    "Written work plans were the strongest predictor of an active partnership.",
    "Councils rarely evaluated their agreements before renewing them.",
    "Youth exchanges were the first activity to stop when budgets were cut.",
    "Partnerships that applied jointly for external grants met more often.",
    "Officers spent on average {h} hours a month on international relations.",
    "Only {p}% of agreements stated an end date or a review clause.",
    "Schools and sports clubs carried most contacts between partner towns.",
]
RECOMMENDATIONS = [
    "Review every agreement at least once per council term.",
    "Name one implementing body and one contact person per partner.",
    "Budget for international work in the annual plan, however small.",
    "Involve young people in choosing partnership activities.",
    "Pool applications for external funding with partner towns.",
    "Publish a short annual report on international partnerships.",
    "Retire partnerships that have been inactive for five years.",
    "Share translation and interpretation costs between partners.",
]


def policy_text(rng: random.Random, idx: int, towns: list[Town]) -> Distractor:
    topic = rng.choice(POLICY_TOPICS)
    kind = rng.choice(["Policy brief", "Working paper", "Discussion paper", "Practice note"])
    institute = f"{rng.choice(DISTINCT)} Institute for Municipal Affairs"
    authors = [person(rng) for _ in range(rng.randint(1, 3))]
    published = random_date(rng, date(2014, 1, 1), date(2026, 6, 30))
    cases = rng.sample(towns, 3)
    m = rng.randint(40, 400)
    fill = {"n": rng.randint(5, m // 2), "m": m, "k": f"{rng.randint(5, 50) * 1000:,}",
            "p": rng.randint(15, 85), "h": rng.randint(4, 40)}
    findings = [f.format(**fill) for f in rng.sample(FINDINGS, 5)]
    recs = rng.sample(RECOMMENDATIONS, 4)
    title = f"{kind}: {topic[0].upper()}{topic[1:]}"
    body = [
        f"**Authors:** {', '.join(authors)}",
        f"**Published by:** {institute}, {MONTHS[published.month - 1]} {published.year}",
        "## Summary",
        f"This {kind.lower()} looks at {topic} in {m} municipalities. {findings[0]}",
        "## 1. Introduction",
        f"Towns and regions sign agreements with partners abroad, but few know what those "
        f"agreements achieve. We studied {topic} through a survey and three case studies: "
        + ", ".join(f"the {t.formal} ({t.country})" for t in cases) + ".",
        "## 2. Findings",
        "\n".join(f"- {f}" for f in findings[1:]),
        f"In {cases[0].name}, the partnership office reported that "
        f"{rng.choice(AREAS)} and {rng.choice(AREAS)} drew the most participants.",
        "## 3. Recommendations",
        "\n".join(f"{i}. {r}" for i, r in enumerate(recs, 1)),
        "## 4. Conclusion",
        f"Municipal partnerships work when they are planned, resourced and reviewed. "
        f"The {institute} will repeat the survey in {published.year + 2}.",
    ]
    stem = f"{PREFIX}{idx:03d}-{slug(kind, 2)}-{slug(topic, 5)}"
    fmt = "txt" if idx % 3 == 0 else "pdf"
    names = [institute, *authors, *(t.name for t in cases)]
    return Distractor(stem, "policy_report", fmt, markdown_doc(title, kind, body), names)


# --------------------------------------------------------------------------- the pool


def generate(n: int = DEFAULT_N, seed: int = DEFAULT_SEED) -> list[Distractor]:
    """``n`` documents, 40% agreements, 35% calls, 25% policy texts, in a seeded order."""
    rng = random.Random(seed)
    towns = make_towns(rng)
    programmes = make_programmes(rng)
    n_mou, n_call = round(n * 0.40), round(n * 0.35)
    kinds = ["mou"] * n_mou + ["grant_call"] * n_call + ["policy_report"] * (n - n_mou - n_call)
    rng.shuffle(kinds)
    docs: list[Distractor] = []
    for i, kind in enumerate(kinds):
        if kind == "mou":
            a, b = rng.sample(towns, 2)
            while a.country == b.country:
                b = rng.choice(towns)
            docs.append(agreement(rng, i, a, b))
        elif kind == "grant_call":
            docs.append(grant_call(rng, i, rng.choice(programmes), towns))
        else:
            docs.append(policy_text(rng, i, towns))
    return docs


@contextmanager
def _synthetic_pdf_style() -> Iterator[object]:
    """The corpus builder, with the distractor marker as running header text and footer.

    Reusing corpus/build.py gives distractors the same layout as the gold PDFs (headings,
    running header and footer, tables), which is what makes them hard to tell apart.
    """
    from corpus import build

    saved = build.FOOTER_NOTE, build.AUTHOR
    build.FOOTER_NOTE, build.AUTHOR = MARKER, MARKER
    try:
        yield build
    finally:
        build.FOOTER_NOTE, build.AUTHOR = saved


def write(docs: list[Distractor], folder: Path) -> list[Path]:
    """Render each distractor as PDF or TXT into ``folder``; returns the written paths."""
    folder.mkdir(parents=True, exist_ok=True)
    out: list[Path] = []
    with _synthetic_pdf_style() as build, tempfile.TemporaryDirectory() as tmp:
        for doc in docs:
            src = Path(tmp) / f"{doc.stem}.md"
            # The short title becomes the PDF running header: the marker is then the first
            # line of every page, and ingest strips it as a running header from passages.
            text = re.sub(r"<!-- short-title: .*? -->", f"<!-- short-title: {FIRST_LINE} -->",
                          doc.markdown, count=1)
            src.write_text(text, encoding="utf-8")
            source = build.parse(src)
            build.check_charset(source)
            target = folder / doc.filename
            if doc.fmt == "pdf":
                build.render_pdf(source, target)
            else:
                build.render_txt(source, target)
                target.write_text(f"{FIRST_LINE}\n\n{target.read_text(encoding='utf-8')}",
                                  encoding="utf-8", newline="\n")
            out.append(target)
    log.info("wrote %d distractors to %s", len(out), folder)
    return out


def build_pool(folder: Path, n: int = DEFAULT_N, seed: int = DEFAULT_SEED) -> list[Path]:
    return write(generate(n, seed), folder)


# --------------------------------------------------------------------------- collisions


def gold_vocabulary(repo: Path | None = None) -> set[str]:
    """Every word of the gold corpus sources, gold fields and gold eval files, lower-cased.
    The real-document sets (``real_*.jsonl``) are about documents no distractor imitates."""
    repo = repo or Path(__file__).resolve().parents[1]
    paths = [*sorted((repo / "corpus" / "src").glob("*.md")), repo / "corpus" / "gold.json",
             *sorted(p for p in (repo / "evals").glob("*.jsonl")
                     if not p.name.startswith("real_"))]
    words: set[str] = set()
    for p in paths:
        words.update(w.lower() for w in re.findall(r"[^\W\d_]+", p.read_text(encoding="utf-8")))
    return words


def collisions(docs: list[Distractor], vocabulary: set[str] | None = None) -> list[str]:
    """Invented names that share a distinctive word with the gold corpus or gold evals."""
    vocab = gold_vocabulary() if vocabulary is None else vocabulary
    # Body names ("Steering Group"), programme themes and call-id codes are common nouns.
    phrases = [*BODIES, *KINDS, *(t[0] for t in THEMES), *(t[1] for t in THEMES)]
    generic = GENERIC | {w.lower() for p in phrases for w in p.split()}
    bad = []
    for doc in docs:
        for name in doc.names:
            for word in re.findall(r"[^\W\d_]+", name.lower()):
                if len(word) >= 3 and word not in generic and word in vocab:
                    bad.append(f"{doc.stem}: {name!r} ({word})")
    return bad


def gold_names(repo: Path | None = None) -> list[str]:
    """The names gold documents are about: parties, people, programmes, funders, call ids."""
    import json

    repo = repo or Path(__file__).resolve().parents[1]
    gold = json.loads((repo / "corpus" / "gold.json").read_text(encoding="utf-8"))
    names: list[str] = []
    for doc in gold["documents"]:
        fields = doc["fields"]
        for key in ("parties", "signatories", "authors"):
            names.extend(fields.get(key) or [])
        for key in ("programme", "funder", "call_id"):
            if fields.get(key):
                names.append(fields[key])
    return names


def gold_mentions(docs: list[Distractor], repo: Path | None = None) -> list[str]:
    """Words of gold names (parties, people, programmes, funders) found in a distractor.

    Only proper-name words count: a word the gold sources also write in lower case
    ("flood", "civil society", "twinning") is shared vocabulary, which distractors need.
    """
    repo = repo or Path(__file__).resolve().parents[1]
    text = " ".join(p.read_text(encoding="utf-8")
                    for p in sorted((repo / "corpus" / "src").glob("*.md")))
    common = set(re.findall(r"\b[a-z]+\b", text))
    words = {w for name in gold_names(repo) for w in re.findall(r"[^\W\d_]+", name.lower())
             if len(w) >= 3 and w not in common and w not in GENERIC}
    found = []
    for doc in docs:
        present = set(re.findall(r"[^\W\d_]+", doc.markdown.lower()))
        found += [f"{doc.stem}: {w}" for w in sorted(words & present)]
    return found


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--n", type=int, default=DEFAULT_N)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    docs = generate(args.n, args.seed)
    if bad := collisions(docs):
        log.error("names colliding with the gold corpus:\n%s", "\n".join(bad))
        return 1
    paths = write(docs, args.out)
    print(f"{len(paths)} distractors in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
