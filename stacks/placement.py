"""Where an account baseline stack is deployed: one value instead of two flags.

``AccountBaselineStack`` is deployed in three ways, and each decides its environment, its
synthesizer and whether the baseline is a member account's:

* :class:`OwnAccount`: the config's own account (``config.account_id``), the management account
  of an organization, with ``cdk deploy`` (a bootstrapped stack, assets allowed);
* :class:`StackSetMember`: the template of a service-managed StackSet: no environment (the account
  is ``AWS::AccountId`` wherever a stack instance lands), no bootstrap version rule and no asset
  (a StackSet has only its ``TemplateBody``: CloudFormation API Reference, ``CreateStackSet``);
* :class:`MemberAccount`: one member account deployed with ``cdk deploy`` (the identity account,
  ``stacks/identity_account.py``): environment = that account, a bootstrapped stack.

A StackSet member has no account of its own, so "a StackSet member in account X" cannot be
written (before this module, two flags made it a runtime error).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OwnAccount:
    """The config's own account (``config.account_id``), deployed with ``cdk deploy``."""

    @property
    def member(self) -> bool:
        """False: the config's own account is not a member account's baseline."""
        return False


@dataclass(frozen=True)
class StackSetMember:
    """The template of a service-managed StackSet (no account, no asset)."""

    @property
    def member(self) -> bool:
        """True: every stack instance is a member account's baseline."""
        return True


@dataclass(frozen=True)
class MemberAccount:
    """One member account (12 digits) deployed with ``cdk deploy``: the identity account."""

    account_id: str

    @property
    def member(self) -> bool:
        """True: a member account's baseline."""
        return True


#: Where an ``AccountBaselineStack`` is deployed.
Placement = OwnAccount | StackSetMember | MemberAccount
