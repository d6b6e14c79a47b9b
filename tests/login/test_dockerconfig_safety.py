"""The docker config.json under hostile conditions: symlinks, modes, values docker
cannot read, malformed sections, stale temp files, unreadable and read-only files."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from ecrctl.errors import InvalidInput, ServiceError
from ecrctl.login import dockerconfig
from tests.unprivileged import NOBODY, private_dir, run_as_nobody

HOST = "123456789012.dkr.ecr.us-east-1.amazonaws.com"


@pytest.fixture
def config(isolated: Path) -> Path:
    path = Path(os.environ["DOCKER_CONFIG"]) / "config.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def test_symlinked_config_is_written_through_the_link(config: Path, tmp_path: Path) -> None:
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    target = dotfiles / "docker.json"
    target.write_text('{"other": 1}')
    target.chmod(0o600)
    config.symlink_to(target)
    dockerconfig.store(HOST, "AWS", "pw")
    assert config.is_symlink() and config.resolve() == target.resolve()
    data = json.loads(target.read_text())
    assert data["other"] == 1 and HOST in data["auths"]
    assert not list(dotfiles.glob(".*.tmp")) and not list(config.parent.glob(".*.tmp"))


@pytest.mark.parametrize(("before", "after"), [(0o600, 0o600), (0o644, 0o600), (0o400, 0o400)])
def test_mode_is_never_loosened(config: Path, before: int, after: int) -> None:
    config.write_text("{}")
    config.chmod(before)
    dockerconfig.store(HOST, "AWS", "pw")
    assert stat.S_IMODE(config.stat().st_mode) == after


@pytest.mark.parametrize("text", ['{"x": 1e400}', '{"x": {"y": [NaN]}}', '{"x": -Infinity}'])
def test_values_docker_cannot_read_are_refused(config: Path, text: str) -> None:
    config.write_text(text)
    with pytest.raises(InvalidInput, match="'x") as info:
        dockerconfig.store(HOST, "AWS", "pw")
    assert info.value.exit_code == 2
    assert config.read_text() == text  # the old file, untouched


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"auths": []}', "'auths' is a list, not an object"),
        ('{"auths": "x"}', "'auths' is a string, not an object"),
        ('{"credHelpers": 3}', "'credHelpers' is a number"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ],
)
def test_malformed_sections_are_exit_2_naming_the_path(
    config: Path, text: str, message: str
) -> None:
    config.write_text(text)
    with pytest.raises(InvalidInput, match=message) as info:
        dockerconfig.store(HOST, "AWS", "pw")
    assert str(config) in info.value.one_line()
    assert config.read_text() == text


def test_null_auths_is_an_empty_section(config: Path) -> None:
    config.write_text('{"auths": null}')
    dockerconfig.store(HOST, "AWS", "pw")
    assert HOST in json.loads(config.read_text())["auths"]


def test_non_utf8_config_is_exit_2(config: Path) -> None:
    config.write_bytes(b'{"auths": {"\xff": {}}}')
    with pytest.raises(InvalidInput, match="not UTF-8"):
        dockerconfig.read_config()


def test_stale_temp_files_are_removed_on_the_next_write(config: Path) -> None:
    stale = config.parent / ".config.json.abc123.tmp"
    stale.write_text('{"auths": {"x": {"auth": "c2VjcmV0"}}}')
    dockerconfig.store(HOST, "AWS", "pw")
    assert not stale.exists()


def test_read_only_docker_dir_is_exit_1_and_the_file_is_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    docker_dir = private_dir()
    config = docker_dir / "config.json"
    config.write_text("{}")
    if os.geteuid() == 0:
        os.chown(config, NOBODY, NOBODY)
    docker_dir.chmod(0o500)
    monkeypatch.setenv("DOCKER_CONFIG", str(docker_dir))

    def check() -> None:
        with pytest.raises(ServiceError, match=str(docker_dir)) as info:
            dockerconfig.store(HOST, "AWS", "pw")
        assert info.value.exit_code == 1

    try:
        run_as_nobody(check)
    finally:
        docker_dir.chmod(0o700)
    assert config.read_text() == "{}"
    assert not list(docker_dir.glob(".*.tmp"))
