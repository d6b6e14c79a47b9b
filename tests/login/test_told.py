"""The token cache's notices told once: remembered in the runtime dir, else the state
dir; forgotten when the cache has nothing to tell; told every time where nothing can
be remembered."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecrctl import paths
from ecrctl.login.told import forget, tell_once


def told(*notices: str) -> list[str]:
    said: list[str] = []
    for notice in notices:
        tell_once(notice, said.append)
    return said


def test_a_notice_is_told_once_until_forgotten() -> None:
    assert told("a", "a", "b", "a", "b") == ["a", "b"]
    forget()
    assert told("b", "b") == ["b"]


def test_the_runtime_dir_holds_them_else_the_state_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    told("in the state dir")
    assert paths.told_notices() == paths.state_home() / "told.json"
    assert paths.told_notices().exists()
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "run"))
    assert told("in the state dir") == ["in the state dir"]  # another session
    assert (tmp_path / "run" / "ecrctl" / "told.json").exists()
    forget()
    assert not (tmp_path / "run" / "ecrctl" / "told.json").exists()


def test_where_nothing_can_be_remembered_it_is_told_every_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (scratch := tmp_path / "scratch").mkdir()
    blocked = scratch / "file"
    blocked.write_text("")
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(blocked))  # not a directory
    assert told("x", "x") == ["x", "x"]
    assert [p.name for p in scratch.iterdir()] == ["file"]  # no spare file left
