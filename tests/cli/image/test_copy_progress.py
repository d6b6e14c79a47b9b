"""Blob copy progress: a bar per blob on a terminal (its final state named), nothing when
stderr is not a terminal or with -q."""

from __future__ import annotations

import io
import sys

import pytest

from ecrctl.cli.app import App, Output
from ecrctl.cli.image.copy_progress import BlobProgress
from ecrctl.distribution.blobs import BlobEvent
from tests.support.cli import Terminal

A, B, C = ("sha256:" + c * 64 for c in "abc")


def _draw(monkeypatch: pytest.MonkeyPatch, stream: io.StringIO, quiet: bool = False) -> str:
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setattr(sys, "stderr", stream)
    with BlobProgress(App(out=Output(quiet=quiet))) as progress:
        progress(BlobEvent(A, 4_000_000, "copying", 1_000_000))
        progress(BlobEvent(A, 4_000_000, "copied", 1_000_000))
        progress(BlobEvent(B, 0, "mounted"))
        progress(BlobEvent(C, 10, "failed", 3))
        progress.item("team/app:1", "copied")
    return stream.getvalue()


def test_a_terminal_gets_a_bar_per_blob_with_its_end(monkeypatch: pytest.MonkeyPatch) -> None:
    out = _draw(monkeypatch, Terminal())
    assert "aaaaaaaaaaaa copied" in out
    assert "4.0/4.0 MB" in out  # a finished blob counts in full
    assert "bbbbbbbbbbbb mounted" in out
    assert "cccccccccccc FAILED" in out and "3/10 bytes" in out  # a failure keeps what it did
    assert "team/app:1: copied" in out


def test_no_terminal_or_quiet_draws_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _draw(monkeypatch, io.StringIO()) == ""
    assert _draw(monkeypatch, Terminal(), quiet=True) == ""
