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

.PHONY: install synth check test scan bench bench-check bench-scale fuzz diff deploy schema clean break-glass-lock identity-store-lock

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

## Synthesize the baseline from $(CONFIG) into $(OUT), checked by the four cdk-nag packs.
synth: install
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

## Third-party scanners on the default and organization templates (StackSet members
## included): checkov (own pinned venv, not a test dependency) and cfn-lint with every optional
## rule. The findings kept by design are listed, with their reasons, in README "Third-party
## scanners"; they are reported but do not fail the target.
SCAN_VENV := .venv-scan
SCAN_OUT := cdk.out.scan
CHECKOV_VERSION := 3.3.30
CHECKOV_REASONED := CKV_AWS_109,CKV_AWS_111,CKV_AWS_115,CKV_AWS_116,CKV_AWS_117
scan: install
	@test -x $(SCAN_VENV)/bin/checkov || { $(PYTHON) -m venv $(SCAN_VENV) && $(SCAN_VENV)/bin/pip install --quiet checkov==$(CHECKOV_VERSION); }
	rm -rf $(SCAN_OUT)
	cdk synth --quiet -c config=config/baseline.yaml --output $(SCAN_OUT)/default
	cdk synth --quiet -c config=config/examples/organization.yaml --output $(SCAN_OUT)/organization
	$(SCAN_VENV)/bin/checkov --skip-download --framework cloudformation --compact --quiet -d $(SCAN_OUT) --soft-fail-on $(CHECKOV_REASONED)
	# W3005: a redundant DependsOn that aws-cdk-lib writes on its own AwsCustomResource function.
	cfn-lint --include-checks I --include-experimental --ignore-checks W3005 -- $$(find $(SCAN_OUT) -name '*.template.json')

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

## Record the Identity Center users of $(CONFIG) in its lock (a deliberate user rename).
identity-store-lock: install
	CDK_CONTEXT_JSON='{"config": "$(CONFIG)"}' $(PY) app.py --record-identity-store-lock

diff: install
	cdk diff -c config=$(CONFIG)

deploy: install
	cdk deploy --all -c config=$(CONFIG)

clean:
	rm -rf $(VENV) $(SCAN_VENV) node_modules cdk.out $(SCAN_OUT) .pytest_cache
