"""Which endpoint each service's client gets, from the one client factory: its own
(botocore's precedence, compared with botocore's own resolution), or an emulator's
ECR endpoint, never AWS's real one by accident; and a policy write works with only
the ECR endpoint reachable (the lock-out pre-check says it was skipped)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import backends
import pytest

from ecrctl.aws.clients import Aws
from ecrctl.aws.settings import AwsSettings
from ecrctl.errors import InvalidInput

BIN = Path(sys.executable).parent


EMULATOR = "http://127.0.0.1:5000"
OWN = "http://127.0.0.1:6000"
VPC_ENDPOINT = "https://vpce-0abc-d1.api.ecr.us-east-1.vpce.amazonaws.com"

CONFIG = f"""\
[profile global]
endpoint_url = http://127.0.0.1:7001

[profile svc]
services = local

[profile both]
services = local
endpoint_url = http://127.0.0.1:7002

[profile quiet]
endpoint_url = http://127.0.0.1:7003
ignore_configured_endpoint_urls = true

[profile vpce]
services = vpce

[services local]
ecr =
  endpoint_url = http://127.0.0.1:7004
sts =
  endpoint_url = http://127.0.0.1:7005
service_quotas =
  endpoint_url = http://127.0.0.1:7006
cloudwatch_logs =
  endpoint_url = http://127.0.0.1:7007

[services vpce]
ecr =
  endpoint_url = {VPC_ENDPOINT}
