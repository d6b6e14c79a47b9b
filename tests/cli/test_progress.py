"""Push/pull progress drawing: rich bars on a terminal, plain lines otherwise."""

from __future__ import annotations

import io
import sys

import pytest

from ecrctl.cli.app import App, Output
from ecrctl.cli.progress import ProgressView
from ecrctl.image.transfer import TransferEvent
from tests.support.cli import Terminal

EVENTS = [
    TransferEvent("a1b2c3d4e5f6", "Preparing"),
    TransferEvent("a1b2c3d4e5f6", "Pushing", 1_000_000, 4_000_000),
    TransferEvent("a1b2c3d4e5f6", "Pushing", 3_000_000, 4_000_000),
    TransferEvent("0f0f0f0f0f0f", "Layer already exists"),
    TransferEvent("a1b2c3d4e5f6", "Pushed"),
    TransferEvent(None, "v1: digest: sha256:" + "ab" * 32 + " size: 527"),
]


def _run(monkeypatch: pytest.MonkeyPatch, stream: io.StringIO, quiet: bool = False) -> str:
    monkeypatch.setattr(sys, "stderr", stream)
    with ProgressView(App(out=Output(quiet=quiet)), "push") as view:
        for event in EVENTS:
            view(event)
    return stream.getvalue()


def test_plain_lines_once_per_layer_state(monkeypatch: pytest.MonkeyPatch) -> None:
    out = _run(monkeypatch, io.StringIO())
    assert out.splitlines() == [
        "a1b2c3d4e5f6: Preparing",
        "a1b2c3d4e5f6: Pushing (4000000 bytes)",
        "0f0f0f0f0f0f: Layer already exists",
        "a1b2c3d4e5f6: Pushed",
        "v1: digest: sha256:" + "ab" * 32 + " size: 527",
    ]


def test_quiet_prints_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _run(monkeypatch, Terminal(), quiet=True) == ""


def test_terminal_gets_bars_with_bytes_and_overall(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    out = _run(monkeypatch, Terminal())
    assert "a1b2c3d4e5f6 Pushed" in out
    assert "push (overall)" in out
    assert "4.0/4.0 MB" in out  # a finished layer counts in full
    assert "digest: sha256:" in out
