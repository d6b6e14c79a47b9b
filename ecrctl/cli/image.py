"""``ecrctl image``: list, show, retag, delete, push and pull."""

from __future__ import annotations

import sys
from typing import Any

import click

from ecrctl.cli.app import App
from ecrctl.cli.common import confirm, dry_run_option, group, pass_app, yes_option
from ecrctl.cli.paramtypes import remember_images
from ecrctl.cli.render import (
    Table,
    emit,
    fmt_age,
    fmt_mib,
    fmt_time,
    notice,
    print_table,
    warn,
)
from ecrctl.errors import PartialFailure
from ecrctl.image import query as images
from ecrctl.registry.refs import check_repository_name


@group(
    "image",
    epilog="\b\nExamples:\n  ecrctl image list team/app --untagged\n"
    "  ecrctl image retag team/app v1.2.0 latest stable\n"
    "  ecrctl image push myapp:dev team/app:dev --create",
)
def image() -> None:
    """List, inspect, retag, delete, push and pull images."""


def _short(digest: str) -> str:
    return digest[:19] if digest.startswith("sha256:") else digest


def _tags(detail: dict[str, Any]) -> str:
    return ", ".join(detail.get("imageTags") or []) or "<untagged>"


# -- list ------------------------------------------------------------------------------


def _list_table(found: list[dict[str, Any]]) -> Table:
    pulled = any(d.get("lastRecordedPullTime") for d in found)
    scanned = any(d.get("imageScanStatus") for d in found)
    columns = ["TAGS", "DIGEST", "SIZE (MiB)", "PUSHED"]
    columns += ["LAST PULLED"] if pulled else []
    columns += ["SCAN"] if scanned else []
    rows = []
    for d in found:
        pushed = d.get("imagePushedAt")
        row = [_tags(d), _short(d["imageDigest"]), fmt_mib(d.get("imageSizeInBytes"))]
        row.append(f"{fmt_time(pushed)} ({fmt_age(pushed)})")
        if pulled:
            row.append(fmt_time(d.get("lastRecordedPullTime")))
        if scanned:
            row.append(str((d.get("imageScanStatus") or {}).get("status", "-")))
        rows.append(row)
    return Table(columns, rows, justify={"SIZE (MiB)": "right"})


@image.command(
    "list",
    epilog="\b\nExamples:\n  ecrctl image list team/app\n"
    "  ecrctl image list team/app --untagged -o json --query '[].imageDigest'\n"
    "  ecrctl image list team/app --sort size --limit 5",
)
@click.argument("repository")
@click.option("--tagged", "status", flag_value="TAGGED", help="Only images with tags.")
@click.option("--untagged", "status", flag_value="UNTAGGED", help="Only images without tags.")
@click.option(
    "--sort",
    type=click.Choice(["pushed", "size", "tag"]),
    default="pushed",
    show_default=True,
    help="pushed: newest first; size: largest first; tag: by name, untagged last.",
)
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="Show at most N images.")
@pass_app
def list_(app: App, repository: str, status: str | None, sort: str, limit: int | None) -> None:
    """List the images of REPOSITORY.

    SIZE is the compressed size stored in ECR (what the console shows), not the
    unpacked size docker reports. JSON is a list of DescribeImages imageDetails.
    """
    repository = check_repository_name(repository)
    found = images.list_images(
        app.ecr,
        repository,
        registry_id=app.settings.registry_id,
        tag_status=status or "ANY",  # type: ignore[arg-type]
        sort=sort,  # type: ignore[arg-type]
        limit=limit,
    )
    remember_images(app, repository, found, complete=status is None and limit is None)
    emit(app, found, table=lambda: _list_table(found))


# -- show ------------------------------------------------------------------------------


def _show_tables(info: dict[str, Any]) -> list[Table]:
    from ecrctl.registry.manifest import platform_text

    d = info["imageDetail"]
    m = info["manifest"]
    rows = [
        ["Repository", d["repositoryName"]],
        ["Digest", d["imageDigest"]],
        ["Tags", _tags(d)],
        ["Pushed", f"{fmt_time(d.get('imagePushedAt'))} ({fmt_age(d.get('imagePushedAt'))})"],
        ["Size (MiB, compressed)", fmt_mib(d.get("imageSizeInBytes"))],
        ["Media type", m["mediaType"]],
    ]
    if m.get("artifactType"):
        rows.append(["Artifact type", m["artifactType"]])
    if m.get("config"):
        rows.append(["Config digest", m["config"]["digest"]])
    if d.get("lastRecordedPullTime"):
        rows.append(["Last pulled", fmt_time(d["lastRecordedPullTime"])])
    if d.get("imageScanStatus"):
        rows.append(["Scan status", str(d["imageScanStatus"].get("status", "-"))])
    tables = [Table(["FIELD", "VALUE"], rows)]
    if "manifests" in m:
        tables.append(
            Table(
                ["PLATFORM", "DIGEST", "SIZE (bytes)", "MEDIA TYPE"],
                [
                    [
                        platform_text(c.get("platform")),
                        c["digest"],
                        str(c.get("size", "-")),
                        c.get("mediaType") or "-",
                    ]
                    for c in m["manifests"]
                ],
                justify={"SIZE (bytes)": "right"},
            )
        )
    else:
        tables.append(
            Table(
                ["LAYER", "SIZE (MiB)", "MEDIA TYPE"],
                [
                    [layer["digest"], fmt_mib(layer.get("size")), layer.get("mediaType") or "-"]
                    for layer in m.get("layers", [])
                ],
                justify={"SIZE (MiB)": "right"},
            )
        )
    return tables


