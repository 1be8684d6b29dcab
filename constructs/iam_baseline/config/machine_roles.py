"""Config models of machine roles: roles that automation and third parties assume without MFA.

A machine cannot answer an MFA prompt, so these roles are the one declared exception to the
baseline's "every trust needs MFA" rule, and each one is fenced instead:

* **automation** (``automation.role_arn``): one IAM role of a *declared* account (the config's
  account, the Identity Center account, the organization's accounts) is the only principal;
  never an account root (that would delegate the choice to every identity-based policy of that
  account);
* **third party** (``third_party.account_id`` + ``external_id``): the vendor's account is the
  principal and ``sts:ExternalId`` must equal the agreed value *in the same statement*, as the
  IAM User Guide prescribes against the confused deputy ("Access to AWS accounts owned by third
  parties" > "The confused deputy problem"; STS ``AssumeRole`` ``ExternalId``: 2-1224 characters
  of ``[\\w+=,.@:/-]``);
* ``reason:`` says why (shown in the access report); the developer permissions boundary is
  always attached; policies come from the persona catalogue (:class:`CataloguePolicies`: AWS
  managed policies checked against the pinned copy, customer managed policies of
  ``policies:``), never one that allows ``*`` on ``*``; ``admin: true`` is refused (an MFA-less
  way to an administrator is exactly what the baseline forbids).

``targets`` (organization only, :mod:`.targeting`) deploys the role to member accounts through
the StackSets; without it the role is created in the config's own account.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field, StringConstraints, model_validator


from .strict import StrictModel
from .policies import AwsManagedPolicyRef, PolicyName, check_customer_policy_references, refuse_admin_equivalent_aws_managed
from .targeting import Targets
from .types import AccountId, IamName, ItemError, printable_text, unique

if TYPE_CHECKING:
    from .models import BaselineConfig

#: ``sts:ExternalId``: 2-1224 characters of ``[\w+=,.@:/-]``. Source: STS API Reference,
#: ``AssumeRole`` parameter ``ExternalId``.
ExternalId = Annotated[str, StringConstraints(min_length=2, max_length=1224, pattern=r"^[A-Za-z0-9_+=,.@:/-]+$")]

#: An IAM role ARN (never an account root, a user or a wildcard). Source: IAM User Guide,
#: "IAM identifiers" > "IAM ARNs".
RoleArn = Annotated[
    str, StringConstraints(max_length=2048, pattern=r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/(?:[\x21-\x7e]+/)*[A-Za-z0-9+=,.@_-]{1,64}$")
]

#: A role session used to assume another role (role chaining) lasts at most one hour. Source:
#: IAM User Guide, "Roles terms and concepts" > "Role chaining"; STS API Reference, ``AssumeRole``
#: parameter ``DurationSeconds``.
ROLE_CHAINING_MAX_SECONDS = 3600


class CataloguePolicies(StrictModel):
    """The policies of a machine or service role, from the persona catalogue.

    AWS managed policies by name or ARN (checked against the pinned copy of AWS managed
    policies, an unknown name naming the nearest ones: :data:`~.policies.AwsManagedPolicyRef`)
    and customer managed policies of ``policies:`` (checked by :func:`role_policy_rules`). At
    least one; none may allow ``*`` on ``*``: such a role answers no MFA prompt, or whoever
    passes it acts as it, so an admin-equivalent one would be an MFA-less way to administrator.
    """

    aws_managed_policies: unique(AwsManagedPolicyRef, "AWS managed policy") = Field(  # type: ignore[valid-type]
        (), description="AWS managed policies by name (SecurityAudit, job-function/ViewOnlyAccess) or ARN; none allowing '*' on '*'."
    )
    customer_managed_policies: unique(PolicyName, "policy") = Field(  # type: ignore[valid-type]
        (), description="Names of policies declared under policies: (none allowing '*' on '*')."
    )

    @model_validator(mode="after")
    def _catalogue(self) -> "CataloguePolicies":
        if not self.aws_managed_policies and not self.customer_managed_policies:
            raise ValueError("give at least one policy: aws_managed_policies or customer_managed_policies")
        refuse_admin_equivalent_aws_managed(self.aws_managed_policies, ADMIN_REFUSAL)
        return self


#: The end of the error for a machine or service role policy that allows ``*`` on ``*``.
ADMIN_REFUSAL = (
    "refused for machine and service roles (no MFA prompt, or whoever passes the role acts as it): choose a narrower policy"
)


def role_policy_rules(config: "BaselineConfig") -> None:
    """The ``customer_managed_policies`` of every machine and service role name ``policies:``
    entries that do not allow ``*`` on ``*``; raises :class:`ItemError` at the reference."""
    for section in ("machine_roles", "service_roles"):
        for index, role in enumerate(getattr(config, section)):
            check_customer_policy_references(role.customer_managed_policies, config.policies, (section, index), ADMIN_REFUSAL)


class AutomationPrincipal(StrictModel):
    """Automation of a declared account: exactly one role ARN (``aws:PrincipalArn``)."""

    role_arn: RoleArn = Field(description="ARN of the one role that may assume this role (a declared account's role).")


class ThirdPartyPrincipal(StrictModel):
    """A third party's account, always with the agreed ``sts:ExternalId`` (confused deputy)."""

    account_id: AccountId = Field(description="The third party's 12-digit AWS account id.")
    external_id: ExternalId = Field(description="The external id the third party sends (2-1224 characters of [\\w+=,.@:/-]).")


