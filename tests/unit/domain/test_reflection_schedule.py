"""Weekly reflection timing in each member's own time zone, across DST changes."""

from datetime import UTC, date, datetime

import pytest

from bot.domain.reflection_schedule import reflection_due_at, week_start

FRIDAY = 4
SUNDAY = 6
NEW_YORK = "America/New_York"
LONDON = "Europe/London"
KOLKATA = "Asia/Kolkata"


@pytest.mark.parametrize(
    ("now", "tz", "expected"),
    [
        (datetime(2026, 3, 11, 12, tzinfo=UTC), LONDON, date(2026, 3, 9)),  # Wednesday
        (datetime(2026, 3, 9, 0, 30, tzinfo=UTC), LONDON, date(2026, 3, 9)),  # Monday 00:30
        (datetime(2026, 3, 9, 2, tzinfo=UTC), NEW_YORK, date(2026, 3, 2)),  # still Sunday in NY
        (datetime(2026, 3, 8, 20, tzinfo=UTC), KOLKATA, date(2026, 3, 9)),  # Monday 01:30 IST
        (datetime(2026, 3, 15, 23, 59, tzinfo=UTC), LONDON, date(2026, 3, 9)),  # Sunday night
        (datetime(2027, 1, 1, 12, tzinfo=UTC), LONDON, date(2026, 12, 28)),  # across new year
    ],
)
def test_week_start_is_the_local_monday(now: datetime, tz: str, expected: date) -> None:
    assert week_start(now, tz) == expected
    assert expected.weekday() == 0


@pytest.mark.parametrize(
    ("tz", "week", "expected_utc"),
    [
        # New York: EST (UTC-5) until Sun 8 Mar 2026, EDT (UTC-4) until Sun 1 Nov 2026.
        (NEW_YORK, date(2026, 3, 2), datetime(2026, 3, 6, 20, tzinfo=UTC)),
        (NEW_YORK, date(2026, 3, 9), datetime(2026, 3, 13, 19, tzinfo=UTC)),
        (NEW_YORK, date(2026, 10, 26), datetime(2026, 10, 30, 19, tzinfo=UTC)),
        (NEW_YORK, date(2026, 11, 2), datetime(2026, 11, 6, 20, tzinfo=UTC)),
        # London: GMT until Sun 29 Mar 2026, BST (UTC+1) until Sun 25 Oct 2026.
        (LONDON, date(2026, 3, 23), datetime(2026, 3, 27, 15, tzinfo=UTC)),
        (LONDON, date(2026, 3, 30), datetime(2026, 4, 3, 14, tzinfo=UTC)),
        (LONDON, date(2026, 10, 19), datetime(2026, 10, 23, 14, tzinfo=UTC)),
        (LONDON, date(2026, 10, 26), datetime(2026, 10, 30, 15, tzinfo=UTC)),
        # Kolkata: no DST, always UTC+5:30, even while the others change.
        (KOLKATA, date(2026, 3, 2), datetime(2026, 3, 6, 9, 30, tzinfo=UTC)),
        (KOLKATA, date(2026, 3, 9), datetime(2026, 3, 13, 9, 30, tzinfo=UTC)),
        (KOLKATA, date(2026, 10, 26), datetime(2026, 10, 30, 9, 30, tzinfo=UTC)),
        (KOLKATA, date(2026, 11, 2), datetime(2026, 11, 6, 9, 30, tzinfo=UTC)),
    ],
)
def test_friday_three_pm_local_across_dst(tz: str, week: date, expected_utc: datetime) -> None:
    due = reflection_due_at(week, weekday=FRIDAY, hour=15, tz=tz)
    assert due == expected_utc
    assert due.utcoffset() is not None and due.utcoffset().total_seconds() == 0


def test_on_the_change_day_itself() -> None:
    # Sunday 8 Mar 2026 in New York: 02:30 does not exist, it is sent at 03:30 EDT.
    gap = reflection_due_at(date(2026, 3, 2), weekday=SUNDAY, hour=2, minute=30, tz=NEW_YORK)
    assert gap == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)
    # Sunday 1 Nov 2026: 01:30 happens twice; the first (EDT) is used.
    twice = reflection_due_at(date(2026, 10, 26), weekday=SUNDAY, hour=1, minute=30, tz=NEW_YORK)
    assert twice == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    # 15:00 on the change day is plainly EDT.
    assert reflection_due_at(date(2026, 3, 2), weekday=SUNDAY, hour=15, tz=NEW_YORK) == datetime(
        2026, 3, 8, 19, tzinfo=UTC
    )


def test_week_start_round_trips_with_due_at() -> None:
    due = reflection_due_at(date(2026, 3, 9), weekday=FRIDAY, hour=15, tz=KOLKATA)
    assert week_start(due, KOLKATA) == date(2026, 3, 9)


def test_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="Monday"):
        reflection_due_at(date(2026, 3, 10), weekday=FRIDAY, hour=15, tz=LONDON)
    with pytest.raises(ValueError):
        reflection_due_at(date(2026, 3, 9), weekday=7, hour=15, tz=LONDON)
    with pytest.raises(ValueError):
        reflection_due_at(date(2026, 3, 9), weekday=FRIDAY, hour=24, tz=LONDON)
    with pytest.raises(ValueError):
        reflection_due_at(date(2026, 3, 9), weekday=FRIDAY, hour=15, tz="Not/AZone")
    with pytest.raises(ValueError):
        week_start(datetime(2026, 3, 9, 12), LONDON)
