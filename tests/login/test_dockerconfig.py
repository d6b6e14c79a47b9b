"""docker's config.json: where credentials go, atomic locked writes, and the
credential-helper protocol with a real helper program on PATH."""

from __future__ import annotations

import base64
import json
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from ecrctl import paths
from ecrctl.errors import InvalidInput, ServiceError
from ecrctl.login import dockerconfig
from tests.login_support import install_vault
from tests.support.files import write_docker_config

HOST = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
OTHERS = {
    "auths": {"ghcr.io": {"auth": "dXNlcjpwYXNz"}},
    "psFormat": "table {{.Names}}",
    "HttpHeaders": {"User-Agent": "x"},
}


@pytest.fixture
def vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return install_vault(tmp_path, monkeypatch)


def test_store_in_config_json_keeps_everything_else_and_is_private() -> None:
    path = write_docker_config(OTHERS)
    where = dockerconfig.store(HOST, "AWS", "pw:with:colon")
    assert where == dockerconfig.Location("config.json")
    data = json.loads(path.read_text())
    assert base64.b64decode(data["auths"][HOST]["auth"]) == b"AWS:pw:with:colon"
    assert data["auths"]["ghcr.io"] == OTHERS["auths"]["ghcr.io"]  # type: ignore[index]
    assert {k: v for k, v in data.items() if k != "auths"} == {
        k: v for k, v in OTHERS.items() if k != "auths"
    }
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_store_creates_dir_and_file_honouring_docker_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "elsewhere"
    monkeypatch.setenv("DOCKER_CONFIG", str(target))
    dockerconfig.store("127.0.0.1:5000", "AWS", "pw")
    data = json.loads((target / "config.json").read_text())
    assert list(data["auths"]) == ["127.0.0.1:5000"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o700


def test_creds_store_gets_the_secret_on_stdin(vault: Path) -> None:
    path = write_docker_config({"credsStore": "testvault", **OTHERS})
    where = dockerconfig.store(HOST, "AWS", "the-secret")
    assert where == dockerconfig.Location("credsStore", "testvault")
    assert json.loads((vault / "stored.json").read_text()) == {
        "ServerURL": HOST,
        "Username": "AWS",
        "Secret": "the-secret",
    }
    data = json.loads(path.read_text())
    assert data["auths"][HOST] == {}
    assert "the-secret" not in path.read_text()


def test_cred_helpers_entry_wins_over_creds_store(vault: Path) -> None:
    write_docker_config({"credsStore": "missing-store", "credHelpers": {HOST: "testvault"}})
    assert dockerconfig.store(HOST, "AWS", "pw").kind == "credHelpers"
    assert (vault / "stored.json").exists()


@pytest.mark.parametrize("program", ["ecr-login", "ecrctl"])
def test_ecr_helper_hosts_store_nothing(program: str) -> None:
    path = write_docker_config({"credHelpers": {HOST: program}})
    before = path.read_text()
    where = dockerconfig.store(HOST, "AWS", "pw")
    assert where.kind == "helper" and "serves the host" in where.describe()
    assert path.read_text() == before


def test_missing_helper_program_is_a_clear_error() -> None:
    write_docker_config({"credsStore": "nonexistent-store"})
    with pytest.raises(ServiceError, match="docker-credential-nonexistent-store is not installed"):
        dockerconfig.store(HOST, "AWS", "pw")


def test_failing_helper_reports_its_message_redacted(vault: Path) -> None:
    from ecrctl import redact

    redact.register("leaky-secret")
    (vault.parent / "vault-bin" / "docker-credential-testvault").write_text(
        '#!/bin/sh\necho "cannot store leaky-secret"; exit 3\n'
    )
    write_docker_config({"credsStore": "testvault"})
    with pytest.raises(ServiceError) as info:
        dockerconfig.store(HOST, "AWS", "leaky-secret")
    assert "docker-credential-testvault store failed: cannot store ***" in str(info.value)


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", "\x00\x01"])
def test_corrupt_config_is_an_error_and_left_untouched(content: str) -> None:
    path = paths.docker_config_file()
    path.parent.mkdir(parents=True)
    path.write_text(content)
    with pytest.raises(InvalidInput, match="left untouched"):
        dockerconfig.store(HOST, "AWS", "pw")
    assert path.read_text() == content


def test_erase_from_each_place(vault: Path) -> None:
    path = write_docker_config({"auths": {HOST: {"auth": "eA=="}, "ghcr.io": {}}})
    assert dockerconfig.erase(HOST) == dockerconfig.Location("config.json")
    assert json.loads(path.read_text())["auths"] == {"ghcr.io": {}}
    assert dockerconfig.erase(HOST) is None

    write_docker_config({"credsStore": "testvault", "auths": {HOST: {}}})
    assert dockerconfig.erase(HOST) == dockerconfig.Location("credsStore", "testvault")
    assert (vault / "erased.txt").read_text() == HOST
    assert HOST not in json.loads(path.read_text())["auths"]


def test_helper_entry_is_kept_unless_asked() -> None:
    path = write_docker_config({"credHelpers": {HOST: "ecrctl", "other": "pass"}})
    assert dockerconfig.erase(HOST).kind == "helper"  # type: ignore[union-attr]
    assert json.loads(path.read_text())["credHelpers"][HOST] == "ecrctl"
    dockerconfig.erase(HOST, helper_entry=True)
    assert json.loads(path.read_text())["credHelpers"] == {"other": "pass"}


def test_use_helper_drops_an_inline_secret() -> None:
    path = write_docker_config({"auths": {HOST: {"auth": "QVdTOnB3"}, "ghcr.io": {"auth": "x"}}})
    dockerconfig.use_helper(HOST)
    data = json.loads(path.read_text())
    assert data["credHelpers"] == {HOST: "ecrctl"}
    assert data["auths"] == {"ghcr.io": {"auth": "x"}}


def test_killed_between_temp_write_and_rename_leaves_the_old_file(tmp_path: Path) -> None:
    strace = shutil.which("strace")
    assert strace, "strace is needed (apt-get install strace)"
    path = write_docker_config(OTHERS)
    before = path.read_text()
    code = f"from ecrctl.login import dockerconfig\ndockerconfig.store({HOST!r}, 'AWS', 'new-pw')\n"
    syscalls = "rename,renameat,renameat2"
    done = subprocess.run(
        [
            strace,
            "-f",
            "-qq",
            "-o",
            str(tmp_path / "trace"),
            "-e",
            f"trace={syscalls}",
            "-e",
            f"inject={syscalls}:signal=KILL",
            sys.executable,
            "-c",
            code,
        ],
        capture_output=True,
        check=False,
    )
    assert done.returncode != 0
    assert path.read_text() == before
    leftovers = list(path.parent.glob(".config.json.*.tmp"))
    assert len(leftovers) == 1  # the process died after writing its temp file
    assert HOST in leftovers[0].read_text()
    # the next writer is not disturbed by the leftover
    dockerconfig.store(HOST, "AWS", "pw")
    assert HOST in json.loads(path.read_text())["auths"]


def test_concurrent_writers_lose_no_entry() -> None:
    path = write_docker_config(OTHERS)
    code = (
        "import sys\nfrom ecrctl.login import dockerconfig\n"
        "for i in range(25):\n"
        "    dockerconfig.store(f'{sys.argv[1]}-{i}.example', 'AWS', 'pw')\n"
    )
    procs = [subprocess.Popen([sys.executable, "-c", code, name]) for name in ("a", "b")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    auths = json.loads(path.read_text())["auths"]
    assert len(auths) == 51
    assert {f"{n}-{i}.example" for n in "ab" for i in range(25)} <= set(auths)
