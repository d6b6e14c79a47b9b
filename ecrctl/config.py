"""ecrctl's own config file: registry host mappings.

Path: ``$ECRCTL_CONFIG``, else ``$XDG_CONFIG_HOME/ecrctl/config.toml``
(``~/.config/ecrctl/config.toml``). Example::

    [registries."127.0.0.1:5000"]
    account = "123456789012"
    region = "us-east-1"
    profile = "dev"                        # optional
    endpoint_url = "http://127.0.0.1:5001" # optional: the ECR API endpoint

A mapped host is served by the credential helper with that account's token, and
is the address ``login``/``image push``/``image pull`` use for that account and
region instead of the proxyEndpoint ECR returns.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ecrctl.errors import InvalidInput
from ecrctl.validation import REGISTRY_ID


@dataclass(frozen=True)
class RegistryMapping:
    host: str
    account: str
    region: str
    profile: str | None = None
    endpoint_url: str | None = None


@dataclass
class Config:
    path: Path
    registries: dict[str, RegistryMapping] = field(default_factory=dict)

    def host_for(self, account: str, region: str) -> str | None:
        for mapping in self.registries.values():
            if mapping.account == account and mapping.region == region:
                return mapping.host
        return None


def config_path() -> Path:
    explicit = os.environ.get("ECRCTL_CONFIG")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "ecrctl" / "config.toml"


def load_config(path: Path | None = None) -> Config:
    path = path or config_path()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Config(path)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(
            f"ecrctl config file {path} is not valid TOML: {exc}", hint="fix or remove the file"
        ) from None
    config = Config(path)
    for host, entry in (raw.get("registries") or {}).items():
        if not isinstance(entry, dict):
            raise InvalidInput(f"{path}: registries.{host!r} must be a table")
        account = str(entry.get("account", ""))
        region = str(entry.get("region", ""))
        if not REGISTRY_ID.fullmatch(account) or not region:
            raise InvalidInput(
                f"{path}: registries.{host!r} needs account (12 digits) and region",
                hint='e.g. account = "123456789012", region = "us-east-1"',
            )
        config.registries[host] = RegistryMapping(
            host=host,
            account=account,
            region=region,
            profile=entry.get("profile"),
            endpoint_url=entry.get("endpoint_url"),
        )
    return config
