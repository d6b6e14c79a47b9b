"""Where a registry credential may go, and the token services of bearer challenges.

The rule: the credential goes only to the origin (scheme, host, port) the
user named, and, for a ``Bearer`` challenge of that origin, to the token
realm it names when the realm is HTTPS, or plain HTTP only where the registry
itself is plain HTTP and the realm's host is one ecrctl speaks plain HTTP to
(:func:`~ecrctl.distribution.transport.plain_http`). An ECR registry answers
``Basic`` only: its credential is sent with the first request, and a
``Bearer`` challenge from it is refused. Redirect targets, ``Link`` targets,
upload ``Location``\\ s on another origin and the realms other hosts name get
nothing (the checks live in :class:`~ecrctl.distribution.client.RegistryClient`).

A token service's answer is read with a small cap; one that is not a JSON
object with a token, 429 and 5xx are one-line errors naming the token host
(429 and 5xx retried first, ``Retry-After`` honoured up to a cap).
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from ecrctl import redact
from ecrctl.distribution.transport import (
    Answer,
    error_text,
    origin_of,
    plain_http,
    read_capped,
    retry_after,
    running,
)
from ecrctl.distribution.wire import failure
from ecrctl.errors import AuthError, ServiceError

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from ecrctl.distribution.transport import Deadline

TOKEN_LIMIT = 256 << 10  # a token answer is a JWT of a few KiB in a small JSON object
_PARAM = re.compile(r'(?P<key>[\w-]+)\s*=\s*(?:"(?P<quoted>[^"]*)"|(?P<bare>[^,\s]*))')


class ChallengedClient(Protocol):
    """What a token request needs of the registry client it is for."""

    host: str
    credential: Credential | None
    ecr: bool  # an ECR registry: Basic only
    plain: bool  # spoken to over plain HTTP
    attempts: int
    RETRY_STATUSES: frozenset[int]

    def deadline(self, size: int = 0) -> Deadline: ...

    def send(
        self,
        method: str,
        url: str,
        timer: Deadline,
        *,
        params: Iterable[tuple[str, str]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Answer: ...

    def pause(self, attempt: int, at_least: float = 0.0) -> None: ...

    def tls_failure(self, where: str, exc: Exception) -> ServiceError: ...


@dataclass(frozen=True)
class Credential:
    """A user name and secret for one registry, and where they came from (for messages)."""

    username: str
    password: str = field(repr=False)
    source: str = "?"

    def basic(self) -> str:
        pair = f"{self.username}:{self.password}".encode()
        return "Basic " + base64.b64encode(pair).decode()


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


def answer_challenge(
    client: ChallengedClient, response: Answer, scopes: list[str], sent: str
) -> str | None:
    """What the registry's 401 asks for: ``None`` to send the credential as Basic from
    now on, else a Bearer token for ``scopes``; raises when nothing more can be tried.
    ``sent``: the scheme of the Authorization the request carried ("" for none)."""
    scheme, params = parse_challenge(response.headers.get("WWW-Authenticate", ""))
    if scheme == "basic" and not sent:
        if client.credential is None:
            raise no_credential(client)
        return None
    if scheme == "bearer" and client.ecr:
        raise AuthError(
            f"registry {client.host} is an ECR registry, which answers Basic only, but it "
            f"asked for a Bearer token (realm {params.get('realm', 'none')!r}): refused, "
            "nothing was sent to the realm",
            hint="check the registry address; a proxy may stand in front of ECR",
        )
    if scheme == "bearer" and params.get("realm") and sent != "basic":
        return fetch_token(client, params, scopes)
    if sent:
        raise rejected(client, response)
    raise unanswerable(client, scheme, params)


def no_credential(client: ChallengedClient) -> AuthError:
    return AuthError(
        f"no credentials for registry {client.host}",
        hint=f"run: docker login {client.host} (or add a credHelpers entry for it in "
        "$DOCKER_CONFIG/config.json, or map it to an ECR account in ecrctl's config.toml)",
    )


def rejected(client: ChallengedClient, response: Answer, by: str = "") -> AuthError:
    """The registry (or, ``by``, its token service) refused the credential that was sent."""
    source = f" (from {client.credential.source})" if client.credential else ""
    said = f"{by} HTTP" if by else "HTTP"
    return AuthError(
        f"registry {client.host} refused the credentials{source}: {said} "
        f"{response.status_code} {error_text(response)}".strip(),
        hint="check the login for this host (ECR tokens last 12 hours; "
        "a mapped host needs the right account and region)",
    )


def unanswerable(client: ChallengedClient, scheme: str, params: dict[str, str]) -> AuthError:
    """A 401 asking for nothing ecrctl sent or can send."""
    if scheme == "bearer":
        asked = "a Bearer token but names no realm to get one from"
    elif scheme:
        asked = f"{scheme.capitalize()} authentication, which ecrctl does not speak"
    else:
        asked = "nothing (no WWW-Authenticate challenge)"
    return AuthError(
        f"registry {client.host} answered HTTP 401 asking for {asked}; no credential was sent",
        hint="ecrctl answers Basic and Bearer challenges; check the registry's auth settings",
    )


def refused_elsewhere(client: ChallengedClient, response: Answer) -> AuthError:
    """A 401 from a host that is not the registry: that host refused, nothing was sent to it."""
    where = origin_of(response.url)
    return AuthError(
        f"{where} refused a request for registry {client.host} with HTTP 401 "
        f"{error_text(response)}".strip()
        + "; ecrctl sends no credential there, as it is not the registry",
        hint="the registry sent ecrctl there (a redirect or an upload location); "
        "check the registry and any proxy in front of it",
    )


def check_realm(client: ChallengedClient, realm: str) -> None:
    """Refuse a realm the credential may not go to (see the module's rule)."""
    where = origin_of(realm)
    netloc = str(where).split("://", 1)[-1]
    if where.scheme == "https" and where.host:
        return
    if where.scheme == "http" and where.host and client.plain and plain_http(netloc):
        return
    raise AuthError(
        f"registry {client.host} sends its clients to the token service {where} over "
        f"{'plain HTTP' if where.scheme == 'http' else repr(where.scheme)}: refused, nothing "
        "was sent there",
        hint="ecrctl sends credentials to a token service only over HTTPS (plain HTTP "
        "only beside a plain-HTTP loopback registry); fix the registry's auth realm",
    )


def fetch_token(client: ChallengedClient, params: dict[str, str], scopes: list[str]) -> str:
    """A token from the challenge's realm for ``scopes``, with the credential when there is one."""
    realm = params["realm"]
    check_realm(client, realm)
    service = origin_of(realm)
    query: list[tuple[str, str]] = [("service", params["service"])] if params.get("service") else []
    query += [("scope", s) for s in dict.fromkeys([params.get("scope", ""), *scopes]) if s]
    headers = {"Authorization": client.credential.basic()} if client.credential else {}
    attempt = 0
    while True:
        attempt += 1
        answer, body, retry_after = _ask(client, realm, query, headers, service)
        if answer.status_code in (401, 403):
            if client.credential is None:
                raise no_credential(client)
            raise rejected(client, answer, by=f"the token service {service} answered")
        if answer.status_code in client.RETRY_STATUSES and attempt < client.attempts:
            client.pause(attempt, retry_after)
            continue
        if answer.status_code != 200:
            raise ServiceError(
                f"the token service {service} of registry {client.host} answered HTTP "
                f"{answer.status_code} {answer.reason or ''}".strip(),
                hint="retry later; the token service failed, not the credential",
            )
        return _token_of(client, service, answer, body)


def _ask(
    client: ChallengedClient,
    realm: str,
    query: list[tuple[str, str]],
    headers: dict[str, str],
    service: object,
) -> tuple[Answer, bytes, float]:
    """One GET of the realm: the answer, its body (capped) and its Retry-After."""
    timer = client.deadline()
    try:
        with running(timer):
            answer = client.send("GET", realm, timer, params=query, headers=headers)
            body = read_capped(answer, TOKEN_LIMIT)
    except Exception as exc:
        failed = failure(exc, realm)
        if failed is None:
            raise
        if timer.passed:
            raise timer.stalled() from None
        if failed.tls:
            raise client.tls_failure(str(service), exc) from None
        raise ServiceError(
            f"cannot reach the token service {service} of registry {client.host}",
            hint="check the network between here and it",
        ) from None
    if body is None:
        raise ServiceError(
            f"the token service {service} of registry {client.host} answered more than "
            f"{TOKEN_LIMIT >> 10} KiB: not a token"
        )
    return answer, body, retry_after(answer)


def _token_of(client: ChallengedClient, service: object, answer: Answer, body: bytes) -> str:
    what = f"the token service {service} of registry {client.host}"
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        kind = answer.headers.get("Content-Type", "").split(";")[0].strip() or "no type"
        raise ServiceError(
            f"{what} answered something that is not a JSON object ({kind})",
            hint="check the registry's auth realm, or any proxy in front of the token service",
        )
    token = data.get("token") or data.get("access_token")
    if not isinstance(token, str) or not token:
        raise ServiceError(f"{what} returned no token")
    redact.register(token)
    return token
