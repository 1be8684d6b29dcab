"""The who-can-do-what report: ``access-report.md`` and ``access-report.html`` (with an SVG graph).

For each principal the report says who can become it (its trust policy: principals and
conditions; for a user, its groups), what it can do (per policy: services, wildcard actions,
and the conditions that gate them), what it is denied, and which principals are
admin-equivalent. The HTML page draws users, groups and roles as boxes with their permission
summary, and the membership and trust edges between them, so that a reviewer sees the shape
of the account at a glance. Built from the :class:`~.check.CheckRun`; no aws_cdk.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from ..engine.evaluator import Policy, Statement
from ..model.templates import AccountModel, Principal

if TYPE_CHECKING:  # pragma: no cover - type names only
    from ..check import CheckRun

MARKDOWN = "access-report.md"
HTML = "access-report.html"


def _conditions(statement: Statement) -> str:
    return " AND ".join(c.describe() for c in statement.conditions)


def _actions(statement: Statement) -> str:
    if statement.actions is not None:
        shown = list(statement.actions[:6])
        more = len(statement.actions) - len(shown)
        return ", ".join(shown) + (f" (+{more} more)" if more > 0 else "")
    return "everything except " + ", ".join(statement.not_actions or ())


def _resources(statement: Statement) -> str:
    if statement.resources is not None:
        return ", ".join(statement.resources[:3]) + (" ..." if len(statement.resources) > 3 else "")
    if statement.not_resources is not None:
        return "all but " + ", ".join(statement.not_resources)
    return "-"


def _services(policies: Iterable[Policy], effect: str) -> list[str]:
    services: set[str] = set()
    for policy in policies:
        for statement in policy.statements:
            if statement.effect != effect:
                continue
            if statement.not_actions is not None:
                services.add("* except " + ", ".join(sorted({a.split(':')[0] for a in statement.not_actions})))
            for action in statement.actions or ():
                services.add("*" if action == "*" else action.split(":")[0])
    return sorted(services)


def _principals_of(statement: Statement) -> str:
    entries = statement.principals or {}
    text = "; ".join(f"{kind}: {', '.join(ids)}" for kind, ids in entries.items())
    return ("NOT " if statement.not_principals else "") + (text or str(statement.not_principals))


def summary(model: AccountModel, principal: Principal) -> str:
    """One line for the graph: the services the principal's allows name."""
    services = _services(model.identity_policies(principal), "Allow")
    text = ", ".join(services) or "nothing"
    return text if len(text) <= 48 else text[:45] + "..."


def _principal_section(model: AccountModel, principal: Principal, admin: bool) -> list[str]:
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


def markdown(run: CheckRun) -> str:
    """The Markdown report."""
    model = run.model
    failed = [r for r in run.results if not r.passed]
    lines = [
        "# Access report",
        "",
        f"Account {model.account} ({model.partition}, {model.region}). "
        f"{len(run.results)} checks, {len(failed)} failed.",
        "",
        "## Admin-equivalent principals",
        "",
        *(f"- {ref}" for ref in run.admin_equivalent or ["none"]),
        # People reach admin through permission sets (IAM Identity Center).
        *(
            f"- identity_center_user:{reach.person} ({reach.permission_set} in {reach.account}"
            f"{' through ' + reach.via.name if reach.via else ''})"
            for reach, admin in run.people
            if admin
        ),
        "",
        "## Roles outside the assembly",
        "",
        "The CDK bootstrap roles are not in these templates; the invariants model them by their documented "
        "shape (AWS CDK Developer Guide, \"Bootstrapping\"): the deploy role trusts its account and hands "
        "CloudFormation the `cfn-exec` role with AdministratorAccess, so whoever may assume a deploy role is "
        "counted as an administrator (INV-ONLY-ADMINS-ADMIN).",
        "",
    ]
    if failed:
        lines += ["## Failed checks", "", *(f"- **{r.check}**: {r.message}" for r in failed), ""]
    lines += _people_section(run)
    lines += ["## Principals", ""]
    for principal in sorted(model.principals.values(), key=lambda p: (p.kind, p.name)):
        lines += _principal_section(model, principal, principal.ref in run.admin_equivalent)
    lines += ["## Access matrix", "", "| check | principal | request | result |", "| --- | --- | --- | --- |"]
    for result in run.results:
        if result.check.startswith("escalation:") and result.passed:
            continue
        status = "pass" if result.passed else "**FAIL**"
        decision = result.decision.outcome.value if result.decision else ""
        lines.append(f"| {result.check} | {result.subject} | {result.summary} | {status} {decision} |")
    return "\n".join(lines) + "\n"


