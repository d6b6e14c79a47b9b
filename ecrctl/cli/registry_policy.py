"""``ecrctl registry policy``: the registry policy that lets other accounts replicate
into this registry or import through its pull-through cache: show, set (from a
file or from flags), validate and delete."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ecrctl.cli.app import App
from ecrctl.cli.common import confirm, group, pass_app, read_source
from ecrctl.cli.examples import examples
from ecrctl.cli.options import (
    dry_run_option,
    file_argument,
    optional_file_argument,
    options_as_one,
    read_file_or_flags,
    repeatable_option,
    yes_option,
)
from ecrctl.cli.render import emit, notice, report_validation, to_json, warn

if TYPE_CHECKING:
    from ecrctl.policy.registry import RegistryPolicy
    from ecrctl.policy.registry_checks import Expected


def _expected(replication_from: tuple[str, ...], pull_through_for: tuple[str, ...]) -> Expected:
    from ecrctl.policy.registry_checks import Expected

    return Expected(replication_from, pull_through_for)


expected_options = options_as_one(
    "expected",
    _expected,
    repeatable_option(
        "--replication-from",
        "ACCOUNT",
        "Must be allowed ecr:ReplicateImage and ecr:CreateRepository (repeatable).",
        dest="replication_from",
    ),
    repeatable_option(
        "--pull-through-for",
        "ACCOUNT|ARN",
        "Must be allowed ecr:BatchImportUpstreamImage and ecr:CreateRepository (repeatable).",
        dest="pull_through_for",
    ),
)
"""``--replication-from`` and ``--pull-through-for``: who the policy must let in,
passed to the command as one ``expected``."""


@group("policy", epilog=examples("registry policy"))
def registry_policy() -> None:
    """The registry policy: which other accounts may replicate into this registry
    (ecr:ReplicateImage) or import through its pull-through cache
    (ecr:BatchImportUpstreamImage), and create repositories for it."""


def report(app: App, result: RegistryPolicy, text: str | None = None) -> None:
    for finding in result.findings:
        warn(app, str(finding))
    emit(app, result.to_dict(), text=text if text is not None else lambda: to_json(result.policy))


@registry_policy.command("show", epilog=examples("registry policy show"))
@expected_options
@pass_app
def show(app: App, expected: Expected) -> None:
    """Print the registry policy, with what its lint finds on stderr.

    With --replication-from / --pull-through-for, also name the actions the
    policy does not grant them.
    """
    from ecrctl.policy.registry import check_expected, show_registry_policy

    report(app, show_registry_policy(app.aws, check_expected(expected)))


@registry_policy.command("set", epilog=examples("registry policy set"))
@optional_file_argument
@expected_options
@click.option(
    "--replace",
    is_flag=True,
    help="With flags: drop the policy's other statements (default: keep them).",
)
@dry_run_option
@pass_app
def set_(
    app: App,
    source: str | None,
    expected: Expected,
    replace: bool,
    dry_run: bool,
) -> None:
    """Lint a registry policy and set it: FILE (or - for stdin), or statements
    built from --replication-from and --pull-through-for.

    Built statements are merged into the policy there is (a statement with the
    same Sid is replaced). With FILE, the flags say who it must let in: an
    action they need and the policy lacks is named. Nothing is written while
    the lint finds an error.
    """
    from ecrctl.policy.registry import set_registry_policy

    text = read_file_or_flags(
        source,
        replace,
        what="policy file",
        refusal="--replace goes with --replication-from/--pull-through-for, not with FILE",
        hint="FILE replaces the whole policy anyway",
    )
    result = set_registry_policy(
        app.aws,
        text=text,
        source=source,
        expected=expected,
        replace=replace,
        dry_run=dry_run,
    )
    if dry_run:
        notice(app, "dry run: nothing was changed; the policy would be:")
    elif not result.changed:
        notice(app, "registry policy unchanged")
    else:
        notice(app, f"registry policy set ({result.registry_id})")
    report(app, result)


@registry_policy.command("validate", epilog=examples("registry policy validate"))
@file_argument
@expected_options
@pass_app
def validate(app: App, source: str, expected: Expected) -> int:
    """Lint a registry policy locally (no AWS call).

    Exit 0 when valid (warnings on stderr), 2 when invalid.
    """
    from ecrctl.policy.registry import validate_registry_policy
    from ecrctl.policy.registry_checks import Registry

    registry = Registry(app.registry_id, app.settings.region)
    found = validate_registry_policy(
        read_source(source, what="policy file"),
        registry,
        expected,
    )
    return report_validation(app, found, source, count_warnings=False)


@registry_policy.command("delete", epilog=examples("registry policy delete"))
@yes_option
@pass_app
def delete(app: App, yes: bool) -> None:
    """Delete the registry policy: other accounts can no longer replicate into
    this registry or import through its pull-through cache."""
    from ecrctl.policy.registry import delete_registry_policy

    confirm("Delete the registry policy?", yes=yes, what="delete the registry policy")
    result = delete_registry_policy(app.aws)
    emit(app, result.to_dict(), text="registry policy deleted")
