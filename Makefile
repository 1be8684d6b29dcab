# cdk-iam-baseline. Every target installs what it needs on first use, and only that:
#   make synth   the runtime (requirements.lock) and Node.js 22 plus the CDK CLI (package-lock.json)
#   make check   adds the analysis tools (requirements-check.lock: parliament, z3-solver, moto's data)
#   make test    adds the test tooling (requirements-dev.lock: pytest, cfn-lint, moto's server, ...)
# The .venv is made by `python3 -m venv`; uv (pinned with hashes in requirements-uv.lock) installs
# the hash-checked lock files into it: a cold install measured ~5x faster than pip (README,
# "Install"). So only Python 3.11+, npm and make are required, and a network reaching PyPI and npm.
# Each marker below depends on its lock file(s): a changed lock reinstalls on the next run.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
CONFIG ?= config/baseline.yaml
OUT ?= cdk.out

# The pinned Node.js (node_modules/.bin/node) must win over any system node: jsii runs on it.
export PATH := $(CURDIR)/node_modules/.bin:$(CURDIR)/$(VENV)/bin:$(PATH)
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# Python must cache the bytecode of what it imports: CDK's Python bindings are large source
# files (aws_cdk.aws_ec2 alone is 7.7 MB) and recompiling them cost every synth ~3 s of CPU
# where PYTHONDONTWRITEBYTECODE is set. The caches land in .venv and __pycache__/ (ignored).
unexport PYTHONDONTWRITEBYTECODE
# uv installs into this venv from PyPI (it reads no pip configuration), with hashes required.
UV_INSTALL := $(UV) pip install --require-hashes --no-deps --python $(PY)

.PHONY: install init install-synth install-check install-test lock construct-docs rules-doc synth check access-diff test test-fast scan bench bench-check bench-scale bench-org hub-picture fuzz diff deploy schema config-docs clean break-glass-lock identity-store-lock accept-renames accept-moves

install: install-test

# Each level installs on top of the one below it; `uv pip install` only adds (a package
# dropped from a lock stays in an existing .venv, harmless; `make clean` for a fresh one).
# The Python and the Node.js installs are independent: a sub-make runs them side by side.
install-synth:
	@$(MAKE) --no-print-directory --silent -j2 $(VENV)/.synth node_modules/.installed
install-check:
	@$(MAKE) --no-print-directory --silent -j2 $(VENV)/.check node_modules/.installed
install-test:
	@$(MAKE) --no-print-directory --silent -j2 $(VENV)/.test node_modules/.installed

$(VENV)/.uv: requirements-uv.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required (set PYTHON=...)")'
	@echo "== creating $(VENV) and installing uv (requirements-uv.lock)"
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --require-hashes --no-deps -r requirements-uv.lock
	@touch $@

$(VENV)/.synth: $(VENV)/.uv requirements.lock constructs/pyproject.toml
	@echo "== installing the runtime (requirements.lock) and the construct library (constructs/)"
	$(UV_INSTALL) -r requirements.lock
	$(UV) pip install --no-deps --python $(PY) -e ./constructs
	@touch $@

$(VENV)/.check: $(VENV)/.synth requirements-check.lock
	@echo "== installing the analysis tools (requirements-check.lock)"
	$(UV_INSTALL) -r requirements-check.lock
	@touch $@

$(VENV)/.test: $(VENV)/.check requirements-dev.lock
	@echo "== installing the test tooling (requirements-dev.lock)"
	$(UV_INSTALL) -r requirements-dev.lock
	@touch $@

## Regenerate the lock files (pinned versions and their hashes) from requirements*.txt; run it
## after any change there, and commit both (tests/test_locks.py checks that they agree).
lock: $(VENV)/.uv
	for name in requirements requirements-check requirements-dev; do \
	  $(UV) pip compile $$name.txt --quiet --generate-hashes --universal --python-version 3.11 \
	    --no-emit-package cdk-iam-baseline --custom-compile-command "make lock" -o $$name.lock || exit 1; \
	done
	$(UV) pip compile requirements-uv.txt --quiet --generate-hashes --universal --python-version 3.11 \
	  --custom-compile-command "make lock" -o requirements-uv.lock

