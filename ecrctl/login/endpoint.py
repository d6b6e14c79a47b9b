"""A registry to talk to: the resolver's answer for a host with the credential
its source gives, and the registry client over both.

Which side serves a host, and where its credential comes from, is decided once
by :mod:`ecrctl.login.registries`; here the credential is fetched: an ECR token
from that answer's own Aws (through the token cache, once per command), the
caller's ECR Public token, or the user's docker config (``credHelpers``,
``credsStore``, ``auths``) through docker-py's credential store; none found
means anonymous, and the registry's 401 then names the host and how to log in.

Secrets go to the registry client only: never into argv, logs or a child's
environment (credential helpers get the host on stdin, as their protocol says).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ecrctl import redact
from ecrctl.distribution.client import Credential, RegistryClient
from ecrctl.distribution.transport import registry_timeout
from ecrctl.errors import InvalidInput
from ecrctl.login.registries import PRIVATE, PUBLIC_TOKEN

if TYPE_CHECKING:
    from ecrctl.aws.clients import Aws
    from ecrctl.login.registries import Registries, Registry

log = logging.getLogger("ecrctl")


@dataclass
class Endpoint:
    """A registry to talk to: its address, credential, and ECR API (``None``: not ECR)."""

    host: str
    credential: Credential | None
    aws: Aws | None = None
    registry_id: str | None = None
    region: str | None = None

    @property
    def is_ecr(self) -> bool:
        return self.aws is not None

    def client(self) -> RegistryClient:
        import os

        raw = os.environ.get("ECRCTL_REGISTRY_ATTEMPTS", "") or "5"
        if not raw.isdigit() or not 1 <= int(raw) <= 20:
            raise InvalidInput(
                f"invalid ECRCTL_REGISTRY_ATTEMPTS {raw!r}", hint="give a number from 1 to 20"
            )
        attempts = int(raw)
        return RegistryClient(
            self.host,
            self.credential,
            attempts=attempts,
            basic=self.is_ecr,
            timeout=registry_timeout(),
        )


def endpoint(registries: Registries, host: str | None, *, write: bool = False) -> Endpoint:
    """The endpoint for ``host`` (``None``: the caller's registry). ``write``: ECR
    Public is written to with the caller's ECR Public token (it is read with the
    docker config's credential, or anonymously)."""
    served = registries.serve(host, write=write)
    if served.kind == PRIVATE:
        return _ecr_endpoint(registries, served)
    if served.source == PUBLIC_TOKEN:
        return _public_endpoint(registries, served)
    assert served.address is not None
    return Endpoint(served.address, docker_credential(served.docker_key))


def _public_endpoint(registries: Registries, served: Registry) -> Endpoint:
    """ECR Public as a destination: ecr-public's token (us-east-1, through the token
    cache), which the registry's bearer challenge takes as the login."""
    from ecrctl.login.token import public_auth

    auth = public_auth(registries, served)
    credential = Credential(auth.username, auth.password, "the caller's ECR Public token")
    assert served.address is not None
    return Endpoint(served.address, credential)


def _ecr_endpoint(registries: Registries, served: Registry) -> Endpoint:
    from ecrctl.login.token import served_auth

    aws = served.aws
    auth = served_auth(registries, served)
    credential = Credential(
        auth.username,
        auth.password,
        f"the ECR token of account {auth.registry_id} in {auth.region}",
    )
    return Endpoint(auth.host, credential, aws, auth.registry_id, auth.region)


def docker_credential(host: str) -> Credential | None:
    """``credHelpers[host]``, else ``credsStore``, else ``auths[host]``; ``None`` when absent."""
    import docker.auth
    import docker.errors

    from ecrctl import paths

    path = paths.docker_config_file()
    try:
        config = docker.auth.load_config(config_path=str(path)) if path.exists() else None
        found = config.resolve_authconfig(host) if config is not None else None
    except docker.errors.DockerException as exc:
        raise InvalidInput(
            f"cannot read the credential for {host} from the docker config {path}: {exc}",
            hint=f"fix the file, or run: docker login {host}",
        ) from None
    if not found:
        log.debug("no credential for %s in %s: anonymous", host, path)
        return None
    username = str(found.get("Username") or found.get("username") or "")
    password = str(
        found.get("Password") or found.get("password") or found.get("IdentityToken") or ""
    )
    if not password:
        return None
    redact.register(password)
    return Credential(username or "<token>", password, f"the docker config {path}")
