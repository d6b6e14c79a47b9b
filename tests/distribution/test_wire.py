"""Registry requests over the standard library's HTTP client, the plain case (no proxy
variable set): what requests gave and this path must give too. HTTPS straight to a
TLS registry (reached as 0.0.0.0:PORT, which Linux connects to loopback and ecrctl
treats as a remote host: HTTPS, its certificate verified by IP address) with the same
CA settings as requests; gzip and deflate undone within the caps; a body cut short
retried, then named; connections reused, and one the registry closed replaced. (A real
copy that loads neither requests nor urllib3: tests/image/test_copy.py.)"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import Runner
from tests.distribution.hostile import Answer, Certificates, Hostile, make_certificates

TAGS = {"name": "app", "tags": ["1", "2"]}
JSON = {"Content-Type": "application/json"}


@pytest.fixture(autouse=True)
def stdlib_http(monkeypatch: pytest.MonkeyPatch) -> None:
    """This module's subject, whatever stack the run sends through."""
    monkeypatch.setenv("ECRCTL_STDLIB_HTTP", "1")


@dataclass
class Direct:
    registry: Hostile  # TLS on 127.0.0.1
    host: str  # 0.0.0.0:PORT: HTTPS, not a loopback name
    certificates: Certificates


@pytest.fixture
def direct(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Direct]:
    for variable in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):  # certifi's bundle, as requests
        monkeypatch.delenv(variable, raising=False)
    certificates = make_certificates(tmp_path, ["0.0.0.0"])
    registry = Hostile("127.0.0.1", tls=certificates.server_context())
    registry.on("GET", "^/v2/$", Answer(200, JSON, b"{}"))
    with registry:
        yield Direct(registry, "0.0.0.0:" + registry.host.rsplit(":", 1)[1], certificates)


