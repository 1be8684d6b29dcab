"""A built-in persona's top-level settings that a baseline variant's ``roles`` would silently drop.

``organization.baselines.<variant>.roles`` replaces ``roles`` in that variant's accounts, and a
persona it leaves out keeps the built-in defaults there, not the top-level settings. With
``reach:`` (the member roles people of the identity account assume) a top-level
``roles.admin.max_session_duration_seconds: 7200`` would then be 3600 in those member accounts
with no word. It is refused, naming the variant key to set instead, rather than applied: the
variant's ``roles`` is documented as a replacement, and inheriting from it would change the
templates of every config that relies on that.

The setting matters in member accounts: an IAM user of the identity account assuming a member
role is not role chaining (a role session assuming a role), so its session may last up to the
role's ``MaxSessionDuration`` (IAM User Guide, "Methods to assume a role": the console's switch
role and ``AssumeRole`` with ``DurationSeconds`` up to the "Maximum session duration setting");
only a SAML role session's hop is capped at one hour (:func:`.hub.hub_rules` refuses more).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .personas import BUILT_IN_PERSONAS, RolesConfig
from .types import ItemError
from .variants import variant_of_account

if TYPE_CHECKING:
    from .hub import PersonaReach
    from .models import BaselineConfig

__all__ = ["refuse_replaced_role_settings"]


def refuse_replaced_role_settings(config: "BaselineConfig", reached: dict[str, "PersonaReach"]) -> None:
    """Raise :class:`ItemError` at ``roles.<persona>.<field>`` when a persona with ``reach``
    changes ``<field>`` from its default at the top level and a reached account's variant replaces ``roles``
    leaving that field of the persona at a different default.

    ``reached``: :func:`.hub.persona_reach` of ``config``. The message names the variant, the
    value the member role would get and the key to set instead.
    """
    organization = config.organization
    if organization is None:
        return
    for persona, reach in reached.items():
        if persona not in BUILT_IN_PERSONAS:
            continue  # personas: are never replaced by a variant
        top = getattr(config.roles, persona)
        # The loader completes a section from its defaults, so "set" means "not the default".
        default = RolesConfig.model_fields[persona].default
        changed = sorted(f for f in top.model_fields if f != "reach" and getattr(top, f) != getattr(default, f))
        replacing = sorted(
            {
                ou.baseline
                for account in reach.accounts
                if (ou := variant_of_account(organization, account)) is not None
                and ou.baseline
                and organization.baselines[ou.baseline].roles is not None
            }
        )
        for variant in replacing:
            roles = organization.baselines[variant].roles
            member = getattr(roles, persona)
            set_there = member.model_fields_set if persona in roles.model_fields_set else set()
            for field in changed:
                if field in set_there or getattr(member, field) == getattr(top, field):
                    continue
                raise ItemError(
                    ("roles", persona, field),
                    f"not used in the member accounts of variant {variant} that reach gives this role: "
                    f"organization.baselines.{variant}.roles replaces roles there and leaves {persona}.{field} at "
                    f"{getattr(member, field)!r}; set organization.baselines.{variant}.roles.{persona}.{field} "
                    f"to {getattr(top, field)!r} as well, or remove it here",
                )
