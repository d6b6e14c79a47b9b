"""``ecrctl repo set``: a repository's tag mutability (with exclusion filters) and
scan on push, and the rows ``repo show`` prints for them."""

from __future__ import annotations

from typing import Any

import click

from ecrctl.cli.app import App
from ecrctl.cli.common import command, pass_app
from ecrctl.cli.examples import examples
from ecrctl.cli.options import dry_run_option, repeatable_option
from ecrctl.cli.paramtypes import REPOSITORY
from ecrctl.cli.render import Table, emit, fmt_bool, notice

MUTABILITY_CHOICES = ("MUTABLE", "IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION", "MUTABLE_WITH_EXCLUSION")


_WORDS = {"imageTagMutability": "tag mutability", "scanOnPush": "scan on push"}


def mutability_text(repository: dict[str, Any]) -> str:
    """``IMMUTABLE_WITH_EXCLUSION; mutable: latest, dev-*`` (the exclusions behave the
    other way)."""
    mutability = str(repository.get("imageTagMutability", "-"))
    filters = [
        str(f.get("filter")) for f in repository.get("imageTagMutabilityExclusionFilters") or []
    ]
    if not filters:
        return mutability
    other = "mutable" if mutability.startswith("IMMUTABLE") else "immutable"
    return f"{mutability}; {other}: {', '.join(filters)}"


def encryption_text(repository: dict[str, Any]) -> str:
    enc = repository.get("encryptionConfiguration") or {}
    return " ".join(filter(None, [enc.get("encryptionType"), enc.get("kmsKey")])) or "-"


def settings_rows(repository: dict[str, Any]) -> list[list[str]]:
    """Tag mutability (with exclusions), scan on push and encryption, as FIELD/VALUE rows."""
    scan = (repository.get("imageScanningConfiguration") or {}).get("scanOnPush")
    return [
        ["Tag mutability", mutability_text(repository)],
        ["Scan on push", fmt_bool(scan)],
        ["Encryption", encryption_text(repository)],
    ]


@command("set", epilog=examples("repo set"))
@click.argument("name", type=REPOSITORY)
@click.option(
    "--mutability",
    type=click.Choice(MUTABILITY_CHOICES, case_sensitive=False),
    help="Tag mutability. The *_WITH_EXCLUSION forms need --exclude.",
)
@repeatable_option(
    "--exclude",
    "TAG_FILTER",
    "Tags that behave the other way (repeatable, at most 5; * is a wildcard).",
    dest="exclusions",
)
@click.option(
    "--scan-on-push/--no-scan-on-push",
    default=None,
    help="Basic scan of every pushed image (a registry scanning rule takes precedence).",
)
@dry_run_option
@pass_app
def set_(
    app: App,
    name: str,
    mutability: str | None,
    exclusions: tuple[str, ...],
    scan_on_push: bool | None,
    dry_run: bool,
) -> None:
    """Change the tag mutability or scan on push of repository NAME.

    Every value is checked before ECR is called; the settings are read back
    and printed afterwards. Tags already pushed keep their images either way.
    """
    from ecrctl.distribution.refs import check_repository_name
    from ecrctl.repo.settings import apply_change, check_change

    name = check_repository_name(name)
    change = check_change(mutability, exclusions, scan_on_push)
    result = apply_change(app.ecr, name, change, registry_id=app.registry_id, dry_run=dry_run)
    what = " and ".join(_WORDS[key] for key in result.changed)
    notice(app, f"dry run: would set {what} of {name}" if dry_run else f"set {what} of {name}")
    emit(
        app,
        result.to_dict(),
        table=lambda: Table(["FIELD", "VALUE"], settings_rows(result.repository)),
    )
