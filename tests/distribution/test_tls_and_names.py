"""HTTPS registries with names, reached through a logging CONNECT proxy on
loopback (every CONNECT joined to one hostile TLS registry, whose certificate a
test CA signs): plain HTTP is never chosen by a name that only starts like a
loopback address, an HTTPS registry's plain-HTTP token realm gets nothing, an
unverifiable certificate is one try and a message saying how to trust a CA, and
a registry the user lists as insecure is spoken to in plain HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import Runner
from tests.distribution.hostile import (
    Answer,
    Certificates,
    Hostile,
    Seen,
    Tunnel,
    basic,
    make_certificates,
)
from tests.distribution.test_auth import PASSWORD, docker_login

NAMES = ["localhost.evil.example", "127.example.com", "registry.test"]


@dataclass
class Tls:
    registry: Hostile  # TLS, on 127.0.0.1, whatever name it is reached by
    tunnel: Tunnel
    certificates: Certificates


@pytest.fixture
def tls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Tls]:
    certificates = make_certificates(tmp_path, NAMES)
    registry = Hostile("127.0.0.1", tls=certificates.server_context())
    with registry, Tunnel(registry.host) as tunnel:
        monkeypatch.setenv("HTTPS_PROXY", tunnel.url)
        monkeypatch.setenv("HTTP_PROXY", tunnel.url)
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificates.ca))
        yield Tls(registry, tunnel, certificates)


def tags_behind_password(registry: Hostile) -> None:
    def tags(seen: Seen) -> Answer:
        if seen.headers.get("Authorization") != basic("alice", PASSWORD):
            return Answer(401, {"WWW-Authenticate": 'Basic realm="r"'})
        return Answer(200, {"Content-Type": "application/json"}, b'{"tags": ["1"]}')

    registry.on("GET", "^/v2/app/tags/list", tags)


@pytest.mark.parametrize("name", ["localhost.evil.example", "127.example.com"])
def test_a_name_that_starts_like_loopback_is_spoken_to_over_https(
    name: str, tls: Tls, cli: Runner, isolated: Path
) -> None:
    docker_login(isolated, name, "alice", PASSWORD)
    tags_behind_password(tls.registry)
    result = cli("registry", "api", "--registry", name, "/v2/app/tags/list")
    assert result.exit_code == 0, result.stderr
    assert '"1"' in result.stdout
    # every request went inside TLS: the proxy saw CONNECTs only, no cleartext request
    assert tls.tunnel.asked and all(
        line.startswith(f"CONNECT {name}:443 ") for line, _ in tls.tunnel.asked
    )
    assert tls.registry.authorized()


def test_a_listed_insecure_registry_is_spoken_to_in_plain_http(
    tls: Tls, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ECRCTL_INSECURE_REGISTRIES", "registry.test")
    monkeypatch.setenv("ECRCTL_REGISTRY_ATTEMPTS", "1")
    result = cli("registry", "api", "--registry", "registry.test", "/v2/")
    assert result.exit_code == 1  # the proxy answers a cleartext request with 502
    assert [line for line, _ in tls.tunnel.asked] == ["GET http://registry.test/v2/ HTTP/1.1"]


def test_an_https_registry_naming_a_plain_http_realm_gets_refused(
    tls: Tls, cli: Runner, isolated: Path
) -> None:
    docker_login(isolated, "registry.test", "alice", PASSWORD)
    with Hostile("127.0.0.2") as realm:
        challenge = f'Bearer realm="http://{realm.host}/token",service="registry"'
        tls.registry.on("*", "^/v2/", Answer(401, {"WWW-Authenticate": challenge}))
        result = cli("registry", "api", "--registry", "registry.test", "/v2/app/tags/list")
    assert result.exit_code == 1
    assert f"token service http://{realm.host} over plain HTTP: refused" in result.stderr
    assert realm.seen == []
    assert not any(line.startswith("GET http://") for line, _ in tls.tunnel.asked)


def test_an_unverifiable_certificate_is_one_try_and_says_how_to_trust_a_ca(
    tls: Tls, cli: Runner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    stranger = make_certificates(tmp_path / "other", ["registry.test"])
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(stranger.ca))  # not the CA that signed it
    result = cli("registry", "api", "--registry", "registry.test", "/v2/")
    assert result.exit_code == 1
    assert "cannot verify the TLS certificate of registry.test" in result.stderr
    assert "REQUESTS_CA_BUNDLE" in result.stderr
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1
    assert len(tls.tunnel.asked) == 1  # not retried
    assert tls.registry.seen == []
