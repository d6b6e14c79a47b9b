"""Where an ECR Public image lives: ``HOST/ALIAS/REPO[:TAG|@DIGEST]`` references,
the repository's URI, and the address docker talks to.

A reference on an ECR Public host (``public.ecr.aws``, ``ecr-public.aws.com``, or
a host mapped with ``public = true``) names its alias; a bare ``REPO[:TAG]`` (with
``--public``) names a repository of the caller's public registry, whose URI
(DescribeRepositories' ``repositoryUri``, which carries the registry's primary
alias) gives the alias. The address is then ``--registry-url``, else a host
mapped with ``public = true``, else the URI's host.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from ecrctl.aws.access import error_code, registry_kwargs
from ecrctl.distribution.hosts import server_host
from ecrctl.distribution.reference import ImageReference, parse_reference
from ecrctl.errors import InvalidInput

if TYPE_CHECKING:
    from ecrctl.login.registries import Registries


@dataclass(frozen=True)
class PublicImage:
    """An image of an ECR Public repository (alias and address ``None`` until known)."""

    repository: str  # ECR Public's repositoryName: without the alias
    alias: str | None = None
    address: str | None = None
    tag: str | None = None
    digest: str | None = None

    @property
    def path(self) -> str:
        """The repository as the registry API and docker name it: ``ALIAS/REPO``."""
        return f"{self.alias}/{self.repository}"

    @property
    def ref(self) -> str:
        return self.digest or self.tag or "latest"

    def uri(self) -> str:
        separator = "@" if self.digest else ":"
        return f"{self.address}/{self.path}{separator}{self.ref}"


def public_image(
    registries: Registries, ref: ImageReference, *, what: str = "reference"
) -> PublicImage:
    """The ECR Public image a parsed reference names: ``HOST/ALIAS/REPO[:TAG|@DIGEST]``
    on an ECR Public host, or a bare ``REPO[:TAG|@DIGEST]`` of the caller's public
    registry; checked (ECR's rule for the name), no call made."""
    ref.for_ecr()
    if ref.host is None:
        return PublicImage(ref.repository, tag=ref.tag, digest=ref.digest)
    host = server_host(ref.host)
    if not registries.is_public(host):
        raise InvalidInput(
            f"{host} in {what} {str(ref)!r} is not an ECR Public host",
            hint="drop --public for a private registry, or write public.ecr.aws/ALIAS/REPO",
        )
    alias, name = ref.namespace()
    if alias is None:
        raise InvalidInput(
            f"{what} {str(ref)!r} names no registry alias",
            hint=f"write {host}/ALIAS/{ref.repository} "
            "(ecrctl registry show --public shows your aliases)",
        )
    return PublicImage(name, alias, host, ref.tag, ref.digest)


def existing_public_repository(
    client: Any, name: str, *, registry_id: str | None = None, action: str = "push"
) -> dict[str, Any]:
    """The public repository ``name`` an image goes to or comes from (DescribeRepositories);
    a missing one is bad input (exit 2), named, not NotFound as in ``repo``."""
    try:
        found = client.describe_repositories(repositoryNames=[name], **registry_kwargs(registry_id))
        repository: dict[str, Any] = found["repositories"][0]
        return repository
    except Exception as exc:
        if error_code(exc) != "RepositoryNotFoundException":
            raise
    registry = f"public registry {registry_id}" if registry_id else "your ECR Public registry"
    why = ": ECR Public does not create repositories on push" if action == "push" else ""
    raise InvalidInput(
        f"public repository {name!r} does not exist in {registry}{why}",
        hint=f"create it with: ecrctl repo create --public {name}",
    )


def locate_image(
    registries: Registries,
    client: Any,
    image: PublicImage,
    *,
    registry_id: str | None = None,
    registry_url: str | None = None,
    action: str = "push",
) -> tuple[PublicImage, dict[str, Any]]:
    """The image with its alias and address filled in from the repository's URI,
    and the repository; an alias the registry does not have is refused."""
    repository = existing_public_repository(
        client, image.repository, registry_id=registry_id, action=action
    )
    uri = parse_reference(repository["repositoryUri"], what="repository URI")
    alias, _ = uri.namespace()
    if image.alias and image.alias != alias:
        check_alias(client, image.alias, repository["repositoryUri"])
    address = image.address or registries.public_address(registry_url, uri.host or "")
    return replace(image, alias=image.alias or alias, address=address), repository


def check_alias(client: Any, alias: str, uri: str) -> None:
    """``alias`` must be one of the caller's registry's aliases (DescribeRegistries)."""
    from ecrctl.public.registry import alias_names, describe_registries

    names = [name for registry in describe_registries(client) for name in alias_names(registry)]
    if alias not in names:
        raise InvalidInput(
            f"alias {alias!r} is not an alias of your public registry "
            f"({', '.join(names) or 'none'})",
            hint=f"use the repository's URI: {uri}",
        )
