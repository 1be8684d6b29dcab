"""The invariant catalogue (a plain list, like a cdk-nag pack) and the runner over every account scope."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from ....config.models import BaselineConfig
from ...model.accounts import AccountScope
from ..matrix import CheckResult
from . import accounts, admin, boundary, hops, human_machine, machine_roles, mfa, mfa_less, mfa_less_admin
from . import resource_policies, service_roles, trust
from . import org_baseline_changes, org_data_perimeter, org_leave, org_root_user, root_tasks
from .base import AccountNames, Counterexample, Invariant, Refused, explain
from .callers import assembly

INVARIANTS: tuple[Invariant, ...] = (
    trust.INVARIANT,
    accounts.INVARIANT,
    mfa.INVARIANT,
    boundary.INVARIANT,
    admin.INVARIANT,
    resource_policies.INVARIANT,
    machine_roles.INVARIANT,
    service_roles.INVARIANT,
    mfa_less.INVARIANT,
    human_machine.INVARIANT,
    mfa_less_admin.INVARIANT,
    hops.INVARIANT,
    org_leave.INVARIANT,
    org_root_user.INVARIANT,
    org_baseline_changes.INVARIANT,
    org_data_perimeter.INVARIANT,
    root_tasks.INVARIANT,
)


@dataclass(frozen=True)
class InvariantTiming:
    """Wall time of one invariant over every scope (the solver time, when the engine decides it)."""

    id: str
    seconds: float
    findings: int


def run_invariants(
    scopes: Sequence[AccountScope], config: BaselineConfig, invariants: Sequence[Invariant] = INVARIANTS,
    whole: Sequence[AccountScope] | None = None,
) -> tuple[list[CheckResult], list[InvariantTiming]]:
    """One :class:`CheckResult` per (invariant, scope, subject); a counterexample keeps its request.

    ``whole``: every scope of the assembly (default ``scopes``): a counterexample's caller that
    is a principal of one of them answers with its own policies (:mod:`.callers`)."""
    with assembly(whole if whole is not None else scopes):
        return _run(scopes, config, invariants)


def _run(scopes: Sequence[AccountScope], config: BaselineConfig,
         invariants: Sequence[Invariant]) -> tuple[list[CheckResult], list[InvariantTiming]]:
    results: list[CheckResult] = []
    timings: list[InvariantTiming] = []
    for invariant in invariants:
        start = time.perf_counter()
        count = 0
        for scope in scopes:
            names = AccountNames.of(scope, config)
            for finding in invariant.check(scope, scope.config or config):
                count += 1
                passed, message = explain(invariant, scope.label, finding, names)
                verdict = finding.verdict
                results.append(
                    CheckResult(
                        invariant.id,
                        f"{scope.label} {names.show(finding.subject)}",
                        invariant.promise,
                        passed,
                        message,
                        verdict.decision if isinstance(verdict, (Counterexample, Refused)) else None,
                        request=verdict.request if isinstance(verdict, (Counterexample, Refused)) else None,
                    )
                )
        timings.append(InvariantTiming(invariant.id, time.perf_counter() - start, count))
    return results, timings
