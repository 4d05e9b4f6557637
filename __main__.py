"""The platform program: `pulumi up --stack dev|prod` builds what the stack's config asks for."""

import pulumi
import pulumi_aws as aws

from components.network import Network, NetworkArgs
from settings import ConfigError, Settings, load_settings, read_project_config


def read_settings() -> Settings:
    """Load and validate the whole stack config before any resource is registered."""
    project, stack = pulumi.get_project(), pulumi.get_stack()
    raw = read_project_config(project)
    try:
        zones = aws.get_availability_zones(state="available", filters=[{"name": "opt-in-status", "values": ["opt-in-not-required"]}])
        return load_settings(project, stack, raw, available_azs=len(zones.names))
    except ConfigError as error:
        # RunError ends the program with this one line and no traceback.
        raise pulumi.RunError(str(error)) from None


def main() -> None:
    settings = read_settings()
    net = settings.network
    network = Network(
        "network",
        NetworkArgs(
            cidr_block=net.vpc_cidr,
            az_count=net.az_count,
            nat_strategy=net.nat_strategy,
            public_subnet_cidrs=net.public_subnet_cidrs,
            private_subnet_cidrs=net.private_subnet_cidrs,
            isolated_subnet_cidrs=net.isolated_subnet_cidrs,
            bastion_enabled=net.bastion_enabled,
            ssh_allowed_cidrs=net.ssh_allowed_cidrs,
            bastion_instance_type=net.bastion_instance_type,
            bastion_key_name=net.bastion_key_name,
            flow_log_retention_days=net.flow_log_retention_days,
        ),
    )
    pulumi.export("vpcId", network.vpc_id)
    pulumi.export("availabilityZones", network.availability_zones)
    pulumi.export("publicSubnetIds", network.public_subnet_ids)
    pulumi.export("privateSubnetIds", network.private_subnet_ids)
    pulumi.export("isolatedSubnetIds", network.isolated_subnet_ids)
    pulumi.export("bastionPublicIp", network.bastion_public_ip)


main()
