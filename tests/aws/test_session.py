"""The botocore session and client constructor: the trimmed service loader and
endpoints, and the timestamp parser."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from ecrctl.aws.session import make_client, make_session, parse_timestamp
from ecrctl.aws.settings import AwsSettings, resolve


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (1700000000, datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
        (1700000000.5, datetime(2023, 11, 14, 22, 13, 20, 500000, tzinfo=UTC)),
        ("2026-11-28T09:30:00Z", datetime(2026, 11, 28, 9, 30, tzinfo=UTC)),
        ("2026-11-28T09:30:00", datetime(2026, 11, 28, 9, 30, tzinfo=UTC)),
        (
            "2026-11-28T09:30:00+09:00",
            datetime(2026, 11, 28, 9, 30, tzinfo=timezone(timedelta(hours=9))),
        ),
        ("Sat, 28 Nov 2026 09:30:00 GMT", datetime(2026, 11, 28, 9, 30, tzinfo=UTC)),
        ("1700000000", datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
    ],
)
def test_parse_timestamp(raw: object, expected: datetime) -> None:
    parsed = parse_timestamp(raw)
    assert parsed == expected
    assert parsed.tzinfo is not None


def test_service_loader_loads_ecr_and_sts_and_rejects_unknown_services() -> None:
    from botocore.exceptions import UnknownServiceError

    settings = resolve(AwsSettings(region="us-east-1"))
    session = make_session(settings)
    assert make_client(session, "ecr", settings).meta.service_model.service_name == "ecr"
    assert make_client(session, "sts", settings).meta.service_model.service_name == "sts"
    with pytest.raises(UnknownServiceError):
        session.create_client("no-such-service")


def test_response_times_come_back_aware(ecr: object, cli: object) -> None:
    from ecrctl.cli.app import App

    app = App(AwsSettings(region="us-east-1"))
    app.ecr.create_repository(repositoryName="app")
    created = app.ecr.describe_repositories()["repositories"][0]["createdAt"]
    assert created.tzinfo is not None
    assert abs((datetime.now(UTC) - created).total_seconds()) < 60


REGIONS = ["us-east-1", "eu-west-1", "ap-northeast-1", "cn-north-1", "us-gov-west-1"]
# the services ecrctl makes clients for, and global ones (IAM, S3 in us-east-1) that
# need their entry in the trimmed endpoints.json
SERVICES = (
    "ecr",
    "sts",
    "ecr-public",
    "ecs",
    "lambda",
    "service-quotas",
    "s3",
    "iam",
    "ec2",
    "cloudtrail",
    "logs",
    "events",
)


def _endpoints_seen(settings: AwsSettings) -> list[tuple[str, str, str, str]]:
    seen = []
    for region in REGIONS:
        settings.region = region
        resolved = resolve(settings)
        session = make_session(resolved)
        for service in SERVICES:
            client = make_client(session, service, resolved)
            signer = client._request_signer
            seen.append((region, service, client.meta.endpoint_url, signer.region_name))
    return seen


def test_trimmed_endpoints_resolve_exactly_as_botocore(isolated: Path) -> None:
    import botocore.session

    expected = []
    for region in REGIONS:
        plain = botocore.session.Session()
        plain.set_config_variable("region", region)
        for service in SERVICES:
            client = plain.create_client(service)
            signer = client._request_signer
            expected.append((region, service, client.meta.endpoint_url, signer.region_name))
    cache = isolated / ".cache" / "ecrctl"
    assert not list(cache.glob("endpoints-*.json"))
    assert _endpoints_seen(AwsSettings()) == expected  # from endpoints.json, writing the cache
    assert len(list(cache.glob("endpoints-*.json"))) == 1
    assert _endpoints_seen(AwsSettings()) == expected  # from the trimmed copy


def test_a_custom_data_path_is_used_as_it_is(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    import botocore

    data_path = isolated / "models"
    data_path.mkdir()
    endpoints = json.loads((Path(botocore.__file__).parent / "data" / "endpoints.json").read_text())
    (data_path / "endpoints.json").write_text(json.dumps(endpoints))
    monkeypatch.setenv("AWS_DATA_PATH", str(data_path))
    _endpoints_seen(AwsSettings())
    assert not list((isolated / ".cache" / "ecrctl").glob("endpoints-*.json"))