@pytest.mark.parametrize("variable", ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"])
def test_https_straight_to_a_registry_trusts_the_ca_bundle_requests_would(
    direct: Direct, cli: Runner, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    monkeypatch.setenv(variable, str(direct.certificates.ca))
    result = cli("registry", "api", "--registry", direct.host, "/v2/", "--include")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("HTTP 200 OK")
    assert [seen.path for seen in direct.registry.seen] == ["/v2/"]


@pytest.mark.parametrize("trusted", ["another CA", "the default bundle"])
def test_an_unverified_certificate_is_one_try_and_says_how_to_trust_a_ca(
    direct: Direct, cli: Runner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, trusted: str
) -> None:
    if trusted == "another CA":
        stranger = make_certificates(tmp_path / "other", ["0.0.0.0"])
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(stranger.ca))
    result = cli("registry", "api", "--registry", direct.host, "/v2/")
    assert result.exit_code == 1
    assert f"cannot verify the TLS certificate of {direct.host}" in result.stderr
    assert "REQUESTS_CA_BUNDLE" in result.stderr and result.stderr.count("\n") == 1
    assert direct.registry.connections == 1 and direct.registry.seen == []


@pytest.mark.usefixtures("stack")
def test_a_directory_of_hashed_certificates_is_a_bundle_too(
    direct: Direct, cli: Runner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """As c_rehash leaves /etc/ssl/certs: each CA as HASH.0, the hash of its subject."""
    named = subprocess.run(
        ["openssl", "x509", "-hash", "-noout", "-in", str(direct.certificates.ca)],
        capture_output=True,
        text=True,
        check=True,
    )
    hashed = tmp_path / "certs"
    hashed.mkdir()
    (hashed / f"{named.stdout.strip()}.0").write_bytes(direct.certificates.ca.read_bytes())
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(hashed))
    result = cli("registry", "api", "--registry", direct.host, "/v2/")
    assert result.exit_code == 0, result.stderr
    assert [seen.path for seen in direct.registry.seen] == ["/v2/"]


@pytest.mark.usefixtures("stack")
def test_the_ca_bundle_replaces_the_systems_trust(
    direct: Direct, cli: Runner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """OpenSSL's own store (here SSL_CERT_FILE, which trusts the registry's CA) is not
    added to the bundle: REQUESTS_CA_BUNDLE names everything trusted, as requests has it."""
    stranger = make_certificates(tmp_path / "other", ["0.0.0.0"])
    monkeypatch.setenv("SSL_CERT_FILE", str(direct.certificates.ca))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(stranger.ca))
    result = cli("registry", "api", "--registry", direct.host, "/v2/")
    assert result.exit_code == 1
    assert f"cannot verify the TLS certificate of {direct.host}" in result.stderr
    assert direct.registry.seen == []


@pytest.mark.usefixtures("stack")
def test_a_ca_bundle_that_does_not_exist_is_named(
    direct: Direct, cli: Runner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    missing = tmp_path / "no-such-ca.pem"
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(missing))
    result = cli("registry", "api", "--registry", direct.host, "/v2/")
    assert result.exit_code == 2
    assert f"the CA bundle '{missing}' does not exist" in result.stderr
    assert result.stderr.count("\n") == 1 and direct.registry.connections == 0


def test_one_connection_carries_a_commands_requests(registry: Hostile, cli: Runner) -> None:
    def page(n: int) -> Answer:
        link = {"Link": f'</v2/_catalog?n=1&last=r{n}>; rel="next"'} if n < 3 else {}
        return Answer(200, {**JSON, **link}, json.dumps({"repositories": [f"r{n}"]}).encode())

    registry.on("GET", r"last=r2", page(3)).on("GET", r"last=r1", page(2))
    registry.on("GET", r"_catalog\?n=1$", page(1))
    result = cli("registry", "api", "--registry", registry.host, "/v2/_catalog?n=1", "--paginate")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {"repositories": ["r1", "r2", "r3"]}
    assert len(registry.seen) == 3 and registry.connections == 1


def test_a_connection_the_registry_closed_is_replaced(registry: Hostile, cli: Runner) -> None:
    def page(n: int) -> Answer:
        link = {"Link": f'</v2/_catalog?n=1&last=r{n}>; rel="next"'} if n < 3 else {}
        body = json.dumps({"repositories": [f"r{n}"]}).encode()
        # the whole body under its length, then the registry hangs up: no "Connection: close"
        return Answer(200, {**JSON, **link, "Content-Length": str(len(body))}, [body])

    registry.on("GET", r"last=r2", page(3)).on("GET", r"last=r1", page(2))
    registry.on("GET", r"_catalog\?n=1$", page(1))
    result = cli("registry", "api", "--registry", registry.host, "/v2/_catalog?n=1", "--paginate")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {"repositories": ["r1", "r2", "r3"]}
    assert registry.connections >= 3


def test_a_bad_switch_is_exit_2_naming_it(registry: Hostile, cli: Runner, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ECRCTL_STDLIB_HTTP", "sometimes")
    result = cli("registry", "api", "--registry", registry.host, "/v2/")
    assert result.exit_code == 2
    assert "invalid ECRCTL_STDLIB_HTTP 'sometimes'" in result.stderr
    assert result.stderr.count("\n") == 1 and registry.seen == []


def test_a_link_with_a_space_is_asked_quoted_as_requests_would(
    registry: Hostile, cli: Runner
) -> None:
    first = {**JSON, "Link": '</v2/_catalog?last=a b>; rel="next"'}
    registry.on("GET", "last=", Answer(200, JSON, b'{"repositories": ["b"]}'))
    registry.on("GET", "^/v2/_catalog$", Answer(200, first, b'{"repositories": ["a"]}'))
    result = cli("registry", "api", "--registry", registry.host, "/v2/_catalog", "--paginate")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {"repositories": ["a", "b"]}
    assert [s.path for s in registry.seen] == ["/v2/_catalog", "/v2/_catalog?last=a%20b"]


@pytest.mark.usefixtures("stack")
@pytest.mark.parametrize(
    ("status", "header", "value", "what"),
    [
        (307, "Location", "http://[::1/blob", "a Location"),  # an unclosed bracket
        (307, "Location", "http://storage.invalid:99999/blob", "a Location"),  # no port
        (200, "Link", '<http://[::1/v2/_catalog?last=a>; rel="next"', "a Link"),
    ],
)
def test_an_address_that_is_no_url_is_the_registrys_error_on_one_line(
    registry: Hostile, cli: Runner, status: int, header: str, value: str, what: str
) -> None:
    registry.on("GET", "^/v2/", Answer(status, {**JSON, header: value}, b'{"repositories": []}'))
    result = cli("registry", "api", "--registry", registry.host, "/v2/_catalog", "--paginate")
    assert result.exit_code == 1
    assert f"registry {registry.host} sent {what} that is not a URL" in result.stderr
    assert result.stderr.count("\n") == 1 and "unexpected" not in result.stderr
    assert len(registry.seen) == 1  # not retried, nothing asked of it
