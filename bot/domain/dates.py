"""Dates typed by people, as in `/als away until <date>`.

Only unambiguous forms are accepted: numeric day/month orders differ between members of the same
set (Slack Connect spans countries), so "10/01/2027" is refused rather than guessed.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from bot.domain.calendar import WEEKDAY_NUMBERS, ensure_aware, zone

ACCEPTED_FORMS = (
    'Try "2027-01-10", "today", "tomorrow", "friday", "next monday", "this friday", '
    '"in 3 days", "in 2 weeks", "jan 10" or "10 january".'
)
MAX_DAYS_AHEAD = 3660  # ten years: anything further is a typo, and date arithmetic stays in range

_WEEKDAYS = WEEKDAY_NUMBERS

_MONTHS: dict[str, int] = {}
for _number, _name in enumerate(
    (
        "january", "february", "march", "april", "may", "june", "july", "august", "september",
        "october", "november", "december",
    ),
    start=1,
):  # fmt: skip
    _MONTHS[_name] = _number
    _MONTHS[_name[:3]] = _number
_MONTHS["sept"] = 9

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NUMERIC_DAY_MONTH = re.compile(r"^\d{1,2}[/.\-]\d{1,2}(?:[/.\-]\d{2,4})?$")
_RELATIVE = re.compile(r"^(?:in )?(\d+|[a-z]+) (day|days|week|weeks)$")
_WEEKDAY = re.compile(r"^(?:(next|this|on) )?([a-z]+)$")
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?:,? (\d{4}))?"
_MONTH_FIRST = re.compile(rf"^([a-z]+)\.? {_DAY}{_YEAR}$")
_DAY_FIRST = re.compile(rf"^{_DAY}(?: of)? ([a-z]+)\.?{_YEAR}$")


class DateParseError(ValueError):
    """A date the bot cannot read; the message is safe to show to the member."""


def parse_user_date(text: str, *, today: date) -> date:
    """Read a date typed by a member, relative to their local `today`.

    Weekday names mean the next such day strictly after today ("monday" = "next monday");
    "this friday" is the coming Friday, today if it is Friday. Month-day forms mean their next
    occurrence, this year or next, unless a year is given. Past dates are not refused here
    (see ensure_future).
    """
    cleaned = re.sub(r"\s+", " ", text.strip().lower()).strip(" .!")
    cleaned = re.sub(r"^(?:until|till|til|on) ", "", cleaned)
    if not cleaned:
        raise DateParseError(f"Please give a date. {ACCEPTED_FORMS}")

    if match := _ISO.match(cleaned):
        year, month, day = (int(part) for part in match.groups())
        return _make_date(year, month, day, cleaned)
    if _NUMERIC_DAY_MONTH.match(cleaned):
        raise DateParseError(
            f'"{text.strip()}" could mean two different days depending on the country. '
            f"Please write it as 2027-01-10 or 10 jan. {ACCEPTED_FORMS}"
        )
    if cleaned == "today":
        return today
    if cleaned in {"tomorrow", "tmrw", "tmr"}:
        return today + timedelta(days=1)
    if match := _RELATIVE.match(cleaned):
        return _relative(match.group(1), match.group(2), today, text)
    if (match := _WEEKDAY.match(cleaned)) and match.group(2) in _WEEKDAYS:
        return _weekday(_WEEKDAYS[match.group(2)], match.group(1), today)
    if match := _MONTH_FIRST.match(cleaned):
        return _month_day(match.group(1), match.group(2), match.group(3), today, text)
    if match := _DAY_FIRST.match(cleaned):
        return _month_day(match.group(2), match.group(1), match.group(3), today, text)
    raise DateParseError(f'I couldn\'t read "{text.strip()}" as a date. {ACCEPTED_FORMS}')


def _make_date(year: int, month: int, day: int, shown: str) -> date:
    """A date, or a DateParseError naming what was typed."""
    try:
        return date(year, month, day)
    except ValueError:
        raise DateParseError(f'"{shown}" is not a day in the calendar. {ACCEPTED_FORMS}') from None


def _relative(amount: str, unit: str, today: date, text: str) -> date:
    """`today` plus "3 days" / "two weeks"."""
    if amount.isdigit():
        count = int(amount)
    elif amount in _NUMBER_WORDS:
        count = _NUMBER_WORDS[amount]
    else:
        raise DateParseError(f'I couldn\'t read "{text.strip()}" as a date. {ACCEPTED_FORMS}')
    days = count * (7 if unit.startswith("week") else 1)
    if days > MAX_DAYS_AHEAD:
        raise DateParseError("That is too far ahead: please pick a date within ten years.")
    return today + timedelta(days=days)


def _weekday(weekday: int, qualifier: str | None, today: date) -> date:
    """The next such weekday; "this" allows today itself."""
    ahead = (weekday - today.weekday()) % 7
    if ahead == 0 and qualifier != "this":
        ahead = 7  # "monday" said on a Monday means the next one
    return today + timedelta(days=ahead)


def _month_day(
    month_name: str, day_text: str, year_text: str | None, today: date, text: str
) -> date:
    """"jan 10" / "10 january" [year]: the next occurrence on or after today when no year."""
    month = _MONTHS.get(month_name)
    if month is None:
        raise DateParseError(f'I couldn\'t read "{text.strip()}" as a date. {ACCEPTED_FORMS}')
    day = int(day_text)
    if year_text is not None:
        return _make_date(int(year_text), month, day, text.strip())
    # Look a few years ahead so "feb 29" finds the next leap year.
    for year in range(today.year, today.year + 9):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    raise DateParseError(f'"{text.strip()}" is not a day in the calendar. {ACCEPTED_FORMS}')


def ensure_future(d: date, today: date, *, allow_today: bool = False) -> date:
    """Return `d` if it is after `today` (or today, when allowed); DateParseError otherwise."""
    if d < today or (d == today and not allow_today):
        raise DateParseError(
            f"{d.isoformat()} is not in the future. Please pick a later date. {ACCEPTED_FORMS}"
        )
    return d


def local_today(now_utc: datetime, tz: str) -> date:
    """The calendar date in time zone `tz` at the instant `now_utc`."""
    return ensure_aware(now_utc, "now_utc").astimezone(zone(tz)).date()
