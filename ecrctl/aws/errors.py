"""botocore's exceptions as ecrctl errors: one line that names what failed, and the fix.

Called only from :mod:`ecrctl.translate`, the one translation point. ``region`` is
what the command used (for messages such as "repository not found in eu-west-1").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ecrctl import errors
from ecrctl.aws.access import error_code, error_message

THROTTLING_CODES = frozenset(
    {
        "ThrottlingException",
        "Throttling",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "ThrottledException",
    }
)

# what botocore's standard retry mode retries (botocore/retries/standard.py): as
# throttling, and as transient; LimitExceededException is a real limit in ECR's
# messages above, but botocore retries it
BOTOCORE_THROTTLED = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
    }
)
BOTOCORE_TRANSIENT = frozenset({"RequestTimeout", "RequestTimeoutException"})

_DENIED = re.compile(
    r"(?:User|Principal):\s*(?P<principal>\S+)\s+is not authorized to perform:"
    r"\s*(?P<action>[\w:*-]+)"
)


class Failure:
    """A ClientError's parts, as the rules below read them."""

    def __init__(self, exc: Any, region: str | None) -> None:
        self.code = error_code(exc) or "Unknown"
        self.message = error_message(exc)
        self.details: dict[str, Any] = getattr(exc, "response", {}).get("Error", {})
        self.operation = str(getattr(exc, "operation_name", "") or "")
        self.region = region or "?"
        metadata = getattr(exc, "response", {}).get("ResponseMetadata", {})
        self.attempts = int(metadata.get("RetryAttempts", 0)) + 1

    @property
    def request(self) -> str:
        """The operation that failed, for a message: ``PutImage``, else "the request"."""
        return self.operation or "the request"

    @property
    def text(self) -> str:
        """AWS's message, else its error code."""
        return self.message or self.code


ErrorRule = Callable[[Failure], errors.EcrctlError]


def _says(kind: type[errors.EcrctlError], message: str, hint: str | None = None) -> ErrorRule:
    """A rule that answers ``kind``, its message written from the failure's fields
    (``{f.code}``, ``{f.text}``, ``{f.region}``, ...), with ``hint``."""
    return lambda f: kind(message.format(f=f), hint=hint)


_NOT_FOUND_NAME = re.compile(r"repository with name '(?P<name>[^']+)'")


def _repository_not_found(f: Failure) -> errors.EcrctlError:
    from ecrctl.aws.suggest import ELSEWHERE, SEARCHED, SUGGESTION

    found = _NOT_FOUND_NAME.search(f.message)
    close = f.details.get(SUGGESTION)
    elsewhere = f.details.get(ELSEWHERE)
    others = f.details.get(SEARCHED)
    if elsewhere:
        hint = f"it exists in {elsewhere}: use --region {elsewhere}"
    elif close:
        searched = f"; not in {others} either" if others else ""
        hint = f"did you mean {close!r}? (else check --region/--registry-id{searched})"
    elif found:
        searched = f" (not in {others} either)" if others else ""
        create = f"ecrctl repo create {found['name']}"
        hint = f"check the name and --region/--registry-id{searched}, or create it: {create}"
    else:
        hint = "check the name and --region/--registry-id (ecrctl repo list shows them)"
    return errors.NotFound(f"{f.message or 'repository not found'} (region {f.region})", hint=hint)


def _denied(f: Failure) -> errors.EcrctlError:
    match = _DENIED.search(f.message)
    if match:
        return errors.AccessDenied(
            f"{match['principal']} is not allowed to perform {match['action']}",
            hint=f"grant {match['action']} in an IAM or repository policy, "
            "or use --profile for a principal that has it",
        )
    return errors.AccessDenied(
        f"access denied for {f.request}: {f.message}",
        hint="check the IAM and repository policies of the caller",
    )


def _conflict(default: str, hint: str) -> ErrorRule:
    return lambda f: errors.Conflict(f.message or default, hint=hint)


