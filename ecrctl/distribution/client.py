"""A client of the Docker Registry HTTP API v2 (the OCI distribution spec) for one host.

Authentication follows the registry's ``WWW-Authenticate`` challenge: ``Basic``
sends the credential (ECR: ``AWS`` and the decoded token), ``Bearer`` asks the
challenge's realm for a token per scope (Docker Hub, GHCR, a private token
server), with the credential when there is one, anonymously otherwise.
Requests without a body (or with bytes) are retried on 429, 5xx and broken
connections with exponential backoff; a streamed body is retried by its caller.
Redirects (ECR sends blob reads to S3) are followed without the Authorization
header. Every failure leaves as an :mod:`ecrctl.errors` class.

requests is imported inside the functions only.
"""

from __future__ import annotations

import logging
import random
import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlparse

from ecrctl import redact
from ecrctl.distribution import manifest as mt
from ecrctl.errors import AccessDenied, AuthError, EcrctlError, NotFound, ServiceError

if TYPE_CHECKING:
    import requests

log = logging.getLogger("ecrctl")

MANIFEST_ACCEPT = ", ".join(
    [mt.OCI_INDEX, mt.OCI_MANIFEST, mt.DOCKER_LIST, mt.DOCKER_SCHEMA2, mt.DOCKER_SCHEMA1_SIGNED]
)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
LOOPBACK = ("127.", "localhost", "[::1]")
_PARAM = re.compile(r'(?P<key>[\w-]+)\s*=\s*(?:"(?P<quoted>[^"]*)"|(?P<bare>[^,\s]*))')


@dataclass(frozen=True)
class Credential:
    """A user name and secret for one registry, and where they came from (for messages)."""

    username: str
    password: str = field(repr=False)
    source: str = "?"


class DigestMismatch(ServiceError):
    """Content did not hash to the digest that names it: nothing is tagged."""


