"""Dynamic shell completion for ecrctl's arguments and options.

Two ways to give a parameter completion:

- explicitly: ``type=REPOSITORY`` (or ``IMAGE_REF``), or ``shell_complete=`` one
  of the ``complete_*`` functions below, or ``complete_names("module:attr")``;
- by its name or metavar, with nothing to write: a plain string parameter named
  ``repo``/``repository`` (metavar ``REPO``) completes repository names, ``ref``
  (metavar ``REF``, or ``source`` next to a repository) the tags and digests of
  that repository, ``[HOST/]REPO[:TAG|@DIGEST]`` an image reference, ``host`` (metavar
  ``HOST``) registry hosts, a metavar containing ``FILE`` (or the name ``file``)
  paths. See :func:`completer_for`.

Everything here is cheap to import (click and the standard library); names
come from :mod:`ecrctl.completion.cache`, which asks AWS only when its cache is
missing or stale. Completion never prints errors: a failing completer yields
no candidates.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click
from click.shell_completion import (
    CompletionItem,
)

from ecrctl import paths
from ecrctl.aws.settings import AwsSettings, profile_names
from ecrctl.cli.app import App
from ecrctl.completion import cache as completion_cache
from ecrctl.completion.cache import CacheScope, ImageId

DIGEST_PREFIX = "sha256:"


def scope_of(settings: AwsSettings) -> CacheScope:
    """The cache scope for these global options (env and AWS config fill the gaps)."""
    return CacheScope.of(settings)


def _scope(ctx: click.Context) -> CacheScope:
    app = ctx.find_object(App)
    return scope_of(app.settings if app is not None else AwsSettings())


# -- side effects of listing commands ------------------------------------------------------


def remember_repositories(
    app: App, repositories: Iterable[dict[str, Any]], *, prefix: str | None = None
) -> None:
    """Keep the names a ``repo list`` returned for completion (never fails the command)."""
    try:
        names = [str(r["repositoryName"]) for r in repositories]
        completion_cache.remember_repositories(scope_of(app.settings), names, prefix=prefix)
    except Exception:
        return


def remember_images(
    app: App, repository: str, images: Iterable[dict[str, Any]], *, complete: bool = True
) -> None:
    """Keep the tags and digests an ``image list`` returned for completion.

    ``images`` are imageDetails (``imageTags`` list) or imageIds (``imageTag``).
    Pass ``complete=False`` when the listing was filtered or limited.
    """
    try:
        ids: list[ImageId] = []
        for image in images:
            digest = str(image["imageDigest"])
            tags = image.get("imageTags")
            if tags is None:
                tags = [image["imageTag"]] if image.get("imageTag") else []
            ids.extend(ImageId(str(tag), digest) for tag in tags)
            if not tags:
                ids.append(ImageId(None, digest))
        completion_cache.remember_images(scope_of(app.settings), repository, ids, complete=complete)
    except Exception:
        return


# -- completers ------------------------------------------------------------------------------


def complete_repositories(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Repository names of the current profile/region/registry."""
    names = completion_cache.known_repositories(_scope(ctx))
    return [CompletionItem(n) for n in names if n.startswith(incomplete)]


def _ref_items(
    images: list[ImageId],
    incomplete: str,
    *,
    prefix: str = "",
    tags: bool = True,
    digests: bool | None = None,
) -> list[CompletionItem]:
    """Tags (help: their digest), and digests (help: their tags).

    ``digests=None``: digests only once the word looks like one (``s``, ``sha256:...``).
    """
    by_tag: dict[str, str] = {}
    by_digest: dict[str, list[str]] = {}
    for image in images:
        by_digest.setdefault(image.digest, [])
        if image.tag:
            by_tag[image.tag] = image.digest
            by_digest[image.digest].append(image.tag)
    if digests is None:
        digests = bool(incomplete) and (
            DIGEST_PREFIX.startswith(incomplete) or incomplete.startswith(DIGEST_PREFIX)
        )
    items: list[CompletionItem] = []
    if tags:
        items += [
            CompletionItem(prefix + tag, help=digest[:19])
            for tag, digest in sorted(by_tag.items())
            if tag.startswith(incomplete)
        ]
    if digests:
        items += [
            CompletionItem(prefix + digest, help=", ".join(sorted(names)) or "untagged")
            for digest, names in sorted(by_digest.items())
            if digest.startswith(incomplete)
        ]
    return items


def _repository_in(ctx: click.Context) -> str | None:
    """The repository already given on the command line (the first repository parameter)."""
    for param in ctx.command.get_params(ctx):
        if param is None or not _is_repository_param(param):
            continue
        value = ctx.params.get(param.name or "")
        if isinstance(value, str) and value:
            return value
    return None


