"""The client factory: the trimmed service loader and the timestamp parser."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from ecrctl.app import Settings
from ecrctl.aws import make_client, make_session, parse_timestamp


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

    settings = Settings(region="us-east-1")
    session = make_session(settings)
    assert make_client(session, "ecr", settings).meta.service_model.service_name == "ecr"
    assert make_client(session, "sts", settings).meta.service_model.service_name == "sts"
    with pytest.raises(UnknownServiceError):
        session.create_client("no-such-service")


def test_response_times_come_back_aware(ecr: object, cli: object) -> None:
    from ecrctl.app import App

    app = App(Settings(region="us-east-1"))
    app.ecr.create_repository(repositoryName="app")
    created = app.ecr.describe_repositories()["repositories"][0]["createdAt"]
    assert created.tzinfo is not None
    assert abs((datetime.now(UTC) - created).total_seconds()) < 60
