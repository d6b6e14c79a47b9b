"""The botocore session and the client constructor, made fast to start, and the
--debug wire log.

They take :class:`~ecrctl.aws.settings.Resolved` settings: what is in force was
decided once, by the resolver. Only :class:`ecrctl.aws.clients.Aws` calls them (its
``client()`` is the one client factory, and chooses each client's endpoint).
botocore is imported inside the functions: importing this module is cheap.
"""

from __future__ import annotations

import logging
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ecrctl import paths
from ecrctl.redact import RedactingFilter

if TYPE_CHECKING:
    from botocore.session import Session as BotocoreSession

    from ecrctl.aws.settings import Resolved

log = logging.getLogger("ecrctl")


def make_session(resolved: Resolved, *, loaders: dict[Any, Any] | None = None) -> BotocoreSession:
    """A botocore session (boto3's resource layer and s3transfer are not needed:
    skipping them saves a third of the start-up time of every command). ``loaders``:
    data loaders by search path, shared with other sessions (each file parsed once)."""
    import botocore.session

    session = botocore.session.Session(profile=resolved.profile_arg)
    loaders = {} if loaders is None else loaders
    data_path = session.get_config_variable("data_path")
    if data_path not in loaders:
        loaders[data_path] = _service_loader(data_path)
    session.register_component("data_loader", loaders[data_path])
    if resolved.region:
        # the resolver's answer, which also honours AWS_REGION
        session.set_config_variable("region", resolved.region)
    session.get_component("response_parser_factory").set_parser_defaults(
        timestamp_parser=parse_timestamp
    )
    return session


def _service_loader(data_path: Any) -> Any:
    """botocore's data loader, minus the scan of every service's model directory.

    To load one service model, botocore first lists all ~400 services it ships
    (thousands of stat calls, ~20 ms, paid by every command). ecrctl asks only
    for services it knows exist; a name not found on disk falls back to the scan,
    and so to botocore's own errors.
    """
    import threading

    from botocore.loaders import Loader, create_loader

    asked = threading.local()  # the service each thread is loading (sessions share a loader)

    class ServiceLoader(Loader):
        def load_service_model(
            self, service_name: str, type_name: str, api_version: str | None = None
        ) -> Any:
            asked.name = service_name
            try:
                return super().load_service_model(service_name, type_name, api_version)
            finally:
                asked.name = None

        def list_available_services(self, type_name: str) -> list[str]:
            name = getattr(asked, "name", None)
            if name and any(os.path.isdir(os.path.join(p, name)) for p in self.search_paths):
                return [name]
            services: list[str] = super().list_available_services(type_name)
            return services

        def load_data_with_path(self, name: str) -> Any:
            custom = [p for p in self.search_paths if p != self.BUILTIN_DATA_PATH]
            if name != "endpoints" or any(
                os.path.exists(os.path.join(p, "endpoints.json")) for p in custom
            ):
                return super().load_data_with_path(name)
            return _endpoints(lambda: super(ServiceLoader, self).load_data_with_path(name))

    base = create_loader(data_path)  # the session's data_path: AWS_DATA_PATH or the profile's
    return ServiceLoader(
        extra_search_paths=list(base.search_paths), include_default_search_paths=False
    )


# endpoints.json's names of the services ecrctl makes clients for (ECR Public's API is
# api.ecr-public, Service Quotas' servicequotas); global services (IAM, S3, ...: those
# with a partition endpoint) are kept too, so a client of any service resolves as in botocore
CLIENT_SERVICES = ("ecr", "api.ecr", "sts", "api.ecr-public", "ecs", "lambda", "servicequotas")
TRIMMED = "2"  # the trimming's version, part of the cached copy's name


def _endpoints(load: Any) -> Any:
    """botocore's endpoints.json (1.2 MB, ~15 ms to parse on every command) trimmed
    to the services ecrctl makes clients for and the global ones, kept in ecrctl's
    cache directory per source file, size, modification time and trimming. Any cache
    trouble: the full file."""
    import json

    import botocore

    endpoints_file = Path(botocore.__file__).parent / "data" / "endpoints.json"
    try:
        stat = endpoints_file.stat()
        key = f"{botocore.__version__}-{stat.st_size}-{int(stat.st_mtime)}-{TRIMMED}"
        cached = paths.endpoints_cache(key)
        if cached.is_file():
            return json.loads(cached.read_text(encoding="utf-8")), str(endpoints_file)
    except (OSError, ValueError):
        return load()
    data, path = load()
    trimmed = dict(data)
    trimmed["partitions"] = [
        {
            **part,
            "services": {
                name: service
                for name, service in part.get("services", {}).items()
                if name in CLIENT_SERVICES or "partitionEndpoint" in service
            },
        }
        for part in data.get("partitions", [])
    ]
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        temporary = cached.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(trimmed), encoding="utf-8")
        os.replace(temporary, cached)
    except OSError:
        pass
    return data, path


