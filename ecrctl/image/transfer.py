"""Push and pull through the Docker Engine API, with the registry credential
sent along with each request (nothing is written to the docker config).

Progress is reported as plain :class:`TransferEvent` records to a callback; the CLI
decides how to draw them.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ecrctl.aws.access import error_code, registry_kwargs
from ecrctl.distribution.reference import ImageReference, parse_local_image, parse_reference
from ecrctl.distribution.refs import ImageRef
from ecrctl.docker_engine import docker_host, registry_error
from ecrctl.errors import InvalidInput, NotFound
from ecrctl.repo.repository import create_repository

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient

    from ecrctl.login.registries import Registries
    from ecrctl.login.token import RegistryAuth

DIGEST_IN_STATUS = re.compile(r"(?:digest|Digest):\s*(sha256:[a-f0-9]{64})")


@dataclass(frozen=True)
class TransferEvent:
    """One event of a push or pull: a layer's state and bytes, or a message."""

    layer: str | None
    status: str
    current: int | None = None
    total: int | None = None


ProgressCallback = Callable[[TransferEvent], None]


def _ignore(_: TransferEvent) -> None:
    return None


# -- names ---------------------------------------------------------------------------


def push_target(local_image: str, destination: str | None) -> ImageReference:
    """Where to push ``local_image``, checked as ECR's: the destination, else the
    local name (its registry host names the registry, as for docker push); a
    missing tag is the local image's, else ``latest``."""
    local = parse_local_image(local_image)
    named = (
        local
        if destination is None
        else parse_reference(destination, what="destination", digest=False)
    )
    if named is None:
        raise InvalidInput(
            f"{local_image!r} has no name to push it as", hint="give REPO[:TAG] as well"
        )
    tag = named.tag or (local.tag if local else None) or "latest"
    return dataclasses.replace(named, tag=tag, digest=None).for_ecr()


def check_local_image(api: Any, local_image: str) -> None:
    """Fail with a clear error when the Docker Engine has no image ``local_image``."""
    import docker.errors

    try:
        api.inspect_image(local_image)
    except docker.errors.ImageNotFound:
        raise NotFound(
            f"no local image {local_image!r} in the Docker Engine at {docker_host()}",
            hint="build or pull it first (docker images lists what is there)",
        ) from None


# -- ECR side ------------------------------------------------------------------------


def ensure_repository(
    ecr: ECRClient,
    repository: str,
    *,
    create: bool,
    registry_id: str | None = None,
    region: str = "?",
) -> bool:
    """Check that the repository exists (ECR never creates one on push);
    create it with ``create``. Returns whether it was created."""
    from ecrctl.aws.suggest import ELSEWHERE

    try:
        ecr.describe_repositories(repositoryNames=[repository], **registry_kwargs(registry_id))
        return False
    except Exception as exc:
        if error_code(exc) != "RepositoryNotFoundException":
            raise
        elsewhere = getattr(exc, "response", {}).get("Error", {}).get(ELSEWHERE)
    if not create:
        registry = f"registry {registry_id}" if registry_id else "the caller's registry"
        raise NotFound(
            f"repository {repository!r} does not exist in {registry} (region {region}): "
            "ECR does not create repositories on push, so the registry would answer 404",
            hint=f"it exists in {elsewhere}: use --region {elsewhere}"
            if elsewhere
            else f"create it with: ecrctl repo create {repository}, or push with --create",
        )
    create_repository(ecr, repository, registry_id=registry_id)
    return True


# -- the Docker Engine ---------------------------------------------------------------


def _auth_config(auth: RegistryAuth) -> dict[str, str]:
    return {"username": auth.username, "password": auth.password, "serveraddress": auth.host}


def _events(
    stream: Iterable[dict[str, Any]],
    on_progress: ProgressCallback,
    fail: Callable[[str], Exception],
) -> str | None:
    """Forward the engine's JSON events as TransferEvents; the digest they report."""
    digest: str | None = None
    for event in stream:
        if "error" in event or "errorDetail" in event:
            detail = event.get("errorDetail") or {}
            raise fail(str(detail.get("message") or event.get("error") or "unknown error"))
        aux = event.get("aux")
        if isinstance(aux, dict) and aux.get("Digest"):
            digest = str(aux["Digest"])
        status = str(event.get("status") or "")
        found = DIGEST_IN_STATUS.search(status)
        if found:
            digest = found.group(1)
        if not status:
            continue
        detail = event.get("progressDetail") or {}
        on_progress(
            TransferEvent(
                layer=event.get("id"),
                status=status,
                current=detail.get("current"),
                total=detail.get("total"),
            )
        )
    return digest


