"""Scheduled capacity: how many servers an auto-scaling group runs on average when scheduled actions resize it.

A scheduled action sets the group's min, max and desired capacity (-1 leaves one unchanged) each time its
Unix cron recurrence fires. Over a year the group holds each capacity for the hours between two firings,
so the average is the time-weighted capacity. Dynamic scaling (target tracking, step policies) is not
predicted: the estimate is what the schedules and the group's own sizes hold.
"""

import calendar
import datetime
from dataclasses import dataclass
from typing import Iterable, Optional

YEAR = 2026
"""The year the schedules are laid out over (a non-leap year; the weekday pattern repeats)."""
_MONTHS = {name: i for i, name in enumerate(("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), start=1)}
_DAYS = {name: i for i, name in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"))}


@dataclass(frozen=True)
class Action:
    """One recurring scheduled action; None leaves a size unchanged (the provider's -1)."""

    recurrence: str
    min_size: Optional[float]
    max_size: Optional[float]
    desired: Optional[float]


def _value(text: str, names: dict[str, int]) -> int:
    return names[text.upper()] if text.upper() in names else int(text)


def cron_field(text: str, low: int, high: int, names: Optional[dict[str, int]] = None) -> set[int]:
    """The values one cron field allows: *, lists, ranges, steps and names (JAN, MON); ValueError when malformed."""
    allowed: set[int] = set()
    for part in text.split(","):
        body, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if body == "*":
            start, end = low, high
        elif "-" in body:
            first, last = body.split("-", 1)
            start, end = _value(first, names or {}), _value(last, names or {})
        else:
            start = _value(body, names or {})
            end = high if step_text else start
        if step < 1 or not low <= start <= end <= high + (1 if names is _DAYS else 0):
            raise ValueError(f"cron field {text!r} is out of range {low}-{high}")
        allowed.update(range(start, end + 1, step))
    return {v % 7 for v in allowed} if names is _DAYS else allowed


def firings(recurrence: str, year: int = YEAR) -> list[int]:
    """Minutes since the start of `year` at which a five-field Unix cron expression fires."""
    fields = recurrence.split()
    if len(fields) != 5:
        raise ValueError(f"{recurrence!r} is not a five-field cron expression")
    minutes = sorted(cron_field(fields[0], 0, 59))
    hours = sorted(cron_field(fields[1], 0, 23))
    days = cron_field(fields[2], 1, 31)
    months = cron_field(fields[3], 1, 12, _MONTHS)
    weekdays = cron_field(fields[4], 0, 6, _DAYS)
    # As in Vixie cron: when both day fields are restricted, a day matching either fires.
    either = fields[2] != "*" and fields[4] != "*"
    found = []
    start = datetime.date(year, 1, 1)
    for offset in range(366 if calendar.isleap(year) else 365):
        day = start + datetime.timedelta(days=offset)
        by_date, by_weekday = day.day in days, (day.isoweekday() % 7) in weekdays
        if day.month not in months or not ((by_date or by_weekday) if either else (by_date and by_weekday)):
            continue
        found += [offset * 1440 + hour * 60 + minute for hour in hours for minute in minutes]
    return found


def average_capacity(minimum: float, maximum: float, desired: float, actions: Iterable[Action], year: int = YEAR) -> float:
    """The time-weighted number of instances over a year, in steady state (the year wraps around)."""
    events = sorted((minute, index, action) for index, action in enumerate(actions) for minute in firings(action.recurrence, year))
    if not events:
        return max(minimum, min(maximum, desired))
    state = [minimum, maximum, desired]

    def apply(action: Action) -> None:
        for slot, value in enumerate((action.min_size, action.max_size, action.desired)):
            if value is not None:
                state[slot] = value
        # AWS keeps desired within the new min and max.
        state[2] = max(state[0], min(state[1], state[2]))

    for _, _, action in events:  # one pass to reach the state the year starts with
        apply(action)
    length = (366 if calendar.isleap(year) else 365) * 1440
    total, previous = 0.0, 0
    for minute, _, action in events:
        total += (minute - previous) * state[2]
        apply(action)
        previous = minute
    total += (length - previous) * state[2]
    return total / length
