"""The one resolver of AWS settings: profile, region, ECR endpoint, retries and
the credential source, with botocore's precedence.

Everything that needs one of these asks :func:`resolve`: the client factory,
login, the token cache, the credential helper and completion. The answer is
what botocore itself would use, decided without importing botocore (the
credential helper's cache hit must stay fast):

- profile: ``--profile`` (or a config-file mapping), else ``AWS_DEFAULT_PROFILE``,
  else ``AWS_PROFILE``, else ``default``;
- region: ``--region``, else ``AWS_DEFAULT_REGION``, else the profile's ``region``,
  else ``AWS_REGION`` (read by the AWS CLI v2 and the other SDKs, not by botocore);
- ECR endpoint: ``--endpoint-url``, else ``AWS_ENDPOINT_URL_ECR``, else
  ``AWS_ENDPOINT_URL``, else the profile's ``services`` section (``ecr =
  endpoint_url = ...``), else the profile's ``endpoint_url``; none of the
  configured ones when ``AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`` (or the profile's
  ``ignore_configured_endpoint_urls``) is true;
- attempts: ``--max-attempts``, else ``ECRCTL_MAX_ATTEMPTS``, else
  ``AWS_MAX_ATTEMPTS``, else the profile's ``max_attempts``, else 5; retry mode:
  ``AWS_RETRY_MODE``, else the profile's ``retry_mode``, else ``standard``;
- credential source: an explicit profile, else the access key in the
  environment, else the resolved profile (botocore ignores environment keys
  when a profile is passed explicitly).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cached_property
from typing import Any, NamedTuple

from ecrctl import paths
from ecrctl.aws.regions import check_endpoint_url, check_region
from ecrctl.errors import InvalidInput

DEFAULT_MAX_ATTEMPTS = 5
RETRY_MODES = ("legacy", "standard", "adaptive")


class AwsSettings:
    """What the user asked for (options, a config-file mapping); ``None``: not given.

    A plain class, not a dataclass: the credential helper's cache hit builds one,
    and importing ``dataclasses`` (with ``inspect``) costs it about 9 ms.
    """

    __slots__ = ("endpoint_url", "given_by", "max_attempts", "profile", "region", "registry_id")

    def __init__(
        self,
        profile: str | None = None,
        region: str | None = None,
        endpoint_url: str | None = None,
        registry_id: str | None = None,
        max_attempts: int | None = None,
        given_by: str = "--profile",  # where an explicit profile came from, for messages
    ) -> None:
        self.profile = profile
        self.region = region
        self.endpoint_url = endpoint_url
        self.registry_id = registry_id
        self.max_attempts = max_attempts
        self.given_by = given_by

    def replace(self, **changes: Any) -> AwsSettings:
        values = {name: getattr(self, name) for name in self.__slots__}
        values.update(changes)
        return AwsSettings(**values)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, AwsSettings):
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n) for n in self.__slots__)

    __hash__ = None  # type: ignore[assignment]  # mutable: the CLI's options set it

    def __repr__(self) -> str:
        given = ", ".join(f"{n}={getattr(self, n)!r}" for n in self.__slots__)
        return f"AwsSettings({given})"


class Resolved(NamedTuple):
    """The settings in force, and where each came from (for messages and ``doctor``)."""

    profile: str  # "default" when none is named
    profile_from: str  # "--profile" (or a mapping), "AWS_DEFAULT_PROFILE", "AWS_PROFILE", "default"
    region: str | None
    region_from: str | None
    endpoint_url: str | None  # the ECR API endpoint, None for AWS's own
    endpoint_from: str | None
    max_attempts: int
    retry_mode: str
    registry_id: str | None = None
    environ: Mapping[str, str] = {}
    profile_values: Mapping[str, str] = {}

    @property
    def explicit_profile(self) -> bool:
        """A profile given to botocore by name (it then ignores environment keys)."""
        return self.profile_from not in {"AWS_DEFAULT_PROFILE", "AWS_PROFILE", "default"}

    @property
    def profile_arg(self) -> str | None:
        """The profile to hand botocore's Session (``None``: let it read the environment)."""
        return self.profile if self.explicit_profile else None

    @property
    def named_profile(self) -> str | None:
        """The profile the user named anywhere, ``None`` for the default one."""
        return None if self.profile_from == "default" else self.profile

    def credential_source(self) -> str:
        """What identifies the caller's AWS credentials without asking AWS.

        For profiles, the AWS config files' modification times are part of it, so
        editing a profile forgets the identity remembered for it.
        """
        key_id = self.environ.get("AWS_ACCESS_KEY_ID")
        if not self.explicit_profile and key_id:
            source = f"key={key_id}"
        else:
            source = f"profile={self.profile}"
            for name in (paths.aws_config_file(), paths.aws_credentials_file()):
                try:
                    source += f" {name}@{os.stat(name).st_mtime_ns}"
                except OSError:
                    source += f" {name}@-"
        if self.endpoint_url:
            source += f" endpoint={self.endpoint_url}"
        return source


