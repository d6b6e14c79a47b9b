"""``ecrctl image delete``: tags or images, planned first, then deleted in batches."""

from __future__ import annotations

import click

from ecrctl.batch import outcome_error
from ecrctl.cli import public as public_cli
from ecrctl.cli import usage_view
from ecrctl.cli.app import App
from ecrctl.cli.common import command, confirm, pass_app
from ecrctl.cli.examples import examples
from ecrctl.cli.options import dry_run_option, yes_option
from ecrctl.cli.paramtypes import IMAGE_REF, REPOSITORY
from ecrctl.cli.public import public_option
from ecrctl.cli.render import Table, emit, fmt_digest, notice, warn
from ecrctl.cli.usage_view import UsageRequest, usage_options
from ecrctl.distribution.reference import parse_image_ref
from ecrctl.distribution.refs import check_repository_name
from ecrctl.image import delete as core


def _delete_rows(plan: core.DeletePlan, dry_run: bool) -> list[list[str]]:
    rows = []
    for item in plan.items:
        what = item.image_id.get("imageTag") or fmt_digest(item.digest)
        if item.action == core.IMAGE_DELETED:
            lost = ", ".join(item.tags_lost) or "untagged"
            action = f"image deleted (tags: {lost})"
            if item.goes_with:
                action = f"image deleted with {fmt_digest(item.goes_with)} (tags: {lost})"
        else:
            action = "tag removed (image kept: other tags remain)"
        status = "planned" if dry_run else item.status
        if item.failure_code and not dry_run:
            status = f"{item.status}: {item.failure_code}"
        rows.append([what, fmt_digest(item.digest), action, status])
    return rows


@command("delete", epilog=examples("image delete"))
@click.argument("repository", type=REPOSITORY)
@click.argument("refs", nargs=-1, metavar="[TAG|DIGEST]...", type=IMAGE_REF)
@click.option("--untagged", is_flag=True, help="Also delete every untagged image.")
@click.option("--force", is_flag=True, help="Delete even what ECS or Lambda uses (no usage scan).")
@usage_options
@dry_run_option
@yes_option
@public_option
@pass_app
def delete(
    app: App,
    repository: str,
    refs: tuple[str, ...],
    untagged: bool,
    force: bool,
    usage_scan: UsageRequest,
    dry_run: bool,
    yes: bool,
    public: bool,
) -> None:
    """Delete tags or images.

    A TAG removes that tag; when it is the image's last tag the image goes
    too (each line says which happened). A DIGEST deletes the image with all
    its tags, after a confirmation listing them. Ids are sent 100 per call.
    An image's referrers (signatures, SBOMs, attestations) and an index's
    untagged children that no other index references go with it, in calls ECR
    accepts. An image or tag in use (or anything while usage is unknown) is
    refused, naming who uses it, unless --force.
    """
    repository = check_repository_name(repository)
    if public:
        public_cli.refuse({"untagged": untagged, "dry_run": dry_run}, public=True)
        return public_cli.delete_images(app, repository, refs, yes=yes)
    parsed = [parse_image_ref(r) for r in refs]
    registry_id = app.registry_id
    plan = core.plan_delete(app.ecr, repository, parsed, untagged=untagged, registry_id=registry_id)
    for digest, holder in plan.kept:
        notice(app, f"kept {fmt_digest(digest)}: it stands with {fmt_digest(holder)}, which stays")
    usage = None
    if plan.items and not force:
        usage = usage_view.guard(app, repository, plan.items, usage_scan, plan.graph.links())

    nothing = "no untagged images" if untagged and not refs else "no such images"
    empty = f"nothing to delete: {repository} has {nothing}"
    if dry_run or not plan.items:
        emit(app, plan.to_dict(dry_run=True), table=lambda: _table(plan, True, empty))
        if usage is not None:
            usage_view.report_scope(app, usage)
        return
    _confirm(plan, yes)
    try:
        core.execute_delete(app.ecr, plan, registry_id=registry_id)
    finally:  # also when a call, the connection or a signal stopped the batch
        emit(app, plan.to_dict(), table=lambda: _table(plan, False, empty))
        for item in plan.failed:
            what = item.image_id.get("imageTag") or item.digest
            warn(app, f"{what}: {item.failure_code}: {item.failure_reason}")
        if usage is not None:
            usage_view.report_scope(app, usage)
    error = outcome_error(plan.items, "deleted")
    if error:
        raise error


def _table(plan: core.DeletePlan, dry: bool, empty: str) -> Table:
    return Table(["ID", "DIGEST", "ACTION", "STATUS"], _delete_rows(plan, dry), empty=empty)


def _confirm(plan: core.DeletePlan, yes: bool) -> None:
    """Ask before deleting images by digest, naming the tags they take with them."""
    whole = plan.by_digest
    if not whole:
        return
    lost = sorted({t for i in whole for t in i.tags_lost})
    joined = sum(bool(i.goes_with) for i in whole)
    confirm(
        f"Delete {len(whole)} image(s) from {plan.repository!r}"
        + (f" ({joined} of them children or referrers of the others)" if joined else "")
        + f", losing tags: {', '.join(lost) or 'none (untagged)'}?",
        yes=yes,
        what=f"delete {len(whole)} image(s) by digest",
    )