node_modules/.installed: package.json package-lock.json
	@echo "== installing Node.js 22 and the CDK CLI (package-lock.json)"
	npm ci --no-audit --no-fund --loglevel=error
	@node --version | grep -Eq '^v(2[2-9]|[3-9][0-9])\.' || { echo "pinned Node.js >= 22 missing from node_modules/.bin" >&2; exit 1; }
	@touch $@

## Write your own config from the documented template (never overwrites a file), then print
## the next steps: make init ACCOUNT=123456789012 REGION=eu-central-1 [CONFIG=config/prod.yaml]
## (without CONFIG: config/account-<ACCOUNT>.yaml; config/baseline.yaml is the example).
init: install-synth
	@test -n "$(ACCOUNT)" -a -n "$(REGION)" || { echo "usage: make init ACCOUNT=123456789012 REGION=eu-central-1 [CONFIG=config/prod.yaml]" >&2; exit 2; }
	@$(PY) scripts/init_config.py --account "$(ACCOUNT)" --region "$(REGION)" $(if $(filter command line environment,$(origin CONFIG)),--config "$(CONFIG)")

## Synthesize the baseline from $(CONFIG) into $(OUT), checked by the four cdk-nag packs.
## $(OUT) is emptied first (only if it is a cloud assembly), so no stale template or report stays.
## A config error is the last line before make's own "Error 2": the config checks run first
## (`app.py --check-config`, under a second, before the CDK CLI starts), and the CLI's
## "Subprocess exited with error 1|2" after one of our own error lines is filtered out (any
## other exit of the app, e.g. a signal, still shows it; the exit status stays cdk's).
## `cdk synth` of config $(1) into $(2), printing findings and errors only. With several stacks
## the CLI ends even a --quiet synth with "Supply a stack id (...) to display its template." and
## "Successfully synthesized", with one stack it prints nothing: both filtered out, with the blank
## lines and the CLI's "Subprocess exited with error 1|2" after one of our own error lines;
## --no-notices leaves out the CLI's NOTICES banner. The exit status stays cdk's (pipefail).
CDK_SYNTH = set -o pipefail; cdk synth --quiet --no-notices -c config=$(1) --output $(2) 2>&1 \
	  | { grep -v -e '^Supply a stack id (' -e '^Successfully synthesized to ' -e '^$$' \
	      -e ' app\.py: Subprocess exited with error [12]$$' || true; }

synth: install-synth
	@$(PY) scripts/clean_output.py "$(OUT)"
	@$(PY) app.py --check-config "$(CONFIG)"
	@echo "== cdk synth -c config=$(CONFIG) into $(OUT) (prints findings and errors only)"
	@# One success line of ours, whatever the stack count (CDK_SYNTH filters the CLI's own), with
	@# the time it took (an organization's synth takes several times one account's).
	@start=$$SECONDS; $(call CDK_SYNTH,$(CONFIG),$(OUT)) && { n=$$(find $(OUT) -name '*.template.json' | wc -l); \
	  echo "== synthesized $(OUT) ($$n template$$([ $$n = 1 ] || echo s), $$((SECONDS - start)) s); next: make check CONFIG=$(CONFIG) OUT=$(OUT)"; }

## Prove the access matrix and search privilege escalation on the assembly in $(OUT) (after
## `make synth`; `make check OUT=DIR` for another one). Writes $(OUT)/access-report.{md,html}.
check: install-check
	@# Not echoed: a config error is then the first line, as under make synth.
	@$(PY) -m iam_baseline.analysis.check --out $(OUT) --config $(CONFIG)

