"""A readable caller for a solver's counterexample: ``user/example-user``, not ``user/+``.

z3 fills the free parts of a symbolic caller (a user's or role's name and path, a session
name) with the shortest strings it finds, so a counterexample read
``arn:aws:sts::999988887777:assumed-role/+/+``. When the name parts of the model's caller are
not plain words, the solver that answered sat is asked once more, with the caller fixed to a
readable one of the same kind and account (``example-user``, ``example-role`` with session
``example-session``; where the first try fails, the model's path up to its first segment that
is not a plain word). A sat answer gives a whole new model (every key that follows the caller
follows it), which the concrete evaluator replays as it replays any counterexample; unsat or
unknown keeps the first model. Nothing proven changes: only which of the allowed requests is
shown.

Principal shapes: IAM User Guide, "IAM identifiers" > "IAM ARNs".
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import z3

from .z3_patterns import literal

from .encoder import KINDS
from .request import Request, RequestPrincipal

#: The names a readable caller takes.
EXAMPLE_USER, EXAMPLE_ROLE, EXAMPLE_SESSION = "example-user", "example-role", "example-session"

#: Per retry, at least: a counterexample is already found, this only picks a nicer one. A
#: question given a larger budget gives each retry a fifth of it (a loaded machine is slower
#: for both).
RETRY_TIMEOUT_MS = 1000

#: A plain word: a letter, then at least two letters, digits or ._@- (z3 picks "+", "7", ",").
_WORD = re.compile(r"^[A-Za-z][A-Za-z0-9._@-]{2,}$")
_USER = re.compile(r"^arn:(?P<part>[^:]+):iam::(?P<account>[0-9]{12}):user(?P<path>/(?:[^/]+/)*)(?P<name>[^/]+)$")
_SESSION = re.compile(r"^arn:(?P<part>[^:]+):sts::(?P<account>[0-9]{12}):assumed-role/(?P<name>[^/]+)/(?P<session>[^/]+)$")
_ROLE = re.compile(r"^arn:[^:]+:iam::[0-9]{12}:role(?P<path>/(?:[^/]+/)*)(?P<name>[^/]+)$")


def _plain(*parts: str) -> bool:
    """Every segment of ``parts`` (names, and paths split at ``/``) is a plain word."""
    return all(_WORD.match(segment) for part in parts for segment in part.split("/") if segment)


def _plain_prefix(path: str) -> str:
    """The leading segments of ``path`` that are plain words (``/ops/@/`` gives ``/ops/``): a
    policy that pins a path prefix (``user/ops/*``) is met by it, z3's filler after it dropped."""
    kept = []
    for segment in path.strip("/").split("/"):
        if not segment or not _WORD.match(segment):
            break
        kept.append(segment)
    return "/" + "".join(f"{segment}/" for segment in kept)


def readable_callers(principal: RequestPrincipal) -> Iterator[dict[str, str]]:
    """The parts (``path``, ``name``, ``session``) of readable callers like ``principal``, best
    first; none when its names are already plain words (or it is not a user or role session)."""
    user = _USER.match(principal.arn)
    if principal.kind == "user" and user and principal.role_arn is None:
        if not _plain(user["path"], user["name"]):
            yield {"path": "/", "name": EXAMPLE_USER}
            if _plain_prefix(user["path"]) != "/":
                yield {"path": _plain_prefix(user["path"]), "name": EXAMPLE_USER}
        return
    session = _SESSION.match(principal.arn)
    role = _ROLE.match(principal.role_arn or "")
    if principal.kind != "role_session" or not session or not role or _plain(role["path"], role["name"], session["session"]):
        return
    yield {"path": "/", "name": EXAMPLE_ROLE, "session": EXAMPLE_SESSION}
    if _plain_prefix(role["path"]) != "/":
        yield {"path": _plain_prefix(role["path"]), "name": EXAMPLE_ROLE, "session": EXAMPLE_SESSION}
    yield {"name": role["name"], "session": EXAMPLE_SESSION}


#: The string constants of the symbolic caller's parts (engine/z3_caller.py, ``_principal_space``:
#: ``arn = ...:user<path><name>``, ``role_arn = ...:role<path><name>``, ``.../<name>/<session>``).
#: Fixing the parts, not the ARNs, lets z3 build the ARNs forward (fixing a whole ARN string
#: left it to split the string against the patterns: unknown within a second).
_PARTS = {"path": "caller_path", "name": "caller_user_name", "session": "caller_session"}
_KIND = "caller_kind"  # the index of the caller's kind in encoder.KINDS (z3_caller.caller_terms): kept


def readable_model(solver: z3.Solver, request: Request, timeout_ms: int) -> z3.ModelRef | None:
    """A model of ``solver`` (which answered sat for ``request``) whose caller is readable, or
    None (names already plain, or no readable caller is allowed within the retry time).
    ``timeout_ms`` is the question's budget in milliseconds; each retry gets a fifth of it, at
    least :data:`RETRY_TIMEOUT_MS`."""
    for parts in readable_callers(request.principal):
        solver.push()
        try:
            solver.set("timeout", max(RETRY_TIMEOUT_MS, timeout_ms // 5))
            solver.add(z3.Int(_KIND) == KINDS.index(request.principal.kind),
                       *[z3.String(_PARTS[part]) == literal(value) for part, value in parts.items()])
            answer = solver.check()
            if answer == z3.sat:
                return solver.model()
        finally:
            solver.pop()
    return None
