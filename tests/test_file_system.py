"""SharedFileSystem component: encrypted EFS, a mount target per AZ, marker client group, TLS-only policy, backups, alarms."""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pulumi
import pytest

from components.file_system import (
    AWS_BACKUP_SERVICE_ROLE_POLICY_ARN,
    EfsBackupMode,
    EfsPerformanceMode,
    EfsThroughputMode,
    SharedFileSystem,
    SharedFileSystemArgs,
    check_subnet_ids,
    efs_mount_commands,
    file_system_policy,
)
from policies.offline.runner import MockRun
from tests.harness import Program, children_of, depends_on, run, world_open_ingress

FILE_SYSTEM = "aws:efs/fileSystem:FileSystem"
MOUNT_TARGET = "aws:efs/mountTarget:MountTarget"
ACCESS_POINT = "aws:efs/accessPoint:AccessPoint"
FS_POLICY = "aws:efs/fileSystemPolicy:FileSystemPolicy"
BACKUP_POLICY = "aws:efs/backupPolicy:BackupPolicy"
VAULT = "aws:backup/vault:Vault"
PLAN = "aws:backup/plan:Plan"
SELECTION = "aws:backup/selection:Selection"
ROLE = "aws:iam/role:Role"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TOPIC = "aws:sns/topic:Topic"

ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"]
PRIVATE = ["subnet-0aaa0000000000001", "subnet-0bbb0000000000002", "subnet-0ccc0000000000003"]
SHELLCHECK = Path(sys.executable).parent / "shellcheck"
PROFILES: dict[str, dict[str, Any]] = {
    "dev": {"availability_zones": ZONES[:2], "subnet_ids": PRIVATE[:2], "backup": EfsBackupMode.POLICY, "protect": False},
    "prod": {"availability_zones": ZONES, "subnet_ids": PRIVATE, "backup": EfsBackupMode.AWS_BACKUP, "protect": True},
}


def fs_args(**overrides: Any) -> SharedFileSystemArgs:
    values: dict[str, Any] = {"vpc_id": "vpc-0123456789abcdef0", "subnet_ids": PRIVATE[:2], "availability_zones": ZONES[:2]}
    values.update(overrides)
    return SharedFileSystemArgs(**values)


def _shared_file_system(name: str, mount_path: str, **overrides: Any) -> None:
    shared = SharedFileSystem(name, fs_args(**overrides))
    for output in ("file_system_id", "file_system_arn", "dns_name", "access_point_id", "client_security_group_id",
                   "mount_target_security_group_id", "alarm_topic_arn"):
        pulumi.export(output, getattr(shared, output))
    if mount_path:
        pulumi.export("mount_commands", shared.mount_commands(mount_path))


def build(name: str = "files", mount_path: str = "", **overrides: Any) -> Program:
    return Program(_shared_file_system, name=name, mount_path=mount_path, **overrides)


def group(result: MockRun, suffix: str) -> Any:
    return next(g for g in result.of_type(SECURITY_GROUP) if g.name.endswith(suffix))


@pytest.mark.parametrize("profile", PROFILES)
def test_file_system_is_encrypted_general_purpose_elastic_with_lifecycle_to_ia(preview: bool, profile: str) -> None:
    result = run(build(**PROFILES[profile]), preview)
    fs = result.one(FILE_SYSTEM)
    assert fs.inputs["encrypted"] is True
    assert fs.inputs["performanceMode"] == "generalPurpose"
    assert fs.inputs["throughputMode"] == "elastic"
    assert fs.inputs["lifecyclePolicies"] == [{"transitionToIa": "AFTER_30_DAYS"}, {"transitionToPrimaryStorageClass": "AFTER_1_ACCESS"}]
    assert fs.protect is PROFILES[profile]["protect"]
    assert fs.inputs["tags"]["Component"] == "SharedFileSystem"


def test_other_ia_transition_and_bursting_throughput(preview: bool) -> None:
    fs = run(build(ia_after_days=1, throughput_mode="bursting"), preview).one(FILE_SYSTEM)
    assert fs.inputs["lifecyclePolicies"][0] == {"transitionToIa": "AFTER_1_DAY"}
    assert fs.inputs["throughputMode"] == "bursting"


