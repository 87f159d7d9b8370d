"""The space a threshold is read in: MiniLM, or the store's calibrated multilingual
embedder for text in another language."""

from __future__ import annotations

from dataclasses import replace

from assistant import spaces
from assistant.library import Library


def test_other_languages_are_read_in_the_stores_space_only_when_it_is_calibrated(
        embedded_settings) -> None:  # noqa: ANN001
    library = Library(embedded_settings)  # the default store embedder: USE, calibrated
    assert spaces.calibration(library) is spaces.CALIBRATIONS[library.embedder.name]
    assert spaces.space(library, foreign=True) is library.embedder
    assert spaces.space(library, foreign=False) is library.theme_embedder
    minilm = Library(replace(embedded_settings, embedder="minilm"), check_embedder=False)
    assert spaces.calibration(minilm) is None
    assert spaces.space(minilm, foreign=True) is minilm.theme_embedder


def test_a_fit_read_in_a_calibrated_space_is_put_on_minilms_scale(embedded_settings) -> None:  # noqa: ANN001
    library = Library(embedded_settings)
    assert spaces.CALIBRATIONS[library.embedder.name].theme_scale == (1.17, 0.03)
    assert spaces.on_minilm_scale(0.3, library.embedder) == 0.381  # 1.17 * 0.3 + 0.03
    assert spaces.on_minilm_scale(0.3, library.theme_embedder) == 0.3
