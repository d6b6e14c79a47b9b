"""``ecrctl registry``: the registry itself (``show``, ``show --public`` with ECR
Public's aliases), calls to a registry's own HTTP API (``api``), and its settings
(``replication``, ``policy``: loaded from their own modules)."""

from __future__ import annotations

import sys
from typing import Any

import click

from ecrctl.cli.app import App
from ecrctl.cli.common import group, pass_app
from ecrctl.cli.examples import examples
from ecrctl.cli.public import public_option
from ecrctl.cli.render import Table, emit, fmt_bool
from ecrctl.redact import printable

COMMANDS = {
    "replication": "ecrctl.cli.registry_replication:replication",
    "policy": "ecrctl.cli.registry_policy:registry_policy",
    "scanning": "ecrctl.cli.registry_scanning:scanning",
}
"""The settings groups of ``ecrctl registry``, each loaded when it is run."""


@group("registry", lazy=COMMANDS, epilog=examples("registry"))
def registry() -> None:
    """Show your registry and change its replication rules, registry policy and scanning, or
    talk to a registry's HTTP API (Docker Registry v2 / OCI)."""


def _alias_rows(found: list[dict[str, Any]]) -> list[list[str]]:
    return [
        [
            r["registryId"],
            str(a.get("name")),
            str(a.get("status", "-")),
            fmt_bool(a.get("primaryRegistryAlias")),
            fmt_bool(a.get("defaultRegistryAlias")),
            f"public.ecr.aws/{a.get('name')}",
        ]
        for r in found
        for a in r.get("aliases") or []
    ]


@registry.command("show", epilog=examples("registry show"))
@public_option
@pass_app
def show(app: App, public: bool) -> None:
    """Show your registry: its id, host and replication rules (DescribeRegistry).

    With --public, your ECR Public registry and its aliases (DescribeRegistries):
    the primary alias is the one in every repository URI.
    """
    if public:
        from ecrctl.public.registry import show_registries
        from ecrctl.public.repository import public_client

        found = show_registries(public_client(app.aws))
        columns = ["REGISTRY ID", "ALIAS", "STATUS", "PRIMARY", "DEFAULT", "URI PREFIX"]
        emit(app, found, table=lambda: Table(columns, _alias_rows(found), empty="no aliases"))
        return
    from ecrctl.registry.show import show_registry

    info = show_registry(app.registries)
    rules = info["replicationConfiguration"].get("rules") or []
    rows = [
        ["Registry ID", info["registryId"]],
        ["Region", info["region"]],
        ["Registry host", info["registryUri"]],
        ["Replication rules", str(len(rules))],
    ]
    emit(app, info, table=lambda: Table(["FIELD", "VALUE"], rows))


@registry.command("api", epilog=examples("registry api"))
@click.argument("path")
@click.option(
    "--registry", "host", metavar="HOST", help="Registry host (default: the caller's ECR)."
)
@click.option(
    "--method",
    type=click.Choice(["GET", "HEAD", "DELETE"], case_sensitive=False),
    default="GET",
    show_default=True,
    help="HTTP method.",
)
@click.option("--paginate", is_flag=True, help="Follow Link headers and join the pages' lists.")
@click.option("-i", "--include", is_flag=True, help="Print the status line and headers first.")
@pass_app
def api(app: App, path: str, host: str | None, method: str, paginate: bool, include: bool) -> None:
    """Make an authenticated call to PATH (e.g. /v2/REPO/tags/list) and print the answer.

    The credential is ecrctl's own ECR token (or the docker config's for
    another host): no token on the command line, nothing stored. The body is
    printed as the registry returned it.
    """
    from ecrctl.registry.api import call_api

    answer = call_api(app.registries, path, host=host, method=method, paginate=paginate)
    out = sys.stdout
    shown = printable if out.isatty() else _as_is  # a terminal never gets the registry's ESC
    if include:
        out.write(shown(f"HTTP {answer.status} {answer.reason}\n", lines=True))
        out.writelines(shown(f"{name}: {value}\n", lines=True) for name, value in answer.headers)
        out.write("\n")
    out.flush()
    if answer.body:
        text = shown(answer.body.decode("utf-8", "replace"), lines=True)
        out.write(text if text.endswith("\n") else text + "\n")


def _as_is(text: str, *, lines: bool = False) -> str:
    return text