@pytest.mark.parametrize("profile", PROFILES)
def test_one_mount_target_per_az_in_the_given_private_subnets(preview: bool, profile: str) -> None:
    result = run(build(**PROFILES[profile]), preview)
    targets = result.of_type(MOUNT_TARGET)
    zones = PROFILES[profile]["availability_zones"]
    assert sorted(t.name for t in targets) == sorted(f"files-efs-{az}" for az in zones)
    by_zone = {t.name.removeprefix("files-efs-"): t for t in targets}
    mount_sg = group(result, "-mount-target")
    for az, subnet in zip(zones, PROFILES[profile]["subnet_ids"], strict=True):
        assert by_zone[az].inputs["subnetId"] == subnet
        assert depends_on(result, by_zone[az], result.one(FILE_SYSTEM)) and depends_on(result, by_zone[az], mount_sg)


def test_nfs_is_open_only_from_the_client_group_the_component_creates(preview: bool) -> None:
    result = run(build(), preview)
    client, mount = group(result, "-client"), group(result, "-mount-target")
    assert result.count(SECURITY_GROUP) == 2
    [ingress] = result.of_type(INGRESS)
    assert (ingress.inputs["ipProtocol"], ingress.inputs["fromPort"], ingress.inputs["toPort"]) == ("tcp", 2049, 2049)
    assert depends_on(result, ingress, mount) and depends_on(result, ingress, client)
    assert not {"cidrIpv4", "cidrIpv6", "prefixListId"} & set(ingress.inputs)
    [egress] = result.of_type(EGRESS)
    assert (egress.inputs["fromPort"], egress.inputs["toPort"]) == (2049, 2049)
    assert depends_on(result, egress, client) and depends_on(result, egress, mount)
    assert not {"cidrIpv4", "cidrIpv6"} & set(egress.inputs)
    if not preview:
        assert ingress.inputs["securityGroupId"] == mount.id and ingress.inputs["referencedSecurityGroupId"] == client.id
        assert egress.inputs["securityGroupId"] == client.id and egress.inputs["referencedSecurityGroupId"] == mount.id
    assert world_open_ingress(result) == []
    for sg in (client, mount):
        assert not sg.inputs.get("ingress") and not sg.inputs.get("egress")


def test_file_system_policy_denies_access_without_tls(preview: bool) -> None:
    result = run(build(), preview)
    policy = result.one(FS_POLICY)
    assert depends_on(result, policy, result.one(FILE_SYSTEM)) and depends_on(result, policy, result.one(ACCESS_POINT))
    if preview:
        return  # the document embeds ARNs only AWS knows; the pure function is tested below
    document = json.loads(policy.inputs["policy"])
    [deny] = [s for s in document["Statement"] if s["Effect"] == "Deny"]
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert {"elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite", "elasticfilesystem:ClientRootAccess"} <= set(deny["Action"])
    assert deny["Resource"] == result.one(FILE_SYSTEM).state["arn"]
    [allow] = [s for s in document["Statement"] if s["Effect"] == "Allow"]
    assert allow["Condition"]["StringEquals"] == {"elasticfilesystem:AccessPointArn": result.one(ACCESS_POINT).state["arn"]}


def test_policy_function_allows_only_mount_targets_and_optionally_only_the_access_point() -> None:
    fs_arn, ap_arn = "arn:aws:elasticfilesystem:us-east-1:1:file-system/fs-1", "arn:aws:elasticfilesystem:us-east-1:1:access-point/fsap-1"
    enforced = json.loads(file_system_policy(fs_arn, ap_arn))
    open_ = json.loads(file_system_policy(fs_arn, None))
    for document in (enforced, open_):
        actions = [a for s in document["Statement"] for a in s["Action"]]
        assert "*" not in actions and all(a.startswith("elasticfilesystem:Client") for a in actions)
        [allow] = [s for s in document["Statement"] if s["Effect"] == "Allow"]
        assert allow["Condition"]["Bool"] == {"elasticfilesystem:AccessedViaMountTarget": "true"}
        assert "elasticfilesystem:ClientRootAccess" not in allow["Action"]
    assert next(s for s in enforced["Statement"] if s["Effect"] == "Allow")["Condition"]["StringEquals"] == {
        "elasticfilesystem:AccessPointArn": ap_arn}
    assert "StringEquals" not in next(s for s in open_["Statement"] if s["Effect"] == "Allow")["Condition"]


