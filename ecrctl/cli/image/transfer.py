"""``ecrctl image push`` and ``ecrctl image pull``, through the Docker Engine."""

from __future__ import annotations

import click

from ecrctl.cli.app import App
from ecrctl.cli.common import command, pass_app
from ecrctl.cli.render import emit, notice

_registry_url_option = click.option(
    "--registry-url",
    metavar="HOST[:PORT]",
    help="Registry address to use instead of ECR's proxyEndpoint (also ECRCTL_REGISTRY_URL).",
)


@command(
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
    from ecrctl.registry.refs import check_reference

    check_reference(local_image, what="local image", digest=True)
    if destination is not None:
        check_reference(destination, what="destination", digest=False)
    with ProgressView(app, "push") as view:
        result = transfer.push(
            app.aws,
            local_image,
            destination,
            create=create,
            registry_url=registry_url,
            on_progress=view,
        )
    if result["repositoryCreated"]:
        notice(app, f"created repository {result['repositoryName']}")
    notice(app, f"pushed {result['imageUri']}")
    emit(app, result, text=result["imageDigest"])


@command(
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
    from ecrctl.registry.refs import check_reference

    check_reference(reference, what="reference", digest=True)
    with ProgressView(app, "pull") as view:
        result = transfer.pull(app.aws, reference, registry_url=registry_url, on_progress=view)
    notice(app, f"pulled {result['imageUri']} ({result['imageDigest']})")
    emit(app, result, text=result["imageUri"])
