"""Policy reports: authors, organisations, year, summary."""

from __future__ import annotations

import re
from typing import Any

from ingest.dates import find_dates, first_date
from ingest.extract.doctext import (
    DocText,
    dedupe,
    find_heading,
    is_heading_line,
    labelled,
    norm_key,
    section_lines,
    strip_paren,
    strip_trailing,
)
from ingest.extract.patterns import KNOWN_NETWORKS, PERSON_NAME_RE, get_nlp
from ingest.extract.people import clean_person, cover_authors
from ingest.models import Field


def read_report(dt: DocText) -> dict[str, Field]:
    out: dict[str, Field] = {}
    first = dt.text[:2500]

    snippets: list[tuple[str, int]] = []
    byline = re.search(
        r"(?im)^\s*(?:by|authors?|written by|prepared by|edited by)\s*:?\s+(?P<a>[^\n]{3,160})$",  # noqa: E501 (one regex alternative per line reads better than a split)
        first,
    ) or re.search(  # a labelled author line may close the report instead
        r"(?m)^\s*(?:Authors?|Written by|Prepared by)\s*:?\s+(?P<a>[^\n]{3,120})$",
        dt.text,
    )
    if byline:
        snippets.append((byline.group("a"), byline.start("a")))
    pub = re.search(r"(?im)^\s*(?:published by|publisher)\s*:?\s+(?P<p>[^\n]{3,160})$", first)
    if pub:
        snippets.append((pub.group("p"), pub.start("p")))
    summary = _summary(dt)
    # spaCy reads the byline and the summary only: ~1,000 chars per report, not the report
    if summary:
        snippets.append((summary.value, dt.text.find(summary.value[:40])))
    docs = list(get_nlp().pipe([s for s, _ in snippets], batch_size=8))
    summary_doc = docs[-1] if summary else None
    if summary_doc is not None:
        summary_doc.user_data["offset"] = max(0, snippets[-1][1])

    authors: list[tuple[str, int]] = []
    if byline:
        bdoc = docs[0]
        persons = [e.text for e in bdoc.ents if e.label_ == "PERSON"]
        raw = re.split(r"\s*(?:,|;|&|\band\b)\s*", byline.group("a"))
        names = [clean_person(x) for x in raw if x.strip()]
        names = [n for n in names if n and PERSON_NAME_RE.match(n)]
        for n in names or persons:
            authors.append((clean_person(n), byline.start("a")))
    if pub:
        pdoc = docs[1 if byline else 0]
        # "Institute X, Policy Report No. 14": the series is not the publisher
        val = strip_paren(strip_trailing(re.split(r",\s+", pub.group("p"), maxsplit=1)[0]))
        is_person = any(e.label_ == "PERSON" and e.text.strip() == val for e in pdoc.ents) or (
            PERSON_NAME_RE.match(val)
            and not re.search(
                r"\b(?:Institute|Network|Council|Forum|Foundation|University|Press|Centre|Center|"
                r"Association|Office|Ministry|Group|Ltd|Inc)\b",
                val,
            )
        )
        if is_person and not authors:
            authors.append((val, pub.start("p")))
        elif not is_person:
            out["publisher"] = dt.field(val, pub.start("p"))
    authors = authors or cover_authors(first)
    if authors:
        out["authors"] = Field(
            dedupe(a for a, _ in authors),
            dt.page_at(authors[0][1]),
            dt.sentence_at(authors[0][1]),
        )
    if "publisher" not in out:
        m = re.search(
            r"(?:©|\(c\)|copyright)\s*(?:\d{4}\s*)?(?P<p>[A-Z][^\n.,]{2,80})", dt.text, re.I
        )
        if m:
            out["publisher"] = dt.field(m.group("p").strip(), m.start("p"))

    lab = labelled(dt, r"date|published|publication date|issued", 3000)
    d = first_date(lab[0]) if lab else None
    if lab and d:
        out["date"] = dt.field(d, lab[1])
    else:
        hits = find_dates(first)
        if hits:
            out["date"] = dt.field(hits[0].iso, hits[0].start)

    skip = {
        norm_key(x) for x in (out.get("publisher", Field("")).value, *[a for a, _ in authors])
    }
    meta_end = max(
        (
            m.end()
            for m in re.finditer(
                r"(?im)^\s*(?:by|authors?|written by|published by|publisher|date[\w ]*)\s*:?[^\n]*$",  # noqa: E501 (one regex alternative per line reads better than a split)
                dt.text[:2500],
            )
        ),
        default=0,
    )
    orgs = _organisations(dt, meta_end, skip, summary_doc)
    if orgs:
        out["organisations"] = orgs

    if summary:
        out["summary"] = summary
    return out


