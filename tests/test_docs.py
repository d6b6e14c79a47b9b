"""The documentation: generated files are fresh and every command is documented."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gen_docs
import pytest

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "docs" / "reference.md"


@pytest.mark.parametrize("path", sorted(gen_docs.generated()), ids=lambda p: p.name)
def test_committed_file_is_current(path: Path) -> None:
    expected = gen_docs.generated()[path]
    assert path.exists(), f"{path.relative_to(ROOT)} is missing: run python scripts/gen_docs.py"
    assert path.read_text(encoding="utf-8") == expected, (
        f"{path.relative_to(ROOT)} is stale: run python scripts/gen_docs.py"
    )


def test_the_reference_is_generated() -> None:
    assert REFERENCE in gen_docs.generated()


def test_check_reports_a_stale_reference(tmp_path: Path, monkeypatch: Any, capsys: Any) -> None:
    stale = tmp_path / "docs" / "reference.md"
    stale.parent.mkdir()
    stale.write_text("# Command reference\n\nout of date\n", encoding="utf-8")
    monkeypatch.setattr(gen_docs, "ROOT", tmp_path)
    monkeypatch.setattr(gen_docs, "REFERENCE", stale)
    monkeypatch.setattr(gen_docs, "completion_files", dict)
    assert gen_docs.main(["--check"]) == 1
    assert capsys.readouterr().out == "stale: docs/reference.md\n"
    assert stale.read_text(encoding="utf-8") == "# Command reference\n\nout of date\n"
    assert gen_docs.main([]) == 0
    assert gen_docs.main(["--check"]) == 0


def test_reference_lists_every_command_with_its_help() -> None:
    reference = REFERENCE.read_text(encoding="utf-8")
    contexts = list(gen_docs.walk())
    assert len(contexts) > 30
    for ctx in contexts:
        assert f"## `{ctx.command_path}`" in reference, ctx.command_path
        assert f"(#{ctx.command_path.replace(' ', '-')})" in reference, ctx.command_path
        assert (ctx.command.get_short_help_str(limit=60)).rstrip(".")[:40] in reference


@pytest.mark.parametrize("ctx", list(gen_docs.walk()), ids=lambda c: c.command_path)
def test_every_command_has_help_and_an_example(ctx: Any) -> None:
    command = ctx.command
    assert (command.help or "").strip(), f"{ctx.command_path} has no help text"
    assert "Example" in (command.epilog or ""), f"{ctx.command_path} has no example"
    assert "ecrctl" in (command.epilog or "")
