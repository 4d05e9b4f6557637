"""Pure rules of the Database component: engines, versions, windows and limits. No Pulumi here.

Every check takes `(value, argument)` and raises ValueError starting with the argument
name, so the component and the stack settings (which pass the config key) share them.
"""

import re
from dataclasses import dataclass
from enum import Enum
from typing import Optional, Sequence


class DatabaseEngine(str, Enum):
    """The RDS engines the Database component supports."""

    MYSQL = "mysql"
    """RDS for MySQL (the book's engine)."""
    POSTGRES = "postgres"
    """RDS for PostgreSQL."""


@dataclass(frozen=True)
class EngineProfile:
    """What differs between engines: default version, port, log exports, the TLS parameter."""

    default_version: str
    version_pattern: str
    version_example: str
    port: int
    log_exports: tuple[str, ...]
    parameters: tuple[tuple[str, str], ...]
    max_username_length: int
    max_db_name_length: int


ENGINES: dict[DatabaseEngine, EngineProfile] = {
    DatabaseEngine.MYSQL: EngineProfile(
        default_version="8.4",
        version_pattern=r"(8\.[04])(\.\d+)?",
        version_example="8.0, 8.0.39 or 8.4",
        port=3306,
        log_exports=("error", "slowquery"),
        # require_secure_transport is a boolean whose allowed values are 0/1 in RDS *instance* parameter
        # groups (Aurora cluster groups take ON/OFF); 1 refuses every connection without TLS.
        parameters=(("require_secure_transport", "1"), ("slow_query_log", "1"), ("long_query_time", "2"), ("log_output", "FILE")),
        max_username_length=16,
        max_db_name_length=64,
    ),
    DatabaseEngine.POSTGRES: EngineProfile(
        default_version="17",
        version_pattern=r"(1[3-8])(\.\d+)?",
        version_example="16, 16.4 or 17",
        port=5432,
        log_exports=("postgresql", "upgrade"),
        parameters=(("rds.force_ssl", "1"),),
        max_username_length=63,
        max_db_name_length=63,
    ),
}
"""Engine -> its profile."""

TLS_PARAMETERS = {DatabaseEngine.MYSQL: "require_secure_transport", DatabaseEngine.POSTGRES: "rds.force_ssl"}
"""The parameter that makes each engine refuse connections without TLS."""
BACKUP_RETENTION_RANGE = (0, 35)
"""Days of automated backups RDS accepts; 0 turns them off."""
STORAGE_RANGE_GB = (20, 65536)
"""gp3 storage RDS for MySQL and PostgreSQL accepts, in GiB."""
PORT_RANGE = (1150, 65535)
"""Ports RDS lets MySQL and PostgreSQL listen on."""
MINUTES_PER_DAY = 24 * 60
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME = r"([01]\d|2[0-3]):([0-5]\d)"


def check_engine(value: object, argument: str) -> DatabaseEngine:
    """The engine must be one the component supports."""
    try:
        return DatabaseEngine(value)
    except ValueError:
        allowed = ", ".join(e.value for e in DatabaseEngine)
        raise ValueError(f"{argument}: {value!r} is not a supported engine; use one of {allowed}") from None


def engine_version(engine: DatabaseEngine, version: Optional[str]) -> str:
    """The version to deploy: the given one, or the engine's default major version."""
    return version or ENGINES[engine].default_version


def parameter_group_family(engine: DatabaseEngine, version: Optional[str], argument: str) -> str:
    """Validate the engine version and return its parameter group family (mysql8.0, postgres17, ...)."""
    profile = ENGINES[engine]
    chosen = engine_version(engine, version)
    match = re.fullmatch(profile.version_pattern, chosen) if isinstance(chosen, str) else None
    if match is None:
        raise ValueError(f"{argument}: {chosen!r} is not a supported {engine.value} version (expected e.g. {profile.version_example})")
    return f"{engine.value}{match.group(1)}"


def check_db_instance_class(value: object, argument: str) -> None:
    """An RDS instance class looks like db.<family>.<size>."""
    if not isinstance(value, str) or not re.fullmatch(r"db\.[a-z][a-z0-9-]*\.[a-z0-9]+", value):
        raise ValueError(f"{argument}: {value!r} is not an RDS instance class (expected e.g. db.t4g.micro)")


