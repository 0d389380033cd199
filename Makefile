# Two commands matter on a fresh machine: `make demo` and `make test`. Everything else is a step of those.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# The pinned npm packages: the CDK CLI, and the JSONata engine AWS runs (the differential test).
NODE_MODULES := node_modules/.installed

.PHONY: demo test lint typecheck unit up bench synth deploy destroy clean

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
	$(VENV)/bin/mypy leaderboard stacks functions app.py

unit: $(STAMP) $(NODE_MODULES)
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) -m bench

synth: $(STAMP)
	$(PY) app.py

$(NODE_MODULES): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(NODE_MODULES)

clean:
	rm -rf $(VENV) cdk.out .pytest_cache .mypy_cache .ruff_cache

# Deploy/destroy a stage with the pinned CDK CLI: make deploy STAGE=feat-x SSM_STAGE=dev
STAGE ?= dev
SSM_STAGE ?= $(STAGE)
CDK := node_modules/.bin/cdk

$(CDK): $(NODE_MODULES)

deploy: $(STAMP) $(CDK)
	$(CDK) deploy -c stageName=$(STAGE) -c ssmStageName=$(SSM_STAGE)

destroy: $(STAMP) $(CDK)
	$(CDK) destroy -c stageName=$(STAGE) -c ssmStageName=$(SSM_STAGE)
