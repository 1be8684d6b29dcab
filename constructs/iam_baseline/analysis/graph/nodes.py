"""The vocabulary of the analysis graph: nodes (principals and what holds a role), edges
("can become", each from one rule of the catalogue, with the requests it takes) and chains.

The shape follows PMapper (``common/nodes.py``, ``common/edges.py``): a node is anything whose
permissions a caller may end up using; an edge says that the source principal, by the
requests of one technique, obtains the target's permissions. The requests are kept
(:class:`Step`), so that every chain can be replayed on the concrete evaluator.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from ..engine.evaluator import Decision

from ..engine.request import Request


class NodeKind(str, enum.Enum):
    """What a node of the graph stands for."""

    USER = "user"
    GROUP = "group"  # a member holding only the group's policies
    ROLE = "role"
    PERMISSION_SET = "permission_set"  # the role IAM Identity Center provisions from it
    SERVICE = "service"  # an AWS service principal named by a trust policy
    COMPUTE = "compute"  # a resource of the assembly that runs code with a role
    UNSEEN_COMPUTE = "unseen_compute"  # any resource of a type with a role, outside the assembly
    BOOTSTRAP_ROLE = "bootstrap_role"  # a CDK bootstrap role, modelled by its documented shape
    STAND_IN = "stand_in"  # a principal outside the assembly (another user, a documented role)
    ADMIN = "admin"  # "an administrator of the account": what editing one's own policies yields


#: Node kinds that are principals of the assembly (sources of the escalation search).
PRINCIPAL_KINDS = frozenset({NodeKind.USER, NodeKind.GROUP, NodeKind.ROLE, NodeKind.PERMISSION_SET})


class Family(str, enum.Enum):
    """Families of techniques, one rules module each (issue 19)."""

    IDENTITY_POLICY = "identity policy edits"
    CREDENTIALS = "credentials"
    ROLE_TRUST = "role trust"
    PASS_ROLE = "PassRole to new compute"
    EXISTING_COMPUTE = "existing compute"
    STACKS = "stacks"
    IDENTITY_CENTER = "IAM Identity Center"
    ORGANIZATIONS = "organizations"


@dataclass(frozen=True)
class Node:
    """A vertex of the graph.

    Attributes:
        id: stable id ``<account>/<ref>`` (``111122223333/role:Admin``, ``111122223333/unseen:lambda``).
        kind: what it stands for.
        account: its account id (a StackSet variant's placeholder account for member scopes).
        label: a short human label (the ref, or a phrase for nodes outside the assembly).
        arn: its ARN when it has one.
        ref: the access-matrix ref (``role:Admin``) of a principal of the assembly, else None.
        declared_admin: the config makes it an administrator (``access_matrix.admin_principals``).
        assumed: None for what the templates show; else what is assumed about it.
        scope: the label of the account scope it belongs to.
    """

    id: str
    kind: NodeKind
    account: str
    label: str
    arn: str | None = None
    ref: str | None = None
    declared_admin: bool = False
    assumed: str | None = None
    scope: str = ""


class HopMfa(str, enum.Enum):
    """The MFA state of the session an ``assume-role`` hop yields (engine/context_rules.py):
    what AWS carries, so what the target role's trust could demand of the caller."""

    MFA = "MFA"  # the trust admits the caller only with aws:MultiFactorAuthPresent true
    IDENTITY_PROVIDER = "sign-in at the identity provider, no MFA seen by AWS"  # a SAML/OIDC session: AWS carries no MFA
    NONE = "without MFA"  # the trust admits a caller without MFA (long-term keys, a machine)


@dataclass(frozen=True)
class Step:
    """One request of a technique and the concrete evaluator's decision (ALLOWED) on it."""

    request: Request
    decision: Decision


@dataclass(frozen=True)
class Edge:
    """``source`` obtains ``target``'s permissions by ``rule`` (a rule id of the catalogue).

    ``steps``: the requests the source makes, in order (empty for structural edges such as
    "this function holds this role"). ``note``: one line for a reader. ``mfa``: for a role
    assumption across accounts, the MFA state the hop needs (:class:`HopMfa`), else None.
    ``accounts``: for a hop into a StackSet member role (``assume-member-role``), every member
    account whose role the source may assume, both halves decided for each (sorted; ``steps``
    hold the first one's request); empty for other edges.
    """

    source: str
    target: str
    rule: str
    family: Family
    steps: tuple[Step, ...] = ()
    note: str = ""
    mfa: HopMfa | None = None
    accounts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Chain:
    """A shortest path from ``source`` to an admin-equivalent ``target``."""

    source: str
    target: str
    edges: tuple[Edge, ...]
    why_admin: str

    @property
    def hops(self) -> int:
        return len(self.edges)

    @property
    def node_ids(self) -> tuple[str, ...]:
        return (self.source, *(e.target for e in self.edges))

    @property
    def first_request(self) -> Request | None:
        """The first request of the chain (its counterexample), None for a structural first edge."""
        for edge in self.edges:
            if edge.steps:
                return edge.steps[0].request
        return None

    def describe(self, labels: dict[str, str] | None = None) -> str:
        """``role:Developer -[pass-role-lambda]-> role:X -[assume-role]-> role:Admin``."""
        name = (lambda i: labels.get(i, i)) if labels else (lambda i: i)
        text = name(self.source)
        for edge in self.edges:
            text += f" -[{edge.rule}]-> {name(edge.target)}"
        return text