def _run_stream(
    start: Callable[[], Any],
    on_progress: ProgressCallback,
    fail: Callable[[str], Exception],
) -> str | None:
    """Run one engine stream (a push or a pull) to its end; the digest it reported.

    Engine refusals become registry errors through ``fail``; anything else from
    docker-py leaves through the one error path.
    """
    import docker.errors

    try:
        return _events(start(), on_progress, fail)
    except docker.errors.APIError as exc:
        raise fail(str(exc.explanation or exc)) from exc


def push_image(
    api: Any,
    auth: RegistryAuth,
    local_image: str,
    repository: str,
    tag: str,
    *,
    on_progress: ProgressCallback = _ignore,
) -> dict[str, Any]:
    """Tag ``local_image`` as HOST/REPOSITORY:TAG and push it; the pushed digest."""
    target = f"{auth.host}/{repository}"

    def fail(message: str) -> Exception:
        return registry_error(message, action="push", host=auth.host, repository=repository)

    def start() -> Any:
        api.tag(local_image, target, tag)
        return api.push(target, tag=tag, stream=True, decode=True, auth_config=_auth_config(auth))

    check_local_image(api, local_image)
    digest = _run_stream(start, on_progress, fail)
    if not digest:
        raise fail("the engine reported no digest for the pushed image")
    return {
        "localImage": local_image,
        "repositoryName": repository,
        "imageTag": tag,
        "imageDigest": digest,
        "imageUri": f"{target}:{tag}",
        "registry": auth.host,
    }


def pull_image(
    api: Any,
    auth: RegistryAuth | None,
    repository: str,
    ref: ImageRef,
    *,
    host: str | None = None,
    on_progress: ProgressCallback = _ignore,
) -> dict[str, Any]:
    """Pull HOST/REPOSITORY by tag or digest; what was pulled and its digest.

    Without ``auth`` (``host`` then names the registry) no credential is sent:
    the engine pulls anonymously, or with what the docker config holds for it."""
    registry = host or (auth.host if auth else "")
    target = f"{registry}/{repository}"
    config = _auth_config(auth) if auth else None

    def fail(message: str) -> Exception:
        return registry_error(
            message, action="pull", host=registry, repository=repository, ref=str(ref)
        )

    def start() -> Any:
        return api.pull(target, tag=str(ref), stream=True, decode=True, auth_config=config)

    digest = _run_stream(start, on_progress, fail)
    separator = "@" if ref.digest else ":"
    return {
        "repositoryName": repository,
        "imageTag": ref.tag,
        "imageDigest": digest or ref.digest,
        "imageUri": f"{target}{separator}{ref}",
        "registry": registry,
    }


# -- the workflows ------------------------------------------------------------------


def push(
    registries: Registries,
    local_image: str,
    target: ImageReference,
    *,
    destination_given: bool = True,
    create: bool = False,
    registry_url: str | None = None,
    on_progress: ProgressCallback = _ignore,
) -> dict[str, Any]:
    """``image push`` to ``target`` (:func:`push_target`): check the local side,
    then the repository, then push."""
    from ecrctl import docker_engine as engine
    from ecrctl.login.token import served_auth

    repository, tag = target.repository, target.ref
    # without a destination, a host in the local name says where to push, as it
    # does for docker push: it is never dropped for the caller's own registry
    try:
        served = registries.private(target.host, registry_url=registry_url)
    except InvalidInput as exc:
        if destination_given:
            raise
        raise InvalidInput(
            exc.message, hint=f"give the destination: ecrctl image push {local_image} REPO[:TAG]"
        ) from None
    # the local side first: no daemon or no such image fails before AWS is asked
    # anything, and before --create makes a repository for nothing
    api = engine.client().api
    check_local_image(api, local_image)
    aws = served.aws
    assert aws is not None
    created = ensure_repository(
        aws.ecr, repository, create=create, registry_id=served.account, region=aws.region
    )
    auth = served_auth(registries, served)
    result = push_image(api, auth, local_image, repository, tag, on_progress=on_progress)
    result["repositoryCreated"] = created
    return result


def pull(
    registries: Registries,
    reference: ImageReference,
    *,
    registry_url: str | None = None,
    on_progress: ProgressCallback = _ignore,
) -> dict[str, Any]:
    """``image pull``: the engine first (no daemon fails before any AWS call), then pull."""
    from ecrctl import docker_engine as engine
    from ecrctl.login.token import served_auth

    repository = reference.for_ecr().repository
    served = registries.private(reference.host, registry_url=registry_url)
    api = engine.client().api
    auth = served_auth(registries, served)
    return pull_image(api, auth, repository, reference.image, on_progress=on_progress)
