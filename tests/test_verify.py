"""The post-deploy verifier against moto: a healthy stack passes, then each broken thing fails its own check.

moto limits, and how the tests live with them:
- moto's auto-scaling launches every instance in the group's first subnet, so a group spread over two
  AZs is built by attaching a second instance launched in the other AZ (what AWS also allows).
- moto reports a registered, running instance target as "healthy" (there is no health checker); a
  stopped instance is "unused", which is the failing state used here.
- moto's CloudFront distributions go InProgress -> Deployed on the first read; moto's state manager
  (`progression: manual`) holds a new distribution InProgress for the failing case.
- The database "not available" case uses a stopped instance; moto creates DB instances available at once.
"""

import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import boto3
import pytest
from moto import mock_aws
from moto.moto_api import state_manager

from tests.harness import REPO
from verify import CHECKS, OUTPUT_NAMES, main
from verify.stack import load_config

REGION = "us-east-1"
AMI = "ami-12c6146b"
PROJECT_YAML = """\
name: awsinaction
runtime: python
config:
  dbMultiAz:
    type: boolean
    default: true
  dbBackupRetentionDays:
    type: integer
    default: 7
"""


def distribution_config(reference: str) -> dict[str, Any]:
    return {
        "CallerReference": reference,
        "Comment": "",
        "Enabled": True,
        "Origins": {
            "Quantity": 1,
            "Items": [{"Id": "static", "DomainName": "static.s3.amazonaws.com", "S3OriginConfig": {"OriginAccessIdentity": ""}}],
        },
        "DefaultCacheBehavior": {
            "TargetOriginId": "static",
            "ViewerProtocolPolicy": "redirect-to-https",
            "MinTTL": 0,
            "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
            "TrustedSigners": {"Enabled": False, "Quantity": 0},
        },
    }


