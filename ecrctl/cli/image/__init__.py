"""``ecrctl image``: list, show, retag, delete, push, pull, copy and inspect.

One module per core module: ``query`` (list, show), ``retag``, ``delete`` and
``transfer`` (push, pull), ``copy`` and ``inspect`` (through the registry API),
each loaded only when its command runs.
"""

from __future__ import annotations

from ecrctl.cli.common import group
from ecrctl.cli.examples import examples

COMMANDS = {
    "list": "ecrctl.cli.image.query:list_",
    "show": "ecrctl.cli.image.query:show",
    "retag": "ecrctl.cli.image.retag:retag",
    "delete": "ecrctl.cli.image.delete:delete",
    "push": "ecrctl.cli.image.transfer:push",
    "pull": "ecrctl.cli.image.transfer:pull",
    "copy": "ecrctl.cli.image.copy:copy",
    "inspect": "ecrctl.cli.image.inspect:inspect",
    "history": "ecrctl.cli.image.history:history",
    "scan": "ecrctl.cli.image.scan:scan",
    "findings": "ecrctl.cli.image.scan:findings",
}


@group("image", lazy=COMMANDS, epilog=examples("image"))
def image() -> None:
    """List, inspect, retag, delete, push, pull and copy images."""
