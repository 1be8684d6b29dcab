"""The access report shows a StackSet template's own account as one real member account with
its config name, as counterexamples do ("shown in member account 333300000001 (payments-prod),
one of 3 with this StackSet template"), never the placeholder ``000000000000`` the model reads
the template with; a template no member account has today says so."""

from __future__ import annotations

from iam_baseline.analysis.check import CheckRun
from iam_baseline.analysis.checks.matrix import CheckResult
from iam_baseline.analysis.model.templates import load_account
from iam_baseline.analysis.outputs.report import markdown

PROMISE = "KMS key policies grant access only to principals of declared accounts"
KEY = "KMS key policy arn:aws:kms:us-east-1:000000000000:key/AlertTopicKey"


def _report(hub_synth, results: list[CheckResult]) -> str:
    config, out, scopes = hub_synth
    return markdown(CheckRun(load_account(out, account=config.account_id), results, [], 0.0, scopes=scopes, config=config))


def _scope(scopes, members: tuple[str, ...]):
    return next(s.label for s in scopes if s.model.account == "000000000000" and tuple(s.member_accounts) == members)


def test_member_rows_and_messages_name_a_real_member_account(hub_synth):
    _, _, scopes = hub_synth
    workloads = _scope(scopes, ("333300000001", "333300000002", "444400000001"))
    orders_dev = _scope(scopes, ("444400000002",))  # a part of a split variant: its label names its account
    nobody = _scope(scopes, ())  # a plain variant all of whose accounts went to other variants
    report = _report(hub_synth, [
        CheckResult("INV-RESOURCE-POLICY-DECLARED", f"{workloads} {KEY}", PROMISE, True, "proven"),
        CheckResult("INV-RESOURCE-POLICY-DECLARED", f"{orders_dev} {KEY}", PROMISE, True, "proven"),
        CheckResult("INV-RESOURCE-POLICY-DECLARED", f"{nobody} {KEY}", PROMISE, True, "proven"),
        CheckResult("INV-X", f"{workloads} role:Admin", PROMISE, False,
                    f"INV-X [{workloads}] role:Admin: not proven: arn:aws:iam::000000000000:role/baseline/Admin undecided"),
    ])
    assert (f"| INV-RESOURCE-POLICY-DECLARED | {workloads} KMS key policy arn:aws:kms:us-east-1:333300000001:key/"
            "AlertTopicKey; shown in member account 333300000001 (payments-prod), one of 3 with this StackSet template "
            f"| {PROMISE} | pass  |") in report
    assert (f"| {orders_dev} KMS key policy arn:aws:kms:us-east-1:444400000002:key/AlertTopicKey; shown in member "
            "account 444400000002 (orders-dev) |") in report
    assert (f"| {nobody} KMS key policy arn:aws:kms:us-east-1:<member account>:key/AlertTopicKey; a StackSet template "
            "no member account has today (an account added to its OUs gets it) |") in report
    assert (f"- **INV-X**: INV-X [{workloads}] role:Admin: not proven: arn:aws:iam::333300000001:role/baseline/Admin "
            "undecided; shown in member account 333300000001 (payments-prod), one of 3 with this StackSet template") in report
    assert "000000000000" not in report


def test_negative_control_a_real_accounts_rows_are_left_as_they_are(hub_synth):
    report = _report(hub_synth, [CheckResult("INV-RESOURCE-POLICY-DECLARED", "account 111111111111 KMS key policy "
                                             "arn:aws:kms:us-east-1:111111111111:key/AlertTopicKey", PROMISE, True, "proven")])
    assert "| account 111111111111 KMS key policy arn:aws:kms:us-east-1:111111111111:key/AlertTopicKey | " in report
    assert "shown in member account" not in report


def test_no_rendered_output_of_the_hub_example_check_names_the_placeholder(hub_example_synth, tmp_path):
    """Every text the hub example's check renders: each result's subject and message (what the
    console prints when it fails, passed ones included), the console's SAML route summary, the
    Markdown and HTML reports. All go
    through AccountNames, so none holds the placeholder account the model reads templates with
    (the negative control, test_readable_counterexample: the raw texts do hold it)."""
    from iam_baseline.analysis.check import load_inputs, run_checks
    from iam_baseline.analysis.outputs.mfa_reach import console_lines
    from iam_baseline.analysis.outputs.report import write_reports

    from analysis.test_mutation import materialize
    from organization_helpers import ROOT

    _, out = hub_example_synth
    copy = materialize(out, tmp_path / "out", {})  # the reports are written beside the shared assembly's links
    config, model, scopes, center, organization = load_inputs(copy, ROOT / "config" / "examples" / "hub-and-spoke.yaml")
    assert any(s.model.account == "000000000000" and len(s.member_accounts) == 1 for s in scopes)  # a split part
    run = run_checks(model, config, scopes, center, organization)
    texts = [text for r in run.results for text in (r.subject, r.message)]
    texts += [path.read_text() for path in write_reports(copy, run)]
    texts += console_lines(run)  # the console's SAML route summary
    assert len(texts) > 2000
    assert [t for t in texts if "000000000000" in t] == []


def test_every_way_in_without_mfa_into_an_admin_role_is_labelled_alike(hub_synth):
    """"Ways in without MFA" labels a role "(an administrator)" by one rule, declared by the
    config or admin-equivalent under its SCPs: the member Admin role reads the same in every
    StackSet group, whatever SCPs keep it from being admin-equivalent in some of them (it used to
    carry the label in some lines and not in others)."""
    from iam_baseline.analysis.check import CheckRun
    from iam_baseline.analysis.graph import build_graph
    from iam_baseline.analysis.outputs.mfa_reach import mfa_less_lines

    config, out, scopes = hub_synth
    graph = build_graph(scopes, config)
    admin_roles = [n for n in graph.nodes.values() if n.ref == "role:Admin" and n.scope.startswith("StackSet member")]
    assert any(n.id not in graph.admins for n in admin_roles) and all(n.declared_admin for n in admin_roles)
    lines = mfa_less_lines(CheckRun(load_account(out, account=config.account_id), [], [], 0.0, scopes=scopes,
                                    config=config, graph=graph))
    admin = [line for line in lines if line.startswith("- `role:Admin`")]
    assert admin and all(line.startswith("- `role:Admin` (an administrator) in ") for line in admin), admin