def _people_section(run: CheckRun) -> list[str]:
    """Which person (IAM Identity Center user) can reach which account as what, and through which group."""
    if not run.people:
        return []
    lines = [
        "## People (IAM Identity Center)",
        "",
        "| person | account | permission set | through | admin-equivalent |",
        "| --- | --- | --- | --- | --- |",
    ]
    verdict = {True: "**yes**", False: "no", None: "not judged"}
    for reach, admin in run.people:
        through = reach.via.name if reach.via else "direct assignment"
        lines.append(f"| {reach.person} | {reach.account} | {reach.permission_set} | {through} | {verdict[admin]} |")
    return [*lines, ""]


def _edges(model: AccountModel) -> list[tuple[str, str, str]]:
    """(from ref, to ref, label): user -> group membership, principal -> role it may assume."""
    edges = []
    roles = [p for p in model.principals.values() if p.kind == "role"]
    for principal in model.principals.values():
        if principal.kind == "user":
            edges += [(principal.ref, f"group:{g}", "member") for g in principal.groups]
        if principal.kind in ("group", "role"):
            for policy in principal.policies:
                for st in policy.statements:
                    if st.effect == "Allow" and any(a.lower().startswith("sts:assumerole") for a in st.actions or ()):
                        for role in roles:
                            if role.arn in (st.resources or ()):
                                edges.append((principal.ref, role.ref, "assume" + (" (MFA)" if st.conditions else "")))
    for role in roles:
        for st in role.trust.statements if role.trust else ():
            for kind, ids in (st.principals or {}).items():
                for ident in ids:
                    if kind != "AWS":
                        # A service trusts itself only on behalf of its own resources; a federated
                        # trust without conditions admits any identity of the provider.
                        gate = " (service)" if kind == "Service" else " (conditions)" if st.conditions else " (unconditioned)"
                        edges.append((f"{kind.lower()}:{ident}", role.ref, "trust" + gate))
                    else:
                        gate = " (MFA)" if "multifactorauth" in _conditions(st).lower() else ""
                        edges.append((f"account:{ident.split(':')[4] if ':' in ident else ident}", role.ref, "trust" + gate))
    return edges


def _short(ref: str) -> str:
    """``federated:arn:aws:iam::1:saml-provider/Okta`` -> ``federated:saml-provider/Okta``."""
    kind, _, ident = ref.partition(":")
    if ident.startswith("arn:"):
        return f"{kind}:{ident.split(':', 5)[-1]}"
    return ref


