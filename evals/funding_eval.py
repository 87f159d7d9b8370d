"""Score the funding radar on the gold requests of the sample corpus.

Each gold request (evals/funding_requests.jsonl) lists the calls it must flag and the calls
it must not flag (a closed call, a call whose rules the plan fails, an unrelated call).
"Today" is fixed at 2026-11-22, the date the corpus was written for.

- recall: flagged ∩ must_flag / must_flag, over all requests;
- precision: flagged ∩ must_flag / flagged, over the requests that have a non-empty
  must_flag or flagged anything (so a request that rightly flags nothing does not count,
  and one that wrongly flags something does);
- violations: calls flagged although listed in must_not_flag (a closed call flagged as
  open is one);
- empty-correct: requests with an empty must_flag that flagged nothing.

    python -m evals.funding_eval [--requests evals/funding_requests.jsonl] [--home DIR] [--json]
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

from evals.common import corpus_library

REPO = Path(__file__).resolve().parents[1]
REQUESTS = REPO / "evals" / "funding_requests.jsonl"
TODAY = date(2026, 11, 22)


def load_requests(path: Path = REQUESTS) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def run_requests(radar: Any, requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for req in requests:
        t0 = time.perf_counter()
        result = radar.run(req["request"], agreement=req.get("agreement"))
        ms = (time.perf_counter() - t0) * 1000
        rows.append({"req": req, "result": result, "ms": ms,
                     "flagged": [f["source"] for f in result.flagged],
                     "near": [n["source"] for n in result.near_misses]})
    return rows


def score(rows: list[dict[str, Any]]) -> dict[str, Any]:
    gold_total = found = flagged_total = flagged_right = 0
    violations, misses = [], []
    empty = empty_ok = 0
    for r in rows:
        must, must_not = set(r["req"]["must_flag"]), set(r["req"]["must_not_flag"])
        got = set(r["flagged"])
        gold_total += len(must)
        found += len(got & must)
        if must or got:
            flagged_total += len(got)
            flagged_right += len(got & must)
        if not must:
            empty += 1
            empty_ok += not got
        for s in sorted(must - got):
            misses.append({"id": r["req"]["id"], "kind": "missed", "source": s})
        for s in sorted(got & must_not):
            violations.append({"id": r["req"]["id"], "kind": "flagged but must not",
                               "source": s})
        for s in sorted(got - must - must_not):
            misses.append({"id": r["req"]["id"], "kind": "flagged, not in gold", "source": s})
    lat = sorted(r["ms"] for r in rows)
    return {
        "requests": len(rows),
        "recall": found / gold_total if gold_total else 1.0,
        "precision": flagged_right / flagged_total if flagged_total else 1.0,
        "must_flag_total": gold_total,
        "flagged_total": flagged_total,
        "violations": len(violations),
        "empty_correct": empty_ok / empty if empty else 1.0,
        "latency_ms_p50": lat[len(lat) // 2] if lat else 0.0,
        "latency_ms_max": lat[-1] if lat else 0.0,
        "misses": misses + violations,
    }


def summary(metrics: dict[str, Any]) -> str:
    lines = [
        f"requests: {metrics['requests']} (today fixed at {TODAY.isoformat()})",
        f"recall {metrics['recall']:.2f} ({metrics['must_flag_total']} must-flag)  "
        f"precision {metrics['precision']:.2f} ({metrics['flagged_total']} flagged)  "
        f"must-not violations {metrics['violations']}  "
        f"nothing-fits correct {metrics['empty_correct']:.0%}",
        f"latency p50 {metrics['latency_ms_p50']:.0f} ms  max {metrics['latency_ms_max']:.0f} ms",
    ]
    if metrics["misses"]:
        lines.append("misses:")
        lines += [f"  {m['id']}: {m['kind']}: {m['source']}" for m in metrics["misses"]]
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=Path, default=REQUESTS)
    ap.add_argument("--home", type=Path, help="an existing data directory holding the corpus")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    from assistant.funding import FundingRadar

    lib = corpus_library(args.home, "mp-funding-eval-")
    rows = run_requests(FundingRadar(lib, today=TODAY), load_requests(args.requests))
    metrics = score(rows)
    if args.json:
        print(json.dumps(metrics, indent=2))
    else:
        print(summary(metrics))
    return 0


if __name__ == "__main__":
    sys.exit(main())
