"""The who-can-do-what report in Markdown: ``access-report.md`` (and the text of ``access-report.html``).

The report opens with what needs a reviewer: the failed checks and the invariants that are not
proven (an SMT ``unknown`` or an unmodelled construct is never a pass), then who can reach
admin (people, federated principals and CI identities, each with its chain:
:mod:`.admin_reach`). Then, for each principal of the analysed account (the permission sets
assigned to it included, wherever the IAM Identity Center stack deploys), who can become it
(its trust policy: principals and conditions; for a user, its groups; for a permission set,
the people assigned it), what it can do (per policy: actions, resources, and the conditions
that gate them), what it is denied; the people of IAM Identity Center; the access matrix.
:mod:`.page` renders it as the HTML page with the graph. Built from the
:class:`~..check.CheckRun`; no aws_cdk.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..checks.invariants.base import AccountNames
from ..checks.matrix import CheckResult
from ..engine.policy import Statement
from ..model.templates import AccountModel, Principal
from .admin_reach import AdminChain, analysed_model, who_can_reach_admin
from .mfa_reach import hop_lines, mfa_less_lines

if TYPE_CHECKING:  # pragma: no cover - type names only
    from ..check import CheckRun

MARKDOWN = "access-report.md"
HTML = "access-report.html"


class Status(enum.Enum):
    """A check's outcome as the report groups it."""

    PASSED = "pass"
    FAILED = "FAIL"
    NOT_PROVEN = "NOT PROVEN"


def status(result: CheckResult) -> Status:
    """Failed checks whose message says "not proven" (invariants: an undecided verdict; Identity
    Center: a permission set that cannot be judged) are :attr:`Status.NOT_PROVEN`."""
    if result.passed:
        return Status.PASSED
    return Status.NOT_PROVEN if "not proven" in result.message.lower() else Status.FAILED


@dataclass(frozen=True)
class Section:
    """One ``##`` section of the report: ``key`` is its HTML id; ``attention`` marks it for the reviewer."""

    key: str
    title: str
    lines: tuple[str, ...]
    attention: bool = False

    def markdown(self) -> str:
        return "\n".join((f"## {self.title}", "", *self.lines, ""))


def _cell(text: str) -> str:
    """Table cell text: a ``|`` would end the cell."""
    return text.replace("|", "\\|")


def _conditions(statement: Statement) -> str:
    return " AND ".join(f"`{c.describe()}`" for c in statement.conditions)


def _code(items) -> str:
    # Code spans: a `*` of an action or ARN pattern is not Markdown emphasis.
    return ", ".join(f"`{item}`" for item in items)


def _actions(statement: Statement) -> str:
    if statement.actions is not None:
        shown = list(statement.actions[:6])
        more = len(statement.actions) - len(shown)
        return _code(shown) + (f" (+{more} more)" if more > 0 else "")
    return "everything except " + _code(statement.not_actions or ())


def _resources(statement: Statement) -> str:
    if statement.resources is not None:
        return _code(statement.resources[:3]) + (" ..." if len(statement.resources) > 3 else "")
    if statement.not_resources is not None:
        return "all but " + _code(statement.not_resources)
    return "-"


def _principals_of(statement: Statement) -> str:
    entries = statement.principals or {}
    text = "; ".join(f"{kind}: {_code(ids)}" for kind, ids in entries.items())
    return ("NOT " if statement.not_principals else "") + (text or str(statement.not_principals))


def _principal_section(model: AccountModel, principal: Principal, admin: bool, assigned: list[str]) -> list[str]:
    """``assigned``: for a permission set, the people assigned it in this account (and through what)."""
    lines = [f"### {principal.kind} `{principal.name}`" + (" (admin-equivalent)" if admin else ""), ""]
    lines.append(f"ARN `{principal.arn}`, defined in stack {principal.stack} as {principal.logical_id}.")
    lines.append("")
    if principal.trust is not None:
        lines.append("**Who can become it** (trust policy):")
        for st in principal.trust.statements:
            gate = _conditions(st) or "no condition"
            lines.append(f"- {st.effect} {_actions(st)} for {_principals_of(st)}, when {gate}")
    elif principal.kind == "user":
        groups = ", ".join(principal.groups) or "no group"
        lines.append(f"**Who can become it**: the person holding its console password; groups: {groups}.")
    elif principal.kind == "permission_set":
        people = "; ".join(assigned) or "nobody assigned in this account"
        lines.append(f"**Who can become it** (IAM Identity Center account assignments): {people}.")
    lines.append("")
    lines.append("**What it can do** (allow statements; conditions gate them):")
    policies = model.identity_policies(principal)
    for policy in policies:
        for st in (s for s in policy.statements if s.effect == "Allow"):
            gate = f" -- only when {_conditions(st)}" if st.conditions else ""
            lines.append(f"- `{policy.name}` {st.sid or '#' + str(st.index)}: {_actions(st)} on {_resources(st)}{gate}")
    if principal.boundary is not None:
        lines.append(f"- bounded by the permissions boundary `{principal.boundary.name}`")
    lines.append("")
    denies = [(p, s) for p in policies + ([principal.boundary] if principal.boundary else []) for s in p.statements if s.effect == "Deny"]
    lines.append("**What it is denied** (explicit deny statements):")
    for policy, st in denies:
        gate = f" when {_conditions(st)}" if st.conditions else ""
        lines.append(f"- `{policy.name}` {st.sid or '#' + str(st.index)}: {_actions(st)} on {_resources(st)}{gate}")
    if not denies:
        lines.append("- none (everything not allowed is implicitly denied)")
    lines.append("")
    return lines