def test_policy_without_access_point_enforcement() -> None:
    result = run(build(enforce_access_point=False))  # the policy names the file system's ARN: known in update only
    assert "AccessPointArn" not in result.one(FS_POLICY).inputs["policy"]


def test_access_point_has_a_posix_user_and_a_created_root_directory(preview: bool) -> None:
    result = run(build(), preview)
    point = result.one(ACCESS_POINT)
    assert point.inputs["posixUser"] == {"uid": 1000, "gid": 1000}
    assert point.inputs["rootDirectory"] == {"path": "/shared", "creationInfo": {"ownerUid": 1000, "ownerGid": 1000, "permissions": "0755"}}
    assert depends_on(result, point, result.one(FILE_SYSTEM))


def test_access_point_for_apache(preview: bool) -> None:
    point = run(build(posix_uid=48, posix_gid=48, access_point_path="/wordpress", root_permissions="0775"), preview).one(ACCESS_POINT)
    assert point.inputs["posixUser"] == {"uid": 48, "gid": 48}
    assert point.inputs["rootDirectory"]["creationInfo"] == {"ownerUid": 48, "ownerGid": 48, "permissions": "0775"}
    assert point.inputs["rootDirectory"]["path"] == "/wordpress"


def test_backup_policy_mode_enables_the_efs_backup_policy(preview: bool) -> None:
    result = run(build(backup="policy"), preview)
    policy = result.one(BACKUP_POLICY)
    assert policy.inputs["backupPolicy"] == {"status": "ENABLED"}
    assert depends_on(result, policy, result.one(FILE_SYSTEM))
    assert result.count(VAULT) == result.count(PLAN) == result.count(SELECTION) == 0


@pytest.mark.parametrize("protect", [False, True])
def test_aws_backup_mode_runs_a_daily_plan_kept_30_days(preview: bool, protect: bool) -> None:
    result = run(build(backup=EfsBackupMode.AWS_BACKUP, protect=protect), preview)
    assert result.count(BACKUP_POLICY) == 0
    vault, plan, selection = result.one(VAULT), result.one(PLAN), result.one(SELECTION)
    assert vault.protect is protect and not vault.inputs.get("forceDestroy")
    [rule] = plan.inputs["rules"]
    assert rule["schedule"] == "cron(0 5 ? * * *)"
    assert rule["lifecycle"] == {"deleteAfter": 30}
    assert rule["completionWindow"] == 1440
    assert depends_on(result, plan, vault)
    role, attachment = result.one(ROLE), result.one(ATTACHMENT)
    trust = json.loads(role.inputs["assumeRolePolicy"])
    assert trust["Statement"][0]["Principal"] == {"Service": "backup.amazonaws.com"}
    assert attachment.inputs["policyArn"] == AWS_BACKUP_SERVICE_ROLE_POLICY_ARN
    assert "Admin" not in AWS_BACKUP_SERVICE_ROLE_POLICY_ARN and "PowerUser" not in AWS_BACKUP_SERVICE_ROLE_POLICY_ARN
    for other in (result.one(FILE_SYSTEM), plan, role, attachment):
        assert depends_on(result, selection, other)
    if not preview:
        assert selection.inputs["resources"] == [result.one(FILE_SYSTEM).state["arn"]]
        assert rule["targetVaultName"] == vault.state["name"]


def test_backup_retention_is_configurable(preview: bool) -> None:
    plan = run(build(backup="aws_backup", backup_retention_days=90), preview).one(PLAN)
    assert plan.inputs["rules"][0]["lifecycle"] == {"deleteAfter": 90}


def test_no_backup_mode_creates_no_backups(preview: bool) -> None:
    result = run(build(backup="none"), preview)
    assert result.count(BACKUP_POLICY) == result.count(VAULT) == result.count(PLAN) == 0