class World:
    """The resources of a deployed stack in moto, healthy ones and broken variants, built once."""

    def __init__(self) -> None:
        self.ec2 = boto3.client("ec2", region_name=REGION)
        self.elb = boto3.client("elbv2", region_name=REGION)
        self.asg = boto3.client("autoscaling", region_name=REGION)
        self.rds = boto3.client("rds", region_name=REGION)
        self.efs = boto3.client("efs", region_name=REGION)
        self.s3 = boto3.client("s3", region_name=REGION)
        self.cloudfront = boto3.client("cloudfront", region_name=REGION)
        vpc = self.ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        self.vpc = vpc
        self.subnets = {
            az: self.ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=az)["Subnet"]["SubnetId"]
            for az, cidr in (("us-east-1a", "10.0.1.0/24"), ("us-east-1b", "10.0.2.0/24"))
        }
        self.ec2.create_launch_template(LaunchTemplateName="web", LaunchTemplateData={"ImageId": AMI, "InstanceType": "t3.micro"})
        self.target_group, self.group, _ = self.fleet("web")
        self.one_az_target_group, self.one_az_group, _ = self.fleet("one-az", spread=False)
        self.sick_target_group, self.sick_group, sick = self.fleet("sick")
        self.asg.set_instance_health(InstanceId=sick[1], HealthStatus="Unhealthy")
        self.stopped_target_group, self.stopped_group, stopped = self.fleet("stopped")
        self.ec2.stop_instances(InstanceIds=[stopped[1]])
        self.db = self.database("shop", multi_az=True, retention=7)
        self.single_az_db = self.database("single", multi_az=False, retention=7)
        self.no_backup_db = self.database("nobackup", multi_az=True, retention=0)
        self.stopped_db = self.database("stopped", multi_az=True, retention=7)
        self.rds.stop_db_instance(DBInstanceIdentifier=self.stopped_db)
        self.file_system = self.file_system_in(["us-east-1a", "us-east-1b"])
        self.one_az_file_system = self.file_system_in(["us-east-1a"])
        self.bucket = self.static_bucket("static", all_blocks=True)
        self.open_bucket = self.static_bucket("static-open", all_blocks=None)
        self.half_open_bucket = self.static_bucket("static-half", all_blocks=False)
        self.distribution = self.cloudfront.create_distribution(DistributionConfig=distribution_config("shop"))["Distribution"]["Id"]

    def fleet(self, name: str, spread: bool = True) -> tuple[str, str, list[str]]:
        """A target group and a 2-instance group (spread over both AZs unless told otherwise)."""
        group_arn = self.elb.create_target_group(Name=name, Protocol="HTTP", Port=80, VpcId=self.vpc, TargetType="instance")
        tg = group_arn["TargetGroups"][0]["TargetGroupArn"]
        self.asg.create_auto_scaling_group(
            AutoScalingGroupName=name,
            LaunchTemplate={"LaunchTemplateName": "web"},
            MinSize=1,
            MaxSize=4,
            DesiredCapacity=1 if spread else 2,
            VPCZoneIdentifier=",".join(self.subnets.values()),
            TargetGroupARNs=[tg],
        )
        if spread:
            second = self.ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, SubnetId=self.subnets["us-east-1b"])
            self.asg.attach_instances(AutoScalingGroupName=name, InstanceIds=[second["Instances"][0]["InstanceId"]])
        instances = self.asg.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0]["Instances"]
        return tg, name, [i["InstanceId"] for i in instances]

    def database(self, name: str, multi_az: bool, retention: int) -> str:
        self.rds.create_db_instance(
            DBInstanceIdentifier=name,
            Engine="mysql",
            DBInstanceClass="db.t4g.micro",
            MasterUsername="admin",
            MasterUserPassword="not-a-real-secret-1",
            AllocatedStorage=20,
            MultiAZ=multi_az,
            BackupRetentionPeriod=retention,
            StorageEncrypted=True,
        )
        return name

    def file_system_in(self, zones: list[str]) -> str:
        fs = self.efs.create_file_system(CreationToken="-".join(zones), Encrypted=True)["FileSystemId"]
        for zone in zones:
            self.efs.create_mount_target(FileSystemId=fs, SubnetId=self.subnets[zone])
        return fs

    def static_bucket(self, name: str, all_blocks: Any) -> str:
        self.s3.create_bucket(Bucket=name)
        if all_blocks is not None:
            self.s3.put_public_access_block(
                Bucket=name,
                PublicAccessBlockConfiguration={
                    "BlockPublicAcls": True,
                    "IgnorePublicAcls": True,
                    "BlockPublicPolicy": True,
                    "RestrictPublicBuckets": bool(all_blocks),
                },
            )
        return name

    def outputs(self, **changes: Any) -> dict[str, Any]:
        """The healthy stack's outputs, with some pointed at broken resources."""
        healthy = {
            "dbInstanceIdentifier": self.db,
            "autoScalingGroupName": self.group,
            "targetGroupArn": self.target_group,
            "fileSystemId": self.file_system,
            "staticBucketName": self.bucket,
            "cloudFrontDistributionId": self.distribution,
            "availabilityZones": ["us-east-1a", "us-east-1b"],
            "dbPassword": "a-secret-the-verifier-never-prints",
        }
        return {k: v for k, v in {**healthy, **changes}.items() if v is not None}


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    # moto loads a catalogue of public AMIs unless told not to: a second of start-up the tests do not need.
    env = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "MOTO_EC2_LOAD_DEFAULT_AMIS": "false",
    }
    with mock.patch.dict(os.environ, env), mock_aws():
        yield World()


_SESSIONS: dict[Any, boto3.Session] = {}


def shared_session(region_name: Any = None, profile_name: Any = None) -> boto3.Session:
    """boto3.Session, one per (region, profile) for the whole module."""
    key = (region_name, profile_name)
    if key not in _SESSIONS:
        _SESSIONS[key] = boto3.Session(region_name=region_name, profile_name=profile_name)
    return _SESSIONS[key]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Pulumi project folder: Pulumi.yaml with the data keys' defaults, and two stacks."""
    folder = tmp_path_factory.mktemp("project")
    (folder / "Pulumi.yaml").write_text(PROJECT_YAML)
    (folder / "Pulumi.test.yaml").write_text(f"config:\n  aws:region: {REGION}\n")
    (folder / "Pulumi.cheap.yaml").write_text(f"config:\n  aws:region: {REGION}\n  awsinaction:dbMultiAz: false\n")
    return folder


