"""``ecrctl image list`` and ``ecrctl image show``."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from ecrctl.cli import public as public_cli
from ecrctl.cli.app import App
from ecrctl.cli.common import command, pass_app
from ecrctl.cli.examples import examples
from ecrctl.cli.paramtypes import IMAGE_REF, REPOSITORY, remember_images
from ecrctl.cli.public import public_option
from ecrctl.cli.render import (
    Table,
    emit,
    fmt_age,
    fmt_digest,
    fmt_mib,
    fmt_tags,
    fmt_time,
    print_table,
    warn,
)
from ecrctl.cli.usage_view import UsageRequest, usage_options
from ecrctl.distribution.reference import parse_image_ref
from ecrctl.distribution.refs import check_repository_name
from ecrctl.image import query

if TYPE_CHECKING:
    from ecrctl.usage.model import RepositoryUsage


def _list_table(found: list[dict[str, Any]], usage: RepositoryUsage | None = None) -> Table:
    pulled = any(d.get("lastRecordedPullTime") for d in found)
    scanned = any(d.get("imageScanStatus") for d in found)
    columns = ["TAGS", "DIGEST", "SIZE (MiB)", "PUSHED"]
    columns += ["LAST PULLED"] if pulled else []
    columns += ["SCAN"] if scanned else []
    columns += ["IN USE"] if usage is not None else []
    rows = []
    for d in found:
        pushed = d.get("imagePushedAt")
        row = [fmt_tags(d), fmt_digest(d["imageDigest"]), fmt_mib(d.get("imageSizeInBytes"))]
        row.append(f"{fmt_time(pushed)} ({fmt_age(pushed)})")
        if pulled:
            row.append(fmt_time(d.get("lastRecordedPullTime")))
        if scanned:
            row.append(str((d.get("imageScanStatus") or {}).get("status", "-")))
        if usage is not None:
            row.append(usage.users_text(d["imageDigest"]))
        rows.append(row)
    return Table(columns, rows, justify={"SIZE (MiB)": "right"}, empty="no images")


@command("list", epilog=examples("image list"))
@click.argument("repository", type=REPOSITORY)
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
@click.option("--in-use", is_flag=True, help="Add who in ECS or Lambda uses each image.")
@usage_options
@public_option
@pass_app
def list_(
    app: App,
    repository: str,
    status: str | None,
    sort: str,
    limit: int | None,
    in_use: bool,
    usage_scan: UsageRequest,
    public: bool,
) -> None:
    """List the images of REPOSITORY.

    SIZE is the compressed size stored in ECR (what the console shows), not the
    unpacked size docker reports. JSON is a list of DescribeImages imageDetails
    (with --in-use, each adds inUse and inUseBy).
    """
    repository = check_repository_name(repository)
    if public:
        refused = {"status": status, "sort": sort != "pushed", "limit": limit, "in_use": in_use}
        public_cli.refuse(refused, public=True)
        return public_cli.list_images(app, repository)
    found = query.list_images(
        app.ecr,
        repository,
        registry_id=app.registry_id,
        tag_status=status or "ANY",  # type: ignore[arg-type]
        sort=sort,  # type: ignore[arg-type]
        limit=limit,
    )
    remember_images(app, repository, found, complete=status is None and limit is None)
    if not in_use:
        emit(app, found, table=lambda: _list_table(found))
        return
    from ecrctl.cli.usage_view import scan
    from ecrctl.usage.guard import annotate, link_graph

    usage = scan(app, repository, usage_scan)
    # an index in use keeps its children in use, a subject its referrers, and back
    gap = link_graph(usage, app.ecr, found, complete=status is None and limit is None)
    if gap is not None:
        warn(app, gap.warning())
    emit(app, annotate(usage, found), table=lambda: _list_table(found, usage))


def _show_tables(info: dict[str, Any]) -> list[Table]:
    from ecrctl.distribution.manifest import platform_text

    d = info["imageDetail"]
    m = info["manifest"]
    rows = [
        ["Repository", d["repositoryName"]],
        ["Digest", d["imageDigest"]],
        ["Tags", fmt_tags(d)],
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


@command("show", epilog=examples("image show"))
@click.argument("repository", type=REPOSITORY)
@click.argument("ref", metavar="TAG|DIGEST", type=IMAGE_REF)
@click.option("--raw", is_flag=True, help="Print the manifest exactly as stored (no newline).")
@public_option
@pass_app
def show(app: App, repository: str, ref: str, raw: bool, public: bool) -> None:
    """Show one image: details, media type, config, layers or platforms.

    The manifest is read by digest and in every format, so a manifest list or
    OCI index is shown as the list it is. With --public (ECR Public has no
    BatchGetImage) it is read through the registry API.
    """
    repository = check_repository_name(repository)
    parsed = parse_image_ref(ref)  # checked before any client is made
    if public:
        from ecrctl.public.images import show_image

        info = show_image(app.registries, repository, parsed, registry_id=app.registry_id)
    else:
        info = query.show_image(app.ecr, repository, parsed, registry_id=app.registry_id)
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
    if app.out.output != "table" or app.out.query:
        emit(app, data)
        return
    for table in _show_tables(info):
        print_table(app, table)
