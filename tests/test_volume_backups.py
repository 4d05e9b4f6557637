"""VolumeBackups component: an encrypted gp3 volume, a DLM snapshot policy with its role, cross-region copies, an alarm."""

import functools
import json
from typing import Any

import pytest

from components.volume_backups import DLM_SERVICE_ROLE_POLICY_ARN, TARGET_TAG, VolumeBackups, VolumeBackupsArgs, dlm_text
from policies.offline.runner import MockRun
from tests.harness import depends_on, run

VOLUME = "aws:ebs/volume:Volume"
ATTACHMENT = "aws:ec2/volumeAttachment:VolumeAttachment"
POLICY = "aws:dlm/lifecyclePolicy:LifecyclePolicy"
ROLE = "aws:iam/role:Role"
ROLE_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/0123abcd-0123-4567-89ab-0123456789ab"
CONFIGS: dict[str, dict[str, Any]] = {
    "attached": {"availability_zone": "us-east-1a", "instance_id": "i-0123456789abcdef0"},
    "copied": {"availability_zone": "eu-central-1b", "size_gib": 100, "snapshot_interval_hours": 4, "retain_count": 42,
               "copy_to_region": "eu-west-1", "copy_retain_days": 30, "protect": True, "final_snapshot": False},
    "own-key": {"availability_zone": "us-east-1a", "kms_key_arn": KEY_ARN},
}


@functools.cache
def built(config: str, preview: bool) -> MockRun:
    return run(lambda: VolumeBackups("data", VolumeBackupsArgs(**CONFIGS[config])), preview)


def test_the_volume_is_encrypted_gp3_tagged_for_snapshots_and_attached(preview: bool) -> None:
    result = built("attached", preview)
    volume = result.one(VOLUME)
    assert (volume.inputs["availabilityZone"], volume.inputs["size"], volume.inputs["type"]) == ("us-east-1a", 5, "gp3")
    assert volume.inputs["encrypted"] is True and volume.inputs["finalSnapshot"] is True and volume.protect is False
    assert volume.inputs["tags"][TARGET_TAG] == "test-test-data"
    attachment = result.one(ATTACHMENT)
    assert (attachment.inputs["deviceName"], attachment.inputs["instanceId"]) == ("/dev/sdf", "i-0123456789abcdef0")
    assert attachment.inputs["stopInstanceBeforeDetaching"] is True and depends_on(result, attachment, volume)
    assert not built("copied", preview).of_type(ATTACHMENT)


def test_dlm_snapshots_the_tagged_volume_daily_and_keeps_a_week(preview: bool) -> None:
    result = built("attached", preview)
    policy = result.one(POLICY)
    details = policy.inputs["policyDetails"]
    assert details["resourceTypes"] == ["VOLUME"] and details["targetTags"] == {TARGET_TAG: "test-test-data"}
    [schedule] = details["schedules"]
    assert schedule["createRule"] == {"interval": 24, "intervalUnit": "HOURS", "times": "03:00"}
    assert schedule["retainRule"] == {"count": 7} and schedule["copyTags"] is True and "crossRegionCopyRules" not in schedule
    assert policy.inputs["state"] == "ENABLED"
    role = result.one(ROLE)
    assert json.loads(role.inputs["assumeRolePolicy"])["Statement"][0]["Principal"] == {"Service": "dlm.amazonaws.com"}
    attachment = result.one(ROLE_ATTACHMENT)
    assert attachment.inputs["policyArn"] == DLM_SERVICE_ROLE_POLICY_ARN and depends_on(result, policy, attachment)


def test_cross_region_copies_and_a_custom_schedule(preview: bool) -> None:
    result = built("copied", preview)
    assert result.one(VOLUME).protect is True and result.one(VOLUME).inputs["finalSnapshot"] is False
    [schedule] = result.one(POLICY).inputs["policyDetails"]["schedules"]
    assert schedule["createRule"]["interval"] == 4 and schedule["retainRule"] == {"count": 42}
    assert schedule["crossRegionCopyRules"] == [
        {"target": "eu-west-1", "encrypted": True, "copyTags": True, "retainRule": {"interval": 30, "intervalUnit": "DAYS"}}
    ]


def test_failed_snapshots_raise_an_alarm(preview: bool) -> None:
    result = built("attached", preview)
    alarm = result.one(ALARM)
    assert (alarm.inputs["namespace"], alarm.inputs["metricName"]) == ("AWS/EBS", "SnapshotsCreateFailed")
    assert (alarm.inputs["statistic"], alarm.inputs["period"], alarm.inputs["threshold"]) == ("Sum", 3600, 0)
    assert depends_on(result, alarm, result.one(POLICY))
    if not preview:
        assert alarm.inputs["dimensions"] == {"DLMPolicyId": result.one(POLICY).id}


def test_dlm_texts_keep_to_the_characters_dlm_allows() -> None:
    assert dlm_text("Snapshots of shop/data.v2 (prod)") == "Snapshots of shop data v2 prod"
    assert dlm_text("///") == "snapshots"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"availability_zone": None}, "availability_zone: None is not allowed"),
        ({"availability_zone": "us-east-1"}, "availability_zone: 'us-east-1' is not an availability zone name"),
        ({"size_gib": 0}, "size_gib: 0 is outside 1..16384"),
        ({"device_name": "/dev/xvda"}, "device_name: '/dev/xvda' is not a data volume device"),
        ({"snapshot_interval_hours": 5}, "snapshot_interval_hours: 5 is not allowed"),
        ({"snapshot_time": "3:00"}, "snapshot_time: '3:00' is not a time of day"),
        ({"retain_count": 1001}, "retain_count: 1001 is outside 1..1000"),
        ({"copy_to_region": "us-east-1"}, "copy_to_region: 'us-east-1' is the volume's own region"),
        ({"copy_to_region": "Frankfurt"}, "copy_to_region: 'Frankfurt' is not a region name"),
        ({"kms_key_arn": "aws/ebs"}, "kms_key_arn: 'aws/ebs' is not a KMS key ARN"),
    ],
)
def test_bad_arguments_are_refused_before_any_resource(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(".", r"\.")) as error:
        run(lambda: VolumeBackups("data", VolumeBackupsArgs(**{"availability_zone": "us-east-1a", **overrides})))
    assert error.value.registered == []  # type: ignore[attr-defined]


def test_a_customer_managed_key_is_usable_by_dlm_and_nothing_more(preview: bool) -> None:
    assert built("attached", preview).count(ROLE_POLICY) == 0  # the AWS managed key needs nothing beyond DLM's managed policy
    document = json.loads(built("own-key", preview).one(ROLE_POLICY).inputs["policy"])
    use, grant = document["Statement"]
    assert use["Resource"] == grant["Resource"] == [KEY_ARN]
    assert {"kms:Decrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"} <= set(use["Action"]) and "kms:*" not in use["Action"]
    assert grant["Action"] == ["kms:CreateGrant"] and grant["Condition"] == {"Bool": {"kms:GrantIsForAWSResource": "true"}}
