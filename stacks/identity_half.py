"""The identity account's half of every hop: ``sts:AssumeRole`` on exactly the member role ARNs.

Built from the hop list only (:func:`iam_baseline.config.hub.persona_reach`), never from the
member templates, so both halves always name each other:

* each group of IAM users gets ``<GroupName>-MemberRoles[-N]``: the member role ARNs of every
  persona of its ``assumable_roles`` that has ``reach``, with ``Bool aws:MultiFactorAuthPresent
  = true``. One set of policies per group (not per persona) packs the ARNs of all its personas
  together: a group holds at most 10 managed policies (IAM User Guide, "IAM and AWS STS
  quotas"), and the force-MFA policy takes one;
* each SAML role of a persona gets ``<RoleName>-SamlMemberRoles[-N]`` (no MFA condition: a SAML
  session carries no AWS MFA context).
"""

from __future__ import annotations

from aws_cdk import aws_iam as iam
from constructs import Construct

from iam_baseline.config import BaselineConfig
from iam_baseline.config.hub import HubPart
from iam_baseline.config.personas import persona_views
from iam_baseline.config.provenance import record
from iam_baseline.identity.hub import MemberRolesPolicy
from iam_baseline.naming import construct_id


def add_identity_half(
    scope: Construct, config: BaselineConfig, hub: HubPart, *, path: str, saml_roles: dict[str, iam.IRole]
) -> dict[str, list[iam.IManagedPolicy]]:
    """Create the identity half in ``scope``; attach the SAML roles' policies to ``saml_roles``.

    Args:
        scope: the identity account's baseline stack.
        config: the config (its groups and personas name the policies).
        hub: the stack's :class:`~iam_baseline.config.hub.HubPart` (``identity_half`` set).
        path: IAM path of the policies.
        saml_roles: SAML role name -> role (the account's SAML roles).

    Returns:
        Group key -> the member-role policies to attach to that group (groups whose personas
        have no reach are absent).
    """
    views = persona_views(config)
    by_group: dict[str, list[iam.IManagedPolicy]] = {}
    for key, group in config.groups.items():
        arns = [arn for persona in group.assumable_roles if persona in hub.reach for arn in hub.reach[persona].role_arns]
        if not arns:
            continue
        reached = ", ".join(p for p in group.assumable_roles if p in hub.reach)
        by_group[key] = list(
            record(
                MemberRolesPolicy(
                    scope,
                    f"MemberRoles{construct_id(key)}",
                    name=f"{group.name}-MemberRoles",
                    path=path,
                    role_arns=arns,
                    mfa=True,
                    description=f"Members of {group.name} may assume, with MFA, the roles of {reached} in the member accounts.",
                ),
                f"groups.{key}",
            ).policies
        )
    for key, reach in hub.reach.items():
        if not reach.saml_role_names:
            continue
        name = views[key].role.name
        made = record(
            MemberRolesPolicy(
                scope,
                f"SamlMemberRoles{construct_id(key)}",
                name=f"{name}-SamlMemberRoles",
                path=path,
                role_arns=reach.role_arns,
                mfa=False,
                description=f"SAML roles of {key} may assume its {name} role in the member accounts it reaches.",
            ),
            f"roles.{key}.reach" if views[key].built_in else f"personas.{key}.reach",
        )
        for role_name in reach.saml_role_names:
            for policy in made.policies:
                saml_roles[role_name].add_managed_policy(policy)
    return by_group
