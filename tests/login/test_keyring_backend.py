"""Which keyring backend holds the token cache's secrets: only an OS store,
keyring's chainer bypassed for its first member, keyring's macOS backend kept
from running a compiler; and a real Secret Service (gnome-keyring under
dbus-run-session) chosen through PYTHON_KEYRING_BACKEND and through keyring's
own detection."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from keyring.backends.chainer import ChainerBackend
from keyring.backends.fail import Keyring as FailKeyring
from keyrings.alt.file import PlaintextKeyring

from ecrctl.login import cache as tokencache
from ecrctl.login.keyring_backend import NoOsStore, not_an_os_store, os_store, own_backend
from tests.login.cache_support import modules_at_exit
from tests.login_support import BIN, HELPER, fresh_keyring, use_keyring_backend  # noqa: F401
from tests.store_keyring import StoreKeyring

PLAINTEXT = "keyrings.alt.file.PlaintextKeyring"


class PlaintextFirst(ChainerBackend):
    """keyring's chainer with a fixed chain: a plaintext file, then a stand-in OS store."""

    backends = (PlaintextKeyring(), StoreKeyring())


class StoreFirst(ChainerBackend):
    backends = (StoreKeyring(), PlaintextKeyring())


class EmptyChain(ChainerBackend):
    backends = ()


def test_os_stores_and_what_declares_itself_one_are_accepted() -> None:
    assert not_an_os_store(StoreKeyring()) is None  # keeps_secrets_in_os_store
    assert not_an_os_store(FailKeyring()) is None  # refused later, as no backend at all
    assert not_an_os_store(PlaintextKeyring()) == PLAINTEXT


def test_a_chain_is_judged_by_the_backend_it_writes_through() -> None:
    assert not_an_os_store(PlaintextFirst()) == PLAINTEXT
    assert not_an_os_store(StoreFirst()) is None
    assert not_an_os_store(EmptyChain()) is None


def test_the_chainers_first_member_is_used_directly_and_found_once() -> None:
    chain = StoreFirst()
    first = own_backend(chain)
    assert first is StoreFirst.backends[0]
    assert own_backend(chain) is first
    alone = StoreKeyring()
    assert own_backend(alone) is alone
    empty = EmptyChain()
    assert own_backend(empty) is empty


def test_the_pinned_stand_in_store_is_chosen() -> None:
    assert isinstance(os_store(), StoreKeyring)


def test_a_plaintext_backend_is_refused_quietly(monkeypatch: pytest.MonkeyPatch) -> None:
    use_keyring_backend(monkeypatch, PLAINTEXT)
    monkeypatch.setenv("ECRCTL_TOKEN_CACHE", "keyring")  # the OS keyring or nothing
    with pytest.raises(NoOsStore) as refused:
        os_store()
    assert not refused.value.loud
    assert f"the keyring backend {PLAINTEXT} does not keep secrets in an OS store" in str(
        refused.value
    )
    warnings: list[str] = []
    cache = tokencache.open_cache(warn=warnings.append)
    assert not cache.usable and cache.reason == refused.value.reason
    assert warnings == []


def test_keyrings_fail_backend_is_refused_quietly(monkeypatch: pytest.MonkeyPatch) -> None:
    use_keyring_backend(monkeypatch, "keyring.backends.fail.Keyring")
    with pytest.raises(NoOsStore) as refused:
        os_store()
    assert not refused.value.loud
    assert "no usable keyring backend" in refused.value.reason
    assert "PYTHON_KEYRING_BACKEND" in refused.value.reason


