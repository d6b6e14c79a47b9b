"""Which endpoint each service's client gets (its own, or an emulator's ECR endpoint,
never AWS's real one by accident), and a policy write works with only the ECR
endpoint reachable (the lock-out pre-check says it was skipped)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import backends
import pytest

from ecrctl.aws.clients import Aws
from ecrctl.aws.settings import AwsSettings
from ecrctl.errors import InvalidInput

BIN = Path(sys.executable).parent


EMULATOR = "http://127.0.0.1:5000"


@pytest.mark.parametrize(
    ("ecr_endpoint", "env", "service", "lent"),
    [
        (EMULATOR, {}, "sts", EMULATOR),  # an emulator serves every service
        (EMULATOR, {}, "ecr-public", EMULATOR),
        (EMULATOR, {"AWS_ENDPOINT_URL_STS": "http://127.0.0.1:6000"}, "sts", None),
        (
            EMULATOR,
            {"AWS_ENDPOINT_URL_SERVICE_QUOTAS": "http://127.0.0.1:6000"},
            "service-quotas",
            None,
        ),
        (EMULATOR, {"AWS_ENDPOINT_URL": "http://127.0.0.1:6000"}, "lambda", None),
        # an ECR-only VPC endpoint says nothing about where STS is
        ("https://vpce-1.api.ecr.eu-west-1.vpce.amazonaws.com", {}, "sts", None),
        (None, {}, "sts", None),
    ],
)
def test_lent_endpoint(
    ecr_endpoint: str | None,
    env: dict[str, str],
    service: str,
    lent: str | None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    aws = Aws(AwsSettings(region="eu-west-1", endpoint_url=ecr_endpoint))
    assert aws.lent_endpoint(service) == lent


def test_clients_use_the_lent_endpoint() -> None:
    aws = Aws(AwsSettings(region="eu-west-1", endpoint_url=EMULATOR))
    assert aws.sts.meta.endpoint_url == EMULATOR
    assert aws.client("ecs").meta.endpoint_url == EMULATOR
    real = Aws(AwsSettings(region="eu-west-1"))
    assert real.sts.meta.endpoint_url == "https://sts.eu-west-1.amazonaws.com"


@pytest.mark.parametrize("variable", ["AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"])
def test_sts_uses_its_own_endpoint_settings(monkeypatch: pytest.MonkeyPatch, variable: str) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_ECR", "http://127.0.0.1:1")
    monkeypatch.setenv(variable, "http://127.0.0.1:2")
    assert Aws(AwsSettings()).sts.meta.endpoint_url == "http://127.0.0.1:2"


def test_a_bad_sts_endpoint_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", "sts.local")
    with pytest.raises(InvalidInput, match=r"'sts.local' \(from AWS_ENDPOINT_URL_STS\)"):
        Aws(AwsSettings()).sts  # noqa: B018


def test_policy_set_with_only_ecr_reachable(moto_url: str, tmp_path: Path) -> None:
    closed = backends.free_port()  # nothing listens there
    policy = tmp_path / "p.json"
    policy.write_text(
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "Pull",
                        "Effect": "Allow",
                        "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                        "Action": ["ecr:DescribeImages"],
                    }
                ],
            }
        )
    )
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL_ECR": moto_url,
        "AWS_ENDPOINT_URL_STS": f"http://127.0.0.1:{closed}",
    }

    def ecrctl(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(BIN / "ecrctl"), *args], env=env, capture_output=True, text=True, timeout=60
        )

    assert ecrctl("repo", "create", "team/app").returncode == 0
    done = ecrctl("policy", "repo", "set", "team/app", str(policy))
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [
        "ecrctl: warning: policy: lock-out check: skipped: cannot reach STS at "
        f"http://127.0.0.1:{closed} to learn who you are; ECR's own lock-out check still "
        "applies (set AWS_ENDPOINT_URL_STS to check here)"
    ]
    stored = ecrctl("policy", "repo", "get", "team/app", "-o", "json")
    assert json.loads(stored.stdout)["Statement"][0]["Sid"] == "Pull"