class _Profiles:
    """The shared config and credentials files, read only when a value is asked for."""

    def __init__(self) -> None:
        self._sections: dict[str, dict[str, str]] | None = None

    @cached_property
    def sections(self) -> dict[str, dict[str, str]]:
        found: dict[str, dict[str, str]] = {}
        config = paths.aws_config_file()
        creds = paths.aws_credentials_file()
        for path, is_config in ((config, True), (creds, False)):
            if not path.is_file():
                continue
            for name, values in _read_ini(path).items():
                if (
                    is_config
                    and name != "default"
                    and not name.startswith(("profile ", "services "))
                ):
                    continue  # botocore ignores "[name]" without "profile " in the config file
                key = name[len("profile ") :] if is_config and name.startswith("profile ") else name
                found.setdefault(key, {}).update(values)
        return found

    def profile(self, name: str) -> dict[str, str] | None:
        return self.sections.get(name) if not name.startswith("services ") else None

    def services(self, name: str) -> dict[str, str]:
        return self.sections.get(f"services {name}", {})


def profile_names() -> list[str]:
    """Every profile named in the AWS config and credentials files, sorted (for completion:
    a file that cannot be parsed adds no names)."""
    names: set[str] = set()
    for path, is_config in ((paths.aws_config_file(), True), (paths.aws_credentials_file(), False)):
        try:
            sections = _read_ini(path) if path.is_file() else {}
        except (InvalidInput, OSError):
            continue
        for name in sections:
            if not is_config:
                names.add(name.strip())
            elif name == "default" or name.startswith("profile "):
                names.add(name.removeprefix("profile ").strip())
    return sorted(name for name in names if name)


def _read_ini(path: os.PathLike[str]) -> dict[str, dict[str, str]]:
    import configparser

    parser = configparser.RawConfigParser(interpolation=None, strict=False)
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError) as exc:
        raise InvalidInput(
            f"cannot parse the AWS config file {path}: {str(exc).splitlines()[0]}",
            hint="fix the file (see: aws configure list)",
        ) from None
    return {s: dict(parser.items(s)) for s in parser.sections()}


def _nested(value: str) -> dict[str, str]:
    """``ecr =\\n  endpoint_url = URL`` (an indented sub-section) as a dict."""
    found: dict[str, str] = {}
    for line in value.splitlines():
        key, sep, item = line.partition("=")
        if sep:
            found[key.strip()] = item.strip()
    return found


def _first(*pairs: tuple[str | None, str]) -> tuple[str | None, str | None]:
    for value, origin in pairs:
        if value:
            return value, origin
    return None, None


