"""The stand-ins the invariants use for what lies outside the model.

Every invariant is decided over all requests by the engine (:mod:`...engine.question`), so it
needs no enumeration of request contexts. What it needs is the worst case for what the
assembly does not show: a caller of another account whose identity-based policies are not in
any template (:data:`ALLOW_ALL`), and an account that the config never names
(:data:`FOREIGN_ACCOUNT`, standing for every other account).
"""

from __future__ import annotations

from ...engine.policy import Policy

#: An account the config never declares: the stand-in for "any other account".
FOREIGN_ACCOUNT = "999999999999"

#: Identity-based policy of a caller outside the model: the worst case, it allows everything.
ALLOW_ALL = Policy.from_document(
    "outside-the-model:AllowAll", {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
)
