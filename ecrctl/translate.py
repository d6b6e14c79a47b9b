"""The one translation point: any exception to an ecrctl error, by the library it came from.

botocore's go to :mod:`ecrctl.aws.errors`, docker-py's (and requests') to
:mod:`ecrctl.docker_engine`, keyring's to a one-line keyring failure, a file
that cannot be read or written to a line naming it (exit 1). ``None``
means the exception is a bug: the caller reports it as unexpected.
"""

from __future__ import annotations

from ecrctl.errors import EcrctlError, Interrupted, ServiceError


def translate(
    exc: BaseException, *, region: str | None = None, profile: str | None = None
) -> EcrctlError | None:
    """An ecrctl error for ``exc``, or ``None`` when it is a bug."""
    if isinstance(exc, EcrctlError):
        return exc
    if isinstance(exc, KeyboardInterrupt):
        return Interrupted("interrupted")
    module = type(exc).__module__
    if module.startswith(("botocore", "boto3")):
        from ecrctl.aws.errors import translate_botocore_error

        return translate_botocore_error(exc, region=region, profile=profile)
    if module.startswith(("docker", "requests", "urllib3")):
        from ecrctl.docker_engine import translate_docker_error

        return translate_docker_error(exc)
    if module.startswith(("keyring", "jeepney", "secretstorage")):
        return ServiceError(f"keyring failed: {exc}", hint="retry with --no-cache")
    if isinstance(exc, OSError):
        from ecrctl.paths import path_failure

        message = path_failure(exc)
        return EcrctlError(message) if message else None
    return None


def expected(exc: BaseException, *, region: str | None = None) -> EcrctlError:
    """Like :func:`translate`, for a place where any failure is an expected one."""
    return translate(exc, region=region) or ServiceError(f"{type(exc).__name__}: {exc}")
