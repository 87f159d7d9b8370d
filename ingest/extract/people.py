"""People in a document: signatories under "For the ..." lines, authors on a cover, names
without their titles."""

from __future__ import annotations

import re

from ingest.extract.doctext import squash
from ingest.extract.patterns import HONORIFIC_RE, NOT_NAME_WORDS, PERSON_NAME_RE, ROLE_RE, get_nlp
from ingest.normalize import capitalised

_EMAIL = re.compile(r"\S+@\S+\.\w+|\S+@domain\b")


def cover_authors(first: str) -> list[tuple[str, int]]:
    """A paper's cover: each author's name on a line of its own, their affiliation and
    e-mail address on the next lines, all before the abstract."""
    end = re.search(r"(?im)^\s*(?:abstract|summary|introduction)\b", first)
    lines = [(m.group(0).strip(), m.start()) for m in
             re.finditer(r"[^\n]+", first[: end.start() if end else len(first)])]
    candidates: list[tuple[str, int]] = []
    for i, (line, pos) in enumerate(lines):
        name = clean_person(line)
        words = name.split()
        if (2 <= len(words) <= 4 and all(w[0].isupper() and w.replace("-", "").isalpha()
                                         for w in words)
                and any(_EMAIL.search(nxt) for nxt, _ in lines[i + 1:i + 5])):
            candidates.append((name, pos))
    if not candidates:
        return []
    # a name the pattern of names fits, or one spaCy reads as a person ("Michał Taczała"),
    # never an organisation ("Warsaw University")
    docs = get_nlp().pipe([n for n, _ in candidates])
    return [(n, pos) for (n, pos), d in zip(candidates, docs, strict=True)
            if not any(e.label_ in ("ORG", "GPE", "FAC") for e in d.ents)
            and (PERSON_NAME_RE.fullmatch(n) or any(e.label_ == "PERSON" for e in d.ents))]


def clean_person(s: str) -> str:
    s = squash(s.replace("*", ""))
    s = re.sub(r"^\(signed\)\s*|^signed:?\s*|^name:?\s*", "", s, flags=re.I)
    s = HONORIFIC_RE.sub("", s)
    return s.strip(" ,.;:")


# The words that open a party's line in a signature block, in the languages officers meet
# ("For the Town of X", "Voor het Koninkrijk der Nederlanden", "Za Republiku Sloveniju").
_PARTY_CUE = (r"\b(?:For|On behalf of|Voor|Namens|Pour|Au nom d[eu]|Per|Por|Pela|Pelo|Für|"
              r"Im Namen d\w+|För|Za|W imieniu|Pentru)\s")
_PARTY = re.compile(_PARTY_CUE)
_FOR_RE = re.compile(
    _PARTY_CUE + r"\s*(?:the\s+|a\s+|o\s+|la\s+|el\s+|die\s+)?(?P<who>[^:\n\u00b6]{2,100}?)\s*:\s*"
)
# "Voor het Koninkrijk der Nederlanden, (w.g.) H. VAN DEN BROEK (w.g.) I. DALES": after a
# party, each signatory follows the mark of a signed original ("(signed)", Dutch "(w.g.)",
# German "(gez.)", French "(signé)", Spanish "(firmado)", Italian "(f.to)"); several may
# sign for one party.
_SIGNED = re.compile(r"\((?:signed|sgd\.?|w\.\s?g\.|gez\.|sign[ée]|firmado|f\.to|firmato|"
                     r"assinado)\)", re.I)


def _signed_names(flat: str) -> list[tuple[str, str, int]]:
    """Names after the marks of a signed original, party by party (linear: the text is cut
    at each party's cue, then at each mark, never matched by one pattern)."""
    cues = [m.start() for m in _PARTY.finditer(flat)]
    out: list[tuple[str, str, int]] = []
    for i, start in enumerate(cues):
        entry = flat[start: cues[i + 1] if i + 1 < len(cues) else len(flat)]
        entry = entry.split("\u00b6", 1)[0]  # a blank line ends the block
        for raw in _SIGNED.split(entry)[1:]:
            name = _name_from_entry(_title_case(raw.split(",")[0].strip(" ;.")))
            if name:
                out.append((name, squash(entry)[:200], start))
    return out


