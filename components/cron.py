"""Unix cron expressions as Amazon EC2 Auto Scaling scheduled actions accept them (5 fields, UTC by default)."""

import re
from typing import NamedTuple


class CronField(NamedTuple):
    """One field of a cron expression: its name, range and accepted names."""

    name: str
    low: int
    high: int
    names: tuple[str, ...] = ()


FIELDS = (
    CronField("minute", 0, 59),
    CronField("hour", 0, 23),
    CronField("day of month", 1, 31),
    CronField("month", 1, 12, ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")),
    CronField("day of week", 0, 6, ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")),
)
"""Minute, hour, day of month, month (1-12 or JAN-DEC), day of week (0-6 or SUN-SAT, 0 = Sunday)."""
_ITEM = re.compile(r"(?P<start>\*|[0-9A-Za-z]+)(?:-(?P<end>[0-9A-Za-z]+))?(?:/(?P<step>[0-9]+))?")


def _value(token: str, field: CronField) -> int:
    """A number or a name of the field, checked against its range."""
    if token.isdigit():
        number = int(token)
    elif token.upper() in field.names:
        number = field.low + field.names.index(token.upper())
    else:
        allowed = f"{field.low}-{field.high}" + (f" or {field.names[0]}-{field.names[-1]}" if field.names else "")
        raise ValueError(f"{field.name} {token!r} is not a number or name ({allowed})")
    if not field.low <= number <= field.high:
        raise ValueError(f"{field.name} {number} is outside {field.low}..{field.high}")
    return number


def _check_item(item: str, field: CronField) -> None:
    """One comma-separated item: *, */n, a, a-b or a-b/n."""
    match = _ITEM.fullmatch(item)
    if not match:
        raise ValueError(f"{field.name} {item!r} is not *, a value, a range a-b or a step */n")
    start, end, step = match.group("start"), match.group("end"), match.group("step")
    if start == "*":
        if end is not None:
            raise ValueError(f"{field.name} {item!r} is not a valid range")
    else:
        low = _value(start, field)
        if end is not None and _value(end, field) < low:
            raise ValueError(f"{field.name} range {item!r} runs backwards")
        if end is None and step is not None:
            raise ValueError(f"{field.name} {item!r}: a step needs * or a range (e.g. */15 or 0-30/10)")
    if step is not None and not 1 <= int(step) <= field.high - field.low + 1:
        raise ValueError(f"{field.name} step {step} is outside 1..{field.high - field.low + 1}")


def cron_error(expression: str) -> str:
    """Why `expression` is not a 5-field Unix cron expression, or "" when it is one."""
    if not isinstance(expression, str):
        return f"{expression!r} is not a string"
    fields = expression.split()
    if len(fields) != len(FIELDS):
        return (
            f"has {len(fields)} fields; use 5: minute hour day-of-month month day-of-week "
            "(e.g. '0 8 * * *' for 08:00 UTC daily; ?, L, W and # are not supported)"
        )
    for text, field in zip(fields, FIELDS, strict=True):
        for item in text.split(","):
            try:
                _check_item(item, field)
            except ValueError as error:
                return str(error)
    return ""


def check_cron(expression: str, argument: str) -> None:
    """Raise ValueError naming `argument` when `expression` is not a valid 5-field cron expression."""
    error = cron_error(expression)
    if error:
        raise ValueError(f"{argument}: {expression!r} is not a valid cron expression: {error}")
