"""Every file ecrctl reads or writes: the XDG defaults, each override, the setting that
moves a path, and the line naming a file that cannot be used."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ecrctl import paths

DEFAULTS: list[tuple[Callable[[], Path], str]] = [
    (paths.config_home, ".config/ecrctl"),
    (paths.state_home, ".local/state/ecrctl"),
    (paths.cache_home, ".cache/ecrctl"),
    (paths.ecrctl_config_file, ".config/ecrctl/config.toml"),
    (paths.login_records, ".local/state/ecrctl/logins.json"),
    (paths.token_index, ".cache/ecrctl/tokens.json"),
    (paths.token_secrets, ".cache/ecrctl/token-secrets.json"),
    (paths.completion_cache, ".cache/ecrctl/completion"),
    (lambda: paths.endpoints_cache("k1"), ".cache/ecrctl/endpoints-k1.json"),
    (paths.docker_config_dir, ".docker"),
    (paths.docker_config_file, ".docker/config.json"),
    (paths.aws_config_file, ".aws/config"),
    (paths.aws_credentials_file, ".aws/credentials"),
]


@pytest.fixture
def bare_home(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """HOME alone: no XDG, DOCKER_CONFIG, ECRCTL_CONFIG or AWS file variables."""
    for name in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME", "DOCKER_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    for name in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "ECRCTL_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    return isolated


@pytest.mark.parametrize(("path", "under_home"), DEFAULTS)
def test_defaults_are_under_home(
    bare_home: Path, path: Callable[[], Path], under_home: str
) -> None:
    assert path() == bare_home / under_home


@pytest.mark.parametrize("value", [None, "", "relative/run"])
def test_no_runtime_dir_unless_an_absolute_one_is_set(
    bare_home: Path, monkeypatch: pytest.MonkeyPatch, value: str | None
) -> None:
    if value is None:
        monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    else:
        monkeypatch.setenv("XDG_RUNTIME_DIR", value)
    assert paths.runtime_dir() is None


@pytest.mark.parametrize(
    ("variable", "value", "path", "expected"),
    [
        ("XDG_CONFIG_HOME", "/x", paths.ecrctl_config_file, "/x/ecrctl/config.toml"),
        ("XDG_STATE_HOME", "/x", paths.login_records, "/x/ecrctl/logins.json"),
        ("XDG_CACHE_HOME", "/x", paths.token_index, "/x/ecrctl/tokens.json"),
        ("ECRCTL_CONFIG", "~/my.toml", paths.ecrctl_config_file, "HOME/my.toml"),
        ("DOCKER_CONFIG", "~/d", paths.docker_config_file, "HOME/d/config.json"),
        ("AWS_CONFIG_FILE", "/a/c", paths.aws_config_file, "/a/c"),
        ("AWS_SHARED_CREDENTIALS_FILE", "~/k", paths.aws_credentials_file, "HOME/k"),
        ("XDG_CACHE_HOME", "", paths.cache_home, "HOME/.cache/ecrctl"),  # empty: unset
        ("XDG_RUNTIME_DIR", "/run/user/7", paths.runtime_dir, "/run/user/7"),
    ],
)
def test_each_override_is_read_when_asked(
    bare_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
    value: str,
    path: Callable[[], Path],
    expected: str,
) -> None:
    monkeypatch.setenv(variable, value)
    assert path() == Path(expected.replace("HOME", str(bare_home)))


def test_override_for_names_the_setting_that_moves_a_path(bare_home: Path) -> None:
    assert paths.override_for(paths.ecrctl_config_file()) == "ECRCTL_CONFIG / XDG_CONFIG_HOME"
    assert paths.override_for(paths.config_home() / "x") == "ECRCTL_CONFIG / XDG_CONFIG_HOME"
    assert paths.override_for(paths.docker_config_file()) == "DOCKER_CONFIG"
    assert paths.override_for(paths.docker_config_dir()) == "DOCKER_CONFIG"
    assert paths.override_for(paths.login_records()) == "XDG_STATE_HOME"
    assert paths.override_for(paths.state_home()) == "XDG_STATE_HOME"
    assert paths.override_for(paths.completion_cache() / "a.json") == "XDG_CACHE_HOME"
    assert paths.override_for("/etc/elsewhere") == "HOME"


def test_path_failure_names_the_file_the_reason_and_the_setting(bare_home: Path) -> None:
    records = str(paths.login_records())
    error = PermissionError(13, "Permission denied", records)
    assert paths.path_failure(error) == (
        f"cannot use {records}: permission denied; check the path and its permissions, "
        "or point XDG_STATE_HOME elsewhere"
    )
    assert paths.path_failure(OSError("no filename")) is None
