"""What several doctor checks need, computed once per run and shared between
the threads the checks run in: the AWS clients (with short timeouts), the
caller, the registry host, the docker config, the Docker Engine, the repository.

A fact that fails is remembered as failed: every check that needs it sees the
same error (and usually reports ``skip``, pointing at the check that failed).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from ecrctl.doctor.model import Request, Skipped

if TYPE_CHECKING:
    from ecrctl.aws.clients import Aws

T = TypeVar("T")

CHECK_TIMEOUT = 3.0  # seconds a check may take before it is reported as not answering
NET_TIMEOUT = 2.0  # seconds for one connection or read, so a dead peer is named in time


class _Slot:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: Any = None
        self.error: BaseException | None = None


@dataclass(frozen=True)
class CheckedRegistry:
    """The registry the checks are about: the address docker talks to, and its owner."""

    host: str
    account: str
    region: str

    @property
    def url(self) -> str:
        """``https://HOST``, or plain http where every command speaks it (loopback,
        ``ECRCTL_INSECURE_REGISTRIES``): the registry client's one rule."""
        from ecrctl.distribution.transport import base_url

        return base_url(self.host)


class DoctorFacts:
    """Shared, memoised facts of one doctor run (thread-safe)."""

    def __init__(
        self,
        aws: Aws,
        request: Request,
        *,
        environ: Mapping[str, str] | None = None,
        clock: Callable[[], float] = time.time,
        net_timeout: float = NET_TIMEOUT,
        clients: Mapping[str, Any] | None = None,
    ) -> None:
        """``clients``: ready-made botocore clients by service name (e.g. stubbed ones)."""
        self.aws = aws
        self.request = request
        self.environ = os.environ if environ is None else environ
        self.clock = clock
        self.net_timeout = net_timeout
        self._lock = threading.Lock()
        self._memo: dict[str, _Slot] = {}
        for service, made in (clients or {}).items():
            slot = self._memo[f"{service} client"] = _Slot()
            slot.value = made
            slot.done.set()

    def once(self, name: str, compute: Callable[[], T]) -> T:
        """``compute()`` the first time ``name`` is asked for; its value (or error) after."""
        with self._lock:
            slot = self._memo.get(name)
            owner = slot is None
            if slot is None:
                slot = self._memo[name] = _Slot()
        if owner:
            try:
                slot.value = compute()
            except BaseException as exc:  # remembered, raised to every asker
                slot.error = exc
            finally:
                slot.done.set()
        slot.done.wait()
        if slot.error is not None:
            raise slot.error
        value: T = slot.value
        return value

    def need(self, name: str, compute: Callable[[], T], *, see: str) -> T:
        """``compute()`` (a memoised fact), where a failure means "skip: see the check
        that reports it"."""
        try:
            return compute()
        except Skipped:
            raise
        except Exception:
            raise Skipped(f"needs the {name.replace('-', ' ')} (see {see})") from None

    # -- AWS ---------------------------------------------------------------------------

    def session(self) -> Any:
        def build() -> Any:
            from botocore.config import Config

            session = self.aws.session
            timeout = self.net_timeout
            session.set_default_client_config(Config(connect_timeout=timeout, read_timeout=timeout))
            return session

        return self.once("session", build)

    def client(self, service: str) -> Any:
        """A client for ``service`` from :meth:`ecrctl.aws.clients.Aws.client` (so at
        the endpoint any other command would use), with the doctor's timeouts, built once."""

        def build() -> Any:
            self.session()  # the doctor's timeouts, before any client exists
            if service in {"ecr", "sts"}:
                return getattr(self.aws, service)
            return self.aws.client(service)

        return self.once(f"{service} client", build)

    def ecr(self) -> Any:
        return self.client("ecr")

    def sts(self) -> Any:
        return self.client("sts")

    def region(self) -> str:
        return self.once("region", lambda: str(self.ecr().meta.region_name))

    def identity(self) -> dict[str, str]:
        """STS GetCallerIdentity: ``Arn``, ``Account``, ``UserId``."""

        def ask() -> dict[str, str]:
            answer = self.sts().get_caller_identity()
            return {k: str(answer[k]) for k in ("Arn", "Account", "UserId") if k in answer}

        return self.once("caller identity", ask)

    def caller(self) -> dict[str, str]:
        return self.need("caller identity", self.identity, see="aws.credentials")

    def account(self) -> str:
        """The registry's account: --registry-id, else the caller's."""
        return self.aws.settings.registry_id or self.caller()["Account"]

    def target(self) -> CheckedRegistry:
        def find() -> CheckedRegistry:
            from ecrctl.login.registries import Registries

            account = self.account()
            region = self.need("region", self.region, see="aws.region")
            suffix = ".cn" if region.startswith("cn-") else ""
            endpoint = f"https://{account}.dkr.ecr.{region}.amazonaws.com{suffix}"
            address = Registries.of(self.aws).own_address(account, region, endpoint)
            return CheckedRegistry(address, account, region)

        return self.need("registry host", lambda: self.once("target", find), see="aws.credentials")

    # -- docker ------------------------------------------------------------------------

    def docker_config(self) -> dict[str, Any]:
        from ecrctl.login import dockerconfig

        return self.need(
            "docker config",
            lambda: self.once("docker config", dockerconfig.read_config),
            see="registry.credential",
        )

    def engine(self) -> Any:
        from ecrctl import docker_engine as engine

        return self.once("docker engine", lambda: engine.client(timeout=int(self.net_timeout)))

    def engine_info(self) -> dict[str, Any]:
        def info() -> dict[str, Any]:
            found: dict[str, Any] = self.engine().info()
            return found

        return self.need(
            "Docker Engine", lambda: self.once("engine info", info), see="docker.engine"
        )


def proxy_for(url: str, environ: Mapping[str, str]) -> tuple[str, str] | None:
    """The proxy variable that applies to ``url`` (after NO_PROXY), as (name, value)."""
    from urllib.parse import urlparse

    import requests.utils

    scheme = urlparse(url).scheme
    names = (f"{scheme}_proxy", f"{scheme.upper()}_PROXY", "all_proxy", "ALL_PROXY")
    present = {n: environ[n] for n in names if environ.get(n)}
    if not present:
        return None
    no_proxy = environ.get("no_proxy") or environ.get("NO_PROXY")
    if requests.utils.should_bypass_proxies(url, no_proxy=no_proxy):
        return None
    name = next(iter(present))
    return name, present[name]


def proxy_note(url: str, environ: Mapping[str, str]) -> str:
    """`` (through PROXY from NAME; NO_PROXY=...)`` when a proxy applies, else ''."""
    found = proxy_for(url, environ)
    if found is None:
        return ""
    no_proxy = environ.get("NO_PROXY") or environ.get("no_proxy")
    extra = f"; NO_PROXY={no_proxy}" if no_proxy else ""
    return f" (through {found[1]} from {found[0]}{extra})"


def proxy_fix(url: str, environ: Mapping[str, str]) -> str | None:
    """A command that takes ``url``'s host out of the proxy, when one applies."""
    from urllib.parse import urlparse

    found = proxy_for(url, environ)
    if found is None:
        return None
    host = urlparse(url).hostname or url
    current = environ.get("NO_PROXY") or environ.get("no_proxy")
    value = f"{current},{host}" if current else host
    return f"fix {found[0]}={found[1]}, or bypass it: export NO_PROXY={value}"
