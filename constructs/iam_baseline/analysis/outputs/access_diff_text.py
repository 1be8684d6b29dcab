"""The access diff as Markdown: for the terminal and for a pull request's job summary.

Each new access is summarised (principal, actions, resource pattern, conditions, from the
statements that allow it in the new assembly) with one concrete example request and the old
assembly's decision on it; removed access and removed principals are listed the same way;
undecided subjects say "could not decide" with the solver's reason.
"""

from __future__ import annotations

from ..checks.invariants.requests import ALLOW_ALL
from ..engine.difference import AccessDifference, NewAccess, PolicySet
from ..engine.policy import PolicyKind
from .access_diff import AccessDiff, AssignmentChange, Comparison, Presence, Surface, statement_of

#: The policy types whose statements grant (SCPs and boundaries only limit).
_GRANTING = (PolicyKind.IDENTITY, PolicyKind.RESOURCE, PolicyKind.TRUST)
_SHOWN_ACTIONS = 6


def _code(text: str) -> str:
    return f"`{text}`"


def _actions(access: NewAccess) -> str:
    names = access.actions or (access.request.action,)
    shown = ", ".join(_code(a) for a in names[:_SHOWN_ACTIONS])
    more = len(names) - _SHOWN_ACTIONS
    return shown + (f" and {more} more of the same class" if more > 0 else "")


def _granting(access: NewAccess, policies: PolicySet) -> list:
    out = []
    for ref in access.new.deciding:
        if ref.kind in _GRANTING and ref.effect == "Allow" and ref.policy != ALLOW_ALL.name:
            statement = statement_of(policies, ref.policy, ref.kind, ref.index)
            if statement is not None:
                out.append((ref, statement))
    return out


def _resources(statement) -> str:
    if statement.resources is not None:
        return ", ".join(_code(r) for r in statement.resources)
    if statement.not_resources is not None:
        return "any except " + ", ".join(_code(r) for r in statement.not_resources)
    return "the role itself" if statement.principals is not None else "any"


def _principals(statement) -> str:
    named = statement.principals if statement.principals is not None else statement.not_principals or {}
    text = ", ".join(f"{kind} {_code(i)}" for kind, ids in named.items() for i in ids)
    return text if statement.principals is not None else f"anyone except {text}"


def _context(access: NewAccess) -> str:
    items = sorted(access.request.context.items())
    return ", ".join(f"{k}={v!r}" for k, v in items) if items else "no condition keys"


def access_lines(access: NewAccess, policies: PolicySet, old_word: str = "old") -> list[str]:
    """One new access: summary line, the granting statements, the example request."""
    p = access.request.principal
    caller = f"session of role {_code(p.role_arn)}" if p.role_arn else f"{p.kind} {_code(p.arn)}"
    lines = [f"  - actions {_actions(access)}"]
    for ref, statement in _granting(access, policies):
        where = f"{ref.kind.value} {ref.policy} statement {ref.sid or '#' + str(ref.index)}"
        detail = f"resource {_resources(statement)}"
        if statement.principals is not None or statement.not_principals is not None:
            detail += f"; principal {_principals(statement)}"
        conditions = "; ".join(c.describe() for c in statement.conditions) or "none"
        lines.append(f"    - granted by {where}: {detail}; conditions: {conditions}")
    lines.append(f"    - example: {caller} calls {_code(access.request.action)} on "
                 f"{_code(access.request.resource)} with {_context(access)}")
    lines.append(f"    - {old_word} assembly: {access.old.explain()}")
    return lines


def _more(found: AccessDifference) -> list[str]:
    if found.truncated:
        return [f"  - ... truncated after {len(found.found)} action classes (raise --limit to list more)"]
    return []


def _comparison_lines(c: Comparison, lost: bool) -> list[str]:
    s = c.subject
    found = c.lost if lost else c.gained
    if found is None:
        return []
    policies = s.old if lost else s.new
    head = f"- **{s.label}** ({s.surface.value})"
    if s.presence is Presence.ADDED:
        head += ": added resource-based policy" if s.surface is Surface.RESOURCE else ": added principal"
    lines = [head]
    for access in found.found:
        lines += access_lines(access, policies, "new" if lost else "old")
    return lines + _more(found)


def _assignment_lines(changes: list[AssignmentChange], reach: bool) -> list[str]:
    lines = []
    for a in changes:
        if reach:
            via = f" through {a.via}" if a.via else " (assigned directly)"
            lines.append(f"- person {_code(a.principal)} reaches permission set {_code(a.permission_set)} "
                         f"in account {a.account}{via}")
        else:
            people = f" (people: {', '.join(a.people)})" if a.people else ""
            lines.append(f"- {_code(a.principal)} is assigned permission set {_code(a.permission_set)} "
                         f"in account {a.account}{people}")
    return lines


def render(diff: AccessDiff, *, allow_new_access: bool = False) -> str:
    """The Markdown text of ``diff``; its last line says the verdict and the exit status."""
    out = ["## Access diff", ""]
    gained = [line for c in diff.new_access for line in _comparison_lines(c, lost=False)]
    gained += _assignment_lines(diff.assignments_added, reach=False) + _assignment_lines(diff.reach_added, reach=True)
    if gained:
        out += ["### New access (allowed now, denied before)", "", *gained, ""]
    removed = []
    for c in diff.removed_access:
        if c.subject.presence is Presence.REMOVED:
            removed.append(f"- **{c.subject.label}** ({c.subject.surface.value}): removed")
        else:
            removed += _comparison_lines(c, lost=True)
    removed += _assignment_lines(diff.assignments_removed, reach=False) + _assignment_lines(diff.reach_removed, reach=True)
    if removed:
        out += ["### Removed access (denied now, allowed before)", "", *removed, ""]
    if diff.undecided:
        out += ["### Could not decide (may hide new access)", ""]
        out += [f"- **{c.subject.label}** ({c.subject.surface.value}): {'; '.join(c.undecided)}" for c in diff.undecided]
        out.append("")
    changed = len(diff.comparisons)
    out.append(f"{changed} changed subjects compared with z3, {diff.unchanged} unchanged (equal policies), "
               f"in {diff.seconds:.1f} s.")
    suffix = " (accepted with --allow-new-access), exit 0" if allow_new_access else ", exit 1"
    if diff.new_access or diff.assignments_added or diff.reach_added:
        verdict = "new access" + suffix
    elif diff.undecided:
        count = len(diff.undecided)
        verdict = f"could not decide {count} subject{'s' if count != 1 else ''} (may hide new access)" + suffix
    else:
        verdict = "no new access, exit 0"
    out.append(f"**Result: {verdict}.**")
    return "\n".join(out) + "\n"
