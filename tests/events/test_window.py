"""The window of an events query: ``--since`` and ``--until`` as durations before
``now`` or ISO 8601 dates and times (UTC when no offset is given), the 90 days by
default, and what a bad value or an empty window says. Pure: ``now`` is given."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from ecrctl.errors import InvalidInput
from ecrctl.events.window import DEFAULT_DAYS, Window, cloudtrail_time, parse_bound, window

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7d", NOW - timedelta(days=7)),
        ("12h", NOW - timedelta(hours=12)),
        ("30m", NOW - timedelta(minutes=30)),
        ("2w", NOW - timedelta(weeks=2)),
        ("2024-05-01", datetime(2024, 5, 1, tzinfo=UTC)),
        ("2024-05-01T12:30", datetime(2024, 5, 1, 12, 30, tzinfo=UTC)),
        ("2024-05-01T12:30:00Z", datetime(2024, 5, 1, 12, 30, tzinfo=UTC)),
        ("2024-05-01T14:30:00+02:00", datetime(2024, 5, 1, 12, 30, tzinfo=UTC)),
    ],
)
def test_durations_and_dates(text: str, expected: datetime) -> None:
    assert parse_bound(text, NOW, option="--since") == expected


@pytest.mark.parametrize("text", ["7 days", "yesterday", "7y", "-3d", "2024-13-01", ""])
def test_bad_times_name_the_value_and_the_forms(text: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_bound(text, NOW, option="--since")
    assert f"invalid --since {text!r}" in raised.value.one_line()
    assert "7d" in raised.value.one_line()


def test_the_default_window_is_90_days_and_since_after_until_is_refused() -> None:
    default = window(None, None, NOW)
    assert (default.since, default.until) == (NOW - timedelta(days=90), NOW)
    with pytest.raises(InvalidInput, match="is after --until"):
        window("1d", "2d", NOW)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90s", NOW - timedelta(seconds=90)),
        ("0d", NOW),
        ("999999m", NOW - timedelta(minutes=999999)),
        (" 7d ", NOW - timedelta(days=7)),  # surrounding blanks are dropped
        ("2024-05-01 12:30", datetime(2024, 5, 1, 12, 30, tzinfo=UTC)),
        ("2024-05-01T12:30:00-07:00", datetime(2024, 5, 1, 19, 30, tzinfo=UTC)),
    ],
)
def test_more_forms(text: str, expected: datetime) -> None:
    found = parse_bound(text, NOW, option="--until")
    assert found == expected
    assert found.tzinfo == UTC


@pytest.mark.parametrize("text", ["1000000m", "7D", "d7", "7dd"])
def test_only_the_durations_the_forms_name(text: str) -> None:
    with pytest.raises(InvalidInput, match=f"invalid --until {text!r}"):
        parse_bound(text, NOW, option="--until")


def test_a_window_from_both_ends() -> None:
    found = window("2024-05-01", "2024-05-02T06:00:00+02:00", NOW)
    assert found == Window(datetime(2024, 5, 1, tzinfo=UTC), datetime(2024, 5, 2, 4, tzinfo=UTC))
    assert window("7d", None, NOW) == Window(NOW - timedelta(days=7), NOW)
    assert window(None, "1d", NOW) == Window(NOW - timedelta(days=DEFAULT_DAYS), NOW - timedelta(1))
    assert window("1d", "1d", NOW).since == window("1d", "1d", NOW).until  # an instant


def test_since_after_until_names_both() -> None:
    with pytest.raises(InvalidInput) as raised:
        window("2024-05-02", "2024-05-01", NOW)
    assert raised.value.one_line() == (
        "--since 2024-05-02T00:00:00Z is after --until 2024-05-01T00:00:00Z; "
        "give an earlier --since or a later --until"
    )


def test_what_a_window_holds_and_its_json() -> None:
    found = Window(datetime(2024, 5, 1, tzinfo=UTC), datetime(2024, 5, 2, tzinfo=UTC))
    assert found.holds(datetime(2024, 5, 1, tzinfo=UTC))  # both ends included
    assert found.holds(datetime(2024, 5, 2, tzinfo=UTC))
    assert not found.holds(datetime(2024, 4, 30, 23, 59, 59, tzinfo=UTC))
    assert not found.holds(datetime(2024, 5, 2, 0, 0, 1, tzinfo=UTC))
    assert found.to_json() == {"since": "2024-05-01T00:00:00Z", "until": "2024-05-02T00:00:00Z"}


def test_times_are_written_in_utc_to_the_second() -> None:
    tokyo = timezone(timedelta(hours=9))
    assert (
        cloudtrail_time(datetime(2024, 5, 1, 9, 0, 0, 999999, tzinfo=tokyo))
        == "2024-05-01T00:00:00Z"
    )
