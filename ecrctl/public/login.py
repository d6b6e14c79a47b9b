"""``ecrctl login --public``: ECR Public's token for ``public.ecr.aws``, stored
where the docker CLI looks for it, or the credential helper named for the host."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from ecrctl.distribution.hosts import PUBLIC_REGION, is_public_host
from ecrctl.login import dockerconfig
from ecrctl.login.mappings import RegistryMapping, save_mapping
from ecrctl.login.token import RegistryAuth, host_of, public_auth

if TYPE_CHECKING:
    from ecrctl.login.registries import Registries
    from ecrctl.login.workflow import LoginResult


def fetch_public_auth(
    registries: Registries, *, use_cache: bool, registry_url: str | None = None
) -> RegistryAuth:
    """ECR Public's token, for ``public.ecr.aws`` or the address ``registry_url`` names."""
    auth = public_auth(registries, registries.public(), use_cache=use_cache)
    if registry_url:
        auth = dataclasses.replace(auth, host=host_of(registry_url))
    return auth


def log_in(
    registries: Registries, *, use_cache: bool, helper: bool, registry_url: str | None
) -> LoginResult:
    """Store the token (recorded like any login), or point docker at the helper,
    which then fetches ECR Public's token on every push and pull (a host other
    than ECR Public's gets a ``public = true`` mapping in ecrctl's config)."""
    from ecrctl.login import workflow

    auth = fetch_public_auth(registries, use_cache=use_cache, registry_url=registry_url)
    if helper:
        mapping = None
        if not is_public_host(auth.host):
            mapping = RegistryMapping(auth.host, "", PUBLIC_REGION, public=True)
            save_mapping(mapping)
        return workflow.LoginResult(auth, dockerconfig.use_helper(auth.host), mapping)
    public = registries.public().aws
    assert public is not None
    return workflow.login(public, [auth], helper=False)[0]
