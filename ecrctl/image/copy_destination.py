"""The destination of an image copy: its repository checked once (through the
registry API where it answers, else DescribeRepositories), created on request,
and its tag immutability read only when it matters."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ecrctl.aws.access import error_code, registry_kwargs
from ecrctl.distribution.content import manifest_digest, scope
from ecrctl.distribution.refs import check_repository_name
from ecrctl.errors import InvalidInput

if TYPE_CHECKING:
    from ecrctl.distribution.client import RegistryClient
    from ecrctl.login.endpoint import Endpoint

IMMUTABLE = ("IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION")
# the answers to a repository probe that leave the question to the ECR API
ANY_ANSWER = (200, 400, 403, 404, 405)


@dataclass
class Destination:
    """The destination repository, checked once. Whether its tags are immutable is
    read from the ECR API when it first matters (a tag there points elsewhere)."""

    endpoint: Endpoint
    client: RegistryClient
    repository: str
    created: bool = False
    exists: bool = True
    mutability: str | None = None  # imageTagMutability, once read
    # what a tag named, read beside the source (None: nothing); used once, by the copy
    seen: dict[str, str | None] = field(default_factory=dict)

    def immutable(self) -> bool:
        ep = self.endpoint
        if ep.aws is None or not self.exists:
            return False
        if self.mutability is None:
            found = _describe(ep, self.repository) or {}
            self.mutability = str(found.get("imageTagMutability", "MUTABLE"))
        return self.mutability in IMMUTABLE


def check_destination(ep: Endpoint, repository: str, tag: str | None = None) -> Destination:
    """The destination, with its repository checked where an ECR API stands behind it
    (``exists`` False: missing). Reads only: safe to run beside the source's reads.

    ``tag``: what it names there is read first (``seen``); a repository that holds
    it exists, and a rerun that finds its image there asks nothing more. A
    repository the registry API lists (``tags/list`` answers 200) exists, and no
    ECR API call is made: a copy served from the token cache needs no botocore.
    Any other answer (ECR's NAME_UNKNOWN, a denied list, a server that keeps its
    repositories elsewhere) is settled by DescribeRepositories."""
    if ep.is_ecr:
        check_repository_name(repository)
    dest = Destination(ep, ep.client(), repository)
    if tag is not None:
        dest.seen[tag] = manifest_digest(dest.client, repository, tag)
    if ep.aws is None or dest.seen.get(tag or "") or _listed(dest):
        return dest
    found = _describe(ep, repository)
    if found is None:
        dest.exists = False
    else:
        dest.mutability = found.get("imageTagMutability", "MUTABLE")
    return dest


def _listed(dest: Destination) -> bool:
    path = f"/v2/{dest.repository}/tags/list?n=1"
    answer = dest.client.request("GET", path, scope=scope(dest.repository), ok=ANY_ANSWER)
    answer.close()
    return answer.status_code == 200


def _describe(ep: Endpoint, repository: str) -> dict[str, Any] | None:
    """The repository as DescribeRepositories gives it; ``None`` when there is none."""
    assert ep.aws is not None
    try:
        answer = ep.aws.ecr.describe_repositories(
            repositoryNames=[repository], **registry_kwargs(ep.registry_id)
        )
        found = dict(answer["repositories"][0])
    except Exception as exc:
        if error_code(exc) != "RepositoryNotFoundException":
            raise
        return None
    return found


def open_destination(dest: Destination, *, create: bool, dry_run: bool) -> Destination:
    """A missing ECR destination repository: exit 2 with the hint, or created."""
    if dest.exists:
        return dest
    ep = dest.endpoint
    if not create:
        raise InvalidInput(
            f"destination repository {dest.repository!r} does not exist in registry "
            f"{ep.registry_id} (region {ep.region}); ECR does not create repositories on push",
            hint="pass --create to create it",
        )
    if not dry_run and ep.aws is not None:
        from ecrctl.repo.repository import create_repository

        create_repository(ep.aws.ecr, dest.repository, registry_id=ep.registry_id)
    dest.created = True
    dest.exists = True
    return dest
