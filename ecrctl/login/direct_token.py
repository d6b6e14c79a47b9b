"""GetAuthorizationToken as one signed request, without botocore, in the plain case.

A command that needs a fresh token (no token cache: every CI runner without one)
would otherwise import botocore and build a session and a client for one call:
about 80 ms of a copy's start, more than the call itself. In the plain case
the call is made here, signed with Signature Version 4 over the standard
library's ``http.client``:

- the credentials are the environment's access key (``AWS_ACCESS_KEY_ID``,
  ``AWS_SECRET_ACCESS_KEY``, optional ``AWS_SESSION_TOKEN``) and no profile is
  named explicitly: the first source of botocore's chain, which it then uses;
- the region is known, and the endpoint is the resolved one (``--endpoint-url``,
  ``AWS_ENDPOINT_URL_ECR``, a profile's, a FIPS or dual-stack host's) or, when
  none is set, ``https://api.ecr.<region>.<partition's DNS suffix>`` for a
  region botocore's partitions list (botocore's endpoint rule for ECR);
- no proxy, no CA bundle, no FIPS or dual-stack switch is set in the environment
  or the profile.

Anything else, and any answer that is not a token, goes to botocore (the
factory's client), which then makes the call as before: a transport failure,
throttling or a server error (botocore's retries take over), a signature or clock
refusal. Other AWS errors (access denied, an unknown key) are raised here as
botocore's ``ClientError``, as its client would raise them, so that the call is
not made twice. ``ECRCTL_DIRECT_TOKEN=0`` turns the path off.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ecrctl.aws.errors import BOTOCORE_THROTTLED, BOTOCORE_TRANSIENT
from ecrctl.distribution.hosts import known_partition

if TYPE_CHECKING:
    from ecrctl.aws.settings import Resolved

log = logging.getLogger("ecrctl")

TARGET = "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken"
SIGNING_NAME = "ecr"  # the service's signing name in its model (the endpoint prefix is api.ecr)
MAX_ANSWER = 1 << 20  # a token answer is a few KiB
# the environment and profile settings that change how botocore reaches the endpoint
ROUTE_VARIABLES = (
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "AWS_CA_BUNDLE",
    "AWS_USE_FIPS_ENDPOINT",
    "AWS_USE_DUALSTACK_ENDPOINT",
)
ROUTE_PROFILE_KEYS = ("ca_bundle", "use_fips_endpoint", "use_dualstack_endpoint")
# a refusal of the request itself (its signature, its clock): botocore signs it again
RESIGNED_CODES = frozenset(
    {
        "RequestTimeTooSkewed",
        "RequestExpired",
        "RequestInTheFuture",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "IncompleteSignature",
        "AuthFailure",
    }
)
# the call is then botocore's, with its retries
BOTOCORES = BOTOCORE_THROTTLED | BOTOCORE_TRANSIENT | RESIGNED_CODES


class Plain:
    """The plain case's parts: the credentials, the region and the endpoint."""

    __slots__ = ("endpoint", "key_id", "region", "secret", "token")

    def __init__(self, key_id: str, secret: str, token: str, region: str, endpoint: str):
        self.key_id = key_id
        self.secret = secret
        self.token = token
        self.region = region
        self.endpoint = endpoint

    def __repr__(self) -> str:  # never show the secret
        return f"Plain(key_id={self.key_id!r}, region={self.region!r}, endpoint={self.endpoint!r})"


def plain_case(resolved: Resolved) -> Plain | None:
    """The parts of a direct call for ``resolved``; ``None``: botocore makes it."""
    env = resolved.environ
    if not direct_allowed(env.get("ECRCTL_DIRECT_TOKEN", "")) or resolved.explicit_profile:
        return None
    key_id, secret = env.get("AWS_ACCESS_KEY_ID", ""), env.get("AWS_SECRET_ACCESS_KEY", "")
    if not key_id or not secret or not resolved.region:
        return None
    if any(env.get(name) for name in ROUTE_VARIABLES):
        return None
    if any(resolved.profile_values.get(key) for key in ROUTE_PROFILE_KEYS):
        return None
    endpoint = resolved.endpoint_url
    if endpoint is None:
        partition = known_partition(resolved.region)
        if partition is None:
            return None
        endpoint = f"https://api.ecr.{resolved.region}.{partition.dns_suffix}"
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or parts.path not in ("", "/") or parts.query:
        return None
    token = env.get("AWS_SESSION_TOKEN") or env.get("AWS_SECURITY_TOKEN") or ""
    return Plain(key_id, secret, token, resolved.region, endpoint)


def direct_allowed(value: str) -> bool:
    """``ECRCTL_DIRECT_TOKEN``: unset, 1, true, yes or on (the default); 0, false, no
    or off; anything else is refused, before any call, rather than guessed at."""
    from ecrctl.distribution.transport import switch

    hint = "use 0 to ask for tokens through botocore only, or 1 (the default)"
    return switch("ECRCTL_DIRECT_TOKEN", value, hint)


