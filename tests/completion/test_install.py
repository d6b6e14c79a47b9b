"""Where ``completion install`` writes each shell's script (the variables each
shell's loader honours), the directory it creates, and the one line zsh still needs
until ``.zshrc`` names the directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecrctl.completion.install import install


def test_bash_honours_bash_completion_s_own_variables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    done = install("bash", "script 1\n")
    assert done.path == tmp_path / "data" / "bash-completion" / "completions" / "ecrctl"
    assert (done.directory_created, done.then) == (True, None)
    again = install("bash", "script 2\n")
    assert again.directory_created is False
    assert again.path.read_text() == "script 2\n"
    monkeypatch.setenv("BASH_COMPLETION_USER_DIR", str(tmp_path / "own"))
    assert install("bash", "x").path == tmp_path / "own" / "completions" / "ecrctl"


def test_fish_goes_to_its_config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    done = install("fish", "x")
    assert done.path == tmp_path / "config" / "fish" / "completions" / "ecrctl.fish"
    assert done.to_json() == {
        "shell": "fish",
        "path": str(done.path),
        "directoryCreated": True,
        "then": None,
    }


def test_zsh_tells_the_fpath_line_until_zshrc_names_the_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ZDOTDIR", raising=False)
    home = Path.home()
    done = install("zsh", "x")
    assert done.path == home / ".zfunc" / "_ecrctl"
    line = f"add this line to {home / '.zshrc'} before compinit: fpath=(~/.zfunc $fpath)"
    assert done.then == line
    (home / ".zshrc").write_text("fpath=(~/.zfunc $fpath)\nautoload -U compinit; compinit\n")
    assert install("zsh", "x").then is None
    monkeypatch.setenv("ZDOTDIR", str(tmp_path / "zdot"))
    elsewhere = install("zsh", "x")
    assert elsewhere.path == tmp_path / "zdot" / ".zfunc" / "_ecrctl"
    assert elsewhere.then == (
        f"add this line to {tmp_path / 'zdot' / '.zshrc'} before compinit: "
        f"fpath=({tmp_path / 'zdot' / '.zfunc'} $fpath)"
    )
