"""Many credential-helper processes missing the same token at once (a CI fleet's
parallel pulls): they take turns on one lock, the first asks AWS and the rest
find its token in the cache. Real ``docker-credential-ecrctl get`` processes
against moto_server behind a counting proxy, on a cold cache."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.distribution.proxy import Proxy
from tests.login.cache_support import HELPER, refused
from tests.login_support import MOTO_PASSWORD, ecr_host

PARALLEL = 50
HANDFUL = 3


def calls(proxy: Proxy, operation: str) -> int:
    targets = [h.get("X-Amz-Target", "") for _, _, h in proxy.counters.sent]
    return sum(target.endswith(f".{operation}") for target in targets)


@pytest.fixture
def counted(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> Proxy:
    """moto_server behind a counting proxy that answers each AWS call after half a
    second, as a real region's round trips and a loaded CI runner may: long enough
    for every process to miss before the first token is cached."""
    proxy = Proxy(moto_url.removeprefix("http://"))
    proxy.delay = ("/", 0.5)
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://{proxy.host}")
    with proxy:
        yield proxy


def get_all(command: list[str], count: int) -> list[tuple[int, str, str]]:
    children = [
        subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    for child in children:  # all started before any is told the host
        assert child.stdin is not None
        child.stdin.write(ecr_host())
        child.stdin.close()
    results = []
    for child in children:
        assert child.stdout is not None and child.stderr is not None
        out, err = child.stdout.read(), child.stderr.read()  # answers are a few lines
        results.append((child.wait(timeout=180), out, err))
    return results


def assert_every_answer_whole(results: list[tuple[int, str, str]]) -> None:
    for code, out, err in results:
        assert code == 0, out + err
        assert json.loads(out) == {
            "ServerURL": ecr_host(),
            "Username": "AWS",
            "Secret": MOTO_PASSWORD,
        }


def test_fifty_gets_on_a_cold_kernel_cache_ask_aws_a_handful_of_times(
    counted: Proxy, kernel_cache: Path
) -> None:
    results = get_all([HELPER, "get"], PARALLEL)
    assert_every_answer_whole(results)
    assert 1 <= calls(counted, "GetAuthorizationToken") <= HANDFUL
    assert len(counted.counters.sent) <= 2 * HANDFUL  # STS's GetCallerIdentity too
    counted.reset()
    assert_every_answer_whole(get_all([HELPER, "get"], 5))
    assert calls(counted, "GetAuthorizationToken") == 0


def test_twenty_gets_on_a_cold_runtime_file_ask_aws_a_handful_of_times(
    counted: Proxy, kernel_cache: Path, runtime_dir: Path
) -> None:
    """The kernel refuses (seccomp): the lock and the cache live in the runtime dir."""
    results = get_all(refused([HELPER, "get"]), 20)
    assert_every_answer_whole(results)
    assert 1 <= calls(counted, "GetAuthorizationToken") <= HANDFUL
    assert list((runtime_dir / "ecrctl" / "locks").glob("fill-*.lock"))
    assert len(list((runtime_dir / "ecrctl").glob("tokens-*.json"))) == 1


def test_without_a_cache_every_get_asks(counted: Proxy, monkeypatch: pytest.MonkeyPatch) -> None:
    """The count above is the lock's doing: with the cache off, each process asks."""
    monkeypatch.setenv("ECRCTL_TOKEN_CACHE", "off")
    assert_every_answer_whole(get_all([HELPER, "get"], 4))
    assert calls(counted, "GetAuthorizationToken") == 4
