"""What the tests expect of a failing command (one error line, no traceback), and a
stream that says it is a terminal."""

from __future__ import annotations

import io
from typing import Any


def one_line_error(result: Any, code: int, message: str) -> None:
    """``result`` exited ``code`` with one ``ecrctl: error:`` line containing ``message``."""
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.stderr.startswith("ecrctl: error: ")
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


class Terminal(io.StringIO):
    """A stream that says it is a terminal: rich draws its bars into it."""

    def isatty(self) -> bool:
        return True