def check_backup_retention(value: object, argument: str) -> None:
    """RDS keeps automated backups 0 (off) to 35 days."""
    low, high = BACKUP_RETENTION_RANGE
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{argument}: {value!r} is outside {low}..{high} days")


def check_allocated_storage(value: object, argument: str) -> None:
    """gp3 storage between 20 GiB and 64 TiB."""
    low, high = STORAGE_RANGE_GB
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{argument}: {value!r} is outside {low}..{high} GiB")


def check_max_allocated_storage(maximum: object, allocated: int, argument: str, allocated_argument: str = "allocated_storage_gb") -> None:
    """The autoscaling ceiling may not be below the allocated size (equal turns autoscaling off)."""
    check_allocated_storage(maximum, argument)
    if maximum < allocated:  # type: ignore[operator]
        raise ValueError(
            f"{argument}: {maximum} GiB is below {allocated_argument} ({allocated} GiB); raise it or lower {allocated_argument}"
        )


def check_port(value: object, argument: str) -> None:
    """RDS MySQL and PostgreSQL listen on a port from 1150 to 65535."""
    low, high = PORT_RANGE
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{argument}: {value!r} is outside the ports RDS allows ({low}..{high})")


def check_database_name(value: object, engine: DatabaseEngine, argument: str) -> None:
    """A letter, then letters, digits or underscores, within the engine's length limit."""
    limit = ENGINES[engine].max_db_name_length
    if not isinstance(value, str) or not re.fullmatch(rf"[A-Za-z][A-Za-z0-9_]{{0,{limit - 1}}}", value):
        raise ValueError(
            f"{argument}: {value!r} is not a {engine.value} database name (a letter, then up to {limit - 1} letters, digits or _)"
        )


def check_master_username(value: object, engine: DatabaseEngine, argument: str) -> None:
    """A letter, then letters, digits or underscores; names RDS reserves (rds*) are refused."""
    limit = ENGINES[engine].max_username_length
    if not isinstance(value, str) or not re.fullmatch(rf"[A-Za-z][A-Za-z0-9_]{{0,{limit - 1}}}", value):
        raise ValueError(f"{argument}: {value!r} is not a {engine.value} user name (a letter, then up to {limit - 1} letters, digits or _)")
    if value.lower().startswith("rds"):
        raise ValueError(f"{argument}: {value!r} is reserved by RDS; choose a name not starting with rds")


def _minutes(hour: str, minute: str) -> int:
    return int(hour) * 60 + int(minute)


def _span(start: int, end: int, period: int) -> int:
    return (end - start) % period


def backup_window_minutes(value: object, argument: str) -> tuple[int, int]:
    """Parse hh:mm-hh:mm (UTC) into (start minute of the day, length in minutes); at least 30 minutes."""
    match = re.fullmatch(f"{_TIME}-{_TIME}", value) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"{argument}: {value!r} is not a window hh:mm-hh:mm in UTC (e.g. 05:00-06:00)")
    start, end = _minutes(*match.group(1, 2)), _minutes(*match.group(3, 4))
    length = _span(start, end, MINUTES_PER_DAY)
    if length < 30:
        raise ValueError(f"{argument}: {value!r} is shorter than the 30 minutes RDS requires")
    return start, length


def maintenance_window_minutes(value: object, argument: str) -> tuple[int, int]:
    """Parse ddd:hh:mm-ddd:hh:mm (UTC) into (start minute of the week, length in minutes); at least 30 minutes."""
    days = "|".join(DAYS)
    match = re.fullmatch(f"({days}):{_TIME}-({days}):{_TIME}", value.lower()) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"{argument}: {value!r} is not a window ddd:hh:mm-ddd:hh:mm in UTC (e.g. sun:06:30-sun:07:30)")
    start = DAYS.index(match.group(1)) * MINUTES_PER_DAY + _minutes(*match.group(2, 3))
    end = DAYS.index(match.group(4)) * MINUTES_PER_DAY + _minutes(*match.group(5, 6))
    length = _span(start, end, 7 * MINUTES_PER_DAY)
    if length < 30:
        raise ValueError(f"{argument}: {value!r} is shorter than the 30 minutes RDS requires")
    return start, length


