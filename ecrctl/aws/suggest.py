"""What to suggest when ECR answers RepositoryNotFound: the region where a repository
of that name exists, among a few the user's configuration names, else the closest
name in the registry (its first 1,000 repositories, one page). :mod:`ecrctl.aws.errors`
words them.

Installed on the ECR client as a botocore ``after-call`` handler, so every command
gets it without asking, and it runs only on that error.
"""

from __future__ import annotations

import contextlib
import re
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from ecrctl.aws.settings import AwsSettings, Resolved


class Aws(Protocol):
    """What the search needs of :class:`ecrctl.aws.clients.Aws`, which installs the
    suggestions (so this module names it without importing it)."""

    settings: AwsSettings

    def __init__(self, settings: AwsSettings | None = None) -> None: ...

    @property
    def region(self) -> str: ...

    @property
    def resolved(self) -> Resolved: ...

    @property
    def session(self) -> Any: ...

    def client(self, service: str, *, timeout: float | None = None) -> Any: ...


SUGGESTION = "ecrctlDidYouMean"  # the key added to the error's "Error" section
ELSEWHERE = "ecrctlFoundIn"  # the region where the repository exists
SEARCHED = "ecrctlSearched"  # the other regions looked in, where it does not
MAX_REGIONS = 3  # other regions asked, one DescribeRepositories each
LOOKUP_TIMEOUT = 5.0  # seconds to connect and for each read of such a call
_NAME = re.compile(r"repository with name '(?P<name>[^']+)'.*?registry with id '(?P<id>\d{12})'")


def install_suggestions(ecr: Any, aws: Aws | None = None) -> None:
    """Make ``ecr``'s RepositoryNotFound errors carry the region where the repository
    exists (looked for with ``aws``'s settings), else the closest existing name."""
    busy: list[bool] = []

    def after_call(parsed: dict[str, Any], **_: Any) -> None:
        error = parsed.get("Error") if isinstance(parsed, dict) else None
        if busy or not error or error.get("Code") != "RepositoryNotFoundException":
            return
        match = _NAME.search(str(error.get("Message", "")))
        if not match:
            return
        busy.append(True)
        try:
            searched = regions_to_search(aws) if aws is not None else []
            region = found_elsewhere(aws, searched, match["name"], match["id"]) if aws else None
            close = None if region else closest(ecr, match["name"], match["id"])
        except Exception:  # a suggestion is a courtesy: never a second failure
            searched, region, close = [], None, None
        finally:
            busy.clear()
        if region:
            error[ELSEWHERE] = region
        elif searched:
            error[SEARCHED] = ", ".join(searched)
        if close:
            error[SUGGESTION] = close

    ecr.meta.events.register("after-call.ecr", after_call)


def regions_to_search(aws: Aws) -> list[str]:
    """The other regions a missing repository is looked for in, at most
    :data:`MAX_REGIONS`: the region the environment or the profile names (when the
    command's came from --region or a mapping), then those of the AWS config file's
    profiles (the current one first). Never all of a partition's regions: one call
    per region."""
    from ecrctl.aws.settings import resolve

    here = aws.region
    named: list[str | None] = []
    with contextlib.suppress(Exception):  # an unusable default region is skipped
        named.append(resolve(aws.settings.replace(region=None)).region)
    profiles: dict[str, Any] = aws.session.full_config.get("profiles", {})
    current = profiles.get(aws.resolved.profile, {})
    named += [current.get("region")] + [p.get("region") for p in profiles.values()]
    found: list[str] = []
    for region in named:
        if isinstance(region, str) and region and region != here and region not in found:
            found.append(region)
    return found[:MAX_REGIONS]


def found_elsewhere(aws: Aws, regions: list[str], name: str, registry_id: str) -> str | None:
    """The first of ``regions`` where registry ``registry_id`` has a repository
    ``name`` (one attempt each, short timeouts)."""
    for region in regions:
        try:
            there = type(aws)(aws.settings.replace(region=region, max_attempts=1))
            client = there.client("ecr", timeout=LOOKUP_TIMEOUT)
            client.describe_repositories(repositoryNames=[name], registryId=registry_id)
        except Exception:  # not there, or that region cannot be asked
            continue
        return region
    return None


def closest(ecr: Any, name: str, registry_id: str) -> str | None:
    """The repository name nearest to ``name`` among the first 1,000 of the registry."""
    import difflib

    page = ecr.describe_repositories(registryId=registry_id, maxResults=1000)
    names = [r["repositoryName"] for r in page.get("repositories", [])]
    found = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    return found[0] if found else None
