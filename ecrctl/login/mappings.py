"""ecrctl's own config file: registry host mappings.

Path: ``$ECRCTL_CONFIG``, else ``$XDG_CONFIG_HOME/ecrctl/config.toml``
(``~/.config/ecrctl/config.toml``). Example::

    [registries."127.0.0.1:5000"]
    account = "123456789012"
    region = "us-east-1"
    profile = "dev"                        # optional
    endpoint_url = "http://127.0.0.1:5001" # optional: the ECR API endpoint

    [registries."127.0.0.1:5002"]
    public = true                          # ECR Public's token (no account or region)

A top-level ``token_cache = "auto" | "keyring" | "kernel" | "file" | "off"`` says
where the token cache keeps its secrets (:mod:`ecrctl.login.token_store`).

A mapped host is served by the credential helper with that account's token, and
is the address ``login``/``image push``/``image pull`` use for that account and
region instead of the proxyEndpoint ECR returns. ``ecrctl login --helper`` adds
or replaces the table of its host and leaves the rest of the file as it was.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import NamedTuple

from ecrctl import paths
from ecrctl.errors import InvalidInput


class RegistryMapping(NamedTuple):
    host: str
    account: str
    region: str
    profile: str | None = None
    endpoint_url: str | None = None
    public: bool = False  # served with ECR Public's token


class Config:
    """The parsed file (a plain class: the credential helper loads this module
    on its fast path, where every dataclass costs time)."""

    def __init__(
        self,
        path: Path,
        registries: dict[str, RegistryMapping] | None = None,
        token_cache: str | None = None,
    ) -> None:
        self.path = path
        self.registries: dict[str, RegistryMapping] = dict(registries or {})
        self.token_cache = token_cache

    def __repr__(self) -> str:
        return f"Config(path={self.path!r}, registries={self.registries!r})"

    def host_for(self, account: str, region: str) -> str | None:
        for mapping in self.registries.values():
            if mapping.account == account and mapping.region == region:
                return mapping.host
        return None

    def mapping_for(self, host: str) -> RegistryMapping | None:
        return self.registries.get(host)


def config_path() -> Path:
    return paths.ecrctl_config_file()


def load_config(path: Path | None = None) -> Config:
    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config(path)
    except IsADirectoryError:
        raise InvalidInput(
            f"ecrctl config file {path} is a directory",
            hint="remove it, or point ECRCTL_CONFIG at a file",
        ) from None
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"ecrctl config file {path} is not UTF-8 text: {exc}", hint="fix or remove the file"
        ) from None
    import tomllib

    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(
            f"ecrctl config file {path} is not valid TOML: {exc}", hint="fix or remove the file"
        ) from None
    config = Config(path, token_cache=_token_cache(path, raw.get("token_cache")))
    registries = raw.get("registries") or {}
    if not isinstance(registries, dict):
        raise InvalidInput(
            f'{path}: registries must be tables such as [registries."127.0.0.1:5000"]',
            hint="fix or remove the file",
        )
    for host, entry in registries.items():
        config.registries[host] = _mapping(path, host, entry)
    return config


def _token_cache(path: Path, value: object) -> str | None:
    from ecrctl.login.token_store import check_mode

    if value is None:
        return None
    return check_mode(value if isinstance(value, str) else repr(value), f"{path}: token_cache")


def _mapping(path: Path, host: str, entry: object) -> RegistryMapping:
    from ecrctl.aws.regions import check_endpoint_url, check_region
    from ecrctl.distribution.refs import REGISTRY_ID

    if not isinstance(entry, dict):
        raise InvalidInput(f"{path}: registries.{host!r} must be a table")
    public = entry.get("public") is True
    account = entry.get("account", "")
    region = entry.get("region", "us-east-1" if public else "")
    if not public and (
        not isinstance(account, str) or not REGISTRY_ID.fullmatch(account) or not region
    ):
        raise InvalidInput(
            f"{path}: registries.{host!r} needs account (12 digits, quoted) and region",
            hint='e.g. account = "123456789012", region = "us-east-1" (or public = true)',
        )
    for key in ("region", "profile", "endpoint_url"):
        if key in entry and not (isinstance(entry[key], str) and entry[key]):
            raise InvalidInput(
                f"{path}: registries.{host!r}: {key} must be a non-empty string",
                hint=f'e.g. {key} = "..." (quoted), or remove it',
            )
    where = f"{path} registries.{host!r}"
    check_region(region, where)
    if entry.get("endpoint_url"):
        check_endpoint_url(entry["endpoint_url"], where)
    return RegistryMapping(
        host=host,
        account=str(account),
        region=region,
        profile=entry.get("profile"),
        endpoint_url=entry.get("endpoint_url"),
        public=public,
    )


def _table_header(host: str) -> str:
    return f"[registries.{json.dumps(host)}]"


def render_mapping(mapping: RegistryMapping) -> str:
    lines = [_table_header(mapping.host)]
    if mapping.public:
        lines.append("public = true")
    else:
        lines.append(f"account = {json.dumps(mapping.account)}")
        lines.append(f"region = {json.dumps(mapping.region)}")
    if mapping.profile:
        lines.append(f"profile = {json.dumps(mapping.profile)}")
    if mapping.endpoint_url:
        lines.append(f"endpoint_url = {json.dumps(mapping.endpoint_url)}")
    return "\n".join(lines) + "\n"


_HEADER = re.compile(r"^\s*\[")


def _without_table(text: str, host: str) -> str:
    """``text`` without the ``[registries."HOST"]`` table (any quoting of HOST)."""
    out: list[str] = []
    skipping = False
    for line in text.splitlines(keepends=True):
        if _HEADER.match(line):
            skipping = _names_host(line, host)
        if not skipping:
            out.append(line)
    return "".join(out)


def _names_host(header: str, host: str) -> bool:
    import tomllib

    try:
        parsed = tomllib.loads(header.strip() + "\n")
    except tomllib.TOMLDecodeError:
        return False
    registries = parsed.get("registries")
    return isinstance(registries, dict) and list(registries) == [host]


def save_mapping(mapping: RegistryMapping, path: Path | None = None) -> Path:
    """Add or replace the table of ``mapping.host``, keeping every other line."""
    from ecrctl.atomicfile import locked, write_atomic

    path = path or config_path()
    with locked(path.parent):
        load_config(path)  # refuse to edit a file that does not parse
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            text = ""
        text = _without_table(text, mapping.host).rstrip("\n")
        text = (text + "\n\n" if text else "") + render_mapping(mapping)
        write_atomic(path, text.encode("utf-8"))
    return path


def remove_mapping(host: str, path: Path | None = None) -> bool:
    """Remove the table of ``host``; False when there was none."""
    from ecrctl.atomicfile import locked, write_atomic

    path = path or config_path()
    with locked(path.parent):
        if host not in load_config(path).registries:
            return False
        text = _without_table(path.read_text(encoding="utf-8"), host)
        write_atomic(path, (text.rstrip("\n") + "\n").lstrip("\n").encode("utf-8"))
    return True