def parse_timestamp(value: Any) -> datetime:
    """Response timestamps as aware UTC datetimes, without dateutil for the common forms.

    ECR sends epoch seconds; botocore's default parser builds a dateutil tz for
    each one, which costs more than the request for a 10,000-image listing.
    """
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        from botocore.utils import parse_timestamp as botocore_parse

        parsed = botocore_parse(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def make_client(
    session: BotocoreSession,
    service: str,
    resolved: Resolved,
    *,
    endpoint_url: str | None = None,
    timeout: float | None = None,
) -> Any:
    """A client with the resolved retry settings, at ``endpoint_url`` (``None``:
    AWS's own; :meth:`ecrctl.aws.clients.Aws.endpoint` decides which).
    ``timeout`` bounds connecting and each read (botocore's default: 60 s)."""
    from botocore.config import Config

    retries: Any = {"mode": resolved.retry_mode, "total_max_attempts": resolved.max_attempts}
    connect, read = timeouts()
    if timeout is not None:
        connect, read = min(connect, timeout), min(read, timeout)
    config = Config(
        retries=retries, user_agent_extra="ecrctl", connect_timeout=connect, read_timeout=read
    )
    kwargs: dict[str, Any] = {"config": config}
    if resolved.region:  # a session may serve sides in other regions (Sessions)
        kwargs["region_name"] = resolved.region
    if endpoint_url:
        kwargs["endpoint_url"] = endpoint_url
    client = session.create_client(service, **kwargs)
    client.meta.events.register("after-call", refuse_empty_answer)
    if ON_WAIT:
        _watch_waits(client, ON_WAIT[0], connect, read)
    return client


DEFAULT_CONNECT_TIMEOUT = 10.0  # seconds to open a connection (botocore's: 60)
DEFAULT_READ_TIMEOUT = 60.0  # seconds to wait for each read of an answer (botocore's)
WAIT_NOTICE_AFTER = 1.0  # seconds without an answer before ON_WAIT is told
# told (operation, endpoint, connect, read) when a call has waited WAIT_NOTICE_AFTER
# seconds: the CLI shows it on a terminal
ON_WAIT: list[Any] = []


def timeouts() -> tuple[float, float]:
    """The connect and read timeouts: ECRCTL_CONNECT_TIMEOUT / ECRCTL_READ_TIMEOUT
    (``--connect-timeout`` / ``--read-timeout`` set them), else the defaults."""
    from ecrctl.errors import InvalidInput

    found = []
    for name, default in (
        ("ECRCTL_CONNECT_TIMEOUT", DEFAULT_CONNECT_TIMEOUT),
        ("ECRCTL_READ_TIMEOUT", DEFAULT_READ_TIMEOUT),
    ):
        value = os.environ.get(name) or str(default)
        try:
            seconds = float(value)
        except ValueError:
            seconds = -1.0
        if not 0 < seconds < 86_400:
            raise InvalidInput(
                f"invalid {name} {value!r}", hint="give seconds, e.g. 10 or 2.5"
            ) from None
        found.append(seconds)
    return found[0], found[1]


def _watch_waits(client: Any, tell: Any, connect: float, read: float) -> None:
    """Start a timer when a request is sent; cancel it when the attempt ends."""
    import threading

    timers: dict[int, threading.Timer] = {}

    def sent(request: Any, **kwargs: Any) -> None:
        operation = str(kwargs.get("event_name", "")).rsplit(".", 1)[-1]
        endpoint = str(getattr(request, "url", "")).split("?")[0]
        timer = threading.Timer(WAIT_NOTICE_AFTER, tell, (operation, endpoint, connect, read))
        timer.daemon = True
        timers[threading.get_ident()] = timer
        timer.start()

    def ended(**kwargs: Any) -> None:
        timer = timers.pop(threading.get_ident(), None)
        if timer is not None:
            timer.cancel()

    client.meta.events.register("before-send", sent)
    client.meta.events.register("needs-retry", ended)


def refuse_empty_answer(http_response: Any, model: Any, **kwargs: Any) -> None:
    """An AWS JSON API always answers a body and a request id: an empty 200 without
    one is some other server (e.g. a registry host given as the API endpoint), and its
    silence must not read as "no repositories"."""
    from ecrctl.errors import ServiceError

    if model.service_model.protocol != "json" or http_response.status_code != 200:
        return
    headers = {name.lower() for name in http_response.headers}
    if http_response.content or headers & {"x-amzn-requestid", "x-amz-request-id"}:
        return
    raise ServiceError(
        f"{model.name} failed: the endpoint answered an empty 200 without an AWS request id: "
        "it is not an AWS API endpoint",
        hint="check --endpoint-url/AWS_ENDPOINT_URL_ECR (the API is api.ecr.REGION."
        "amazonaws.com; the registry host is docker's)",
    )


def enable_debug_logging() -> None:
    """--debug: botocore's wire log on stderr, with every secret masked."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    handler.addFilter(RedactingFilter())
    for name in ("botocore", "urllib3", "docker", "ecrctl"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.DEBUG)
        logger.addHandler(handler)
        logger.propagate = False
