"""The embedder runs from PyPI-packaged files only, and matches Chroma's own model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from chromadb.utils.embedding_functions.onnx_mini_lm_l6_v2 import ONNXMiniLM_L6_V2

from ingest.embedders.minilm import MODEL_FILES, MiniLM, ensure_model_dir


def test_model_dir_is_assembled_from_packages(tmp_path: Path):
    target = ensure_model_dir(tmp_path / "m")
    assert sorted(p.name for p in (target / "onnx").iterdir()) == sorted(MODEL_FILES)
    assert all((target / "onnx" / n).stat().st_size > 0 for n in MODEL_FILES)


def test_dynamic_padding_gives_chromas_vectors(tmp_path: Path):
    emb = MiniLM(tmp_path / "m")
    # Chroma's class now points at our folder: it must never reach for its download URL.
    assert Path(ONNXMiniLM_L6_V2.DOWNLOAD_PATH) == tmp_path / "m"
    texts = ["Sister city agreement between two towns.", "short",
             "Grant call for climate adaptation pilots " * 40]
    ours = np.array(emb.embed(texts))
    reference = np.array(ONNXMiniLM_L6_V2(preferred_providers=["CPUExecutionProvider"])(texts))
    assert ours.shape == (3, 384)
    assert float(np.min(np.sum(ours * reference, axis=1))) > 0.9999
    related = ours[0] @ np.array(emb.embed(["twinning charter of two municipalities"]))[0]
    unrelated = ours[0] @ np.array(emb.embed(["the recipe needs two eggs"]))[0]
    assert related > unrelated + 0.2
