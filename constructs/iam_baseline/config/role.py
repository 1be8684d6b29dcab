"""The settings every MFA role of the config shares (:class:`RoleConfig`): name, maximum
session, description. The built-in and own personas (:mod:`.personas`), the SAML roles
(:mod:`.saml`) and the root-tasks role (:mod:`.organization_policies`) build on it.

It imports only :mod:`.strict` and :mod:`.types`, so the per-concern model modules take it from
here and :mod:`.models` imports them all at its top, with no import cycle.
"""

from __future__ import annotations

from pydantic import Field

from .strict import StrictModel
from .types import IamName, printable_text

__all__ = ["RoleConfig"]


class RoleConfig(StrictModel):
    """One persona role that humans reach through ``sts:AssumeRole`` with MFA.

    ``max_session_duration_seconds``: 3600-43200 seconds (1-12 h).
    Source: IAM API Reference, ``CreateRole`` parameter ``MaxSessionDuration``.
    """

    name: IamName = Field(description="Role name (1-64 characters of [A-Za-z0-9+=,.@_-]).")
    max_session_duration_seconds: int = Field(
        3600, ge=3600, le=43200, description="Maximum session duration in seconds (3600-43200, i.e. 1-12 h)."
    )
    description: printable_text(1000, latin1=True) = Field(  # type: ignore[valid-type]
        "", description="Role description (at most 1000 printable characters: ASCII and Latin-1)."
    )
