"""Which reflection times can be due at an instant: coarse (any zone) and per-zone windows."""

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.domain.reflection_schedule import reflection_due_at
from bot.domain.reflection_windows import (
    HourSpan,
    coarse_spans,
    due_windows,
    hour_spans,
    is_due,
    reply_week,
    snoozed_until,
)

FRIDAY = 4
NEW_YORK = "America/New_York"
LONDON = "Europe/London"
KOLKATA = "Asia/Kolkata"


def test_hour_spans_split_per_day_and_wrap_around_the_week() -> None:
    assert hour_spans(20, 27) == (HourSpan(0, 20, 23), HourSpan(1, 0, 3))
    assert hour_spans(-2, 1) == (HourSpan(6, 22, 23), HourSpan(0, 0, 1))
    assert len(hour_spans(0, 500)) == 7


def test_a_friday_afternoon_is_in_the_window_until_a_day_later_and_not_after() -> None:
    due = reflection_due_at(date(2026, 3, 2), weekday=FRIDAY, hour=15, tz=LONDON)
    for offset in (timedelta(0), timedelta(minutes=14), timedelta(hours=23, minutes=59)):
        (window,) = due_windows(due + offset, LONDON)
        assert window.contains(FRIDAY, 15) and window.week_start == date(2026, 3, 2)
        assert is_due(due, due + offset)
    assert not any(w.contains(FRIDAY, 15) for w in due_windows(due - timedelta(minutes=1), LONDON))
    assert not is_due(due, due + timedelta(hours=24))  # stale: skipped, not sent late


def test_early_in_the_week_the_late_tail_belongs_to_last_week() -> None:
    # Monday 02:00 in London: Sunday 20:00 is still due, and keeps last week's key.
    this_week, last_week = due_windows(datetime(2026, 3, 9, 2, tzinfo=UTC), LONDON)
    assert this_week.week_start == date(2026, 3, 9) and this_week.contains(0, 1)
    assert last_week.week_start == date(2026, 3, 2) and last_week.contains(6, 20)


@pytest.mark.parametrize("tz", [NEW_YORK, LONDON, KOLKATA, "Pacific/Kiritimati", "Etc/GMT+12", "Asia/Kathmandu"])
@pytest.mark.parametrize("hours_after", [0, 1, 7, 23])
def test_every_zone_window_lies_inside_the_coarse_window(tz: str, hours_after: int) -> None:
    """The cheap 'anything due anywhere?' check never hides a prompt that is due in some zone."""
    # Across the US (8 March) and UK (29 March) spring-forward weekends of 2026.
    for week in (date(2026, 3, 2), date(2026, 3, 23), date(2026, 10, 19)):
        for weekday, hour in ((FRIDAY, 15), (6, 2), (0, 0), (6, 23)):
            due = reflection_due_at(week, weekday=weekday, hour=hour, tz=tz)
            now = due + timedelta(hours=hours_after)
            windows = due_windows(now, tz)
            assert any(w.contains(weekday, hour) and w.week_start == week for w in windows)
            assert any(s.contains(weekday, hour) for s in coarse_spans(now))


def test_the_coarse_window_is_narrow_enough_to_skip_most_of_the_week() -> None:
    spans = coarse_spans(datetime(2026, 3, 11, 3, tzinfo=UTC))  # Wednesday 03:00 UTC
    assert sum(s.last_hour - s.first_hour + 1 for s in spans) == 53  # of 168 hours
    assert not any(s.contains(FRIDAY, 15) for s in spans)


def test_dst_change_keeps_the_local_hour() -> None:
    # New York springs forward on 8 March 2026: 15:00 local is 20:00 UTC before, 19:00 UTC after.
    before = reflection_due_at(date(2026, 3, 2), weekday=FRIDAY, hour=15, tz=NEW_YORK)
    after = reflection_due_at(date(2026, 3, 9), weekday=FRIDAY, hour=15, tz=NEW_YORK)
    assert (before.hour, after.hour) == (20, 19)
    (window,) = due_windows(after, NEW_YORK)
    assert window.contains(FRIDAY, 15) and window.week_start == date(2026, 3, 9)


def test_snoozing_skips_next_weeks_prompt_only() -> None:
    until = snoozed_until(date(2026, 3, 2))
    assert until == date(2026, 3, 15)  # the Sunday of next week
    assert date(2026, 3, 9) <= until < date(2026, 3, 16)


def test_a_monday_answer_to_fridays_prompt_counts_for_fridays_week() -> None:
    now = datetime(2026, 3, 9, 9, tzinfo=UTC)
    friday = datetime(2026, 3, 6, 15, tzinfo=UTC)
    this_week = date(2026, 3, 9)
    assert reply_week(this_week, prompted_this_week=False, last_week_prompted_at=friday, now_utc=now) == date(2026, 3, 2)
    assert reply_week(this_week, prompted_this_week=True, last_week_prompted_at=friday, now_utc=now) == this_week
    late = now + timedelta(days=3)
    assert reply_week(this_week, prompted_this_week=False, last_week_prompted_at=friday, now_utc=late) == this_week
    assert reply_week(this_week, prompted_this_week=False, last_week_prompted_at=None, now_utc=now) == this_week
