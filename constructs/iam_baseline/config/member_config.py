"""The config a StackSet member account is built from: the organization's baseline, one variant applied.

:func:`member_baseline_config` derives it from the validated config (the top-level baseline
with the variant's parts replaced, minus what only the management or identity account holds)
and validates it like any config; the StackSet groups (:mod:`.stackset_groups`) say which
variant, machine roles, service roles and policies each group gets.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import BaselineConfig

__all__ = ["member_baseline_config"]


def member_baseline_config(
    config: "BaselineConfig",
    variant: str,
    machine_roles: tuple[str, ...] = (),
    service_roles: tuple[str, ...] = (),
    *,
    identity: bool = False,
    policies: tuple[str, ...] = (),
) -> "BaselineConfig":
    """The account baseline config of the member accounts that receive ``variant``.

    The config's top-level baseline with the variant's parts replaced, without IAM users,
    OIDC deploy roles, Identity Center and the organization section, and without SAML
    unless the variant keeps it. Also without the account alias (aliases are unique across
    AWS, so one value cannot serve every account) and break-glass (the last way into member
    accounts is the management account's administrator access, not a copy of the break-glass
    users in each of them); IAM Access Analyzer runs at account scope in members (an
    organization analyzer belongs to the management or delegated administrator account:
    :func:`~.access_analyzer.member_analyzers`).
    Without the access matrix either: it names the management account's principals, and
    ``make check`` proves it on the management account's assembly. Its ``machine_roles`` and
    ``service_roles`` are the targeted ones named in ``machine_roles`` and ``service_roles`` (a
    StackSet group's items, see :mod:`.stackset_groups`), without their targets; a service
    role's ``passed_by`` then names the personas' roles of the member account. Its ``policies``
    are the untargeted ones and the targeted ones named in ``policies`` (without their targets:
    :mod:`.policy_targets`). Validated like any config.

    With ``organization.identity_account`` (:mod:`.hub`) the SAML providers and roles go to the
    identity account only, and ``identity`` (the identity account's group) keeps the IAM
    users and SAML there; ``reach`` is dropped (the hop list, not the member config, says
    which persona roles a member account receives).

    Raises:
        KeyError: ``variant`` is not declared.
        pydantic.ValidationError: the merged config breaks a baseline rule (e.g. a role
            name of the variant clashes with a SAML role name).
    """
    from .models import BaselineConfig

    assert config.organization is not None
    overrides = config.organization.baselines[variant]
    data = config.model_dump(
        mode="json",
        exclude={"users", "organization", "federation", "account_alias", "break_glass", "access_matrix", "machine_roles",
                 "service_roles"},
    )
    # Sorted by name: a group's template does not depend on config order (stable StackSets).
    for section, names in (("machine_roles", machine_roles), ("service_roles", service_roles)):
        data[section] = [
            {**role.model_dump(mode="json", exclude={"targets"}), "targets": None}
            for role in sorted(getattr(config, section), key=lambda r: r.name)
            if role.name in names
        ]
    data["policies"] = {
        name: {**policy.model_dump(mode="json", exclude={"targets"}), "targets": None}
        for name, policy in config.policies.items()
        if policy.targets is None or name in policies
    }
    if config.detection is not None:  # account analyzers (config/access_analyzer.py)
        from .access_analyzer import member_analyzers

        data["detection"]["access_analyzer"] = member_analyzers(config.detection.access_analyzer).model_dump(mode="json")
    for part in ("password_policy", "mfa", "roles", "groups"):
        value = getattr(overrides, part)
        if value is not None:
            data[part] = value.model_dump(mode="json")
    data["tags"] = {**config.tags, **overrides.tags}
    saml = config.federation.saml if config.federation else None
    hub = config.organization.identity_account is not None
    if saml is not None and (identity if hub else overrides.saml):
        data["federation"] = {"saml": saml.model_dump(mode="json")}
    if identity:
        data["users"] = [user.model_dump(mode="json") for user in config.users]
    for persona in (*data["roles"].values(), *data.get("personas", {}).values()):
        if isinstance(persona, dict):
            persona.pop("reach", None)
    # A persona using a policy this member does not create has no role here (policy_targets
    # refused it otherwise): e.g. one only for Identity Center permission sets. Leave it out.
    saml_personas = {role["persona"] for role in data.get("federation", {}).get("saml", {}).get("roles", ())}
    for key, persona in list(data.get("personas", {}).items()):
        uses = {*persona.get("customer_managed_policies", ()), persona.get("permissions_boundary")} & set(config.policies)
        if uses - set(data["policies"]) and not persona.get("mfa_role", True) and key not in saml_personas:
            del data["personas"][key]
    # Round-trip through JSON, as the loader does, so strict validation sees JSON types.
    return BaselineConfig.model_validate_json(json.dumps(data), context={"stackset_member": True})
