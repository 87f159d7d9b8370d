"""One officer's session: its turns, and the embedded answer shown while a model writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.types import Answer


@dataclass(frozen=True)
class Draft:
    """The embedded answer, shown at once while a language model writes its own: what the
    officer keeps if the model fails, is refused by the guard, or is stopped."""

    answer: Answer


@dataclass
class Turn:
    question: str
    query: str
    answer: Answer


MAX_TURNS = 20


@dataclass
class Conversation:
    """One officer's session: each turn's question, how it was resolved, and the answer."""

    turns: list[Turn] = field(default_factory=list)
    # The language model's answer being written now (an AnswerStream), for Stop to cancel.
    writing: Any = field(default=None, repr=False, compare=False)

    @property
    def last(self) -> Turn | None:
        return self.turns[-1] if self.turns else None

    def stop(self) -> bool:
        """Cancel the answer being written, if any; the turn keeps the embedded answer."""
        stream, self.writing = self.writing, None
        if stream is None:
            return False
        stream.cancel()
        return True
