"""The AWS side of one command: resolved settings, and clients built on first use.

Core workflows receive an :class:`Aws` (or just its ECR client), never the CLI's
context. Nothing heavy is imported until a client is asked for.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from ecrctl.aws.settings import AwsSettings, Resolved, resolve

if TYPE_CHECKING:
    from botocore.session import Session as BotocoreSession
    from mypy_boto3_ecr import ECRClient
    from mypy_boto3_sts import STSClient


class Aws:
    """AWS clients for one set of settings (``--profile``, ``--region``, ...)."""

    def __init__(self, settings: AwsSettings | None = None) -> None:
        self.settings = settings or AwsSettings()

    @cached_property
    def resolved(self) -> Resolved:
        return resolve(self.settings)

    @cached_property
    def session(self) -> BotocoreSession:
        from ecrctl.aws.regions import check_known_region
        from ecrctl.aws.session import make_session

        session = make_session(self.resolved)
        resolved = self.resolved
        if resolved.region:
            check_known_region(
                resolved.region,
                str(resolved.region_from),
                session.get_data("endpoints"),
                custom_endpoint=resolved.endpoint_url is not None,
            )
        return session

    @cached_property
    def ecr(self) -> ECRClient:
        from ecrctl.aws import suggest
        from ecrctl.aws.session import make_client

        client: ECRClient = make_client(
            self.session, "ecr", self.resolved, endpoint_url=self.resolved.endpoint_url
        )
        suggest.install_suggestions(client)
        return client

    @cached_property
    def sts(self) -> STSClient:
        """STS with its own endpoint settings (AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL,
        the profile's); see :meth:`client` for an emulator's endpoint. Short timeouts:
        it is asked only for the caller's identity."""
        from ecrctl.aws.regions import check_endpoint_url
        from ecrctl.aws.session import make_client

        env = self.resolved.environ
        for name in ("AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"):
            if env.get(name):
                check_endpoint_url(env[name], name)
        client: STSClient = make_client(
            self.session, "sts", self.resolved, endpoint_url=self.lent_endpoint("sts"), timeout=10
        )
        return client

    def client(self, service: str) -> Any:
        """Any other service's client: its endpoint from botocore's own settings, or
        ECR's emulator endpoint (see :meth:`lent_endpoint`)."""
        from ecrctl.aws.session import make_client

        endpoint = self.lent_endpoint(service)
        return make_client(self.session, service, self.resolved, endpoint_url=endpoint)

    def lent_endpoint(self, service: str) -> str | None:
        """ECR's endpoint for ``service`` when it points at an emulator (not an AWS
        host) and ``service`` has no endpoint of its own: emulators serve every service
        on one address, and a call meant for one must never leave for AWS's real
        endpoint. An AWS endpoint (an ECR-only VPC endpoint) is never lent."""
        endpoint = self.resolved.endpoint_url
        if not endpoint or ".amazonaws.com" in _host(endpoint):
            return None
        env = self.resolved.environ
        variable = "AWS_ENDPOINT_URL_" + service.upper().replace("-", "_")
        profile = self.resolved.profile_values
        if env.get(variable) or env.get("AWS_ENDPOINT_URL"):
            return None
        if profile.get("endpoint_url") or profile.get("services"):
            return None
        return endpoint

    @property
    def region(self) -> str:
        """The region the ECR client uses (after --region, the environment, the profile).

        Read from the settings, with botocore's precedence, while no client is built:
        a command served from the token cache never imports botocore for it."""
        if "ecr" not in self.__dict__ and self.resolved.region:
            return self.resolved.region
        region: str = self.ecr.meta.region_name
        return region

    def known_region(self) -> str | None:
        """The region, if known without building a client (for error messages)."""
        if "ecr" in self.__dict__:
            return self.region
        try:
            return self.resolved.region
        except Exception:
            return self.settings.region

    @property
    def registry_id(self) -> str | None:
        return self.settings.registry_id

    def registry_kwargs(self) -> dict[str, Any]:
        """``{"registryId": ...}`` when --registry-id is set, else nothing."""
        from ecrctl.aws.access import registry_kwargs

        return registry_kwargs(self.settings.registry_id)


def _host(endpoint: str) -> str:
    from urllib.parse import urlparse

    return urlparse(endpoint).netloc if "://" in endpoint else endpoint
