"""How ecrctl reaches a registry host: over HTTPS or plain HTTP (the one rule,
which ``doctor`` asks too), what an origin is, and how long one request may take.

Plain HTTP is spoken only to a loopback address, parsed as one (127.0.0.0/8,
``::1``, with the port split off first), to exactly ``localhost``, or to a host
``ECRCTL_INSECURE_REGISTRIES`` lists (``HOST``, ``HOST:PORT`` or a CIDR block,
comma-separated, as docker's ``insecure-registries``); every other host over
HTTPS. ``localhost.example.com`` and ``127.example.com`` are names, not loopback
addresses: HTTPS.

Standard library only: the doctor and the credential paths import this cheaply.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, NamedTuple, Protocol
from urllib.parse import urljoin, urlsplit

from ecrctl import redact
from ecrctl.errors import InvalidInput, ServiceError

INSECURE_VARIABLE = "ECRCTL_INSECURE_REGISTRIES"
TIMEOUT_VARIABLE = "ECRCTL_REGISTRY_TIMEOUT"
DEFAULT_TIMEOUT = 60.0  # seconds for one request: connect, headers and body together
MAX_TIMEOUT = 86400.0
BLOB_RATE = 256 << 10  # bytes per second a blob's transfer is given on top of the timeout
_NAME = re.compile(r"[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?")


class Origin(NamedTuple):
    """Where a request goes, as browsers and containerd compare it."""

    scheme: str
    host: str
    port: int

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = {"http": 80, "https": 443}.get(self.scheme)
        return f"{self.scheme}://{host}" + ("" if self.port == default else f":{self.port}")


def origin_of(url: str) -> Origin:
    """The scheme, host (lower case, no brackets) and port (the default when none) of a URL."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    default = 443 if scheme == "https" else 80
    return Origin(scheme, (parts.hostname or "").lower(), port or default)


def join_url(base: str, reference: str, host: str, what: str = "an address") -> str:
    """``reference`` (a Location, a Link) read against ``base``; one that is not a URL
    (an unclosed ``[``, a port that is no number) is the registry's error, on one line."""
    try:
        joined = urljoin(base, reference)
        urlsplit(joined).port  # noqa: B018 - parsing it is the check
    except ValueError:
        raise ServiceError(
            f"registry {host} sent {what} that is not a URL: {redact.redact(reference)[:200]!r}",
            hint="check the registry, or any proxy in front of it",
        ) from None
    return joined


