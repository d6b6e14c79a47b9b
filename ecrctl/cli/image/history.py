"""``ecrctl image history REPO:TAG``: when the tag pointed at which digest, from
CloudTrail. Calls :func:`ecrctl.events.history.image_history` (the events package
sits above ``image``, so the CLI calls it directly)."""

from __future__ import annotations

from typing import Any

import click

from ecrctl.cli.app import App
from ecrctl.cli.common import command, pass_app
from ecrctl.cli.events import (
    make_source,
    make_window,
    parse_target,
    printable,
    reading,
    show_notes,
    source_options,
)
from ecrctl.cli.examples import examples
from ecrctl.cli.render import Table, emit

EXIT_CODES = """Exit codes: 0 ok (also when the window holds no change of the tag), 1 failed,
2 bad input."""


def _table(data: dict[str, Any]) -> Table:
    from ecrctl.cli.render import fmt_digest, fmt_time
    from ecrctl.events.model import event_time

    def when(text: str | None) -> str:
        return fmt_time(event_time(text)) if text else "-"

    rows = [
        [
            when(p["from"]),
            when(p["to"]),
            fmt_digest(p["imageDigest"] or "?"),
            p["how"],
            printable(p["principal"]),
            p["endedBy"] or "-",
        ]
        for p in data["history"]
    ]
    columns = ["FROM", "TO", "DIGEST", "HOW", "BY", "ENDED BY"]
    tag = f"{data['repositoryName']}:{data['imageTag']}"
    return Table(columns, rows, empty=f"no change of {tag} in this window")


@command("history", epilog=examples("image history", EXIT_CODES))
@click.argument("reference", metavar="REPO[:TAG]")
@source_options
@pass_app
def history(
    app: App,
    reference: str,
    since: str | None,
    until: str | None,
    trail: str | None,
    bucket: str | None,
    prefix: str | None,
) -> None:
    """Show when a tag pointed at which digest, from CloudTrail.

    ECR keeps no history of tags (imagePushedAt is a digest's first push; a
    retag is recorded nowhere). This reconstructs it from CloudTrail's PutImage,
    BatchDeleteImage and DeleteRepository events, newest first: from when to
    when the tag pointed at each digest, whether it got there by a push or a
    retag, who did it, and what ended it (moved, deleted). TAG defaults to latest.
    """
    from ecrctl.errors import InvalidInput
    from ecrctl.events.history import image_history
    from ecrctl.events.query import Reading

    target = parse_target(reference)
    if target.digest:
        raise InvalidInput(
            f"{reference!r} names a digest; a history follows a tag",
            hint=f"give {target.repository}:TAG, or see the digest's events: "
            f"ecrctl events {reference}",
        )
    source = make_source(trail, bucket, prefix)
    window, now = make_window(since, until)
    with reading(app) as progress:
        data = image_history(
            app.aws,
            target.repository,
            target.tag or "latest",
            Reading(window, source, now, progress),
        )
    show_notes(app, data)
    emit(app, data, table=lambda: _table(data))
