# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# torch is pinned here, before the package: an unpinned torch pulls a multi-GB CUDA build.
TORCH := torch==2.13.0
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

# Tests also need the dev tools and the local LLM server (llama-cpp-python compiles: ~4 min).
$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev,server]'
	touch $@

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

bench: $(VENV)/.installed-test
	for script in $(filter-out benchmarks/__init__.py,$(wildcard benchmarks/*.py)); do \
		$(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info test-output