def svg(run: CheckRun) -> str:
    """An SVG drawing: columns of users, groups, roles and the trust sources outside them."""
    model = run.model
    edges = _edges(model)
    columns: dict[str, list[str]] = {"user": [], "group": [], "role": [], "source": []}
    for a, b, _ in edges:
        for ref in (a, b):
            kind = ref.split(":", 1)[0]
            column = kind if kind in columns else "source"
            if ref not in columns[column]:
                columns[column].append(ref)
    for principal in model.principals.values():
        if principal.kind in columns and principal.ref not in columns[principal.kind]:
            columns[principal.kind].append(principal.ref)
    box_w, box_h, gap_x, gap_y = 300, 54, 90, 22
    pos: dict[str, tuple[int, int]] = {}
    for ci, (_, refs) in enumerate(columns.items()):
        for ri, ref in enumerate(sorted(refs)):
            pos[ref] = (20 + ci * (box_w + gap_x), 50 + ri * (box_h + gap_y))
    width = 20 + len(columns) * (box_w + gap_x)
    height = 70 + max(len(v) for v in columns.values()) * (box_h + gap_y)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
        '<defs><marker id="arrow" markerWidth="10" markerHeight="7" refX="10" refY="3.5" orient="auto">'
        '<polygon points="0 0, 10 3.5, 0 7" fill="#555"/></marker></defs>',
    ]
    for ci, title in enumerate(("users", "groups", "roles", "trusted by (outside the assembly)")):
        parts.append(f'<text x="{20 + ci * (box_w + gap_x)}" y="30" font-weight="bold">{title}</text>')
    for a, b, label in edges:
        (x1, y1), (x2, y2) = pos[a], pos[b]
        # Red: a way in that no MFA or federation condition gates.
        gated = "MFA" in label or "(conditions)" in label or "(service)" in label or label == "member"
        colour = "#555" if gated else "#b00"
        # Trust sources sit right of the roles: their edges run leftwards into the role.
        start, end = (x1, x2 + box_w) if x1 > x2 else (x1 + box_w, x2)
        parts.append(
            f'<line x1="{start}" y1="{y1 + box_h // 2}" x2="{end}" y2="{y2 + box_h // 2}" stroke="{colour}" '
            f'marker-end="url(#arrow)"><title>{html.escape(a)} -> {html.escape(b)}: {html.escape(label)}</title></line>'
        )
        # Labels sit near the arrow head, where edges into one box have spread apart least
        # and so overlap least with the labels of other edges.
        mx, my = start + (end - start) * 3 // 4, y1 + (y2 - y1) * 3 // 4 + box_h // 2 - 4
        parts.append(f'<text x="{mx - 20}" y="{my}" fill="{colour}" font-size="10">{html.escape(label)}</text>')
    by_ref = {p.ref: p for p in model.principals.values()}
    for ref, (x, y) in pos.items():
        principal = by_ref.get(ref)
        admin = ref in run.admin_equivalent
        fill = "#fde2e2" if admin else "#e8f0fe" if principal else "#f4f4f4"
        detail = summary(model, principal) if principal else "outside the assembly"
        parts.append(f'<rect x="{x}" y="{y}" width="{box_w}" height="{box_h}" rx="6" fill="{fill}" stroke="#333"/>')
        name = _short(ref)
        name = name if len(name) <= 38 else name[:35] + "..."
        parts.append(
            f'<text x="{x + 8}" y="{y + 20}" font-weight="bold"><title>{html.escape(ref)}</title>'
            f'{html.escape(name)}{" (admin)" if admin else ""}</text>'
        )
        parts.append(f'<text x="{x + 8}" y="{y + 40}" font-size="11">{html.escape(detail)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def html_page(run: CheckRun, markdown_text: str) -> str:
    failed = sum(not r.passed for r in run.results)
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Access report</title></head><body>"
        f"<h1>Access report</h1><p>{len(run.results)} checks, {failed} failed. "
        "Red boxes are admin-equivalent; red edges are ways in that no MFA or federation condition gates.</p>"
        f"{svg(run)}<h2>Details</h2><pre>{html.escape(markdown_text)}</pre></body></html>\n"
    )


def write_reports(out_dir: Path, run: CheckRun) -> list[Path]:
    """Write both reports into ``out_dir``; returns their paths."""
    text = markdown(run)
    md_path, html_path = out_dir / MARKDOWN, out_dir / HTML
    md_path.write_text(text, encoding="utf-8")
    html_path.write_text(html_page(run, text), encoding="utf-8")
    return [md_path, html_path]
