"""Fit the funding radar's theme threshold and margin on the tuning requests.

Every tuning request is run through the radar with no threshold and no margin, keeping each
call's theme score and whether its rules pass (a closed call counts as fitting, as in
`evals.real_tasks`). Then every (threshold, margin) pair is scored: a call is kept when its
score is at least the threshold and within the margin of the best call whose rules the plan
meets. The pick: the highest pooled recall with each set's precision >= 0.75 and
nothing-fits >= 0.9. Tuning sets: the sample corpus's `evals/funding_requests.jsonl` (only
open calls count there, as in `evals.funding_eval`), the real dev tasks and frozen-a of
`evals/real_tasks_frozen.jsonl`. frozen-b and `evals/real_radar_frozen_c.jsonl` stay out.

    python -m evals.radar_fit [--home DIR]
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from evals.common import REPO, load_jsonl
from evals.real import TODAY, available, real_library
from evals.real_tasks import is_funding, task_sets

SAMPLE_TODAY = date(2026, 11, 22)  # evals.funding_eval's
THRESHOLDS = [x / 100 for x in range(10, 50, 2)]
MARGINS = (0.02, 0.04, 0.06, 0.08, 0.1, 0.15, 1.0)

log = logging.getLogger(__name__)


def scored(home: Path) -> dict[str, list[dict[str, Any]]]:
    """Per set, per request: the wanted calls and every rule-passing call with its score."""
    import assistant.funding.radar as radar_module

    lib = real_library(home)
    sets = {k: [t for t in v if is_funding(t)] for k, v in task_sets(["dev", "frozen-a"]).items()}
    sets["sample"] = load_jsonl(REPO / "evals" / "funding_requests.jsonl")
    saved = radar_module.FIT_THRESHOLD, radar_module.FIT_MARGIN
    radar_module.FIT_THRESHOLD, radar_module.FIT_MARGIN = -1.0, 10.0
    try:
        out: dict[str, list[dict[str, Any]]] = {}
        for name, tasks in sets.items():
            radar = radar_module.FundingRadar(lib, today=SAMPLE_TODAY if name == "sample"
                                              else TODAY)
            out[name] = []
            for t in tasks:
                result = radar.run(t["request"])
                out[name].append({
                    "want": set(t.get("must_flag", t.get("expected_schemes", []))),
                    "avoid": set(t.get("must_not_flag", [])),
                    "open": [(f["source"], f["score"]) for f in result.flagged],
                    "closed": [(f["source"], f["score"]) for f in result.closed_fits]})
        return out
    finally:
        radar_module.FIT_THRESHOLD, radar_module.FIT_MARGIN = saved


def evaluate(rows: list[dict[str, Any]], threshold: float, margin: float,
             open_only: bool) -> tuple[float, float, float]:
    """Recall, precision and nothing-fits of one set at one (threshold, margin)."""
    want_n = found = reported = right = empty = empty_ok = 0
    for r in rows:
        fitting = r["open"] + r["closed"]
        best = max((s for _, s in fitting), default=0.0)
        kept = {src for src, s in (r["open"] if open_only else fitting)
                if s >= threshold and s >= best - margin}
        want_n += len(r["want"])
        found += len(kept & r["want"])
        if r["want"] or kept:
            reported += len(kept)
            right += len(kept & r["want"]) if r["want"] else 0
        if not r["want"]:
            empty += 1
            empty_ok += not kept
    return (found / want_n if want_n else 1.0, right / reported if reported else 1.0,
            empty_ok / empty if empty else 1.0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--home", type=Path, help="reuse this library folder (default: a new one)")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if why := available():
        print(f"skipped: {why}")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        sets = scored(args.home or Path(tmp))
    grid = []
    for t in THRESHOLDS:
        for m in MARGINS:
            per = {n: evaluate(rows, t, m, n == "sample") for n, rows in sets.items()}
            pooled = sum(per[n][0] * sum(len(r["want"]) for r in rows)
                         for n, rows in sets.items()) / max(1, sum(
                len(r["want"]) for rows in sets.values() for r in rows))
            grid.append((pooled, t, m, per))
    ok = [g for g in grid if all(p[1] >= 0.75 and p[2] >= 0.9 for p in g[3].values())]
    ok.sort(key=lambda g: (-g[0], -min(p[1] for p in g[3].values())))
    print("threshold margin  pooled recall  | per set recall/precision/nothing-fits")
    for pooled, t, m, per in ok[:10]:
        print(f"{t:9.2f} {m:6.2f}  {pooled:13.2f}  | " + "  ".join(
            f"{n} {a:.2f}/{b:.2f}/{c:.2f}" for n, (a, b, c) in per.items()))
    if not ok:
        print("no pair keeps every set's precision >= 0.75 and nothing-fits >= 0.9")
    return 0


if __name__ == "__main__":
    sys.exit(main())
