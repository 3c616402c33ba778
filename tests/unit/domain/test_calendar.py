"""Working-time maths: half-day boundaries at 09:00 and 13:00 local, across DST and odd weeks."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.calendar import (
    MON_FRI,
    add_working_days,
    boundaries_after,
    format_working_days,
    is_working_day,
    parse_working_days,
)

LONDON = "Europe/London"
NEW_YORK = "America/New_York"


def local(tz: str, *args: int) -> datetime:
    """A local wall-clock time, as the UTC instant the functions take and return."""
    return datetime(*args, tzinfo=ZoneInfo(tz)).astimezone(UTC)


# 2026-03-10 is a Tuesday.
@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, (2026, 3, 10, 13)),
        (2, (2026, 3, 11, 9)),
        (3, (2026, 3, 11, 13)),
        (4, (2026, 3, 12, 9)),
        (7, (2026, 3, 13, 13)),
        (8, (2026, 3, 16, 9)),  # Fri afternoon -> Mon morning
    ],
)
def test_boundaries_after_tuesday_late_morning(count: int, expected: tuple[int, ...]) -> None:
    start = local(LONDON, 2026, 3, 10, 11)
    assert boundaries_after(start, count, tz=LONDON, working_days=MON_FRI) == local(
        LONDON, *expected
    )


def test_result_is_utc() -> None:
    result = boundaries_after(local(LONDON, 2026, 7, 7, 11), 1, tz=LONDON, working_days=MON_FRI)
    assert result.utcoffset() == timedelta(0)
    assert result == datetime(2026, 7, 7, 12, tzinfo=UTC)  # 13:00 BST


def test_a_start_exactly_on_a_boundary_does_not_count() -> None:
    start = local(LONDON, 2026, 3, 10, 13)
    assert boundaries_after(start, 1, tz=LONDON, working_days=MON_FRI) == local(
        LONDON, 2026, 3, 11, 9
    )


def test_before_nine_the_same_morning_counts() -> None:
    start = local(LONDON, 2026, 3, 10, 8, 59)
    assert boundaries_after(start, 1, tz=LONDON, working_days=MON_FRI) == local(
        LONDON, 2026, 3, 10, 9
    )


def test_friday_afternoon_to_monday_morning() -> None:
    start = local(LONDON, 2026, 3, 13, 14)
    assert boundaries_after(start, 1, tz=LONDON, working_days=MON_FRI) == local(
        LONDON, 2026, 3, 16, 9
    )


def test_weekend_start_waits_for_monday() -> None:
    start = local(LONDON, 2026, 3, 14, 10)  # Saturday
    assert boundaries_after(start, 2, tz=LONDON, working_days=MON_FRI) == local(
        LONDON, 2026, 3, 16, 13
    )


def test_count_zero_is_the_start_itself() -> None:
    start = local(LONDON, 2026, 3, 14, 10, 17)
    assert boundaries_after(start, 0, tz=LONDON, working_days=MON_FRI) == start


@pytest.mark.parametrize(
    ("tz", "start", "expected_utc"),
    [
        # London: BST starts Sun 29 Mar 2026 (GMT -> UTC+1) and ends Sun 25 Oct 2026.
        (LONDON, (2026, 3, 27, 14), datetime(2026, 3, 30, 8, tzinfo=UTC)),
        (LONDON, (2026, 10, 23, 14), datetime(2026, 10, 26, 9, tzinfo=UTC)),
        # New York: EDT starts Sun 8 Mar 2026, ends Sun 1 Nov 2026.
        (NEW_YORK, (2026, 3, 6, 14), datetime(2026, 3, 9, 13, tzinfo=UTC)),
        (NEW_YORK, (2026, 10, 30, 14), datetime(2026, 11, 2, 14, tzinfo=UTC)),
    ],
)
def test_nine_stays_nine_across_dst(
    tz: str, start: tuple[int, ...], expected_utc: datetime
) -> None:
    result = boundaries_after(local(tz, *start), 1, tz=tz, working_days=MON_FRI)
    assert result == expected_utc
    assert result.astimezone(ZoneInfo(tz)).time() == time(9)


def test_boundaries_on_a_dst_sunday_for_a_sun_thu_set() -> None:
    sun_thu = frozenset({6, 0, 1, 2, 3})
    start = local(NEW_YORK, 2026, 3, 7, 12)  # Saturday, EST
    first = boundaries_after(start, 1, tz=NEW_YORK, working_days=sun_thu)
    second = boundaries_after(start, 2, tz=NEW_YORK, working_days=sun_thu)
    assert first == datetime(2026, 3, 8, 13, tzinfo=UTC)  # 09:00 EDT on the change day
    assert second == datetime(2026, 3, 8, 17, tzinfo=UTC)  # 13:00 EDT


def test_ten_working_days_across_the_london_spring_change() -> None:
    start = local(LONDON, 2026, 3, 23, 9)  # Monday 09:00 GMT
    result = add_working_days(start, 10, tz=LONDON, working_days=MON_FRI)
    assert result == local(LONDON, 2026, 4, 6, 9)
    assert result == datetime(2026, 4, 6, 8, tzinfo=UTC)


def test_single_working_day_week() -> None:
    wednesdays = frozenset({2})
    start = local(NEW_YORK, 2026, 3, 11, 14)  # Wednesday afternoon
    assert boundaries_after(start, 1, tz=NEW_YORK, working_days=wednesdays) == local(
        NEW_YORK, 2026, 3, 18, 9
    )
    assert boundaries_after(start, 3, tz=NEW_YORK, working_days=wednesdays) == local(
        NEW_YORK, 2026, 3, 25, 9
    )


def test_add_working_days_is_two_half_days_per_day() -> None:
    start = local(LONDON, 2026, 3, 10, 11)
    assert add_working_days(start, 3, tz=LONDON, working_days=MON_FRI) == boundaries_after(
        start, 6, tz=LONDON, working_days=MON_FRI
    )


def test_rejects_bad_input() -> None:
    start = local(LONDON, 2026, 3, 10, 11)
    with pytest.raises(ValueError, match="at least one working day"):
        boundaries_after(start, 1, tz=LONDON, working_days=frozenset())
    with pytest.raises(ValueError, match="0 \\(Mon\\) to 6"):
        boundaries_after(start, 1, tz=LONDON, working_days=frozenset({7}))
    with pytest.raises(ValueError, match="timezone-aware"):
        boundaries_after(datetime(2026, 3, 10, 11), 1, tz=LONDON, working_days=MON_FRI)
    with pytest.raises(ValueError, match="count"):
        boundaries_after(start, -1, tz=LONDON, working_days=MON_FRI)
    with pytest.raises(ValueError, match="Unknown time zone"):
        boundaries_after(start, 1, tz="Mars/Olympus_Mons", working_days=MON_FRI)


def test_is_working_day() -> None:
    assert is_working_day(date(2026, 3, 13), MON_FRI)  # Friday
    assert not is_working_day(date(2026, 3, 14), MON_FRI)  # Saturday
    assert is_working_day(date(2026, 3, 15), frozenset({6}))  # Sunday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mon-fri", {0, 1, 2, 3, 4}),
        ("Mon-Fri", {0, 1, 2, 3, 4}),
        ("monday - friday", {0, 1, 2, 3, 4}),
        ("mon,tue,thu", {0, 1, 3}),
        ("Mon, Wed, Fri", {0, 2, 4}),
        ("mon wed fri", {0, 2, 4}),
        ("sun-thu", {6, 0, 1, 2, 3}),
        ("mon-wed, fri", {0, 1, 2, 4}),
        ("weekdays", {0, 1, 2, 3, 4}),
        ("every day", set(range(7))),
        ("thurs", {3}),
        ("sat-sun", {5, 6}),
    ],
)
def test_parse_working_days(text: str, expected: set[int]) -> None:
    assert parse_working_days(text) == frozenset(expected)


@pytest.mark.parametrize("text", ["", "   ", "funday", "mon-fri-sat", "mon--fri", "1-5"])
def test_parse_working_days_rejects_nonsense(text: str) -> None:
    with pytest.raises(ValueError):
        parse_working_days(text)


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        ({0, 1, 2, 3, 4}, "Mon-Fri"),
        ({0, 2, 4}, "Mon, Wed, Fri"),
        ({6, 0, 1, 2, 3}, "Sun-Thu"),
        ({0, 1, 2, 4}, "Mon-Wed, Fri"),
        ({0, 1}, "Mon, Tue"),
        ({5, 6}, "Sat, Sun"),
        ({3}, "Thu"),
        (set(range(7)), "Mon-Sun"),
    ],
)
def test_format_working_days(days: set[int], expected: str) -> None:
    assert format_working_days(frozenset(days)) == expected


def test_format_rejects_empty() -> None:
    with pytest.raises(ValueError):
        format_working_days(frozenset())


working_day_sets = st.frozensets(st.integers(0, 6), min_size=1)


@given(working_day_sets)
def test_format_then_parse_round_trips(days: frozenset[int]) -> None:
    assert parse_working_days(format_working_days(days)) == days


zones = st.sampled_from([LONDON, NEW_YORK, "Asia/Kolkata", "Australia/Sydney", "UTC"])
starts = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
)


@given(starts, st.integers(0, 40), zones, working_day_sets)
def test_boundaries_compose_and_land_on_working_boundaries(
    start: datetime, count: int, tz: str, days: frozenset[int]
) -> None:
    result = boundaries_after(start, count + 1, tz=tz, working_days=days)
    # One more boundary after the count-th is the (count+1)-th: counting is consistent.
    assert result == boundaries_after(
        boundaries_after(start, count, tz=tz, working_days=days), 1, tz=tz, working_days=days
    )
    assert result > start
    local_result = result.astimezone(ZoneInfo(tz))
    assert local_result.time() in {time(9), time(13)}
    assert local_result.weekday() in days
