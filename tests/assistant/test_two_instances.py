"""Two app instances pointed at one Chroma server serve one library: what one ingests, the
other lists and answers from; what one removes, the other no longer cites."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from assistant.ask import Assistant
from assistant.library import Library
from assistant.ui import original_response

from conftest import make_settings
from samples import CALL_TEXT


def test_ingest_on_one_instance_is_answerable_on_the_other(chroma_server, tmp_path: Path):
    first = make_settings(tmp_path / "a", chroma_server)
    second = make_settings(tmp_path / "b", chroma_server)
    second = type(second)(**{**second.__dict__, "collection_prefix": first.collection_prefix})
    a, b = Library(first), Library(second)
    assistant_b = Assistant(b, today=date(2026, 11, 22))
    # instance B has already built its keyword index before A ingests anything
    assert assistant_b.ask("co-financing rate of the Green Towns call").declined

    call = tmp_path / "green-towns-call.txt"
    call.write_text(CALL_TEXT)
    assert a.ingest([call]).ingested

    assert [r.source for r in b.documents()] == ["green-towns-call.txt"]
    ans = assistant_b.ask("What is the co-financing rate of the Green Towns Cooperation Fund?")
    assert not ans.declined and "80%" in ans.text
    assert ans.citations[0].source == "green-towns-call.txt"
    # B serves the original A stored (from the server, no shared folder), at its /doc link
    response = original_response(b, ans.citations[0].doc_id)
    assert response.status_code == 200
    assert Path(response.path).read_bytes() == CALL_TEXT.encode()
    assert Path(response.path).parent == second.files_dir

    a.remove("green-towns-call.txt")
    after = assistant_b.ask("What is the co-financing rate of the Green Towns Cooperation Fund?")
    assert after.declined and not after.citations
    # B's cached copy of the original goes as soon as B is asked for it
    doc_id = ans.citations[0].doc_id
    assert b.files.path(doc_id, "txt") is None
    assert not any(second.files_dir.iterdir())


def test_uncommitted_chunks_are_never_retrieved(tmp_path: Path):
    """Chunks whose document never reached the registry (a crash before the commit) stay
    invisible, even when they are the nearest match."""
    from assistant.retrieve import HybridRetriever

    lib = Library(make_settings(tmp_path / "h"))
    call = tmp_path / "call.txt"
    call.write_text(CALL_TEXT)
    lib.ingest([call])
    orphan_text = "Quillback orphan clause about bee-keeping exchanges"
    lib.store.chunks.upsert(ids=["f" * 32 + "-00000"], documents=[orphan_text],
                            embeddings=lib.embedder.embed([orphan_text]),
                            metadatas=[{"doc_id": "f" * 32, "source": "ghost.pdf", "page": 1}])
    for mode in ("dense", "bm25", "hybrid"):
        hits = HybridRetriever(lib.store, lib.registry, lib.embedder, mode=mode).run(orphan_text)
        assert all(p.source != "ghost.pdf" for p in hits), mode
