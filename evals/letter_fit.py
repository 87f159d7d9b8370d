"""Refit the letters' provision threshold for agreements quoted in their own language.

`assistant.letters.wording.PROVISION_MIN` (0.42) was fitted in MiniLM's space, on English.
An agreement with no English text is matched in the store's multilingual space, whose
cosines run on another scale. Its threshold is the one that passes the same share of
(request, provision) pairs as 0.42 does in MiniLM, measured on the English agreements of
the tuning letter tasks (the sample corpus's `evals/letter_tasks.jsonl`, the real dev tasks
and frozen-a): every proposal and ask of a request against every provision of the
agreement the letter writer picks for it. frozen-b and frozen-c stay out.

    python -m evals.letter_fit [--home DIR]
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

import numpy as np

from evals.common import REPO, load_jsonl
from evals.real import TODAY, available, real_library
from evals.real_tasks import is_funding, task_sets


def pairs(home: Path) -> tuple[np.ndarray, np.ndarray, str]:
    """Cosines of every (request part, English provision) pair: MiniLM's, the store's."""
    from assistant.letters import LetterWriter
    from assistant.letters.agreement import agreement_units
    from assistant.letters.wording import parse_proposal

    lib = real_library(home)
    writer = LetterWriter(lib, today=TODAY)
    tasks = load_jsonl(REPO / "evals" / "letter_tasks.jsonl")
    for found in task_sets(["dev", "frozen-a"]).values():
        tasks += [t for t in found if not is_funding(t)]
    mini, store = lib.theme_embedder, lib.embedder
    x: list[float] = []
    y: list[float] = []
    for t in tasks:
        found = writer.finder.run(t["request"], None, None)
        if isinstance(found, str):
            continue
        units = [u.item for u in agreement_units(lib, found.rec) if not u.foreign]
        if not units:
            continue
        proposal = parse_proposal(t["request"])
        asked = [q for q in [proposal.topic, *(a for _, a in proposal.asks)] if q]
        in_mini, in_store = np.asarray(mini.embed(units)), np.asarray(store.embed(units))
        for q in asked:
            y += list(in_mini @ np.asarray(mini.embed_query([q])[0]))
            x += list(in_store @ np.asarray(store.embed_query([q])[0]))
    return np.asarray(x), np.asarray(y), store.name


def main(argv: list[str] | None = None) -> int:
    from assistant.letters.wording import PROVISION_MIN

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--home", type=Path, help="reuse this library folder (default: a new one)")
    a = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if why := available():
        print(f"SKIPPED: {why}")
        return 0
    if a.home is None:
        import tempfile

        with tempfile.TemporaryDirectory(prefix="mp-letter-fit-") as tmp:
            return main([*(argv or []), "--home", tmp])
    x, y, name = pairs(a.home)
    share = float(np.mean(y >= PROVISION_MIN))
    print(f"{len(x)} pairs; {share:.1%} score >= {PROVISION_MIN} in MiniLM; the same share "
          f"scores >= {np.quantile(x, 1 - share):.2f} in {name} "
          f"(correlation {np.corrcoef(x, y)[0, 1]:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