# ---------------------------------------------------------------------------------------
# helpers for reports


_ORG_HEAD = (
    r"(?:Association|Council|Centre|Center|Institute|Forum|Network|Alliance|Foundation|"
    r"Conference|League|Agency|Programme|Program|Agreement|Goals|Act|Union|Nations|Parliament|"
    r"Covenant|Department|Ministry|Committee|Secretariat|Organisation|Organization|Federation|"
    r"Bank|Office|Partnership|Initiative)"
)
_CAP = r"[A-Z][\w'’&-]*"
ORG_RE = re.compile(
    rf"\b(?P<n>(?:{_CAP}\s+(?:(?:and|for|of|on)\s+)?){{0,5}}{_ORG_HEAD}"
    rf"(?:\s+(?:of|for|on)\s+(?:the\s+)?{_CAP}(?:\s+(?:(?:and|for|of|on)\s+)?{_CAP}){{0,5}})?)"
)
_SENTENCE_WORDS = {
    "The",
    "In",
    "This",
    "Its",
    "Our",
    "A",
    "An",
    "Their",
    "Both",
    "Each",
    "For",
    "Under",
    "By",
    "With",
    "Through",
    "At",
    "As",
    "Many",
    "Most",
    "Some",
    "Several",
    "Every",
}


def _organisations(dt: DocText, meta_end: int, skip: set[str], summary_doc: Any) -> Field | None:
    """Known networks, names built on organisation head words ('... Council of X', 'X Act'),
    and spaCy ORG/LAW entities in the summary. The byline block (authors, publisher) is
    not content, so it is skipped."""
    found: list[tuple[int, str]] = []
    text = dt.text
    for name in KNOWN_NETWORKS:
        m = re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text[meta_end:])
        if m:
            found.append((meta_end + m.start(), name))
    for m in ORG_RE.finditer(text, meta_end):
        words = m.group("n").split()
        while words and words[0] in _SENTENCE_WORDS:
            words = words[1:]
        n = " ".join(words)
        if len(words) >= 2 and not re.search(r"\n", n):
            found.append((m.start("n"), n))
    if summary_doc is not None:
        base = summary_doc.user_data.get("offset", 0)
        for ent in summary_doc.ents:
            if ent.label_ in ("ORG", "LAW") and len(ent.text.split()) >= 2 and "\n" not in ent.text:
                found.append(
                    (base + ent.start_char, re.sub(r"^the\s+", "", ent.text.strip(), flags=re.I))
                )
    found.sort()
    names = [n for n in dedupe(n for _, n in found) if norm_key(n) not in skip]
    # a short form inside a longer one adds nothing ("C40" in "C40 Cities ..."), nor does an
    # acronym of another item ("UCLG" for "United Cities and Local Governments")
    names = [n for n in names if not any(n != o and n in o for o in names)]
    names = [n for n in names if not (n.isupper() and any(_initials(o) == n for o in names))]
    if not names:
        return None
    first = next(p for p, n in found if n in names)
    return Field(names, dt.page_at(first), dt.sentence_at(first))


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w[:1].isupper())


def _summary(dt: DocText, max_words: int = 60) -> Field | None:
    heading = find_heading(
        dt,
        r"^(?:\W*\d*\.?\s*)?(?:abstract|executive summary|summary|key "
        r"findings|overview)\b",
    )
    start = None
    if heading is not None:
        lines = section_lines(dt, heading)
        if lines:
            start = lines[0].start
    if start is None:
        # first paragraph that reads like prose: long enough, not a caption or byline
        for ln in dt.lines:
            if len(ln.text.split()) >= 12 and not re.match(
                r"(?i)(?:photo|image|by|published)\b", ln.text
            ):
                start = ln.start
                break
    if start is None:
        return None
    words = 0
    picked: list[str] = []
    for _, sent in dt.sentences(start, min(len(dt.text), start + 3000)):
        if is_heading_line(sent) and picked:
            break
        picked.append(sent)
        words += len(sent.split())
        if words >= max_words * 0.6:
            break
    summary = " ".join(picked)
    w = summary.split()
    if len(w) > max_words:
        summary = " ".join(w[:max_words]) + "…"
    return Field(summary, dt.page_at(start), summary[:300])
