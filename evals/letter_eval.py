"""Score outreach letters on the letter tasks of the sample corpus (today = 2026-11-22).

Metrics:
- fact coverage: share of the tasks' must_contain facts (each a list of alternatives) found
  in the letters;
- violations: must_not_contain strings found in a letter (a closed call, an invented amount,
  a wrong salutation, an internal note leaking out);
- refusals: tasks whose refusal (unknown partner) matches `expect_refused`;
- unsupported-fact rate: facts (dates, amounts, numbers, names) the grounding guard finds in
  the letters but not in their own cited facts + the request, over all facts checked.

    python -m evals.letter_eval [--tasks evals/letter_tasks.jsonl] [--home DIR] [--json]
                                [--show]
(ingests corpus/docs into a temporary library first unless --home points at one)
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from evals.common import corpus_library, has_fact

REPO = Path(__file__).resolve().parents[1]
TASKS = REPO / "evals" / "letter_tasks.jsonl"
TODAY = date(2026, 11, 22)


def load_tasks(path: Path = TASKS) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def run_tasks(writer: Any, tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each task's letter, guard report against its own evidence, and time taken."""
    from assistant.guard import GroundingGuard

    guard = GroundingGuard()
    rows = []
    for task in tasks:
        t0 = time.perf_counter()
        letter = writer.run(task["request"], task.get("sender"), task.get("recipient"))
        ms = (time.perf_counter() - t0) * 1000
        report = None if letter.refused else guard.run(letter.text, letter.evidence())
        rows.append({"task": task, "letter": letter, "report": report, "ms": ms})
    return rows


def score(rows: list[dict[str, Any]]) -> dict[str, Any]:
    facts = found = violations = refusals_ok = checked = unsupported = 0
    per_task = []
    for r in rows:
        task, letter, report = r["task"], r["letter"], r["report"]
        text = letter.to_markdown(notes=False)
        missing = [alts for alts in task["must_contain"] if not has_fact(text, alts)]
        present = [s for s in task.get("must_not_contain", []) if has_fact(letter.text, [s])]
        facts += len(task["must_contain"])
        found += len(task["must_contain"]) - len(missing)
        violations += len(present)
        refusals_ok += letter.refused == bool(task.get("expect_refused"))
        if report is not None:
            checked += report.checked
            unsupported += report.unsupported_count
        per_task.append({"id": task["id"], "missing": missing, "violations": present,
                         "refused": letter.refused, "mode": letter.mode,
                         "unsupported": report.unsupported if report else []})
    n = max(1, len(rows))
    return {
        "tasks": len(rows),
        "fact_coverage": found / max(1, facts),
        "facts": facts,
        "violations": violations,
        "refusals_correct": refusals_ok / n,
        "facts_checked": checked,
        "unsupported_facts": unsupported,
        "unsupported_rate": unsupported / max(1, checked),
        "ms_per_letter": sum(r["ms"] for r in rows) / n,
        "per_task": per_task,
    }


def summary_table(metrics: dict[str, Any]) -> str:
    lines = [
        f"letter tasks: {metrics['tasks']}",
        f"fact coverage   {metrics['fact_coverage']:.0%} of {metrics['facts']} required facts",
        f"violations      {metrics['violations']} forbidden strings present",
        f"refusals        {metrics['refusals_correct']:.0%} as expected",
        f"unsupported     {metrics['unsupported_facts']} of {metrics['facts_checked']} facts "
        f"checked by the guard ({metrics['unsupported_rate']:.1%})",
        f"time            {metrics['ms_per_letter']:.0f} ms per letter",
    ]
    for t in metrics["per_task"]:
        if t["missing"] or t["violations"] or t["unsupported"]:
            lines.append(f"  {t['id']}: missing {t['missing']} violations {t['violations']} "
                         f"unsupported {t['unsupported']}")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tasks", type=Path, default=TASKS)
    ap.add_argument("--home", type=Path, help="an existing data directory to use")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--show", action="store_true", help="print every letter")
    args = ap.parse_args()
    from assistant.letters import LetterWriter

    lib = corpus_library(args.home, "mp-letters-")
    rows = run_tasks(LetterWriter(lib, today=TODAY), load_tasks(args.tasks))
    metrics = score(rows)
    if args.json:
        print(json.dumps(metrics, indent=2, ensure_ascii=False))
    else:
        print(summary_table(metrics))
    if args.show:
        for r in rows:
            print(f"\n===== {r['task']['id']}\n{r['letter'].to_markdown()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
