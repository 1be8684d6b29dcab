"""``python -m iam_baseline.analysis.check``: prove the access matrix against a cloud assembly.

Usage::

    python -m iam_baseline.analysis.check [--out cdk.out] [--config config/baseline.yaml]

Runs, offline and without aws_cdk:

1. every expectation of the config's ``access_matrix`` (:mod:`.checks.matrix`);
2. the privilege-escalation search for every user, group member, role and permission set
   not listed in ``admin_principals``, over the analysis graph of every account scope
   (:mod:`.graph`, read by :mod:`.checks.escalation`);
3. one check per principal that is admin-equivalent: it must be listed in ``admin_principals``;
4. one check per policy document of the assembly, linted with parliament (:mod:`.checks.lint`):
   every finding must be acknowledged in the registry with a reason;
5. every derived invariant (:mod:`.checks.invariants.catalog`) on every account scope of the
   assembly (:mod:`.model.accounts`): proven passes, a counterexample or "not proven" fails;
   then the trust shape (:mod:`.checks.trust_shape`): a trust statement relying on MFA carries
   ``Bool`` and the age bound, as README.md promises.
6. IAM Identity Center (:mod:`.checks.identity_center`): every assignment's principal exists,
   and a person reaches an admin permission set only when listed in ``admin_principals``.

Prints one line per failed check with its explanation, then ``N checks, F failed`` and the
checks per second; writes ``access-report.md`` and ``access-report.html`` into the assembly
directory. Exit status: 0 when every check passed, 1 when one failed, 2 when the config or
the assembly cannot be read.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..config import ConfigError, load_config
from ..config.access_matrix import AccessMatrixConfig
from ..config.models import BaselineConfig
from .engine.conditions import PolicyError
from .checks.escalation import escalation_results
from .graph import AccessGraph, build_graph
from .graph.shared import share
from .graph.admin import is_admin_equivalent
from .graph.world import SEARCH_CONTEXT
from .checks.identity_center import admin_permission_sets, identity_center_results
from .model.identity_center import IdentityCenterModel, Reach, load_identity_center
from .checks.invariants.catalog import run_invariants
from .model.accounts import AccountScope, declared_accounts, load_scopes
from .model.intrinsics import TemplateError
from .checks.lint import lint_policy, linted_policies
from .graph.admin import admin_refs
from .checks.matrix import CheckResult, check_matrix, missing_principals
from .checks.member_accounts import MEMBER_PRINCIPALS, check_member_expectation
from .checks.trust_shape import trust_shape_results
from .checks.deployed_templates import deployed_template_results
from .outputs.graphviz import GraphvizError
from .outputs.report import write_reports
from .outputs.mfa_reach import console_lines
from .model.subjects import subject_for
from .model.organization_policies import OrganizationPolicies, load_organization_policies
from .model.templates import AccountModel, UnknownPolicy, load_account


@dataclass(frozen=True)
class CheckRun:
    """Everything one run produced: the model, the results and the admin-equivalent principals.

    ``people``: every (person, account, permission set, group) of IAM Identity Center, with
    whether the permission set is admin-equivalent (``None``: not judged).
    ``scopes`` and ``config``: what the invariants ran on (the report reads the analysed
    account's scope, where the permission sets assigned to it are placed).
    """

    model: AccountModel
    results: list[CheckResult]
    admin_equivalent: list[str]
    seconds: float
    invariant_timings: list = field(default_factory=list)
    people: list[tuple[Reach, bool | None]] = field(default_factory=list)
    scopes: list[AccountScope] = field(default_factory=list)
    config: BaselineConfig | None = None
    #: Who can become whom (:mod:`.graph`), over every account scope; None when not searched.
    graph: AccessGraph | None = None


def lint_results(model: AccountModel) -> list[CheckResult]:
    """One result per linted policy: passed when every parliament finding is acknowledged."""
    results = []
    for policy in linted_policies(model):
        open_findings = [f for f in lint_policy(policy) if f.acknowledged_by is None]
        message = "; ".join(f"{f.issue} {f.detail}" for f in open_findings)
        results.append(
            CheckResult(
                "policy-lint",
                policy.name,
                "parliament finds nothing unacknowledged",
                not open_findings,
                f"{policy.name}: parliament: {message} (acknowledge in compliance/lint_registry.py "
                "POLICY_LINT_REGISTRY with a reason, or fix the policy)",
            )
        )
    return results


def account_rows(matrix: AccessMatrixConfig) -> AccessMatrixConfig:
    """``matrix`` without the rows about member accounts (:mod:`.checks.member_accounts`)."""
    return matrix.model_copy(update={"expectations": tuple(e for e in matrix.expectations if e.principal not in MEMBER_PRINCIPALS)})


def run_checks(
    model: AccountModel,
    config: BaselineConfig,
    scopes: list[AccountScope] | None = None,
    center: IdentityCenterModel | None = None,
    organization: OrganizationPolicies | None = None,
) -> CheckRun:
    """Run the matrix, the escalation search, the admin-equivalence checks, the derived
    invariants of ``scopes`` and, with ``center``, the Identity Center checks.

    ``organization``: the SCP levels of the member accounts, for the matrix rows about them.
    """
    start = time.perf_counter()
    matrix = config.access_matrix or AccessMatrixConfig()
    # Rows about member accounts are decided with their SCPs; the rest on this account's model.
    member_rows = [e for e in matrix.expectations if e.principal in MEMBER_PRINCIPALS]
    results = check_matrix(model, config, account_rows(matrix))
    for expectation in member_rows:
        if organization is None:
            results.append(CheckResult(expectation.id, expectation.principal, "", False,
                                       f"{expectation.id}: a member row needs a config with an organization"))
        else:
            results += check_member_expectation(organization, config, expectation, model.partition)
    admins = admin_refs(model, config)
    subjects = [
        subject_for(model, p, SEARCH_CONTEXT)
        for p in sorted(model.principals.values(), key=lambda p: p.ref)
        if p.kind in ("user", "group", "role", "permission_set")
    ]
    admin_equivalent = []
    for subject in subjects:
        if not is_admin_equivalent(model, subject):
            continue
        admin_equivalent.append(subject.label)
        declared = subject.label in admins
        results.append(
            CheckResult(
                "admin-equivalent",
                subject.label,
                "may administer IAM without limits",
                declared,
                f"{subject.label}: admin-equivalent but not listed in access_matrix.admin_principals",
            )
        )
    graph = None
    if matrix.escalation_search:
        graph_scopes = scopes or [_single_scope(model, config)]
        graph = build_graph(graph_scopes, config)
        share(graph_scopes, graph)  # INV-ONLY-ADMINS-ADMIN reads the same graph
        results += escalation_results(graph, main_account=model.account)
    results += lint_results(model)
    timings = []
    if scopes:
        invariant_results, timings = run_invariants(scopes, config)
        results += invariant_results
        results += trust_shape_results(scopes, config)
    people = []
    if center is not None:
        results += identity_center_results(model, center, matrix.admin_principals)
        verdicts = admin_permission_sets(model, center)
        people = [(reach, verdicts.get(reach.permission_set)) for reach in center.reach()]
    return CheckRun(model, results, admin_equivalent, time.perf_counter() - start, timings, people, scopes or [], config,
                    graph)


def _single_scope(model: AccountModel, config: BaselineConfig) -> AccountScope:
    """``model`` as the only account scope (a run without the assembly's scopes)."""
    return AccountScope(f"account {model.account}", model, config=config, top_config=config,
                        declared_accounts=frozenset(declared_accounts(config) | {model.account}))


def load_inputs(
    out: str | Path, config_path: str | Path
) -> tuple[BaselineConfig, AccountModel, list[AccountScope], IdentityCenterModel | None, OrganizationPolicies | None]:
    """What :func:`run_checks` reads: the config, the config account's model, every account scope
    (with the organization's SCP and RCP levels), the Identity Center model and the
    organization's policies (``None`` without an ``organization`` section). One loader for
    ``make check`` and the benchmarks, so both judge the same inputs.

    Raises:
        ConfigError, FileNotFoundError, TemplateError, UnknownPolicy, PolicyError: as the loaders do.
    """
    config = load_config(config_path)
    model = load_account(out, account=config.account_id)
    scopes = load_scopes(out, config)
    center = load_identity_center(out)
    organization = load_organization_policies(out, config) if config.organization else None
    return config, model, scopes, center, organization


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m iam_baseline.analysis.check", description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="cdk.out", help="cloud assembly directory (default: cdk.out)")
    parser.add_argument("--config", default="config/baseline.yaml", help="baseline config (default: config/baseline.yaml)")
    args = parser.parse_args(argv)
    try:
        config, model, scopes, center, organization = load_inputs(args.out, args.config)
    except (ConfigError, FileNotFoundError, TemplateError, UnknownPolicy, PolicyError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    missing = missing_principals(model, config, account_rows(config.access_matrix or AccessMatrixConfig()))
    if missing:
        print(f"error: {args.config}: access_matrix rows name principals the assembly lacks:", file=sys.stderr)
        for ref, rows in sorted(missing.items()):
            print(f"  {ref} (rows: {', '.join(rows)})", file=sys.stderr)
        return 2
    run = run_checks(model, config, scopes, center, organization)
    run.results.extend(deployed_template_results(args.out))  # the StackSets deploy what was proven
    failed = [r for r in run.results if not r.passed]
    for result in failed:
        print(f"FAIL {result.check}: {result.message}")
    try:
        reports = write_reports(Path(args.out), run)
    except GraphvizError as error:
        print(f"error: the access report's graph: {error}", file=sys.stderr)
        return 2
    total = len(run.results)
    rate = total / run.seconds if run.seconds > 0 else float("inf")
    print(f"reports: {', '.join(str(p) for p in reports)}")
    for line in console_lines(run):  # the SAML route and its declared reason ("Ways in without MFA")
        print(line)
    print(f"{rate:,.0f} checks per second")
    if run.invariant_timings:
        slowest = max(run.invariant_timings, key=lambda t: t.seconds)
        decided = sum(t.findings for t in run.invariant_timings)
        spent = sum(t.seconds for t in run.invariant_timings)
        print(f"invariants: {decided} decided over {len(scopes)} account scope{'s' if len(scopes) != 1 else ''} in {spent:.2f} s "
              f"(slowest {slowest.id}: {slowest.seconds:.2f} s)")
    print(f"{total} checks, {len(failed)} failed")
    return 1 if failed else 0


def run(argv: list[str] | None = None, entry=None) -> int:
    """:func:`main` (or another CLI's ``entry(argv)``, e.g. the access diff's) without a
    traceback: a refused config prints its problems; any other failure one line naming the
    arguments, exit 2 (``IAM_BASELINE_DEBUG=1`` shows the traceback)."""
    from ..errors import BaselineError

    try:
        return (entry or main)(argv)
    except BaselineError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except Exception as error:  # noqa: BLE001 - the CLI's one catch-all
        if os.environ.get("IAM_BASELINE_DEBUG") == "1":
            raise
        first = (str(error).strip().splitlines() or [""])[0][:300]
        print(
            f"error: unexpected failure checking {' '.join(argv if argv is not None else sys.argv[1:])}: "
            f"{type(error).__name__}: {first} (set IAM_BASELINE_DEBUG=1 for the traceback)",
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":
    sys.exit(run())
