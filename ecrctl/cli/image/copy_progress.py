"""Progress of blob copies: a rich bar per blob on a terminal, nothing when
stderr is not a terminal or with -q (the summary line says what was moved)."""

from __future__ import annotations

import sys
import threading
from typing import TYPE_CHECKING, Any

from ecrctl.cli.progress import ByteDisplay, byte_progress

if TYPE_CHECKING:
    from ecrctl.cli.app import App
    from ecrctl.distribution.blobs import BlobEvent

_DONE_TEXT = {
    "copied": "copied",
    "mounted": "mounted",
    "exists": "already there",
    "failed": "FAILED",
}


class BlobProgress(ByteDisplay):
    """A callback for :class:`ecrctl.distribution.blobs.BlobEvent` (called from worker threads)."""

    def __init__(self, app: App) -> None:
        self._app = app
        self.enabled = not app.out.quiet and sys.stderr.isatty()
        self._progress: Any = None
        self._tasks: dict[str, Any] = {}
        self._lock = threading.Lock()

    def __enter__(self) -> BlobProgress:
        if self.enabled:
            self._progress = byte_progress(self._app, transient=True)
        return self

    def __call__(self, event: BlobEvent) -> None:
        if self._progress is None:
            return
        short = event.digest.split(":", 1)[-1][:12]
        with self._lock:
            task = self._tasks.get(event.digest)
            if task is None:
                task = self._progress.add_task(short, total=event.size or None)
                self._tasks[event.digest] = task
        status = _DONE_TEXT.get(event.status)
        self._progress.update(
            task,
            description=f"{short} {status or event.status}",
            completed=event.size if status and status != "FAILED" else event.done,
        )

    def item(self, item: str, status: str) -> None:
        """One image of a batch finished."""
        if self._progress is not None:
            self._progress.console.print(f"{item}: {status}")
