"""Chapter 9 program: the data volume is encrypted, attached to the recoverable server, mounted and snapshotted."""

import base64
from pathlib import Path

import book_checks
from book_checks import (  # noqa: F401 - the checks every program passes, collected here
    test_every_resource_is_tagged,
    test_passes_the_policy_packs,
    test_preview_registers_the_same_resources,
    test_readme_shows_the_estimate,
)
from conftest import resources

from policies.offline.check import CheckResult


def test_the_volume_is_attached_in_the_servers_az_mounted_and_snapshotted_daily(checked: CheckResult) -> None:
    [volume] = resources(checked, "aws:ebs/volume:Volume")
    [server] = [i for i in resources(checked, "aws:ec2/instance:Instance") if i.name == "server-server"]
    [subnet] = [s for s in resources(checked, "aws:ec2/subnet:Subnet") if s.id == server.inputs["subnetId"]]
    assert volume.inputs["availabilityZone"] == subnet.inputs["availabilityZone"] and volume.inputs["encrypted"] is True
    [attachment] = resources(checked, "aws:ec2/volumeAttachment:VolumeAttachment")
    assert (attachment.inputs["instanceId"], attachment.inputs["deviceName"]) == (server.id, "/dev/sdf")
    [template] = [t for t in resources(checked, "aws:ec2/launchTemplate:LaunchTemplate") if t.name == "server-servers"]
    script = base64.b64decode(template.inputs["userData"]).decode()
    assert "DEVICE=/dev/sdf" in script and "mkfs -t xfs" in script and "mountpoint -q /data || mount /data" in script
    [policy] = resources(checked, "aws:dlm/lifecyclePolicy:LifecyclePolicy")
    assert policy.inputs["policyDetails"]["schedules"][0]["createRule"]["interval"] == 24


def test_bad_config_is_one_line(program: Path) -> None:
    book_checks.assert_bad_config_is_one_line(
        program, {"ch09-ebs:snapshotIntervalHours": 5}, "ch09-ebs:snapshotIntervalHours: 5 is not allowed"
    )
    book_checks.assert_bad_config_is_one_line(program, {"ch09-ebs:copyToRegion": "us-east-1"}, "ch09-ebs:copyToRegion: 'us-east-1' is the")
