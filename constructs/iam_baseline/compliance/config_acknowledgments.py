"""The acknowledgments that follow from a config's own personas, machine and service roles and policies.

The findings follow from what the config's author declared, so :func:`persona_acknowledgments`
derives them from the config, with one reason per kind of finding; the static entries are
:data:`.registry.REGISTRY`. Plain code, no aws_cdk import.
"""

from __future__ import annotations

from typing import Any

from .registry import MACHINE_ROLE_POLICY_NAMES, Acknowledgment, each_pack

__all__ = ["persona_acknowledgments"]

#: Personas of the config (``personas:``, ``policies:``): the findings follow from what the
#: config's author declared, so the entries are derived from the config by one function,
#: with one reason per kind of finding. Packs whose rules read customer managed policies.
_FULL_ACCESS_PACKS = ("NIST.800.53.R5", "HIPAA.Security", "PCI.DSS.321")


def persona_acknowledgments(config: Any) -> tuple[Acknowledgment, ...]:
    """The acknowledgments of the config's own personas and policies (a ``BaselineConfig``).

    * AwsSolutions-IAM4 on a persona's MFA role and SAML roles, for each AWS managed policy
      the persona names: the config's author chose it by name, it was found in the pinned copy
      of AWS managed policies, and ``make check`` proves the persona reaches admin only if
      declared ``admin: true``.
    * AwsSolutions-IAM4 on a machine or service role (``Machine-<name>``, ``Service-<name>``)
      for each AWS managed policy it names beyond :data:`MACHINE_ROLE_POLICY_NAMES`: checked the
      same way, and refused at load when it allows ``*`` on ``*``.
    * AwsSolutions-IAM5 (and the full-access rules of the other packs) on a policy of
      ``policies:``, for each wildcard of its Allow statements: the author wrote it, the
      document was checked at load (elements, operators, keys, actions), and the same proof holds.
    """
    from ..naming import construct_id  # plain helper, no aws_cdk

    made: list[Acknowledgment] = []
    saml = config.federation.saml if config.federation is not None else None
    with_saml_role = {role.persona for role in saml.roles} if saml is not None else set()
    for key, persona in config.personas.items():
        for name in persona.aws_managed_policies:
            reason = (
                f"The config's persona {key} names the AWS managed policy {name}, checked against the pinned copy "
                "of AWS managed policies at load; AWS keeps it current, the role is reachable only with MFA (or a "
                "configured IdP), and make check proves the persona cannot become admin unless declared admin."
            )
            rule = f"AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/{name}]"
            if persona.mfa_role:
                made.append(Acknowledgment(rule, f"{construct_id(key)}Role/Resource/Resource", reason))
            if key in with_saml_role:
                made.append(Acknowledgment(rule, f"Federation/Saml{construct_id(key)}Role*/Resource/Resource", reason))
    for kind, roles in (("Machine", config.machine_roles), ("Service", config.service_roles)):
        for role in roles:
            for name in role.aws_managed_policies:
                if name in MACHINE_ROLE_POLICY_NAMES:
                    continue
                made.append(Acknowledgment(
                    f"AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/{name}]",
                    f"{kind}-{role.name}/Resource/Resource",
                    f"The config's {kind.lower()} role {role.name} names the AWS managed policy {name}, checked against "
                    "the pinned copy of AWS managed policies at load and refused there if it allows '*' on '*'; AWS "
                    "keeps it current, the role is bounded by the developer boundary, and make check proves who "
                    "reaches it.",
                ))
    for name, policy in config.policies.items():
        path = f"Policy-{name}/Resource"
        reason = (
            f"A wildcard of the config's own customer managed policy {name} (policies:), written by the config's "
            "author and checked at load as an identity-based policy; make check proves that a persona holding "
            "it cannot become admin unless declared admin, and that no principal escalates through it."
        )
        statements = policy.document["Statement"]
        for statement in statements if isinstance(statements, list) else [statements]:
            if statement.get("Effect") != "Allow":
                continue
            for element, label in (("Action", "Action"), ("Resource", "Resource")):
                values = statement.get(element, [])
                for value in [values] if isinstance(values, str) else values:
                    if "*" in value:
                        made.append(Acknowledgment(f"AwsSolutions-IAM5[{label}::{value}]", path, reason))
                    if element == "Action" and value.endswith(":*"):
                        made += each_pack(_FULL_ACCESS_PACKS, "IAMPolicyNoStatementsWithFullAccess", path, reason)
    return tuple(dict.fromkeys(made))
