"""Push/pull refusals and ``login --verify`` failures point at ``ecrctl doctor``."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecrctl.docker_engine import registry_error
from ecrctl.errors import AuthError
from tests.conftest import DockerBackends


@pytest.mark.parametrize(
    ("message", "action", "hint"),
    [
        ("no basic auth credentials", "push", "to see why: ecrctl doctor team/app"),
        ("name unknown: repository does not exist", "pull", "to see why: ecrctl doctor team/app"),
        ("blob upload invalid", "push", "to see why: ecrctl doctor team/app --push"),
        ("read: connection reset by peer", "pull", "to see why: ecrctl doctor team/app --pull"),
    ],
)
def test_registry_refusals_name_the_doctor(message: str, action: str, hint: str) -> None:
    error = registry_error(message, action=action, host="h", repository="team/app")
    assert error.one_line().endswith(hint)


def test_login_verify_rejected_names_the_doctor(docker_env: DockerBackends, tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from ecrctl.login.token import RegistryAuth
    from ecrctl.login.workflow import verify_with_engine

    auth = RegistryAuth(
        "123456789012", docker_env.registry, "https://x", "AWS", "wrong", datetime.now(UTC)
    )
    with pytest.raises(AuthError) as info:
        verify_with_engine([auth])
    assert info.value.one_line().endswith("nothing was stored; to see why: ecrctl doctor")
