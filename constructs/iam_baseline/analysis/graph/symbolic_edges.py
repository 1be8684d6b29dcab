"""Symbolic decision of one request of a technique: is it allowed in *some* context the caller
controls? (the proof's side of "concrete for the report, symbolic for the proof").

The concrete search fixes one context (MFA present and fresh, a fresh session); a grant
conditioned on something else the caller chooses (``aws:SourceIp``, the session's tags, the
time) is still reachable. When the concrete evaluator denies a request and a conditioned Allow
of the caller's policies (or of the role's trust policy) covers its action, the z3 engine is
asked over the request space where:

* the principal is the caller itself (its ARN, account, kind);
* the action and the resource are the request's;
* the technique's keys are fixed (``iam:PassedToService``, ``iam:PolicyARN``, an absent
  ``iam:PermissionsBoundary``);
* the keys the caller chooses are free (:data:`CHOSEN`: network, time, MFA, session and
  request tags, Region; service-specific request parameters; the tags of a resource outside
  the assembly, unknown: the worst case);
* every other key is a fact and keeps its concrete value, or stays absent: the caller's
  identity and tags, a known target's tags, ``iam:PermissionsBoundary``.

A counterexample (already replayed on the concrete evaluator by ``find_allowed``) makes the
request allowed; unsat denies it; unknown, a timeout or an unmodelled construct leaves it
undecided, which the invariant reports as not proven (never as a pass).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..engine.evaluator import Decision

from ..engine.policy import Policy

from ..engine.request import Request
from ..engine.space import ABSENT, ActionSpace, RequestSpace, ResourceSpace, exactly
from ..engine.symbolic import Counterexample, Proven, find_allowed
from ..errors import AnalysisError

#: Per request (2 loaded cores: seconds become timeouts; a timeout is undecided, never a pass).
TIMEOUT_MS = 4_000

#: Global keys whose value the caller chooses (IAM User Guide, "AWS global condition context
#: keys": network, time, MFA and session properties, tags it sends, the Region it calls).
#: ``aws:TokenIssueTime`` is not among them: the session is fresh (issued at the request time),
#: so a grant only to sessions issued long ago cannot be met.
CHOSEN = frozenset({
    "aws:sourceip", "aws:sourcevpc", "aws:sourcevpce", "aws:vpcsourceip", "aws:currenttime", "aws:epochtime",
    "aws:multifactorauthpresent", "aws:multifactorauthage", "aws:tagkeys",
    "aws:requestedregion", "aws:securetransport", "aws:useragent", "aws:referer", "aws:calledvia",
    "aws:calledviafirst", "aws:calledvialast", "aws:viaawsservice", "aws:sourceidentity",
})


def _chosen(key: str, target_known: bool) -> bool:
    """Whether the caller chooses ``key`` (else it is a fact of the caller or the resource)."""
    if key in CHOSEN or key.startswith("aws:requesttag/"):
        return True
    if key.startswith("aws:resourcetag/"):
        return not target_known  # a resource outside the assembly: unknown tags, the worst case
    if key == "iam:permissionsboundary":
        return False  # the target's boundary, or what the technique leaves out
    return not key.startswith("aws:")  # service keys are request parameters


def _covers(statement, action: str, resource: str) -> bool:
    if not statement.covers_action(action):
        return False
    patterns = (statement.resources or ()) + (statement.not_resources or ())
    # A pattern with a policy variable may cover it in some context: worth asking.
    return any("${" in p for p in patterns) or statement.covers_resource(resource, None)


def worth_asking(identity: Iterable[Policy | None], boundary: Policy | None, trust: Policy | None, action: str,
                 resource: str, caller: str) -> bool:
    """Whether another context could allow what the concrete evaluator denied: an Allow of the
    caller's identity-based policies covers the action and the resource (a trust policy that
    names the caller itself also suffices in its account), and some Allow that applies has
    conditions. Otherwise no choice of condition keys can make the request match."""
    identity = [p for p in identity if p is not None]
    allows = [s for p in identity for s in p.statements if s.effect == "Allow" and _covers(s, action, resource)]
    trust_allows = [s for s in (trust.statements if trust else ()) if s.effect == "Allow" and s.covers_action(action)]
    direct = any(caller in v for s in trust_allows for v in (s.principals or {}).values())
    if not allows and not direct:
        return False
    bounded = [s for s in (boundary.statements if boundary else ()) if s.effect == "Allow" and _covers(s, action, resource)]
    return any(s.conditions for s in (*allows, *trust_allows, *bounded))


def _condition_keys(policies: Iterable[Policy | None]) -> set[str]:
    return {c.key for p in policies if p is not None for s in p.statements for c in (s.conditions or ())}


def decide_symbolically(request: Request, fixed: dict[str, str | list[str]], absent: Iterable[str], *,
                        target_known: bool, identity, boundary, scps, resource_policy: Policy | None = None,
                        required: bool = False) -> tuple[Decision | None, Request | None, str]:
    """(decision, request) of the solver's allowed request, (None, None, "") when none exists,
    or (None, None, reason) when undecided. ``fixed``: keys the caller cannot choose;
    ``absent``: keys the technique leaves out; ``target_known``: the resource is a principal of
    the assembly, whose tags are facts."""
    policies = [*identity, boundary, *(p for level in scps for p in level), resource_policy]
    context = {k.lower(): exactly(v) for k, v in fixed.items()}
    context |= {k.lower(): ABSENT for k in absent}
    for key in _condition_keys(policies):
        if key not in context and not _chosen(key, target_known):
            # A fact (the caller's identity and tags, a known target's tags): its concrete value.
            context[key] = exactly(request.context.get(key))
    space = RequestSpace(principals=(request.principal,), actions=ActionSpace(include=(request.action,)),
                         resources=ResourceSpace(include=(request.resource,)), context=context)
    try:
        verdict = find_allowed(space, identity=identity, boundary=boundary, scps=scps, resource_policy=resource_policy,
                               resource_policy_required=required, timeout_ms=TIMEOUT_MS)
    except AnalysisError as error:
        return None, None, f"symbolic engine: {error}"
    if isinstance(verdict, Counterexample):
        return verdict.decision, verdict.request, ""
    if isinstance(verdict, Proven):
        return None, None, ""
    return None, None, f"symbolic engine: {verdict.reason}"
