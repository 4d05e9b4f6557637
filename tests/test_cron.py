"""The cron check behind scheduled capacities: 5 fields, ranges, steps, names; and the CRON=SIZE config form."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.cron import FIELDS, check_cron, cron_error
from components.web_fleet import ScheduledCapacity, parse_schedule

VALID = [
    "0 8 * * *",
    "0 20 * * *",
    "*/15 * * * *",
    "0 8 * * MON-FRI",
    "0 8 * * mon,wed,fri",
    "30 6 1,15 * *",
    "0 0 1 JAN,JUL *",
    "0-30/10 * * * *",
    "59 23 31 12 6",
    "0 0 * * 0",
]
INVALID = [
    ("0 8 * *", "has 4 fields"),
    ("0 8 * * * *", "has 6 fields"),
    ("", "has 0 fields"),
    ("60 * * * *", "minute 60 is outside 0..59"),
    ("0 24 * * *", "hour 24 is outside 0..23"),
    ("0 0 0 * *", "day of month 0 is outside 1..31"),
    ("0 0 * 13 *", "month 13 is outside 1..12"),
    ("0 0 * * 7", "day of week 7 is outside 0..6"),
    ("0 0 ? * *", "day of month '?' is not *"),
    ("0 0 L * *", "day of month 'L' is not a number or name"),
    ("0 0 * * MON#2", "day of week 'MON#2' is not *"),
    ("30-5 * * * *", "minute range '30-5' runs backwards"),
    ("*/0 * * * *", "minute step 0 is outside 1..60"),
    ("5/10 * * * *", "a step needs * or a range"),
    ("0 8 * * FUNDAY", "day of week 'FUNDAY' is not a number or name"),
    ("1,,2 * * * *", "minute '' is not *"),
    ("*-5 * * * *", "minute '*-5' is not a valid range"),
]


@pytest.mark.parametrize("expression", VALID)
def test_valid_expressions_are_accepted(expression: str) -> None:
    assert cron_error(expression) == ""
    check_cron(expression, "schedules")


@pytest.mark.parametrize(("expression", "reason"), INVALID, ids=[e or "empty" for e, _ in INVALID])
def test_invalid_expressions_are_refused_with_the_reason(expression: str, reason: str) -> None:
    with pytest.raises(ValueError) as raised:
        check_cron(expression, "schedules")
    message = str(raised.value)
    assert message.startswith(f"schedules: {expression!r} is not a valid cron expression: ")
    assert reason in message


def _item(low: int, high: int) -> st.SearchStrategy[str]:
    value = st.integers(low, high)
    span = st.tuples(value, value).map(sorted)
    step = st.integers(1, high - low + 1)
    return st.one_of(
        st.just("*"),
        value.map(str),
        span.map(lambda ab: f"{ab[0]}-{ab[1]}"),
        step.map(lambda n: f"*/{n}"),
        st.tuples(span, step).map(lambda t: f"{t[0][0]}-{t[0][1]}/{t[1]}"),
    )


def _field(low: int, high: int) -> st.SearchStrategy[str]:
    return st.lists(_item(low, high), min_size=1, max_size=3).map(",".join)


VALID_CRON = st.tuples(*(_field(f.low, f.high) for f in FIELDS)).map(" ".join)


@given(VALID_CRON)
def test_every_generated_valid_expression_is_accepted(expression: str) -> None:
    assert cron_error(expression) == ""


@given(VALID_CRON, st.integers(0, 4), st.integers(1, 100))
def test_a_value_beyond_its_field_range_is_refused(expression: str, index: int, beyond: int) -> None:
    fields = expression.split()
    field = FIELDS[index]
    fields[index] = str(field.high + beyond)
    assert f"{field.name} {field.high + beyond} is outside {field.low}..{field.high}" in cron_error(" ".join(fields))


def test_schedule_config_form_is_parsed() -> None:
    assert parse_schedule("0 8 * * *=4", "k") == ScheduledCapacity("0 8 * * *", 4)
    assert parse_schedule(" 0 20 * * MON-FRI = 2", "k") == ScheduledCapacity("0 20 * * MON-FRI", 2)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0 8 * * *", r"^awsinaction:webSchedules: '0 8 \* \* \*' is not CRON=SIZE"),
        ("0 8 * * *=four", r"is not CRON=SIZE"),
        ("0 8 * *=4", r"^awsinaction:webSchedules: '0 8 \* \*' is not a valid cron expression: has 4 fields"),
        ("0 25 * * *=4", r"hour 25 is outside 0\.\.23"),
    ],
)
def test_malformed_schedules_are_refused_naming_the_key(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_schedule(text, "awsinaction:webSchedules")
