"""Dates typed by members for `/als away until <date>`."""

from datetime import UTC, date, datetime

import pytest

from bot.domain.dates import DateParseError, ensure_future, local_today, parse_user_date

WEDNESDAY = date(2026, 3, 11)
FRIDAY = date(2026, 3, 13)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2027-01-10", date(2027, 1, 10)),
        ("2026-3-2", date(2026, 3, 2)),  # ISO-ish; past dates are the caller's business
        ("today", WEDNESDAY),
        ("Tomorrow", date(2026, 3, 12)),
        ("  TOMORROW. ", date(2026, 3, 12)),
        ("monday", date(2026, 3, 16)),
        ("Mon", date(2026, 3, 16)),
        ("next monday", date(2026, 3, 16)),
        ("wednesday", date(2026, 3, 18)),  # strictly after today
        ("next wednesday", date(2026, 3, 18)),
        ("this wednesday", WEDNESDAY),  # the coming one: today
        ("this friday", FRIDAY),
        ("friday", FRIDAY),
        ("thurs", date(2026, 3, 12)),
        ("in 3 days", date(2026, 3, 14)),
        ("in 1 day", date(2026, 3, 12)),
        ("in 2 weeks", date(2026, 3, 25)),
        ("in a week", date(2026, 3, 18)),
        ("in two weeks", date(2026, 3, 25)),
        ("10 days", date(2026, 3, 21)),
        ("jan 10", date(2027, 1, 10)),  # already past this year: next year
        ("10 jan", date(2027, 1, 10)),
        ("january 10", date(2027, 1, 10)),
        ("10th of January", date(2027, 1, 10)),
        ("March 11", WEDNESDAY),  # today is its next occurrence
        ("mar 12th", date(2026, 3, 12)),
        ("sept 1", date(2026, 9, 1)),
        ("1 September 2027", date(2027, 9, 1)),
        ("Jan 10, 2028", date(2028, 1, 10)),
        ("feb 29", date(2028, 2, 29)),  # the next leap day
        ("until friday", FRIDAY),
        ("on 2027-01-10", date(2027, 1, 10)),
    ],
)
def test_parse_user_date(text: str, expected: date) -> None:
    assert parse_user_date(text, today=WEDNESDAY) == expected


def test_this_friday_on_a_friday_is_today_and_friday_is_next_week() -> None:
    assert parse_user_date("this friday", today=FRIDAY) == FRIDAY
    assert parse_user_date("friday", today=FRIDAY) == date(2026, 3, 20)
    assert parse_user_date("next friday", today=FRIDAY) == date(2026, 3, 20)


def test_year_end_rollover() -> None:
    new_years_eve = date(2026, 12, 31)
    assert parse_user_date("tomorrow", today=new_years_eve) == date(2027, 1, 1)
    assert parse_user_date("jan 2", today=new_years_eve) == date(2027, 1, 2)
    assert parse_user_date("dec 31", today=new_years_eve) == new_years_eve
    assert parse_user_date("monday", today=new_years_eve) == date(2027, 1, 4)


@pytest.mark.parametrize("text", ["10/01/2027", "01/10/2027", "10.01.2027", "10-01-2027", "3/4"])
def test_numeric_day_month_is_refused_as_ambiguous(text: str) -> None:
    with pytest.raises(DateParseError, match="two different days") as caught:
        parse_user_date(text, today=WEDNESDAY)
    assert "2027-01-10" in str(caught.value)


@pytest.mark.parametrize(
    "text",
    ["", "   ", "soon", "next week", "someday", "in many days", "2027-02-30", "feb 30", "13 smarch",
     "in 99999 days", "the day after tomorrow"],
)
def test_unreadable_dates_list_the_accepted_forms(text: str) -> None:
    with pytest.raises(DateParseError) as caught:
        parse_user_date(text, today=WEDNESDAY)
    assert isinstance(caught.value, ValueError)
    if "too far" not in str(caught.value):
        assert "next monday" in str(caught.value) and "in 3 days" in str(caught.value)


def test_ensure_future() -> None:
    assert ensure_future(date(2026, 3, 12), WEDNESDAY) == date(2026, 3, 12)
    with pytest.raises(DateParseError, match="not in the future"):
        ensure_future(WEDNESDAY, WEDNESDAY)
    with pytest.raises(DateParseError):
        ensure_future(date(2026, 3, 1), WEDNESDAY)
    assert ensure_future(WEDNESDAY, WEDNESDAY, allow_today=True) == WEDNESDAY


@pytest.mark.parametrize(
    ("now", "tz", "expected"),
    [
        (datetime(2026, 3, 11, 3, tzinfo=UTC), "America/New_York", date(2026, 3, 10)),
        (datetime(2026, 3, 11, 3, tzinfo=UTC), "Europe/London", date(2026, 3, 11)),
        (datetime(2026, 3, 10, 19, tzinfo=UTC), "Asia/Kolkata", date(2026, 3, 11)),  # 00:30 IST
        (datetime(2026, 3, 10, 18, 29, tzinfo=UTC), "Asia/Kolkata", date(2026, 3, 10)),
        (datetime(2026, 3, 10, 11, tzinfo=UTC), "Pacific/Kiritimati", date(2026, 3, 11)),  # UTC+14
    ],
)
def test_local_today(now: datetime, tz: str, expected: date) -> None:
    assert local_today(now, tz) == expected


def test_local_today_rejects_naive_and_unknown_zones() -> None:
    with pytest.raises(ValueError):
        local_today(datetime(2026, 3, 11, 3), "Europe/London")
    with pytest.raises(ValueError):
        local_today(datetime(2026, 3, 11, 3, tzinfo=UTC), "Nowhere/Special")