def _attempts(raw: str, origin: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise InvalidInput(
            f"{origin}={raw!r} is not a whole number >= 1", hint="set it to e.g. 5, or unset it"
        )
    return value


def resolve(
    settings: AwsSettings, environ: Mapping[str, str] | None = None, *, strict: bool = True
) -> Resolved:
    """The AWS settings in force for ``settings`` in this environment.

    A named profile that does not exist is an error (as in botocore); with
    ``strict=False`` (completion) it reads as an empty one.
    """
    env = os.environ if environ is None else environ
    profile_name, profile_from = _first(
        (settings.profile, settings.given_by),
        (env.get("AWS_DEFAULT_PROFILE"), "AWS_DEFAULT_PROFILE"),
        (env.get("AWS_PROFILE"), "AWS_PROFILE"),
    )
    files = _Profiles()
    profile = profile_name or "default"
    lazy: dict[str, Any] = {}

    def scoped() -> dict[str, str]:
        if "scoped" not in lazy:
            found = files.profile(profile)
            if found is None and profile_name and strict:
                raise InvalidInput(
                    f"AWS profile {profile!r} (from {profile_from}) is not in "
                    f"{paths.aws_config_file()} or {paths.aws_credentials_file()}",
                    hint=f"check the name, or create it: aws configure --profile {profile}",
                )
            lazy["scoped"] = found or {}
        result: dict[str, str] = lazy["scoped"]
        return result

    if profile_name:
        scoped()  # a named profile must exist, whatever is read from it
    region, region_from = _first(
        (settings.region, "--region"), (env.get("AWS_DEFAULT_REGION"), "AWS_DEFAULT_REGION")
    )
    if region is None:
        region, region_from = _first(
            (scoped().get("region"), f"profile {profile}"), (env.get("AWS_REGION"), "AWS_REGION")
        )
    if region is not None:
        check_region(region, str(region_from))
    endpoint, endpoint_from = _endpoint(settings, env, scoped, files)
    if endpoint is not None:
        check_endpoint_url(endpoint, str(endpoint_from))
    return Resolved(
        profile=profile,
        profile_from=profile_from or "default",
        region=region,
        region_from=region_from,
        endpoint_url=endpoint,
        endpoint_from=endpoint_from,
        max_attempts=_max_attempts(settings, env, scoped),
        retry_mode=_retry_mode(env, scoped),
        registry_id=settings.registry_id,
        environ=dict(env),
        profile_values=dict(scoped()),
    )


def _endpoint(
    settings: AwsSettings, env: Mapping[str, str], scoped: Any, files: _Profiles
) -> tuple[str | None, str | None]:
    if settings.endpoint_url:
        return settings.endpoint_url, "--endpoint-url"
    ignore = env.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
    if ignore is None:
        ignore = scoped().get("ignore_configured_endpoint_urls", "")
    if ignore.lower() == "true":  # botocore's reading: "1" or "yes" is not true
        return None, None
    found = _first(
        (env.get("AWS_ENDPOINT_URL_ECR"), "AWS_ENDPOINT_URL_ECR"),
        (env.get("AWS_ENDPOINT_URL"), "AWS_ENDPOINT_URL"),
    )
    if found[0]:
        return found
    profile: dict[str, str] = scoped()
    section = profile.get("services")
    service = _nested(files.services(section).get("ecr", "")) if section else {}
    return _first(
        (service.get("endpoint_url"), f"services {section}"),
        (profile.get("endpoint_url"), "profile"),
    )


def _max_attempts(settings: AwsSettings, env: Mapping[str, str], scoped: Any) -> int:
    if settings.max_attempts is not None:
        return settings.max_attempts
    for variable in ("ECRCTL_MAX_ATTEMPTS", "AWS_MAX_ATTEMPTS"):
        raw = env.get(variable)
        if raw:
            return _attempts(raw, variable)
    raw = scoped().get("max_attempts")
    return _attempts(raw, "max_attempts in the AWS profile") if raw else DEFAULT_MAX_ATTEMPTS


def _retry_mode(env: Mapping[str, str], scoped: Any) -> str:
    raw, origin = _first((env.get("AWS_RETRY_MODE"), "AWS_RETRY_MODE"))
    if raw is None:
        raw, origin = _first((scoped().get("retry_mode"), "retry_mode in the AWS profile"))
    if raw is None:
        return "standard"
    if raw not in RETRY_MODES:
        raise InvalidInput(
            f"{origin}={raw!r} is not a retry mode", hint=f"use one of {', '.join(RETRY_MODES)}"
        )
    return raw
