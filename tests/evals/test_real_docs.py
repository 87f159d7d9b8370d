"""Answers on real documents nobody here wrote (`../shared/real-docs`): the floors CI
enforces on the dev set, on both halves of our frozen set and on frozen-c, d and e.
Skips, saying so, when `../shared` is not beside the repository."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from evals import real

FLOORS = json.loads((Path(__file__).resolve().parents[2] / "evals" / "floors.json")
                    .read_text())["real"]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def results(real_home: Path) -> dict[str, dict[str, Any]]:
    return real.run(real_home, list(real.SETS))


@pytest.mark.parametrize("name", real.SETS)
def test_real_documents_meet_the_floors(results, name, capsys):
    floors = FLOORS[name]
    m = results[name]
    with capsys.disabled():
        print(f"\n{name}: " + ", ".join(f"{k} {m[k]}" for k in floors if k in m))
    assert m["n"] >= {"dev": 21, "frozen-c": 36, "frozen-d": 40, "frozen-e": 40,
                      "frozen-f": 40, "frozen-g": 40, "frozen-h": 40, "frozen-j": 40,
                      "frozen-k": 40}.get(name, 50)
    assert m["must_contain_all"] >= floors["must_contain_all"]
    assert m["retrieval_hit@5"] >= floors["retrieval_hit@5"]
    assert m["false_decline_rate"] <= floors["false_decline_rate_max"]
    assert m["declined_correctly"] >= floors["declined_correctly"]
    assert m["cited_page_right"] >= floors["cited_page_right"]
    if "cross_lingual_hit@5" in floors:
        assert m["by_language"]["cross-lingual"]["hit@5"] >= floors["cross_lingual_hit@5"]


def test_no_answer_is_a_url_or_metadata_line(results):
    """Whatever else fails, an answer is made of sentences of the documents: never a link
    on its own or a "SOURCE: ... TITLE: ..." line. (An address may end a sentence: "the
    guide ... is available at the following address: http://..." answers where it is, as
    "applications are sent to AGRI-GRANTS-...@ec.europa.eu" answers how to apply.)"""
    for name in real.SETS:
        for row in results[name]["predictions"]:
            if row["declined"]:
                continue
            for marker in ("SOURCE:", "TITLE:"):
                assert marker not in row["answer"], (marker, row)
            # each quoted sentence (up to its citation mark) that gives a link says more
            for said in re.split(r"\[\d+\]", row["answer"]):
                if "http" in said or "www." in said:
                    words = [w for w in said.split() if not re.match(r"(?:https?://|www\.)", w)]
                    assert len(words) >= 6, (said, row["id"])
