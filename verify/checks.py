"""The checks: each reads the live account with boto3 and returns one PASS, FAIL or SKIP line."""

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Callable, Optional

from botocore.exceptions import BotoCoreError, ClientError

from .stack import StackConfig


class Status(str, Enum):
    """Outcome of one check."""

    PASS = "PASS"
    FAIL = "FAIL"
    SKIP = "SKIP"


@dataclass(frozen=True)
class Result:
    """One check's outcome and why."""

    name: str
    status: Status
    detail: str

    def line(self) -> str:
        """The line the verifier prints."""
        return f"{self.status.value} {self.name}: {self.detail}"


@dataclass
class Live:
    """The stack's outputs and config plus memoized AWS calls (several checks read the same description)."""

    session: Any
    outputs: dict[str, Any]
    config: StackConfig
    _clients: dict[str, Any] = field(default_factory=dict)
    _answers: dict[tuple, Any] = field(default_factory=dict)

    def call(self, service: str, operation: str, **params: Any) -> Any:
        """`client(service).operation(**params)`, asked once per verifier run."""
        key = (service, operation, tuple(sorted((k, repr(v)) for k, v in params.items())))
        if key not in self._answers:
            if service not in self._clients:
                self._clients[service] = self.session.client(service)
            self._answers[key] = getattr(self._clients[service], operation)(**params)
        return self._answers[key]

    def db(self) -> dict[str, Any]:
        identifier = self.outputs["dbInstanceIdentifier"]
        return self.call("rds", "describe_db_instances", DBInstanceIdentifier=identifier)["DBInstances"][0]

    def group(self) -> dict[str, Any]:
        name = self.outputs["autoScalingGroupName"]
        groups = self.call("autoscaling", "describe_auto_scaling_groups", AutoScalingGroupNames=[name])["AutoScalingGroups"]
        if not groups:
            raise LookupError(f"auto-scaling group {name!r} does not exist")
        return groups[0]

    def in_service(self) -> list[dict[str, Any]]:
        """Instances of the group that are InService and Healthy."""
        return [i for i in self.group()["Instances"] if i["LifecycleState"] == "InService" and i["HealthStatus"] == "Healthy"]


Outcome = tuple[bool, str]
CheckFunction = Callable[[Live], Outcome]


@dataclass(frozen=True)
class Check:
    """A named check and the stack outputs it needs."""

    name: str
    needs: tuple[str, ...]
    run: CheckFunction
    description: str


def db_available(live: Live) -> Outcome:
    db = live.db()
    return db["DBInstanceStatus"] == "available", f"{db['DBInstanceIdentifier']} is {db['DBInstanceStatus']}"


def db_multi_az(live: Live) -> Outcome:
    db = live.db()
    wanted = live.config.get_bool("dbMultiAz")
    actual = bool(db.get("MultiAZ"))
    if not wanted:
        return True, f"MultiAZ={actual}; the config (dbMultiAz=false) does not ask for a standby"
    return actual, f"MultiAZ={actual}, config dbMultiAz=true"


def db_backups(live: Live) -> Outcome:
    days = int(live.db().get("BackupRetentionPeriod") or 0)
    wanted = live.config.get_int("dbBackupRetentionDays")
    if days <= 0:
        return False, f"automated backups are off (retention 0 days; config dbBackupRetentionDays={wanted})"
    return days >= wanted, f"backups kept {days} days (config dbBackupRetentionDays={wanted})"


def asg_in_service(live: Live) -> Outcome:
    group = live.group()
    desired, healthy = group["DesiredCapacity"], len(live.in_service())
    ok = desired > 0 and healthy >= desired
    return ok, f"{healthy} of {desired} desired instances InService and Healthy in {group['AutoScalingGroupName']}"


def asg_spread(live: Live) -> Outcome:
    zones = sorted({i["AvailabilityZone"] for i in live.in_service()})
    return len(zones) >= 2, f"healthy instances in {len(zones)} AZ(s) {zones}; at least 2 needed"


def target_health(live: Live) -> Outcome:
    arn = live.outputs["targetGroupArn"]
    described = live.call("elbv2", "describe_target_health", TargetGroupArn=arn)["TargetHealthDescriptions"]
    states = {d["Target"]["Id"]: d["TargetHealth"]["State"] for d in described}
    healthy = sorted(t for t, s in states.items() if s == "healthy")
    if "autoScalingGroupName" not in live.outputs:
        return bool(healthy), f"{len(healthy)} of {len(states)} targets healthy"
    desired = live.group()["DesiredCapacity"]
    fleet = [i["InstanceId"] for i in live.in_service()]
    # Instance targets can be matched one by one; IP targets only by count.
    missing = sorted(i for i in fleet if states.get(i) != "healthy") if any(t.startswith("i-") for t in states) else []
    ok = len(healthy) >= desired > 0 and not missing
    detail = f"{len(healthy)} healthy targets for {desired} desired instances"
    if missing:
        detail += "; not healthy: " + ", ".join(f"{i} ({states.get(i, 'not registered')})" for i in missing)
    return ok, detail