def verify(
    project: Path, tmp_path: Path, outputs: dict[str, Any], capsys: pytest.CaptureFixture[str], stack: str = "test", fresh: bool = False
) -> tuple[int, dict]:
    """Run the verifier in-process on `outputs`; return its exit status and the status of each check.

    Unless `fresh`, the runs share one boto3 session: a new session loads every service model again (0.5 s).
    """
    outputs_file = tmp_path / "outputs.json"
    outputs_file.write_text(json.dumps(outputs))
    argv = ["--stack", stack, "--outputs", str(outputs_file), "--project-dir", str(project)]
    status = main(argv) if fresh else main(argv, session_factory=shared_session)
    out = capsys.readouterr().out
    assert "a-secret-the-verifier-never-prints" not in out
    lines = [line for line in out.splitlines() if line.split(" ", 1)[0] in ("PASS", "FAIL", "SKIP")]
    results = {line.split(" ")[1].rstrip(":"): (line.split(" ")[0], line) for line in lines}
    assert len(results) == len(CHECKS) == len(lines), out  # one line per check
    return status, results


def failing(results: dict) -> set[str]:
    return {name for name, (status, _) in results.items() if status == "FAIL"}


def test_a_healthy_stack_passes_every_check(world: World, project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, results = verify(project, tmp_path, world.outputs(), capsys, fresh=True)
    assert {s for s, _ in results.values()} == {"PASS"}, results
    assert status == 0


BROKEN = [
    # (case, output -> World attribute holding the broken resource, checks that must fail, text in their line)
    ("stopped database", {"dbInstanceIdentifier": "stopped_db"}, {"db-available"}, "stopped is stopped"),
    ("single-AZ database where config wants Multi-AZ", {"dbInstanceIdentifier": "single_az_db"}, {"db-multi-az"}, "MultiAZ=False"),
    ("database without backups", {"dbInstanceIdentifier": "no_backup_db"}, {"db-backups"}, "automated backups are off"),
    (
        "database that does not exist",
        {"dbInstanceIdentifier": "missing"},
        {"db-available", "db-multi-az", "db-backups"},
        "DBInstanceNotFound",
    ),
    ("group in one AZ", {"autoScalingGroupName": "one_az_group", "targetGroupArn": "one_az_target_group"}, {"asg-spread"}, "1 AZ(s)"),
    (
        "unhealthy instance in the group",
        {"autoScalingGroupName": "sick_group", "targetGroupArn": "sick_target_group"},
        {"asg-in-service", "asg-spread"},
        "1 of 2 desired instances InService and Healthy",
    ),
    (
        "target group reports an instance unused",
        {"autoScalingGroupName": "stopped_group", "targetGroupArn": "stopped_target_group"},
        {"target-health"},
        "(unused)",
    ),
    (
        "file system without a mount target in one AZ",
        {"fileSystemId": "one_az_file_system"},
        {"efs-mount-targets"},
        "no available mount target in ['us-east-1b']",
    ),
    ("bucket without a public access block", {"staticBucketName": "open_bucket"}, {"static-bucket-private"}, "has no public access block"),
    (
        "bucket with one public access setting off",
        {"staticBucketName": "half_open_bucket"},
        {"static-bucket-private"},
        "leaves RestrictPublicBuckets off",
    ),
]


@pytest.mark.parametrize(("case", "changes", "expected", "detail"), BROKEN, ids=[case for case, *_ in BROKEN])
def test_each_broken_thing_fails_its_own_check(
    world: World, project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str, changes: dict, expected: set, detail: str
) -> None:
    broken = {output: getattr(world, attribute, attribute) for output, attribute in changes.items()}
    status, results = verify(project, tmp_path, world.outputs(**broken), capsys)
    assert failing(results) == expected, results
    assert all(results[name][0] == "PASS" for name in results if name not in expected)
    assert any(detail in results[name][1] for name in expected), results
    assert status == 1


def test_a_distribution_still_in_progress_fails(world: World, project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    state_manager.set_transition("cloudfront::distribution", {"progression": "manual", "times": 1000})
    try:
        distribution = world.cloudfront.create_distribution(DistributionConfig=distribution_config("in-progress"))["Distribution"]["Id"]
        status, results = verify(project, tmp_path, world.outputs(cloudFrontDistributionId=distribution), capsys)
    finally:
        state_manager.unset_transition("cloudfront::distribution")
    assert failing(results) == {"cloudfront-deployed"}
    assert "is InProgress" in results["cloudfront-deployed"][1]
    assert status == 1


def test_a_single_az_database_passes_when_the_stack_does_not_ask_for_multi_az(
    world: World, project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, results = verify(project, tmp_path, world.outputs(dbInstanceIdentifier="single"), capsys, stack="cheap")
    assert results["db-multi-az"][0] == "PASS" and "does not ask for a standby" in results["db-multi-az"][1]
    assert status == 0


def test_a_check_whose_output_is_missing_is_skipped(
    world: World, project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, results = verify(project, tmp_path, world.outputs(cloudFrontDistributionId=None, staticBucketName=None), capsys)
    assert results["cloudfront-deployed"][0] == results["static-bucket-private"][0] == "SKIP"
    assert failing(results) == set()
    assert status == 0


def test_nothing_to_verify_is_a_failure(world: World, project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, results = verify(project, tmp_path, {"vpcId": "vpc-1"}, capsys)
    assert {s for s, _ in results.values()} == {"SKIP"}
    assert status == 1


def test_outputs_come_from_the_pulumi_cli_by_default(
    world: World, project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "bin" / "pulumi"
    fake.parent.mkdir()
    (tmp_path / "answer.json").write_text(json.dumps(world.outputs()))
    fake.write_text(f'#!/bin/sh\necho "$@" > {tmp_path}/args\ncat {tmp_path}/answer.json\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    assert main(["--stack", "test", "--project-dir", str(project)]) == 0
    assert (tmp_path / "args").read_text().split() == ["stack", "output", "--json", "--show-secrets", "--stack", "test"]
    assert "0 failed" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--outputs", "x.json"], "the following arguments are required: --stack"),
        (["--stack", "nope", "--outputs", "x.json"], "Pulumi.nope.yaml does not exist; stacks here: cheap, test"),
        (["--stack", "test", "--outputs", "missing.json"], "cannot read --outputs"),
        (["--stack", "test", "--outputs", "list.json"], "is not a JSON object of stack outputs"),
    ],
)
def test_bad_usage_exits_with_status_2(project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list, message: str) -> None:
    (tmp_path / "list.json").write_text("[]")
    argv = [str(tmp_path / a) if a.endswith(".json") else a for a in argv]
    assert main([*argv, "--project-dir", str(project)]) == 2
    assert message in capsys.readouterr().err


def test_a_missing_pulumi_cli_is_bad_usage(project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    assert main(["--stack", "test", "--project-dir", str(project)]) == 2
    assert "pass --outputs FILE" in capsys.readouterr().err


def test_the_committed_stacks_are_readable() -> None:
    for stack in ("dev", "prod"):
        config = load_config(REPO, stack)
        assert config.project == "awsinaction" and config.region
        assert isinstance(config.get_bool("dbMultiAz"), bool) and config.get_int("dbBackupRetentionDays") >= 0


def test_every_output_a_check_needs_is_documented() -> None:
    assert {name for check in CHECKS for name in check.needs} <= set(OUTPUT_NAMES)


def test_python_dash_m_verify_is_the_entry_point() -> None:
    done = subprocess.run([sys.executable, "-m", "verify", "--help"], cwd=REPO, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert all(name in done.stdout for name in OUTPUT_NAMES)


def test_missing_credentials_are_one_setup_error_not_a_failed_check_each(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outputs = tmp_path / "outputs.json"
    outputs.write_text(json.dumps({"dbInstanceIdentifier": "db"}))
    no_credentials = mock.Mock(region_name="us-east-1", get_credentials=mock.Mock(return_value=None))
    code = main(["--stack", "test", "--project-dir", str(project), "--outputs", str(outputs)], session_factory=lambda **_: no_credentials)
    assert code == 2
    assert capsys.readouterr().err.splitlines() == [
        "error: no AWS credentials found: run `aws configure`, set AWS_PROFILE or pass --profile"
    ]
