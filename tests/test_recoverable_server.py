"""RecoverableServer: the group of one and the recover alarm under mocks; its boot steps against moto."""

import base64
import datetime
import functools
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import boto3
import pytest
from moto import mock_aws

from components.handlers import server_boot
from components.recoverable_server import PUBLIC_ROLE, SERVER_TAG, RecoverableServer, RecoverableServerArgs
from policies.offline.runner import MockRun
from tests.harness import depends_on, run, world_open_ingress

GROUP = "aws:autoscaling/group:Group"
INSTANCE = "aws:ec2/instance:Instance"
TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
SHELLCHECK = Path(sys.executable).parent / "shellcheck"
SUBNETS = ["subnet-0aaa0000000000001", "subnet-0bbb0000000000002"]
EFS_ARN = "arn:aws:elasticfilesystem:us-east-1:123456789012"
EFS: dict[str, Any] = {
    "data": "efs", "file_system_id": "fs-01234567", "file_system_arn": f"{EFS_ARN}:file-system/fs-01234567",
    "access_point_id": "fsap-0123456789abcdef0", "file_system_client_security_group_id": "sg-0123456789abcdef1",
    "access_point_arn": f"{EFS_ARN}:access-point/fsap-0123456789abcdef0",
}
CONFIGS: dict[str, dict[str, Any]] = {
    "ebs-dns": {"data": "ebs_snapshot", "address": "dns", "hosted_zone_id": "Z0123456789ABCDEFGHIJ",
                "record_name": "ci.internal.example.com", "ingress_ports": [8080], "ingress_cidrs": ["10.0.0.0/16"],
                "app_bootstrap": "echo \"data in ${DATA_DIR}\""},
    "efs-eip": {**EFS, "address": "elastic_ip"},
    "alarm-eip": {"strategy": "recover_alarm", "address": "elastic_ip", "ingress_ports": [22], "ingress_cidrs": ["203.0.113.0/24"]},
}


@functools.cache
def built(config: str, preview: bool) -> MockRun:
    return run(lambda: RecoverableServer("ci", RecoverableServerArgs(vpc_id="vpc-0123456789abcdef0", subnet_ids=SUBNETS,
                                                                     **CONFIGS[config])), preview)


def statements(result: MockRun) -> dict[str, dict[str, Any]]:
    return {s["Sid"]: s for s in json.loads(result.one(ROLE_POLICY).inputs["policy"])["Statement"]}


def user_data(result: MockRun) -> str:
    return base64.b64decode(result.one(TEMPLATE).inputs["userData"]).decode()


def test_a_group_of_one_over_two_azs_replaces_the_server_without_ever_running_two(preview: bool) -> None:
    result = built("ebs-dns", preview)
    group = result.one(GROUP)
    assert (group.inputs["minSize"], group.inputs["maxSize"], group.inputs["vpcZoneIdentifiers"]) == (1, 1, SUBNETS)
    assert (group.inputs["healthCheckType"], group.inputs["healthCheckGracePeriod"]) == ("EC2", 600)
    assert group.inputs["instanceRefresh"]["preferences"]["minHealthyPercentage"] == 0
    assert not result.of_type(INSTANCE) and result.one(TEMPLATE).ignore_changes == ["imageId"]
    alarm = next(a for a in result.of_type(ALARM) if a.inputs["metricName"] == "GroupInServiceInstances")
    assert (alarm.inputs["comparisonOperator"], alarm.inputs["threshold"]) == ("LessThanThreshold", 1)