def test_a_backend_that_cannot_load_is_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.no_such_module.Keyring")
    monkeypatch.setenv("ECRCTL_TOKEN_CACHE", "keyring")  # the OS keyring or nothing
    code = (
        "from ecrctl.login import cache\n"
        "from ecrctl.login.keyring_backend import NoOsStore, os_store\n"
        "try:\n    os_store()\nexcept NoOsStore as refused:\n"
        "    print(refused.loud, refused.reason)\n"
        "print(cache.open_cache().usable)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    refused, usable = done.stdout.splitlines()
    assert refused.startswith("True keyring could not start (ModuleNotFoundError: ")
    assert usable == "False"
    assert "working without the token cache" in done.stderr


def test_keyring_detection_runs_no_compiler(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """keyring's own detection (no PYTHON_KEYRING_BACKEND) imports its macOS
    backend, whose ctypes.util.find_library runs gcc and ld on Linux; ecrctl's
    commands must not pay for that. Stand-ins for gcc, cc and ld on PATH record
    any run of them while the real credential helper opens the token cache. A
    ``gi`` package on PYTHONPATH (PyGObject, which keyring's libsecret backend
    would use) makes ecrctl leave the choice of backend to keyring's detection."""
    bindings = tmp_path / "bindings"
    (bindings / "gi").mkdir(parents=True)
    (bindings / "gi" / "__init__.py").write_text("")
    monkeypatch.setenv("PYTHONPATH", f"{bindings}{os.pathsep}{os.environ['PYTHONPATH']}")
    tools = tmp_path / "tools"
    tools.mkdir()
    marker = tmp_path / "ran"
    for name in ("gcc", "cc", "ld"):
        tool = tools / name
        tool.write_text(f"#!/bin/sh\necho {name} >> {marker}\nexit 1\n")
        tool.chmod(0o755)
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND")
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    done, modules = modules_at_exit(tmp_path, [HELPER, "list"], "")
    assert done.returncode == 0, done.stderr
    assert "keyring.backends.libsecret" in modules  # keyring's detection did run
    assert not marker.exists(), marker.read_text()


def run_shell(shell: str) -> subprocess.CompletedProcess[str]:
    """``shell`` in a private D-Bus session (where gnome-keyring can serve secrets)."""
    return subprocess.run(
        ["dbus-run-session", "--", "sh", "-c", shell],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


SECRET_SERVICE_SCRIPT = """
import json, subprocess, sys
from datetime import UTC, datetime, timedelta
import keyring
from ecrctl.aws.settings import AwsSettings, resolve
from ecrctl.login import cache as tokencache
backend = type(keyring.get_keyring())
cache = tokencache.open_cache()
source = resolve(AwsSettings()).credential_source()
arn = "arn:aws:iam::123456789012:user/ss"
cache.remember_identity(source, tokencache.Identity(arn, "123456789012"))
now = datetime.now(UTC)
key = tokencache.CacheKey("aws", "123456789012", "us-east-1", arn)
token = tokencache.CachedToken("AWS", "ss-secret", "https://x", now + timedelta(hours=12), now)
stored = cache.put(key, token)
got = subprocess.run([sys.argv[1], "get"], input="123456789012.dkr.ecr.us-east-1.amazonaws.com",
                     capture_output=True, text=True)
found = subprocess.run(["secret-tool", "lookup", "service", "ecrctl", "username", key.name],
                       capture_output=True, text=True)
print(json.dumps({"backend": backend.__module__, "stored": stored, "get": got.stdout,
                  "lookup": found.stdout}))
"""


def test_secret_service_keyring_under_dbus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for tool in ("dbus-run-session", "gnome-keyring-daemon", "secret-tool"):
        assert shutil.which(tool), (
            f"{tool} is needed (apt-get install dbus gnome-keyring libsecret-tools)"
        )
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.SecretService.Keyring")
    script = tmp_path / "ss.py"
    script.write_text(SECRET_SERVICE_SCRIPT)

    shell = (
        "export HOME=$(mktemp -d); "
        "printf %s pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; "
        f"exec {sys.executable} {script} {BIN / 'docker-credential-ecrctl'}"
    )
    done = run_shell(shell)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["backend"] == "keyring.backends.SecretService"
    assert result["stored"] is True
    assert json.loads(result["get"])["Secret"] == "ss-secret"
    assert json.loads(result["lookup"])["password"] == "ss-secret"


SEED_SCRIPT = """
import sys
from datetime import UTC, datetime, timedelta
from ecrctl.aws.settings import AwsSettings, resolve
from ecrctl.login import cache as tokencache
cache = tokencache.open_cache()
arn = "arn:aws:iam::123456789012:user/ss"
cache.remember_identity(resolve(AwsSettings()).credential_source(),
                        tokencache.Identity(arn, "123456789012"))
now = datetime.now(UTC)
key = tokencache.CacheKey("aws", "123456789012", "us-east-1", arn)
print(type(cache.backend).__module__, cache.put(
    key, tokencache.CachedToken("AWS", "ss-secret", "https://x", now + timedelta(hours=12), now)))
"""


def test_a_cache_hit_through_keyrings_own_choice_connects_to_the_bus_few_times(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without PYTHON_KEYRING_BACKEND keyring would chain its backends, a D-Bus
    connection each for the Secret Service (eleven connections for one hit, seven
    once the chainer's first member was used directly). ecrctl now finds the Secret
    Service as keyring's detection would and reads it itself: the credential
    helper's cache hit, traced by strace, connects to the session bus once."""
    for tool in ("dbus-run-session", "gnome-keyring-daemon", "strace"):
        assert shutil.which(tool), f"{tool} is needed: run scripts/install-deps"
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND")
    script = tmp_path / "seed.py"
    script.write_text(SEED_SCRIPT)
    trace = tmp_path / "trace"

    shell = (
        "export HOME=$(mktemp -d); "
        "printf %s pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; "
        f"{sys.executable} {script} && echo 123456789012.dkr.ecr.us-east-1.amazonaws.com | "
        f"strace -f -qq -e trace=connect -o {trace} {BIN / 'docker-credential-ecrctl'} get"
    )
    done = run_shell(shell)
    assert done.returncode == 0, done.stderr
    seeded, answer = done.stdout.strip().splitlines()[-2:]
    assert seeded == "keyring.backends.SecretService True"
    assert json.loads(answer)["Secret"] == "ss-secret"
    bus = [line for line in trace.read_text().splitlines() if "sun_path" in line and "dbus" in line]
    assert len(bus) == 1, bus
