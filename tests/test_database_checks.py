"""Pure rules of the Database component: versions, windows, snapshot names."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.database_checks import (
    DAYS,
    DatabaseEngine,
    backup_window_minutes,
    check_windows,
    final_snapshot_identifier,
    instance_identifier,
    maintenance_window_minutes,
    parameter_group_family,
    windows_overlap,
)

SNAPSHOT_NAME = re.compile(r"[a-z](?:[a-z0-9]|-(?!-))*[a-z0-9]")


@pytest.mark.parametrize(
    ("engine", "version", "family"),
    [
        (DatabaseEngine.MYSQL, None, "mysql8.4"),
        (DatabaseEngine.MYSQL, "8.0.39", "mysql8.0"),
        (DatabaseEngine.MYSQL, "8.4", "mysql8.4"),
        (DatabaseEngine.POSTGRES, None, "postgres17"),
        (DatabaseEngine.POSTGRES, "16.4", "postgres16"),
        (DatabaseEngine.POSTGRES, "14", "postgres14"),
    ],
)
def test_parameter_group_family_follows_the_major_version(engine: DatabaseEngine, version: str, family: str) -> None:
    assert parameter_group_family(engine, version, "engine_version") == family


REFUSED_VERSIONS = [
    (DatabaseEngine.MYSQL, "5.7"),
    (DatabaseEngine.MYSQL, "8"),
    (DatabaseEngine.POSTGRES, "9.6"),
    (DatabaseEngine.POSTGRES, "8.0"),
    (DatabaseEngine.MYSQL, "17"),
]


@pytest.mark.parametrize(("engine", "version"), REFUSED_VERSIONS)
def test_versions_of_another_engine_or_end_of_life_are_refused(engine: DatabaseEngine, version: str) -> None:
    with pytest.raises(ValueError, match=rf"^dbEngineVersion: '{re.escape(version)}' is not a supported {engine.value} version"):
        parameter_group_family(engine, version, "dbEngineVersion")


def hhmm(minute: int) -> str:
    return f"{minute // 60 % 24:02d}:{minute % 60:02d}"


def weekly(minute: int) -> str:
    minute %= 7 * 1440
    return f"{DAYS[minute // 1440]}:{hhmm(minute % 1440)}"


@given(st.integers(0, 1439), st.integers(30, 600), st.integers(0, 6), st.integers(30, 600))
def test_maintenance_starting_when_backups_end_never_overlaps(start: int, length: int, day: int, maintenance_length: int) -> None:
    backup = f"{hhmm(start)}-{hhmm(start + length)}"
    maintenance_length = min(maintenance_length, 1440 - length)
    if maintenance_length < 30:
        return
    begin = day * 1440 + start + length
    maintenance = f"{weekly(begin)}-{weekly(begin + maintenance_length)}"
    assert not windows_overlap(backup, maintenance)
    check_windows(backup, maintenance, "maintenance_window")


@given(st.integers(0, 1439), st.integers(30, 600), st.integers(0, 6), st.integers(0, 599), st.integers(30, 600))
def test_maintenance_starting_inside_a_backup_window_always_overlaps(
    start: int, length: int, day: int, offset: int, maintenance_length: int
) -> None:
    backup = f"{hhmm(start)}-{hhmm(start + length)}"
    begin = day * 1440 + start + offset % length
    maintenance = f"{weekly(begin)}-{weekly(begin + maintenance_length)}"
    assert windows_overlap(backup, maintenance)
    with pytest.raises(ValueError, match=r"^maintenance_window: .* overlaps the daily backup window"):
        check_windows(backup, maintenance, "maintenance_window")


def test_windows_parse_and_wrap_over_midnight_and_the_week() -> None:
    assert backup_window_minutes("05:00-06:00", "w") == (300, 60)
    assert backup_window_minutes("23:30-00:30", "w") == (1410, 60)
    assert maintenance_window_minutes("Sun:23:00-Mon:01:00", "w") == (6 * 1440 + 1380, 120)
    assert windows_overlap("00:00-00:30", "sun:23:45-mon:00:15")


@given(st.text(min_size=1, max_size=60), st.text(min_size=1, max_size=60), st.text(min_size=1, max_size=300))
def test_identifiers_are_always_valid_rds_names(project: str, stack: str, name: str) -> None:
    identifier = instance_identifier(project, stack, name, "a1b2c3")
    assert re.fullmatch(r"[a-z](-?[a-z0-9])*", identifier) and len(identifier) <= 63, identifier
    assert identifier.endswith("-a1b2c3") and identifier == instance_identifier(project, stack, name, "a1b2c3")
    snapshot = final_snapshot_identifier(identifier)
    assert SNAPSHOT_NAME.fullmatch(snapshot) and len(snapshot) <= 255


def test_identifiers_name_project_stack_and_component_and_differ_by_suffix() -> None:
    assert instance_identifier("awsinaction", "prod", "shop-db", "a1b2c3") == "awsinaction-prod-shop-db-a1b2c3"
    assert instance_identifier("My_Project", "dev", "9db--x", "ffffff") == "my-project-dev-9db-x-ffffff"
    assert instance_identifier("1", "2", "3", "000000") == "db-1-2-3-000000"
    long_primary = instance_identifier("p" * 40, "s" * 40, "db", "aaaaaa")
    long_replica = instance_identifier("p" * 40, "s" * 40, "db-replica", "bbbbbb")
    assert long_primary != long_replica and len(long_primary) <= 63
    assert final_snapshot_identifier("awsinaction-prod-shop-db-a1b2c3") == "awsinaction-prod-shop-db-a1b2c3-final"
