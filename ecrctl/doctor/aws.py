"""AWS checks: credentials, region, clock skew, the ECR API endpoint, and
whether the caller may get an authorization token.

The guide's Troubleshooting chapter: SigV4 signatures fail when the clock is
more than 5 minutes off; a proxy or firewall may block ECR's API;
``ecr:GetAuthorizationToken`` must be allowed by an IAM policy (it has no resource).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ecrctl.doctor.facts import DoctorFacts, proxy_fix, proxy_note
from ecrctl.doctor.model import CheckOutcome, Skipped, failure, ok, skip, warning

if TYPE_CHECKING:
    from ecrctl.errors import EcrctlError

SKEW_WARN = 60.0  # seconds
SKEW_FAIL = 300.0  # SigV4 refuses requests signed more than 5 minutes off

_METHODS = {
    "env": "AWS_ACCESS_KEY_ID in the environment",
    "iam-role": "the EC2 instance role (instance metadata)",
    "container-role": "the container's task role",
    "assume-role": "a role assumed by the profile",
    "assume-role-with-web-identity": "a web identity token (AWS_WEB_IDENTITY_TOKEN_FILE)",
    "sso": "IAM Identity Center (SSO) through the profile",
    "custom-process": "the profile's credential_process",
}


def _source(facts: DoctorFacts, method: str) -> str:
    resolved = facts.aws.resolved
    if method in {"shared-credentials-file", "config-file"}:
        where = "credentials file" if method == "shared-credentials-file" else "config file"
        return f"profile {resolved.profile} (from {resolved.profile_from}) in the AWS {where}"
    found = _METHODS.get(method, method)
    if method != "env" and resolved.profile_from != "default":
        found += f", profile {resolved.profile} (from {resolved.profile_from})"
    return found


def check_credentials(facts: DoctorFacts) -> CheckOutcome:
    from ecrctl.translate import expected

    credentials = facts.session().get_credentials()
    if credentials is None:
        return failure(
            "no AWS credentials: none in the environment, the profile, SSO or instance metadata",
            "aws configure (or export AWS_PROFILE=NAME)",
        )
    source = _source(facts, str(getattr(credentials, "method", "unknown")))
    try:
        identity = facts.identity()
    except Exception as exc:
        error = expected(exc)
        return failure(f"{error.message} (credentials from {source})", error.hint)
    return ok(f"{identity['Arn']} (account {identity['Account']}; from {source})")


def check_configured_region(facts: DoctorFacts) -> CheckOutcome:
    resolved = facts.aws.resolved
    if not resolved.region:
        return failure(
            "no region: none in --region, AWS_DEFAULT_REGION, the profile or AWS_REGION",
            "export AWS_DEFAULT_REGION=us-east-1 (or pass --region REGION)",
        )
    session = facts.session()
    known = {
        region
        for partition in session.get_available_partitions()
        for region in session.get_available_regions("ecr", partition)
    }
    where = f"{resolved.region} (from {resolved.region_from})"
    if resolved.region in known:
        return ok(where)
    close = difflib.get_close_matches(resolved.region, sorted(known), n=1)
    fix = f"use --region {close[0]}" if close else "check the name against the ECR region list"
    return warning(f"{where} is not a region this botocore knows for ECR", fix)


@dataclass(frozen=True)
class EndpointAnswer:
    """What the ECR API endpoint answered to a plain GET."""

    url: str
    status: int
    date: str | None
    received: float


def short_reason(exc: BaseException) -> str:
    """A connection failure in a few words."""
    text = str(exc)
    lowered = text.lower()
    for words, said in (
        (("refused",), "connection refused"),
        (("timed out", "timeout"), "timed out"),
        (("name or service not known", "nodename nor servname", "failed to resolve"), "no DNS"),
        (("certificate",), "TLS certificate not trusted"),
        (("proxy",), "the proxy failed"),
    ):
        if any(word in lowered for word in words):
            return said
    return text.splitlines()[0][:120] if text else type(exc).__name__


def endpoint_answer(facts: DoctorFacts) -> EndpointAnswer:
    def ask() -> EndpointAnswer:
        import requests

        url = str(facts.ecr().meta.endpoint_url)
        response = requests.get(url, timeout=facts.net_timeout, allow_redirects=False)
        response.close()
        return EndpointAnswer(
            url, response.status_code, response.headers.get("Date"), facts.clock()
        )

    return facts.once("ECR endpoint", ask)


def check_endpoint(facts: DoctorFacts) -> CheckOutcome:
    url = str(facts.ecr().meta.endpoint_url)
    note = proxy_note(url, facts.environ)
    try:
        answer = endpoint_answer(facts)
    except Exception as exc:
        from urllib.parse import urlparse

        resolved = facts.aws.resolved
        where = f"check the network, DNS and firewall for {urlparse(url).hostname} (HTTPS)"
        if resolved.endpoint_url:
            where = f"check that {url} (from {resolved.endpoint_from}) is up and reachable"
        return failure(
            f"cannot reach {url}: {short_reason(exc)}{note}",
            proxy_fix(url, facts.environ) or where,
        )
    not_ecr = not_an_api(facts)
    if not_ecr is not None:
        resolved = facts.aws.resolved
        origin = f" (from {resolved.endpoint_from})" if resolved.endpoint_url else ""
        return failure(
            f"{url}{origin} is not an ECR API endpoint: {not_ecr.message}{note}",
            "point --endpoint-url/AWS_ENDPOINT_URL_ECR at the ECR API "
            "(api.ecr.REGION.amazonaws.com; the registry host is docker's), or unset it",
        )
    return ok(f"{url} answers (HTTP {answer.status}){note}")


# how ecrctl.aws words an answer that is not an AWS API's (an HTTP status without an
# AWS error code, an empty 200 without a request id)
NOT_AN_API = "not an AWS API endpoint"


def not_an_api(facts: DoctorFacts) -> EcrctlError | None:
    """The error of ECR's one call every check needs (GetAuthorizationToken, asked
    once) when the endpoint's answer to it was not an AWS API's; ``None`` otherwise:
    a plain GET says nothing, since ECR's own endpoint answers it with an error too."""
    from ecrctl.translate import expected

    try:
        authorization_token(facts)
    except Exception as exc:
        error = expected(exc)
        return error if NOT_AN_API in error.message else None
    return None


