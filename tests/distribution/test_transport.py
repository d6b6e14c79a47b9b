"""The one rule for plain HTTP, origins, the registry timeout and Retry-After:
pure functions of strings and the environment."""

from __future__ import annotations

import time
from email.utils import formatdate

import pytest

from ecrctl.distribution.transport import (
    RETRY_AFTER_CAP,
    Origin,
    base_url,
    check_timeout,
    insecure_registries,
    is_loopback,
    origin_of,
    plain_http,
    registry_timeout,
    retry_after,
    split_host,
)
from ecrctl.errors import InvalidInput


@pytest.mark.parametrize(
    ("host", "plain"),
    [
        ("127.0.0.1:5000", True),
        ("127.0.0.2", True),
        ("127.255.255.254:443", True),
        ("localhost", True),
        ("LOCALHOST:5000", True),
        ("[::1]:5000", True),
        ("[::1]", True),
        ("::1", True),
        # names that only start like a loopback address: a string prefix is no rule
        ("localhost.evil.example", False),
        ("localhost.evil.example:5000", False),
        ("127.example.com", False),
        ("127.0.0.1.nip.io:5000", False),
        ("localhost.", False),
        ("[::2]:5000", False),
        ("128.0.0.1", False),
        ("123456789012.dkr.ecr.us-east-1.amazonaws.com", False),
        ("registry-1.docker.io", False),
    ],
)
def test_plain_http_only_for_parsed_loopback_addresses(host: str, plain: bool) -> None:
    assert plain_http(host, {}) is plain
    assert is_loopback(host) is plain
    assert base_url(host, {}) == f"{'http' if plain else 'https'}://{host}"


@pytest.mark.parametrize(
    ("setting", "host", "plain"),
    [
        ("registry.lan:5000", "registry.lan:5000", True),
        ("registry.lan:5000", "registry.lan:5001", False),
        ("registry.lan", "registry.lan:5001", True),
        ("REGISTRY.lan", "registry.LAN", True),
        ("10.0.0.0/8, registry.lan", "10.1.2.3:5000", True),
        ("10.0.0.0/8", "11.1.2.3:5000", False),
        ("10.0.0.0/8", "ten.example", False),
        ("registry.lan", "registry.lan.evil.example", False),
        ("[fd00::1]:5000", "[fd00::1]:5000", True),
    ],
)
def test_insecure_registries_are_listed_by_the_user(setting: str, host: str, plain: bool) -> None:
    assert plain_http(host, {"ECRCTL_INSECURE_REGISTRIES": setting}) is plain


@pytest.mark.parametrize(
    "entry", ["http://registry.lan", "registry.lan/path", "a b", "10.0.0.0/99", "host:port:x"]
)
def test_a_bad_insecure_entry_is_exit_2(entry: str) -> None:
    with pytest.raises(InvalidInput, match="ECRCTL_INSECURE_REGISTRIES entry"):
        insecure_registries({"ECRCTL_INSECURE_REGISTRIES": f"ok.lan,{entry}"})


def test_split_host() -> None:
    assert split_host("[::1]:5000") == ("::1", 5000)
    assert split_host("127.0.0.1:5000") == ("127.0.0.1", 5000)
    assert split_host("fd00::1") == ("fd00::1", None)
    assert split_host("host") == ("host", None)


def test_origins_compare_scheme_host_and_port() -> None:
    assert origin_of("https://Registry.Example/v2/") == Origin("https", "registry.example", 443)
    assert origin_of("https://registry.example:443/x") == origin_of("https://registry.example/y")
    assert origin_of("http://registry.example/x") != origin_of("https://registry.example/x")
    assert origin_of("http://127.0.0.1:5000/x") != origin_of("http://127.0.0.2:5000/x")
    assert origin_of("http://[::1]:5000/v2/") == Origin("http", "::1", 5000)
    assert str(Origin("https", "::1", 443)) == "https://[::1]"
    assert str(Origin("http", "127.0.0.2", 5000)) == "http://127.0.0.2:5000"


def test_the_registry_timeout() -> None:
    assert registry_timeout({}) == 60.0
    assert registry_timeout({"ECRCTL_REGISTRY_TIMEOUT": "2.5"}) == 2.5
    for bad in ("0", "-1", "abc", "nan", "inf", "86401"):
        with pytest.raises(InvalidInput, match="ECRCTL_REGISTRY_TIMEOUT"):
            registry_timeout({"ECRCTL_REGISTRY_TIMEOUT": bad})
    with pytest.raises(InvalidInput, match="--registry-timeout"):
        check_timeout("soon")


class _Answer:
    def __init__(self, value: str | None) -> None:
        self.headers = {"Retry-After": value} if value is not None else {}


def test_retry_after_is_honoured_up_to_a_cap() -> None:
    assert retry_after(_Answer(None)) == 0.0
    assert retry_after(_Answer("2")) == 2.0
    assert retry_after(_Answer("3600")) == RETRY_AFTER_CAP
    assert retry_after(_Answer("soon")) == 0.0
    later = retry_after(_Answer(formatdate(time.time() + 10, usegmt=True)))
    assert 8 <= later <= 10
    assert retry_after(_Answer(formatdate(time.time() - 10, usegmt=True))) == 0.0