def _chain_text(chain: AdminChain) -> str:
    hops = "".join(f" → `{hop.label}` ({hop.how})" for hop in chain.hops)
    declared = "declared admin" if chain.declared else "**NOT declared in access_matrix.admin_principals**"
    return f"- {chain.kind.value} `{chain.entry}`{hops}: **admin**, {chain.admin}; {declared}"


class _Shown:
    """A StackSet template's own account, as the report shows it: one of its member accounts,
    named (:meth:`AccountNames.show`, as counterexamples read), for the rows and messages of
    that template's scope (its label opens the subject, or stands in brackets or parentheses in
    the message or the chain to admin)."""

    def __init__(self, run: CheckRun) -> None:
        scopes = sorted(run.scopes, key=lambda s: -len(s.label))  # "... Workloads4c6e2f15" before "... Workloads"
        self.names = [(s.label, AccountNames.of(s, run.config)) for s in scopes]

    def __call__(self, text: str) -> str:
        for label, names in self.names:
            if text.startswith(f"{label} ") or f"[{label}]" in text or f"({label})" in text:
                return names.everywhere(text)  # the label naming the part's own member is set aside there
        return text


def sections(run: CheckRun) -> list[Section]:
    """The report's sections, in reading order (see the module)."""
    model = analysed_model(run)
    shown = _Shown(run)
    out: list[Section] = []
    failed = [r for r in run.results if status(r) is Status.FAILED]
    unproven = [r for r in run.results if status(r) is Status.NOT_PROVEN]
    if failed:
        out.append(Section("failed", f"Failed checks ({len(failed)})",
                           tuple(f"- **{r.check}**: {shown(r.message)}" for r in failed), True))
    if unproven:
        out.append(Section("not-proven", f"Not proven ({len(unproven)}): undecided, never a pass",
                           tuple(f"- **{r.check}**: {shown(r.message)}" for r in unproven), True))
    chains = who_can_reach_admin(run)
    out.append(Section("who-can-reach-admin", "Who can reach admin", (
        "People, federated principals, CI identities and machine roles that can become an administrator, each with "
        "its shortest chain in the analysis graph (people's requests with MFA present and fresh, machine roles' "
        f"without MFA): account {model.account} first, then "
        "the other account scopes of the assembly, named after the entry.",
        "",
        *(shown(_chain_text(c)) for c in chains),
        *(() if chains else ("- nobody" if run.graph is not None else
                             "- not computed: `access_matrix.escalation_search` is off, so the run built no analysis graph",)),
    ), any(not c.declared for c in chains)))
    hops = hop_lines(run)
    if hops:
        out.append(Section("member-hops", "Hops into member accounts", (
            "Who reaches which member account's role from another account (the identity account), both halves "
            "allowed (the caller's identity-based policy and the role's trust policy), and the MFA state of the "
            "session: **MFA**, **sign-in at the identity provider, no MFA seen by AWS** (a SAML session: AWS carries no MFA context), "
            "or **without MFA**.",
            "",
            *hops,
        )))
    mfa_less = mfa_less_lines(run)
    if mfa_less:
        out.append(Section("without-mfa", "Ways in without MFA", (
            "Roles a principal reaches without MFA that AWS sees: machine roles (with their reason and their one "
            "principal); the SAML route, where a SAML role of the identity account assumes a member account's role "
            "(a SAML session carries no aws:MultiFactorAuthPresent, IAM User Guide, \"Configuring MFA-protected API "
            "access\": MFA is the identity provider's to require, which AWS does not see; INV-MFA-LESS-ONLY-MACHINE and "
            "INV-NO-MFA-LESS-ADMIN accept this route only when every provider of the SAML role declares "
            "`mfa_at_identity_provider` with its reason, shown here); and hops whose trust admits a caller without MFA.",
            "",
            *mfa_less,
        ), any("**without MFA**" in line for line in mfa_less)))
    out.append(Section("admin-equivalent", "Admin-equivalent principals", (
        *(f"- `{ref}`" for ref in run.admin_equivalent or ["none"]),
        # People reach admin through permission sets (IAM Identity Center).
        *(f"- `identity_center_user:{reach.person}` ({reach.permission_set} in {reach.account}"
          f"{' through ' + reach.via.name if reach.via else ''})" for reach, admin in run.people if admin),
    )))
    out.append(Section("outside", "Modelled, not in the assembly", (
        "The CDK bootstrap roles are not in these templates; the analysis models them by their documented "
        "shape (AWS CDK Developer Guide, \"Bootstrapping\") in each environment a stack of the assembly "
        "names (StackSet member accounts have none): the deploy role trusts its account (plus the management "
        "account for the other accounts of an organization, `cdk bootstrap --trust`) and hands CloudFormation "
        "the `cfn-exec` role with AdministratorAccess, so whoever may assume a deploy role is counted as an "
        "administrator (INV-ONLY-ADMINS-ADMIN). What the analysis graph assumes in this account:",
        "",
        *_assumed_lines(run, model.account),
    )))
    if run.people:
        out.append(Section("people", "People (IAM Identity Center)", tuple(_people_lines(run))))
    assigned: dict[str, list[str]] = {}
    for reach, _admin in run.people:
        if reach.account == model.account:
            assigned.setdefault(reach.permission_set, []).append(
                f"{reach.person} (through {reach.via.name})" if reach.via else f"{reach.person} (direct)")
    lines: list[str] = []
    for principal in sorted(model.principals.values(), key=lambda p: (p.kind, p.name)):
        lines += _principal_section(model, principal, principal.ref in run.admin_equivalent, assigned.get(principal.name, []))
    out.append(Section("principals", "Principals", tuple(lines)))
    people = _identity_account_lines(run)
    if people:
        out.append(Section("identity-account", "People of the identity account", tuple(people)))
    out.append(Section("matrix", "Access matrix", tuple(_matrix_lines(run, shown))))
    return out