def signed_headers(plain: Plain, body: bytes, now: datetime) -> dict[str, str]:
    """The request's headers, signed with Signature Version 4 (as botocore signs a
    JSON-protocol call: every header below, the body's SHA-256)."""
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    scope = f"{amz_date[:8]}/{plain.region}/{SIGNING_NAME}/aws4_request"
    headers = {
        "content-type": "application/x-amz-json-1.1",
        "host": signing_host(plain.endpoint),
        "x-amz-date": amz_date,
        "x-amz-target": TARGET,
    }
    if plain.token:
        headers["x-amz-security-token"] = plain.token
    names = sorted(headers)
    canonical = "\n".join(
        [
            "POST",
            "/",
            "",
            *(f"{name}:{' '.join(headers[name].split())}" for name in names),
            "",
            ";".join(names),
            hashlib.sha256(body).hexdigest(),
        ]
    )
    to_sign = "\n".join(
        ["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()]
    )
    key = ("AWS4" + plain.secret).encode()
    for part in (amz_date[:8], plain.region, SIGNING_NAME, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    headers["authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={plain.key_id}/{scope}, "
        f"SignedHeaders={';'.join(names)}, Signature={signature}"
    )
    # sent as botocore sends them: names are case-insensitive, but not every proxy knows
    return {"-".join(word.capitalize() for word in k.split("-")): v for k, v in headers.items()}


def signing_host(endpoint: str) -> str:
    """The ``host`` header botocore signs: the port only when it is not the scheme's."""
    parts = urlsplit(endpoint)
    if (parts.scheme, parts.port) in (("http", 80), ("https", 443)):
        return parts.hostname or ""
    return parts.netloc.rsplit("@", 1)[-1]


def direct_tokens(
    resolved: Resolved, registry_ids: list[str] | None, timeouts: tuple[float, float]
) -> list[dict[str, Any]] | None:
    """GetAuthorizationToken's ``authorizationData`` (``expiresAt`` as an aware
    datetime, as ecrctl's botocore parser gives it); ``None``: botocore makes the call."""
    plain = plain_case(resolved)
    if plain is None:
        return None
    body = json.dumps({"registryIds": registry_ids} if registry_ids else {}).encode()
    try:
        status, answer = _post(plain, body, timeouts)
    except (OSError, ValueError) as exc:  # http.client's errors are OSError or ValueError
        log.debug("GetAuthorizationToken at %s failed (%s): botocore asks", plain.endpoint, exc)
        return None
    log.debug("GetAuthorizationToken at %s (signed here): %d", plain.endpoint, status)
    if status == 200:
        return _token_data(answer)
    _refuse(status, answer)
    return None


def _post(plain: Plain, body: bytes, timeouts: tuple[float, float]) -> tuple[int, bytes]:
    import http.client

    from ecrctl.aws.session import ON_WAIT, WAIT_NOTICE_AFTER

    parts = urlsplit(plain.endpoint)
    connect, read = timeouts
    notice = None
    if ON_WAIT:  # on a terminal, a call that keeps the user waiting says so, as botocore's
        import threading

        what = ("GetAuthorizationToken", plain.endpoint, connect, read)
        notice = threading.Timer(WAIT_NOTICE_AFTER, ON_WAIT[0], what)
        notice.daemon = True
        notice.start()
    conn: http.client.HTTPConnection
    if parts.scheme == "https":
        import ssl

        conn = http.client.HTTPSConnection(
            parts.hostname or "", parts.port, timeout=connect, context=ssl.create_default_context()
        )
    else:
        conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=connect)
    try:
        headers = signed_headers(plain, body, datetime.now(UTC))
        headers["User-Agent"] = "ecrctl"
        conn.connect()
        if conn.sock is not None:
            conn.sock.settimeout(read)
        conn.request("POST", "/", body=body, headers=headers)
        response = conn.getresponse()
        answer = response.read(MAX_ANSWER + 1)
        if len(answer) > MAX_ANSWER:
            raise ValueError("the answer is larger than a token answer can be")
        return response.status, answer
    finally:
        if notice is not None:
            notice.cancel()
        conn.close()


def _token_data(answer: bytes) -> list[dict[str, Any]] | None:
    """The answer's tokens; ``None`` when it is not the shape the API documents."""
    try:
        data = json.loads(answer)
        found = data["authorizationData"]
        tokens = []
        for item in found:
            expires = item["expiresAt"]
            if not isinstance(expires, int | float) or isinstance(expires, bool):
                return None
            if not isinstance(item["authorizationToken"], str):
                return None
            if not isinstance(item["proxyEndpoint"], str):
                return None
            tokens.append({**item, "expiresAt": datetime.fromtimestamp(expires, UTC)})
    except (ValueError, TypeError, KeyError):
        return None
    return tokens if isinstance(found, list) and tokens else None


def _refuse(status: int, answer: bytes) -> None:
    """Raise an AWS refusal as botocore's client would; return when botocore should
    make the call (a server error, throttling, a signature or clock problem, an
    answer that is not an AWS error)."""
    try:
        data = json.loads(answer)
        code = str(data.get("__type") or data.get("code") or "").rsplit("#", 1)[-1]
        message = str(data.get("message") or data.get("Message") or "")
    except (ValueError, AttributeError):
        return
    if not code or status >= 500 or status == 429 or code in BOTOCORES:
        return
    from botocore.exceptions import ClientError

    error: Any = {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": {"HTTPStatusCode": status},
    }
    raise ClientError(error, "GetAuthorizationToken")
