"""What the token-cache tests share: the kernel keys a cache made (from /proc/keys),
commands under a seccomp filter that refuses the kernel keyring, scripts in a
private D-Bus session (with gnome-keyring, or a bus with no service at all), and the
modules an installed command had loaded when it exited."""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ecrctl.login.file_cache import cache_label
from ecrctl.login.kernel_keyring import KEYCTL_INVALIDATE, Syscalls
from tests.login_support import BIN

SECCOMP = str(Path(__file__).with_name("seccomp_exec.py"))
HEAVY = (
    "boto3",
    "botocore",
    "requests",
    "urllib3",
    "docker",
    "rich",
    "click",
    "keyring",
    "secretstorage",
    "cryptography",
)


def kernel_keys(index: Path) -> dict[str, str]:
    """The cache's kernel keys, as /proc/keys lists them: name -> the whole line."""
    prefix = f"ecrctl:{cache_label(index)}:"
    found = {}
    for line in Path("/proc/keys").read_text().splitlines():
        fields = line.split(None, 8)
        if set("iRD") & set(fields[1]) or fields[3] == "expd":
            continue  # invalidated, revoked, dead or expired: the kernel is dropping it
        description = fields[-1]
        if description.startswith(prefix):
            found[description[len(prefix) :].rsplit(": ", 1)[0]] = line
    return found


def drop_kernel_keys(index: Path) -> None:
    calls = Syscalls()
    for line in kernel_keys(index).values():
        with contextlib.suppress(OSError):
            calls.keyctl(KEYCTL_INVALIDATE, int(line.split()[0], 16))


def refused(command: Sequence[str], code: str = "EPERM") -> list[str]:
    """``command`` run under a seccomp filter that answers the keyring calls ``code``."""
    return [sys.executable, SECCOMP, code, "--", *command]


def run(
    command: Sequence[str], stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(command),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )


def modules_at_exit(
    tmp_path: Path, command: Sequence[str], stdin: str
) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Run an installed command unchanged; a ``sitecustomize`` on PYTHONPATH writes
    ``sys.modules`` to a file as the process exits."""
    hook = tmp_path / "exit-hook"
    hook.mkdir(exist_ok=True)
    out = tmp_path / "modules.json"
    (hook / "sitecustomize.py").write_text(
        "import atexit, sys\n"
        "def _dump():\n"
        f"    with open({str(out)!r}, 'w') as f:\n"
        "        f.write('\\n'.join(sorted(sys.modules)))\n"
        "atexit.register(_dump)\n"
    )
    env = {**os.environ, "PYTHONPATH": f"{hook}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    done = run(command, stdin, env)
    return done, set(out.read_text().split()) if out.exists() else set()


def heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY)


HELPER = str(BIN / "docker-credential-ecrctl")


def secret(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, done.stdout + done.stderr
    value: str = json.loads(done.stdout)["Secret"]
    return value


BARE_BUS = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


def in_session(
    tmp_path: Path, script: str, *args: str, keyring: bool = True
) -> tuple[subprocess.CompletedProcess[str], Any]:
    """``script`` run by this interpreter in a private D-Bus session: with gnome-keyring
    unlocked (a real Secret Service), or on a bus with no service to activate at all.
    Returns the process and the JSON of its last line of output."""
    for tool in ("dbus-run-session", "gnome-keyring-daemon", "secret-tool"):
        assert shutil.which(tool), f"{tool} is needed: run scripts/install-deps"
    path = tmp_path / "in_session.py"
    path.write_text(script)
    options: list[str] = []
    start = ""
    if keyring:
        start = "printf %s pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; "
    else:
        bare = tmp_path / "bare-bus.conf"
        bare.write_text(BARE_BUS)
        options = [f"--config-file={bare}"]
    shell = (
        f"export HOME=$(mktemp -d); {start}"
        f"exec {shlex.quote(sys.executable)} {path} {' '.join(map(shlex.quote, args))}"
    )
    done = subprocess.run(
        ["dbus-run-session", *options, "--", "sh", "-c", shell],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done, json.loads(done.stdout.strip().splitlines()[-1])
