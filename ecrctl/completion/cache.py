"""Names for shell completion: repository names and image tags/digests kept in
a small JSON file per AWS scope (profile, region, registry, endpoint).

The file is written as a side effect of ``repo list`` and ``image list`` and of
completions that had to ask AWS. Reading it costs a few milliseconds and needs
neither boto3 nor botocore. When the names are missing or older than the
maximum age, ONE AWS call (1 s connect and read timeouts, a single attempt,
the whole refresh bounded by a deadline) fetches them; any failure yields no
names and prints nothing, and a failed refresh is not retried for a while so
that repeated TAB presses do not wait again.

Path: ``$XDG_CACHE_HOME/ecrctl/completion/<scope>.json``
(``~/.cache/ecrctl/completion``). ``ECRCTL_COMPLETION_MAX_AGE`` sets the
maximum age in seconds (default 300).
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from ecrctl import paths
from ecrctl.aws.access import registry_kwargs
from ecrctl.aws.settings import AwsSettings, resolve
from ecrctl.errors import EcrctlError

FORMAT_VERSION = 1
DEFAULT_MAX_AGE = 300.0
CALL_TIMEOUT = 1.0  # seconds, connect and read, for the one AWS call
DEADLINE = 2.5  # seconds for a whole refresh: imports, credentials, the call
RETRY_PAUSE = 30.0  # seconds without a new attempt after a failed refresh
PAGE_SIZE = 1000
MAX_IMAGE_LISTS = 50  # repositories whose image lists are kept per scope

T = TypeVar("T")


@dataclass(frozen=True)
class ImageId:
    """One image as completion sees it: a tag (None when untagged) and its digest."""

    tag: str | None
    digest: str


@dataclass(frozen=True)
class CacheScope:
    """Which registry names belong to. ``None`` leaves a field to boto3's own resolution."""

    profile: str | None = None
    region: str | None = None
    registry_id: str | None = None
    endpoint_url: str | None = None
    # the settings the scope was resolved from, for its AWS client (not part of its name)
    settings: AwsSettings | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, settings: AwsSettings) -> CacheScope:
        """The scope of these settings, resolved as every AWS call resolves them."""
        settings = settings.replace()  # a copy: the CLI's options change theirs
        try:
            resolved = resolve(settings, strict=False)
        except EcrctlError:  # unreadable AWS config files: completion just finds nothing
            return cls(
                settings.profile,
                settings.region,
                settings.registry_id,
                settings.endpoint_url,
                settings,
            )
        return cls(
            resolved.named_profile,
            resolved.region,
            settings.registry_id,
            resolved.endpoint_url,
            settings,
        )

    def ecr_client(self) -> Any:
        """The ECR client any command would get under the scope's settings, from the
        one client factory (:meth:`ecrctl.aws.clients.Aws.client`), with one attempt
        and short timeouts."""
        from ecrctl.aws.clients import Aws

        settings = self.settings or AwsSettings(
            self.profile, self.region, self.endpoint_url, self.registry_id
        )
        return Aws(settings.replace(max_attempts=1)).client("ecr", timeout=CALL_TIMEOUT)

    def needs_a_prompt(self) -> bool:
        """Credentials that would ask for an MFA code cannot be fetched during completion."""
        try:
            settings = AwsSettings(profile=self.profile)
            return "mfa_serial" in resolve(settings, strict=False).profile_values
        except EcrctlError:
            return False

    def file_name(self) -> str:
        parts = [self.profile or "default", self.region or "no-region", self.registry_id or "self"]
        stem = ".".join(re.sub(r"[^A-Za-z0-9_-]+", "_", part) for part in parts)
        if self.endpoint_url:
            import hashlib

            stem += "." + hashlib.sha256(self.endpoint_url.encode()).hexdigest()[:12]
        return stem + ".json"


def cache_dir() -> Path:
    return paths.completion_cache()


def cache_path(scope: CacheScope) -> Path:
    return cache_dir() / scope.file_name()


def max_age() -> float:
    raw = os.environ.get("ECRCTL_COMPLETION_MAX_AGE", "")
    try:
        value = float(raw)
    except ValueError:
        return DEFAULT_MAX_AGE
    return value if value >= 0 else DEFAULT_MAX_AGE


# -- the file ---------------------------------------------------------------------


def load(scope: CacheScope) -> dict[str, Any]:
    """The cached data for ``scope``; an empty dict when missing, unreadable or foreign."""
    try:
        data = json.loads(cache_path(scope).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
        return {}
    return data


def _save(scope: CacheScope, data: dict[str, Any]) -> None:
    """Write atomically (temp file + rename), mode 0600; failures are ignored."""
    path = cache_path(scope)
    data["version"] = FORMAT_VERSION
    data["scope"] = {
        "profile": scope.profile,
        "region": scope.region,
        "registryId": scope.registry_id,
        "endpointUrl": scope.endpoint_url,
    }
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, separators=(",", ":"))
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        return


