"""``ecrctl completion install``: the completion script written where each shell
loads it, its directory created: bash-completion's user directory and fish's load
it with no configuration; zsh loads it from a directory on ``fpath``, which the one
line :attr:`Installed.then` names adds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ecrctl import paths


@dataclass(frozen=True)
class Installed:
    shell: str
    path: Path
    directory_created: bool
    then: str | None  # what is left to do by hand, if anything

    def to_json(self) -> dict[str, Any]:
        return {
            "shell": self.shell,
            "path": str(self.path),
            "directoryCreated": self.directory_created,
            "then": self.then,
        }


def install(shell: str, script: str) -> Installed:
    """Write ``script`` (``shell``'s completion script) where ``shell`` loads it."""
    from ecrctl.atomicfile import write_atomic

    path = paths.completion_script(shell)
    created = not path.parent.is_dir()
    write_atomic(path, script.encode())
    return Installed(shell, path, created, zsh_fpath_step(path) if shell == "zsh" else None)


def zsh_fpath_step(path: Path) -> str | None:
    """The line that puts ``path``'s directory on zsh's fpath, unless ``.zshrc``
    already names that directory."""
    home = Path.home()
    directory = path.parent
    shown = f"~/{directory.relative_to(home)}" if directory.is_relative_to(home) else str(directory)
    zshrc = paths.zsh_dotdir() / ".zshrc"
    try:
        text = zshrc.read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    if shown in text or str(directory) in text:
        return None
    return f"add this line to {zshrc} before compinit: fpath=({shown} $fpath)"
