"""Offline proof of what the synthesized IAM policies allow and deny (never imports aws_cdk).

Modules: :mod:`.templates` (cloud assembly -> principals and their policies),
:mod:`.intrinsics` (CloudFormation intrinsics), :mod:`.aws_managed` (AWS managed policy
documents), :mod:`.engine` (the concrete evaluator with its
wildcards, variables and condition operators; the symbolic encoder), :mod:`.subjects` (callers and
their request context), :mod:`.matrix` (the access matrix), :mod:`.escalation` (privilege
escalation search), :mod:`.report` (who-can-do-what report) and :mod:`.check` (``make check``).
"""
