"""``ecrctl registry replication``: show, set (from a file or from flags) and delete
the registry's replication rules, with what they do to today's repositories."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import click

from ecrctl.cli.app import App
from ecrctl.cli.common import confirm, group, pass_app
from ecrctl.cli.examples import examples
from ecrctl.cli.options import (
    dry_run_option,
    optional_file_argument,
    options_as_one,
    read_file_or_flags,
    repeatable_option,
    yes_option,
)
from ecrctl.cli.render import Table, emit, notice, print_table

if TYPE_CHECKING:
    from ecrctl.registry.replication import Replication


@group("replication", epilog=examples("registry replication"))
def replication() -> None:
    """The registry's replication rules: which repositories ECR copies new images of,
    to which regions and accounts."""


def _destination(d: dict[str, Any], own: str) -> str:
    return d["region"] if d["registryId"] == own else f"{d['region']}:{d['registryId']}"


def rules_table(result: Replication) -> Table:
    rows = []
    for number, rule in enumerate(result.rules, 1):
        filters = [f["filter"] for f in rule.get("repositoryFilters") or []]
        rows.append(
            [
                str(number),
                ", ".join(_destination(d, result.registry_id) for d in rule["destinations"]),
                ", ".join(f"{f}*" for f in filters) or "(every repository)",
            ]
        )
    return Table(["RULE", "DESTINATIONS", "REPOSITORIES"], rows, empty="no replication rules")


def repositories_table(result: Replication) -> Table:
    rows = [
        [
            r["repositoryName"],
            ", ".join(_destination(d, result.registry_id) for d in r["destinations"]) or "-",
            ", ".join(str(n) for n in r["rules"]) or "-",
        ]
        for r in result.repositories
    ]
    return Table(["REPOSITORY", "REPLICATES TO", "RULES"], rows, empty="no repositories yet")


def report(app: App, result: Replication) -> None:
    """The rules, then today's repositories (tables), the notes on stderr; or the JSON."""
    for line in result.notes:
        notice(app, f"note: {line}")
    if app.out.as_table:
        rules = rules_table(result)
        if rules.rows:
            print_table(app, rules)
            if result.repositories:
                print_table(app, repositories_table(result))
            return
        notice(app, str(rules.empty))
        return
    emit(app, result.to_dict())


@replication.command("show", epilog=examples("registry replication show"))
@pass_app
def show(app: App) -> None:
    """Show the replication rules and, per repository, where its new images go."""
    from ecrctl.registry.replication import show_replication

    report(app, show_replication(app.aws))


@dataclass(frozen=True)
class RuleFlags:
    """``--to``, ``--prefix`` and ``--append``: one rule built from flags."""

    targets: tuple[str, ...]
    prefixes: tuple[str, ...]
    append: bool


rule_options = options_as_one(
    "rule",
    RuleFlags,
    repeatable_option(
        "--to",
        "REGION[:ACCOUNT]",
        "A destination of the rule (repeatable, at most 25; ACCOUNT: default yours).",
        dest="targets",
    ),
    repeatable_option(
        "--prefix",
        "PREFIX",
        "Only repositories whose name starts with PREFIX (repeatable; default: all).",
        dest="prefixes",
    ),
    click.option("--append", is_flag=True, help="Add the rule to the existing rules."),
)
"""The flags of one rule, passed to the command as one ``rule``."""


@replication.command("set", epilog=examples("registry replication set"))
@optional_file_argument
@rule_options
@dry_run_option
@pass_app
def set_(app: App, source: str | None, rule: RuleFlags, dry_run: bool) -> None:
    """Replace the replication rules with FILE's (the API's JSON) or with one rule
    from --to and --prefix (--append: add it to the rules there are).

    Checked before ECR is called: at most 10 rules, 25 destinations each,
    known regions, 12-digit accounts, PREFIX_MATCH filters. Only images pushed
    afterwards replicate.
    """
    from ecrctl.errors import InvalidInput
    from ecrctl.registry.replication import set_replication

    text = read_file_or_flags(
        source,
        bool(rule.targets or rule.prefixes),
        what="replication file",
        refusal="give FILE or --to/--prefix, not both",
        hint="drop one of them",
    )
    if source is None and not rule.targets:
        raise InvalidInput(
            "nothing to set: give FILE (or -) or --to REGION[:ACCOUNT]",
            hint="e.g. ecrctl registry replication set --to eu-west-1",
        )
    result = set_replication(
        app.aws,
        text=text,
        source=source or "-",
        targets=rule.targets,
        prefixes=rule.prefixes,
        append=rule.append,
        dry_run=dry_run,
    )
    _say_done(app, result, "set")
    report(app, result)


def _say_done(app: App, result: Replication, verb: str) -> None:
    if result.dry_run:
        notice(app, f"dry run: replication rules would be {verb}; nothing was changed")
    elif not result.changed:
        notice(app, "replication rules unchanged")
    else:
        notice(app, f"replication rules {verb} ({len(result.rules)} rule(s))")


@replication.command("delete", epilog=examples("registry replication delete"))
@yes_option
@dry_run_option
@pass_app
def delete(app: App, yes: bool, dry_run: bool) -> None:
    """Remove every replication rule: new images stay in this region. Images
    already replicated stay in their destinations."""
    from ecrctl.registry.replication import delete_replication

    if not dry_run:
        confirm("Remove every replication rule?", yes=yes, what="remove the replication rules")
    result = delete_replication(app.aws, dry_run=dry_run)
    _say_done(app, result, "deleted")
    report(app, result)
