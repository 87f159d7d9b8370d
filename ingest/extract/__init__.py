"""Field extraction per document type: regex rules first, spaCy only where rules cannot decide.

Cost model (why the code is shaped like this): the small English model costs ~25 ms per
1,000 characters even with only tok2vec + ner enabled, so running it over whole documents
would make extraction slower than the embedder. Rules run over all text (microseconds);
spaCy runs once per document, through ``nlp.pipe``, on a few short snippets (signature block,
bylines, first page of a report) that need PERSON/ORG decisions.

Every value carries the 1-based page it came from and the line/sentence that supports it, so
the officer can check it: an invented date in a letter to a foreign mayor is worse than none.

One module per document type (agreements, calls, reports) over the shared document text
(doctext) and the shared words and patterns (patterns); this module only dispatches.
"""

from __future__ import annotations

from collections.abc import Callable

from ingest.countries import country_names
from ingest.extract.agreements import read_agreement
from ingest.extract.calls import read_call
from ingest.extract.compilation import read_compilation
from ingest.extract.doctext import DocText, title_of
from ingest.extract.patterns import ROLE_RE, get_nlp
from ingest.extract.reports import read_report
from ingest.fields import FIELD_SPEC
from ingest.models import Field, ParsedDocument
from ingest.reading import reading

__all__ = ["READERS", "ROLE_RE", "FieldExtractor", "get_nlp"]

# The reader of each document type's own fields; the title is read for every type.
READERS: dict[str, Callable[[DocText], dict[str, Field]]] = {
    "mou": read_agreement,
    "grant_call": read_call,
    "policy_report": read_report,
}


class FieldExtractor:
    """Extracts the FIELD_SPEC fields a document states; fields it does not state are omitted."""

    def run(self, doc: ParsedDocument, doc_type: str, whole: bool = True) -> dict[str, Field]:
        """``whole`` is False when reading one agreement of a compilation: no search for
        agreements inside it."""
        if doc_type not in FIELD_SPEC:
            raise ValueError(f"unknown document type {doc_type!r}")
        dt = DocText(doc)
        if not dt.text.strip():
            return {}
        handler = READERS.get(doc_type)
        out: dict[str, Field] = {}
        lang = dt.languages[0] if dt.languages else None
        # the document's own language and country decide numeric dates, '$' and names
        with reading(lang):
            home = next(iter(country_names(dt.text[:3000])), None)
        with reading(lang, home):
            title = title_of(dt)
            if title:
                out["title"] = dt.field(title[0], title[1], title[0])
            if handler is not None:
                out.update(handler(dt))
            if whole and doc_type == "mou" and len(doc.pages) > 1:
                parts = read_compilation(doc, lambda one: self.run(one, "mou", whole=False))
                if parts:
                    out = _compilation_fields(out, parts)
        # The contract is FIELD_SPEC: never leak helper keys, never return empty values.
        return {
            k: v
            for k, v in out.items()
            if k in FIELD_SPEC[doc_type] and v.value not in (None, "", [])
        }


# What a compilation states as a whole; the rest (dates, signatories, terms) belongs to
# each agreement in it, and read over the whole it mixes them up.
_WHOLE_FIELDS = ("title", "kind", "languages")


def _compilation_fields(out: dict[str, Field], parts: list[dict]) -> dict[str, Field]:
    """The fields of a document of several agreements: its own title and kind, the parties
    and countries of all of them (so filters by partner find it), and the agreements."""
    kept = {k: v for k, v in out.items() if k in _WHOLE_FIELDS}
    first = parts[0]["pages"][0]

    def union(name: str) -> list[str]:
        return list(dict.fromkeys(str(x) for p in parts
                                  for x in p["fields"].get(name, {}).get("value") or []))

    for name in ("parties", "countries"):
        if values := union(name):
            kept[name] = Field(values, first, f"{len(parts)} agreements, pages "
                               + ", ".join(str(p["pages"][0]) for p in parts))
    kept["agreements"] = Field(parts, first, "; ".join(p["title"] for p in parts)[:400])
    return kept
