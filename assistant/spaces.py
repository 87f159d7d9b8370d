"""The embedding space a threshold is read in, and what it takes to read it in another.

The funding radar's and the letters' thresholds were fitted in MiniLM's space (the
library's ``theme_embedder``): a cosine of 0.42 means something else in another model's.
MiniLM reads only English, so text in another language is compared in the store's own
multilingual embedder instead, and only for the store embedders whose calibration to
MiniLM's scale was measured here. With another store embedder, MiniLM reads everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.library import Library
    from ingest.embedders import Embedder


@dataclass(frozen=True)
class Calibration:
    """A store embedder's readings put on MiniLM's scale."""

    # (scale, shift) of a funding request's theme fit: the two models' fits of the English
    # tuning requests (sample, dev, frozen-a) against every call, 330 pairs, matched by mean
    # and spread (MiniLM 0.267 +- 0.152, USE 0.200 +- 0.129, correlation 0.85)
    theme_scale: tuple[float, float]
    # the least cosine of a request to an agreement's provision, at the same share of
    # (request, provision) pairs as the letters' PROVISION_MIN in MiniLM's space: on the
    # English agreements of the tuning letter tasks (sample, dev, frozen-a: 521 pairs), 7.5%
    # score >= 0.42 in MiniLM and >= 0.29 in USE (`python -m evals.letter_fit`)
    provision_min: float


CALIBRATIONS: dict[str, Calibration] = {"use": Calibration(theme_scale=(1.17, 0.03),
                                                           provision_min=0.29)}


def calibration(library: Library) -> Calibration | None:
    """The store embedder's calibration to MiniLM's scale; None when none was measured."""
    return CALIBRATIONS.get(library.embedder.name)


def space(library: Library, foreign: bool) -> Embedder:
    """The embedder to compare text in: MiniLM, where the thresholds were fitted; the
    store's multilingual one for text in another language than English (``foreign``),
    which MiniLM reads as noise, when it has a calibration."""
    if foreign and calibration(library) is not None:
        return library.embedder
    return library.theme_embedder


def on_minilm_scale(score: float, embedder: Embedder) -> float:
    """A theme fit read in ``embedder`` on MiniLM's scale (unchanged when it is MiniLM)."""
    found = CALIBRATIONS.get(embedder.name)
    if found is None:
        return score
    scale, shift = found.theme_scale
    return round(scale * score + shift, 3)
