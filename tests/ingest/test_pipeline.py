"""End-to-end ingest on a real Chroma (embedded and server): atomic, idempotent, no orphans."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfWriter

from assistant.library import Library

from conftest import write_pdf
from samples import CALL_TEXT, MOU_PAGES


def _chunk_metas(lib: Library, doc_id: str) -> list[dict]:
    return lib.store.chunks.get(where={"doc_id": doc_id}, include=["metadatas"])["metadatas"]


def test_pdf_is_ingested_page_by_page_with_filterable_metadata(library: Library, tmp_path: Path):
    pdf = write_pdf(tmp_path / "in" / "brackenford-vale-do-sol.pdf", MOU_PAGES)
    report = library.ingest([pdf])

    assert report.failed == []
    [row] = report.ingested
    assert row["source"] == "brackenford-vale-do-sol.pdf"
    assert row["type"] == "mou" and row["pages"] == 3 and row["chunks"] >= 3

    [rec] = library.documents()
    assert rec.doc_id == row["doc_id"] and rec.chunks == row["chunks"]
    metas = _chunk_metas(library, rec.doc_id)
    assert len(metas) == rec.chunks
    assert {m["page"] for m in metas} == {1, 2, 3}
    termination = [m for m in metas if "Termination" in m["section"]]
    assert termination and termination[0]["page"] == 3
    for m in metas:
        assert m["source"] == rec.source and m["doc_type"] == "mou" and m["title"]
    # document-level fields are usable as Chroma filters
    hits = library.store.chunks.get(where={"countries": {"$contains": "Portugal"}}, include=[])
    assert len(hits["ids"]) == rec.chunks
    # the original is kept, named by its id, for opening at a cited page
    stored = library.original_path(rec.doc_id)
    assert stored is not None and stored.read_bytes() == pdf.read_bytes()


def test_reingest_is_a_noop_and_same_content_is_not_duplicated(library: Library, tmp_path: Path):
    pdf = write_pdf(tmp_path / "a.pdf", MOU_PAGES)
    first = library.ingest([pdf])
    chunks_before = library.store.chunks.count()
    copy = tmp_path / "copy-of-a.pdf"
    copy.write_bytes(pdf.read_bytes())

    again = library.ingest([pdf, copy])

    assert again.ingested == [] and again.failed == []
    assert sorted(again.unchanged) == ["a.pdf", "copy-of-a.pdf"]
    assert library.store.chunks.count() == chunks_before == first.ingested[0]["chunks"]
    assert len(library.documents()) == 1


def test_changed_file_under_same_name_replaces_the_old_version(library: Library, tmp_path: Path):
    path = tmp_path / "call.txt"
    path.write_text(CALL_TEXT)
    old = library.ingest([path]).ingested[0]
    path.write_text(CALL_TEXT.replace("EUR 80,000", "EUR 90,000"))

    report = library.ingest([path])

    new = report.ingested[0]
    assert new["doc_id"] != old["doc_id"]
    assert report.replaced == [{"source": "call.txt", "doc_id": old["doc_id"]}]
    assert [r.doc_id for r in library.documents()] == [new["doc_id"]]
    assert _chunk_metas(library, old["doc_id"]) == []
    assert library.store.chunks.count() == new["chunks"]
    assert library.files.path(old["doc_id"], "txt") is None
    assert library.check().ok


def test_remove_leaves_no_orphan_chunks_or_files(library: Library, tmp_path: Path):
    pdf = write_pdf(tmp_path / "mou.pdf", MOU_PAGES)
    txt = tmp_path / "call.txt"
    txt.write_text(CALL_TEXT)
    library.ingest([pdf, txt])

    removed = library.remove("mou.pdf")

    assert [r.source for r in removed] == ["mou.pdf"]
    assert [r.source for r in library.documents()] == ["call.txt"]
    assert {m["source"] for m in library.store.all_chunk_metadata()} == {"call.txt"}
    assert len(library.files.stored()) == 1
    assert library.check().ok
    assert library.remove("mou.pdf") == []


def test_type_can_be_set_by_the_user(library: Library, tmp_path: Path):
    txt = tmp_path / "call.txt"
    txt.write_text(CALL_TEXT)
    rec_type = library.ingest([txt], doc_type="other").ingested[0]["type"]
    assert rec_type == "other"
    [rec] = library.documents()
    assert rec.classification["overridden"] is True
    # changing the type of an unchanged file re-indexes it rather than skipping it
    again = library.ingest([txt], doc_type="grant_call")
    assert again.ingested[0]["type"] == "grant_call"
    assert {m["doc_type"] for m in _chunk_metas(library, rec.doc_id)} == {"grant_call"}
    assert len(library.documents()) == 1


def _read_by_older_code(library: Library, doc_id: str, title: str = "stale title") -> None:
    """What an older extractor left: another version, and a field it got wrong."""
    library.store.documents.update(ids=[doc_id], metadatas=[{"extractor": "0ld", "title": title}])


def test_unchanged_bytes_read_by_an_older_extractor_are_read_again(library: Library,
                                                                   tmp_path: Path):
    from ingest.fields import extractor_version
    from ingest.index import check_consistency

    pdf = write_pdf(tmp_path / "a.pdf", MOU_PAGES)
    txt = tmp_path / "call.txt"
    txt.write_text(CALL_TEXT)
    first = library.ingest([pdf])
    library.ingest([txt], doc_type="other")  # a type the officer set survives re-reading
    recs = {r.source: r for r in library.documents()}
    assert {r.extractor for r in recs.values()} == {extractor_version()}
    for rec in recs.values():
        _read_by_older_code(library, rec.doc_id)

    again = library.ingest([pdf, txt])

    assert sorted(again.reextracted) == ["a.pdf", "call.txt"] and again.unchanged == []
    now = {r.source: r for r in library.documents()}
    assert {r.extractor for r in now.values()} == {extractor_version()}
    assert now["a.pdf"].title == recs["a.pdf"].title != "stale title"
    assert now["a.pdf"].doc_id == recs["a.pdf"].doc_id
    assert now["call.txt"].doc_type == "other"
    assert library.store.chunks.count() == first.ingested[0]["chunks"] + now["call.txt"].chunks
    assert check_consistency(library.indexer).ok
    assert library.ingest([pdf, txt]).unchanged == ["a.pdf", "call.txt"]


def test_reindex_fields_reads_stale_documents_again_and_resumes(embedded_settings,
                                                                tmp_path: Path):
    import json

    from conftest import run_cli

    library = Library(embedded_settings)
    pdf = write_pdf(tmp_path / "a.pdf", MOU_PAGES)
    txt = tmp_path / "call.txt"
    txt.write_text(CALL_TEXT)
    library.ingest([pdf, txt])
    [mou] = library.documents("mou")
    _read_by_older_code(library, mou.doc_id)

    out = run_cli(embedded_settings, "reindex", "--fields", "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["reextracted"] == ["a.pdf"] and report["failed"] == []
    assert Library(embedded_settings).registry.get(mou.doc_id).title == mou.title
    out = run_cli(embedded_settings, "reindex", "--fields")
    assert out.returncode == 0, out.stderr
    assert "nothing to do" in out.stdout


def _encrypted_pdf(path: Path) -> Path:
    writer = PdfWriter(clone_from=io.BytesIO(write_pdf(path.with_suffix(".tmp"),
                                                       ["secret text"]).read_bytes()))
    writer.encrypt("s3cret")
    writer.write(path)
    return path


def _image_only_pdf(path: Path) -> Path:
    from fpdf import FPDF
    from PIL import Image

    img = path.with_suffix(".png")
    Image.new("RGB", (200, 100), "white").save(img)
    pdf = FPDF()
    pdf.add_page()
    pdf.image(str(img), x=10, y=10, w=100)
    pdf.output(str(path))
    return path


def test_bad_files_fail_with_a_reason_and_the_batch_goes_on(library: Library, tmp_path: Path):
    good = write_pdf(tmp_path / "in" / "good.pdf", MOU_PAGES)
    library.ingest([good])
    before = (library.store.chunks.count(), [r.doc_id for r in library.documents()])
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.pdf").write_bytes(b"")
    (bad / "truncated.pdf").write_bytes(good.read_bytes()[: len(good.read_bytes()) // 3])
    (bad / "not-a-pdf.pdf").write_bytes(b"PK\x03\x04 this is a zip, not a pdf")
    (bad / "sheet.xlsx").write_bytes(b"PK\x03\x04")
    _encrypted_pdf(bad / "locked.pdf")
    _image_only_pdf(bad / "scan.pdf")
    (bad / "huge.txt").write_text("x" * (library.settings.max_bytes + 1))
    call = bad / "call.txt"
    call.write_text(CALL_TEXT)

    items = [bad / n for n in ("empty.pdf", "truncated.pdf", "not-a-pdf.pdf", "sheet.xlsx",
                               "locked.pdf", "scan.pdf", "huge.txt", "call.txt")]
    report = library.ingest(items)

    errors = {f["source"]: f["error"] for f in report.failed}
    assert set(errors) == {"empty.pdf", "truncated.pdf", "not-a-pdf.pdf", "sheet.xlsx",
                           "locked.pdf", "scan.pdf", "huge.txt"}
    assert "empty" in errors["empty.pdf"]
    assert "password" in errors["locked.pdf"] or "encrypted" in errors["locked.pdf"]
    assert "OCR" in errors["scan.pdf"]
    assert "limit" in errors["huge.txt"]
    assert "unsupported" in errors["sheet.xlsx"]
    assert all("\n" not in e and "Traceback" not in e for e in errors.values())
    assert [r["source"] for r in report.ingested] == ["call.txt"]
    # nothing that was stored before changed, nothing of the failures was stored
    assert library.store.chunks.count() == before[0] + report.ingested[0]["chunks"]
    assert set(before[1]) < {r.doc_id for r in library.documents()}
    assert library.check().ok


def test_hostile_file_names_are_sanitised(embedded_settings, tmp_path: Path):
    lib = Library(embedded_settings)
    weird = tmp_path / "in"
    weird.mkdir()
    nasty = weird / "..\u202etxt.pdf"
    write_pdf(nasty, MOU_PAGES)
    report = lib.ingest([nasty])
    assert report.failed == []
    [rec] = lib.documents()
    assert "/" not in rec.source and "\u202e" not in rec.source and not rec.source.startswith(".")
    # the original is stored under its id, never under the name it arrived with
    assert [p.name for p in lib.files.root.iterdir()] == [f"{rec.doc_id}.pdf"]


@pytest.mark.parametrize("suffix", [".md", ".txt"])
def test_text_files_split_pages_on_form_feeds(embedded_settings, tmp_path: Path, suffix: str):
    lib = Library(embedded_settings)
    path = tmp_path / f"call{suffix}"
    path.write_text(CALL_TEXT.replace("3. Funding", "\f3. Funding"))
    row = lib.ingest([path]).ingested[0]
    assert row["pages"] == 2
    pages = {m["page"] for m in _chunk_metas(lib, row["doc_id"])}
    assert pages == {1, 2}