def signatory_names(block: str) -> list[tuple[str, str]]:
    """(name, evidence) per signatory, from the signature block.

    Three layouts are common: 'For the Town of X: Dr. Jane Doe, Mayor' (one entry per party),
    a two-column table ('For the Town of X   For the Town of Y' over 'Jane Doe   Jan Kowalski'
    over their titles), and stacked lines (name over title). Wrapped lines are joined first.
    """
    # blank lines end an entry; single newlines are wraps; markdown's emphasis marks stand
    # between a name and the next party ("DALES*Voor het ..."): a space, not glue
    flat = re.sub(r"\n[ \t]*\n\s*", "\u00b6", block.replace("*", " "))
    flat = re.sub(r"[ \t]*\n[ \t]*", " ", flat)
    flat = re.sub(r"[ \t]{2,}", " ", flat)
    found = _signed_names(flat)
    markers = list(_FOR_RE.finditer(flat))
    for i, m in enumerate(markers):
        entry = flat[m.end() : markers[i + 1].start() if i + 1 < len(markers) else len(flat)]
        entry = entry.split("\u00b6", 1)[0][:160]
        name = _name_from_entry(entry)
        if name:
            found.append((name, squash(flat[m.start() : m.end() + len(entry)]), m.start()))
    if found:  # in the block's order, whichever layout each party used
        return dedupe_names([(n, ev) for n, ev, _ in sorted(found, key=lambda f: f[2])])

    out: list[tuple[str, str]] = []
    lines = [ln.strip().replace("*", "") for ln in block.split("\n") if ln.strip()]
    for i, ln in enumerate(lines):
        prev = lines[i - 1] if i else ""
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        columns = len(re.findall(r"(?i)\b(?:for|on behalf of)\s+(?:the\s+)?[A-Z]", prev))
        if columns >= 2 or len(ROLE_RE.findall(nxt)) >= 2:
            for name in _split_columns(ln, max(columns, 2)):
                out.append((name, f"{ln} / {nxt}"))
            continue
        name = clean_person(ln.split(",")[0])
        if not is_person_name(name):
            continue
        near_role = (
            ("," in ln and ROLE_RE.search(ln.split(",", 1)[1]))
            or ROLE_RE.match(nxt)
            or re.match(r"(?i)(?:for|on behalf of)\b", prev)
        )
        if near_role:
            out.append((name, f"{ln} / {nxt}"))
    return dedupe_names(out)


def _title_case(name: str) -> str:
    """'H. VAN DEN BROEK' -> 'H. Van Den Broek': a name in capitals, as signature blocks
    print them, in the case the name rules and spaCy read."""
    return " ".join(capitalised(w) for w in name.split())


def _name_from_entry(entry: str) -> str | None:
    first = re.split(r",|\(|\s[–—-]\s", entry, maxsplit=1)[0]
    name = clean_person(first)
    # "Presidenta Municipal Lucía Herrera Vázquez": leftover title words before the name
    while name and not is_person_name(name) and len(name.split()) > 2:
        name = name.split(" ", 1)[1]
    if is_person_name(name):
        return name
    # spaCy decides when the rules cannot: unusual name shapes, titles we do not know
    ents = [e.text for e in get_nlp()(first).ents if e.label_ == "PERSON"]
    return clean_person(ents[0]) if ents else None


def _split_columns(line: str, n: int) -> list[str]:
    tokens = clean_person(line).split()
    if n >= 2 and len(tokens) % n == 0:
        k = len(tokens) // n
        names = [" ".join(tokens[i * k : (i + 1) * k]) for i in range(n)]
        if all(is_person_name(x) for x in names):
            return names
    ents = [clean_person(e.text) for e in get_nlp()(line).ents if e.label_ == "PERSON"]
    return [e for e in ents if is_person_name(e)]


def is_person_name(name: str) -> bool:
    return (
        bool(name)
        and bool(PERSON_NAME_RE.match(name))
        and not (set(name.split()) & NOT_NAME_WORDS)
    )


def dedupe_names(items: list[tuple[str, str]]) -> list[tuple[str, str]]:
    seen: set[str] = set()
    out = []
    for n, ev in items:
        if n.lower() not in seen:
            seen.add(n.lower())
            out.append((n, ev))
    return out
