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

    def run(self, doc: ParsedDocument, doc_type: str) -> dict[str, Field]:
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
        # The contract is FIELD_SPEC: never leak helper keys, never return empty values.
        return {
            k: v
            for k, v in out.items()
            if k in FIELD_SPEC[doc_type] and v.value not in (None, "", [])
        }