def _identity_account_lines(run: CheckRun) -> list[str]:
    """With a member identity account (``organization.identity_account``), its IAM users, groups
    and roles, read from its own stack (``IdentityAccount``): the people no longer live in the
    analysed (management) account, so "Principals" above does not show them."""
    from ...config.hub import identity_account_id

    config = run.config
    identity = identity_account_id(config) if config is not None else None
    if identity is None or identity == run.model.account:
        return []
    scope = next((s for s in run.scopes if identity in s.member_accounts), None)
    if scope is None:
        return []
    lines = [f"Account {identity} (its own stack, `IdentityAccount`): where people sign in; their hops are listed "
             "under \"Hops into member accounts\".", ""]
    people = [p for p in scope.model.principals.values() if p.kind in ("user", "group", "role")]
    for principal in sorted(people, key=lambda p: (p.kind, p.name)):
        lines += _principal_section(scope.model, principal, False, [])
    return lines


def _assumed_lines(run: CheckRun, account: str) -> list[str]:
    """One line per node of the analysis graph in ``account`` that is modelled rather than read."""
    nodes = run.graph.nodes.values() if run.graph is not None else ()
    found = sorted((n.label, n.assumed) for n in nodes if n.account == account and n.assumed)
    return [f"- **{label}**: {assumed}" for label, assumed in found] or ["- nothing (no analysis graph in this run)"]


def _people_lines(run: CheckRun) -> list[str]:
    """Which person (IAM Identity Center user) can reach which account as what, and through which group."""
    lines = ["| person | account | permission set | through | admin-equivalent |", "| --- | --- | --- | --- | --- |"]
    verdict = {True: "**yes**", False: "no", None: "not judged"}
    for reach, admin in run.people:
        through = reach.via.name if reach.via else "direct assignment"
        lines.append(f"| {reach.person} | {reach.account} | {reach.permission_set} | {through} | {verdict[admin]} |")
    return lines


def _matrix_lines(run: CheckRun, show=lambda text: text) -> list[str]:
    lines = ["| check | principal | request | result |", "| --- | --- | --- | --- |"]
    for result in run.results:
        if result.check.startswith("escalation:") and result.passed:
            continue
        verdict = status(result)
        shown = verdict.value if verdict is Status.PASSED else f"**{verdict.value}**"
        decision = result.decision.outcome.value if result.decision else ""
        lines.append(f"| {_cell(result.check)} | {_cell(show(result.subject))} | {_cell(result.summary)} | {shown} {decision} |")
    return lines


def headline(run: CheckRun) -> str:
    """``Account ... N checks, F failed (U of them not proven).``"""
    model = run.model
    counts = {s: 0 for s in Status}
    for result in run.results:
        counts[status(result)] += 1
    return (f"Account {model.account} ({model.partition}, {model.region}). {len(run.results)} checks, "
            f"{counts[Status.FAILED] + counts[Status.NOT_PROVEN]} failed ({counts[Status.NOT_PROVEN]} of them not proven).")


def markdown(run: CheckRun, parts: list[Section] | None = None) -> str:
    """The Markdown report (``parts``: :func:`sections` of ``run``, when already built)."""
    parts = sections(run) if parts is None else parts
    return "\n".join(["# Access report", "", headline(run), "", *(s.markdown() for s in parts)])


def write_reports(out_dir: Path, run: CheckRun) -> list[Path]:
    """Write ``access-report.md`` and ``access-report.html`` into ``out_dir``; returns their paths.

    Raises:
        GraphvizError: the graph of the HTML page could not be laid out (``make install``).
    """
    from .page import html_page  # the page imports this module's sections

    parts = sections(run)
    md_path, html_path = out_dir / MARKDOWN, out_dir / HTML
    md_path.write_text(markdown(run, parts), encoding="utf-8")
    html_path.write_text(html_page(run, parts), encoding="utf-8")
    return [md_path, html_path]
