"""Where each customer managed policy of ``policies:`` is created, and who may use it there.

A policy without ``targets`` is created wherever the baseline deploys (the config's own
account and every member account's StackSet stack), as before. With ``targets``
(:class:`~.targeting.Targets`, organization only) it is created only in the member accounts
they reach, through their StackSet group (:mod:`.stackset_groups`), and not in the config's own
account. A role can only carry a policy that exists in its account (IAM refuses to attach a
policy ARN that does not exist: IAM API Reference, ``AttachRolePolicy`` > ``NoSuchEntity``), so
every user of a targeted policy must live only where it is created:

* a persona (``customer_managed_policies``, ``permissions_boundary``): its MFA and SAML roles
  exist in the config's own account and in every member account its roles reach;
* a machine or service role: in its ``targets``' accounts, or in the config's own account.

An error names the policy, the user and one account where the user exists without the policy.

An IAM Identity Center permission set references customer managed policies by name and path,
and Identity Center fails to provision the set in an assigned account where one of them does
not exist (IAM Identity Center User Guide, "Customer managed policies": "you must first create
the policy in each AWS account where you want to assign the permission set"). So, with an
organization, every assignment of a permission set whose persona (or whose own
``customer_managed_policies`` at the baseline's ``iam_path``) uses a policy the baseline creates
must name only accounts where it is created: a targeted policy's accounts; for the others (the
developer persona's, untargeted ``policies:``) the config's own account and every member account
with a baseline variant: :func:`permission_set_target_rules`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .types import ItemError

if TYPE_CHECKING:
    from .models import BaselineConfig


def targeted_policies(config: "BaselineConfig") -> dict[str, tuple[str, ...]]:
    """Name -> member account ids its ``targets`` reach, for every targeted policy of ``policies:``.

    Raises:
        ItemError: at ``policies.<name>.targets``: no organization, an unknown name (with the
            nearest), or targets that reach no account.
    """
    reached: dict[str, tuple[str, ...]] = {}
    for name, policy in config.policies.items():
        if policy.targets is None:
            continue
        where = ("policies", name, "targets")
        if config.organization is None:
            raise ItemError(where, "targets need the organization section (member accounts to target)")
        if policy.targets.empty:
            raise ItemError(where, "targets names no account: give accounts or ous (or leave targets out)")
        reached[name] = config.organization.directory.resolve(policy.targets, where)
    return reached


def persona_accounts(config: "BaselineConfig", key: str) -> set[str]:
    """Accounts where persona ``key`` has a role: the config's own account (an MFA role or a SAML
    role) and the member accounts its roles reach (every member account with a baseline variant,
    or, with ``organization.identity_account``, those of its ``reach``)."""
    from .hub import personas_reaching
    from .personas import persona_views
    from .stackset_groups import group_of_account

    view = persona_views(config)[key]
    saml = config.federation.saml if config.federation is not None else None
    if not view.mfa_role and not (saml is not None and any(r.persona == key for r in saml.roles)):
        return set()
    accounts = {config.account_id}
    organization = config.organization
    if organization is not None:
        if organization.identity_account is None:
            accounts |= set(group_of_account(config))
        else:
            accounts |= {account for account, keys in personas_reaching(config).items() if key in keys}
    return accounts


def _first_outside(accounts: set[str], allowed: tuple[str, ...]) -> str | None:
    outside = sorted(accounts - set(allowed))
    return outside[0] if outside else None


def policy_target_rules(config: "BaselineConfig") -> None:
    """Every targeted policy resolves, and each of its users lives only where it is created.

    Raises:
        ItemError: at the user's reference (``personas.<key>.customer_managed_policies[i]``,
            ``machine_roles[i].customer_managed_policies[j]``, ...), naming both and the account.
    """
    reached = targeted_policies(config)
    permission_set_target_rules(config, reached)
    if not reached:
        return
    organization = config.organization
    assert organization is not None

    def refuse(where: tuple, name: str, user: str, account: str) -> None:
        raise ItemError(
            where,
            f"policy {name} is created only in the accounts its targets reach ({', '.join(reached[name])}: "
            f"policies.{name}.targets), but {user} exists in account {account} too, where the policy does not: "
            f"widen policies.{name}.targets or give {user} another policy",
        )

    for key, persona in config.personas.items():
        uses = [(("personas", key, "customer_managed_policies", i), n) for i, n in enumerate(persona.customer_managed_policies)]
        if persona.permissions_boundary in reached:
            uses.append((("personas", key, "permissions_boundary"), persona.permissions_boundary))
        for where, name in uses:
            if name in reached:
                account = _first_outside(persona_accounts(config, key), reached[name])
                if account is not None:
                    refuse(where, name, f"persona {key}", account)
    for section, kind in (("machine_roles", "machine role"), ("service_roles", "service role")):
        for index, role in enumerate(getattr(config, section)):
            accounts = (
                set(organization.directory.resolve(role.targets, (section, index, "targets"))) if role.targets is not None else {config.account_id}
            )
            for position, name in enumerate(role.customer_managed_policies):
                if name in reached:
                    account = _first_outside(accounts, reached[name])
                    if account is not None:
                        refuse((section, index, "customer_managed_policies", position), name, f"{kind} {role.name}", account)


def _permission_set_policies(config: "BaselineConfig") -> dict[str, list[tuple[str, str]]]:
    """Permission set name -> (policy, how the set uses it) for each customer managed policy of the
    baseline it references: its persona's (built-in or of ``personas:``) and boundary, and its own
    references at the baseline's ``iam_path`` to a policy the baseline creates."""
    from ..identity.personas import persona_policies

    center = config.federation.identity_center if config.federation is not None else None
    uses: dict[str, list[tuple[str, str]]] = {}
    for permission_set in center.permission_sets if center is not None else ():
        found: list[tuple[str, str]] = []
        key = permission_set.persona
        if key is not None:
            policies = persona_policies(key, config)
            found += [(name, f"its persona {key}'s customer managed policy") for name in policies.customer_managed]
            if policies.boundary is not None:
                found.append((policies.boundary, f"its persona {key}'s permissions boundary"))
        created = set(config.policies) | _built_in_policies()
        found += [
            (ref.name, "its own customer managed policy")
            for ref in permission_set.customer_managed_policies
            if ref.path == config.iam_path and ref.name in created
        ]
        if found:
            uses[permission_set.name] = found
    return uses


