"""Character accuracy of our OCR on the scanned pages 4-7 of the SCI toolkit.

Two references, side by side:
- ``../shared/real-docs/ocr-reference/`` (the measure the issue names): another engine's
  uncorrected line-level output, with its own misreadings ("Ecundor", "unide", "AI Hamed")
  and its readings of signatures and an Arabic line ("jull bubzig 2000 3,312");
- ``evals/ocr_gold_toolkit.json``: that text corrected line by line against 300- and
  600-dpi renderings of the page images by an engineer who never saw our OCR (its line
  order is the reference's; handwriting, seals and non-Latin script removed).
The reference's own accuracy against the corrected text is printed too: how far the
measure itself is from what the pages print. Each installed engine is measured, with the
seconds it took.

    python -m evals.ocr_accuracy [--json]

Skips, saying so, when ``../shared`` or every OCR engine is absent.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "real-docs"
TOOLKIT = SHARED / "docs" / "mou_sci-partnership-agreement-toolkit.pdf"
REFERENCE = SHARED / "ocr-reference" / f"{TOOLKIT.name}.ocr.json"
GOLD = Path(__file__).with_name("ocr_gold_toolkit.json")
PAGES = [4, 5, 6, 7]


def character_accuracy(reference: str, read: str) -> float:
    """1 - character error rate (Levenshtein over whitespace-normalised text)."""
    from rapidfuzz.distance import Levenshtein

    a, b = " ".join(reference.split()), " ".join(read.split())
    return 1 - Levenshtein.distance(a, b) / max(1, len(a))


def measure(engine: str = "auto") -> dict[str, dict[str, float]]:
    """Per page and mean: ours against the reference and the gold, the reference against
    the gold; and the seconds the reading took."""
    from ingest.ocr import OcrOptions, read_scanned_pages

    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))["pages"]
    gold = json.loads(GOLD.read_text(encoding="utf-8"))["pages"]
    start = time.perf_counter()
    read = read_scanned_pages(TOOLKIT.read_bytes(), PAGES, options=OcrOptions(engine=engine))
    seconds = time.perf_counter() - start
    rows: dict[str, dict[str, float]] = {}
    for n in PAGES:
        ours = read[n].text if n in read else ""
        rows[str(n)] = {
            "ours_vs_reference": character_accuracy(reference[str(n)], ours),
            "ours_vs_gold": character_accuracy(gold[str(n)], ours),
            "reference_vs_gold": character_accuracy(gold[str(n)], reference[str(n)]),
        }
    rows["mean"] = {k: sum(r[k] for r in rows.values()) / len(PAGES)
                    for k in next(iter(rows.values()))}
    rows["mean"]["seconds"] = seconds
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)
    from ingest.ocr import ENGINES, ocr_status

    if not REFERENCE.exists():
        print(f"skipped: {REFERENCE} is absent (../shared beside the repository)")
        return 0
    engines = [e for e in ENGINES if ocr_status(e).available]
    if not engines:
        print(f"skipped: {ocr_status().describe()}")
        return 0
    results = {e: measure(e) for e in engines}
    if args.json:
        json.dump(results, sys.stdout, indent=2)
        print()
        return 0
    print("OCR character accuracy, SCI toolkit pages 4-7 (reference: ../shared; gold: the "
          "reference corrected by eye)")
    print(f"{'engine':>10} {'page':>5} {'ours/reference':>15} {'ours/gold':>10} "
          f"{'reference/gold':>15}")
    for engine, rows in results.items():
        for page, r in rows.items():
            print(f"{engine:>10} {page:>5} {r['ours_vs_reference']:>15.3f} "
                  f"{r['ours_vs_gold']:>10.3f} {r['reference_vs_gold']:>15.3f}")
        print(f"{engine:>10} read the 4 pages in {rows['mean']['seconds']:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
