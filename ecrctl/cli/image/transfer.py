"""``ecrctl image push`` and ``ecrctl image pull``, through the Docker Engine."""

from __future__ import annotations

import click

from ecrctl.cli.app import App
from ecrctl.cli.common import command, pass_app
from ecrctl.cli.examples import examples
from ecrctl.cli.public import public_option, refuse
from ecrctl.cli.render import emit, notice

_registry_url_option = click.option(
    "--registry-url",
    metavar="HOST[:PORT]",
    help="Registry address to use instead of ECR's proxyEndpoint (also ECRCTL_REGISTRY_URL).",
)


@command("push", epilog=examples("image push"))
@click.argument("local_image")
@click.argument("destination", required=False, metavar="[[HOST/]REPO[:TAG]]")
@click.option("--create", is_flag=True, help="Create the repository when it does not exist.")
@_registry_url_option
@public_option
@pass_app
def push(
    app: App,
    local_image: str,
    destination: str | None,
    create: bool,
    registry_url: str | None,
    public: bool,
) -> None:
    """Push LOCAL_IMAGE from the Docker Engine and print its digest.

    The registry credential goes with the request: no `ecrctl login` first,
    nothing written to the docker config. Without REPO the local name is used;
    without TAG the local tag (else latest). To ECR Public: a destination
    public.ecr.aws/ALIAS/REPO[:TAG], or --public with REPO[:TAG] of your
    public registry (the repository must exist: ecrctl repo create --public).
    """
    from ecrctl.cli.progress import ProgressView
    from ecrctl.image import transfer
    from ecrctl.public import transfer as public_transfer

    target = transfer.push_target(local_image, destination)  # checked before any call
    given = destination is not None
    public = public or app.registries.is_public(target.host)
    if public:
        refuse({"create": create}, public=True)
    with ProgressView(app, "push") as view:
        if public:
            result = public_transfer.push(
                app.registries,
                local_image,
                target,
                destination_given=given,
                registry_url=registry_url,
                on_progress=view,
            )
        else:
            result = transfer.push(
                app.registries,
                local_image,
                target,
                destination_given=given,
                create=create,
                registry_url=registry_url,
                on_progress=view,
            )
    if result["repositoryCreated"]:
        notice(app, f"created repository {result['repositoryName']}")
    notice(app, f"pushed {result['imageUri']}")
    emit(app, result, text=result["imageDigest"])


@command("pull", epilog=examples("image pull"))
@click.argument("reference", metavar="[HOST/]REPO[:TAG|@DIGEST]")
@_registry_url_option
@public_option
@pass_app
def pull(app: App, reference: str, registry_url: str | None, public: bool) -> None:
    """Pull an image into the Docker Engine and print its local name.

    The registry credential goes with the request: no `ecrctl login` first.
    From ECR Public (public.ecr.aws/ALIAS/REPO, or --public with REPO of your
    public registry) ECR Public's token is sent when one can be had, else the
    pull is anonymous (--debug says which).
    """
    from ecrctl.cli.progress import ProgressView
    from ecrctl.distribution.reference import parse_reference
    from ecrctl.image import transfer
    from ecrctl.public import transfer as public_transfer

    parsed = parse_reference(reference, what="reference")
    core = transfer.pull
    if public or app.registries.is_public(parsed.host):
        core = public_transfer.pull
    with ProgressView(app, "pull") as view:
        result = core(app.registries, parsed, registry_url=registry_url, on_progress=view)
    emit(app, result, text=result["imageUri"])  # said once: docker's lines leave it out
