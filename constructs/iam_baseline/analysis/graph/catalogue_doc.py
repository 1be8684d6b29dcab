"""``RULES.md``: the catalogue of escalation edges, generated from :data:`.rules.RULES`
(``make rules-doc``; a test keeps the committed file current)."""

from __future__ import annotations

from .nodes import Family
from .rules import RULES

HEADER = """# Escalation rules: who can become whom

Generated from `constructs/iam_baseline/analysis/graph/rules/` by `make rules-doc`; do not edit.
Each rule is one edge of the analysis graph: when every request it needs is allowed for a
principal (decided by the concrete evaluator, with the request context listed), the principal
obtains the permissions of the principal it "becomes". `make check` follows the edges through
any number of hops, across accounts, to an administrator (INV-ONLY-ADMINS-ADMIN and the
`escalation:<rule>` checks). Rules without actions are structural: they need no request.

Assumed about what the templates cannot show (README, "What is proven"): compute outside the
assembly (any EC2 instance, Lambda function, SageMaker notebook, Glue endpoint, CodeBuild
project, ECS task) may hold any role of its account that trusts its service and that a
principal who is not an administrator may pass to it; another IAM user may be an
administrator; a role outside the assembly may hold AdministratorAccess and trust any AWS
service (shown as role/admin-role-outside-the-assembly, the role a PassRole chain passes);
OrganizationAccountAccessRole holds AdministratorAccess and trusts the management account only
(so no service runs with it); each bootstrapped
environment (an account and region a stack of the assembly names; StackSet member accounts have
none) has a CDK deploy role that trusts its account (plus the management account for the other
accounts of an organization, `cdk bootstrap --trust`) and passes CloudFormation the cfn-exec
role, which holds AdministratorAccess.
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render() -> str:
    """The whole of ``RULES.md``."""
    lines = [HEADER]
    for family in Family:
        rules = [r for r in RULES if r.family is family]
        lines += [f"## {family.value[0].upper()}{family.value[1:]}", "",
                  "| rule | technique | enabling actions | request context | becomes | source |",
                  "| --- | --- | --- | --- | --- | --- |"]
        for rule in rules:
            # "a|b" in a rule's actions: any one of them (the variant for the principal's kind).
            actions = ", ".join(" or ".join(f"`{x}`" for x in a.split("|")) for a in rule.actions) or "(structural)"
            lines.append(f"| `{rule.id}` | {_cell(rule.title)} | {_cell(actions)} | {_cell(rule.context) or '-'} | "
                         f"{_cell(rule.becomes)} | {_cell(rule.source)} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(render(), end="")