## The access diff: what $(OUT) allows that an older assembly denies, and the reverse, proven
## with z3 per principal, trust policy and resource-based policy (README, "Access diff"):
## make access-diff BASE=<old cdk.out> [BASE_CONFIG=<its config>] [DIFF_ARGS=--allow-new-access].
## Exit 1 on new access (or an undecided question) unless --allow-new-access.
BASE_CONFIG ?= $(CONFIG)
access-diff: install-check
	@test -n "$(BASE)" || { echo "usage: make access-diff BASE=<old cdk.out> [BASE_CONFIG=<its config>] [OUT=cdk.out] [DIFF_ARGS=...]" >&2; exit 2; }
	$(PY) -m iam_baseline.analysis.diff --base "$(BASE)" --new "$(OUT)" --config "$(CONFIG)" --base-config "$(BASE_CONFIG)" $(DIFF_ARGS)

## `make check` with every invariant on the default baseline, the organization example and the
## hub example (when present): wall time, invariants per second, time per invariant (slowest
## named), escalation search time. Synthesizes them first. Then the access diff of two
## generated 100-account organizations differing by one assignment.
HUB_EXAMPLE := $(firstword $(wildcard config/examples/hub*.yaml))
bench-check: install
	cdk synth --quiet -c config=$(CONFIG) --output $(OUT)
	cdk synth --quiet -c config=config/examples/organization.yaml --output $(OUT)-organization
	$(if $(HUB_EXAMPLE),cdk synth --quiet -c config=$(HUB_EXAMPLE) --output $(OUT)-hub)
	$(PY) scripts/bench_check.py $(OUT) $(CONFIG) $(OUT)-organization config/examples/organization.yaml \
	  $(if $(HUB_EXAMPLE),$(OUT)-hub $(HUB_EXAMPLE))
	$(PY) scripts/bench_diff.py

## Regenerate RULES.md, the catalogue of escalation edges, from the rule modules
## (constructs/iam_baseline/analysis/graph/rules/); a test keeps it current.
rules-doc: install-check
	$(PY) -m iam_baseline.analysis.graph.catalogue_doc > RULES.md

## Run the whole test suite (what CI runs).
test: install-test
	$(PY) -m pytest

## The suite without the mutation suites and the other minutes-long tests (markers `mutation`
## and `slow`, pytest.ini), for local iteration; `make test` stays the full suite.
TEST_FAST_MARKERS := not mutation and not slow
test-fast: install-test
	$(PY) -m pytest -m "$(TEST_FAST_MARKERS)"

## Third-party scanners on the default and organization templates (StackSet members
## included): checkov (own pinned venv, not a test dependency), cfn-lint with every optional
## rule, and cfn-guard with the Control Tower proactive rules (scan/package.json). The
## findings kept by design are listed, with their reasons, in README "Third-party scanners";
## they are reported but do not fail the target (cfn-guard: a finding not registered in
## scripts/guard_scan.py does).
SCAN_VENV := .venv-scan
# cfn-guard and the Control Tower proactive control rules, as cdklabs packages them on npm
# (scan/package.json, pinned). --legacy-peer-deps: its aws-cdk-lib peer is not needed to run
# the bundled binary on templates (and would add ~100 MB).
GUARD_PACKAGE := scan/node_modules/@cdklabs/cdk-validator-cfnguard
$(GUARD_PACKAGE)/package.json: scan/package.json scan/package-lock.json | node_modules/.installed
	npm ci --prefix scan --legacy-peer-deps --no-audit --no-fund --loglevel=error
	@touch $@
SCAN_OUT := cdk.out.scan
CHECKOV_VERSION := 3.3.30
CHECKOV_REASONED := CKV_AWS_109,CKV_AWS_111,CKV_AWS_115,CKV_AWS_116,CKV_AWS_117,CKV_AWS_158
scan: install $(GUARD_PACKAGE)/package.json
	@test -x $(SCAN_VENV)/bin/checkov || { $(PYTHON) -m venv $(SCAN_VENV) && $(SCAN_VENV)/bin/pip install --quiet checkov==$(CHECKOV_VERSION); }
	rm -rf $(SCAN_OUT)
	cdk synth --quiet -c config=config/baseline.yaml --output $(SCAN_OUT)/default
	cdk synth --quiet -c config=config/examples/organization.yaml --output $(SCAN_OUT)/organization
	$(SCAN_VENV)/bin/checkov --skip-download --framework cloudformation --compact --quiet -d $(SCAN_OUT) --soft-fail-on $(CHECKOV_REASONED)
	# W3005: a redundant DependsOn that aws-cdk-lib writes on its own AwsCustomResource function.
	cfn-lint --include-checks I --include-experimental --ignore-checks W3005 -- $$(find $(SCAN_OUT) -name '*.template.json')
	$(PY) scripts/guard_scan.py $(GUARD_PACKAGE) $(SCAN_OUT)


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

