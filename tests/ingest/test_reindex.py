"""A library written by one embedder is refused by another, and reindexed from its own text."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from assistant.config import Settings

from conftest import CORPUS_DOCS

DOCS = sorted(CORPUS_DOCS.glob("*.pdf"))[:3]


def _as(settings: Settings, embedder: str) -> Settings:
    return dataclasses.replace(settings, embedder=embedder)


@pytest.mark.slow
def test_other_embedder_is_refused_then_reindexed(settings: Settings) -> None:
    from assistant.library import Library
    from ingest.store import EmbedderMismatchError

    first = Library(_as(settings, "minilm"))
    assert first.ingest(DOCS).ok
    chunk_ids = sorted(first.store.chunks.get(include=[])["ids"])
    assert first.store.written_by() == "minilm"

    with pytest.raises(EmbedderMismatchError, match="embedded with 'minilm', not 'use'.*reindex"):
        Library(_as(settings, "use"))

    lib = Library(_as(settings, "use"), check_embedder=False)
    calls = {"n": 0}
    real_embed = lib.embedder.embed

    def failing_embed(texts: list[str]) -> list[list[float]]:
        calls["n"] += 1
        if calls["n"] == 3:  # the second document's record: stop mid-run
            raise RuntimeError("power cut")
        return real_embed(texts)

    lib.embedder.embed = failing_embed  # type: ignore[method-assign]
    try:
        with pytest.raises(RuntimeError, match="power cut"):
            lib.reindex()
    finally:
        del lib.embedder.embed  # back to the class's method
    # stopped before the swap: the old library still answers with the old embedder
    assert Library(_as(settings, "minilm")).store.written_by() == "minilm"

    report = Library(_as(settings, "use"), check_embedder=False).reindex()
    assert report.swapped and report.previous == "minilm" and report.resumed == 1
    assert len(report.reembedded) == len(DOCS) - 1

    after = Library(_as(settings, "use"))
    assert after.store.written_by() == "use"
    assert sorted(after.store.chunks.get(include=[])["ids"]) == chunk_ids
    vectors = after.store.chunks.get(limit=1, include=["embeddings"])["embeddings"]
    assert len(vectors[0]) == 512
    assert {r.source for r in after.registry.list()} == {p.name for p in DOCS}
    from assistant.ask import Assistant

    answer = Assistant.from_library(after).ask("Which areas of cooperation does the "
                                               "agreement cover?")
    assert answer.citations and not answer.declined

    again = Library(_as(settings, "use"), check_embedder=False).reindex()
    assert not again.swapped and again.previous == "use"


def test_unknown_embedder_is_refused_in_one_line(tmp_path: Path) -> None:
    from assistant.library import Library
    from ingest.embedders import UnknownEmbedderError

    with pytest.raises(UnknownEmbedderError, match="MICROPLOMACY_EMBEDDER takes one of "
                                                   "minilm, use, e5"):
        Library(Settings(home=tmp_path, embedder="bert"))


@pytest.mark.slow
def test_reindex_stopped_mid_swap_finishes_and_loses_nothing(embedded_settings: Settings) -> None:
    from assistant.library import Library
    from ingest.reindex import Reindexer
    from ingest.store import EmbedderMismatchError

    first = Library(_as(embedded_settings, "minilm"))
    assert first.ingest(DOCS[:2]).ok
    ids = sorted(first.store.chunks.get(include=[])["ids"])

    lib = Library(_as(embedded_settings, "use"), check_embedder=False)
    real_swap = Reindexer._swap

    def half_swap(self: Reindexer, suffix: str) -> None:
        if suffix == "chunks":  # stopped after live -> __old, before staging -> live
            self.store.client.get_collection(self._name("chunks")).modify(
                name=self._name("chunks__old"))
            raise KeyboardInterrupt
        real_swap(self, suffix)

    Reindexer._swap = half_swap  # type: ignore[method-assign]
    try:
        with pytest.raises(KeyboardInterrupt):
            lib.reindex()
    finally:
        Reindexer._swap = real_swap  # type: ignore[method-assign]

    with pytest.raises(EmbedderMismatchError, match="reindex was stopped"):
        Library(_as(embedded_settings, "use"))
    # another process opening the store meanwhile creates an empty live collection
    Library(_as(embedded_settings, "use"), check_embedder=False).store.chunks.count()

    report = Library(_as(embedded_settings, "use"), check_embedder=False).reindex()
    after = Library(_as(embedded_settings, "use"))
    assert after.store.written_by() == "use" and not report.reembedded
    assert sorted(after.store.chunks.get(include=[])["ids"]) == ids
