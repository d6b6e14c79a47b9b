"""The kernel keyring as the token cache's store, on this machine's kernel: the real
add_key/keyctl calls, the key's permissions and timeout as /proc/keys shows them,
one cache never reading another's keys, the quota of an unprivileged user, and the
refusal under a seccomp filter like a container's."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ecrctl.login import cache as tokencache
from ecrctl.login.kernel_keyring import open_store
from tests.login.cache_support import HELPER, kernel_keys, refused, run
from tests.login_support import ecr_host, seed_token

ROOT = Path(__file__).resolve().parent.parent.parent


def test_auto_caches_in_the_kernel_where_there_is_no_os_keyring(kernel_cache: Path) -> None:
    cache = tokencache.open_cache()
    assert (cache.usable, cache.kind, cache.reason) == (True, "kernel", "")
    key = seed_token("kernel-secret")
    line = kernel_keys(kernel_cache)[key.name]
    fields = line.split()
    assert fields[7] == "user"
    assert fields[4] == "3f2f0000"  # possessor: all; user: view read write search setattr
    assert fields[3] in {"11h", "12h"}  # the token's expiry
    assert fields[5] == str(os.getuid())
    assert tokencache.open_cache().get(key).password == "kernel-secret"
    assert "kernel-secret" not in kernel_cache.read_text()  # the index holds no secret


def test_the_credential_helper_answers_from_the_kernel(kernel_cache: Path) -> None:
    seed_token("kernel-secret")
    done = run([HELPER, "get"], ecr_host())
    assert done.returncode == 0, done.stdout + done.stderr
    assert '"Secret": "kernel-secret"' in done.stdout


def test_a_key_the_kernel_let_expire_is_a_miss(kernel_cache: Path) -> None:
    store = open_store("expiry-test")
    now = datetime.now(UTC)
    store.write("short", "gone soon", now + timedelta(seconds=1), now)
    assert store.read("short") == "gone soon"
    time.sleep(1.6)
    assert store.read("short") is None
    store.write("expired", "never stored", now - timedelta(seconds=1), now)
    assert store.read("expired") is None


def test_two_caches_never_read_each_others_keys(kernel_cache: Path, tmp_path: Path) -> None:
    key = seed_token("first-cache")
    other = tokencache.open_cache()
    assert other.get(key).password == "first-cache"
    elsewhere = tokencache.StoreCache(open_store("another-cache"), tmp_path / "tokens.json")
    assert elsewhere.get(key) is None
    other.drop(key.name)
    assert key.name not in kernel_keys(kernel_cache)
    assert tokencache.open_cache().get(key) is None


def test_the_user_without_privileges_gets_room_by_dropping_the_other_tokens() -> None:
    """An unprivileged user's keys may hold 20,000 bytes: the seventh token of 3,000
    bytes gets room by dropping the others (nobody, under the system's python3)."""
    setpriv = shutil.which("setpriv")
    assert setpriv, "setpriv (util-linux) is needed"
    where = Path(tempfile.mkdtemp(prefix="ecrctl-quota-"))  # a dir nobody may read
    where.chmod(0o755)
    script = where / "quota.py"
    script.write_text(
        "from datetime import UTC, datetime, timedelta\n"
        "from ecrctl.login.kernel_keyring import open_store\n"
        "store = open_store('quota-test')\n"
        "now = datetime.now(UTC)\n"
        "names = [f'token-{n}' for n in range(9)]\n"
        "for n, name in enumerate(names):\n"
        "    store.write(name, 'x' * 3000, now + timedelta(hours=1), now, names[:n])\n"
        "import json\n"
        "print(json.dumps([store.read(name) is not None for name in names]))\n"
        "for name in names:\n"
        "    store.delete(name)\n"
    )
    script.chmod(0o644)
    env = {"PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1", "PATH": os.defpath}
    command = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
    try:
        done = subprocess.run(
            [*command, "/usr/bin/python3", str(script)],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
    finally:
        shutil.rmtree(where)
    assert done.returncode == 0, done.stderr
    held = json.loads(done.stdout)
    assert held[-1] is True and held.count(True) < len(held)


@pytest.mark.parametrize("code", ["EPERM", "ENOSYS"])
def test_a_seccomp_filter_makes_the_kernel_refuse(code: str, kernel_cache: Path) -> None:
    probe = (
        "from ecrctl.login.kernel_keyring import Refused, open_store\n"
        "try:\n    open_store('probe')\nexcept Refused as exc:\n    print(exc.reason)\n"
    )
    done = run(refused([sys.executable, "-c", probe], code))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"the kernel refused its keyring ({code}, ")
    assert "seccomp" in done.stdout


def test_without_the_filter_the_same_calls_work() -> None:
    """The refusal above is the filter's: here the kernel stores, reads and drops."""
    store = open_store("roundtrip-test")
    now = datetime.now(UTC)
    store.write("name", "value", now + timedelta(minutes=1), now)
    assert store.read("name") == "value"
    store.delete("name")
    assert store.read("name") is None
    store.delete("name")  # already gone: no error
