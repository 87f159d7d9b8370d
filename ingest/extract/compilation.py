"""Agreements printed one after another in one document: a toolkit of sample agreements, a
council report with the agreements it approves annexed, a scanned binder of old charters.

Read as one agreement, such a document has no parties, or the first agreement's date with
the last one's signatories. So each page that opens an agreement of its own (an agreement's
heading near its top, and parties or a date of its own) starts a section, and each section
is read by the same agreement reader as a whole document. Sections that name the same
parties are one agreement's texts in two languages; a document is a compilation only when
it holds two or more agreements in one language. A treaty whose every page says
"Agreement" is one agreement with one set of parties.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from ingest.classify import CUES
from ingest.countries import fold
from ingest.dates import find_dates
from ingest.models import Field, Page, ParsedDocument

__all__ = ["read_compilation"]

HEAD_CHARS = 800  # where a page's own heading and opening sentence sit
MAX_SECTION_PAGES = 4  # pages an annexed agreement runs to before the next heading
_TITLE_CUES = [c.pattern for c in CUES if c.doc_type == "mou" and c.title_weight > 0]


def _line_key(line: str) -> str:
    # OCR reads a running head a little differently on each page ("» SisterCities",
    # ". SisterCities"): compare letters only
    return re.sub(r"[^a-z]", "", line.lower())


def running_lines(pages: list[Page]) -> set[str]:
    """Keys of the lines printed on most pages (headers, footers, a publisher's banner)."""
    counts: Counter[str] = Counter()
    for page in pages:
        counts.update({k for ln in page.text.splitlines() if len(k := _line_key(ln)) >= 4})
    least = max(3, (len(pages) + 1) // 2)
    return {k for k, n in counts.items() if n >= least}


def _own_text(page: Page, running: set[str]) -> str:
    return "\n".join(ln for ln in page.text.splitlines() if _line_key(ln) not in running)


def _opens_agreement(head: str) -> bool:
    return any(p.search(head) for p in _TITLE_CUES)


# The words that head an agreement, in the languages officers meet (with the classifier's
# agreement cues): "REAFFIRMATION OF SISTER CITIES DECLARATION".
_HEADING_WORD = re.compile(
    r"(?i)\b(?:agreement|memorandum|declaration|charter|accord|protocol|partnership|"
    r"affiliation|pact|convention|resolution|proclamation|acuerdo|convenio|accordo|"
    r"dichiarazione|d[ée]claration|vereinbarung|erkl[äa]rung|overeenkomst|verklaring|"
    r"porozumienie|umowa)\b")


def _is_heading(line: str) -> bool:
    words = [w for w in line.split() if w[:1].isalpha()]
    if not words or len(words) > 14:
        return False
    capitalised = sum(w[0].isupper() for w in words if len(w) > 3)
    return line.isupper() or 10 * capitalised >= 7 * max(1, sum(len(w) > 3 for w in words))


def _heading(text: str) -> str:
    """The page's printed heading for its agreement: the first heading-like line that names
    one, with the capitalised lines that continue it; "" when no line does."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()][:20]
    for i, ln in enumerate(lines):
        if _is_heading(ln) and (_HEADING_WORD.search(ln) or _opens_agreement(ln)):
            parts = [ln]
            for nxt in lines[i + 1:]:
                if not nxt.isupper() or len(" ".join(parts)) > 160:
                    break
                parts.append(nxt)
            return " ".join(" ".join(parts).split())
    return ""


def _heading_date(text: str) -> tuple[str, str] | None:
    """The full date printed in a page's heading block ("ADOPTED BY ... ON JUNE 5, 1995"):
    an instrument without a signature line is dated there. With the line it is on."""
    head = text[:HEAD_CHARS]
    hit = next((h for h in find_dates(head) if len(h.iso) == 10), None)
    if hit is None:
        return None
    start = head.rfind("\n", 0, hit.start) + 1
    end = head.find("\n", hit.end)
    return hit.iso, " ".join(head[start:end if end >= 0 else None].split())


# Words of a party's name that say what it is, not which one ("Town of", "La Ciudad de",
# "Regering van het Koninkrijk"): a translated text names the same party with other ones.
_GENERIC = frozenset(
    "city town municipality region county province borough village commune district "
    "prefecture canton township parish department metropolitan area council community "
    "shire island comune gmina landkreis autonomous urban ciudad municipio municipalidad "
    "ayuntamiento concello camara municipal cidade stadt gemeinde miasto mairie ville citta "
    "regione provincia government regering kingdom koninkrijk republic state land federal "
    "bondsrepubliek".split())


def _party_words(fields: dict[str, Field]) -> list[set[str]]:
    """Each party's distinctive words."""
    out = [{w for w in re.findall(r"[^\W\d_]{4,}", fold(str(p))) if w not in _GENERIC}
           for p in fields["parties"].value]
    return [w for w in out if w]


def _same_parties(a: list[set[str]], b: list[set[str]]) -> bool:
    """Every party of the shorter list is one of the other's: the same agreement's other
    text. A town's agreements with two partners share only the town."""
    small, big = sorted((a, b), key=len)
    return bool(small) and all(any(x & y for y in big) for x in small)


def _by_parties(openers: list[tuple[int, dict[str, Field]]]) -> list[list[int]]:
    """Opening pages grouped by the parties they name: the texts of one agreement in two
    languages ("Town of Alderbrook", "la Ciudad de Alderbrook") are one group, in page
    order; each other group is another agreement."""
    groups: list[tuple[list[set[str]], list[int]]] = []
    for page, fields in openers:
        words = _party_words(fields)
        group = next((g for g in groups if _same_parties(g[0], words)), None)
        if group is None:
            groups.append((words, [page]))
        else:
            group[1].append(page)
    return [pages for _, pages in groups]


def _title(heading: str, fields: dict[str, Field]) -> str:
    if heading:
        return heading
    parties = fields["parties"].value if "parties" in fields else []
    return f"Agreement between {' and '.join(parties)}" if parties else "Agreement"


def read_compilation(doc: ParsedDocument,
                     read: Callable[[ParsedDocument], dict[str, Field]]) -> list[dict[str, Any]]:
    """The agreements ``doc`` holds, each as {"title", "pages", "fields"} with the fields
    ``read`` finds on its pages alone; [] unless it holds two or more agreements (pages
    naming other parties) in one language."""
    if len(doc.pages) < 2:
        return []
    running = running_lines(doc.pages)
    own = {p.number: _own_text(p, running) for p in doc.pages}
    openers: list[tuple[int, dict[str, Field]]] = []
    for page in doc.pages:
        text = own[page.number]
        if not _opens_agreement(text[:HEAD_CHARS]):
            continue
        fields = read(replace(doc, pages=[replace(page, text=text)], cover_title=None,
                              title_hint=None))
        parties = fields["parties"].value if "parties" in fields else []
        if len(parties) >= 2 or (parties and "signing_date" in fields):
            openers.append((page.number, fields))
    groups = _by_parties(openers)
    languages = {p.number: p.language for p in doc.pages}
    same_language = len({languages[g[0]] for g in groups}) < len(groups)
    if len(groups) < 2 or not same_language:
        return []
    numbers = [p.number for p in doc.pages]
    starts = sorted(n for n, _ in openers)
    fields_at = dict(openers)
    out = []
    for group in groups:
        # an agreement printed in two languages runs over each of its texts' pages
        pages = [n for first in group for n in numbers
                 if first <= n < next((s2 for s2 in starts if s2 > first), numbers[-1] + 1)]
        first, fields = group[0], fields_at[group[0]]
        pages = pages[:MAX_SECTION_PAGES]
        if len(pages) > 1:  # a section over several pages is read as a whole
            section = [replace(p, text=own[p.number]) for p in doc.pages if p.number in pages]
            fields = read(replace(doc, pages=section, cover_title=None, title_hint=None))
        heading = _heading(own[first])
        title = _title(heading, fields)
        # the evidence is always the page's own words: a title made from the parties'
        # names is supported by the sentence that names them
        said = heading or (fields["parties"].evidence if "parties" in fields else "")
        fields = {**fields, "title": Field(title, first, said)}
        if "signing_date" not in fields and (dated := _heading_date(own[first])):
            fields["signing_date"] = Field(dated[0], first, dated[1])
        out.append({"title": title, "pages": pages,
                    "fields": {k2: f.to_dict() for k2, f in fields.items()}})
    return out
