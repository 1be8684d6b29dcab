"""Derived invariants of IAM Identity Center: who (which person) reaches which account as what.

Two checks over :class:`~..model.identity_center.IdentityCenterModel`:

* ``identity-center-principal``: every assignment's and membership's principal exists, i.e.
  it is a group or user the baseline declares, one it looks up by name (it exists outside
  the baseline: the lookup fails the deployment otherwise), or an identity-store id given
  in the config. A reference to anything else, or of the wrong kind, fails.
* ``identity-center-admin``: a person reaches an admin permission set (one the engine finds
  admin-equivalent, :func:`..checks.escalation.is_admin_equivalent`, in the analysed account)
  only when ``access_matrix.admin_principals`` lists them (``identity_center_user:NAME``) or
  the group they reach it through (``identity_center_group:NAME``); an admin set assigned to
  a group or user the baseline does not declare (its members are unknown) must be listed
  itself. A permission set that cannot be judged (a policy it references is unknown in the
  analysed account) is not proven: the check fails.

Sources: IAM Identity Center User Guide, "Permission sets", "Assign user access to AWS accounts".
"""

from __future__ import annotations

from dataclasses import replace
from fnmatch import fnmatchcase

from ..engine.conditions import PolicyError
from ..model.identity_center import IdentityCenterModel, Origin, PrincipalKind
from ..model.intrinsics import TemplateError
from ..model.subjects import subject_for
from ..model.templates import AccountModel, UnknownPolicy, collect_permission_set, stack_readers
from ..graph.admin import is_admin_equivalent
from ..graph.world import SEARCH_CONTEXT
from .matrix import CheckResult

#: Reference kinds of Identity Center principals in ``access_matrix.admin_principals``.
REF_KINDS = ("identity_center_user:", "identity_center_group:")


def admin_permission_sets(model: AccountModel, center: IdentityCenterModel) -> dict[str, bool | None]:
    """Permission set name -> admin-equivalent in ``model``'s account (``None``: cannot be judged).

    A permission set is provisioned as a role in each account it is assigned to and refers to
    that account's customer managed policies, so it is judged in the analysed account's model
    (a copy: the analysed principals are left as they are).
    """
    verdicts: dict[str, bool | None] = {}
    for name, (stack, logical_id) in sorted(center.permission_sets.items()):
        scratch = replace(model, principals={})
        try:
            (reader,) = stack_readers([stack])
            collect_permission_set(reader, scratch, logical_id, stack.template["Resources"][logical_id])
            (principal,) = scratch.principals.values()
            verdicts[name] = is_admin_equivalent(model, subject_for(model, principal, SEARCH_CONTEXT))
        except (UnknownPolicy, TemplateError, PolicyError):
            verdicts[name] = None
    return verdicts


def _listed(ref: str, patterns: list[str]) -> bool:
    return any(fnmatchcase(ref, pattern) for pattern in patterns)


def identity_center_results(
    model: AccountModel, center: IdentityCenterModel, admin_principals: tuple[str, ...]
) -> list[CheckResult]:
    """The ``identity-center-principal`` and ``identity-center-admin`` results (see the module)."""
    results = [
        CheckResult(
            "identity-center-principal",
            d.where,
            f"{d.where} names an existing principal",
            False,
            f"{d.where}: the principal reference {d.reference} {d.reason}",
        )
        for d in center.dangling
    ]
    results += [
        CheckResult(
            "identity-center-principal",
            a.principal.ref,
            f"{a.permission_set} in {a.account}: {a.principal.origin.value} {a.principal.kind.value.lower()}",
            True,
            "",
        )
        for a in sorted(center.assignments)
    ]
    patterns = [p for p in admin_principals if p.startswith(REF_KINDS)]
    verdicts = admin_permission_sets(model, center)
    for reach in center.reach():
        verdict = verdicts.get(reach.permission_set)
        if verdict is False:
            continue
        person = f"identity_center_user:{reach.person}"
        through = f" through {reach.via.ref}" if reach.via else " (assigned to the user)"
        listed = _listed(person, patterns) or (reach.via is not None and _listed(reach.via.ref, patterns))
        results.append(
            CheckResult(
                "identity-center-admin",
                person,
                f"{reach.permission_set} in {reach.account}{through}",
                verdict is True and listed,
                (
                    f"{person} reaches admin permission set {reach.permission_set} in account {reach.account}{through} "
                    f"but neither the user nor that group is listed in access_matrix.admin_principals"
                    if verdict
                    else f"{person} reaches permission set {reach.permission_set} in account {reach.account}{through}, "
                    "which cannot be judged (a policy it references is unknown in the analysed account): not proven"
                ),
            )
        )
    for a in sorted(center.assignments):
        if a.principal.origin is Origin.DECLARED or verdicts.get(a.permission_set) is False:
            continue
        # Members unknown offline: the principal itself must be an admin principal.
        kind = "group" if a.principal.kind is PrincipalKind.GROUP else "user"
        results.append(
            CheckResult(
                "identity-center-admin",
                a.principal.ref,
                f"{a.permission_set} in {a.account} ({a.principal.origin.value} {kind})",
                verdicts.get(a.permission_set) is True and _listed(a.principal.ref, patterns),
                f"{a.principal.ref} ({kind} outside the baseline, members unknown) reaches "
                f"{'admin ' if verdicts.get(a.permission_set) else 'unjudged '}permission set {a.permission_set} "
                f"in account {a.account} but is not listed in access_matrix.admin_principals",
            )
        )
    return results
