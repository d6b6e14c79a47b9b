"""``ecrctl image retag``: new tags for an image, by manifest, in its repository."""

from __future__ import annotations

import click

from ecrctl.batch import outcome_error, summary
from ecrctl.cli.app import App
from ecrctl.cli.common import command, pass_app
from ecrctl.cli.examples import examples
from ecrctl.cli.options import dry_run_option
from ecrctl.cli.paramtypes import IMAGE_REF, REPOSITORY
from ecrctl.cli.public import public_option
from ecrctl.cli.render import Table, emit, fmt_digest, notice, warn
from ecrctl.distribution.reference import parse_image_ref
from ecrctl.distribution.refs import ImageRef, check_repository_name
from ecrctl.errors import InvalidInput, PartialFailure
from ecrctl.image import retag as core

_STATUS_TEXT = {
    "created": "created",
    "moved": "moved here",
    "unchanged": "unchanged (already this image)",
    "failed": "FAILED",
    "not-attempted": "not attempted",
    "unknown": "unknown (sent, answer lost)",
    "would-create": "would be created",
    "would-move": "would be moved here",
    "would-be-refused": "would be refused",
}


@command("retag", epilog=examples("image retag"))
@click.argument("repository", type=REPOSITORY)
@click.argument("source", metavar="SOURCE", type=IMAGE_REF)
@click.argument("new_tags", nargs=-1, required=True, metavar="NEW_TAG...")
@dry_run_option
@public_option
@pass_app
def retag(
    app: App,
    repository: str,
    source: str,
    new_tags: tuple[str, ...],
    dry_run: bool,
    public: bool,
) -> None:
    """Add tags to an image without pulling or pushing it.

    SOURCE is a tag or sha256 digest. The stored manifest is put back byte for
    byte under each NEW_TAG (digest-exact, any manifest type), then every new
    tag is checked to resolve to the source digest. Tags in another repository
    are refused: ECR cannot copy layers this way.
    """
    repository = check_repository_name(repository)
    ref = parse_image_ref(source)
    tags = [core.parse_new_tag(t, repository) for t in new_tags]
    if public:
        _refuse_public(repository, ref, tags[0])
    job = core.plan_retag(
        app.ecr, repository, ref, tags, registry_id=app.registry_id, dry_run=dry_run
    )
    if dry_run:
        job.preview()
    else:
        try:
            job.run()
        except BaseException:  # a put, the connection or a signal stopped the batch
            _report(app, job.result)
            raise
    error = _report(app, job.result)
    if error is not None:
        raise error


def _refuse_public(repository: str, source: ImageRef, tag: str) -> None:
    """ECR Public has no BatchGetImage or PutImage: the registry API retags there."""
    at = "@" if source.digest else ":"
    public = f"public.ecr.aws/ALIAS/{repository}"
    raise InvalidInput(
        "ECR Public has no BatchGetImage or PutImage, so it cannot retag by manifest",
        hint=f"copy the image to its new tag: ecrctl image copy {public}{at}{source} "
        f"{public}:{tag}",
    )


def _report(app: App, result: core.RetagResult) -> PartialFailure | None:
    """The table or JSON, the warnings and the summary line; the exit-1 error if any."""
    rows = [
        [
            o.tag,
            _STATUS_TEXT.get(o.shown, o.shown),
            o.failure_code or (f"was {fmt_digest(o.previous_digest)}" if o.previous_digest else ""),
        ]
        for o in result.outcomes
    ]
    emit(app, result.to_dict(), table=lambda: Table(["TAG", "STATUS", "DETAIL"], rows))
    for outcome in result.failed:
        warn(app, str(outcome.failure_reason or outcome.failure_code))
    failed = len(result.failed)
    where = f"{result.repository}@{result.digest}"
    if result.dry_run:
        notice(
            app, f"{where}: {len(result.outcomes) - failed} tag(s) would be ok, {failed} refused"
        )
        if failed:
            return PartialFailure(f"{failed} of {len(result.outcomes)} tags would be refused")
        return None
    items = result.items()
    notice(app, f"{where}: {_summary(result, items)}")
    return outcome_error(items, "tagged")


def _summary(result: core.RetagResult, items: list[core.TagOutcome]) -> str:
    """``2 of 3 tagged, 1 unchanged (already this image)``: a tag already on the
    image is done, and not counted as tagged."""
    from ecrctl.batch import DONE, count

    text = summary(items, "tagged")
    unchanged = sum(1 for o in result.outcomes if o.shown == core.UNCHANGED)
    if not unchanged:
        return text
    done = count(items, DONE)
    head, _, rest = text.partition(" tagged")
    head = head.replace(f"{done} of", f"{done - unchanged} of", 1)
    return f"{head} tagged, {unchanged} unchanged (already this image){rest}"
