"""ECR Public repositories (``ecr-public``, served only in us-east-1), with their
catalog data: description, about, usage, architectures, operating systems.

ECR Public has no lifecycle policies, no BatchGetImage and no tag-only delete:
:data:`LACKS` says so in one line each, for the CLI to print.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ecrctl.aws.access import items, registry_kwargs
from ecrctl.distribution.hosts import PUBLIC_REGION
from ecrctl.errors import InvalidInput

if TYPE_CHECKING:
    from ecrctl.aws.clients import Aws

ARCHITECTURES = ("ARM", "ARM 64", "x86", "x86-64")
OPERATING_SYSTEMS = ("Linux", "Windows")
TEXT_LIMITS = {"description": 1024, "aboutText": 25600, "usageText": 25600}
LACKS = {
    "lifecycle": "ECR Public has no lifecycle policies: delete old images with "
    "`ecrctl image delete --public REPO DIGEST`",
    "batch_get_image": "ECR Public has no BatchGetImage: read manifests through the registry API",
    "tag_delete": "ECR Public has no tag-only delete: deleting a tag deletes its image and "
    "every tag; name the image by digest",
}


def public_client(aws: Aws) -> Any:
    """An ``ecr-public`` client in us-east-1, whatever region the rest uses."""
    from ecrctl.aws.clients import Aws

    public = Aws(aws.settings.replace(region=PUBLIC_REGION))
    return public.client("ecr-public")


def catalog_data(
    *,
    description: str | None = None,
    about: str | None = None,
    usage: str | None = None,
    architectures: tuple[str, ...] = (),
    operating_systems: tuple[str, ...] = (),
) -> dict[str, Any]:
    """CreateRepository's ``catalogData``, checked before anything is sent."""
    data: dict[str, Any] = {}
    for key, value in (("description", description), ("aboutText", about), ("usageText", usage)):
        if value is None:
            continue
        if len(value) > TEXT_LIMITS[key]:
            raise InvalidInput(
                f"{key} has {len(value)} characters, more than ECR Public's {TEXT_LIMITS[key]}",
                hint="shorten it",
            )
        data[key] = value
    data.update(_choices("architecture", architectures, ARCHITECTURES, "architectures"))
    data.update(
        _choices("operating system", operating_systems, OPERATING_SYSTEMS, "operatingSystems")
    )
    return data


def _choices(
    what: str, given: tuple[str, ...], allowed: tuple[str, ...], key: str
) -> dict[str, Any]:
    by_lower = {a.lower(): a for a in allowed}
    chosen = []
    for value in given:
        if value.lower() not in by_lower:
            raise InvalidInput(
                f"{what} {value!r} is not one ECR Public knows",
                hint="use one of: " + ", ".join(allowed),
            )
        chosen.append(by_lower[value.lower()])
    return {key: list(dict.fromkeys(chosen))} if chosen else {}


def list_repositories(
    client: Any, prefix: str | None = None, *, registry_id: str | None = None
) -> list[dict[str, Any]]:
    """Every public repository of the registry (whose name starts with ``prefix``)."""
    found = items(client, "describe_repositories", "repositories", **registry_kwargs(registry_id))
    return [r for r in found if not prefix or r["repositoryName"].startswith(prefix)]


def create_repository(
    client: Any, name: str, catalog: dict[str, Any], *, tags: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"repositoryName": name, "catalogData": catalog}
    if tags:
        kwargs["tags"] = tags
    answer = client.create_repository(**kwargs)
    return {**answer["repository"], "catalogData": answer.get("catalogData", {})}


def show_repository(client: Any, name: str, *, registry_id: str | None = None) -> dict[str, Any]:
    """The repository, its catalog data, image count and total size."""
    kwargs = registry_kwargs(registry_id)
    repository = client.describe_repositories(repositoryNames=[name], **kwargs)["repositories"][0]
    catalog = client.get_repository_catalog_data(repositoryName=name, **kwargs)
    images = list(items(client, "describe_images", "imageDetails", repositoryName=name, **kwargs))
    return {
        "repository": repository,
        "catalogData": catalog.get("catalogData", {}),
        "imageCount": len(images),
        "totalSizeInBytes": sum(i.get("imageSizeInBytes") or 0 for i in images),
    }


def delete_repository(
    client: Any, name: str, *, force: bool, registry_id: str | None = None
) -> dict[str, Any]:
    answer = client.delete_repository(
        repositoryName=name, force=force, **registry_kwargs(registry_id)
    )
    repository: dict[str, Any] = answer["repository"]
    return repository