ALARM_CASES = [
    (EfsThroughputMode.ELASTIC, EfsPerformanceMode.GENERAL_PURPOSE, {"PercentIOLimit"}),
    (EfsThroughputMode.BURSTING, EfsPerformanceMode.GENERAL_PURPOSE, {"PercentIOLimit", "BurstCreditBalance"}),
    (EfsThroughputMode.BURSTING, EfsPerformanceMode.MAX_IO, {"BurstCreditBalance"}),
]


@pytest.mark.parametrize(("throughput", "performance", "metrics"), ALARM_CASES, ids=[f"{t.value}-{p.value}" for t, p, _ in ALARM_CASES])
def test_alarms_only_where_the_metric_applies(preview: bool, throughput: Any, performance: Any, metrics: set[str]) -> None:
    result = run(build(throughput_mode=throughput, performance_mode=performance), preview)
    alarms = {a.inputs["metricName"]: a for a in result.of_type(ALARM)}
    assert set(alarms) == metrics
    fs, topic = result.one(FILE_SYSTEM), result.one(TOPIC)
    for alarm in alarms.values():
        assert alarm.inputs["namespace"] == "AWS/EFS"
        assert depends_on(result, alarm, fs) and depends_on(result, alarm, topic)
        if not preview:
            assert alarm.inputs["dimensions"] == {"FileSystemId": fs.id}
            assert alarm.inputs["alarmActions"] == [topic.state["arn"]]
    if "PercentIOLimit" in alarms:
        inputs = alarms["PercentIOLimit"].inputs
        assert (inputs["comparisonOperator"], inputs["threshold"], inputs["statistic"], inputs["period"], inputs["evaluationPeriods"]) == (
            "GreaterThanThreshold", 95, "Maximum", 600, 3)
    if "BurstCreditBalance" in alarms:
        inputs = alarms["BurstCreditBalance"].inputs
        assert (inputs["comparisonOperator"], inputs["threshold"], inputs["statistic"], inputs["period"]) == (
            "LessThanThreshold", 192_000_000_000, "Average", 600)


def test_a_given_alarm_topic_is_used(preview: bool) -> None:
    arn = "arn:aws:sns:us-east-1:123456789012:ops-alarms"
    result = run(build(alarm_topic_arn=arn), preview)
    assert result.count(TOPIC) == 0
    assert [a.inputs["alarmActions"] for a in result.of_type(ALARM)] == [[arn]]


def test_outputs_and_mount_commands() -> None:
    """Outputs are computed by AWS, so only an update knows them."""
    result = run(build(mount_path="/var/www"))
    outputs, fs = result.outputs, result.one(FILE_SYSTEM)
    assert outputs["file_system_id"] == fs.id and outputs["file_system_id"].startswith("fs-")
    assert outputs["dns_name"] == f"{fs.id}.efs.us-east-1.amazonaws.com"
    assert outputs["access_point_id"] == result.one(ACCESS_POINT).id
    assert outputs["client_security_group_id"] == group(result, "-client").id
    assert outputs["mount_target_security_group_id"] == group(result, "-mount-target").id
    assert outputs["alarm_topic_arn"] == result.one(TOPIC).state["arn"]
    commands = outputs["mount_commands"]
    line = f"{fs.id}:/ /var/www efs _netdev,tls,accesspoint={result.one(ACCESS_POINT).id},iam 0 0"
    assert line in commands
    assert "dnf install -y amazon-efs-utils" in commands


