"""AWS in Action, chapter 9: block storage. A server with a data volume at /data, snapshotted by Data Lifecycle Manager.

The server (a RecoverableServer with the recover alarm: recovery keeps its volumes attached) formats
the volume once and mounts it at /data. Data Lifecycle Manager snapshots the volume on a schedule;
restore a snapshot into any AZ of the region, or into the copy region:

    aws ec2 describe-snapshots --owner-ids self --filters Name=tag:awsinaction:snapshots,Values=$(pulumi stack output snapshotTag)
    aws ec2 create-volume --snapshot-id <snap-id> --availability-zone us-east-1b --volume-type gp3 --encrypted
"""

import pulumi
from awsinaction.config_errors import config_errors, config_int
from awsinaction.lambda_function import check_email
from awsinaction.network import NatStrategy, Network, NetworkArgs
from awsinaction.recoverable_server import RecoverableServer, RecoverableServerArgs, RecoveryStrategy, mount_volume_commands
from awsinaction.volume_backups import VolumeBackups, VolumeBackupsArgs, validate_volume_backups_args

DEVICE = "/dev/sdf"
"""Where the volume is attached; Amazon Linux's udev rules keep this name for the NVMe device."""
config = pulumi.Config()


def backups_args(zone: str, instance_id: pulumi.Input[str], topic_arn: pulumi.Input[str]) -> VolumeBackupsArgs:
    """The data volume and its snapshots as this stack's config asks for them."""
    return VolumeBackupsArgs(
        availability_zone=zone,
        instance_id=instance_id,
        device_name=DEVICE,
        size_gib=config_int(config, "volumeSizeGib", 5),
        snapshot_interval_hours=config_int(config, "snapshotIntervalHours", 24),
        retain_count=config_int(config, "retainCount", 7),
        copy_to_region=config.get("copyToRegion") or None,
        alarm_topic_arn=topic_arn,
    )


email = config.get("alarmEmail") or None
keys = {"size_gib": "volumeSizeGib", "snapshot_interval_hours": "snapshotIntervalHours", "retain_count": "retainCount",
        "copy_to_region": "copyToRegion", "alarm_email": "alarmEmail"}
with config_errors(keys):
    check_email(email, "alarm_email")
    validate_volume_backups_args(backups_args("us-east-1a", "i-0", "topic"))
    # A NAT instance gives the server its way to the package repositories and to Session Manager.
    network = Network(
        "ebs-net", NetworkArgs(cidr_block="10.9.0.0/16", az_count=2, nat_strategy=NatStrategy.INSTANCE, flow_log_retention_days=7)
    )
    server = RecoverableServer(
        "server",
        RecoverableServerArgs(
            vpc_id=network.vpc_id,
            subnet_ids=network.private_subnet_ids,
            strategy=RecoveryStrategy.RECOVER_ALARM,
            app_bootstrap=mount_volume_commands(DEVICE, "/data"),
            alarm_email=email,
            log_retention_days=7,
        ),
    )
    # The server runs in the first private subnet, so the volume lives in the first AZ.
    backups = VolumeBackups("data", backups_args(network.zone_names[0], server.instance_id, server.alarm_topic_arn))

pulumi.export("instanceId", server.instance_id)
pulumi.export("volumeId", backups.volume_id)
pulumi.export("availabilityZone", backups.availability_zone)
pulumi.export("snapshotPolicyId", backups.snapshot_policy_id)
pulumi.export("snapshotTag", backups.snapshot_tag)
pulumi.export("sessionManager", server.instance_id.apply(lambda i: f"aws ssm start-session --target {i}"))