def complete_image_refs(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Tags (and digests) of the repository given earlier on the command line."""
    repository = _repository_in(ctx)
    if repository is None:
        return []
    return _ref_items(completion_cache.known_images(_scope(ctx), repository), incomplete)


def complete_image_spec(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """``REPO``, then ``REPO:TAG`` or ``REPO@DIGEST`` once the separator is typed
    (a ``[HOST/]`` in front is kept, and the repository's names are offered)."""
    from ecrctl.distribution.reference import partial_reference

    typed = partial_reference(incomplete)
    if not typed.separator:
        return complete_repositories(ctx, param, incomplete)
    images = completion_cache.known_images(_scope(ctx), typed.repository)
    prefix = typed.name + typed.separator
    if typed.separator == ":":
        return _ref_items(images, typed.rest, prefix=prefix, digests=False)
    if not DIGEST_PREFIX.startswith(typed.rest) and not typed.rest.startswith(DIGEST_PREFIX):
        return []
    return _ref_items(images, typed.rest, prefix=prefix, tags=False, digests=True)


def complete_profiles(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Profiles from the AWS config and credentials files."""
    return [CompletionItem(p) for p in profile_names() if p.startswith(incomplete)]


def _regions() -> dict[str, str]:
    """Region -> description, from botocore's partition data (read as a file, not imported)."""
    import importlib.util

    spec = importlib.util.find_spec("botocore")
    if spec is None or spec.origin is None:
        return {}
    path = Path(spec.origin).parent / "data" / "partitions.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    regions: dict[str, str] = {}
    for partition in data.get("partitions", []):
        for name, info in partition.get("regions", {}).items():
            if not name.endswith("-global"):
                regions[name] = str(info.get("description", ""))
    return regions


def complete_regions(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """AWS regions, with their descriptions."""
    return [
        CompletionItem(name, help=description or None)
        for name, description in sorted(_regions().items())
        if name.startswith(incomplete)
    ]


def registry_hosts() -> list[str]:
    """ECR hosts in the docker config (every form: FIPS, dual-stack, China, the isolated
    partitions, ECR Public), and hosts mapped in ecrctl's config file."""
    from ecrctl.distribution.hosts import parse_registry_host

    hosts: set[str] = set()
    try:
        docker = json.loads(paths.docker_config_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        docker = {}
    mapped: set[str] = set()
    try:
        from ecrctl.login.mappings import load_config

        mapped = set(load_config().registries)
    except Exception:
        mapped = set()
    helpers = docker.get("credHelpers") if isinstance(docker, dict) else None
    auths = docker.get("auths") if isinstance(docker, dict) else None
    for section in (auths, helpers):
        if isinstance(section, dict):
            for key in section:
                host = str(key).split("://", 1)[-1].rstrip("/")
                if parse_registry_host(host) or host in mapped:
                    hosts.add(host)
    if isinstance(helpers, dict):
        hosts.update(h for h, v in helpers.items() if v in {"ecrctl", "ecr-login"})
    return sorted(hosts | mapped)


def complete_hosts(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Registry hosts ecrctl can log in to or out of."""
    return [CompletionItem(h) for h in registry_hosts() if h.startswith(incomplete)]


def complete_files(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Paths, completed by the shell itself."""
    return [CompletionItem(incomplete, type="file")]


# -- parameters by name or metavar ----------------------------------------------------

REPOSITORY_NAMES = {"repo", "repos", "repository", "repositories", "repository_name"}
REF_NAMES = {"ref", "refs", "image_ref", "reference", "references"}
HOST_NAMES = {"host", "hosts", "registry_host", "server"}
FILE_NAMES = {"file", "files", "path", "filename"}


def _metavar_word(param: click.Parameter) -> str | None:
    """``[REPO]...`` -> ``REPO``, ``[HOST/]REPO[:TAG]`` -> ``REPO[:TAG`` (a reference's
    optional host is part of what its completer completes); None when no metavar."""
    if not param.metavar:
        return None
    return param.metavar.strip("[]. ").upper().removeprefix("HOST/]")


def _is_repository_param(param: click.Parameter) -> bool:
    if getattr(param.type, "name", None) == "repository":  # paramtypes.RepositoryName
        return True
    if not _plain(param):
        return False
    word = _metavar_word(param)
    if word is not None:
        return word in {"REPO", "REPOSITORY", "REPO_NAME", "REPOSITORY_NAME"}
    return (param.name or "") in REPOSITORY_NAMES


def _plain(param: click.Parameter) -> bool:
    """A string parameter nobody gave a completer to."""
    # click keeps ``shell_complete=`` in the private ``_custom_shell_complete`` (click
    # 8.5.1) and has no public way to ask whether one was given; pinned by
    # tests/cli/test_click_private_api.py.
    custom = getattr(param, "_custom_shell_complete", None)
    return custom is None and isinstance(
        param.type, click.types.StringParamType | click.types.UnprocessedParamType
    )
