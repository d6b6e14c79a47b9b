"""``ecrctl registry``: calls to a registry's own HTTP API."""

from __future__ import annotations

import sys

import click

from ecrctl.cli.app import App
from ecrctl.cli.common import group, pass_app


@group(
    "registry",
    epilog="\b\nExamples:\n  ecrctl registry api /v2/team/app/tags/list\n"
    "  ecrctl registry api --registry ghcr.io /v2/owner/tool/tags/list --paginate",
)
def registry() -> None:
    """Talk to a registry's HTTP API (Docker Registry v2 / OCI distribution)."""


@registry.command(
    "api",
    epilog="\b\nExamples:\n  ecrctl registry api /v2/team/app/tags/list\n"
    "  ecrctl registry api /v2/team/app/manifests/1.0 --method HEAD -i\n"
    "  ecrctl registry api --registry 127.0.0.1:5000 /v2/_catalog --paginate",
)
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
    from ecrctl.registry.call import call_api

    answer = call_api(app.aws, path, host=host, method=method, paginate=paginate)
    out = sys.stdout
    if include:
        out.write(f"HTTP {answer.status} {answer.reason}\n")
        out.writelines(f"{name}: {value}\n" for name, value in answer.headers)
        out.write("\n")
    out.flush()
    if answer.body:
        text = answer.body.decode("utf-8", "replace")
        out.write(text if text.endswith("\n") else text + "\n")
