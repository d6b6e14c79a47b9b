"""boto3 session and client factories, and the one translation point from
botocore errors to ecrctl's error hierarchy.

boto3/botocore are imported inside the functions: importing this module is cheap.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ecrctl import errors
from ecrctl.redact import RedactingFilter

if TYPE_CHECKING:
    from botocore.session import Session as BotocoreSession

    from ecrctl.cli.app import Settings

log = logging.getLogger("ecrctl")

THROTTLING_CODES = {
    "ThrottlingException",
    "Throttling",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "ThrottledException",
}


def make_session(settings: Settings) -> BotocoreSession:
    """A botocore session (boto3's resource layer and s3transfer are not needed:
    skipping them saves a third of the start-up time of every command)."""
    import botocore.exceptions
    import botocore.session

    try:
        session = botocore.session.Session(profile=settings.profile)
        session.register_component("data_loader", _service_loader(session))
        if settings.region:
            session.set_config_variable("region", settings.region)
        elif session.get_config_variable("region") is None and os.environ.get("AWS_REGION"):
            # AWS_REGION is what the other SDKs and the AWS CLI v2 read.
            session.set_config_variable("region", os.environ["AWS_REGION"])
        session.get_scoped_config()  # raises ProfileNotFound now rather than mid-command
        session.get_component("response_parser_factory").set_parser_defaults(
            timestamp_parser=parse_timestamp
        )
        return session
    except botocore.exceptions.ProfileNotFound as exc:
        raise translate(exc, settings) from exc


def _service_loader(session: BotocoreSession) -> Any:
    """botocore's data loader, minus the scan of every service's model directory.

    To load one service model, botocore first lists all ~400 services it ships
    (thousands of stat calls, ~20 ms, paid by every command). ecrctl asks only
    for services it knows exist; a name not found on disk falls back to the scan,
    and so to botocore's own errors.
    """
    from botocore.loaders import Loader, create_loader

    class ServiceLoader(Loader):
        wanted: str | None = None

        def load_service_model(
            self, service_name: str, type_name: str, api_version: str | None = None
        ) -> Any:
            self.wanted = service_name
            try:
                return super().load_service_model(service_name, type_name, api_version)
            finally:
                self.wanted = None

        def list_available_services(self, type_name: str) -> list[str]:
            name = self.wanted
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

    base = create_loader(session.get_config_variable("data_path"))  # honours AWS_DATA_PATH
    return ServiceLoader(
        extra_search_paths=list(base.search_paths), include_default_search_paths=False
    )


CLIENT_SERVICES = ("ecr", "api.ecr", "sts")


def _endpoints(load: Any) -> Any:
    """botocore's endpoints.json (1.2 MB, ~15 ms to parse on every command) trimmed
    to the services ecrctl makes clients for, kept in ecrctl's cache directory per
    source file, size and modification time. Any cache trouble: the full file."""
    import json

    import botocore

    endpoints_file = Path(botocore.__file__).parent / "data" / "endpoints.json"
    try:
        stat = endpoints_file.stat()
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        key = f"{botocore.__version__}-{stat.st_size}-{int(stat.st_mtime)}"
        cached = Path(base) / "ecrctl" / f"endpoints-{key}.json"
        if cached.is_file():
            return json.loads(cached.read_text(encoding="utf-8")), str(endpoints_file)
    except (OSError, ValueError):
        return load()
    data, path = load()
    trimmed = dict(data)
    trimmed["partitions"] = [
        {
            **part,
            "services": {k: v for k, v in part.get("services", {}).items() if k in CLIENT_SERVICES},
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
    session: BotocoreSession, service: str, settings: Settings, *, endpoint: bool = True
) -> Any:
    from botocore.config import Config

    config = Config(
        retries={"mode": "standard", "total_max_attempts": settings.resolved_max_attempts()},
        user_agent_extra="ecrctl",
    )
    kwargs: dict[str, Any] = {"config": config}
    if endpoint and settings.endpoint_url:
        kwargs["endpoint_url"] = settings.endpoint_url
    try:
        return session.create_client(service, **kwargs)
    except Exception as exc:
        raise translate(exc, settings) from exc


def client_region(client: Any) -> str:
    region: str = client.meta.region_name
    return region


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


_DENIED = re.compile(
    r"(?:User|Principal):\s*(?P<principal>\S+)\s+is not authorized to perform:"
    r"\s*(?P<action>[\w:*-]+)"
)


def translate(exc: BaseException, settings: Settings | None = None) -> errors.EcrctlError:
    """Turn a botocore/boto3 exception into an ecrctl error with a one-line fix.

    Errors that are not from botocore come back as a generic ServiceError; the
    caller decides whether that is expected.
    """
    if isinstance(exc, errors.EcrctlError):
        return exc
    module = type(exc).__module__
    if not module.startswith(("botocore", "boto3")):
        return errors.ServiceError(f"{type(exc).__name__}: {exc}")

    import botocore.exceptions as bx

    region = settings.region if settings and settings.region else None
    if isinstance(exc, bx.ClientError):
        return _translate_client_error(exc, settings)
    if isinstance(exc, bx.NoCredentialsError | bx.PartialCredentialsError):
        return errors.AuthError(
            "no AWS credentials found",
            hint="set AWS_PROFILE or --profile, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
        )
    if isinstance(exc, bx.NoRegionError):
        return errors.InvalidInput(
            "no AWS region is set", hint="pass --region REGION or set AWS_REGION"
        )
    if isinstance(exc, bx.ProfileNotFound):
        name = settings.profile if settings and settings.profile else str(exc)
        return errors.InvalidInput(
            f"AWS profile {name!r} is not in the AWS config files",
            hint="check ~/.aws/config, or run: aws configure --profile " + str(name),
        )
    if isinstance(exc, bx.EndpointConnectionError | bx.ConnectTimeoutError):
        url = getattr(exc, "kwargs", {}).get("endpoint_url", "")
        return errors.ServiceError(
            f"cannot reach the ECR endpoint {url.rstrip('/') or '(unknown)'}",
            hint="check --endpoint-url/AWS_ENDPOINT_URL_ECR, the region, and the network",
        )
    if isinstance(exc, bx.ReadTimeoutError):
        return errors.ServiceError(
            "the ECR endpoint did not answer in time", hint="retry, or raise --max-attempts"
        )
    if isinstance(exc, bx.ParamValidationError):
        return errors.InvalidInput(str(exc).splitlines()[-1].strip())
    where = f" in {region}" if region else ""
    return errors.ServiceError(f"AWS request failed{where}: {exc}")


def _translate_client_error(exc: Any, settings: Settings | None) -> errors.EcrctlError:
    err = exc.response.get("Error", {})
    code = str(err.get("Code", "Unknown"))
    message = str(err.get("Message", "")).strip()
    operation = getattr(exc, "operation_name", "")
    region = _region_of(exc, settings)
    if code == "RepositoryNotFoundException":
        return errors.NotFound(
            f"{message or 'repository not found'} (region {region})",
            hint="check the name and --region/--registry-id, or create it: ecrctl repo create NAME",
        )
    if code == "RepositoryAlreadyExistsException":
        return errors.Conflict(
            message or "the repository already exists",
            hint="pick another name, or use the existing repository",
        )
    if code == "RepositoryNotEmptyException":
        return errors.Conflict(
            message or "the repository is not empty",
            hint="delete its images first, or pass --force",
        )
    if code in {"AccessDeniedException", "AccessDenied", "UnauthorizedOperation"}:
        match = _DENIED.search(message)
        if match:
            return errors.AccessDenied(
                f"{match['principal']} is not allowed to perform {match['action']}",
                hint=f"grant {match['action']} in an IAM or repository policy, "
                "or use --profile for a principal that has it",
            )
        return errors.AccessDenied(
            f"access denied for {operation or 'the request'}: {message}",
            hint="check the IAM and repository policies of the caller",
        )
    if code in THROTTLING_CODES:
        attempts = exc.response.get("ResponseMetadata", {}).get("RetryAttempts", 0)
        return errors.ServiceError(
            f"AWS throttled {operation or 'the request'} ({code}) "
            f"after {int(attempts) + 1} attempts",
            hint="wait and retry, or raise --max-attempts / ECRCTL_MAX_ATTEMPTS",
        )
    if code in {"ExpiredTokenException", "ExpiredToken", "RequestExpired"}:
        return errors.AuthError(
            "the AWS session credentials have expired",
            hint="refresh them (e.g. aws sso login) and retry",
        )
    if code in {
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
    }:
        return errors.AuthError(
            f"AWS rejected the credentials ({code}): {message}",
            hint="check the access key, secret and --profile",
        )
    if code == "LifecyclePolicyPreviewInProgressException":
        return errors.Conflict(
            message or "a lifecycle policy preview is already running for this repository",
            hint="wait a minute and retry, or preview locally (without --remote/--compare)",
        )
    if code in {
        "ImageNotFoundException",
        "LifecyclePolicyNotFoundException",
        "RepositoryPolicyNotFoundException",
        "LifecyclePolicyPreviewNotFoundException",
    }:
        return errors.NotFound(message or code)
    if code in {
        "InvalidParameterException",
        "ValidationException",
        "InvalidTagParameterException",
        "TooManyTagsException",
        "LimitExceededException",
    }:
        return errors.InvalidInput(f"{code}: {message}")
    return errors.ServiceError(f"{operation or 'request'} failed: {code}: {message}")


def _region_of(exc: Any, settings: Settings | None) -> str:
    if settings and settings.region:
        return settings.region
    return str(settings.extra.get("resolved_region", "?")) if settings else "?"
