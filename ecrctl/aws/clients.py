"""The AWS side of one command: resolved settings, and clients built on first use.

:meth:`Aws.client` is ecrctl's one client factory: every AWS client (ECR, ECR
Public, STS, ECS, Lambda, Service Quotas, ...) is made there, doctor's and
completion's included, and :meth:`Aws.endpoint` is the one rule for the endpoint
each gets (docs/configuration.md, "Which endpoint each service gets"):

1. ECR: the resolved ECR endpoint (``--endpoint-url``, then botocore's precedence);
2. another service: its own endpoint, with botocore's precedence for it
   (:meth:`Aws.configured_endpoint`);
3. else ECR's endpoint, when that is an emulator (:meth:`Aws.lent_endpoint`);
4. else none: AWS's own endpoint for the service and region.

Core workflows receive an :class:`Aws` (or just its ECR client), never the CLI's
context. Nothing heavy is imported until a client is asked for.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ecrctl.aws.settings import AwsSettings, Resolved, resolve

if TYPE_CHECKING:
    from botocore.session import Session as BotocoreSession
    from mypy_boto3_ecr import ECRClient
    from mypy_boto3_sts import STSClient

# seconds to connect and for each read, by service (botocore's default: 60);
# STS is asked only for the caller's identity
TIMEOUTS: Mapping[str, float] = {"sts": 10}


class Sessions:
    """The botocore sessions of one command: one per profile, whatever the region.

    Every :class:`Aws` of one resolver shares its caller's (:mod:`ecrctl.login.registries`):
    the sides of a copy reached with one profile use one session (one credential
    resolution: an assumed role or SSO is asked once; each client gets its side's
    region), and sessions of other profiles load the service data (models, endpoints)
    the first one loaded. Clients are made one at a time."""

    def __init__(self) -> None:
        self.lock = threading.RLock()  # held while a session is made or a client created
        self._made: dict[str | None, BotocoreSession] = {}
        self._loaders: dict[Any, Any] = {}  # botocore's data loader, by its search path

    def session(self, resolved: Resolved) -> BotocoreSession:
        from ecrctl.aws.session import make_session

        key = resolved.profile_arg
        with self.lock:
            if key not in self._made:
                self._made[key] = make_session(resolved, loaders=self._loaders)
            return self._made[key]


class Aws:
    """AWS clients for one set of settings (``--profile``, ``--region``, ...);
    ``sessions``: the botocore sessions it may share (default: its own)."""

    def __init__(self, settings: AwsSettings | None = None, *, sessions: Sessions | None = None):
        self.settings = settings or AwsSettings()
        self.sessions = sessions if sessions is not None else Sessions()

    @cached_property
    def resolved(self) -> Resolved:
        return resolve(self.settings)

    @cached_property
    def session(self) -> BotocoreSession:
        from ecrctl.aws.regions import check_known_region

        session = self.sessions.session(self.resolved)
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
        """The ECR client, with a did-you-mean on RepositoryNotFound."""
        from ecrctl.aws import suggest

        client: ECRClient = self.client("ecr")
        suggest.install_suggestions(client, self)
        return client

    @cached_property
    def sts(self) -> STSClient:
        """STS (short timeouts: it is asked only for the caller's identity)."""
        client: STSClient = self.client("sts")
        return client

    def client(self, service: str, *, timeout: float | None = None) -> Any:
        """A new client for ``service`` (botocore's client name: ``ecr``, ``ecs``,
        ``service-quotas``, ...) at :meth:`endpoint`, with the resolved region and
        retry settings. ``timeout`` bounds connecting and each read (default: the
        service's in :data:`TIMEOUTS`, else botocore's)."""
        from ecrctl.aws.session import make_client

        if timeout is None:
            timeout = TIMEOUTS.get(service)
        endpoint = self.endpoint(service)
        session = self.session
        with self.sessions.lock:  # a botocore session makes one client at a time
            return make_client(
                session, service, self.resolved, endpoint_url=endpoint, timeout=timeout
            )

    def endpoint(self, service: str) -> str | None:
        """The endpoint ``service``'s client is given; ``None``: AWS's own."""
        if service == "ecr":
            return self.resolved.endpoint_url
        own = self.configured_endpoint(service)
        if own is not None:
            from ecrctl.aws.regions import check_endpoint_url

            return check_endpoint_url(*own)
        return self.lent_endpoint(service)

    def configured_endpoint(self, service: str) -> tuple[str, str] | None:
        """``service``'s own endpoint and where it is set, with botocore's precedence:
        ``AWS_ENDPOINT_URL_<ID>`` (``ID``: botocore's service id, see
        :func:`endpoint_key`), ``AWS_ENDPOINT_URL``, the profile's ``services``
        section, the profile's ``endpoint_url``; none of them when
        ``AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`` (or the profile's
        ``ignore_configured_endpoint_urls``) is true."""
        session = self.session
        if session.get_config_variable("ignore_configured_endpoint_urls"):
            return None
        key = endpoint_key(service)
        env = self.resolved.environ
        variable = f"AWS_ENDPOINT_URL_{key.upper()}"
        profile = session.get_scoped_config()
        section = profile.get("services")
        services = session.full_config.get("services", {}).get(section, {}) if section else {}
        for url, origin in (
            (env.get(variable), variable),
            (env.get("AWS_ENDPOINT_URL"), "AWS_ENDPOINT_URL"),
            (services.get(key, {}).get("endpoint_url"), f"services {section}"),
            (profile.get("endpoint_url"), f"profile {self.resolved.profile}"),
        ):
            if url:
                return str(url), origin
        return None

    def lent_endpoint(self, service: str) -> str | None:
        """ECR's endpoint for ``service`` when it points at an emulator (not an AWS
        host) and ``service`` has no endpoint of its own: emulators serve every service
        on one address, and a call meant for one must never leave for AWS's real
        endpoint. An AWS endpoint (an ECR-only VPC endpoint) is never lent."""
        endpoint = self.resolved.endpoint_url
        if service == "ecr" or not endpoint:
            return None
        if _aws_host(endpoint, self.session.get_data("partitions")):
            return None
        if self.configured_endpoint(service) is not None:
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


def endpoint_key(service: str) -> str:
    """botocore's snake-case service id for a client name, as botocore derives it to
    look up configured endpoints: ``AWS_ENDPOINT_URL_`` + its upper case, and its key
    in a ``services`` section. ``service-quotas`` -> ``service_quotas``, ``events`` ->
    ``eventbridge``, ``logs`` -> ``cloudwatch_logs``."""
    from botocore import utils

    name = utils.SERVICE_NAME_ALIASES.get(service, service)
    hyphenated = utils.CLIENT_NAME_TO_HYPHENIZED_SERVICE_ID_OVERRIDES.get(name, name)
    return hyphenated.replace("-", "_")


def _aws_host(endpoint: str, partitions: Mapping[str, Any]) -> bool:
    """Whether ``endpoint``'s host is under an AWS partition's DNS suffix
    (``amazonaws.com``, ``api.aws``, ``amazonaws.com.cn``, ``c2s.ic.gov``, ...)."""
    from urllib.parse import urlsplit

    host = (urlsplit(endpoint).hostname or "").rstrip(".").lower()
    for partition in partitions.get("partitions", []):
        outputs = partition.get("outputs", {})
        for suffix in (outputs.get("dnsSuffix"), outputs.get("dualStackDnsSuffix")):
            if suffix and (host == suffix or host.endswith("." + suffix)):
                return True
    return False
