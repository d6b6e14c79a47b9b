"""``ecrctl policy lifecycle check``, and ``put --guard``: will a lifecycle policy
expire or archive anything in use? The images at risk, who uses them, and the
smallest change that keeps them (:mod:`ecrctl.lifecycle.guard`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from ecrctl.cli import usage_view
from ecrctl.cli.app import App
from ecrctl.cli.common import EcrctlCommand, pass_app, read_source
from ecrctl.cli.examples import examples
from ecrctl.cli.paramtypes import REPOSITORY
from ecrctl.cli.render import Table, emit, fmt_digest, notice, to_json
from ecrctl.cli.usage_view import UsageRequest, usage_options
from ecrctl.distribution.refs import check_repository_name
from ecrctl.errors import EcrctlError

if TYPE_CHECKING:
    from ecrctl.image.graph import Graph
    from ecrctl.lifecycle.guard import Check


@click.command("check", cls=EcrctlCommand, epilog=examples("policy lifecycle check"))
@click.argument("repository", type=REPOSITORY)
@click.argument("source", metavar="[FILE|-]", required=False)
@usage_options
@pass_app
def check(app: App, repository: str, source: str | None, usage_scan: UsageRequest) -> None:
    """Exit 1 when a lifecycle policy would expire or archive an image in use.

    Previews FILE (default: the repository's own policy) against REPOSITORY's
    images now, scans who uses them, and lists each image the policy would act
    on that is in use or of unknown use, with a policy that keeps them.
    """
    from ecrctl.lifecycle import store, validate
    from ecrctl.lifecycle.preview import load_repository

    name = check_repository_name(repository)
    if source is not None:
        text = read_source(source, what="policy file")
        where = "from stdin" if source == "-" else f"in {source}"
        document = validate.parse(text, name=f"lifecycle policy {where}", source=source)
    else:
        response = store.get_lifecycle_policy(app.ecr, name, registry_id=app.registry_id)
        document = validate.parse(
            str(response["lifecyclePolicyText"]), name=f"lifecycle policy of {name}"
        )
    images, graph = load_repository(app.ecr, name, registry_id=app.registry_id)
    result = run_check(app, name, document, images, usage_scan, graph=graph)
    if not result.safe:
        raise refusal(result, "the policy would expire or archive")
    notice(app, safe_text(result))


def run_check(
    app: App,
    name: str,
    document: dict[str, Any],
    images: list[Any],
    request: UsageRequest,
    *,
    graph: Graph | None = None,
    quiet_when_safe: bool = False,
) -> Check:
    """The usage scan, the preview joined with it, and the report of what is at risk
    (none when safe and ``quiet_when_safe``: ``put`` prints its own answer then)."""
    import time

    from ecrctl.lifecycle.guard import check_policy

    usage = usage_view.scan(app, name, request)
    result = check_policy(name, document, images, time.time(), usage, graph)
    if result.safe and quiet_when_safe:
        return result
    emit(app, result.to_json(), table=lambda: _table(result))
    if result.at_risk and app.out.output != "json" and not app.out.query:
        _suggest(app, result)
    return result


def _table(result: Check) -> Table:
    rows = []
    for fate in result.at_risk:
        image = fate.image
        rows.append(
            [
                ", ".join(image.tags) or "<untagged>",
                fmt_digest(image.digest),
                fate.action,
                str(fate.rule.priority) if fate.rule else "-",
                result.usage.users_text(image.digest),
            ]
        )
    columns = ["TAGS", "DIGEST", "FATE", "RULE", "IN USE"]
    return Table(columns, rows, empty="no image the policy affects is in use")


def _suggest(app: App, result: Check) -> None:
    for digest, tag in result.retag:
        notice(app, f"tag it first: ecrctl image retag {result.repository} {digest} {tag}")
    if result.suggestion is not None:
        added = len(result.suggestion["rules"]) - len(result.preview.rules)
        notice(
            app,
            f"the smallest change that keeps them: {added} rule(s) ahead of the policy's own; "
            "the policy with them follows",
        )
        click.echo(to_json(result.suggestion))
    for fate in result.left:
        notice(
            app, f"no rule can keep {fate.image.short_digest}: {fate.reason(result.preview.now)}"
        )


def safe_text(result: Check) -> str:
    affected = len(result.preview.affected())
    return f"{result.repository}: none of the {affected} image(s) the policy affects is in use"


def refusal(result: Check, what: str) -> EcrctlError:
    counts = result.counts()
    return EcrctlError(
        f"{what} {counts['in use']} image(s) in use and {counts['unknown']} of unknown use "
        f"in {result.repository}",
        hint="they are listed above, with a policy that keeps them",
    )
