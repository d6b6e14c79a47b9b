"""``ecrctl image inspect``: an image's config and layers, without pulling it."""

from __future__ import annotations

import json
from typing import Any

import click

from ecrctl.cli.app import App
from ecrctl.cli.common import command, pass_app
from ecrctl.cli.examples import examples
from ecrctl.cli.render import Table, emit, fmt_mib, warn


def _text(value: Any) -> str:
    if value in (None, [], {}):
        return "-"
    return value if isinstance(value, str) else json.dumps(value)


def _rows(summary: dict[str, Any], layers: list[dict[str, Any]]) -> list[list[str]]:
    rows = [
        ["Created", _text(summary["created"])],
        ["Platform", _text(summary["platform"])],
        ["Entrypoint", _text(summary["entrypoint"])],
        ["Cmd", _text(summary["cmd"])],
        ["WorkingDir", _text(summary["workingDir"])],
        ["User", _text(summary["user"])],
        ["ExposedPorts", ", ".join(summary["exposedPorts"]) or "-"],
    ]
    rows += [["Env", item] for item in summary["env"]]
    rows += [["Label", f"{k}={v}"] for k, v in sorted(summary["labels"].items())]
    rows += [
        [f"Layer {i}", f"{layer['digest']} ({fmt_mib(layer.get('size'))} MiB)"]
        for i, layer in enumerate(layers, 1)
    ]
    steps = [h for h in summary["history"] if h.get("created_by")]
    rows += [["History", " ".join(str(h["created_by"]).split())[:160]] for h in steps]
    return rows


def _format_rows(data: dict[str, Any]) -> list[list[str]]:
    """The stored format and what a client receives by tag (the guide's table) and by digest."""
    rows = [["Format", data["storedFormat"]]]
    for row in data["byTag"]:
        receives = row["receives"] or "nothing it accepts"
        rows.append([f"By tag, {row['client']} client", f"{receives} ({row['conversion']})"])
    by_digest = data["byDigest"]
    return [*rows, ["By digest", f"{by_digest['receives']} ({by_digest['conversion']})"]]


@command("inspect", epilog=examples("image inspect"))
@click.argument("reference", metavar="[HOST/]REPO[:TAG|@DIGEST]")
@click.option("--platform", metavar="OS/ARCH", help="For an index: the image of this platform.")
@click.option(
    "--artifact-type", metavar="MEDIA_TYPE", help="List only the referrers of this artifact type."
)
@pass_app
def inspect(app: App, reference: str, platform: str | None, artifact_type: str | None) -> None:
    """Show what is inside an image without pulling it.

    Reads the manifest and the image config through the registry API:
    created, platform, entrypoint, cmd, working dir, user, env, labels,
    exposed ports, layers with sizes, history. For an index without
    --platform, its platforms. The stored format (schema 2, manifest list, OCI
    manifest, OCI index, schema 1) and, from ECR's conversion table, what a
    client asking by tag for each format receives; by digest ECR converts
    nothing. Its referrers (signatures, SBOMs, attestations; an index's
    children's too): artifact type, digest, size. -o json gives the manifest
    and the config blob as the registry returned them.
    """
    from ecrctl.image.inspect import inspect_image

    found = inspect_image(app.registries, reference, platform=platform, artifact_type=artifact_type)
    data = found.to_dict()
    listed = found.referrers
    title = f"{found.reference}  {found.digest}  {found.mediaType} ({data['storedFormat']})"
    if found.config is None and found.platforms:
        rows = [
            [p["platform"], str(p["digest"]), str(p["mediaType"] or "-")] for p in found.platforms
        ]
        rows += [[f"referrer of {_short(r['subject'])}", r["digest"], _kind(r)] for r in listed]
        table = Table(["PLATFORM", "DIGEST", "MEDIA TYPE"], rows, title=title)
    else:
        rows = _rows(found.summary(), found.layers) + _format_rows(data)
        rows += [["Referrer", f"{r['digest']} {_kind(r)}{_of(r, found.digest)}"] for r in listed]
        table = Table(["FIELD", "VALUE"], rows, title=title)
    if found.referrers_error:
        warn(app, f"could not read every referrer: {found.referrers_error}")
    emit(app, data, table=table)


def _short(digest: str) -> str:
    return digest.split(":", 1)[-1][:12]


def _kind(referrer: dict[str, Any]) -> str:
    """A referrer's artifact type and size."""
    return f"{referrer['artifactType'] or referrer['mediaType']} ({referrer['size']} bytes)"


def _of(referrer: dict[str, Any], shown: str) -> str:
    """Which manifest a referrer of a referrer names."""
    return "" if referrer["subject"] == shown else f", of {_short(referrer['subject'])}"
