"""Customer managed policies of the config (``policies:``) and AWS managed policy references.

A policy of ``policies:`` is created by the account baseline at the baseline's IAM path, so
personas, their SAML roles and their permission sets (which reference it by name and path in
every assigned account) carry the same document. It comes from a JSON file in the config's
folder or from statements written in the YAML, and is checked as an identity-based policy
when the config is loaded (:mod:`.policy_document`), with the file and statement in errors.

An AWS managed policy is named as AWS names it (``SecurityAudit``, ``job-function/Billing``)
or by ARN and checked against the pinned copy of AWS managed policies the analysis reads
(:mod:`iam_baseline.analysis.model.aws_managed`); an unknown name names the nearest ones.

Sources: IAM User Guide, "AWS managed policies for job functions", "Managed policies and
inline policies", "IAM JSON policy element reference".
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from difflib import get_close_matches
from typing import Annotated, Any

from pydantic import AfterValidator, Field, PrivateAttr, StringConstraints, field_validator, model_validator

from .files import ConfigFileError, FileKind, read_referenced
from .strict import StrictModel
from .policy_document import check_identity_policy
from .targeting import Targets
from .types import ItemError, printable_text


#: A customer managed policy name. Source: IAM API Reference, ``CreatePolicy`` ``PolicyName``
#: (1-128 characters of ``[A-Za-z0-9+=,.@_-]``).
PolicyName = Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9+=,.@_-]+$")]

#: Names of the customer managed policies the baseline itself creates at its IAM path; a
#: policy of ``policies:`` may not take one (IAM policy names are unique in an account).
RESERVED_POLICY_NAMES: tuple[str, ...] = ("ForceMFA", "DeveloperBoundary", "DeveloperGuardrails", "DeveloperProtection")

# --------------------------------------------------------------------------- AWS managed policies
def _pinned_paths() -> dict[str, str] | None:
    """AWS managed policy name -> path in the pinned copy, or None when the copy is not
    installed (the runtime requirements alone): names are then checked for syntax only."""
    try:
        from ..analysis.model.aws_managed import UnknownManagedPolicy, known_policy_paths
    except ImportError:
        return None
    try:
        return known_policy_paths()
    except UnknownManagedPolicy:
        return None


def _aws_managed_policy(value: str) -> str:
    """``value`` (a name, a name with its path, or an ARN) as ``path/Name`` without the leading
    ``/`` (``job-function/Billing``, ``SecurityAudit``): the form the constructs take."""
    name_with_path = value
    if value.startswith("arn:"):
        parts = value.split(":", 5)
        if len(parts) != 6 or parts[2] != "iam" or parts[4] != "aws" or not parts[5].startswith("policy/"):
            raise ValueError(f"{value!r} is not an AWS managed policy ARN (arn:aws:iam::aws:policy/[path/]Name)")
        name_with_path = parts[5].removeprefix("policy/")
    name = name_with_path.rsplit("/", 1)[-1]
    paths = _pinned_paths()
    if paths is None:
        return name_with_path
    if name not in paths:
        close = get_close_matches(name, list(paths), n=3, cutoff=0.6)
        hint = f"; nearest: {', '.join(close)}" if close else ""
        raise ValueError(f"unknown AWS managed policy {name!r}: not in the pinned copy of AWS managed policies{hint}")
    expected = f"{paths[name].strip('/')}/{name}".lstrip("/")
    if "/" in name_with_path and name_with_path != expected:
        raise ValueError(f"AWS managed policy {name} is at path {paths[name]}: write {expected!r}")
    return expected


#: An AWS managed policy by name (``SecurityAudit``, ``job-function/Billing``; a job-function
#: name alone, ``Billing``, is completed with its path) or ARN; stored as ``[path/]Name``.
AwsManagedPolicyRef = Annotated[
    str, StringConstraints(min_length=1, max_length=2048, pattern=r"^[\x21-\x7e]+$"), AfterValidator(_aws_managed_policy)
]


def aws_managed_allows_everything(name_with_path: str) -> bool:
    """Whether the AWS managed policy ``name_with_path`` allows ``*`` on ``*`` (False when
    the pinned copy is not installed: the proof still checks admin equivalence)."""
    try:
        from ..analysis.model.aws_managed import UnknownManagedPolicy, aws_managed_document
    except ImportError:
        return False
    try:
        document = aws_managed_document(f"arn:aws:iam::aws:policy/{name_with_path}")
    except UnknownManagedPolicy:
        return False
    statements = document.get("Statement", [])
    for statement in statements if isinstance(statements, list) else [statements]:
        actions = statement.get("Action", [])
        resources = statement.get("Resource", [])
        actions = [actions] if isinstance(actions, str) else actions
        resources = [resources] if isinstance(resources, str) else resources
        if statement.get("Effect") == "Allow" and "*" in actions and "*" in resources:
            return True
    return False


def refuse_admin_equivalent_aws_managed(names: Sequence[str], refusal: str) -> None:
    """Refuse an AWS managed policy of ``names`` that allows ``*`` on ``*``.

    Raises:
        ItemError: at ``aws_managed_policies[index]``: ``<name> allows '*' on '*' (admin-equivalent), <refusal>``.
    """
    for index, name in enumerate(names):
        if aws_managed_allows_everything(name):
            raise ItemError(("aws_managed_policies", index), f"{name} allows '*' on '*' (admin-equivalent), {refusal}")


def check_customer_policy_references(
    names: Sequence[str], policies: "Mapping[str, CustomerPolicyConfig]", where: tuple[str | int, ...], refusal: str | None
) -> None:
    """Every name of ``names`` (a ``customer_managed_policies`` list at ``where``) is declared
    under ``policies:``; with ``refusal``, none of them allows ``*`` on ``*``.

    Raises:
        ItemError: at ``where + ("customer_managed_policies", index)``: an unknown name (with the
            declared names), or ``policy <name> allows '*' on '*' (admin-equivalent), <refusal>``.
    """
    for index, name in enumerate(names):
        spot = (*where, "customer_managed_policies", index)
        if name not in policies:
            raise ItemError(spot, f"unknown policy {name!r}; declared under policies: {sorted(policies)}")
        if refusal is not None and policies[name].allows_everything:
            raise ItemError(spot, f"policy {name} allows '*' on '*' (admin-equivalent), {refusal}")


# --------------------------------------------------------------------------- customer managed policies
def _shown(where: tuple[str | int, ...]) -> str:
    text = ""
    for part in where:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def check_customer_policy(document: Any) -> None:
    """:func:`~.policy_document.check_identity_policy`, and no Allow with ``NotAction``: it
    allows every other action of every service, present and future (and cdk-nag's
    AwsSolutions-IAM5 cannot read it); list the actions instead.

    Raises:
        ItemError: at the element that is wrong (``Statement``, index, element).
    """
    check_identity_policy(document)
    statements = document["Statement"]
    listed = isinstance(statements, list)
    for index, statement in enumerate(statements if listed else [statements]):
        if statement.get("Effect") == "Allow" and "NotAction" in statement:
            where = ("Statement", index, "NotAction") if listed else ("Statement", "NotAction")
            raise ItemError(
                where,
                "an Allow with NotAction allows every other action of every service, present and future: "
                "list the actions the persona needs (Action)",
            )


class CustomerPolicyConfig(StrictModel):
    """A customer managed policy the baseline creates at its IAM path, for personas to carry.

    Give exactly one of ``file`` (a JSON policy document in the config's folder or below) or
    ``statements`` (the ``Statement`` list written in YAML, in IAM's JSON grammar: ``Effect``,
    ``Action``/``NotAction``, ``Resource``/``NotResource``, ``Condition``). Either is checked as
    an identity-based policy when the config is loaded: unknown elements, operators, global
    condition keys and (with the action catalog) actions are refused with the file path and
    the statement index. The policy size quota (6,144 characters) is checked at synth.
    ``targets`` limits where it is created (:mod:`.policy_targets`).
    """

    description: printable_text(1000, latin1=True) = Field(  # type: ignore[valid-type]
        "", description="Policy description (at most 1000 printable characters)."
    )
    file: str | None = Field(
        None, min_length=1, description="JSON policy document, relative to the config file's folder and inside it."
    )
    statements: tuple[dict[str, Any], ...] | None = Field(
        None, min_length=1, description="Statements in IAM's JSON grammar (Effect, Action, Resource, Condition)."
    )
    targets: Targets | None = Field(
        None,
        description="Member accounts where the policy is created (organization only; not the config's own account); "
        "null: every account the baseline deploys to.",
    )
    _document: dict[str, Any] | None = PrivateAttr(None)

    @field_validator("file")
    @classmethod
    def _file_is_a_policy(cls, name: str | None) -> str | None:
        # Resolved once, while the loader confines names to the config's folder; the model
        # keeps the absolute path (a variant re-validated later resolves it the same way).
        if name is None:
            return None
        try:
            path, text = read_referenced(name, FileKind.POLICY_DOCUMENT)
        except ConfigFileError as exc:
            raise ValueError(f"{exc.reason} (resolved: {exc.path})") from None
        try:
            document = json.loads(text)
        except ValueError as exc:
            raise ValueError(f"{path}: not JSON ({exc})") from None
        try:
            check_customer_policy(document)
        except ItemError as exc:
            where = f" at {_shown(exc.where)}" if exc.where else ""
            raise ValueError(f"{path}{where}: {exc}") from None
        return str(path)

    @field_validator("statements")
    @classmethod
    def _statements_are_a_policy(cls, statements: tuple[dict[str, Any], ...] | None) -> tuple[dict[str, Any], ...] | None:
        if statements is None:
            return None
        try:
            check_customer_policy({"Version": "2012-10-17", "Statement": list(statements)})
        except ItemError as exc:
            raise ItemError(exc.where[1:], f"statement {exc.where[1] if len(exc.where) > 1 else 0}: {exc}") from None
        return statements

    @model_validator(mode="after")
    def _one_source(self) -> "CustomerPolicyConfig":
        if (self.file is None) == (self.statements is None):
            raise ValueError("give exactly one of file (a JSON policy document) or statements")
        if self.file is not None:
            self._document = json.loads(read_referenced(self.file, FileKind.POLICY_DOCUMENT)[1])
        return self

    @property
    def document(self) -> dict[str, Any]:
        """The policy document (``Version`` and ``Statement``)."""
        if self._document is not None:
            return self._document
        return {"Version": "2012-10-17", "Statement": [dict(s) for s in self.statements or ()]}

    @property
    def allows_everything(self) -> bool:
        """Whether the document allows ``*`` on ``*`` (admin-equivalent on its own)."""
        return check_identity_policy(self.document)


