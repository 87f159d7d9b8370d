"""The funding radar, the letters and the extracted fields on real documents nobody here
wrote (`../shared/real-docs`, `../shared/seeds`): the floors CI enforces. Skips, saying so,
when `../shared` is not beside the repository."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals import real, real_tasks, score_fields

FLOORS = json.loads((Path(__file__).resolve().parents[2] / "evals" / "floors.json")
                    .read_text())

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tasks(real_home: Path) -> dict:
    return real_tasks.run(real_home, list(real_tasks.SETS))


@pytest.mark.parametrize("name", real_tasks.SETS)
def test_radar_and_letters_meet_the_floors(tasks, name, capsys):
    floors = FLOORS["real_tasks"][name]
    f, letters = tasks[name]["funding"], tasks[name]["letters"]
    with capsys.disabled():
        print(f"\n{name}: recall {f['recall']} precision {f['precision']} "
              f"nothing-fits {f['nothing_fits_ok']} letters {letters['facts']} "
              f"refusals {letters['refusals_right']}")
    if "refusals_right" in floors:
        assert letters["refusals_right"] >= floors["refusals_right"]
    assert f["requests"] >= (2 if name == "dev" else 13)
    assert f["recall"] >= floors["recall"]
    for key in ("precision", "nothing_fits_ok"):
        if key in floors:
            assert f[key] >= floors[key]
    if "letter_facts" in floors:
        assert letters["letters"] >= (2 if name == "dev" else 5)
        assert letters["facts"] >= floors["letter_facts"]
    if name == "frozen-c":
        assert letters["letters"] >= 12


def test_a_call_that_fits_but_closed_is_reported_as_closed(tasks):
    """The real calls are historical: a fit comes back as closed (or, when the document
    states no deadline, as such), never as open."""
    rows = [r for name in real_tasks.SETS for r in tasks[name]["rows"] if "flagged" in r]
    assert any(r["closed_fits"] for r in rows)
    for r in rows:
        for source, status in zip(r["flagged"], r["flagged_status"], strict=True):
            assert not source.startswith("grant_") or status == "unknown", r
        assert "None (None)" not in r["output"]


def test_fields_of_real_documents_meet_the_floor(capsys):
    if why := real.available():
        pytest.skip(why)
    if not real.SEEDS.exists():
        pytest.skip(f"{real.SEEDS} is absent (the seed papers sit in ../shared)")
    gold = Path(score_fields.__file__).resolve().parent / "real_fields_gold.json"
    docs = json.loads(gold.read_text(encoding="utf-8"))["documents"]
    folders = {d["source"]: real.SHARED / ("real-docs/docs" if d["dir"] == "real-docs"
                                           else d["dir"]) for d in docs}
    predicted, _ = score_fields.predict_corpus(folders, list(folders))
    result = score_fields.score(gold, predicted, exact=True)
    with capsys.disabled():
        print(f"\nreal fields exact {result['overall_accuracy']:.3f}, classification "
              f"{result['classification_accuracy']:.2f}")
    floors = FLOORS["real_fields"]
    assert result["overall_accuracy"] >= floors["overall_exact"]
    assert result["classification_accuracy"] >= floors["classification_accuracy"]


def test_a_funding_answer_is_scored_on_what_the_officer_is_shown(tasks):
    """The mentions are read in the headline and the cards of the calls recommended (their
    amount, deadline, co-financing), never in a near miss's line."""
    rows = [r for name in real_tasks.SETS for r in tasks[name]["rows"] if "flagged" in r]
    carded = [r for r in rows if r["flagged"] or r["closed_fits"]]
    assert carded and all(("FITS" in r["output"]) for r in carded)
    assert not any("\nALMOST " in r["output"] for r in rows)



def test_a_call_in_two_documents_is_found_in_both(tasks):
    """The PRINCE 2010 call is published as English guidelines and as an Italian notice in
    the Official Journal: the English embedder reads the notice poorly, yet a request that
    fits the call finds both, the notice's card saying which document it was read from."""
    row = next(r for r in tasks["dev"]["rows"] if r["id"] == "f01")
    found = set(row["flagged"]) | set(row["closed_fits"])
    assert {"grant_prince-2010-eu27-guidelines.pdf",
            "grant_prince-2010-eu27-oj-notice-it.pdf"} <= found, row["output"]
    assert "matches the same call as published in \"CALL FOR PROPOSALS PRINCE 2010" \
        in row["output"]
