"""``ecrctl login --public``: ECR Public's token for ``public.ecr.aws``, stored
where the docker CLI looks for it, or the credential helper named for the host."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from ecrctl.login import dockerconfig
from ecrctl.login.token import RegistryAuth, public_registry_auth
from ecrctl.registry.hosts import PUBLIC_REGION

if TYPE_CHECKING:
    from ecrctl.aws.clients import Aws
    from ecrctl.login.workflow import LoginResult


def fetch(aws: Aws, *, use_cache: bool) -> RegistryAuth:
    return public_registry_auth(aws, use_cache=use_cache)


def log_in(aws: Aws, *, use_cache: bool, helper: bool) -> LoginResult:
    """Store the token (recorded like any login), or point docker at the helper,
    which then fetches ECR Public's token on every push and pull."""
    from ecrctl.aws.clients import Aws
    from ecrctl.login import workflow

    auth = public_registry_auth(aws, use_cache=use_cache)
    if helper:
        return workflow.LoginResult(auth, dockerconfig.use_helper(auth.host))
    public = Aws(dataclasses.replace(aws.settings, region=PUBLIC_REGION, registry_id=None))
    return workflow.login(public, [auth], helper=False)[0]
