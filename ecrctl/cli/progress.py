"""Drawing push/pull progress: rich bars per layer on a terminal, plain lines
when stderr is not a terminal (each layer's states once, and the bytes so far at
most every ``ECRCTL_PROGRESS_INTERVAL`` seconds), nothing with -q."""

from __future__ import annotations

import os
import re
import sys
import time
from dataclasses import replace
from types import TracebackType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ecrctl.cli.app import App
    from ecrctl.image.transfer import TransferEvent

# statuses that repeat with byte counts; printed once per layer in plain mode
BYTE_STATUSES = {"Pushing", "Downloading", "Extracting"}
LAYER_ID = re.compile(r"[0-9a-f]{12}")
FINISHED = {
    "Pushed",
    "Layer already exists",
    "Mounted from",
    "Pull complete",
    "Already exists",
    "Download complete",
}
LAYER_DONE = FINISHED - {"Download complete"}  # a pulled layer is extracted next

INTERVAL_VARIABLE = "ECRCTL_PROGRESS_INTERVAL"
DEFAULT_INTERVAL = 10.0  # seconds between two plain lines of bytes so far


def progress_interval() -> float:
    """Seconds between two plain lines of bytes so far (``ECRCTL_PROGRESS_INTERVAL``)."""
    from ecrctl.errors import InvalidInput

    value = os.environ.get(INTERVAL_VARIABLE, "").strip()
    if not value:
        return DEFAULT_INTERVAL
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds < float("inf"):
        raise InvalidInput(
            f"{INTERVAL_VARIABLE}={value!r} is not a number of seconds above 0",
            hint=f"set it to e.g. {DEFAULT_INTERVAL:g}, or unset it",
        )
    return seconds


def byte_progress(app: App, *, transient: bool) -> Any:
    """A started rich display of byte transfers on stderr: one bar per task."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

    from ecrctl.cli.render import console

    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        console=console(app, stderr=True),
        transient=transient,
    )
    progress.start()
    return progress


class ByteDisplay:
    """A context over a rich byte display (``_progress``, when one was started):
    leaving it stops the display."""

    _progress: Any = None

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()


class ProgressView(ByteDisplay):
    """A callback for :class:`ecrctl.image.transfer.TransferEvent` events."""

    def __init__(self, app: App, verb: str) -> None:
        self.verb = verb
        if app.out.quiet:
            self.mode = "quiet"
        elif sys.stderr.isatty():
            self.mode = "rich"
        else:
            self.mode = "plain"
        self._seen: set[tuple[str | None, str]] = set()
        self._tasks: dict[str, Any] = {}
        self._sizes: dict[str, tuple[int, int]] = {}
        self._finished: set[str] = set()  # layers pushed, pulled or already there
        self._progress: Any = None
        self._overall: Any = None
        self._app = app
        self._interval = progress_interval() if self.mode == "plain" else DEFAULT_INTERVAL
        self._said_at = time.monotonic()  # when bytes so far were last said (plain)

    def __enter__(self) -> ProgressView:
        if self.mode == "rich":
            self._progress = byte_progress(self._app, transient=False)
            self._overall = self._progress.add_task(f"{self.verb} (overall)", total=None)
        return self

    def __call__(self, event: TransferEvent) -> None:
        if self.mode == "quiet":
            return
        if event.layer is None and event.status.startswith("Status: "):
            # docker's closing line names the image, which the command prints on stdout
            event = replace(event, status=event.status.split(" for ", 1)[0])
        if self.mode == "plain":
            self._plain(event)
        else:
            self._rich(event)

    def _plain(self, event: TransferEvent) -> None:
        if event.layer and LAYER_ID.fullmatch(event.layer):
            self._count(event.layer, event)
        key = (event.layer, event.status)
        if event.status in BYTE_STATUSES and key in self._seen:
            self._say_bytes()
            return
        self._seen.add(key)
        size = f" ({event.total} bytes)" if event.total else ""
        prefix = f"{event.layer}: " if event.layer else ""
        sys.stderr.write(f"{prefix}{event.status}{size}\n")

    def _say_bytes(self) -> None:
        """A line of the bytes so far, once ``_interval`` seconds have passed since the
        last: a long transfer without a terminal is not silent between its layers."""
        now = time.monotonic()
        if now - self._said_at < self._interval:
            return
        self._said_at = now
        known = [s for s in self._sizes.values() if s[1]]
        done, total = sum(d for d, _ in known), sum(t for _, t in known)
        sys.stderr.write(
            f"{self.verb}: {done / 1e6:.1f} of {total / 1e6:.1f} MB, "
            f"{len(self._finished)} of {len(self._sizes)} layers done\n"
        )

    def _count(self, layer: str, event: TransferEvent) -> None:
        """``layer``'s bytes done and its size, as the events so far tell."""
        done, total = self._sizes.get(layer, (0, 0))
        if event.total:
            total = event.total
        if event.current is not None:
            done = event.current
        if any(event.status.startswith(s) for s in FINISHED):
            done = total or done
        if any(event.status.startswith(s) for s in LAYER_DONE):
            self._finished.add(layer)
        self._sizes[layer] = (done, total)

    def _rich(self, event: TransferEvent) -> None:
        progress = self._progress
        if not event.layer or not LAYER_ID.fullmatch(event.layer):
            progress.console.print(event.status)
            return
        layer = event.layer
        if layer not in self._tasks:
            self._tasks[layer] = progress.add_task(f"{layer} {event.status}", total=None)
        task = self._tasks[layer]
        self._count(layer, event)
        done, total = self._sizes[layer]
        progress.update(
            task,
            description=f"{layer} {event.status}",
            completed=done,
            total=total or None,
        )
        known = [s for s in self._sizes.values() if s[1]]
        progress.update(
            self._overall,
            completed=sum(d for d, _ in known),
            total=sum(t for _, t in known) or None,
        )
