"""The registry's requests through requests, where a proxy is set (or
``ECRCTL_STDLIB_HTTP=0``): a session whose connections, direct or through an
HTTP proxy, are watched for their request's deadline, that keeps no cookie and
reads the proxy and CA settings of the environment once per origin.

Imported only inside functions: it loads requests and urllib3.
"""

from __future__ import annotations

from collections.abc import Callable
from http.cookiejar import DefaultCookiePolicy
from typing import Any
from urllib.parse import urlsplit

import requests
import requests.adapters
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.poolmanager import ProxyManager

from ecrctl.distribution.watchdog import arm, unwatch
from ecrctl.distribution.wire import USER_AGENT, checked_bundle
from ecrctl.errors import ServiceError


class _WatchedHTTPConnection(HTTPConnection):
    def connect(self) -> None:
        arm(self)
        super().connect()
        # kept where the watchdog looks: an answer that ends the connection (Connection:
        # close) takes the socket from it, and its body may still trickle
        self.ecrctl_sock = self.sock

    def request(self, *args: Any, **kwargs: Any) -> None:
        arm(self)
        super().request(*args, **kwargs)


class _WatchedHTTPSConnection(_WatchedHTTPConnection, HTTPSConnection):
    """The same, over TLS (HTTPSConnection's own methods come after the watch)."""


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection

    def _put_conn(self, conn: Any) -> None:
        if conn is not None:
            unwatch(conn)
        super()._put_conn(conn)


class _WatchedHTTPSPool(_WatchedHTTPPool, HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_POOLS = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


class WatchedAdapter(requests.adapters.HTTPAdapter):
    """requests' adapter whose connections (direct or through an HTTP proxy) are watched."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **kwargs)
        if isinstance(manager, ProxyManager):  # a SOCKS proxy keeps its own connections
            manager.pool_classes_by_scheme = _POOLS
        return manager


def settings_by_origin(merge: Callable[..., Any]) -> Callable[..., Any]:
    """requests' ``Session.merge_environment_settings``, worked out once per origin:
    it reads the proxy variables (the whole environment, twice) and the CA bundle's
    for every request, a quarter of a small request's time. The environment does not
    change during a command; ``no_proxy`` is still decided per host, as requests does."""
    known: dict[tuple[str, str, Any, Any, Any], Any] = {}

    def merged(url: str, proxies: Any, stream: Any, verify: Any, cert: Any) -> Any:
        if proxies:  # a request's own proxies: requests' way, every time
            return merge(url, proxies, stream, verify, cert)
        parts = urlsplit(url)
        key = (parts.scheme, parts.netloc, stream, verify, cert)
        if key not in known:
            known[key] = merge(url, {}, stream, verify, cert)
        found = known[key]
        return {**found, "proxies": dict(found["proxies"])}

    return merged


def session() -> requests.Session:
    """A registry client's session."""
    made = requests.Session()
    made.headers["User-Agent"] = USER_AGENT
    made.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))  # none kept
    merge = settings_by_origin(made.merge_environment_settings)
    made.merge_environment_settings = merge  # type: ignore[method-assign]
    adapter = WatchedAdapter(pool_connections=4, pool_maxsize=16)
    made.mount("http://", adapter)
    made.mount("https://", adapter)
    return made


def send(
    session: requests.Session,
    host: str,
    method: str,
    url: str,
    timeouts: tuple[float, float],
    **given: Any,
) -> requests.Response:
    """One registry request through ``session``: streamed, no redirect followed. A
    missing CA bundle is named first; a redirect whose Location is not a URL is the
    registry's error (requests parses it even when it does not follow it)."""
    if url.startswith("https:"):
        checked_bundle()
    try:
        return session.request(
            method, url, stream=True, allow_redirects=False, timeout=timeouts, **given
        )
    except ValueError as exc:
        if isinstance(exc, requests.RequestException):  # its own: InvalidURL and the like
            raise
        raise ServiceError(
            f"registry {host} sent a Location that is not a URL ({exc})",
            hint="check the registry, or any proxy in front of it",
        ) from None