def _built_in_policies() -> set[str]:
    from ..identity.personas import (
        DEVELOPER_BOUNDARY_POLICY_NAME, DEVELOPER_GUARDRAILS_POLICY_NAME, DEVELOPER_PROTECTION_POLICY_NAME)

    return {DEVELOPER_BOUNDARY_POLICY_NAME, DEVELOPER_GUARDRAILS_POLICY_NAME, DEVELOPER_PROTECTION_POLICY_NAME}


def permission_set_target_rules(config: "BaselineConfig", reached: dict[str, tuple[str, ...]]) -> None:
    """Every assignment of a permission set that uses a policy of the baseline names only accounts
    where the policy is created (``federation.identity_center.assignments[i].account_ids[j]``, and
    each account of an OU with ``organization.organizational_units[i].assignments[j]``): a
    targeted policy's accounts (``reached``), else the config's own account and the member
    accounts with a baseline variant. Without an organization nothing is known of other accounts.

    Raises:
        ItemError: at the assignment's account (or the OU assignment), naming the account, the
            permission set, the policy and where it is created, and what to change.
    """
    from .stackset_groups import group_of_account

    organization = config.organization
    uses = _permission_set_policies(config) if organization is not None else {}
    if not uses:
        return
    center = config.federation.identity_center  # type: ignore[union-attr]
    assert center is not None and organization is not None
    baseline = tuple(sorted({config.account_id, *group_of_account(config)}))
    names = {account.id: account.name for ou in organization.organizational_units for account in ou.accounts}
    places: list[tuple[tuple, str, str]] = [
        (("federation", "identity_center", "assignments", i, "account_ids", j), assignment.permission_set, account)
        for i, assignment in enumerate(center.assignments)
        for j, account in enumerate(assignment.account_ids)
    ]
    places += [
        (("organization", "organizational_units", i, "assignments", j, "permission_set"), assignment.permission_set, account.id)
        for i, ou in enumerate(organization.organizational_units)
        for j, assignment in enumerate(ou.assignments)
        for account in ou.accounts
    ]
    for where, permission_set, account in places:
        for name, how in uses.get(permission_set, ()):
            accounts = reached.get(name, baseline)
            if account in accounts:
                continue
            shown = f"{account} ({names[account]})" if account in names else account
            if name in reached:
                created = f"is created only in the accounts its targets reach ({', '.join(accounts)}: policies.{name}.targets)"
                change = f"widen policies.{name}.targets to reach account {shown}"
            else:
                created = (f"is created only where the baseline deploys (the config's own account and the member "
                           f"accounts of an OU with a baseline: {', '.join(accounts)})")
                change = f"give the OU of account {shown} a baseline"
            raise ItemError(
                where,
                f"permission set {permission_set} is assigned in account {shown}, but {how} {name} {created}, so IAM "
                f"Identity Center cannot provision the permission set there (the policy must exist in every assigned "
                f"account): {change}, or assign the permission set only where the policy exists",
            )
