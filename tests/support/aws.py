"""An :class:`~ecrctl.cli.app.App` whose ECR client is one the test made (usually under
botocore's Stubber), for what moto cannot answer."""

from __future__ import annotations

from typing import Any

from ecrctl.aws.settings import AwsSettings
from ecrctl.cli.app import App


def app_with_ecr(client: Any, settings: AwsSettings | None = None) -> App:
    """An App whose commands use ``client`` as their ECR client."""
    app = App(settings or AwsSettings())
    app.aws.__dict__["ecr"] = client  # the lazily built client, replaced before first use
    return app
