"""Which store the token cache uses: the mode asked for (ECRCTL_TOKEN_CACHE, else
config.toml's token_cache, else auto) and, in auto, the first store that works."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecrctl.errors import InvalidInput
from ecrctl.login.token_store import check_mode, choose, fact_of, wanted_mode


@pytest.mark.parametrize(
    ("value", "mode"),
    [("auto", "auto"), (" Kernel ", "kernel"), ("FILE", "file"), ("off", "off")],
)
def test_modes_are_read_case_blind(value: str, mode: str) -> None:
    assert check_mode(value, "ECRCTL_TOKEN_CACHE") == mode


def test_an_unknown_mode_names_the_value_and_the_choices() -> None:
    with pytest.raises(InvalidInput) as info:
        check_mode("disk", "ECRCTL_TOKEN_CACHE")
    line = info.value.one_line()
    assert "ECRCTL_TOKEN_CACHE 'disk' is not a token cache" in line
    assert "auto" in line and "kernel" in line and info.value.exit_code == 2


def test_the_variable_wins_over_the_config_which_is_then_not_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[bool] = []

    def config() -> str | None:
        asked.append(True)
        return "file"

    monkeypatch.setenv("ECRCTL_TOKEN_CACHE", "kernel")
    assert wanted_mode(config) == ("kernel", "ECRCTL_TOKEN_CACHE")
    assert asked == []
    monkeypatch.delenv("ECRCTL_TOKEN_CACHE")
    assert wanted_mode(config) == ("file", "token_cache in ecrctl's config")
    assert wanted_mode(lambda: None) == ("auto", "the default")


def test_fact_of_drops_the_consequence() -> None:
    assert fact_of("no OS keyring: tokens are not cached; set x") == "no OS keyring"


def test_file_mode_keeps_tokens_in_the_cache_dir(tmp_path: Path) -> None:
    chosen = choose("file", tmp_path / "index.json")
    assert chosen.store is not None and chosen.reason == ""
    assert "token-secrets.json" in chosen.store.where()


def test_kernel_mode_uses_this_kernels_user_keyring(tmp_path: Path) -> None:
    chosen = choose("kernel", tmp_path / "index.json")
    assert chosen.store is not None, chosen.reason
    assert "kernel" in chosen.store.where()
