"""``ecrctl image copy``: an image from registry to registry, without Docker."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ecrctl.cli.app import App
from ecrctl.cli.common import command, pass_app
from ecrctl.cli.examples import examples
from ecrctl.cli.options import (
    create_option,
    dry_run_option,
    jobs_option,
    referrers_option,
    repeatable_option,
)
from ecrctl.cli.render import emit, notice

if TYPE_CHECKING:
    from ecrctl.image.copy import CopyResult

_STATUS = {
    "copied": "copied",
    "unchanged": "unchanged: the destination already has this image",
    "would-copy": "would be copied",
}


def _mib(size: int) -> str:
    return f"{size / (1 << 20):.1f} MiB"


@command("copy", epilog=examples("image copy"))
@click.argument("source", metavar="SRC")
@click.argument("destination", metavar="DST")
@create_option
@repeatable_option(
    "--platform",
    "OS/ARCH",
    "Copy only this platform of an index (repeatable; default: all platforms).",
    dest="platforms",
)
@click.option(
    "--all-platforms", is_flag=True, help="Copy every platform of an index (the default)."
)
@jobs_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["oci", "docker"]),
    help="Write the manifests as OCI or as Docker schema 2 (converted; blobs unchanged).",
)
@referrers_option
@dry_run_option
@pass_app
def copy(
    app: App,
    source: str,
    destination: str,
    create: bool,
    platforms: tuple[str, ...],
    all_platforms: bool,
    jobs: int,
    fmt: str | None,
    referrers: bool,
    dry_run: bool,
) -> None:
    """Copy image SRC to DST through the registry API (no Docker Engine).

    SRC and DST are [HOST/]REPO[:TAG|@DIGEST]; without a host, the caller's
    ECR registry. ECR hosts and hosts mapped in ecrctl's config use their own
    ECR token (account, region, profile); other hosts the docker config.
    Blobs are streamed and verified, skipped when present, mounted within one
    registry; the manifest keeps its bytes and digest, unless --format
    rewrites it (only its media types, and an index's child digests): then the
    new digest is printed. DST without a tag takes SRC's tag.

    The image's referrers (signatures, SBOMs, attestations; an index's
    children's too) are copied with it; one refused is named, and exit is 1.
    """
    from ecrctl.cli.image.copy_progress import BlobProgress
    from ecrctl.cli.image.copy_referrers import raise_if_not_carried, show_referrers
    from ecrctl.errors import InvalidInput
    from ecrctl.image.copy import CopyOptions, copy_image

    if platforms and all_platforms:
        raise InvalidInput(
            "--platform and --all-platforms exclude each other", hint="give one of them"
        )
    with BlobProgress(app) as progress:
        options = CopyOptions(create, jobs, referrers, progress)
        result = copy_image(
            app.registries,
            source,
            destination,
            options,
            platforms=platforms,
            dry_run=dry_run,
            fmt=fmt,
        )
    if result.repositoryCreated:
        notice(app, f"{'would create' if dry_run else 'created'} repository {result.destination}")
    if result.sourceDigest and result.sourceDigest != result.digest:
        notice(app, f"converted to {fmt}: {result.sourceDigest} -> {result.digest}")
    elif fmt:
        notice(app, f"already {fmt}: the manifest is copied as it is")
    notice(app, f"{result.destination}: {_STATUS[result.status]}; {_moved(result)}")
    show_referrers(app, result.referrers)
    emit(app, result.to_dict(), text=result.imageUri)
    raise_if_not_carried(result.referrers)


def _moved(result: CopyResult) -> str:
    """What the copy moved, for the line that ends it."""
    blobs = result.blobs
    if result.status == "copied":
        return (
            f"{blobs.get('copied', 0)} blob(s) copied ({_mib(result.bytesMoved)}), "
            f"{blobs.get('mounted', 0)} mounted, {blobs.get('exists', 0)} already there"
        )
    if result.status == "would-copy":
        return (
            f"{result.manifests} manifest(s), {blobs.get('total', 0)} blob(s), "
            f"{_mib(result.blobBytes)}"
        )
    return "nothing moved"