def test_ebs_data_is_restored_from_dlm_snapshots_with_only_its_own_volumes_touched(preview: bool) -> None:
    result = built("ebs-dns", preview)
    policy = result.one("aws:dlm/lifecyclePolicy:LifecyclePolicy")
    assert policy.inputs["policyDetails"]["targetTags"] == {SERVER_TAG: "test-test-ci"}
    assert policy.inputs["policyDetails"]["schedules"][0]["createRule"]["interval"] == 1
    found = statements(result)
    assert found["FindDataVolumes"]["Resource"] == ["*"]
    assert found["FindDataVolumes"]["Action"] == ["ec2:DescribeVolumes", "ec2:DescribeSnapshots"]
    for sid in ("AttachToThisServer", "RetireStaleVolumes", "RestoreOwnSnapshots"):
        assert found[sid]["Condition"] == {"StringEquals": {f"aws:ResourceTag/{SERVER_TAG}": "test-test-ci"}}
    assert found["CreateTaggedVolume"]["Condition"] == {"StringEquals": {f"aws:RequestTag/{SERVER_TAG}": "test-test-ci"}}
    assert found["PointOwnRecord"]["Condition"]["ForAllValues:StringEquals"][
        "route53:ChangeResourceRecordSetsNormalizedRecordNames"] == ["ci.internal.example.com"]
    # The root volume must not carry the server tag, or DLM would snapshot it too.
    specs = {s["resourceType"]: s["tags"] for s in result.one(TEMPLATE).inputs["tagSpecifications"]}
    assert SERVER_TAG in specs["instance"] and SERVER_TAG not in specs["volume"]


def test_the_user_data_restores_data_then_address_then_starts_the_application(preview: bool) -> None:
    script = user_data(built("ebs-dns", preview))
    volume, dns, app = script.index("server_boot.py\" volume"), script.index("server_boot.py\" dns"), script.index("app-bootstrap.sh\"")
    assert volume < dns < app and "export DATA_DIR=/data" in script and "--tag-value 'test-test-ci'" in script
    checked = subprocess.run([str(SHELLCHECK), "-"], input=script, capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout


def test_efs_data_and_an_elastic_ip_that_follows_the_server(preview: bool) -> None:
    result = built("efs-eip", preview)
    template = result.one(TEMPLATE)
    [interface] = template.inputs["networkInterfaces"]
    assert interface["associatePublicIpAddress"] == "true" and "sg-0123456789abcdef1" in interface["securityGroups"]
    assert {s["resourceType"]: s["tags"] for s in template.inputs["tagSpecifications"]}["instance"]["Role"] == PUBLIC_ROLE
    if not preview:
        script = user_data(result)
        assert "efs _netdev,tls,accesspoint=fsap-0123456789abcdef0,iam" in script and "server_boot.py\" address" in script
        found = statements(result)
        assert found["MountDataFileSystem"]["Resource"] == [EFS["file_system_arn"]]
        assert found["MoveElasticIp"]["Resource"][0].startswith("arn:aws:ec2:us-east-1:123456789012:elastic-ip/eipalloc-")
    assert not result.of_type("aws:dlm/lifecyclePolicy:LifecyclePolicy")


def test_recover_alarm_recovers_the_instance_in_place_and_keeps_its_elastic_ip(preview: bool) -> None:
    result = built("alarm-eip", preview)
    instance = result.one(INSTANCE)
    assert instance.ignore_changes == ["launchTemplate"] and not result.of_type(GROUP)
    assert depends_on(result, result.one("aws:ec2/eipAssociation:EipAssociation"), instance)
    # EC2 refuses a subnet on the instance together with network interfaces in its template: the association needs none.
    assert "networkInterfaces" not in result.one(TEMPLATE).inputs and instance.inputs["subnetId"] == SUBNETS[0]
    alarms = {a.inputs["metricName"]: a for a in result.of_type(ALARM)}
    system = alarms["StatusCheckFailed_System"]
    assert (system.inputs["statistic"], system.inputs["period"], system.inputs["evaluationPeriods"]) == ("Maximum", 60, 5)
    assert system.inputs["alarmActions"][0] == "arn:aws:automate:us-east-1:ec2:recover"
    assert alarms["StatusCheckFailed_Instance"].inputs["alarmActions"][0] == "arn:aws:automate:us-east-1:ec2:reboot"
    assert world_open_ingress(result) == []
    assert "server_boot.py\" address" not in user_data(result)  # the association is a resource here


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"strategy": "pray"}, "strategy: 'pray' is not allowed"),
        ({"subnet_ids": SUBNETS[:1]}, "gives the group one subnet"),
        ({"data": "efs"}, "file_system_id: None is not allowed; this input is required with data efs"),
        ({"data": "ebs_snapshot", "snapshot_interval_hours": 5}, "snapshot_interval_hours: 5 is not allowed"),
        ({"address": "dns", "hosted_zone_id": "Z0123456789", "record_name": "Server_1"}, "record_name: 'Server_1' is not a lower-case"),
        ({"address": "dns", "record_name": "ci.example.com"}, "hosted_zone_id: None is not a Route 53 hosted zone ID"),
        ({"ingress_ports": [8080], "ingress_cidrs": ["0.0.0.0/0"]}, "opens the server to the whole internet"),
        ({"ingress_cidrs": ["10.0.0.0/16"]}, "ingress_ports: \\[\\] but ingress_cidrs"),
        ({"data_path": "data"}, "data_path: 'data' is not an absolute path"),
        ({"app_bootstrap": "echo\nAPP_BOOTSTRAP_EOF\n"}, "app_bootstrap: must not contain a line"),
        ({"instance_type": "large"}, "instance_type: 'large' is not an EC2 instance type"),
    ],
)
def test_bad_arguments_are_refused_before_any_resource(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message) as error:
        run(lambda: RecoverableServer("ci", RecoverableServerArgs(**{"vpc_id": "vpc-1", "subnet_ids": SUBNETS, **overrides})))
    assert error.value.registered == []  # type: ignore[attr-defined]