@image.command(
    "show",
    epilog="\b\nExamples:\n  ecrctl image show team/app v1.2.0\n"
    "  ecrctl image show team/app sha256:4ccc... --raw > manifest.json",
)
@click.argument("repository")
@click.argument("ref", metavar="TAG|DIGEST")
@click.option("--raw", is_flag=True, help="Print the manifest exactly as stored (no newline).")
@pass_app
def show(app: App, repository: str, ref: str, raw: bool) -> None:
    """Show one image: details, media type, config, layers or platforms.

    The manifest is read by digest and in every format, so a manifest list or
    OCI index is shown as the list it is.
    """
    repository = check_repository_name(repository)
    parsed = images.parse_ref(ref)  # checked before any client is made
    info = images.show_image(app.ecr, repository, parsed, registry_id=app.settings.registry_id)
    if raw:
        text: str = info["imageManifest"]
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is not None:
            sys.stdout.flush()
            buffer.write(text.encode("utf-8"))
            buffer.flush()
        else:
            sys.stdout.write(text)
        return
    data = {k: v for k, v in info.items() if k != "imageManifest"}
    if app.out.output == "json" or app.out.query:
        emit(app, data)
        return
    for table in _show_tables(info):
        print_table(app, table)


# -- retag -----------------------------------------------------------------------------

_STATUS_TEXT = {
    "created": "created",
    "moved": "moved here",
    "unchanged": "unchanged (already this image)",
    "failed": "FAILED",
    "would-create": "would be created",
    "would-move": "would be moved here",
}


@image.command(
    "retag",
    epilog="\b\nExamples:\n  ecrctl image retag team/app v1.2.0 latest stable\n"
    "  ecrctl image retag team/app sha256:4ccc... release-7 --dry-run",
)
@click.argument("repository")
@click.argument("source", metavar="SOURCE")
@click.argument("new_tags", nargs=-1, required=True, metavar="NEW_TAG...")
@dry_run_option
@pass_app
def retag(app: App, repository: str, source: str, new_tags: tuple[str, ...], dry_run: bool) -> None:
    """Add tags to an image without pulling or pushing it.

    SOURCE is a tag or sha256 digest. The stored manifest is put back byte for
    byte under each NEW_TAG (digest-exact, any manifest type), then every new
    tag is checked to resolve to the source digest. Tags in another repository
    are refused: ECR cannot copy layers this way.
    """
    from ecrctl.image.retag import parse_new_tag
    from ecrctl.image.retag import retag as do_retag

    repository = check_repository_name(repository)
    ref = images.parse_ref(source)
    tags = [parse_new_tag(t, repository) for t in new_tags]
    result = do_retag(
        app.ecr, repository, ref, tags, registry_id=app.settings.registry_id, dry_run=dry_run
    )
    rows = [
        [
            o.tag,
            _STATUS_TEXT.get(o.status, o.status),
            o.failure_code or (f"was {_short(o.previous_digest)}" if o.previous_digest else ""),
        ]
        for o in result.outcomes
    ]
    emit(app, result.to_dict(), table=lambda: Table(["TAG", "STATUS", "DETAIL"], rows))
    for outcome in result.failed:
        warn(app, str(outcome.reason or outcome.failure_code))
    failed = len(result.failed)
    done = len(result.outcomes) - failed
    notice(
        app,
        f"{repository}@{result.digest}: {done} tag(s) "
        f"{'would be ' if dry_run else ''}ok, {failed} failed",
    )
    if failed:
        raise PartialFailure(f"{failed} of {len(result.outcomes)} tags failed (see above)")


# -- delete ----------------------------------------------------------------------------


def _delete_rows(plan: images.DeletePlan) -> list[list[str]]:
    rows = []
    for item in plan.items:
        what = item.image_id.get("imageTag") or _short(item.digest)
        if item.action == images.IMAGE_DELETED:
            lost = ", ".join(item.tags_lost) or "untagged"
            action = f"image deleted (tags: {lost})"
        else:
            action = "tag removed (image kept: other tags remain)"
        status = item.status
        if item.failure_code:
            status = f"failed: {item.failure_code}"
        rows.append([what, _short(item.digest), action, status])
    return rows


