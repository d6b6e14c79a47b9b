"""Login under real faults: plaintext keyrings refused, kill -9 loops over a
large config.json, concurrent logins, a registry failing after another."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

from tests.faults.conftest import ECRCTL, Fault, ecrctl, env_for
from tests.faults.proxy import Proxy


def docker_config() -> Path:
    return Path(os.environ["DOCKER_CONFIG"]) / "config.json"


def test_plaintext_keyring_is_never_written(proxy: Proxy) -> None:
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyrings.alt.file.PlaintextKeyring"
    run = ecrctl(proxy, "login", "--debug")
    assert run.exit_code == 0, run.stderr
    assert "does not keep secrets in an OS store" in run.stderr
    data_home = Path(os.environ["XDG_DATA_HOME"])
    assert not list(data_home.rglob("keyring_pass.cfg"))
    status = ecrctl(proxy, "login", "status")
    assert "does not keep secrets in an OS store" in status.stderr


def test_kill_9_during_login_keeps_a_valid_config_and_no_temp_file(proxy: Proxy) -> None:
    path = docker_config()
    path.parent.mkdir(parents=True, exist_ok=True)
    big = {"auths": {f"h{n}.example": {"auth": "eDp5"} for n in range(200_000)}}  # ~12 MB
    path.write_text(json.dumps(big))
    iterations, killed = 30, 0
    for n in range(iterations):
        child = subprocess.Popen(
            [ECRCTL, "login", "--no-cache"],
            env=env_for(proxy),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(0.25 + (n % 10) * 0.05)
        if child.poll() is None:
            os.kill(child.pid, signal.SIGKILL)
            killed += 1
        child.wait()
        json.loads(path.read_text())  # always a whole, valid file
    assert killed > iterations // 2
    done = ecrctl(proxy, "login", "--no-cache")  # the next write sweeps the leftovers
    assert done.exit_code == 0, done.stderr
    assert not list(path.parent.glob(".config.json.*.tmp"))
    assert len(json.loads(path.read_text())["auths"]) == 200_001


def test_twenty_concurrent_logins_keep_every_token(proxy: Proxy, tmp_path: Path) -> None:
    children = []
    for n in range(20):
        env = env_for(proxy)
        env["AWS_ACCESS_KEY_ID"] = f"key{n:02d}"  # 20 callers, 20 cache entries
        env["AWS_DEFAULT_REGION"] = ["us-east-1", "eu-west-1"][n % 2]
        children.append(
            subprocess.Popen(
                [ECRCTL, "login", "--registry-id", f"{100000000000 + n}"],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    for child in children:
        _, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
    index = json.loads((Path(os.environ["XDG_CACHE_HOME"]) / "ecrctl" / "tokens.json").read_text())
    store: dict[str, Any] = json.loads(
        (Path(os.environ["XDG_DATA_HOME"]) / "test-os-store.json").read_text()
    )
    assert len(index.get("tokens", {})) == len([k for k in store if k.startswith("ecrctl")])
    records = json.loads(
        (Path(os.environ["HOME"]) / ".local" / "state" / "ecrctl" / "logins.json").read_text()
    )
    assert len(records) == 20


def test_unwritable_state_dir_stores_nothing(proxy: Proxy) -> None:
    """A state dir that cannot be written is found before any credential is stored
    (a regular file where the directory should be: root cannot write there either)."""
    state = Path(os.environ["HOME"]) / ".local" / "state" / "ecrctl"
    state.parent.mkdir(parents=True)
    state.write_text("")
    run = ecrctl(proxy, "login")
    assert run.exit_code == 1 and "unexpected" not in run.stderr, run.stderr
    assert str(state) in run.stderr
    assert not docker_config().exists()


def test_second_registry_failing_keeps_the_first_recorded(proxy: Proxy) -> None:
    path = docker_config()
    path.parent.mkdir(parents=True, exist_ok=True)
    # the second host's credential goes to a helper program that is not installed
    host_b = "222222222222.dkr.ecr.us-east-1.amazonaws.com"
    path.write_text(json.dumps({"credHelpers": {host_b: "missing-helper"}}))
    run = ecrctl(proxy, "login", "--registry-id", "111111111111", "--registry-id", "222222222222")
    assert run.exit_code == 1
    assert "1 of 2 logged in, 1 failed" in run.stderr
    # the table says, registry by registry, what was done and what was not
    rows = [line.split() for line in run.stdout.splitlines()[2:]]
    assert [row[0] for row in rows] == ["111111111111.dkr.ecr.us-east-1.amazonaws.com", host_b]
    assert rows[0][1:3] == ["config.json", "auths"] and rows[1][1:] == [
        "failed:",
        "ServiceError",
        "-",
    ]
    as_json = ecrctl(
        proxy,
        "login",
        "--registry-id",
        "111111111111",
        "--registry-id",
        "222222222222",
        "-o",
        "json",
    )
    assert as_json.exit_code == 1
    report = json.loads(as_json.stdout)
    [done], [failed] = report["done"], report["failed"]
    assert (done["id"], failed["id"]) == ("111111111111.dkr.ecr.us-east-1.amazonaws.com", host_b)
    assert report["notAttempted"] == report["unknown"] == []
    assert (
        done["detail"]["storedIn"] == "config.json auths"
        and failed["failureCode"] == "ServiceError"
    )
    undo = ecrctl(proxy, "logout")
    assert undo.exit_code == 0, undo.stderr
    assert "111111111111.dkr.ecr.us-east-1.amazonaws.com" in undo.stdout
    assert "111111111111.dkr.ecr.us-east-1.amazonaws.com" not in path.read_text()


__all__ = ["Fault"]
