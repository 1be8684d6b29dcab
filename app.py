#!/usr/bin/env python3
"""CDK app: load the config, build the baseline, register compliance, synthesize.

``cdk synth`` uses ``config/baseline.yaml``; ``cdk synth -c config=PATH`` selects another
file. The config is validated before aws_cdk is imported, so a bad file is refused in a
fraction of a second, with every problem listed and no template written.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from iam_baseline.config import BaselineConfig, ConfigError, load_config
from iam_baseline.config.break_glass_lock import (
    BreakGlassLockError,
    check_break_glass_lock,
    lock_path_for,
    record_lock,
    write_lock,
)
from iam_baseline.config.example_values import refuse_example_values
from iam_baseline.config import files, identity_store_lock, names_lock, stackset_moves
from iam_baseline.config.hub import persona_reach
from iam_baseline.errors import BaselineError

#: The Node.js command jsii runs aws-cdk-lib in: node with --liftoff-only, which keeps V8's
#: optimizing compiler away from aws-cdk-lib's WebAssembly template validator and so ~240 MiB
#: off a synth's peak memory, with the same templates (the reasons are in the file). Set when
#: this module is imported, before :func:`build_app` imports aws_cdk (jsii reads JSII_NODE when
#: it starts its Node.js process); a JSII_NODE the user set wins. The file is a POSIX shell
#: script: on Windows (no /bin/sh) jsii runs plain node.
JSII_NODE = str(Path(__file__).resolve().parent / "scripts" / "jsii-node")
if os.name == "posix":
    os.environ.setdefault("JSII_NODE", JSII_NODE)

DEFAULT_CONFIG = files.DEFAULT_CONFIG


def config_path() -> str:
    """The ``config`` context value given to ``cdk`` (``-c config=PATH``), or the default."""
    context = json.loads(os.environ.get("CDK_CONTEXT_JSON", "{}") or "{}")
    return str(context.get("config") or DEFAULT_CONFIG)


def build_app(
    config: BaselineConfig,
    outdir: str | None = None,
    context: dict | None = None,
    *,
    acknowledge: bool = True,
    nag: bool = True,
    source: str | None = None,
    moves=None,
    reach=None,
):
    """Build the CDK app for ``config``: the stacks, the nag packs and the acknowledgments.

    ``context`` seeds the app's context; an in-process caller (the tests) passes the
    ``context`` of ``cdk.json`` so that its feature flags apply exactly as under ``cdk synth``,
    where the CLI hands them over in ``CDK_CONTEXT_JSON`` (which takes precedence).
    ``acknowledge=False`` leaves the registry out: synth then fails and its validation report
    lists every finding (the tests prove with it that no registry entry is dead).
    ``nag=False`` leaves out the nag packs and the registry (``make bench`` times the
    template writing alone with it). ``source`` is the config file: a quota error names its
    lines. ``moves`` (:class:`~iam_baseline.config.stackset_moves.MovePlan`, from the StackSets
    lock): the accounts moving between StackSets, ordered by the rollout; none by default.
    ``reach``: the hop list (:func:`~iam_baseline.config.hub.persona_reach` of ``config``) when
    the caller has it (:func:`main` computes it once per synth); computed once otherwise.

    Raises:
        QuotaError: what the stacks would deploy exceeds an IAM, IAM Identity Center or EventBridge quota
            (:mod:`iam_baseline.quotas`), each violation at its config key.
    """
    from aws_cdk import App

    from iam_baseline.compliance import REGISTRY, apply_acknowledgments, persona_acknowledgments, register_nag_packs
    from iam_baseline.config.provenance import record, where
    from iam_baseline.quotas import check_quotas
    from stacks.account_baseline import AccountBaselineStack
    from stacks.global_events import GlobalEventsStack, needs_global_events_stack
    from stacks.identity_center import IdentityCenterStack

    # Construct stack traces cost synth time and add nothing to a template review.
    app = App(outdir=outdir, context=context, stack_traces=False)
    baseline = AccountBaselineStack(app, "AccountBaseline", config=config)
    identity_center = None
    if config.federation and config.federation.identity_center:
        identity_center = record(
            IdentityCenterStack(app, "IdentityCenter", config=config, assignments_in_shards=config.organization is not None),
            "federation.identity_center",
        )
    if needs_global_events_stack(config):
        # Forwards exactly the baseline's alert rules (one twin each).
        record(
            GlobalEventsStack(app, "GlobalEvents", config=config, rules=baseline.detection.rules, account=config.account_id),
            "detection",
        )
    if config.organization:
        from stacks.organization import add_organization_stacks

        from iam_baseline.config.stackset_moves import MovePlan

        add_organization_stacks(app, config, identity_center=identity_center, moves=moves or MovePlan(), reach=reach)
        for child in app.node.children:  # the rollout's stacks and stages: findings report organization
            if child.node.id in ("IdentityAccount", "IdentityAccount-GlobalEvents"):
                record(child, "organization.identity_account")
            elif child.node.id not in ("AccountBaseline", "IdentityCenter", "GlobalEvents"):
                record(child, "organization")
    from stacks.access_analyzers import add_access_analyzer_stacks

    for stack in add_access_analyzer_stacks(app, config):  # other regions, the delegated administrator
        record(stack, "detection.access_analyzer")
    # IAM refuses a quota breach only at deployment, after other resources exist: refuse it now.
    # A policy within 10% of its size quota is a warning: the next name or statement may cross it.
    check_quotas(
        app, config.quotas, trust_policy_length=config.trust_policy_max_chars, where=lambda path: where(path, source),
        warn=lambda message: print(f"warning: {message}", file=sys.stderr),
    )
    if not nag:
        return app
    register_nag_packs(app)
    if acknowledge:
        apply_acknowledgments(
            app,
            iam_path=config.iam_path,
            workload_role_path=config.workload_role_path,
            registry=REGISTRY + persona_acknowledgments(config),
        )
    return app


def load_checked(path: str) -> tuple[BaselineConfig, str | None]:
    """Everything synth checks before a construct is built: the config loads, holds no example
    value unless it is an example (:mod:`iam_baseline.config.example_values`) and keeps the
    break-glass names of its lock.

    Returns:
        The config and the lock note (the lock is to be written after a clean synth), if any.

    Raises:
        ConfigError, ExampleValuesError (a BaselineError), BreakGlassLockError.
    """
    config = load_config(path)
    refuse_example_values(config, path)
    return config, check_break_glass_lock(config, lock_path_for(path), write_missing=False)


def built_identities(app) -> list:
    """The named IAM identities ``app`` deploys, for the names lock (imports aws_cdk)."""
    from iam_baseline.identity.named_identities import named_identities

    return named_identities(app)


def accept_renames(path: str) -> str:
    """``make accept-renames``: record the names of ``path``'s config in its three locks, the
    renames into the names lock's history (:mod:`iam_baseline.config.names_lock`), the
    break-glass names and the Identity Center users as their own commands do.

    Raises:
        ConfigError, BaselineError (a quota the config exceeds: nothing is recorded).
    """
    config = load_config(path)
    app = build_app(config, nag=False, source=path)
    done = [names_lock.accept_renames(names_lock.lock_path_for(path), built_identities(app), config.account_id)]
    done.append(record_lock(lock_path_for(path), config, path))
    if identity_store_lock.locked_users(config) is not None:
        identity_store_lock.write_lock(identity_store_lock.lock_path_for(path), config)
        done.append(f"recorded the Identity Center users of {path} in {identity_store_lock.lock_path_for(path)}")
    return "\n".join(done)


def accept_moves(path: str) -> str:
    """``make accept-moves``: record each member account at its StackSet now in the StackSets lock
    (:mod:`iam_baseline.config.stackset_moves`), once the deploy that carried the moves succeeded.

    Raises:
        ConfigError: the config does not load.
    """
    config = load_config(path)
    if config.organization is None:
        return f"{path} has no organization: no StackSets to record"
    return stackset_moves.accept_moves(config, stackset_moves.lock_path_for(path))


#: ``app.py --check-config PATH``: the config checks of :func:`main` alone (``make synth`` runs it first).
CHECK_CONFIG = "--check-config"


def main(argv: list[str] | None = None) -> int:
    """Synthesize; ``--check-config PATH`` only runs the checks made before any construct is
    built (:func:`load_checked`, the identity-store lock) on ``PATH`` and writes nothing, so
    ``make synth`` refuses a bad config with its error as the last line, before the CDK CLI
    starts (exit 2); ``--accept-renames`` instead records the names of the config in its locks
    (:func:`accept_renames`); ``--accept-moves`` records each member account's StackSet
    (:func:`accept_moves`); ``--record-break-glass-lock`` / ``--record-identity-store-lock``
    record the break-glass names / the Identity Center users only.

    The example values and the break-glass and identity-store locks are checked before any
    construct is built (see :func:`load_checked`): a config that renames the retained last way
    in (``iam_baseline.config.break_glass_lock``) or an Identity Center user
    (``iam_baseline.config.identity_store_lock``) is refused. The names lock
    (``iam_baseline.config.names_lock``) is checked on the built constructs, before a template
    is written: a renamed IAM identity is refused until accepted.
    """
    argv = sys.argv[1:] if argv is None else argv
    path = config_path()
    check_only = len(argv) == 2 and argv[0] == CHECK_CONFIG
    if check_only:
        path = argv[1]
    try:
        if argv == ["--accept-renames"]:
            print(accept_renames(path), file=sys.stderr)
            return 0
        if argv == ["--accept-moves"]:
            print(accept_moves(path), file=sys.stderr)
            return 0
        if argv == ["--record-break-glass-lock"]:
            print(record_lock(lock_path_for(path), load_config(path), path), file=sys.stderr)
            return 0
        users_lock = identity_store_lock.lock_path_for(path)
        if argv == ["--record-identity-store-lock"]:
            config = load_config(path)
            identity_store_lock.write_lock(users_lock, config)
            print(f"recorded the Identity Center users of {path} in {users_lock}", file=sys.stderr)
            return 0
        config, note = load_checked(path)
        users_note = identity_store_lock.check_identity_store_lock(config, users_lock)
        moves_path = stackset_moves.lock_path_for(path)
        # The hop list once per synth: the StackSets lock, the rollout and the identity account read it.
        reach = persona_reach(config) if config.organization is not None else None
        moves, moves_note = stackset_moves.check_stackset_lock(config, moves_path, path, reach)
    except (ConfigError, BreakGlassLockError, identity_store_lock.IdentityStoreLockError, BaselineError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if check_only:
        return 0
    names_path = names_lock.lock_path_for(path)
    try:
        app = build_app(config, source=path, moves=moves, reach=reach)
        identities = built_identities(app)
        names_note = names_lock.check_names_lock(identities, config.account_id, names_path)
    except BaselineError as error:
        # Raised while building, before synth: no template has been written.
        print(f"error: {error}", file=sys.stderr)
        return 2
    from iam_baseline.compliance.report import unacknowledged_findings
    from iam_baseline.config.provenance import with_config_key

    try:
        assembly = app.synth()
    except RuntimeError as error:
        from iam_baseline.organization.stackset import TEMPLATE_BODY_MAX_LIMIT_TEXT

        if TEMPLATE_BODY_MAX_LIMIT_TEXT in str(error):
            # Raised by the StackSet's aspect during synth, before any stack template is written.
            print(f"error: {error}", file=sys.stderr)
            return 2
        if "ValidationFailed" not in str(error):
            raise
        # CDK has printed every finding and written the validation report; no trace needed.
        # Each finding again, with the config key that produced its construct.
        findings = [with_config_key(f) for f in unacknowledged_findings(app.outdir)]
        print(f"error: {str(error).splitlines()[0]}", *findings, sep="\n  ", file=sys.stderr)
        return 1
    findings = unacknowledged_findings(assembly.directory)
    if findings:
        # The CLI ignores findings in nested stages (the StackSet member templates).
        findings = [with_config_key(f) for f in findings]
        print(f"error: {len(findings)} unacknowledged finding(s):", *findings, sep="\n  ", file=sys.stderr)
        return 1
    if note:
        # Only a config that synthesized cleanly gets its break-glass names recorded.
        write_lock(lock_path_for(path), config)
        print(f"note: {note}", file=sys.stderr)
    if users_note:
        identity_store_lock.write_lock(users_lock, config)
        print(f"note: {users_note}", file=sys.stderr)
    if names_note:
        names_lock.write_lock(names_path, identities, config.account_id)
        print(f"note: {names_note}", file=sys.stderr)
    if moves_note:
        # Moved accounts stay at their old StackSet in the lock until `make accept-moves`.
        stackset_moves.write_pending(moves_path, config, reach)
        print(f"note: {moves_note}", file=sys.stderr)
    return 0


#: Set to 1 to get the Python traceback of an unexpected failure instead of its one-line summary.
DEBUG_ENV = "IAM_BASELINE_DEBUG"


def run(argv: list[str] | None = None) -> int:
    """:func:`main` without a traceback: an unexpected failure prints one line naming the
    config and exits 2 (``IAM_BASELINE_DEBUG=1`` re-raises it, traceback included)."""
    try:
        return main(argv)
    except BaselineError as error:  # raised late (e.g. while synthesizing): still the error family
        print(f"error: {error}", file=sys.stderr)
        return 2
    except Exception as error:  # noqa: BLE001 - the one place that turns any failure into a message
        if os.environ.get(DEBUG_ENV) == "1":
            raise
        first = (str(error).strip().splitlines() or [""])[0][:300]
        argv = sys.argv[1:] if argv is None else argv
        try:
            config = argv[1] if len(argv) == 2 and argv[0] == CHECK_CONFIG else config_path()
        except Exception:  # noqa: BLE001 - CDK_CONTEXT_JSON itself is unreadable
            config = "(unreadable CDK_CONTEXT_JSON)"
        print(
            f"error: unexpected failure with config {config}: {type(error).__name__}: {first} "
            f"(set {DEBUG_ENV}=1 for the traceback)",
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":
    sys.exit(run())
