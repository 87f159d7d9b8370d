"""The distractor pool, the evaluation report and the query benchmark, on small sizes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from evals.distractors import MARKER, collisions, generate, gold_mentions, write

REPO = Path(__file__).resolve().parents[2]
TOLERANCE = 0.03  # one question in 78 either way is noise, not a ranking


def first_line(path: Path) -> str:
    if path.suffix == ".pdf":
        from pypdf import PdfReader

        text = PdfReader(path).pages[0].extract_text()
    else:
        text = path.read_text(encoding="utf-8")
    return text.strip().splitlines()[0]


def test_distractors_are_deterministic_and_marked(tmp_path: Path) -> None:
    docs = generate(40, seed=11)
    assert [d.markdown for d in docs] == [d.markdown for d in generate(40, seed=11)]
    assert [d.markdown for d in docs] != [d.markdown for d in generate(40, seed=12)]
    first = write(docs, tmp_path / "a")
    second = write(generate(40, seed=11), tmp_path / "b")
    assert [p.name for p in first] == [p.name for p in second]
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(first, second, strict=True))
    assert {p.suffix for p in first} == {".pdf", ".txt"}
    assert all(p.name.startswith("synthetic-") for p in first)
    assert all(MARKER in first_line(p) for p in first)
    assert {d.kind for d in docs} == {"mou", "grant_call", "policy_report"}


def test_full_pool_is_ten_times_the_corpus_and_collision_free() -> None:
    docs = generate()
    gold_docs = list((REPO / "corpus" / "docs").iterdir())
    assert len(docs) >= 10 * len(gold_docs)
    assert len({d.filename for d in docs}) == len(docs)
    assert collisions(docs) == []
    assert gold_mentions(docs) == []
    # The names the unanswerable gold questions ask about must stay unknown to the library.
    text = " ".join(d.markdown.lower() for d in docs)
    for absent in ("kirchberg", "minato", "alderbrook", "twinnet", "wrenfield"):
        assert absent not in text


@pytest.mark.slow
def test_small_report_writes_files_and_hybrid_holds_up(tmp_path: Path) -> None:
    from evals.report import main

    assert main(["--out", str(tmp_path), "--distractors", "30",
                 "--parts", "retrieval,baseline"]) == 0
    for name in ("eval_report.md", "eval_report.json", "eval_report.png"):
        assert (tmp_path / name).stat().st_size > 0
    assert (tmp_path / "eval_report.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    result = json.loads((tmp_path / "eval_report.json").read_text())
    assert set(result["setups"]) == {"gold", "distractors"}
    for setup in result["setups"].values():
        modes = setup["retrieval"]
        assert modes["hybrid"]["hit@5"] >= modes["dense"]["hit@5"] - TOLERANCE
        assert modes["hybrid"]["hit@5"] >= modes["bm25"]["hit@5"] - TOLERANCE
        assert 0.0 <= setup["baseline"]["hit@5"] <= 1.0
    md = (tmp_path / "eval_report.md").read_text()
    assert "| hybrid (RRF) |" in md and "plain LangChain baseline" in md


def test_bench_query_smoke(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "evals.bench_query", "--sizes", "300",
                          "--questions", "3", "--out", str(tmp_path)],
                         cwd=REPO, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    rows = [ln for ln in (tmp_path / "bench_query.md").read_text().splitlines()
            if ln.startswith("| embedded")]
    assert len(rows) == 1
    assert len(rows[0].strip("|").split("|")) == 12
    data = json.loads((tmp_path / "bench_query.json").read_text())
    (row,) = data["rows"]
    assert row["build"]["chunks"] >= 300
    assert row["query"]["warm_up_ms"] > 0  # the server's warm-up, timed apart
    assert 0 < row["query"]["answer_ms_p50"] <= row["query"]["answer_ms_p95"]
    assert row["query"]["profile"]
