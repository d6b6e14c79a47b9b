"""The token cache's files: the private-tmpfs check of $XDG_RUNTIME_DIR (a real tmpfs,
/dev/shm, against this machine's ext4 /tmp), the 0600 secrets file and its pruning,
the runtime-file fallback where a seccomp filter makes the kernel refuse its
keyring, no cache at all (said once by ``login status``), and the file on disk
that ``token_cache = "file"`` asks for."""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ecrctl.login import cache as tokencache
from ecrctl.login.file_cache import FileStore, filesystem_of, private_runtime_dir
from tests.distribution.proxy import Proxy
from tests.login.cache_support import HELPER, refused, run, secret
from tests.login_support import ECRCTL, MOTO_PASSWORD, ecr_host

NOW = datetime(2030, 1, 1, tzinfo=UTC)


def test_a_private_tmpfs_runtime_dir_is_accepted(runtime_dir: Path) -> None:
    assert private_runtime_dir() == (runtime_dir, "")
    assert filesystem_of(str(runtime_dir)) == "tmpfs"


def test_a_runtime_dir_others_may_read_is_refused(runtime_dir: Path) -> None:
    runtime_dir.chmod(0o755)
    found, why = private_runtime_dir()
    assert found is None and "is not private to this user" in why


def test_a_runtime_dir_of_another_user_is_refused(runtime_dir: Path) -> None:
    os.chown(runtime_dir, 65534, 65534)
    found, why = private_runtime_dir()
    assert found is None and "is not private to this user" in why


def test_a_runtime_dir_on_disk_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    disk = tmp_path / "run"
    disk.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(disk))
    found, why = private_runtime_dir()
    kind = filesystem_of(str(disk))
    assert kind not in {"tmpfs", "ramfs"}
    assert found is None and why.endswith(f"is not on a tmpfs ({kind})")
    monkeypatch.delenv("XDG_RUNTIME_DIR")
    assert private_runtime_dir() == (None, "XDG_RUNTIME_DIR is not set")


def test_mount_points_are_unescaped_and_the_innermost_wins(tmp_path: Path) -> None:
    table = tmp_path / "mountinfo"
    table.write_text(
        "27 1 254:0 / / rw - ext4 /dev/vda rw\n"
        "40 27 0:40 / /run/user/1000 rw - tmpfs tmpfs rw,mode=700\n"
        "41 27 0:41 / /srv/my\\040dir rw - ramfs none rw\n"
    )
    assert filesystem_of("/run/user/1000", str(table)) == "tmpfs"
    assert filesystem_of("/run/user/1000/ecrctl", str(table)) == "tmpfs"
    assert filesystem_of("/run/user/10000", str(table)) == "ext4"
    assert filesystem_of("/srv/my dir/x", str(table)) == "ramfs"
    assert filesystem_of("/x", str(tmp_path / "missing")) is None


def test_the_secrets_file_is_private_and_drops_expired_tokens(runtime_dir: Path) -> None:
    store = FileStore(runtime_dir / "ecrctl" / "tokens.json", "runtime file")
    store.write("old", "old-secret", NOW + timedelta(hours=1), NOW)
    store.write("new", "new-secret", NOW + timedelta(hours=12), NOW)
    assert store.read("old") == "old-secret"
    store.write("newer", "newer-secret", NOW + timedelta(hours=12), NOW + timedelta(hours=2))
    assert (store.read("old"), store.read("new")) == (None, "new-secret")
    assert set(json.loads(store.path.read_text())["tokens"]) == {"new", "newer"}
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.path.parent.stat().st_mode) == 0o700
    store.delete("new")
    assert store.read("new") is None and store.read("newer") == "newer-secret"


def token_requests(proxy: Proxy) -> int:
    targets = [h.get("X-Amz-Target", "") for _, _, h in proxy.counters.sent]
    return sum(target.endswith(".GetAuthorizationToken") for target in targets)


@pytest.fixture
def counted(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> Proxy:
    """moto_server behind a counting proxy, as every AWS endpoint; no OS keyring."""
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND")
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    proxy = Proxy(moto_url.removeprefix("http://"))
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://{proxy.host}")
    with proxy:
        yield proxy


def test_where_the_kernel_refuses_tokens_go_to_the_private_runtime_dir(
    counted: Proxy, runtime_dir: Path
) -> None:
    for _ in range(2):
        assert secret(run(refused([HELPER, "get"]), ecr_host())) == MOTO_PASSWORD
    assert token_requests(counted) == 1  # the second answer came from the file
    [tokens] = (runtime_dir / "ecrctl").glob("tokens-*.json")
    assert stat.S_IMODE(tokens.stat().st_mode) == 0o600
    assert MOTO_PASSWORD in tokens.read_text()
    assert MOTO_PASSWORD not in tokencache.index_path().read_text()


def test_with_neither_the_kernel_nor_a_runtime_dir_there_is_no_cache_and_status_says_so(
    counted: Proxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    for _ in range(2):
        assert secret(run(refused([HELPER, "get"]), ecr_host())) == MOTO_PASSWORD
    assert token_requests(counted) == 2
    status = run(refused([ECRCTL, "login", "status"]))
    assert status.returncode == 0, status.stderr
    said = [line for line in status.stderr.splitlines() if "no token cache" in line]
    assert len(said) == 1, status.stderr
    assert "the kernel refused its keyring (EPERM, " in said[0]
    assert "XDG_RUNTIME_DIR is not set" in said[0]
    assert 'token_cache = "file"' in said[0]


def test_a_file_cache_on_disk_only_when_asked(counted: Proxy) -> None:
    from ecrctl.login.mappings import config_path

    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text('token_cache = "file"\n')
    for _ in range(2):
        assert secret(run([HELPER, "get"], ecr_host())) == MOTO_PASSWORD
    assert token_requests(counted) == 1
    secrets = tokencache.index_path().with_name("token-secrets.json")
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o600
    assert MOTO_PASSWORD in secrets.read_text()
    cache = tokencache.open_cache()
    assert (cache.kind, cache.reason) == ("file", "")
