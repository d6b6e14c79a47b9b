"""The registry's HTTP/1.1 over the standard library's ``http.client``.

Importing requests and urllib3 costs a command about 50 ms before its first
request (68 ms of a fresh ``image copy`` measured, of which ``http.client`` and
``ssl`` are about 15 ms): more than the requests of a small copy take. When no
proxy variable is set (the plain case, as for the token in
:mod:`ecrctl.login.direct_token`), :class:`~ecrctl.distribution.client.RegistryClient`
sends through a :class:`Pool` of this module instead, with requests' behaviour
where it shows:

- the same trust: ``REQUESTS_CA_BUNDLE``, else ``CURL_CA_BUNDLE``, else certifi's
  bundle (a file, or a directory of hashed certificates), host names verified;
- the same headers (``Accept-Encoding: gzip, deflate``, ``Accept: */*``), gzip
  and deflate undone for a body read decoded, never for a blob's bytes;
- no cookie kept, no ~/.netrc read, no redirect followed here (the client
  follows them itself, without the credential);
- connections kept per origin and reused once their answer was read to the end,
  one idle connection checked for a close by its peer before it is reused;
- a generator body sent chunked, bytes, or an iterable whose ``Content-Length`` is
  given, with their length; an answer the peer sent before it closed on a body it
  would not take is read, not reported as a broken connection;
- every connection watched by :mod:`ecrctl.distribution.watchdog` for the
  deadline of the request it carries;
- a body shorter than its ``Content-Length`` is an error (``IncompleteRead``),
  as urllib3's, not a short body (the answer: :mod:`~ecrctl.distribution.answer`).

Failures leave as ``OSError`` (``ssl.SSLError`` for TLS, wrapped as
:class:`TlsFailure` with the URL it was for) or ``http.client.HTTPException``;
:func:`failure` tells the client what any transport's failure means.
``ECRCTL_STDLIB_HTTP=0``, or any ``*_proxy`` variable, sends through requests.

Standard library only.
"""

from __future__ import annotations

import http.client
import logging
import os
import select
import ssl
import sys
import threading
import zlib
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple
from urllib.parse import quote, urlencode, urlsplit

from ecrctl import __version__
from ecrctl.distribution.answer import Response
from ecrctl.distribution.transport import Deadline, Origin, origin_of, switch
from ecrctl.distribution.watchdog import unwatch, watch
from ecrctl.errors import InvalidInput

log = logging.getLogger("ecrctl")

SWITCH = "ECRCTL_STDLIB_HTTP"
USER_AGENT = f"ecrctl/{__version__}"
DEFAULT_HEADERS = {
    "User-Agent": USER_AGENT,
    "Accept-Encoding": "gzip, deflate",
    "Accept": "*/*",
    "Connection": "keep-alive",
}
IDLE = 16  # idle connections kept per origin (requests' pool_maxsize in the client)
SAFE = "!#$%&'()*+,/:;=?@[]~"  # what requests leaves unquoted in a URL


def plain_case(environ: Mapping[str, str] | None = None) -> bool:
    """Whether requests go through this module: no ``*_proxy`` variable set (requests
    would then reach a proxy) and ``ECRCTL_STDLIB_HTTP`` not 0."""
    env = os.environ if environ is None else environ
    hint = "use 0 to send registry requests through requests, or 1 (the default)"
    if not switch(SWITCH, env.get(SWITCH, ""), hint):
        return False
    return not any(
        value.strip() and name.lower().endswith("_proxy") and name.lower() != "no_proxy"
        for name, value in env.items()
    )


# -- failures -------------------------------------------------------------------


class TlsFailure(OSError):
    """A TLS handshake that failed (a certificate not verified, most often), with its URL."""

    def __init__(self, url: str, cause: ssl.SSLError) -> None:
        super().__init__(str(cause))
        self.url = url


class Failure(NamedTuple):
    """What a transport exception means: the name of its cause (a cause to retry),
    or a TLS failure at ``url``."""

    cause: str
    tls: bool = False
    url: str = ""


def failure(exc: BaseException, url: str) -> Failure | None:
    """What ``exc``, raised by either transport for a request to ``url``, means;
    ``None`` when it is not a transport failure. requests is looked at only when
    it was imported: its exceptions cannot exist otherwise."""
    requests = sys.modules.get("requests")
    if requests is not None and isinstance(exc, requests.RequestException):
        if isinstance(exc, requests.exceptions.SSLError):  # its errors are OSErrors too
            asked = exc.request.url if exc.request is not None and exc.request.url else url
            return Failure(type(exc).__name__, True, str(asked))
        return Failure(type(exc).__name__)
    urllib3 = sys.modules.get("urllib3")
    if urllib3 is not None and isinstance(exc, urllib3.exceptions.HTTPError):
        return Failure(type(exc).__name__)
    if isinstance(exc, TlsFailure):
        return Failure(type(exc).__name__, True, exc.url)
    if isinstance(exc, ssl.SSLError):
        return Failure(type(exc).__name__, True, url)
    if isinstance(exc, (OSError, http.client.HTTPException, zlib.error)):
        return Failure(type(exc).__name__)
    return None


# -- trust ------------------------------------------------------------------------

_contexts: dict[str, ssl.SSLContext] = {}
_contexts_lock = threading.Lock()


def ca_bundle(environ: Mapping[str, str] | None = None) -> str:
    """The CA bundle requests would trust: ``REQUESTS_CA_BUNDLE``, ``CURL_CA_BUNDLE``,
    else certifi's."""
    env = os.environ if environ is None else environ
    given = env.get("REQUESTS_CA_BUNDLE") or env.get("CURL_CA_BUNDLE")
    if given:
        return given
    import certifi

    return str(certifi.where())


