"""Drawing push/pull progress: rich bars per layer on a terminal, plain lines
when stderr is not a terminal, nothing with -q."""

from __future__ import annotations

import re
import sys
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
        self._progress: Any = None
        self._overall: Any = None
        self._app = app

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
        key = (event.layer, event.status)
        if event.status in BYTE_STATUSES and key in self._seen:
            return
        self._seen.add(key)
        size = f" ({event.total} bytes)" if event.total else ""
        prefix = f"{event.layer}: " if event.layer else ""
        sys.stderr.write(f"{prefix}{event.status}{size}\n")

    def _rich(self, event: TransferEvent) -> None:
        progress = self._progress
        if not event.layer or not LAYER_ID.fullmatch(event.layer):
            progress.console.print(event.status)
            return
        layer = event.layer
        if layer not in self._tasks:
            self._tasks[layer] = progress.add_task(f"{layer} {event.status}", total=None)
        task = self._tasks[layer]
        done, total = self._sizes.get(layer, (0, 0))
        if event.total:
            total = event.total
        if event.current is not None:
            done = event.current
        if any(event.status.startswith(s) for s in FINISHED):
            done = total or done
        self._sizes[layer] = (done, total)
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