class RegistryClient:
    """One registry host: authenticated, retried requests (thread-safe)."""

    def __init__(
        self,
        host: str,
        credential: Credential | None = None,
        *,
        attempts: int = 5,
        backoff: float = 0.3,
        timeout: float = 60.0,
        basic: bool = False,
    ) -> None:
        """``basic``: send the credential with the first request (ECR always
        answers Basic), instead of waiting for the challenge."""
        import requests

        self.host = host
        scheme = "http" if host.startswith(LOOPBACK) else "https"
        self.base = f"{scheme}://{host}"
        self.credential = credential
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self.timeout = timeout
        self.session = requests.Session()
        adapter = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=16)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self._lock = threading.Lock()
        self._basic = basic and credential is not None
        self._tokens: dict[str, str] = {}
        if credential:
            redact.register(credential.password)

    def url(self, path: str) -> str:
        return urljoin(self.base + "/", path.lstrip("/")) if "://" not in path else path

    # -- authentication ------------------------------------------------------------

    def _auth_header(self, scope: str) -> dict[str, str]:
        with self._lock:
            token = self._tokens.get(scope)
            basic = self._basic
        if token:
            return {"Authorization": f"Bearer {token}"}
        if basic and self.credential:
            import base64

            pair = f"{self.credential.username}:{self.credential.password}".encode()
            return {"Authorization": "Basic " + base64.b64encode(pair).decode()}
        return {}

    def _answer_challenge(self, response: requests.Response, scope: str, extra: list[str]) -> None:
        """Learn from a 401 how to authenticate; raise when nothing more can be tried."""
        scheme, params = parse_challenge(response.headers.get("WWW-Authenticate", ""))
        if scheme == "basic":
            if self.credential is None:
                raise self._no_credential()
            if self._basic:
                raise self._rejected(response)  # the credential was sent, and refused
            with self._lock:
                self._basic = True
            return
        if scheme == "bearer" and "realm" in params:
            token = self._fetch_token(params, [scope, *extra])
            with self._lock:
                self._tokens[scope] = token
            return
        raise self._rejected(response)

    def _fetch_token(self, params: dict[str, str], extra: list[str]) -> str:
        import requests

        query: list[tuple[str, str]] = []
        if params.get("service"):
            query.append(("service", params["service"]))
        for scope in dict.fromkeys([params.get("scope", ""), *extra]):
            if scope:
                query.append(("scope", scope))
        auth = (self.credential.username, self.credential.password) if self.credential else None
        try:  # anonymous means anonymous: no ~/.netrc login either, as docker does
            answer = requests.get(
                params["realm"], params=query, auth=auth or _as_given, timeout=self.timeout
            )
        except requests.RequestException as exc:
            raise ServiceError(f"cannot reach the token service of {self.host}: {exc}") from None
        if answer.status_code in (401, 403):
            raise self._no_credential() if auth is None else self._rejected(answer)
        if answer.status_code != 200:
            raise ServiceError(f"the token service of {self.host} answered {answer.status_code}")
        data = answer.json()
        token = str(data.get("token") or data.get("access_token") or "")
        if not token:
            raise ServiceError(f"the token service of {self.host} returned no token")
        redact.register(token)
        return token

    def _no_credential(self) -> AuthError:
        return AuthError(
            f"no credentials for registry {self.host}",
            hint=f"run: docker login {self.host} (or add a credHelpers entry for it in "
            "$DOCKER_CONFIG/config.json, or map it to an ECR account in ecrctl's config.toml)",
        )

    def _rejected(self, response: requests.Response) -> AuthError:
        source = f" (from {self.credential.source})" if self.credential else ""
        return AuthError(
            f"registry {self.host} refused the credentials{source}: HTTP "
            f"{response.status_code} {error_text(response)}",
            hint="check the login for this host (ECR tokens last 12 hours; "
            "a mapped host needs the right account and region)",
        )

    # -- requests ------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        scope: str = "",
        extra_scopes: list[str] | None = None,
        headers: Mapping[str, str] | None = None,
        data: Any = None,
        stream: bool = False,
        ok: tuple[int, ...] = (200,),
        replayable: bool = True,
    ) -> requests.Response:
        """One call; ``ok`` lists the statuses returned to the caller, 404 is NotFound,
        anything else an error. Redirects are followed without Authorization."""
        import requests

        attempt = challenges = 0
        while True:
            attempt += 1
            sent = {**(headers or {}), **self._auth_header(scope)}
            try:
                response = self.session.request(
                    method,
                    self.url(path),
                    headers=sent,
                    data=data,
                    stream=stream,
                    allow_redirects=False,
                    timeout=self.timeout,
                    auth=_as_given,  # never ~/.netrc's login in place of the registry's
                )
                if response.status_code in (301, 302, 303, 307, 308) and method in ("GET", "HEAD"):
                    response = self._follow(response, method, headers or {}, stream)
            except requests.RequestException as exc:
                if replayable and attempt < self.attempts:
                    self._sleep(attempt)
                    continue
                raise ServiceError(
                    f"cannot reach registry {self.host}: {type(exc).__name__}",
                    hint="check the address and that the registry is up",
                ) from None
            if response.status_code == 401 and replayable and challenges < 2:
                challenges += 1  # a second one: the token expired, or lacked a scope
                self._answer_challenge(response, scope, extra_scopes or [])
                continue
            if response.status_code in RETRY_STATUSES and replayable and attempt < self.attempts:
                response.close()
                self._sleep(attempt)
                continue
            if response.status_code in ok:
                return response
            raise self._failure(method, path, response)

    def _follow(
        self, response: requests.Response, method: str, headers: Mapping[str, str], stream: bool
    ) -> requests.Response:
        import requests

        for _ in range(5):
            if not response.headers.get("Location"):
                raise ServiceError(
                    f"registry {self.host} answered HTTP {response.status_code} without a "
                    "Location to follow",
                    hint="check the registry, or any proxy in front of it",
                )
            location = urljoin(response.url, response.headers["Location"])
            response.close()
            plain = {k: v for k, v in headers.items() if k.lower() != "authorization"}
            # auth=_no_auth: else requests adds ~/.netrc's login for the target's host
            # (a presigned URL is its own credential: S3 refuses a request with two),
            # and each hop is taken here, where that is enforced
            response = requests.request(
                method,
                location,
                headers=plain,
                stream=stream,
                timeout=self.timeout,
                auth=_no_auth,
                allow_redirects=False,
            )
            if response.status_code not in (301, 302, 303, 307, 308):
                return response
        raise ServiceError(f"registry {self.host} redirected too many times")

    def _sleep(self, attempt: int) -> None:
        time.sleep(self.backoff * (2 ** (attempt - 1)) * (0.5 + random.random()))

    def _failure(self, method: str, path: str, response: requests.Response) -> EcrctlError:
        text = f"{method} {path} at {self.host}: HTTP {response.status_code} {error_text(response)}"
        if response.status_code == 404:
            return NotFound(text.strip())
        redirected = urlparse(response.url).netloc if response.url else ""
        if response.status_code == 403 and redirected and redirected != self.host:
            # refused by the storage a redirect led to (S3), not by the registry
            return AccessDenied(
                f"{method} {path} at {self.host}: the storage it redirected to ({redirected}) "
                f"answered HTTP 403 {error_text(response)}".strip(),
                hint="the presigned URL may have expired or been refused; retry, and check "
                "any proxy or clock skew between here and the storage",
            )
        if response.status_code == 403:
            return AccessDenied(text.strip(), hint="the credential may not write or read here")
        if response.status_code == 401:
            return self._rejected(response)
        return ServiceError(text.strip())


def _as_given(request: requests.PreparedRequest) -> requests.PreparedRequest:
    """An auth hook that keeps the headers as built (requests then skips ~/.netrc)."""
    return request


def _no_auth(request: requests.PreparedRequest) -> requests.PreparedRequest:
    """An auth hook that sends no credential (requests then skips ~/.netrc)."""
    request.headers.pop("Authorization", None)
    return request


def parse_challenge(header: str) -> tuple[str, dict[str, str]]:
    """``Bearer realm="...",service="...",scope="..."`` as ("bearer", {...});
    commas inside quotes (``scope="repository:a:pull,push"``) stay in the value."""
    scheme, _, rest = header.strip().partition(" ")
    params: dict[str, str] = {}
    for match in _PARAM.finditer(rest):
        params[match["key"].lower()] = (
            match["quoted"] if match["quoted"] is not None else match["bare"]
        )
    return scheme.lower(), params


def error_text(response: requests.Response) -> str:
    """The registry's error message (``errors[0].message``), else the reason phrase."""
    try:
        errors = response.json().get("errors") or []
        parts = [f"{e.get('code', '')}: {e.get('message', '')}".strip(": ") for e in errors]
        if parts:
            return redact.redact("; ".join(parts))
    except (ValueError, AttributeError):
        pass
    return response.reason or ""