RULES: dict[str, ErrorRule] = {
    "RepositoryNotFoundException": _repository_not_found,
    "RepositoryAlreadyExistsException": _conflict(
        "the repository already exists", "pick another name, or use the existing repository"
    ),
    "RepositoryNotEmptyException": _conflict(
        "the repository is not empty", "delete its images first, or pass --force"
    ),
    "LifecyclePolicyPreviewInProgressException": _conflict(
        "a lifecycle policy preview is already running for this repository",
        "wait a minute and retry, or preview locally (without --remote/--compare)",
    ),
    **dict.fromkeys(("AccessDeniedException", "AccessDenied", "UnauthorizedOperation"), _denied),
    **dict.fromkeys(
        THROTTLING_CODES,
        _says(
            errors.ServiceError,
            "AWS throttled {f.request} ({f.code}) after {f.attempts} attempts",
            "wait and retry, or raise --max-attempts / ECRCTL_MAX_ATTEMPTS",
        ),
    ),
    **dict.fromkeys(
        ("ExpiredTokenException", "ExpiredToken", "RequestExpired"),
        _says(
            errors.AuthError,
            "the AWS session credentials have expired",
            "refresh them (e.g. aws sso login) and retry",
        ),
    ),
    **dict.fromkeys(
        (
            "UnrecognizedClientException",
            "InvalidClientTokenId",
            "InvalidSignatureException",
            "SignatureDoesNotMatch",
        ),
        _says(
            errors.AuthError,
            "AWS rejected the credentials ({f.code}): {f.message}",
            "check the access key, secret and --profile",
        ),
    ),
    **dict.fromkeys(
        (
            "ImageNotFoundException",
            "LifecyclePolicyNotFoundException",
            "RepositoryPolicyNotFoundException",
            "LifecyclePolicyPreviewNotFoundException",
        ),
        _says(errors.NotFound, "{f.text}"),
    ),
    **dict.fromkeys(
        ("InvalidVpcID.NotFound", "InvalidSubnetID.NotFound", "InvalidGroup.NotFound"),
        _says(
            errors.NotFound,
            "{f.text} (region {f.region})",
            "VPCs, subnets and security groups are regional: check the id and --region",
        ),
    ),
    **dict.fromkeys(
        (
            "InvalidParameterException",
            "ValidationException",
            "InvalidTagParameterException",
            "TooManyTagsException",
            "LimitExceededException",
        ),
        _says(errors.InvalidInput, "{f.code}: {f.message}"),
    ),
}


def translate_client_error(exc: Any, region: str | None = None) -> errors.EcrctlError:
    failure = Failure(exc, region)
    rule = RULES.get(failure.code)
    if rule is not None:
        return rule(failure)
    if failure.code.isdigit():  # AWS names every error: this answer is not AWS's
        body = failure.message.strip()
        what = "an HTML page" if "<" in body else "an empty body" if not body else repr(body)
        operation = failure.request
        return errors.ServiceError(
            f"{operation} failed: the endpoint answered HTTP {failure.code} with {what}, not "
            f"an AWS error: it is not an AWS API endpoint, or does not serve {operation}",
            hint="point --endpoint-url/AWS_ENDPOINT_URL_ECR at the ECR API "
            "(api.ecr.REGION.amazonaws.com; the registry host is docker's)",
        )
    return errors.ServiceError(
        f"{failure.operation or 'request'} failed: {failure.code}: {failure.message}"
    )


def translate_botocore_error(
    exc: BaseException, *, region: str | None = None, profile: str | None = None
) -> errors.EcrctlError:
    """A botocore exception as an ecrctl error with a one-line fix."""
    import botocore.exceptions as bx

    if isinstance(exc, bx.ClientError):
        return translate_client_error(exc, region)
    if isinstance(exc, bx.NoCredentialsError | bx.PartialCredentialsError):
        return errors.InvalidInput(
            "no AWS credentials found",
            hint="set AWS_PROFILE or --profile, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
        )
    if isinstance(exc, bx.NoRegionError):
        return errors.InvalidInput(
            "no AWS region is set", hint="pass --region REGION or set AWS_REGION"
        )
    if isinstance(exc, bx.ProfileNotFound):
        found = re.search(r"\((.+)\)", str(exc))
        name = profile or str(getattr(exc, "kwargs", {}).get("profile") or "")
        name = name or (found[1] if found else "?")
        return errors.InvalidInput(
            f"AWS profile {name!r} is not in the AWS config files",
            hint=f"check ~/.aws/config, or run: aws configure --profile {name}",
        )
    if isinstance(exc, bx.EndpointConnectionError | bx.ConnectTimeoutError):
        url = str(getattr(exc, "kwargs", {}).get("endpoint_url", "")).rstrip("/")
        unknown = _unknown_region(region) if region and region in url else None
        if unknown is not None:
            return unknown
        return errors.ServiceError(
            f"cannot reach the AWS endpoint {url or '(unknown)'}",
            hint="check --endpoint-url/AWS_ENDPOINT_URL_ECR, the region, and the network",
        )
    if isinstance(exc, bx.ReadTimeoutError):
        url = str(getattr(exc, "kwargs", {}).get("endpoint_url", "")).rstrip("/")
        return errors.ServiceError(
            f"the AWS endpoint {url or ''} did not answer in time".replace("  ", " "),
            hint="retry, or raise --read-timeout/ECRCTL_READ_TIMEOUT or --max-attempts",
        )
    if isinstance(exc, bx.ParamValidationError):
        return errors.InvalidInput(str(exc).splitlines()[-1].strip())
    where = f" in {region}" if region else ""
    return errors.ServiceError(f"AWS request failed{where}: {exc}")


def _unknown_region(region: str) -> errors.EcrctlError | None:
    """A region botocore does not list, once its endpoint could not be reached: the
    name is the likely cause (a region too new for botocore would have answered)."""
    from botocore.session import get_session

    from ecrctl.aws.regions import closest_region

    partitions = get_session().get_data("endpoints").get("partitions", [])
    known = [name for part in partitions for name in part.get("regions", {})]
    if region in known:
        return None
    close = closest_region(region, known)
    return errors.InvalidInput(
        f"unknown region {region!r}: its endpoint cannot be reached and AWS lists no such region",
        hint=f"did you mean --region {close}?" if close else "pick a region AWS lists",
    )
