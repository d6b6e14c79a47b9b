"""``image push`` and ``image pull`` for ECR Public: ``public.ecr.aws/ALIAS/REPO``
(or, with ``--public``, a repository of the caller's public registry).

A push is a private push with ECR Public's parts: the repository must exist
(ECR Public creates none on push; a missing one is bad input, exit 2) and the
token is ECR Public's (ecr-public GetAuthorizationToken in us-east-1, through
the token cache). A pull needs no login: it sends ECR Public's token when one
can be had, else nothing (the engine then pulls anonymously), and says which in
the ``--debug`` log.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING, Any

from ecrctl.image.transfer import ProgressCallback, check_local_image, pull_image, push_image
from ecrctl.public.location import PublicImage, locate_image, public_image

if TYPE_CHECKING:
    from ecrctl.distribution.reference import ImageReference
    from ecrctl.login.registries import Registries, Registry
    from ecrctl.login.token import RegistryAuth

log = logging.getLogger("ecrctl")


def _quiet(_: Any) -> None:
    return None


def push_destination(
    registries: Registries, target: ImageReference, *, destination_given: bool = True
) -> PublicImage:
    """Where to push (``image.transfer.push_target``): ``HOST/ALIAS/REPO[:TAG]``, or a
    bare ``REPO[:TAG]`` of the caller's public registry. Without a destination, a
    local name's host counts only when it is ECR Public's (``--public`` names a
    repository of the caller's public registry)."""
    if not destination_given and not registries.is_public(target.host):
        target = target.without_host()
    return public_image(registries, target, what="destination")


def push(
    registries: Registries,
    local_image: str,
    target: ImageReference,
    *,
    destination_given: bool = True,
    registry_url: str | None = None,
    on_progress: ProgressCallback = _quiet,
) -> dict[str, Any]:
    """``image push`` to ECR Public: the local image, the repository, then push."""
    from ecrctl import docker_engine as engine
    from ecrctl.login.token import public_auth

    image = push_destination(registries, target, destination_given=destination_given)
    api = engine.client().api
    check_local_image(api, local_image)  # before any AWS call
    public = registries.public()
    image, repository = locate_image(
        registries,
        _client(public),
        image,
        registry_id=registries.aws.registry_id,
        registry_url=registry_url,
    )
    assert image.address is not None and image.tag is not None
    auth = dataclasses.replace(public_auth(registries, public), host=image.address)
    result = push_image(api, auth, local_image, image.path, image.tag, on_progress=on_progress)
    result.update(
        repositoryName=image.repository,
        registryAlias=image.alias,
        repositoryUri=repository["repositoryUri"],
        repositoryCreated=False,
    )
    return result


def _client(public: Registry) -> Any:
    """The ``ecr-public`` client of the caller's ECR Public side (us-east-1)."""
    assert public.aws is not None
    return public.aws.client("ecr-public")


def optional_token(registries: Registries, address: str) -> RegistryAuth | None:
    """ECR Public's token for ``address``, or ``None`` (logged) when none can be had."""
    from ecrctl.login.token import public_auth
    from ecrctl.translate import translate

    try:
        auth = public_auth(registries, registries.public())
    except Exception as exc:
        error = translate(exc)
        if error is None:
            raise
        log.debug(
            "no ECR Public token (%s): pulling from %s anonymously", error.one_line(), address
        )
        return None
    log.debug("pulling from %s with ECR Public's token", address)
    return dataclasses.replace(auth, host=address)


def pull(
    registries: Registries,
    reference: ImageReference,
    *,
    registry_url: str | None = None,
    on_progress: ProgressCallback = _quiet,
) -> dict[str, Any]:
    """``image pull`` from ECR Public: the engine first, then pull (anonymously
    when no ECR Public token can be had)."""
    from ecrctl import docker_engine as engine

    image = public_image(registries, reference)
    api = engine.client().api
    if image.alias is None:  # a bare REPO: its URI names the alias
        image, _ = locate_image(
            registries,
            _client(registries.public()),
            image,
            registry_id=registries.aws.registry_id,
            registry_url=registry_url,
            action="pull",
        )
    assert image.address is not None
    auth = optional_token(registries, image.address)
    result = pull_image(
        api, auth, image.path, reference.image, host=image.address, on_progress=on_progress
    )
    result.update(
        repositoryName=image.repository, registryAlias=image.alias, anonymous=auth is None
    )
    return result
