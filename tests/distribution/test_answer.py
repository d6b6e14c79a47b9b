"""A registry's answer over the standard library's HTTP client: gzip and deflate (zlib
or raw) undone, a small answer that unpacks past the cap refused within bounded memory,
and a body cut short of its Content-Length retried, then named."""

from __future__ import annotations

import gzip
import json
import zlib

import pytest

from tests.conftest import Runner
from tests.distribution.hostile import Answer, Hostile
from tests.distribution.test_bounds import limited, one_line

TAGS = {"name": "app", "tags": ["1", "2"]}
JSON = {"Content-Type": "application/json"}


@pytest.fixture(autouse=True)
def stdlib_http(monkeypatch: pytest.MonkeyPatch) -> None:
    """This module's subject, whatever stack the run sends through."""
    monkeypatch.setenv("ECRCTL_STDLIB_HTTP", "1")


def _deflate(data: bytes, wbits: int) -> bytes:
    packer = zlib.compressobj(wbits=wbits)
    return packer.compress(data) + packer.flush()


@pytest.mark.parametrize(
    ("coding", "pack"),
    [
        ("gzip", gzip.compress),
        ("deflate", lambda data: _deflate(data, zlib.MAX_WBITS)),  # zlib-wrapped, as specified
        ("deflate", lambda data: _deflate(data, -zlib.MAX_WBITS)),  # raw, as some servers send
    ],
)
def test_an_encoded_answer_is_decoded(registry: Hostile, cli: Runner, coding: str, pack) -> None:  # type: ignore[no-untyped-def]
    body = pack(json.dumps(TAGS).encode())
    registry.on("GET", "/tags/list", Answer(200, {**JSON, "Content-Encoding": coding}, body))
    result = cli("registry", "api", "--registry", registry.host, "/v2/app/tags/list")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == TAGS
    assert registry.seen[0].headers["Accept-Encoding"] == "gzip, deflate"


def test_a_small_answer_that_unpacks_past_the_cap_is_refused(registry: Hostile) -> None:
    bomb = gzip.compress(b"{" + b" " * (64 << 20) + b"}")  # 64 MiB in about 64 KiB
    headers = {"Content-Type": "application/vnd.oci.image.manifest.v1+json"}
    registry.on("GET", "/manifests/", Answer(200, {**headers, "Content-Encoding": "gzip"}, bomb))
    result, _ = limited("image", "inspect", f"{registry.host}/app:1")
    assert result.returncode == 1
    assert "the answer is larger than 4 MiB" in one_line(result)


def test_a_body_cut_short_is_retried_then_named(
    registry: Hostile, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ECRCTL_REGISTRY_ATTEMPTS", "2")
    short = Answer(200, {**JSON, "Content-Length": "100"}, [b'{"tags": '])  # then hangs up
    registry.on("GET", "/tags/list", short)
    result = cli("registry", "api", "--registry", registry.host, "/v2/app/tags/list")
    assert result.exit_code == 1
    assert f"cannot reach registry {registry.host}: IncompleteRead" in result.stderr
    assert len(registry.seen) == 2