def windows_overlap(backup_window: str, maintenance_window: str) -> bool:
    """Whether the daily backup window and the weekly maintenance window share any minute."""
    b_start, b_length = backup_window_minutes(backup_window, "backup_window")
    m_start, m_length = maintenance_window_minutes(maintenance_window, "maintenance_window")
    week = 7 * MINUTES_PER_DAY
    maintenance = {(m_start + i) % week for i in range(m_length)}
    return any((day * MINUTES_PER_DAY + b_start + i) % week in maintenance for day in range(7) for i in range(b_length))


def check_windows(backup_window: str, maintenance_window: str, argument: str) -> None:
    """Both windows are well formed and the maintenance window never overlaps a daily backup window."""
    backup_window_minutes(backup_window, "backup_window")
    maintenance_window_minutes(maintenance_window, argument)
    if windows_overlap(backup_window, maintenance_window):
        raise ValueError(f"{argument}: {maintenance_window!r} overlaps the daily backup window {backup_window!r}; RDS refuses that")


def check_replica(replica_instance_class: Optional[str], backup_retention_days: int, argument: str) -> None:
    """A read replica needs automated backups on its primary."""
    if not replica_instance_class:
        return
    check_db_instance_class(replica_instance_class, argument)
    if backup_retention_days == 0:
        raise ValueError(
            f"{argument}: {replica_instance_class!r} asks for a read replica, but the primary keeps no backups "
            "(backup retention is 0); RDS replicates from backups, so keep at least 1 day"
        )


def check_zones(zones: Sequence[str], multi_az: bool, argument: str) -> None:
    """Distinct AZ names; a DB subnet group must cover at least 2 AZs (and Multi-AZ needs a standby AZ)."""
    names = list(zones) if isinstance(zones, (list, tuple)) else None
    if names is None or not all(isinstance(z, str) and z for z in names):
        raise ValueError(f"{argument}: {zones!r} must be a list of availability zone names")
    if len(set(names)) != len(names):
        raise ValueError(f"{argument}: {names!r} names an availability zone twice; give one isolated subnet per AZ")
    if len(names) < 2:
        reason = "Multi-AZ needs a standby in a second AZ" if multi_az else "RDS refuses a DB subnet group covering fewer than 2 AZs"
        raise ValueError(f"{argument}: {names!r} covers {len(names)} AZ; {reason}")


def check_security_group_ids(values: Sequence[object], argument: str) -> None:
    """Plain IDs must look like sg-...; outputs are checked by AWS. No ID twice."""
    if not isinstance(values, (list, tuple)):
        raise ValueError(f"{argument}: {values!r} must be a list of security group IDs")
    plain = [v for v in values if isinstance(v, str)]
    for value in plain:
        if not re.fullmatch(r"sg-[0-9a-f]{8,17}", value):
            raise ValueError(f"{argument}: {value!r} is not a security group ID (expected e.g. sg-0123456789abcdef0)")
    if len(set(plain)) != len(plain):
        raise ValueError(f"{argument}: {plain!r} lists a security group twice")


IDENTIFIER_SUFFIX_LENGTH = 6
"""Hex characters of the random suffix that makes each instance's identifier unique in the account."""


def instance_identifier(project: str, stack: str, name: str, suffix: str) -> str:
    """A valid RDS instance identifier, <project>-<stack>-<name>-<suffix>, at most 63 characters.

    The random suffix keeps two stacks of the same name (two developers' dev) and a primary with its
    replica apart after truncation; the name is known before the instance exists, so its log groups can
    be created first with a retention.
    """
    raw = f"{project}-{stack}-{name}".lower()
    cleaned = re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9-]", "-", raw)).strip("-")
    if not cleaned or not cleaned[0].isalpha():
        cleaned = f"db-{cleaned}".rstrip("-")
    return f"{cleaned[: 62 - len(suffix)].rstrip('-')}-{suffix}"


def final_snapshot_identifier(instance_identifier: str) -> str:
    """The final snapshot of an instance: deterministic for the instance, different for its successor."""
    return f"{instance_identifier}-final"
