"""How close a call's themes are to a plan: meaning (the embedder) plus keyword overlap."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assistant.funding.plan import STRUCTURE_WORDS
from assistant.retrieve import terms

# Theme fit needed to consider a call at all, and how far below the best-fitting call that
# passes its rules a call may fall and still be flagged. Fitted in the store's multilingual
# space (an English plan against an Italian call) by `python -m evals.radar_fit` on the
# tuning requests (the sample corpus's, the real dev tasks, frozen-a): the highest recall
# with each set's precision >= 0.75 and nothing-fits >= 0.9 (0.20 and 0.06: frozen-a recall
# 0.43 -> 0.71, precision 1.00 -> 0.77). A fixed threshold alone could not separate
# neighbouring themes (an EU information centre and EU information actions on farming): the
# best fit among the calls a plan can apply to is the better yardstick. The rules decide
# the rest.
FIT_THRESHOLD = 0.20
FIT_MARGIN = 0.06
# A call's passages stand for it by the mean of its best few: the single best passage of a
# 24-page guide matches almost any plan, so a long call would win on length alone.
BEST_PASSAGES = 5


KEYWORD_BONUS, KEYWORD_BONUS_CAP = 0.04, 2


MAX_CONDITIONS = 4


@dataclass
class ThemeFit:
    score: float
    topic: str  # the plan's topic that matched best
    theme: str  # the call's priority it matched, or "" when a passage matched better
    keywords: list[str]


def unit_rows(rows: list[list[float]]) -> np.ndarray:
    arr = np.asarray(rows, dtype=np.float32)
    if arr.size == 0:
        return arr.reshape(0, 0)
    return arr / np.maximum(np.linalg.norm(arr, axis=1, keepdims=True), 1e-9)


def keyword(term: str) -> str:
    """A crude common root ('culture' and 'cultural', 'festival' and 'festivals'): enough
    for a bonus, never a decision on its own."""
    return term[:6] if len(term) > 6 else term


def call_keywords(text: str) -> set[str]:
    return {keyword(t) for t in terms(text.replace("-", " "))
            if t not in STRUCTURE_WORDS and len(t) > 3}


def theme_fit(topics: np.ndarray, topic_texts: list[str], themes: np.ndarray,
              theme_texts: list[str], profile: np.ndarray, passages: np.ndarray,
              call_terms: set[str], prose: bool = False) -> ThemeFit:
    """Best topic-to-priority similarity (or, for a call whose priorities are prose, its
    best passages), weighted with the whole call profile, plus a small bonus for shared
    topical words (titles name the subject)."""
    pair = topics @ themes.T if themes.size else np.zeros((len(topic_texts), 1))
    i, j = np.unravel_index(int(np.argmax(pair)), pair.shape)
    joined = unit_rows([topics.mean(axis=0).tolist()])[0]
    prof = float(profile @ joined)
    best_passages = 0.0
    if passages.size:
        per_passage = np.sort((passages @ topics.T).max(axis=1))[::-1][:BEST_PASSAGES]
        best_passages = float(per_passage.mean())
    shared = sorted(call_keywords(" ".join(topic_texts)) & call_terms)
    # A call whose priorities were not read as a list (real guides state them in prose)
    # is judged by its best passages in their place.
    best_theme = float(pair[i, j]) if themes.size else best_passages
    if prose:  # only a lot's name is listed: the prose still states the priorities
        best_theme = max(best_theme, best_passages)
    score = 0.8 * best_theme + 0.2 * prof + KEYWORD_BONUS * min(KEYWORD_BONUS_CAP, len(shared))
    return ThemeFit(round(score, 3), topic_texts[i],
                    theme_texts[j] if themes.size else "", shared)
