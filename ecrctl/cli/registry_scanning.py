"""``ecrctl registry scanning``: show, set and delete the registry's scanning
configuration (:mod:`ecrctl.registry.scanning`), each with the preview of which
repository gets which scan frequency."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from ecrctl.cli.app import App
from ecrctl.cli.common import confirm, group, pass_app, read_source
from ecrctl.cli.examples import examples
from ecrctl.cli.options import dry_run_option, repeatable_option, yes_option
from ecrctl.cli.render import Table, emit, notice, print_table
from ecrctl.errors import InvalidInput

if TYPE_CHECKING:
    from ecrctl.registry.scanning import ScanningPlan
    from ecrctl.repo.scanning import ScanningConfiguration


@group("scanning", epilog=examples("registry scanning"))
def scanning() -> None:
    """The registry's scanning configuration: basic or enhanced, and which repositories
    are scanned on push or continuously (rules of WILDCARD filters)."""


def _frequency(entry: dict[str, Any], scan_type: str) -> str:
    if scan_type == "ENHANCED" and entry["scanFrequency"] == "MANUAL":
        return "NONE (not scanned)"
    return str(entry["scanFrequency"])


def _filters(entry: dict[str, Any]) -> str:
    return ", ".join(f["filter"] for f in entry["appliedScanFilters"]) or "-"


def _print_rules(app: App, config: dict[str, Any]) -> None:
    rows = [
        [rule["scanFrequency"], ", ".join(f["filter"] for f in rule["repositoryFilters"])]
        for rule in config["rules"]
    ]
    title = f"Scan type {config['scanType']}"
    if rows:
        print_table(app, Table(["FREQUENCY", "FILTERS"], rows, title=title))
    else:
        sys.stdout.write(f"{title}, no rules (every repository MANUAL)\n")


@scanning.command("show", epilog=examples("registry scanning show"))
@pass_app
def show(app: App) -> None:
    """Show the scan type, the rules, and the frequency each repository gets under them.

    The frequencies are matched here, by ECR's rule: a filter without * matches
    names that contain it, a filter with * the whole name; continuous scanning
    wins over scan on push. With enhanced scanning, a repository no rule
    matches is not scanned at all.
    """
    from ecrctl.registry.scanning import show_scanning

    data = show_scanning(app.ecr, registry_id=app.registry_id)
    if not app.out.as_table:
        emit(app, data)
        return
    config = data["scanningConfiguration"]
    _print_rules(app, config)
    rows = [
        [r["repositoryName"], _frequency(r, config["scanType"]), _filters(r)]
        for r in data["repositories"]
    ]
    columns = ["REPOSITORY", "FREQUENCY", "BY FILTER"]
    emit(app, data, table=Table(columns, rows, empty="no repositories"))


def _configuration(
    source: str | None, scan_type: str | None, on_push: tuple[str, ...], continuous: tuple[str, ...]
) -> ScanningConfiguration:
    from ecrctl.registry import scanning_input

    flags = scan_type or on_push or continuous
    if source and flags:
        raise InvalidInput(
            "give a FILE or --scan-type/--scan-on-push/--continuous, not both",
            hint="put everything in the file, or drop the FILE",
        )
    if source:
        return scanning_input.parse_configuration(read_source(source, what="file"), source)
    if not scan_type:
        raise InvalidInput(
            "nothing to set: no FILE and no --scan-type",
            hint="e.g. ecrctl registry scanning set --scan-type BASIC --scan-on-push '*'",
        )
    return scanning_input.from_flags(scan_type.upper(), on_push, continuous)


def _preview(app: App, plan: ScanningPlan) -> None:
    if not app.out.as_table:
        return
    new = plan.new.to_api()
    _print_rules(app, new)
    rows = []
    for change in plan.changes:
        data = change.to_json()
        rows.append(
            [
                change.name,
                _frequency(data["before"], plan.current.scan_type),
                _frequency(data["after"], plan.new.scan_type),
                _filters(data["after"]),
                "changes" if change.changed else "",
            ]
        )
    columns = ["REPOSITORY", "NOW", "AFTER", "BY FILTER", ""]
    table = Table(columns, rows, empty="no repositories to preview")
    if rows:
        print_table(app, table)
    notice(app, plan.summary())


def _apply(app: App, plan: ScanningPlan, *, dry_run: bool, yes: bool, what: str) -> None:
    _preview(app, plan)
    if dry_run:
        notice(app, "dry run: nothing was changed")
        if not app.out.as_table:
            emit(app, plan.to_json())
        return
    confirm(f"{what.capitalize()} ({plan.summary()})?", yes=yes, what=what)
    from ecrctl.registry.scanning import apply_scanning

    apply_scanning(app.ecr, plan)
    rules = len(plan.new.rules)
    done = f"registry scanning configuration set: {plan.new.scan_type}, {rules} rule(s)"
    emit(app, plan.to_json(), text=done)


@scanning.command("set", epilog=examples("registry scanning set"))
@click.argument("source", metavar="[FILE|-]", required=False)
@click.option(
    "--scan-type", type=click.Choice(["BASIC", "ENHANCED"], case_sensitive=False), help="Scan type."
)
@repeatable_option("--scan-on-push", "FILTER", "Scan these on push.", dest="on_push")
@repeatable_option("--continuous", "FILTER", "Scan these continuously (ENHANCED).")
@dry_run_option
@yes_option
@pass_app
def set_(
    app: App,
    source: str | None,
    scan_type: str | None,
    on_push: tuple[str, ...],
    continuous: tuple[str, ...],
    dry_run: bool,
    yes: bool,
) -> None:
    """Set the registry's scanning configuration from FILE or from flags.

    FILE is PutRegistryScanningConfiguration's JSON, {"scanType", "rules"}
    (registry scanning show -o json --query scanningConfiguration writes one).
    It is checked before any call; then the preview shows which repository gets
    which frequency now and after, and the change is made once confirmed.
    """
    config = _configuration(source, scan_type, on_push, continuous)
    from ecrctl.registry.scanning import plan_scanning

    plan = plan_scanning(app.ecr, config, registry_id=app.registry_id)
    _apply(app, plan, dry_run=dry_run, yes=yes, what="set the registry scanning configuration")


@scanning.command("delete", epilog=examples("registry scanning delete"))
@dry_run_option
@yes_option
@pass_app
def delete(app: App, dry_run: bool, yes: bool) -> None:
    """Put ECR's default back: BASIC scanning, no rules (every repository MANUAL).

    ECR has no call that deletes the configuration; this is what a registry
    nobody configured has. The preview shows what changes.
    """
    from ecrctl.registry.scanning import plan_scanning

    plan = plan_scanning(app.ecr, None, registry_id=app.registry_id)
    _apply(app, plan, dry_run=dry_run, yes=yes, what="reset the registry scanning configuration")
