# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# torch is pinned here, before the package: an unpinned torch pulls a multi-GB CUDA build.
TORCH := torch==2.13.0
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: run test install install-test lint bench clean

# `mentorcoach ui` indexes the starter corpus first when the index is empty.
run: $(VENV)/.installed
	$(BIN)/mentorcoach ui

test: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet $(TORCH)
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# Tests also need the dev tools and the local LLM server. llama-cpp-python compiles (~4-10 min)
# for any x86-64 CPU: a native build enables kernels (AMX) that crash on some CPUs. No wheel
# cache, so a natively built wheel left by an earlier install is never reused.
$(VENV)/.installed-test: $(VENV)/.installed
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/python -m pip install --quiet --no-cache-dir -e '.[dev,server]'
	touch $@

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

bench: $(VENV)/.installed-test
	status=0; for script in $(filter-out benchmarks/__init__.py,$(wildcard benchmarks/*.py)); do \
		$(BIN)/python $$script || status=1; done; exit $$status

clean:
	rm -rf $(VENV) build *.egg-info test-output
