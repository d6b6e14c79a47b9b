"""The CLI's context: how to present results, and the AWS side of the command.

Built once by the root group (``obj=`` in tests). Presentation settings stay
here, in the CLI; the core receives ``app.aws`` (an :class:`~ecrctl.aws.clients.Aws`)
or a client, never this object. Nothing heavy is imported at module level.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from ecrctl.aws.clients import Aws
from ecrctl.aws.settings import AwsSettings

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient

    from ecrctl.login.registries import Registries


@dataclass
class Output:
    """The presentation options: ``-o``, ``--query``, ``--no-color``, ``-q``, ``--debug``."""

    output: str = "table"
    query: str | None = None
    debug: bool = False
    color: bool = True
    quiet: bool = False

    @property
    def json(self) -> bool:
        return self.output == "json" or self.query is not None

    @property
    def as_table(self) -> bool:
        """Whether the data is drawn as a table: ``-o table`` and no ``--query``."""
        return self.output == "table" and self.query is None


@dataclass(eq=False)
class App:
    """What every command receives: the AWS settings, the output options, the clients."""

    settings: AwsSettings = field(default_factory=AwsSettings)
    out: Output = field(default_factory=Output)

    @cached_property
    def aws(self) -> Aws:
        """Built on first use, after every option has been parsed."""
        return Aws(self.settings)

    @cached_property
    def registries(self) -> Registries:
        """Who serves each registry host, answered once for the command."""
        from ecrctl.login.registries import Registries

        return Registries.of(self.aws)

    @property
    def ecr(self) -> ECRClient:
        return self.aws.ecr

    @property
    def registry_id(self) -> str | None:
        return self.settings.registry_id

    @property
    def region(self) -> str:
        return self.aws.region