def check_clock(facts: DoctorFacts) -> CheckOutcome:
    from email.utils import parsedate_to_datetime

    try:
        answer = endpoint_answer(facts)
    except Exception:
        raise Skipped("needs an answer from the ECR endpoint (see aws.endpoint)") from None
    if not answer.date:
        return skip(f"{answer.url} sent no Date header")
    try:
        served = parsedate_to_datetime(answer.date).timestamp()
    except (TypeError, ValueError):
        return skip(f"{answer.url} sent a Date header that is not a date: {answer.date!r}")
    skew = answer.received - served
    said = f"this clock is {abs(skew):.0f} s {'ahead of' if skew > 0 else 'behind'} the service's"
    fix = "sync the clock: sudo timedatectl set-ntp true (or: sudo chronyc makestep)"
    if abs(skew) >= SKEW_FAIL:
        return failure(f"{said}: AWS refuses signatures more than 5 minutes off", fix)
    if abs(skew) >= SKEW_WARN:
        return warning(f"{said} (AWS refuses signatures past 5 minutes)", fix)
    return ok(f"within {max(1, round(abs(skew)))} s of the service's Date header")


def authorization_token(facts: DoctorFacts) -> dict[str, Any]:
    """GetAuthorizationToken for the registry (--registry-id, else the caller's)."""

    def ask() -> dict[str, Any]:
        from ecrctl.login.token import fetch_tokens

        registry_id = facts.aws.settings.registry_id
        data = fetch_tokens(facts.ecr(), [registry_id] if registry_id else None)
        return dict(data[0])

    return facts.once("authorization token", ask)


def check_auth_token(facts: DoctorFacts) -> CheckOutcome:
    from ecrctl.aws.access import error_code
    from ecrctl.translate import expected

    try:
        data = authorization_token(facts)
    except Exception as exc:
        error = expected(exc)
        if NOT_AN_API in error.message:
            raise Skipped("needs the ECR API (see aws.endpoint)") from None
        if error_code(exc) in {"AccessDeniedException", "AccessDenied"}:
            return failure(
                error.message,
                'grant ecr:GetAuthorizationToken on Resource "*" in an IAM policy: '
                "ecrctl policy iam template read-only",
            )
        return failure(error.message, error.hint)
    from ecrctl.login.token import host_of

    host = host_of(str(data.get("proxyEndpoint")))
    expires = data.get("expiresAt")
    if expires is not None and expires <= datetime.fromtimestamp(facts.clock(), UTC):
        return failure(
            f"ECR issued a token for {host} that had expired when it arrived "
            f"({expires:%Y-%m-%d %H:%M} UTC; ECR's tokens last 12 hours); ecrctl login "
            "refuses such a token",
            "check this machine's clock (sudo timedatectl set-ntp true), and that the "
            "endpoint is ECR's API (--endpoint-url, AWS_ENDPOINT_URL_ECR)",
        )
    when = f", valid until {expires:%Y-%m-%d %H:%M} UTC" if expires is not None else ""
    return ok(f"ECR issued a token for {host}{when}")