def checked_bundle() -> str:
    """The CA bundle, which must exist: exit 2 naming it otherwise, before a request
    (requests would raise an OSError for each one, which reads as a network failure)."""
    bundle = ca_bundle()
    if not os.path.exists(bundle):
        raise InvalidInput(
            f"the CA bundle {bundle!r} does not exist",
            hint="set REQUESTS_CA_BUNDLE to a PEM file or a directory of certificates, "
            "or unset it to trust the default bundle",
        )
    return bundle


def tls_context() -> ssl.SSLContext:
    """One verifying context per CA bundle, made once (loading a bundle takes ms)."""
    bundle = checked_bundle()
    with _contexts_lock:
        found = _contexts.get(bundle)
        if found is None:  # the bundle alone, as requests: not the system's store beside it
            if os.path.isdir(bundle):
                found = ssl.create_default_context(capath=bundle)
            else:
                found = ssl.create_default_context(cafile=bundle)
            _contexts[bundle] = found
        return found


# -- connections --------------------------------------------------------------------


class _Watched:
    """A connection that keeps its socket where the watchdog can end it, even after
    http.client hands the socket to an answer that ends the connection."""

    sock: Any
    ecrctl_sock: Any = None
    ecrctl_deadline: Deadline | None = None

    def keep_socket(self) -> None:
        self.ecrctl_sock = self.sock


class _Connection(_Watched, http.client.HTTPConnection):
    def connect(self) -> None:
        super().connect()
        self.keep_socket()


class _TlsConnection(_Watched, http.client.HTTPSConnection):
    def connect(self) -> None:
        super().connect()
        self.keep_socket()


def _dropped(conn: http.client.HTTPConnection) -> bool:
    """Whether an idle connection's peer closed it (or sent what nobody asked for)."""
    sock = conn.sock
    if sock is None:
        return False  # closed here: http.client opens it again
    try:
        poller = select.poll()
        poller.register(sock, select.POLLIN)
        return bool(poller.poll(0))
    except (OSError, ValueError):
        return True


def _early_answer(conn: http.client.HTTPConnection, failed: OSError) -> http.client.HTTPResponse:
    """The answer a peer sent before it closed on a body it would not take (a refusal
    of a blob's ``PUT``), as urllib3 reads it; the send's failure when there is none."""
    try:
        answer = conn.getresponse()
    except (OSError, http.client.HTTPException):
        raise failed from None
    answer.will_close = True  # the connection broke: never reused
    return answer


class Pool:
    """Connections per origin, for any number of threads: each request takes one
    (an idle one, else a new one) and its answer hands it back once read whole."""

    def __init__(self) -> None:
        self._idle: dict[Origin, list[http.client.HTTPConnection]] = {}
        self._lock = threading.Lock()

    def _take(self, origin: Origin, connect: float) -> http.client.HTTPConnection:
        while True:
            with self._lock:
                idle = self._idle.get(origin)
                conn = idle.pop() if idle else None
            if conn is None:
                break
            if not _dropped(conn):
                return conn
            conn.close()
        log.debug("new connection to %s", origin)
        if origin.scheme == "https":
            return _TlsConnection(origin.host, origin.port, timeout=connect, context=tls_context())
        return _Connection(origin.host, origin.port, timeout=connect)

    def _done(self, origin: Origin, conn: http.client.HTTPConnection, reuse: bool) -> None:
        """An answer is done with ``conn``: back to the pool, or closed."""
        unwatch(conn)
        if not reuse:
            conn.close()
            return
        with self._lock:
            idle = self._idle.setdefault(origin, [])
            if len(idle) < IDLE:
                idle.append(conn)
                return
        conn.close()

    def send(
        self,
        method: str,
        url: str,
        timer: Deadline,
        timeouts: tuple[float, float],
        *,
        params: Iterable[tuple[str, str]] | None = None,
        headers: Mapping[str, str] | None = None,
        data: Any = None,
    ) -> Response:
        """One request, its answer's headers read and its body left to the caller."""
        parts = urlsplit(url)
        origin = origin_of(url)
        # quoted as requests quotes a URL: a space or a non-ASCII letter escaped, escapes kept
        target = quote((parts.path or "/") + (f"?{parts.query}" if parts.query else ""), SAFE)
        if params:
            target += ("&" if parts.query else "?") + urlencode(list(params))
        given = {**DEFAULT_HEADERS, **(headers or {})}
        if data is None and method in ("POST", "PUT", "PATCH"):
            data = b""
        connect, read = timeouts
        conn = self._take(origin, connect)
        conn.timeout = connect
        try:
            watch(conn, timer)
            if conn.sock is None:
                try:
                    conn.connect()
                except ssl.SSLError as exc:
                    raise TlsFailure(url, exc) from exc
            conn.sock.settimeout(read)
            try:
                conn.request(method, target, body=data, headers=given)
            except (BrokenPipeError, ConnectionResetError) as exc:
                answer = _early_answer(conn, exc)
            else:
                answer = conn.getresponse()
        except BaseException:
            unwatch(conn)
            conn.close()
            raise
        length = answer.getheader("Content-Length", "-")
        log.debug('%s "%s %s HTTP/1.1" %d %s', origin, method, target, answer.status, length)
        return Response(lambda reuse: self._done(origin, conn, reuse), answer, url, method)