def split_host(host: str) -> tuple[str, int | None]:
    """``name:port`` -> (name, port); ``[::1]:5000`` -> ("::1", 5000); a bare IPv6
    address stays whole. A port that is not a number is left in the name."""
    text = host.strip()
    if text.startswith("["):
        name, _, rest = text[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
        return name, int(port) if port.isdigit() else None
    if text.count(":") == 1:
        name, _, port = text.partition(":")
        if port.isdigit():
            return name, int(port)
    return text, None


def is_loopback(host: str) -> bool:
    """Whether ``host`` (with or without a port) is a loopback address or exactly ``localhost``."""
    name, _ = split_host(host)
    if name.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def insecure_registries(environ: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """``ECRCTL_INSECURE_REGISTRIES``'s entries, each checked (exit 2 on a bad one)."""
    raw = (os.environ if environ is None else environ).get(INSECURE_VARIABLE, "")
    entries = tuple(entry.strip().lower() for entry in raw.split(",") if entry.strip())
    for entry in entries:
        if not _valid_entry(entry):
            raise InvalidInput(
                f"invalid {INSECURE_VARIABLE} entry {entry!r}",
                hint="give HOST, HOST:PORT or a CIDR block such as 10.0.0.0/8, "
                "comma-separated, without a scheme or path",
            )
    return entries


def _valid_entry(entry: str) -> bool:
    if "/" in entry:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            return False
        return True
    name, port = split_host(entry)
    if port is None and ":" in name and not _is_ip(name):
        return False
    return _is_ip(name) or _NAME.fullmatch(name) is not None


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def plain_http(host: str, environ: Mapping[str, str] | None = None) -> bool:
    """The one rule: whether ecrctl speaks plain HTTP to ``host`` (``name[:port]``)."""
    if is_loopback(host):
        return True
    name, port = split_host(host.lower())
    for entry in insecure_registries(environ):
        if "/" in entry:
            if _is_ip(name) and ipaddress.ip_address(name) in ipaddress.ip_network(
                entry, strict=False
            ):
                return True
            continue
        want, want_port = split_host(entry)
        if want == name and want_port in (None, port):
            return True
    return False


def base_url(host: str, environ: Mapping[str, str] | None = None) -> str:
    """``http://HOST`` or ``https://HOST``, by :func:`plain_http`."""
    return f"{'http' if plain_http(host, environ) else 'https'}://{host}"


def registry_timeout(environ: Mapping[str, str] | None = None) -> float:
    """Seconds one registry request may take, from ``ECRCTL_REGISTRY_TIMEOUT`` (60)."""
    raw = (os.environ if environ is None else environ).get(TIMEOUT_VARIABLE, "").strip()
    return check_timeout(raw, TIMEOUT_VARIABLE) if raw else DEFAULT_TIMEOUT


def check_timeout(raw: str, what: str = "--registry-timeout") -> float:
    """A number of seconds, more than 0 and at most a day (exit 2 otherwise)."""
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds <= MAX_TIMEOUT:
        raise InvalidInput(
            f"invalid {what} {raw!r}",
            hint=f"give the seconds one registry request may take: more than 0, "
            f"at most {int(MAX_TIMEOUT)}",
        )
    return seconds


def switch(variable: str, value: str, hint: str) -> bool:
    """An on/off environment variable: unset, 1, true, yes or on (on, the default);
    0, false, no or off; anything else is refused (exit 2) rather than guessed at."""
    word = value.strip().lower()
    if word in ("", "1", "true", "yes", "on"):
        return True
    if word in ("0", "false", "no", "off"):
        return False
    raise InvalidInput(f"invalid {variable} {value!r}", hint=hint)


class Stalled(ServiceError):
    """A request ran out of time: not retried, the host that stalled named."""


class Deadline:
    """When one request must be over: connect, headers and body together, its
    redirects included. The watchdog (:mod:`ecrctl.distribution.watchdog`) ends a
    connection still busy for it then, and says which host it was talking to."""

    def __init__(self, seconds: float, host: str) -> None:
        self.seconds = seconds
        self.host = host  # the registry the request is for
        self.at = time.monotonic() + seconds
        self.cut: str | None = None  # the host whose connection was ended, once it was

    def left(self) -> float:
        return self.at - time.monotonic()

    @property
    def passed(self) -> bool:
        return self.cut is not None or self.left() <= 0

    def stalled(self) -> Stalled:
        """The one-line error of a request that ran out of time."""
        where = self.cut or self.host
        who = f"registry {where}" if where == self.host else f"{where} (for registry {self.host})"
        return Stalled(
            f"{who} did not finish answering within {self.seconds:g} s",
            hint=f"the host stalled or is very slow; retry, or give more time with "
            f"--registry-timeout or {TIMEOUT_VARIABLE}",
        )


_current = threading.local()


@contextmanager
def running(deadline: Deadline) -> Iterator[None]:
    """Requests this thread starts inside run under ``deadline``."""
    before = getattr(_current, "deadline", None)
    _current.deadline = deadline
    try:
        yield
    finally:
        _current.deadline = before


def current_deadline() -> Deadline | None:
    """The deadline of the request this thread is making, if any."""
    found: Deadline | None = getattr(_current, "deadline", None)
    return found


class Answer(Protocol):
    """A registry's answer as ecrctl reads it: a ``requests.Response``, or a
    :class:`ecrctl.distribution.answer.Response` with the same parts."""

    @property
    def status_code(self) -> int: ...
    @property
    def reason(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def headers(self) -> Mapping[str, str]: ...
    @property
    def content(self) -> bytes: ...
    @property
    def raw(self) -> Any: ...
    def iter_content(self, chunk_size: int) -> Iterator[bytes]: ...
    def close(self) -> None: ...
    def __enter__(self) -> Answer: ...
    def __exit__(self, *exc: object) -> None: ...


RETRY_AFTER_CAP = 30.0  # seconds: a longer Retry-After is waited for only this long


def retry_after(response: Any) -> float:
    """A 429's or 503's ``Retry-After`` in seconds (0 when absent or unreadable), capped."""
    raw = str(response.headers.get("Retry-After") or "").strip()
    if not raw:
        return 0.0
    if raw.isdigit():
        seconds = float(raw)
    else:
        from email.utils import parsedate_to_datetime

        try:
            when = parsedate_to_datetime(raw)
        except (TypeError, ValueError):
            return 0.0
        seconds = when.timestamp() - time.time()
    return min(max(seconds, 0.0), RETRY_AFTER_CAP)


def read_capped(response: Any, limit: int, *, decode: bool = True) -> bytes | None:
    """An answer's whole body, ``None`` when it is longer than ``limit``:
    never more than ``limit`` and one chunk is held. ``decode``: undo a
    Content-Encoding (not for blobs, whose digest is of the bytes as stored). The
    response is closed either way (its connection kept for reuse when read whole)."""
    length = str(response.headers.get("Content-Length") or "")
    if length.isdigit() and int(length) > limit:
        response.close()
        response._content = b""  # not kept: too long to hold or show
        return None
    parts: list[bytes] = []
    total = 0
    chunks = (
        response.iter_content(64 << 10)
        if decode
        else response.raw.stream(64 << 10, decode_content=False)
    )
    whole = False
    try:
        for chunk in chunks:
            total += len(chunk)
            if total > limit:
                response._content = b""  # not kept: too long to hold or show
                return None
            parts.append(chunk)
        whole = True
    finally:
        if whole:  # read to its end: close() hands the connection back for reuse
            response._content_consumed = True
        response.close()
    body = b"".join(parts)
    response._content = body
    return body


def as_given(request: Any) -> Any:
    """A requests auth hook that keeps the headers as built (requests then skips ~/.netrc)."""
    return request


def no_auth(request: Any) -> Any:
    """A requests auth hook that sends no credential (requests then skips ~/.netrc)."""
    request.headers.pop("Authorization", None)
    return request


def error_text(response: Any) -> str:
    """A registry's error message (``errors[].code: message``, read from a body
    already held), else the reason phrase; secrets masked, at most 500 characters."""
    held = vars(response).get("_content")  # never read here: an unread body stays unread
    try:
        errors = json.loads(held if isinstance(held, bytes) and held else b"null").get("errors")
        errors = errors or []
        parts = [f"{e.get('code', '')}: {e.get('message', '')}".strip(": ") for e in errors]
        if parts:
            return redact.redact("; ".join(parts))[:500]
    except (ValueError, AttributeError, TypeError):
        pass
    return str(response.reason or "")