# The boot steps, against moto: the book's pitfalls (data and address lost with a replacement) handled.

TAG = ("awsinaction:server", "test-test-ci")


@pytest.fixture(scope="module")
def ec2() -> Iterator[Any]:
    env = {"AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
           "MOTO_EC2_LOAD_DEFAULT_AMIS": "false"}
    with mock.patch.dict(os.environ, env), mock_aws():
        yield boto3.client("ec2", region_name="us-east-1")


def launch(ec2: Any, zone: str) -> str:
    launched = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, Placement={"AvailabilityZone": zone})
    return launched["Instances"][0]["InstanceId"]


def retire(ec2: Any, instance_id: str, volume_id: str) -> None:
    """The server dies: its data volume stays behind, detached (the launch template never creates it)."""
    ec2.detach_volume(VolumeId=volume_id, InstanceId=instance_id)
    ec2.terminate_instances(InstanceIds=[instance_id])


def volumes(ec2: Any) -> dict[str, dict[str, Any]]:
    return {v["VolumeId"]: v for v in ec2.describe_volumes()["Volumes"] if v.get("Tags")}


def test_the_first_server_creates_its_volume_and_a_replacement_in_the_same_az_reuses_it(ec2: Any) -> None:
    first = launch(ec2, "us-east-1a")
    volume = server_boot.attach_data_volume(ec2, *TAG, first, "us-east-1a", 10, "/dev/sdf")
    created = volumes(ec2)[volume]
    assert (created["Size"], created["VolumeType"], created["Encrypted"]) == (10, "gp3", True)
    assert {"Key": TAG[0], "Value": TAG[1]} in created["Tags"] and created["Attachments"][0]["InstanceId"] == first
    retire(ec2, first, volume)
    second = launch(ec2, "us-east-1a")
    assert server_boot.attach_data_volume(ec2, *TAG, second, "us-east-1a", 10, "/dev/sdf") == volume


def test_a_replacement_in_another_az_restores_the_newest_snapshot_and_retires_the_old_volume(ec2: Any) -> None:
    [(old_id, old)] = [(i, v) for i, v in volumes(ec2).items() if {"Key": TAG[0], "Value": TAG[1]} in v["Tags"]]
    tags = [{"ResourceType": "snapshot", "Tags": [{"Key": TAG[0], "Value": TAG[1]}]}]
    a_day_ago = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=1)
    with mock.patch("moto.ec2.models.elastic_block_store.utcnow", return_value=a_day_ago):
        ec2.create_snapshot(VolumeId=old_id, Description="older", TagSpecifications=tags)
    newest = ec2.create_snapshot(VolumeId=old_id, Description="newest", TagSpecifications=tags)["SnapshotId"]
    retire(ec2, old["Attachments"][0]["InstanceId"], old_id)
    third = launch(ec2, "us-east-1b")
    restored = server_boot.attach_data_volume(ec2, *TAG, third, "us-east-1b", 10, "/dev/sdf")
    now = volumes(ec2)
    assert restored != old_id and now[restored]["SnapshotId"] == newest and now[restored]["AvailabilityZone"] == "us-east-1b"
    retired = {t["Key"]: t["Value"] for t in now[old_id]["Tags"]}
    assert retired == {"Name": "test-test-ci", server_boot.SUPERSEDED_TAG: restored}  # kept, never attached again
    assert server_boot.find_or_create_volume(ec2, *TAG, "us-east-1a", 10)[1] == "restored"  # not the stale one in 1a


