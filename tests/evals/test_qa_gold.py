"""The gold questions on the sample corpus: a quick score, and floors CI enforces."""

from __future__ import annotations

import json
from pathlib import Path

from evals.qa import load_questions, run_questions, score, summary_table

FLOORS = json.loads((Path(__file__).resolve().parents[2] / "evals" / "floors.json").read_text())


def test_gold_questions_meet_the_floors(assistant, capsys):
    questions = load_questions()
    assert len(questions) >= 80
    assert sum(not q["answerable"] for q in questions) >= 12
    metrics = score(run_questions(assistant, questions))
    with capsys.disabled():
        print("\n" + summary_table(metrics))
    assert metrics["hit@5"] >= FLOORS["hit@5"]
    assert metrics["mrr"] >= FLOORS["mrr"]
    assert metrics["key_facts"] >= FLOORS["key_facts"]
    assert metrics["correct_declines"] >= FLOORS["correct_declines"]
    assert metrics["false_declines"] <= FLOORS["false_declines_max"]