def _section(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _fresh(entry: Any, now: float, age: float) -> bool:
    if not isinstance(entry, dict):
        return False
    updated = entry.get("updated")
    return isinstance(updated, int | float) and updated <= now < updated + age


# -- writing: side effects of listing commands ------------------------------------------


def remember_repositories(
    scope: CacheScope,
    names: Iterable[str],
    *,
    prefix: str | None = None,
    truncated: bool = False,
    now: float | None = None,
) -> None:
    """Record the repository names a listing returned.

    A listing of every repository replaces the names and makes them fresh; a
    listing under ``prefix`` replaces only the names under it and keeps the age.
    """
    now = time.time() if now is None else now
    data = load(scope)
    old = _section(data, "repositories")
    if prefix:
        kept = [n for n in old.get("names", []) if not str(n).startswith(prefix)]
        entry = {
            "updated": old.get("updated", 0),
            "names": sorted({*kept, *names}),
            "truncated": bool(old.get("truncated")),
        }
    else:
        entry = {"updated": now, "names": sorted(set(names)), "truncated": truncated}
    data["repositories"] = entry
    _save(scope, data)


def _image_rows(images: Iterable[ImageId]) -> list[list[str | None]]:
    seen: dict[tuple[str | None, str], None] = {}
    for image in images:
        seen[(image.tag, image.digest)] = None
    return [[tag, digest] for tag, digest in seen]


def remember_images(
    scope: CacheScope,
    repository: str,
    images: Iterable[ImageId],
    *,
    complete: bool = True,
    now: float | None = None,
) -> None:
    """Record the images a listing of ``repository`` returned.

    ``complete=False`` (a filtered or limited listing) adds to what is known
    without making it fresh.
    """
    now = time.time() if now is None else now
    data = load(scope)
    lists = _section(data, "images")
    rows = _image_rows(images)
    old = lists.get(repository)
    if not complete and isinstance(old, dict):
        merged = [list(r) for r in {tuple(r): None for r in [*old.get("ids", []), *rows]}]
        entry = {"updated": old.get("updated", 0), "ids": merged}
    else:
        entry = {"updated": now if complete else 0, "ids": rows}
    lists[repository] = entry
    if len(lists) > MAX_IMAGE_LISTS:
        newest = sorted(lists, key=lambda name: lists[name].get("updated", 0), reverse=True)
        lists = {name: lists[name] for name in newest[:MAX_IMAGE_LISTS]}
    data["images"] = lists
    _save(scope, data)


# -- reading: what completion asks for ------------------------------------------------------


def known_repositories(scope: CacheScope, *, now: float | None = None) -> list[str]:
    """Every known repository name of ``scope``, refreshed by one AWS call when stale."""
    now = time.time() if now is None else now
    entry = _section(load(scope), "repositories")
    if _fresh(entry, now, max_age()):
        return [str(n) for n in entry.get("names", [])]
    fetched = _refresh(scope, "repositories", lambda: _fetch_repositories(scope), now)
    if fetched is None:
        return []
    names, truncated = fetched
    remember_repositories(scope, names, truncated=truncated, now=now)
    return sorted(set(names))


def known_images(scope: CacheScope, repository: str, *, now: float | None = None) -> list[ImageId]:
    """The tags and digests of ``repository``, refreshed by one AWS call when stale."""
    now = time.time() if now is None else now
    entry: Any = _section(load(scope), "images").get(repository)
    if _fresh(entry, now, max_age()):
        return [
            ImageId(row[0] if isinstance(row[0], str) else None, row[1])
            for row in entry.get("ids", [])
            if isinstance(row, list) and len(row) == 2 and isinstance(row[1], str)
        ]
    fetched = _refresh(scope, f"images:{repository}", lambda: _fetch_images(scope, repository), now)
    if fetched is None:
        return []
    remember_images(scope, repository, fetched, now=now)
    return list(dict.fromkeys(fetched))


def _refresh(scope: CacheScope, what: str, fetch: Callable[[], T], now: float) -> T | None:
    """Run ``fetch`` once within the deadline; None (and a pause) when it fails."""
    data = load(scope)
    pauses = _section(data, "failed")
    until = pauses.get(what)
    if isinstance(until, int | float) and now < until <= now + RETRY_PAUSE:
        return None
    if not scope.region or scope.needs_a_prompt():
        return None
    result = _within_deadline(fetch, DEADLINE)
    data = load(scope)
    pauses = _section(data, "failed")
    if result is None:
        pauses[what] = now + RETRY_PAUSE
    else:
        pauses.pop(what, None)
    data["failed"] = {k: v for k, v in pauses.items() if isinstance(v, int | float) and v > now}
    _save(scope, data)
    return result


def _within_deadline(fetch: Callable[[], T], seconds: float) -> T | None:
    """``fetch()`` in a daemon thread; None when it raises or outlives the deadline."""
    import threading

    box: list[T] = []

    def target() -> None:
        try:
            box.append(fetch())
        except Exception:
            return

    worker = threading.Thread(target=target, name="ecrctl-completion", daemon=True)
    worker.start()
    worker.join(seconds)
    return box[0] if box else None


def _fetch_repositories(scope: CacheScope) -> tuple[list[str], bool]:
    page = scope.ecr_client().describe_repositories(
        maxResults=PAGE_SIZE, **registry_kwargs(scope.registry_id)
    )
    names = [str(r["repositoryName"]) for r in page.get("repositories", [])]
    return names, bool(page.get("nextToken"))


def _fetch_images(scope: CacheScope, repository: str) -> list[ImageId]:
    page = scope.ecr_client().list_images(
        repositoryName=repository, maxResults=PAGE_SIZE, **registry_kwargs(scope.registry_id)
    )
    return [
        ImageId(i.get("imageTag"), str(i["imageDigest"]))
        for i in page.get("imageIds", [])
        if i.get("imageDigest")
    ]