@image.command(
    "delete",
    epilog="\b\nExamples:\n  ecrctl image delete team/app v1 v2\n"
    "  ecrctl image delete team/app sha256:4ccc... --yes\n"
    "  ecrctl image delete team/app --untagged --dry-run",
)
@click.argument("repository")
@click.argument("refs", nargs=-1, metavar="[TAG|DIGEST]...")
@click.option("--untagged", is_flag=True, help="Also delete every untagged image.")
@dry_run_option
@yes_option
@pass_app
def delete(
    app: App, repository: str, refs: tuple[str, ...], untagged: bool, dry_run: bool, yes: bool
) -> None:
    """Delete tags or images.

    A TAG removes that tag; when it is the image's last tag the image goes
    too (each line says which happened). A DIGEST deletes the image with all
    its tags, after a confirmation listing them. Ids are sent 100 per call.
    """
    repository = check_repository_name(repository)
    parsed = [images.parse_ref(r) for r in refs]
    registry_id = app.settings.registry_id
    plan = images.plan_delete(
        app.ecr, repository, parsed, untagged=untagged, registry_id=registry_id
    )

    def table() -> Table:
        return Table(["ID", "DIGEST", "ACTION", "STATUS"], _delete_rows(plan))

    if dry_run or not plan.items:
        emit(app, plan.to_dict(dry_run=True), table=table)
        return
    whole = plan.by_digest
    if whole:
        lost = sorted({t for i in whole for t in i.tags_lost})
        confirm(
            f"Delete {len(whole)} image(s) from {repository!r}, losing tags: "
            f"{', '.join(lost) or 'none (untagged)'}?",
            yes=yes,
            what=f"delete {len(whole)} image(s) by digest",
        )
    calls = images.execute_delete(app.ecr, plan, registry_id=registry_id)
    emit(app, plan.to_dict(batches=calls), table=table)
    for item in plan.failed:
        what = item.image_id.get("imageTag") or item.digest
        warn(app, f"{what}: {item.failure_code}: {item.failure_reason}")
    if plan.failed:
        raise PartialFailure(f"{len(plan.failed)} of {len(plan.items)} deletions failed")


# -- push / pull -----------------------------------------------------------------------

_registry_url_option = click.option(
    "--registry-url",
    metavar="HOST[:PORT]",
    help="Registry address to use instead of ECR's proxyEndpoint (also ECRCTL_REGISTRY_URL).",
)


@image.command(
    "push",
    epilog="\b\nExamples:\n  ecrctl image push myapp:1.0 team/app\n"
    "  ecrctl image push team/app:dev --create",
)
@click.argument("local_image")
@click.argument("destination", required=False, metavar="[REPO[:TAG]]")
@click.option("--create", is_flag=True, help="Create the repository when it does not exist.")
@_registry_url_option
@pass_app
def push(
    app: App, local_image: str, destination: str | None, create: bool, registry_url: str | None
) -> None:
    """Push LOCAL_IMAGE from the Docker Engine and print its digest.

    The registry credential goes with the request: no `ecrctl login` first,
    nothing written to the docker config. Without REPO the local name is used;
    without TAG the local tag (else latest).
    """
    from ecrctl.cli.progress import ProgressView
    from ecrctl.image import transfer
    from ecrctl.login.token import registry_auth
    from ecrctl.registry import engine as dockerutil

    repository, tag = transfer.push_target(local_image, destination)
    # the local side first: no daemon or no such image fails before AWS is asked
    # anything, and before --create makes a repository for nothing
    api = dockerutil.client().api
    transfer.check_local_image(api, local_image)
    registry_id = app.settings.registry_id
    created = transfer.ensure_repository(
        app.ecr, repository, create=create, registry_id=registry_id, region=app.region
    )
    if created:
        notice(app, f"created repository {repository}")
    auth = registry_auth(app.aws, registry_id, registry_url=registry_url)
    with ProgressView(app, "push") as view:
        result = transfer.push_image(api, auth, local_image, repository, tag, on_progress=view)
    result["repositoryCreated"] = created
    notice(app, f"pushed {result['imageUri']}")
    emit(app, result, text=result["imageDigest"])


@image.command(
    "pull",
    epilog="\b\nExamples:\n  ecrctl image pull team/app:1.0\n"
    "  ecrctl image pull team/app@sha256:4ccc...",
)
@click.argument("reference", metavar="REPO[:TAG|@DIGEST]")
@_registry_url_option
@pass_app
def pull(app: App, reference: str, registry_url: str | None) -> None:
    """Pull an image into the Docker Engine and print its local name.

    The registry credential goes with the request: no `ecrctl login` first.
    """
    from ecrctl.cli.progress import ProgressView
    from ecrctl.image import transfer
    from ecrctl.login.token import registry_auth
    from ecrctl.registry import engine as dockerutil

    repository, ref = transfer.parse_pull_reference(reference)
    api = dockerutil.client().api  # no daemon: fail before any AWS call
    auth = registry_auth(app.aws, app.registry_id, registry_url=registry_url)
    with ProgressView(app, "pull") as view:
        result = transfer.pull_image(api, auth, repository, ref, on_progress=view)
    notice(app, f"pulled {result['imageUri']} ({result['imageDigest']})")
    emit(app, result, text=result["imageUri"])
