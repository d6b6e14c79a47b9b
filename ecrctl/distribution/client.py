"""A client of the Docker Registry HTTP API v2 (the OCI distribution spec) for one host.

Authentication follows :mod:`ecrctl.distribution.auth`: the credential goes
only to the origin the user named (``Basic``, up front for ECR) and to the
token realm its ``Bearer`` challenge names; a redirect target, a ``Link`` on
another origin or an upload ``Location`` on another origin gets no
Authorization, and a 401 from such a host is reported as that host refusing.
The scheme is :func:`~ecrctl.distribution.transport.plain_http`'s.

Every request runs under one deadline (connect, headers and body together;
``--registry-timeout``), held by :mod:`ecrctl.distribution.watchdog`; bodies are
read with caps. Requests without a body (or with bytes) are retried on 429, 5xx
and broken connections with exponential backoff (``Retry-After`` honoured up to
a cap); a streamed body is retried by its caller; a TLS verification failure or
a request out of time is not retried. Redirects (ECR sends blob reads to S3) are
followed without the Authorization header. Every failure leaves as an
:mod:`ecrctl.errors` class.

The requests go over the standard library's HTTP client
(:mod:`~ecrctl.distribution.wire`) in the plain case, and through requests
(:mod:`~ecrctl.distribution.requests_stack`) when a proxy variable is set or
``ECRCTL_STDLIB_HTTP=0``; requests is imported only then.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ecrctl import redact
from ecrctl.distribution import auth
from ecrctl.distribution import manifest as mt
from ecrctl.distribution.auth import Credential, parse_challenge
from ecrctl.distribution.transport import (
    BLOB_RATE,
    DEFAULT_TIMEOUT,
    Answer,
    Deadline,
    as_given,
    base_url,
    error_text,
    join_url,
    no_auth,
    origin_of,
    read_capped,
    retry_after,
    running,
)
from ecrctl.distribution.wire import Pool, failure, plain_case
from ecrctl.errors import AccessDenied, EcrctlError, NotFound, ServiceError

if TYPE_CHECKING:
    import requests

log = logging.getLogger("ecrctl")

__all__ = ["Credential", "DigestMismatch", "RegistryClient", "error_text", "parse_challenge"]

MANIFEST_ACCEPT = ", ".join(
    [mt.OCI_INDEX, mt.OCI_MANIFEST, mt.DOCKER_LIST, mt.DOCKER_SCHEMA2, mt.DOCKER_SCHEMA1_SIGNED]
)
BODY_LIMIT = 4 << 20  # an answer read whole: manifests (distribution's and containerd's cap)
ERROR_LIMIT = 64 << 10  # an error answer's body
CONNECT_TIMEOUT = 30.0
REDIRECTS = (301, 302, 303, 307, 308)


class DigestMismatch(ServiceError):
    """Content did not hash to the digest that names it: nothing is tagged."""


class RegistryClient:
    """One registry host: authenticated, retried, time-bounded requests (thread-safe)."""

    RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

    def __init__(
        self,
        host: str,
        credential: Credential | None = None,
        *,
        attempts: int = 5,
        backoff: float = 0.3,
        timeout: float = DEFAULT_TIMEOUT,
        basic: bool = False,
    ) -> None:
        """``basic``: an ECR registry, which answers Basic only: the credential goes
        with the first request, and a Bearer challenge is refused. ``timeout``: the
        seconds one request may take (a blob's transfer gets more, by its size)."""
        self.host = host
        self.base = base_url(host)
        self.origin = origin_of(self.base)
        self.plain = self.origin.scheme == "http"
        self.credential = credential
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self.timeout = timeout
        self.ecr = basic
        self.pool = Pool() if plain_case() else None
        self._session: requests.Session | None = None
        self._lock = threading.Lock()
        self._basic = basic and credential is not None
        self._tokens: dict[str, str] = {}
        if credential:
            redact.register(credential.password)

    def url(self, path: str) -> str:
        if "://" in path:
            return join_url(path, "", self.host)
        return join_url(self.base + "/", path.lstrip("/"), self.host)

    def authorizes(self, url: str) -> bool:
        """Whether the credential may go to ``url``: only to the origin the user named."""
        return origin_of(url) == self.origin

    def deadline(self, size: int = 0, *, after: Deadline | None = None) -> Deadline:
        """A new deadline for one request; a blob of ``size`` bytes gets more time, and
        a request whose body comes from another one (``after``) the timeout after it."""
        if after is not None:
            return Deadline(max(after.left(), 0.0) + self.timeout, self.host)
        return Deadline(self.timeout + size / BLOB_RATE, self.host)

    def timeouts(self, deadline: Deadline) -> tuple[float, float]:
        """requests' (connect, read) timeouts inside ``deadline``: a silent peer is
        given up on after ``timeout`` seconds, a trickling one at the deadline."""
        left = max(deadline.left(), 0.05)
        return min(CONNECT_TIMEOUT, left), min(self.timeout, left)

    @property
    def session(self) -> requests.Session:
        """The requests session, made when first needed (with a proxy set)."""
        with self._lock:
            if self._session is None:
                from ecrctl.distribution.requests_stack import session

                self._session = session()
            return self._session

    def send(
        self,
        method: str,
        url: str,
        timer: Deadline,
        *,
        auth: Any = as_given,
        params: Iterable[tuple[str, str]] | None = None,
        headers: Mapping[str, str] | None = None,
        data: Any = None,
    ) -> Answer:
        """One request as every request to a registry or its token service is sent:
        streamed (the caller reads the body, capped), no redirect followed, timeouts
        inside ``timer``, and only the credential the headers carry (``auth`` keeps
        requests from adding ~/.netrc's login, as the standard library never does)."""
        timeouts = self.timeouts(timer)
        if self.pool is not None:
            return self.pool.send(
                method, url, timer, timeouts, params=params, headers=headers, data=data
            )
        from ecrctl.distribution.requests_stack import send

        given = {"auth": auth, "params": params, "headers": headers, "data": data}
        return send(self.session, self.host, method, url, timeouts, **given)

    # -- authentication ------------------------------------------------------------

    def _auth_header(self, scope: str) -> dict[str, str]:
        with self._lock:
            token = self._tokens.get(scope)
            basic = self._basic
        if token:
            return {"Authorization": f"Bearer {token}"}
        if basic and self.credential:
            return {"Authorization": self.credential.basic()}
        return {}

    def tls_failure(self, where: str, exc: Exception) -> ServiceError:
        """A certificate that could not be verified: not retried, with how to trust a CA."""
        text = " ".join(str(exc).split())
        reason = text.split("certificate verify failed: ", 1)[-1].split(" (_ssl")[0][:200]
        if "certificate verify failed" not in text:
            reason = text[:200]
        return ServiceError(
            f"cannot verify the TLS certificate of {where}: {reason}",
            hint="to trust a private CA, export REQUESTS_CA_BUNDLE=/path/to/ca-bundle.pem "
            "(it replaces the default bundle: include the public CAs too)",
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
        limit: int = BODY_LIMIT,
        decode: bool = True,
        deadline: Deadline | None = None,
    ) -> Answer:
        """One call; ``ok`` lists the statuses returned to the caller, 404 is NotFound,
        anything else an error. Without ``stream`` the body is read, up to ``limit``
        bytes (``decode``: a Content-Encoding undone). ``deadline``: one for every
        attempt (else each gets its own)."""
        url = self.url(path)
        attempt = challenges = 0
        while True:
            attempt += 1
            timer = deadline or self.deadline()
            auth_header = self._auth_header(scope) if self.authorizes(url) else {}
            read = None if stream else (limit, decode)
            given = {**(headers or {}), **auth_header}
            response = self._attempt(method, url, given, data, read, timer, ok)
            if isinstance(response, str):  # the connection failed: the cause's name
                if replayable and attempt < self.attempts and not timer.passed:
                    self.pause(attempt)
                    continue
                if timer.passed:
                    raise timer.stalled()
                raise ServiceError(
                    f"cannot reach registry {self.host}: {response}",
                    hint="check the address and that the registry is up",
                )
            status = response.status_code
            if status == 401 and origin_of(response.url) != self.origin:
                raise auth.refused_elsewhere(self, response)
            if status == 401 and replayable and challenges < 2:
                challenges += 1  # a second one: the token expired, or lacked a scope
                sent = auth_header.get("Authorization", " ").split(" ")[0].lower()
                token = auth.answer_challenge(self, response, [scope, *(extra_scopes or [])], sent)
                with self._lock:
                    if token is None:
                        self._basic = True
                    else:
                        self._tokens[scope] = token
                continue
            wait = retry_after(response)
            retry = status in self.RETRY_STATUSES and replayable and attempt < self.attempts
            if retry and (deadline is None or wait < deadline.left()):
                self.pause(attempt, wait)
                continue
            if status in ok:
                return response
            raise self._failure(method, path, response, bool(auth_header))

    def _attempt(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        data: Any,
        read: tuple[int, bool] | None,
        timer: Deadline,
        ok: tuple[int, ...],
    ) -> Answer | str:
        """One attempt, redirects followed and the body read (``read``: its cap and
        whether to decode it; ``None``: streamed, left to the caller when ok); the
        name of the cause when the connection failed (a cause to retry)."""
        if timer.passed:
            raise timer.stalled()
        try:
            with running(timer):
                response = self.send(method, url, timer, headers=headers, data=data)
                if response.status_code in REDIRECTS and method in ("GET", "HEAD"):
                    response = self._follow(response, method, headers, timer)
                if response.status_code not in ok:
                    read_capped(response, ERROR_LIMIT)  # shown in the error, unless too long
                elif read is not None and read_capped(response, read[0], decode=read[1]) is None:
                    raise self._too_big(method, url, read[0])
                return response
        except Exception as exc:
            failed = failure(exc, url)
            if failed is None:
                raise
            if failed.tls and not timer.passed:
                where = str(origin_of(failed.url)).split("://", 1)[-1]
                raise self.tls_failure(where, exc) from None
            log.debug("%s %s at %s: %s", method, url, self.host, exc)
            return failed.cause

    def _too_big(self, method: str, url: str, cap: int) -> ServiceError:
        path = url.split(str(self.origin), 1)[-1].split("?", 1)[0]
        size = f"{cap >> 20} MiB" if cap >= 1 << 20 else f"{cap >> 10} KiB"
        return ServiceError(
            f"{method} {path} at {self.host}: the answer is larger than {size}, the most "
            "ecrctl reads of it: refused",
            hint="registries keep manifests under 4 MiB; check the registry or any proxy",
        )

    def _follow(
        self, response: Answer, method: str, headers: Mapping[str, str], timer: Deadline
    ) -> Answer:
        """Follow up to 5 redirects, with no Authorization: a presigned URL is its own
        credential (S3 refuses a request with two), and the target is not the registry."""
        plain = {k: v for k, v in headers.items() if k.lower() != "authorization"}
        for _ in range(5):
            if not response.headers.get("Location"):
                raise ServiceError(
                    f"registry {self.host} answered HTTP {response.status_code} without a "
                    "Location to follow",
                    hint="check the registry, or any proxy in front of it",
                )
            location = join_url(response.url, response.headers["Location"], self.host, "a Location")
            read_capped(response, ERROR_LIMIT)  # its connection kept for reuse
            response = self.send(method, location, timer, headers=plain, auth=no_auth)
            if response.status_code not in REDIRECTS:
                return response
        raise ServiceError(f"registry {self.host} redirected too many times")

    def pause(self, attempt: int, at_least: float = 0.0) -> None:
        """Back off before attempt ``attempt + 1`` (at least ``at_least`` seconds)."""
        time.sleep(max(at_least, self.backoff * (2 ** (attempt - 1)) * (0.5 + random.random())))

    def _failure(self, method: str, path: str, response: Answer, sent: bool) -> EcrctlError:
        text = f"{method} {path} at {self.host}: HTTP {response.status_code} {error_text(response)}"
        if response.status_code == 404:
            return NotFound(text.strip())
        redirected = origin_of(response.url) if response.url else self.origin
        if response.status_code == 403 and redirected != self.origin:
            # refused by the storage a redirect led to (S3), not by the registry
            return AccessDenied(
                f"{method} {path} at {self.host}: the storage it redirected to "
                f"({redirected.host}) answered HTTP 403 {error_text(response)}".strip(),
                hint="the presigned URL may have expired or been refused; retry, and check "
                "any proxy or clock skew between here and the storage",
            )
        if response.status_code == 403:
            return AccessDenied(text.strip(), hint="the credential may not write or read here")
        if response.status_code == 401:
            if not sent:
                scheme, params = parse_challenge(response.headers.get("WWW-Authenticate", ""))
                return auth.unanswerable(self, scheme, params)
            return auth.rejected(self, response)
        return ServiceError(text.strip())