def expected_zones(live: Live) -> Optional[list[str]]:
    """The AZs that need a mount target: the network's, else the auto-scaling group's."""
    zones = live.outputs.get("availabilityZones")
    if isinstance(zones, list) and zones:
        return sorted(str(z) for z in zones)
    if "autoScalingGroupName" in live.outputs:
        return sorted(live.group()["AvailabilityZones"])
    return None


def efs_mount_targets(live: Live) -> Outcome:
    fs_id = live.outputs["fileSystemId"]
    fs = live.call("efs", "describe_file_systems", FileSystemId=fs_id)["FileSystems"][0]
    if fs["LifeCycleState"] != "available":
        return False, f"{fs_id} is {fs['LifeCycleState']}"
    targets = live.call("efs", "describe_mount_targets", FileSystemId=fs_id)["MountTargets"]
    available = sorted({t["AvailabilityZoneName"] for t in targets if t["LifeCycleState"] == "available"})
    zones = expected_zones(live)
    if zones is None:
        return bool(available), f"available mount targets in {available} (no AZ list exported to compare with)"
    missing = [z for z in zones if z not in available]
    if missing:
        return False, f"no available mount target in {missing}; available in {available}"
    return True, f"available mount target in every AZ {zones}"


PUBLIC_ACCESS_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


def static_bucket_private(live: Live) -> Outcome:
    bucket = live.outputs["staticBucketName"]
    try:
        config = live.call("s3", "get_public_access_block", Bucket=bucket)["PublicAccessBlockConfiguration"]
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "NoSuchPublicAccessBlockConfiguration":
            return False, f"{bucket} has no public access block"
        raise
    off = [flag for flag in PUBLIC_ACCESS_FLAGS if not config.get(flag)]
    if off:
        return False, f"{bucket} leaves {', '.join(off)} off"
    return True, f"{bucket} blocks public access (all 4 settings on)"


def cloudfront_deployed(live: Live) -> Outcome:
    distribution_id = live.outputs["cloudFrontDistributionId"]
    distribution = live.call("cloudfront", "get_distribution", Id=distribution_id)["Distribution"]
    status, enabled = distribution["Status"], distribution["DistributionConfig"]["Enabled"]
    return status == "Deployed" and enabled, f"{distribution_id} is {status}, {'enabled' if enabled else 'disabled'}"


CHECKS = [
    Check("db-available", ("dbInstanceIdentifier",), db_available, "the database instance is available"),
    Check("db-multi-az", ("dbInstanceIdentifier",), db_multi_az, "the database has a standby in another AZ when dbMultiAz is true"),
    Check("db-backups", ("dbInstanceIdentifier",), db_backups, "automated backups are kept at least dbBackupRetentionDays (> 0) days"),
    Check("asg-in-service", ("autoScalingGroupName",), asg_in_service, "the desired number of instances is InService and Healthy"),
    Check("asg-spread", ("autoScalingGroupName",), asg_spread, "the healthy instances run in at least 2 AZs"),
    Check("target-health", ("targetGroupArn",), target_health, "the target group reports the fleet healthy"),
    Check("efs-mount-targets", ("fileSystemId",), efs_mount_targets, "the file system has an available mount target in every AZ"),
    Check("static-bucket-private", ("staticBucketName",), static_bucket_private, "the static bucket blocks all public access"),
    Check("cloudfront-deployed", ("cloudFrontDistributionId",), cloudfront_deployed, "the CloudFront distribution is Deployed and enabled"),
]
"""Every check, in the order they print."""


def run_check(check: Check, live: Live) -> Result:
    """Run one check; a missing output skips it, an AWS error fails it (the line says which)."""
    missing = [name for name in check.needs if live.outputs.get(name) in (None, "", [])]
    if missing:
        return Result(check.name, Status.SKIP, f"the stack exports no {', '.join(missing)}")
    try:
        ok, detail = check.run(live)
    except ClientError as error:
        info = error.response.get("Error", {})
        return Result(check.name, Status.FAIL, f"AWS said {info.get('Code', 'error')}: {info.get('Message', error)}")
    except (BotoCoreError, LookupError, KeyError, IndexError) as error:
        return Result(check.name, Status.FAIL, f"{type(error).__name__}: {error}")
    return Result(check.name, Status.PASS if ok else Status.FAIL, detail)
