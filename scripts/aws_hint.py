#!/usr/bin/env python3
"""Run a CDK CLI command that needs AWS credentials; when it fails for want of them, say how
to provide them instead of leaving the user with the CLI's error alone.

``make diff`` and ``make deploy`` run through it: ``python scripts/aws_hint.py npx cdk diff ...``.
The command's output is passed through unchanged and its exit status is kept.
"""

from __future__ import annotations

import re
import subprocess
import sys

#: What the CDK CLI (AWS SDK for JavaScript v3) prints when no usable credentials were found
#: or they expired.
CREDENTIAL_FAILURES = re.compile(
    r"no credentials have been configured|Unable to resolve AWS account|Could not load credentials"
    r"|CredentialsProviderError|ExpiredToken|security token included in the request is (?:expired|invalid)"
    r"|Token is expired|SSO session .* (?:has )?expired|The SSO session associated with this profile",
    re.IGNORECASE,
)

HINT = """
AWS credentials are missing or expired: `{command}` reads the deployed stacks of the target
account, so it needs credentials for that account in this shell. Provide them, then run the
same make command again:
  - a named profile:                 AWS_PROFILE=<name> make ...   (profiles: ~/.aws/config)
  - IAM Identity Center (SSO):       aws configure sso --profile <name>   (once)
                                     aws sso login --profile <name>; AWS_PROFILE=<name> make ...
  - in GitHub Actions:               the OIDC diff/deploy roles (README.md, section "CI/CD")
Check which identity is active with `aws sts get-caller-identity`.
"""


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        print("usage: aws_hint.py COMMAND [ARGS...]", file=sys.stderr)
        return 2
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
    needs_credentials = False
    assert process.stdout is not None
    for line in process.stdout:
        sys.stdout.write(line)
        sys.stdout.flush()
        needs_credentials = needs_credentials or bool(CREDENTIAL_FAILURES.search(line))
    status = process.wait()
    if status != 0 and needs_credentials:
        command = " ".join(argv[:3]) if argv[0] == "npx" else " ".join(argv[:2])
        print(HINT.format(command=command), file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
