"""What the retriever's caches are keyed on: any change to the library, including a
document committed again under the same id with another type, from any instance."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from assistant.ask import Assistant
from assistant.library import Library
from assistant.retrieve import Filters
from ingest.pipeline import SourceItem

from samples import CALL_TEXT


def test_a_type_change_reaches_the_keyword_index_and_the_records(library: Library,
                                                                  tmp_path: Path):
    call = tmp_path / "call.txt"
    call.write_text(CALL_TEXT)
    [rec] = library.ingest([call]).ingested
    assistant = Assistant(library, today=date(2026, 11, 22))
    question = "co-financing rate of the Green Towns Cooperation Fund"
    before = assistant.retriever.live_ids()
    assert [r.doc_id for r in assistant.records("grant_call")] == [rec["doc_id"]]
    assert assistant.retriever.run(question, Filters(doc_types=["grant_call"]))

    # what the Library tab's "change type" does: the same file, the same id, another type
    library.pipeline.run([SourceItem("call.txt", call)], doc_type="policy_report")

    after = assistant.retriever.live_ids()
    assert list(after) == list(before) and after.revision != before.revision
    assistant.ask(question)  # each question brings the records up to date
    assert assistant.records("grant_call") == []
    assert [r.doc_id for r in assistant.records("policy_report")] == [rec["doc_id"]]
    for mode in ("bm25", "dense", "hybrid"):
        assistant.retriever.mode = mode
        assert assistant.retriever.run(question, Filters(doc_types=["grant_call"])) == [], mode
        found = assistant.retriever.run(question, Filters(doc_types=["policy_report"]))
        assert found and found[0].doc_type == "policy_report", mode


def test_removal_changes_the_revision(library: Library, tmp_path: Path):
    call = tmp_path / "call.txt"
    call.write_text(CALL_TEXT)
    library.ingest([call])
    first = library.registry.revision()
    library.remove("call.txt")
    assert library.registry.revision() not in ("", first)


def test_initialisms_of_names_a_document_spells_out() -> None:
    from assistant.retrieve import initialisms

    found = initialisms("The views are not those of the World Economic Forum and the Council "
                        "of Europe. Sister Cities International recognises it.")
    assert {"wef", "sci"} <= found
    assert "wefce" in found  # names run together: every stretch of them counts
    assert not any(len(x) < 3 for x in found)
