"""The application context: settings from the global options, and lazily
built AWS clients.

Nothing heavy is imported here at module level; boto3 is imported the first
time a command actually needs a client, so ``--help`` and completion stay fast.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ecrctl.errors import InvalidInput

if TYPE_CHECKING:
    from botocore.session import Session as BotocoreSession
    from mypy_boto3_ecr import ECRClient
    from mypy_boto3_sts import STSClient

DEFAULT_MAX_ATTEMPTS = 5


@dataclass
class Settings:
    """Global options. ``None`` means: leave it to boto3's own resolution."""

    profile: str | None = None
    region: str | None = None
    endpoint_url: str | None = None
    registry_id: str | None = None
    output: str = "table"
    query: str | None = None
    debug: bool = False
    color: bool = True
    quiet: bool = False
    max_attempts: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def resolved_max_attempts(self) -> int:
        if self.max_attempts is not None:
            return self.max_attempts
        raw = os.environ.get("ECRCTL_MAX_ATTEMPTS")
        if raw is None or raw == "":
            return DEFAULT_MAX_ATTEMPTS
        try:
            value = int(raw)
        except ValueError:
            value = 0
        if value < 1:
            raise InvalidInput(
                f"ECRCTL_MAX_ATTEMPTS={raw!r} is not a whole number >= 1",
                hint="set it to e.g. 5, or unset it",
            )
        return value


class App:
    """What every command receives: the settings and the clients built from them."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()

    # -- AWS ---------------------------------------------------------------
    @cached_property
    def session(self) -> BotocoreSession:
        from ecrctl.aws.session import make_session

        return make_session(self.settings)

    @cached_property
    def ecr(self) -> ECRClient:
        from ecrctl.aws.session import make_client

        client: ECRClient = make_client(self.session, "ecr", self.settings)
        return client

    @cached_property
    def sts(self) -> STSClient:
        from ecrctl.aws.session import make_client

        client: STSClient = make_client(self.session, "sts", self.settings, endpoint=False)
        return client

    @property
    def region(self) -> str:
        """The region boto3 resolved (after --region, AWS_REGION, the profile)."""
        from ecrctl.aws.session import client_region

        return client_region(self.ecr)

    def registry_kwargs(self) -> dict[str, str]:
        """``{"registryId": ...}`` when --registry-id is set, else nothing."""
        if self.settings.registry_id:
            return {"registryId": self.settings.registry_id}
        return {}
