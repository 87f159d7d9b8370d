"""Words of a question said in another language's words, by the multilingual embedder.

An officer asks in English about an Italian call or a Dutch agreement. Retrieval finds the
document (the embedder is multilingual), but within it words cannot rank passages or
sentences: "payment" is not in "versamento intermedio", "lunch" not in "pranzo". The
embedder that placed both languages in one space also places single words there: the
nearest words of the library's Italian vocabulary to "payment" are "pagamento" (0.94),
"pagata", "pagate"; to "coffee", "caffè" (0.95). Those neighbours stand in for the
question's words in that language, for keyword search within the document and for the
words signal of sentence selection. No dictionary, no word list: the library's own
vocabulary and the model it already uses. The threshold is fitted on the real sets.

Word vectors are cached on disk by embedder (``<home>/cache/words-<name>.npz``): a
library's vocabulary is embedded once (during the first question that needs that
language: a few seconds per thousand words), not on every start. A question's own words
are embedded per question and never written to disk. Only languages with their own
stemming in the keyword index (Italian, Dutch, German, French, Spanish, Portuguese,
Swedish, Danish) have a vocabulary here: an English document asked about in Italian is
weighed by the embedder alone.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

EmbedFn = Callable[[list[str]], list[list[float]]]
# A neighbour this close says the same word. Fitted on the real dev and frozen-a sets with
# the selection weights of assistant.select: key facts 0.56/0.45 at 0.65 and 0.7, 0.56/0.43
# at 0.75 and 0.8; 0.65 also declines one more unanswerable frozen-a question.
NEAREST = 0.65
PER_WORD = 3  # neighbours kept per question word
_PLAIN = re.compile(r"^[^\W\d_]{3,}$")


class WordBridge:
    """question words -> their nearest words in one language's vocabulary."""

    def __init__(self, embed: EmbedFn, cache_file: Path | None = None,
                 nearest: float = NEAREST, per_word: int = PER_WORD) -> None:
        self._embed = embed
        self._file = cache_file
        self.nearest = nearest
        self.per_word = per_word
        self._lock = threading.RLock()
        self._vectors: dict[str, np.ndarray] = {}
        self._stored: set[str] = set()  # the words the file holds (the library's)
        self._loaded = False
        # language -> (digest of its vocabulary, words, matrix): rebuilt when the library's
        # words in that language change
        self._matrices: dict[str, tuple[str, list[str], np.ndarray]] = {}

    # -- vectors, cached ----------------------------------------------------------------

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        if self._file is None or not self._file.exists():
            return
        try:
            with np.load(self._file, allow_pickle=False) as data:
                words, vecs = list(data["words"]), data["vectors"]
            self._vectors.update(zip(words, vecs, strict=True))
            self._stored.update(words)
        except Exception as exc:  # noqa: BLE001 - a damaged cache (truncated, not a zip) is rebuilt
            log.warning("word vector cache %s unreadable (%s): rebuilding it", self._file, exc)

    def _save(self) -> None:
        """The library's words to disk (never a question's: they stay in memory). A cache
        that cannot be written (read-only home, full disk) costs time, never an answer."""
        if self._file is None:
            return
        words = sorted(self._stored)
        tmp = None
        try:
            self._file.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self._file.parent, suffix=".npz")
            os.close(fd)
            np.savez(tmp, words=np.array(words), vectors=np.stack([self._vectors[w]
                                                                   for w in words]))
            os.replace(tmp, self._file)
        except OSError as exc:
            log.warning("word vector cache %s not written: %s", self._file, exc)
        finally:
            if tmp and os.path.exists(tmp):
                os.remove(tmp)

    def vectors(self, words: list[str], keep: bool = False) -> np.ndarray:
        """Unit vectors of ``words``; those not yet cached are embedded. ``keep``: they are
        the library's words, kept (and saved to disk for the next start); a question's
        words are embedded for this call only, so a long-running server does not gather
        every word ever asked."""
        with self._lock:
            self._load()
            missing = [w for w in dict.fromkeys(words) if w not in self._vectors]
            fresh: dict[str, np.ndarray] = {}
            if missing:
                log.info("embedding %d words for cross-language matching", len(missing))
                for start in range(0, len(missing), 512):
                    batch = missing[start:start + 512]
                    vecs = np.asarray(self._embed(batch), dtype=np.float32)
                    vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-9)
                    fresh.update(zip(batch, vecs, strict=True))
            if keep:
                self._vectors.update(fresh)
                if not set(words) <= self._stored:
                    self._stored.update(words)
                    self._save()
            if not words:
                return np.zeros((0, 1), dtype=np.float32)
            return np.stack([fresh[w] if w in fresh else self._vectors[w] for w in words])

    def _matrix(self, language: str, vocabulary: list[str]) -> tuple[list[str], np.ndarray]:
        digest = hashlib.sha1("\n".join(vocabulary).encode()).hexdigest()
        with self._lock:
            found = self._matrices.get(language)
            if found is None or found[0] != digest:
                words = sorted(w for w in vocabulary if _PLAIN.match(w))
                found = (digest, words, self.vectors(words, keep=True))
                self._matrices[language] = found
            return found[1], found[2]

    # -- the bridge ---------------------------------------------------------------------

    def translate(self, words: Iterable[str], language: str,
                  vocabulary: list[str]) -> dict[str, list[str]]:
        """Each of ``words`` -> its nearest words of ``vocabulary`` (the library's words in
        ``language``), closest first, those at or above the threshold only."""
        asked = [w for w in dict.fromkeys(words) if _PLAIN.match(w)]
        if not asked or not vocabulary:
            return {}
        known, matrix = self._matrix(language, vocabulary)
        if not known:
            return {}
        sims = self.vectors(asked) @ matrix.T
        out: dict[str, list[str]] = {}
        for i, word in enumerate(asked):
            order = np.argsort(-sims[i])[: self.per_word]
            near = [known[j] for j in order if sims[i, j] >= self.nearest and known[j] != word]
            if near:
                out[word] = near
        return out
