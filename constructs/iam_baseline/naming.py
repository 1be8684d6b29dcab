"""Construct ids derived from config names."""


def construct_id(name: str) -> str:
    """``example-idp`` / ``ci_deploy`` / ``alice.admin`` -> ``ExampleIdp`` / ``CiDeploy`` / ``AliceAdmin``.

    Construct ids (and so CloudFormation logical ids) stay stable for a given name.
    """
    parts = name.replace(".", "-").replace("_", "-").split("-")
    return "".join(part[:1].upper() + part[1:] for part in parts)
