"""Boot steps of a recoverable server (book ch. 14): find its data and its address again after a replacement.

A replacement starts in any AZ with an empty root volume and a new private IP (the book's two
pitfalls). At boot this script, run as root from the user data:

    server_boot.py volume  --tag-key K --tag-value V --size 10 --instance I --zone Z   prints the volume id
    server_boot.py address --allocation-id eipalloc-... --instance I                   re-attaches the Elastic IP
    server_boot.py dns     --zone-id Z --name N --ip 10.0.1.23                         points the A record at this server

`volume` attaches the server's data volume: an available volume with the tag in this AZ (the previous
server's, nothing lost), else a new one from the newest snapshot with the tag (Data Lifecycle Manager
takes them: the data of the last snapshot), else an empty one (the first boot). A volume left in
another AZ is never picked again after a restore: it is retagged superseded-by=<new volume> and kept,
so nobody's data is deleted and nothing stale is ever mounted.
"""

import argparse
import sys
from typing import Any, Optional

import boto3

SUPERSEDED_TAG = "awsinaction:superseded-by"
"""Tag a volume gets when a newer one replaced it; it keeps the data for inspection and is never attached again."""


def _newest(items: list[dict[str, Any]], key: str) -> Optional[dict[str, Any]]:
    return max(items, key=lambda item: item[key]) if items else None


def find_or_create_volume(ec2: Any, tag_key: str, tag_value: str, zone: str, size_gib: int) -> tuple[str, str]:
    """(volume id, how it was found: reused, restored or created) for the server's data in `zone`."""
    tag_filter = {"Name": f"tag:{tag_key}", "Values": [tag_value]}
    available = ec2.describe_volumes(
        Filters=[tag_filter, {"Name": "status", "Values": ["available"]}, {"Name": "availability-zone", "Values": [zone]}]
    )["Volumes"]
    volume = _newest(available, "CreateTime")
    if volume:
        return volume["VolumeId"], "reused"
    snapshots = ec2.describe_snapshots(OwnerIds=["self"], Filters=[tag_filter, {"Name": "status", "Values": ["completed"]}])["Snapshots"]
    snapshot = _newest(snapshots, "StartTime")
    request: dict[str, Any] = {
        "AvailabilityZone": zone,
        "VolumeType": "gp3",
        "Encrypted": True,
        "TagSpecifications": [
            {"ResourceType": "volume", "Tags": [{"Key": tag_key, "Value": tag_value}, {"Key": "Name", "Value": tag_value}]}
        ],
    }
    if snapshot:
        request["SnapshotId"] = snapshot["SnapshotId"]
    else:
        request["Size"] = size_gib
    volume_id = ec2.create_volume(**request)["VolumeId"]
    return volume_id, "restored" if snapshot else "created"


def supersede_others(ec2: Any, tag_key: str, tag_value: str, current: str) -> list[str]:
    """Retag every other volume of the server so it is never attached again; returns their ids.

    In-use ones too: after an AZ outage the dead server's volume is still attached (or its AZ unreachable), and it
    would otherwise come back as "available" with the tag days later and win over the newer snapshots.
    """
    volumes = ec2.describe_volumes(Filters=[{"Name": f"tag:{tag_key}", "Values": [tag_value]}])
    others = [v["VolumeId"] for v in volumes["Volumes"] if v["VolumeId"] != current]
    if others:
        ec2.create_tags(Resources=others, Tags=[{"Key": SUPERSEDED_TAG, "Value": current}])
        ec2.delete_tags(Resources=others, Tags=[{"Key": tag_key}])
    return others


def attach_data_volume(ec2: Any, tag_key: str, tag_value: str, instance_id: str, zone: str, size_gib: int, device: str) -> str:
    """Find, restore or create the data volume, attach it to this instance and retire the stale ones; returns its id."""
    volume_id, how = find_or_create_volume(ec2, tag_key, tag_value, zone, size_gib)
    ec2.get_waiter("volume_available").wait(VolumeIds=[volume_id])
    ec2.attach_volume(Device=device, InstanceId=instance_id, VolumeId=volume_id)
    ec2.get_waiter("volume_in_use").wait(VolumeIds=[volume_id])
    # The attached volume is now the server's data: every other one is stale (or, before the first snapshot, the only
    # copy of old data): keep them, but never attach them again.
    retired = supersede_others(ec2, tag_key, tag_value, volume_id)
    print(f"data volume {volume_id} {how} and attached as {device}; superseded {retired or 'none'}", file=sys.stderr)
    return volume_id


def associate_address(ec2: Any, allocation_id: str, instance_id: str) -> None:
    """Move the Elastic IP to this instance (from a dead predecessor too)."""
    ec2.associate_address(AllocationId=allocation_id, InstanceId=instance_id, AllowReassociation=True)


def point_record(route53: Any, zone_id: str, name: str, ip: str, ttl: int = 60) -> None:
    """UPSERT the A record `name` to this server's private IP."""
    change = {"Action": "UPSERT", "ResourceRecordSet": {"Name": name, "Type": "A", "TTL": ttl, "ResourceRecords": [{"Value": ip}]}}
    route53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Comment": "recoverable server boot", "Changes": [change]})


def main(argv: list[str]) -> int:
    """Command line used by the user data."""
    cli = argparse.ArgumentParser(prog="server_boot.py")
    commands = cli.add_subparsers(dest="command", required=True)
    volume = commands.add_parser("volume")
    for option in ("--tag-key", "--tag-value", "--instance", "--zone", "--device"):
        volume.add_argument(option, required=True)
    volume.add_argument("--size", type=int, required=True)
    address = commands.add_parser("address")
    address.add_argument("--allocation-id", required=True)
    address.add_argument("--instance", required=True)
    dns = commands.add_parser("dns")
    for option in ("--zone-id", "--name", "--ip"):
        dns.add_argument(option, required=True)
    options = cli.parse_args(argv)
    if options.command == "volume":
        ec2 = boto3.client("ec2")
        print(attach_data_volume(ec2, options.tag_key, options.tag_value, options.instance, options.zone, options.size, options.device))
    elif options.command == "address":
        associate_address(boto3.client("ec2"), options.allocation_id, options.instance)
    else:
        point_record(boto3.client("route53"), options.zone_id, options.name, options.ip)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
