"""Unit vectors of texts, cached across questions and shared by the app's handler threads.

The same passages and call texts come back request after request; embedding them again
costs ~10 ms a sentence on 2 cores. Read and written under a lock; the embedder runs
outside it, so a slow batch never blocks another thread's cache hits.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

import numpy as np

EmbedFn = Callable[[list[str]], list[list[float]]]


class VectorCache:
    """(kind, text) -> unit vector, least recently used dropped beyond ``size``."""

    def __init__(self, size: int = 20000) -> None:
        self._vectors: OrderedDict[tuple[Hashable, str], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self._size = size

    def get(self, texts: list[str], embed: EmbedFn, kind: Hashable = "") -> np.ndarray:
        """Rows in the order of ``texts``; ``kind`` keeps apart what different models or
        prefixes (query/passage) made of one text."""
        keys = [(kind, t) for t in texts]
        found: dict[tuple[Hashable, str], np.ndarray] = {}
        with self._lock:
            for k in keys:
                if k in self._vectors:
                    self._vectors.move_to_end(k)
                    found[k] = self._vectors[k]
        missing = [k for k in dict.fromkeys(keys) if k not in found]
        if missing:
            for k, v in zip(missing, embed([t for _, t in missing]), strict=True):
                arr = np.asarray(v, dtype=np.float32)
                found[k] = arr / (np.linalg.norm(arr) or 1.0)
            with self._lock:
                for k in missing:
                    self._vectors[k] = found[k]
                while len(self._vectors) > self._size:
                    self._vectors.popitem(last=False)
        if not keys:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([found[k] for k in keys])
