# cdk-iam-baseline. `make synth` and `make test` install everything they need on first use:
# a .venv from the pinned requirements*.txt, and Node.js 22 plus the CDK CLI from
# package.json / package-lock.json (npm), so only Python 3.11+, npm and make are required.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
CONFIG ?= config/baseline.yaml
OUT ?= cdk.out

# The pinned Node.js (node_modules/.bin/node) must win over any system node: jsii runs on it.
export PATH := $(CURDIR)/node_modules/.bin:$(CURDIR)/$(VENV)/bin:$(PATH)
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install init synth check test bench bench-check bench-scale fuzz diff deploy schema clean break-glass-lock

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt constructs/pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@node --version | grep -Eq '^v(2[2-9]|[3-9][0-9])\.' || { echo "pinned Node.js >= 22 missing from node_modules/.bin" >&2; exit 1; }
	@touch $@

## Write your own config from the documented template (never overwrites a file), then print
## the next steps: make init ACCOUNT=123456789012 REGION=eu-central-1 [CONFIG=config/prod.yaml]
## (without CONFIG: config/account-<ACCOUNT>.yaml; config/baseline.yaml is the example).
init: install
	@test -n "$(ACCOUNT)" -a -n "$(REGION)" || { echo "usage: make init ACCOUNT=123456789012 REGION=eu-central-1 [CONFIG=config/prod.yaml]" >&2; exit 2; }
	@$(PY) scripts/init_config.py --account "$(ACCOUNT)" --region "$(REGION)" $(if $(filter command line environment,$(origin CONFIG)),--config "$(CONFIG)")

## Synthesize the baseline from $(CONFIG) into $(OUT), checked by the four cdk-nag packs.
## $(OUT) is emptied first (only if it is a cloud assembly), so no stale template or report stays.
synth: install
	@$(PY) scripts/clean_output.py "$(OUT)"
	cdk synth --quiet -c config=$(CONFIG) --output $(OUT)

## Prove the access matrix and search privilege escalation on the assembly in $(OUT) (after
## `make synth`; `make check OUT=DIR` for another one). Writes $(OUT)/access-report.{md,html}.
check: install
	$(PY) -m iam_baseline.analysis.check --out $(OUT) --config $(CONFIG)

## `make check` with every invariant on the default baseline and on the organization example:
## wall time, invariants per second, time per invariant (slowest named). Synthesizes both first.
bench-check: install
	cdk synth --quiet -c config=$(CONFIG) --output $(OUT)
	cdk synth --quiet -c config=config/examples/organization.yaml --output $(OUT)-organization
	$(PY) scripts/bench_check.py $(OUT) $(CONFIG) $(OUT)-organization config/examples/organization.yaml

## Run the whole test suite.
test: install
	$(PY) -m pytest

## Wall time and peak memory of `cdk synth`: baseline vs an empty CDK app; config load time.
bench: install
	$(PY) scripts/bench_synth.py
	$(PY) scripts/bench_config.py

## Thousands of mutated configs through the loader (FUZZ_EXAMPLES, default 3000): outcome
## counts by class; fails on any traceback, an example over 2 s of CPU or 256 MiB.
FUZZ_EXAMPLES ?= 3000
fuzz: install
	$(PY) scripts/fuzz_config.py $(FUZZ_EXAMPLES)

## Synth of generated organizations (10-200 accounts) and of a one-assignment change.
bench-scale: install
	$(PY) scripts/bench_scale.py

## Regenerate config/baseline.schema.json from the pydantic models.
schema: install
	$(PY) -m iam_baseline.config.schema > config/baseline.schema.json

## Record the break-glass and Admin role names of $(CONFIG) in its lock (a deliberate rename).
break-glass-lock: install
	CDK_CONTEXT_JSON='{"config": "$(CONFIG)"}' $(PY) app.py --record-break-glass-lock

## Compare with the deployed stacks (needs AWS credentials: a profile, SSO, or OIDC in CI;
## without them it says how to provide them).
diff: install
	@$(PY) scripts/aws_hint.py cdk diff -c config=$(CONFIG)

deploy: install
	@$(PY) scripts/aws_hint.py cdk deploy --all -c config=$(CONFIG)

clean:
	rm -rf $(VENV) node_modules cdk.out .pytest_cache