## The hub-and-spoke and organization examples at 100 and 500 member accounts, A/B interleaved:
## synth time and peak memory, `make check` time and verdict (medians; prints figures, fails nothing).
bench-org: install
	$(PY) scripts/bench_org.py

## The README's picture of who can reach which member account: synthesizes the hub-and-spoke
## example, then draws the hops the trust policies of its StackSets and of the identity account's
## own stack (IdentityAccount) admit (analysis/outputs/org_reach.py, hub_picture.py)
## into docs/hub-and-spoke.svg and .dot (a test keeps the .dot current).
HUB_PICTURE_CONFIG := config/examples/hub-and-spoke.yaml
hub-picture: install-check
	@$(PY) scripts/clean_output.py "$(OUT).hub-picture"
	@echo "== cdk synth -c config=$(HUB_PICTURE_CONFIG) into $(OUT).hub-picture"
	@$(call CDK_SYNTH,$(HUB_PICTURE_CONFIG),$(OUT).hub-picture)
	$(PY) -m iam_baseline.analysis.outputs.hub_picture --out $(OUT).hub-picture --config $(HUB_PICTURE_CONFIG) \
	  --svg docs/hub-and-spoke.svg --dot docs/hub-and-spoke.dot

## Rewrite the construct reference of constructs/README.md from the library's docstrings.
construct-docs: install-synth
	$(PY) scripts/construct_docs.py

## Regenerate config/baseline.schema.json from the pydantic models.
schema: install-synth
	$(PY) -m iam_baseline.config.schema > config/baseline.schema.json

## Regenerate docs/configuration.md (every config key: type, default, description) from the models.
config-docs: install-synth
	$(PY) -m iam_baseline.config.reference > docs/configuration.md

## Accept the renames of $(CONFIG): record its IAM identity names (renames into the lock's
## history), its break-glass names and its Identity Center users in their locks.
accept-renames: install-synth
	CDK_CONTEXT_JSON='{"config": "$(CONFIG)"}' $(PY) app.py --accept-renames

## After the deploy that moved member accounts between StackSets has succeeded: record each
## account's StackSet in config/<config>.stacksets.lock (the next synth drops the retiring StackSets).
accept-moves: install-synth
	CDK_CONTEXT_JSON='{"config": "$(CONFIG)"}' $(PY) app.py --accept-moves

## Record the break-glass and Admin role names of $(CONFIG) in its lock (a deliberate rename).
break-glass-lock: install-synth
	CDK_CONTEXT_JSON='{"config": "$(CONFIG)"}' $(PY) app.py --record-break-glass-lock

## Record the Identity Center users of $(CONFIG) in its lock (a deliberate user rename).
identity-store-lock: install-synth
	CDK_CONTEXT_JSON='{"config": "$(CONFIG)"}' $(PY) app.py --record-identity-store-lock

## Compare with the deployed stacks (needs AWS credentials: a profile, SSO, or OIDC in CI;
## without them it says how to provide them).
diff: install-synth
	@$(PY) scripts/aws_hint.py cdk diff -c config=$(CONFIG)

deploy: install-synth
	@$(PY) scripts/aws_hint.py cdk deploy --all -c config=$(CONFIG)

clean:
	rm -rf $(VENV) $(SCAN_VENV) node_modules cdk.out $(SCAN_OUT) .pytest_cache
