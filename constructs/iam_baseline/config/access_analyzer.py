"""Where IAM Access Analyzer's analyzers go: which account, which region, which zone of trust.

``detection.access_analyzer`` (:class:`~.detection.AccessAnalyzerConfig`) is one declaration;
this module derives from it what each place creates, so the stacks only place what it says:

* the config's own account (single account, or the management account), home region:
  :func:`home_analyzers`: the declared analyzers, except that with a
  ``delegated_administrator`` the zone of trust is the account and the unused-access analyzer
  is left to the organization's;
* every member account (StackSet template), home region: :func:`member_analyzers`: account
  analyzers, the unused-access one only without a delegated administrator;
* the delegated administrator, home region and each listed region: :func:`organization_analyzers`
  (names suffixed :data:`ORGANIZATION_NAME_SUFFIX`: the account also holds its member account
  analyzers, and analyzer names are unique per account and region);
* every account, each listed region besides the home region: :func:`regional` (external access
  only: the unused-access analyzer reviews IAM, which is global).

Sources: IAM Access Analyzer User Guide, "Enabling IAM Access Analyzer" (an analyzer covers its
own region), "Delegated administrator for IAM Access Analyzer" (only the management account
registers one; the organization analyzers are then created in it), "Unused access findings".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..partitions import partition_of
from .detection import AccessAnalyzerConfig
from .types import ItemError

if TYPE_CHECKING:
    from .models import BaselineConfig

#: Appended to the analyzer names in the delegated administrator's organization analyzers.
ORGANIZATION_NAME_SUFFIX = "-organization"

#: Analyzer names are at most 255 characters (Access Analyzer API Reference, ``CreateAnalyzer``).
ANALYZER_NAME_MAX = 255

_WHERE = ("detection", "access_analyzer")


def analyzer_regions(config: "BaselineConfig") -> tuple[str, ...]:
    """The listed regions other than the home region, sorted (empty without ``detection``)."""
    if config.detection is None:
        return ()
    return tuple(sorted(set(config.detection.access_analyzer.regions) - {config.region}))


def delegated_administrator(config: "BaselineConfig") -> str | None:
    """The account id of the Access Analyzer delegated administrator, or ``None``.

    The config is validated (:func:`check_access_analyzer`), so a named account resolves.
    """
    if config.detection is None or config.detection.access_analyzer.delegated_administrator is None:
        return None
    assert config.organization is not None
    return config.organization.directory.account(config.detection.access_analyzer.delegated_administrator, _WHERE)


def check_access_analyzer(config: "BaselineConfig") -> None:
    """Rules joining ``detection.access_analyzer`` to the rest of the config.

    Raises:
        ItemError: a listed region of another partition than the home region (one deployment
            cannot reach it); ``delegated_administrator`` without ``organization``, naming an
            account that is not a declared member account (with the nearest names) or the
            management account (it holds organization analyzers without registration: leave
            the key out); an organization analyzer name over 255 characters.
    """
    if config.detection is None:
        return
    analyzers = config.detection.access_analyzer
    home = partition_of(config.region)
    for index, region in enumerate(analyzers.regions):
        if partition_of(region) != home:
            raise ItemError(
                (*_WHERE, "regions", index),
                f"region {region!r} is in partition {partition_of(region)}, the home region {config.region!r} in "
                f"{home}: one deployment reaches one partition; list regions of {home} only",
            )
    name = analyzers.delegated_administrator
    if name is None:
        return
    where = (*_WHERE, "delegated_administrator")
    organization = config.organization
    if organization is None:
        raise ItemError(where, "delegated_administrator needs the organization section (its member accounts)")
    if name == organization.management_account_id:
        raise ItemError(
            where,
            f"{name} is the management account, which creates organization analyzers without a delegated "
            "administrator: leave delegated_administrator out (scope: organization puts them in this config's account)",
        )
    organization.directory.account(name, where)
    for kind in (analyzers.external_access, analyzers.unused_access):
        if kind.enabled and len(kind.name + ORGANIZATION_NAME_SUFFIX) > ANALYZER_NAME_MAX:
            raise ItemError(
                (*_WHERE, "external_access" if kind is analyzers.external_access else "unused_access", "name"),
                f"the organization analyzer is named <name>{ORGANIZATION_NAME_SUFFIX}, over {ANALYZER_NAME_MAX} "
                "characters with this name; shorten it",
            )


def _without_unused(analyzers: AccessAnalyzerConfig) -> AccessAnalyzerConfig:
    return analyzers.model_copy(update={"unused_access": analyzers.unused_access.model_copy(update={"enabled": False})})


def member_analyzers(analyzers: AccessAnalyzerConfig) -> AccessAnalyzerConfig:
    """The analyzers of a member account's template (home region): account scope, no placement
    keys, and no unused-access analyzer when the organization's covers the member."""
    member = analyzers.model_copy(update={"scope": "account", "regions": (), "delegated_administrator": None})
    return _without_unused(member) if analyzers.delegated_administrator is not None else member


def home_analyzers(config: "BaselineConfig") -> AccessAnalyzerConfig | None:
    """The analyzers of the config's own account in the home region (``None`` without detection).

    Unchanged from the declaration without a delegated administrator (a single account, or the
    management account holding the organization analyzers); else as a member's.
    """
    if config.detection is None:
        return None
    analyzers = config.detection.access_analyzer
    return analyzers if analyzers.delegated_administrator is None else member_analyzers(analyzers)


def regional(analyzers: AccessAnalyzerConfig) -> AccessAnalyzerConfig:
    """``analyzers`` outside the home region: the external-access analyzer only."""
    return _without_unused(analyzers)


def organization_analyzers(config: "BaselineConfig") -> AccessAnalyzerConfig:
    """The delegated administrator's analyzers (home region): zone of trust the organization,
    names suffixed :data:`ORGANIZATION_NAME_SUFFIX`."""
    assert config.detection is not None
    analyzers = config.detection.access_analyzer
    return analyzers.model_copy(
        update={
            "scope": "organization",
            "external_access": analyzers.external_access.model_copy(
                update={"name": analyzers.external_access.name + ORGANIZATION_NAME_SUFFIX}
            ),
            "unused_access": analyzers.unused_access.model_copy(
                update={"name": analyzers.unused_access.name + ORGANIZATION_NAME_SUFFIX}
            ),
        }
    )


def has_analyzers(analyzers: AccessAnalyzerConfig) -> bool:
    """True when at least one analyzer is enabled."""
    return analyzers.external_access.enabled or analyzers.unused_access.enabled
