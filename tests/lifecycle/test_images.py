"""Loading images from describe-images JSON and DescribeImages results."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecrctl.errors import InvalidInput
from ecrctl.lifecycle.images import Image, from_details, iso, load_images_json, parse_time

T = 1_700_000_000.0  # 2023-11-14T22:13:20Z


@pytest.mark.parametrize(
    "value",
    [
        "2023-11-14T22:13:20+00:00",
        "2023-11-14T22:13:20Z",
        "2023-11-14T22:13:20",  # naive: UTC
        "2023-11-15T07:13:20+09:00",
        "2023-11-14T14:13:20-08:00",  # the AWS CLI v2 prints local offsets
        " 2023-11-14T22:13:20Z ",
        1_700_000_000,
        1_700_000_000.0,
        "1700000000",
        "1700000000.0",
        datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC),
        datetime(2023, 11, 15, 7, 13, 20, tzinfo=timezone(timedelta(hours=9))),
    ],
)
def test_push_times_in_every_form_aws_prints(value: object) -> None:
    assert parse_time(value, "x") == T


@pytest.mark.parametrize("value", ["yesterday", "", None, True, [], "2023-13-01T00:00:00Z"])
def test_bad_times_name_the_place(value: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_time(value, "imageDetails[3].imagePushedAt")
    assert caught.value.one_line() == (
        f"imageDetails[3].imagePushedAt: {value!r} is not a time; "
        "give ISO 8601 (2024-05-01T12:00:00Z) or epoch seconds"
    )


@given(st.floats(min_value=0, max_value=4e9, allow_nan=False))
def test_iso_is_datetime_isoformat(epoch: float) -> None:
    assert iso(epoch) == datetime.fromtimestamp(epoch, UTC).isoformat()


def test_load_describe_images_output() -> None:
    text = json.dumps(
        {
            "imageDetails": [
                {
                    "registryId": "123456789012",
                    "repositoryName": "app",
                    "imageDigest": "sha256:aa",
                    "imageTags": ["v1", "latest"],
                    "imageSizeInBytes": 10,
                    "imagePushedAt": "2023-11-14T22:13:20+00:00",
                    "lastRecordedPullTime": 1_700_000_100.5,
                },
                {"imageDigest": "sha256:bb", "imagePushedAt": 1_600_000_000},
                {
                    "imageDigest": "sha256:cc",
                    "imagePushedAt": "1500000000",
                    "imageStatus": "ARCHIVED",
                    "lastArchivedAt": "2023-01-01T00:00:00Z",
                },
            ]
        }
    )
    assert load_images_json(text) == [
        Image("sha256:aa", ("v1", "latest"), T, 1_700_000_100.5),
        Image("sha256:bb", (), 1_600_000_000.0),
        Image("sha256:cc", (), 1_500_000_000.0, None, 1_672_531_200.0, "archive"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("nope", "images file is not valid JSON (line 1, column 1: Expecting value)"),
        ("[]", 'images file has no "imageDetails" list; save it with: aws ecr describe-images'),
        ('{"imageDetails": [3]}', "imageDetails[0]: expected an object, got int"),
        ('{"imageDetails": [{"imagePushedAt": 1}]}', "imageDetails[0].imageDigest: missing"),
        (
            '{"imageDetails": [{"imageDigest": "sha256:a"}]}',
            "imageDetails[0].imagePushedAt: missing",
        ),
        (
            '{"imageDetails": [{"imageDigest": "sha256:a", "imagePushedAt": 1, "imageTags": [1]}]}',
            "imageDetails[0].imageTags: expected a list of strings",
        ),
        (
            '{"imageDetails": [{"imageDigest": "sha256:a", "imagePushedAt": 1, '
            '"imageTags": "v1"}]}',
            "imageDetails[0].imageTags: expected a list of strings",
        ),
        (
            '{"imageDetails": [{"imageDigest": "sha256:a", "imagePushedAt": 1},'
            ' {"imageDigest": "sha256:a", "imagePushedAt": 2}]}',
            "imageDetails[1].imageDigest: sha256:a is also imageDetails[0]; list every image once",
        ),
    ],
)
def test_malformed_images_files(text: str, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        load_images_json(text)
    assert caught.value.one_line().startswith(message)


def test_from_describe_images_api_results() -> None:
    pushed = datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    images = from_details([{"imageDigest": "sha256:a", "imagePushedAt": pushed}])
    assert images == [Image("sha256:a", (), T)]
    assert images[0].short_digest == "sha256:a"
