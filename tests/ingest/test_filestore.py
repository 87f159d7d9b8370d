"""Originals: on disk in embedded mode, in the Chroma server's `_files` collection in server
mode. Both backends behave the same: whole files back, partial writes recognised and
repaired, names never taken from the user."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assistant.library import Library
from ingest.filestore import ChromaFileStore, FileStore

from conftest import write_pdf
from samples import MOU_PAGES


def test_server_mode_keeps_originals_in_chroma(library: Library, tmp_path: Path):
    pdf = write_pdf(tmp_path / "mou.pdf", MOU_PAGES)
    [rec] = library.ingest([pdf]).ingested
    path = library.original_path(rec["doc_id"])
    assert path is not None and path.read_bytes() == pdf.read_bytes()
    if library.settings.chroma_url:
        assert isinstance(library.files, ChromaFileStore)
        assert library.store.files.count() >= 2  # parts and a manifest
    else:
        assert isinstance(library.files, FileStore)
    assert path.parent == library.settings.files_dir  # /doc serves only from this folder


def test_large_file_round_trips_in_parts(library: Library):
    files = library.files
    if isinstance(files, ChromaFileStore):
        files.PART_BYTES = 64 * 1024  # many parts and several calls, on a small file
        files.PARTS_PER_CALL = 3
    data = os.urandom(64 * 1024 * 10 + 123)
    files.put("ab" * 16, "pdf", data)
    if isinstance(files, ChromaFileStore):
        files.cache.discard("ab" * 16)  # read it back from the server, not the local cache
    path = files.path("ab" * 16, "pdf")
    assert path is not None and path.read_bytes() == data
    assert files.stored()["ab" * 16].complete
    files.put("ab" * 16, "pdf", data)  # idempotent
    assert files.stored()["ab" * 16].complete
    files.delete("ab" * 16, "pdf")
    assert "ab" * 16 not in files.stored() and files.path("ab" * 16, "pdf") is None


def test_a_write_that_died_half_way_is_found_and_discarded(library: Library):
    files = library.files
    doc_id = "cd" * 16
    if isinstance(files, ChromaFileStore):
        # the parts landed, the manifest (the file's commit point) did not
        files.collection.upsert(ids=[f"{doc_id}:00000"], embeddings=[[0.5, 0.5]],
                                metadatas=[{"doc_id": doc_id, "kind": "part", "part": 0,
                                            "data": "AAAA"}])
    else:
        files.root.mkdir(parents=True, exist_ok=True)
        (files.root / f".{doc_id}.pdf.123.tmp").write_bytes(b"%PDF-1.4 half")
    assert files.stored()[doc_id].complete is False
    assert files.path(doc_id, "pdf") is None

    report = library.check()
    assert not report.ok and report.orphan_files
    assert library.check(repair=True).repaired
    assert doc_id not in files.stored() and library.check().ok


@pytest.mark.parametrize("doc_id,ext", [("../../etc/passwd", "pdf"), ("ab" * 16, "p/df"),
                                        ("AB" * 16, "pdf"), ("ab" * 16, "")])
def test_names_that_are_not_our_own_ids_are_refused(library: Library, doc_id: str, ext: str):
    with pytest.raises(ValueError):
        library.files.put(doc_id, ext, b"x")


def test_a_file_that_lost_a_part_is_incomplete_and_put_restores_it(library: Library):
    files = library.files
    if not isinstance(files, ChromaFileStore):
        pytest.skip("parts exist only on a server")
    files.PART_BYTES = 1024
    data = os.urandom(3000)
    doc_id = "ef" * 16
    files.put(doc_id, "pdf", data)
    files.collection.delete(ids=[f"{doc_id}:00001"])  # the manifest stays
    files.cache.discard(doc_id)
    assert files.stored()[doc_id].complete is False
    assert files.path(doc_id, "pdf") is None
    files.put(doc_id, "pdf", data)  # a re-run of the ingest writes it again
    assert files.stored()[doc_id].complete
    assert files.path(doc_id, "pdf").read_bytes() == data


def test_threads_caching_one_original_at_once_all_succeed(tmp_path: Path):
    from concurrent.futures import ThreadPoolExecutor

    store = FileStore(tmp_path / "files")
    data = os.urandom(4 * 1024 * 1024)
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda _: store.put("12" * 16, "pdf", data), range(8)))
    assert store.path("12" * 16, "pdf").read_bytes() == data
    assert [p.name for p in store.root.iterdir()] == [f"{'12' * 16}.pdf"]  # no temp left
