def test_default_baseline_synthesizes(baseline_template):
    types = {r["Type"] for r in baseline_template["Resources"].values()}
    assert {"AWS::IAM::Role", "AWS::IAM::Group", "AWS::IAM::ManagedPolicy", "AWS::IAM::User"} <= types