def test_mount_commands_pass_shellcheck_inside_a_bash_script(tmp_path: Path) -> None:
    rendered: list[str] = []

    def program() -> None:
        file_system_id = pulumi.Output.from_input("fs-0123456789abcdef0")
        efs_mount_commands(file_system_id, "fsap-0123456789abcdef0", "/var/www/html").apply(rendered.append)

    run(program)
    [lines] = rendered
    assert "{{" not in lines and "}}" not in lines
    assert "fs-0123456789abcdef0:/ /var/www/html efs _netdev,tls,accesspoint=fsap-0123456789abcdef0,iam 0 0" in lines
    assert 'mkdir -p "/var/www/html"' in lines and 'mountpoint -q "/var/www/html"' in lines
    script = tmp_path / "user-data.sh"
    script.write_text(f"#!/bin/bash\nset -euo pipefail\n{lines}\necho ready\n")
    checked = subprocess.run([str(SHELLCHECK), "--shell=bash", "--severity=style", str(script)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_shellcheck_catches_a_broken_script(tmp_path: Path) -> None:
    """The shellcheck test above can fail: the same binary rejects an unquoted variable."""
    script = tmp_path / "bad.sh"
    script.write_text("#!/bin/bash\nmount_path=$1\nmkdir -p $mount_path\n")
    assert subprocess.run([str(SHELLCHECK), str(script)], capture_output=True).returncode != 0


@pytest.mark.parametrize("path", ["var/www", "/", "/var/www; rm -rf /", "/var/../etc", "/var/$HOME", "/a b"])
def test_mount_commands_refuse_unsafe_paths(path: str) -> None:
    with pytest.raises(ValueError, match=r"^mount_path: .* is not an absolute path"):
        efs_mount_commands("fs-1", "fsap-1", path)


def test_every_child_is_parented_and_tagged(preview: bool) -> None:
    result = run(build(**PROFILES["prod"]), preview)
    component = result.one("awsinaction:index:SharedFileSystem")
    assert len(children_of(result, component.urn)) == len(result.resources) - 1
    untaggable = {MOUNT_TARGET, FS_POLICY, BACKUP_POLICY, ATTACHMENT, SELECTION}  # AWS offers no tags on these
    for child in children_of(result, component.urn):
        if child.type not in untaggable:
            assert child.inputs["tags"]["Component"] == "SharedFileSystem", child.name
            assert child.inputs["tags"]["Name"] == child.name, child.name


BAD_ARGS = [
    ({"availability_zones": ["us-east-1a", "us-east-1a"]},
     r"^availability_zones: .* names us-east-1a more than once; EFS allows one mount target per AZ"),
    ({"availability_zones": [], "subnet_ids": []}, r"^availability_zones: \[\] gives the file system no mount target"),
    ({"subnet_ids": ["subnet-1"]}, r"^subnet_ids: 1 subnets for 2 availability zones"),
    ({"subnet_ids": ["subnet-1", "subnet-1"]}, r"^subnet_ids: .* lists a subnet twice"),
    ({"throughput_mode": "provisioned"}, r"^throughput_mode: 'provisioned' is not allowed; use one of elastic, bursting"),
    ({"performance_mode": "maxIO"}, r"^performance_mode: 'maxIO' does not work with elastic throughput"),
    ({"performance_mode": "fast"}, r"^performance_mode: 'fast' is not allowed"),
    ({"backup": "daily"}, r"^backup: 'daily' is not allowed; use one of policy, aws_backup, none"),
    ({"backup_retention_days": 0}, r"^backup_retention_days: 0 is outside 1\.\.36500 days"),
    ({"ia_after_days": 45}, r"^ia_after_days: 45 is not allowed"),
    ({"access_point_path": "shared"}, r"^access_point_path: 'shared' is not an absolute path"),
    ({"posix_uid": -1}, r"^posix_uid: -1 is not a POSIX ID"),
    ({"posix_gid": 2**32}, r"^posix_gid: 4294967296 is not a POSIX ID"),
    ({"root_permissions": "rwxr-xr-x"}, r"^root_permissions: 'rwxr-xr-x' is not octal permissions"),
]


@pytest.mark.parametrize(("overrides", "message"), BAD_ARGS, ids=[f"{m.split(':')[0].strip('^')}-{i}" for i, (_, m) in enumerate(BAD_ARGS)])
def test_bad_arguments_are_refused_naming_the_argument(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        run(build(**overrides))


def test_subnet_check_used_for_outputs_refuses_mismatches() -> None:
    """Subnet IDs given as an output are checked with the same function when they resolve."""
    assert check_subnet_ids(["subnet-1", "subnet-2"], ZONES[:2]) == ["subnet-1", "subnet-2"]
    with pytest.raises(ValueError, match=r"^subnet_ids: .* lists a subnet twice"):
        check_subnet_ids(["subnet-1", "subnet-1"], ZONES[:2])
    with pytest.raises(ValueError, match=r"^subnet_ids: 3 subnets for 2 availability zones"):
        check_subnet_ids(PRIVATE, ZONES[:2])