"""


def aws_host(name: str) -> str:
    return f"https://{name}.us-east-1.amazonaws.com"


@dataclass
class Row:
    name: str
    service: str
    expected: str  # the endpoint of ecrctl's client
    env: dict[str, str] = field(default_factory=dict)
    endpoint_url: str | None = None  # --endpoint-url
    lent: bool = False  # ECR's emulator endpoint: botocore alone would go to AWS


ECR_AT_EMULATOR = {"AWS_ENDPOINT_URL_ECR": EMULATOR}

ROWS = [
    Row("nothing set: AWS's own", "ecs", aws_host("ecs")),
    Row("ECR: --endpoint-url", "ecr", EMULATOR, endpoint_url=EMULATOR),
    Row("ECR: its variable", "ecr", EMULATOR, ECR_AT_EMULATOR),
    Row("ECR: the services section", "ecr", "http://127.0.0.1:7004", {"AWS_PROFILE": "svc"}),
    Row("ECR's emulator lent to ECS", "ecs", EMULATOR, ECR_AT_EMULATOR, lent=True),
    Row("ECR's emulator lent to Lambda", "lambda", EMULATOR, ECR_AT_EMULATOR, lent=True),
    Row("... to Service Quotas", "service-quotas", EMULATOR, ECR_AT_EMULATOR, lent=True),
    Row("... to ECR Public", "ecr-public", EMULATOR, ECR_AT_EMULATOR, lent=True),
    Row("... to STS", "sts", EMULATOR, ECR_AT_EMULATOR, lent=True),
    Row("... to S3", "s3", EMULATOR, ECR_AT_EMULATOR, lent=True),
    Row("... to IAM", "iam", EMULATOR, ECR_AT_EMULATOR, lent=True),
    Row("--endpoint-url's emulator lent", "ecs", EMULATOR, endpoint_url=EMULATOR, lent=True),
    Row(
        "the service's own variable",
        "service-quotas",
        OWN,
        {**ECR_AT_EMULATOR, "AWS_ENDPOINT_URL_SERVICE_QUOTAS": OWN},
    ),
    Row(
        "EventBridge's variable is botocore's service id",
        "events",
        OWN,
        {**ECR_AT_EMULATOR, "AWS_ENDPOINT_URL_EVENTBRIDGE": OWN},
    ),
    Row(
        "AWS_ENDPOINT_URL_EVENTS is no variable of botocore's",
        "events",
        EMULATOR,
        {**ECR_AT_EMULATOR, "AWS_ENDPOINT_URL_EVENTS": OWN},
        lent=True,
    ),
    Row(
        "CloudWatch Logs' variable",
        "logs",
        OWN,
        {**ECR_AT_EMULATOR, "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS": OWN},
    ),
    Row("AWS_ENDPOINT_URL", "lambda", OWN, {**ECR_AT_EMULATOR, "AWS_ENDPOINT_URL": OWN}),
    Row("the profile's endpoint_url", "ecs", "http://127.0.0.1:7001", {"AWS_PROFILE": "global"}),
    Row(
        "the profile's endpoint_url beats a lent emulator",
        "service-quotas",
        "http://127.0.0.1:7001",
        {**ECR_AT_EMULATOR, "AWS_PROFILE": "global"},
    ),
    Row("a services section: STS", "sts", "http://127.0.0.1:7005", {"AWS_PROFILE": "svc"}),
    Row(
        "a services section: Service Quotas",
        "service-quotas",
        "http://127.0.0.1:7006",
        {"AWS_PROFILE": "svc"},
    ),
    Row(
        "a services section, by botocore's service id",
        "logs",
        "http://127.0.0.1:7007",
        {"AWS_PROFILE": "svc"},
    ),
    Row(
        "a service the section does not name: ECR's emulator from it",
        "ecs",
        "http://127.0.0.1:7004",
        {"AWS_PROFILE": "svc"},
        lent=True,
    ),
    Row(
        "the services section beats the profile's endpoint_url",
        "sts",
        "http://127.0.0.1:7005",
        {"AWS_PROFILE": "both"},
    ),
    Row(
        "the profile's endpoint_url where the section names no endpoint",
        "ecs",
        "http://127.0.0.1:7002",
        {"AWS_PROFILE": "both"},
    ),
    Row(
        "the environment beats the services section",
        "sts",
        OWN,
        {"AWS_PROFILE": "svc", "AWS_ENDPOINT_URL_STS": OWN},
    ),
    Row("an ECR VPC endpoint is never lent", "sts", aws_host("sts"), endpoint_url=VPC_ENDPOINT),
    Row(
        "an ECR VPC endpoint from a services section is never lent",
        "ecs",
        aws_host("ecs"),
        {"AWS_PROFILE": "vpce"},
    ),
    Row(
        "nor a dual-stack AWS endpoint",
        "ecs",
        aws_host("ecs"),
        endpoint_url="https://ecr.us-east-1.api.aws",
    ),
    Row(
        "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: --endpoint-url is still lent",
        "ecs",
        EMULATOR,
        {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true", "AWS_ENDPOINT_URL_ECS": OWN},
        endpoint_url=EMULATOR,
        lent=True,
    ),
    Row(
        "the profile ignores configured endpoints",
        "ecs",
        aws_host("ecs"),
        {"AWS_PROFILE": "quiet", "AWS_ENDPOINT_URL": OWN},
    ),
    Row(
        "botocore reads only 'true' as true: ECR's emulator",
        "ecr",
        EMULATOR,
        {**ECR_AT_EMULATOR, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "1"},
    ),
    Row(
        "botocore reads only 'true' as true: lent",
        "lambda",
        EMULATOR,
        {**ECR_AT_EMULATOR, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "1"},
        lent=True,
    ),
]


@pytest.fixture
def aws_config(isolated: Path) -> Path:
    config = Path(os.environ["AWS_CONFIG_FILE"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(CONFIG)
    return config


def botocore_endpoint(service: str, endpoint_url: str | None = None) -> str:
    """The endpoint botocore's own session gives ``service``'s client."""
    import botocore.session

    client = botocore.session.Session().create_client(service, endpoint_url=endpoint_url)
    return str(client.meta.endpoint_url)


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
def test_each_service_gets_its_endpoint(
    row: Row, aws_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in row.env.items():
        monkeypatch.setenv(name, value)
    aws = Aws(AwsSettings(endpoint_url=row.endpoint_url))
    assert aws.client(row.service).meta.endpoint_url == row.expected
    ecr_option = row.endpoint_url if row.service == "ecr" else None
    botocore_said = botocore_endpoint(row.service, ecr_option)
    if row.lent:
        assert aws.lent_endpoint(row.service) == row.expected
        assert ".amazonaws.com" in botocore_said  # botocore alone: AWS's real endpoint
    else:
        assert aws.lent_endpoint(row.service) is None
        assert botocore_said == row.expected


@pytest.mark.parametrize(
    ("service", "variable"),
    [
        ("events", "AWS_ENDPOINT_URL_EVENTBRIDGE"),
        ("logs", "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS"),
        ("scheduler", "AWS_ENDPOINT_URL_SCHEDULER"),
        ("sagemaker", "AWS_ENDPOINT_URL_SAGEMAKER"),
        ("batch", "AWS_ENDPOINT_URL_BATCH"),
        ("cloudtrail", "AWS_ENDPOINT_URL_CLOUDTRAIL"),
        ("ec2", "AWS_ENDPOINT_URL_EC2"),
        ("s3", "AWS_ENDPOINT_URL_S3"),
        ("iam", "AWS_ENDPOINT_URL_IAM"),
        ("sts", "AWS_ENDPOINT_URL_STS"),
        ("service-quotas", "AWS_ENDPOINT_URL_SERVICE_QUOTAS"),
        ("ecr-public", "AWS_ENDPOINT_URL_ECR_PUBLIC"),
    ],
)
def test_endpoint_variables_are_named_by_botocores_service_id(
    service: str, variable: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(variable, OWN)
    assert botocore_endpoint(service) == OWN  # the variable botocore reads
    aws = Aws(AwsSettings(endpoint_url=EMULATOR))
    assert aws.configured_endpoint(service) == (OWN, variable)
    assert aws.client(service).meta.endpoint_url == OWN


@pytest.mark.parametrize(
    ("env", "origin"),
    [
        ({"AWS_ENDPOINT_URL_SERVICE_QUOTAS": "quotas.local"}, "AWS_ENDPOINT_URL_SERVICE_QUOTAS"),
        ({"AWS_ENDPOINT_URL": "quotas.local"}, "AWS_ENDPOINT_URL"),
    ],
)
def test_a_bad_endpoint_of_any_service_is_named(
    env: dict[str, str], origin: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(InvalidInput, match=rf"'quotas.local' \(from {origin}\)"):
        Aws(AwsSettings(endpoint_url=EMULATOR)).client("service-quotas")


def test_a_bad_endpoint_in_a_services_section_is_named(aws_config: Path) -> None:
    aws_config.write_text(
        "[profile odd]\nservices = odd\n[services odd]\nlambda =\n  endpoint_url = fn.local\n"
    )
    with pytest.raises(InvalidInput, match=r"'fn.local' \(from services odd\)"):
        Aws(AwsSettings(profile="odd")).client("lambda")


def test_timeouts_per_client() -> None:
    aws = Aws(AwsSettings(max_attempts=3))
    assert aws.sts.meta.config.read_timeout == 10
    assert aws.sts.meta.config.connect_timeout == 10
    assert aws.ecr.meta.config.read_timeout == 60  # botocore's
    quick = aws.client("lambda", timeout=1.5)
    assert (quick.meta.config.connect_timeout, quick.meta.config.read_timeout) == (1.5, 1.5)
    assert quick.meta.config.retries["total_max_attempts"] == 3


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
    assert json.loads(json.loads(stored.stdout)["policyText"])["Statement"][0]["Sid"] == "Pull"
