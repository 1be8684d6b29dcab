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
