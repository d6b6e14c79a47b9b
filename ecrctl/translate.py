"""Dispatch of any exception to the translator of the library it came from."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecrctl.errors import EcrctlError

if TYPE_CHECKING:
    from ecrctl.cli.app import App


def translate_any(app: App, exc: BaseException) -> EcrctlError | None:
    """An ecrctl error for ``exc``, or ``None`` when it is a bug."""
    if isinstance(exc, EcrctlError):
        return exc
    module = type(exc).__module__
    if module.startswith(("botocore", "boto3")):
        from ecrctl.aws.session import translate

        if "ecr" in app.__dict__:
            app.settings.extra.setdefault("resolved_region", app.__dict__["ecr"].meta.region_name)
        return translate(exc, app.settings)
    if module.startswith(("docker", "requests", "urllib3")):
        from ecrctl.registry.engine import translate as translate_docker

        return translate_docker(exc)
    if module.startswith(("keyring", "jeepney", "secretstorage")):
        from ecrctl.errors import ServiceError

        return ServiceError(f"keyring failed: {exc}", hint="retry with --no-cache")
    return None
