"""Where a registry host's credential comes from, and which ECR API stands behind it.

In order:

1. no host: the caller's own ECR registry (``registry_auth``: token cache,
   ``--registry-url``/``ECRCTL_REGISTRY_URL`` or a config-file mapping for the address);
2. a host mapped in ecrctl's config.toml: that mapping's account, region,
   profile and endpoint, with their own token;
3. an ECR host (``<account>.dkr.ecr.<region>.amazonaws.com``): a token for that
   account and region, with the caller's profile;
4. ECR Public written to (``public.ecr.aws``, or a host mapped ``public = true``):
   the caller's ECR Public token;
5. any other host (and ECR Public read from): the user's docker config
   (``credHelpers``, ``credsStore``, ``auths``) through docker-py's credential
   store; none found means anonymous, and the registry's 401 then names the host
   and how to log in.

Secrets go to the registry client only: never into argv, logs or a child's
environment (credential helpers get the host on stdin, as their protocol says).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ecrctl import redact
from ecrctl.distribution.client import Credential, RegistryClient
from ecrctl.distribution.hosts import server_host
from ecrctl.distribution.reference import DOCKER_HUB
from ecrctl.errors import InvalidInput

if TYPE_CHECKING:
    from ecrctl.aws.clients import Aws
    from ecrctl.aws.settings import AwsSettings

log = logging.getLogger("ecrctl")

DOCKER_HUB_API = "registry-1.docker.io"


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
        return RegistryClient(self.host, self.credential, attempts=attempts, basic=self.is_ecr)


def endpoint(aws: Aws, host: str | None, *, write: bool = False) -> Endpoint:
    """The endpoint for ``host`` (``None``: the caller's registry). ``write``: ECR
    Public is written to with the caller's ECR Public token (it is read with the
    docker config's credential, or anonymously)."""
    from ecrctl.login.hostaws import is_public_address, registry_aws

    if host is None:
        return _ecr_endpoint(aws, None, None)
    address = server_host(host)
    served = registry_aws(aws, address)
    if served is not None:
        return _ecr_endpoint(served[0], served[1], address)
    if write and is_public_address(address):
        return _public_endpoint(aws, address)
    return docker_config_endpoint(address)


def _public_endpoint(aws: Aws, address: str) -> Endpoint:
    """ECR Public as a destination: ecr-public's token (us-east-1, through the token
    cache), which the registry's bearer challenge takes as the login."""
    from ecrctl.login.token import public_registry_auth

    auth = public_registry_auth(aws)
    credential = Credential(auth.username, auth.password, "the caller's ECR Public token")
    return Endpoint(address, credential)


def _aws(settings: AwsSettings) -> Aws:
    from ecrctl.aws.clients import Aws

    return Aws(settings)


def _ecr_endpoint(aws: Aws, account: str | None, address: str | None) -> Endpoint:
    from ecrctl.login.token import registry_auths

    auth = registry_auths(aws, [account or aws.registry_id], registry_url=address)[0]
    credential = Credential(
        auth.username,
        auth.password,
        f"the ECR token of account {auth.registry_id} in {aws.region}",
    )
    return Endpoint(auth.host, credential, aws, auth.registry_id, aws.region)


def docker_config_endpoint(address: str) -> Endpoint:
    """A non-ECR host with the credential the docker CLI would use for it."""
    api_host = DOCKER_HUB_API if address in DOCKER_HUB else address
    key = "docker.io" if address in DOCKER_HUB else address
    return Endpoint(api_host, docker_credential(key))


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
