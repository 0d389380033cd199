# Two commands matter on a fresh machine: `make demo` and `make test`. Everything else is a step of those.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# `npm ci` installs package.json's pins: the CDK CLI, the ASL validator and the JSONata engine
# AWS runs (the deploy-time checks and the differential test `make test` runs).
NPM_STAMP := node_modules/.installed

.PHONY: demo test lint typecheck unit up bench synth deploy destroy smoke clean

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(PY) -m leaderboard.demo

up: $(STAMP)
	$(PY) -m leaderboard.local up

test: lint typecheck unit

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP)
	$(VENV)/bin/mypy leaderboard stacks functions bench tests app.py

unit: $(STAMP) $(NPM_STAMP)
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) -m bench

synth: $(STAMP)
	$(PY) app.py

clean:
	rm -rf $(VENV) cdk.out .pytest_cache .mypy_cache .ruff_cache

# Deploy/destroy a stage with the pinned CDK CLI: make deploy STAGE=feat-x SSM_STAGE=dev
STAGE ?= dev
SSM_STAGE ?= $(STAGE)
CDK := node_modules/.bin/cdk

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(NPM_STAMP)

deploy: $(STAMP) $(NPM_STAMP)
	$(CDK) deploy -c stageName=$(STAGE) -c ssmStageName=$(SSM_STAGE)

destroy: $(STAMP) $(NPM_STAMP)
	$(CDK) destroy -c stageName=$(STAGE) -c ssmStageName=$(SSM_STAGE)

# Run each workflow once against a deployed stage on a throwaway board: make smoke STAGE=feat-x
smoke: $(STAMP)
	$(PY) -m leaderboard.smoke --stage $(STAGE)
