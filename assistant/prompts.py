"""Prompt files live in the repo's `prompts/` folder, one Markdown file per prompt.

Located relative to this package rather than through package data, so an editable
install, a plain checkout on PYTHONPATH and the tests all find the same files.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

PROMPTS_DIR = Path(__file__).resolve().parents[1] / "prompts"

_PLACEHOLDER_RE = re.compile(r"\{([a-z_]+)\}")


@cache
def load_prompt(name: str) -> str:
    """The text of `prompts/<name>.md` (the `.md` suffix is optional)."""
    path = PROMPTS_DIR / (name if name.endswith(".md") else f"{name}.md")
    if not path.is_file():
        raise FileNotFoundError(f"prompt {name!r} not found at {path}")
    return path.read_text(encoding="utf-8").strip() + "\n"


def render_prompt(name: str, **values: str) -> str:
    """Fill `{key}` placeholders in one pass.

    Not `str.format`: passage text and questions may contain braces, and a single pass
    means a value that itself contains "{question}" is never substituted again.
    """
    template = load_prompt(name)
    missing = set(_PLACEHOLDER_RE.findall(template)) - set(values)
    if missing:
        raise KeyError(f"prompt {name!r} needs values for: {', '.join(sorted(missing))}")
    return _PLACEHOLDER_RE.sub(lambda m: values.get(m.group(1), m.group(0)), template)