class MachineRoleConfig(CataloguePolicies):
    """A role for automation or a third party: no MFA, a reason, the boundary, catalogue policies.

    ``max_session_duration_seconds``: 3600-43200 (IAM API Reference, ``CreateRole``).
    """

    name: IamName = Field(description="Role name (1-64 characters of [A-Za-z0-9+=,.@_-]).")
    reason: printable_text(1000, min_length=1) = Field(  # type: ignore[valid-type]
        description="Why this principal needs MFA-less access (shown in the access report; 1-1000 characters)."
    )
    automation: AutomationPrincipal | None = Field(None, description="A role of a declared account (exactly one of automation, third_party).")
    third_party: ThirdPartyPrincipal | None = Field(None, description="A third party's account with its external id.")
    permissions_boundary: Literal["developer"] = Field(
        "developer", description="The permissions boundary (always attached): the baseline's developer boundary."
    )
    max_session_duration_seconds: int = Field(3600, ge=3600, le=43200, description="Maximum session, seconds (3600-43200).")
    admin: bool = Field(False, description="Refused when true: a machine role is never admin-equivalent.")
    targets: Targets | None = Field(
        None, description="Member accounts that receive the role (organization only); null: the config's own account."
    )

    @model_validator(mode="after")
    def _fenced(self) -> "MachineRoleConfig":
        if (self.automation is None) == (self.third_party is None):
            raise ValueError("give exactly one of automation (a declared role ARN) or third_party (account id and external id)")
        if self.admin:
            raise ItemError(
                ("admin",),
                "refused: a machine role cannot answer an MFA prompt, so an admin-equivalent machine role would be an "
                "MFA-less way to administrator; grant it narrow AWS managed policies instead",
            )
        if self.automation is not None and self.max_session_duration_seconds > ROLE_CHAINING_MAX_SECONDS:
            raise ItemError(
                ("max_session_duration_seconds",),
                f"{self.max_session_duration_seconds} seconds cannot be used: the automation role's session assuming this "
                f"role is role chaining, which AWS limits to {ROLE_CHAINING_MAX_SECONDS} seconds whatever the role allows "
                "(IAM User Guide, 'Roles terms and concepts' > 'Role chaining'); set 3600",
            )
        if self.targets is not None and self.targets.empty:
            raise ItemError(("targets",), "targets names no account: give accounts or ous (or leave targets out)")
        return self

    @property
    def principal_arn(self) -> str:
        """The ARN the trust names: the automation role, or the third party's account root."""
        if self.automation is not None:
            return self.automation.role_arn
        assert self.third_party is not None
        return f"arn:aws:iam::{self.third_party.account_id}:root"


def machine_role_rules(config: "BaselineConfig", declared: set[str]) -> None:
    """Rules joining ``machine_roles`` to the rest of the config; raises :class:`ItemError`.

    * an automation role is in a declared account (``declared``: :func:`declared_account_ids`);
    * a third party is *not* a declared account (a declared account's automation names its role);
    * ``targets`` need an organization and name its accounts (unknown names: nearest given).
    """
    organization = config.organization
    for index, role in enumerate(config.machine_roles):
        where = ("machine_roles", index)
        if role.automation is not None:
            account = role.automation.role_arn.split(":")[4]
            if account not in declared:
                raise ItemError(
                    (*where, "automation", "role_arn"),
                    f"account {account} is not declared in this config (account_id, the organization's accounts, the "
                    "Identity Center account): automation must come from a declared account; a vendor is a third_party "
                    "with an external id",
                )
        if role.third_party is not None and role.third_party.account_id in declared:
            raise ItemError(
                (*where, "third_party", "account_id"),
                f"account {role.third_party.account_id} is declared in this config: name its role under automation.role_arn",
            )
        if role.targets is not None:
            if organization is None:
                raise ItemError((*where, "targets"), "targets need the organization section (member accounts to target)")
            organization.directory.resolve(role.targets, (*where, "targets"))


def declared_account_ids(config: "BaselineConfig") -> set[str]:
    """Every account id the config declares: its account, the Identity Center account, and the
    organization's management, delegated administrator and member accounts."""
    accounts = {config.account_id}
    if config.federation is not None and config.federation.identity_center is not None:
        accounts.add(config.federation.identity_center.account_id)
    organization = config.organization
    if organization is not None:
        accounts.add(organization.management_account_id)
        accounts |= {a.id for _, a in organization.member_accounts()}
    return accounts
