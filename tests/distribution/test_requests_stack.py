"""Registry requests through requests: a proxy variable sends them there (and through
the proxy), and both stacks keep no cookie a registry sets and name themselves the
same way."""

from __future__ import annotations

import json

import pytest

from ecrctl import __version__
from tests.conftest import Runner
from tests.distribution.hostile import Answer, Hostile, Tunnel
from tests.distribution.test_bounds import limited, one_line

JSON = {"Content-Type": "application/json"}


def test_a_proxy_variable_sends_through_requests_and_the_proxy(
    registry: Hostile, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Tunnel(registry.host) as proxy:  # answers a plain request 502: it only tunnels
        monkeypatch.setenv("http_proxy", proxy.url)
        monkeypatch.setenv("ECRCTL_REGISTRY_ATTEMPTS", "1")
        result, _ = limited("registry", "api", "--registry", registry.host, "/v2/")
    assert "HTTP 502" in one_line(result)
    assert [line for line, _ in proxy.asked] == [f"GET http://{registry.host}/v2/ HTTP/1.1"]
    assert registry.seen == []


@pytest.mark.usefixtures("stack")
def test_a_cookie_a_registry_sets_is_never_sent_back(registry: Hostile, cli: Runner) -> None:
    first = {"Set-Cookie": "session=SECRET; Path=/", "Link": '</v2/_catalog?last=a>; rel="next"'}
    registry.on("GET", "last=a", Answer(200, JSON, b'{"repositories": ["b"]}'))
    registry.on("GET", "^/v2/_catalog$", Answer(200, {**JSON, **first}, b'{"repositories": ["a"]}'))
    result = cli("registry", "api", "--registry", registry.host, "/v2/_catalog", "--paginate")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {"repositories": ["a", "b"]}
    assert [s.headers.get("Cookie") for s in registry.seen] == [None, None]
    assert {s.headers["User-Agent"] for s in registry.seen} == {f"ecrctl/{__version__}"}


def test_requests_environment_settings_are_read_once_per_origin(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The proxy variables and the CA bundle are requests' own reading, made once per
    scheme and host: NO_PROXY still keeps a listed host off the proxy."""
    import requests

    from ecrctl.distribution.requests_stack import settings_by_origin

    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "registry.internal")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
    real = requests.Session().merge_environment_settings
    asked: list[str] = []

    def counted(url: str, *rest: object) -> dict[str, object]:
        asked.append(url)
        return real(url, *rest)

    merged = settings_by_origin(counted)
    first = merged("https://registry.internal/v2/a", {}, None, None, None)
    merged("https://registry.internal/v2/b", {}, None, None, None)["proxies"]["https"] = "x"
    other = merged("https://other.example:5000/v2/", {}, None, None, None)
    again = merged("https://registry.internal/v2/c", {}, None, None, None)
    assert asked == ["https://registry.internal/v2/a", "https://other.example:5000/v2/"]
    assert first["proxies"] == again["proxies"] == {}  # NO_PROXY, and no caller's change kept
    assert other["proxies"]["https"] == "http://proxy.example:3128"
    assert again["verify"] == "/etc/ssl/certs/ca-certificates.crt"
    own = merged("https://registry.internal/v2/d", {"https": "http://mine:1"}, None, None, None)
    assert own["proxies"]["https"] == "http://mine:1" and len(asked) == 3
