"""The suite refuses deprecated aws-cdk-lib APIs (tests/conftest.py sets JSII_DEPRECATED=fail):
a deprecated call raises in every synth of the suite instead of printing a warning under
`cdk synth` (stacks/organization.py once called Stack#addDependency)."""

from __future__ import annotations


def test_a_deprecated_cdk_call_raises_in_the_suite():
    import aws_cdk as cdk
    import pytest

    app = cdk.App()
    first, second = cdk.Stack(app, "First"), cdk.Stack(app, "Second")
    with pytest.raises(RuntimeError, match="DeprecationError: aws-cdk-lib.Stack#addDependency is deprecated"):
        second.add_dependency(first)
    second.add_stack_dependency(first, "the current API")  # what the app uses
    assert [d.node.id for d in second.dependencies] == ["First"]