def test_after_an_az_outage_the_old_volume_never_comes_back(ec2: Any) -> None:
    tag = ("awsinaction:server", "test-test-outage")
    first = launch(ec2, "us-east-1a")
    old = server_boot.attach_data_volume(ec2, *tag, first, "us-east-1a", 10, "/dev/sdf")
    ec2.create_snapshot(VolumeId=old, TagSpecifications=[{"ResourceType": "snapshot", "Tags": [{"Key": tag[0], "Value": tag[1]}]}])
    # AZ a fails: the server is replaced in AZ b while its volume is still attached to the unreachable instance.
    second = launch(ec2, "us-east-1b")
    restored = server_boot.attach_data_volume(ec2, *tag, second, "us-east-1b", 10, "/dev/sdf")
    assert {t["Key"]: t["Value"] for t in volumes(ec2)[old]["Tags"]}.get(server_boot.SUPERSEDED_TAG) == restored
    # Days later AZ a is back, the dead instance goes, its volume becomes available: a server landing there restores.
    retire(ec2, first, old)
    assert server_boot.find_or_create_volume(ec2, *tag, "us-east-1a", 10)[1] == "restored"


def test_the_elastic_ip_moves_to_the_replacement(ec2: Any) -> None:
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    first, second = launch(ec2, "us-east-1a"), launch(ec2, "us-east-1b")
    server_boot.associate_address(ec2, allocation, first)
    server_boot.associate_address(ec2, allocation, second)
    [address] = ec2.describe_addresses(AllocationIds=[allocation])["Addresses"]
    assert address["InstanceId"] == second


def test_the_dns_record_points_at_the_new_private_ip(ec2: Any) -> None:
    route53 = boto3.client("route53", region_name="us-east-1")
    zone = route53.create_hosted_zone(Name="internal.example.com", CallerReference="test")["HostedZone"]["Id"].split("/")[-1]
    server_boot.point_record(route53, zone, "ci.internal.example.com", "10.0.1.10")
    server_boot.point_record(route53, zone, "ci.internal.example.com", "10.0.2.20")
    records = route53.list_resource_record_sets(HostedZoneId=zone)["ResourceRecordSets"]
    [record] = [r for r in records if r["Type"] == "A"]
    assert record["ResourceRecords"] == [{"Value": "10.0.2.20"}] and record["TTL"] == 60


def test_two_client_groups_and_an_ipv6_range_on_one_port_get_distinct_rules_ec2_accepts(preview: bool) -> None:
    result = run(lambda: RecoverableServer("ci", RecoverableServerArgs(
        vpc_id="vpc-0123456789abcdef0", subnet_ids=SUBNETS, ingress_ports=[8080],
        ingress_cidrs=["10.0.0.0/16", "2001:db8::/56"], ingress_security_group_ids=["sg-0aaa", "sg-0bbb"],
    )), preview)
    rules = [r for r in result.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") if "-in-8080-" in r.name]
    assert len({r.name for r in rules}) == len(rules) == 4, [r.name for r in rules]  # the real engine refuses a duplicate URN
    by_source = {r.inputs.get("cidrIpv4") or r.inputs.get("cidrIpv6") or r.inputs["referencedSecurityGroupId"]: r.inputs for r in rules}
    assert by_source["2001:db8::/56"].get("cidrIpv6") == "2001:db8::/56" and "cidrIpv4" not in by_source["2001:db8::/56"]
    assert by_source["10.0.0.0/16"]["cidrIpv4"] == "10.0.0.0/16"
    assert {"sg-0aaa", "sg-0bbb"} <= set(by_source)
