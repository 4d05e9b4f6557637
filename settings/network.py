"""Stack config of the network: VPC, AZs, NAT, bastion, flow logs."""

from dataclasses import dataclass
from typing import Any, Mapping, Optional

from components.cidr_plan import MAX_AZS, check_az_count, check_subnet_layout, check_vpc_cidr
from components.ec2_defaults import check_instance_type
from components.network import LOG_RETENTION_DAYS, NatStrategy, check_ssh_allowed_cidrs

from .schema import Key, one_of


def _retention(value: int, key: str) -> None:
    if value not in LOG_RETENTION_DAYS:
        raise ValueError(f"{key}: {value} is not a CloudWatch retention; use one of {', '.join(map(str, LOG_RETENTION_DAYS))}")


KEYS = [
    Key(
        "vpcCidr",
        "string",
        "10.0.0.0/16",
        "IPv4 CIDR of the VPC, /16 to /23; subnets are planned inside it.",
        lambda v, k: check_vpc_cidr(v, k) and None,
    ),
    Key(
        "azCount",
        "integer",
        2,
        f"Availability zones to span, 2 to {MAX_AZS} (the database needs 2) and at most what the region has.",
        lambda v, k: check_az_count(v, k),
    ),
    Key(
        "natStrategy",
        "string",
        "single",
        "Egress of the private subnets: none, single, one_per_az or instance.",
        one_of(*(s.value for s in NatStrategy)),
    ),
    Key("publicSubnetCidrs", "array", [], "Explicit public subnet CIDRs, one per AZ; empty uses the computed plan."),
    Key("privateSubnetCidrs", "array", [], "Explicit private subnet CIDRs, one per AZ; empty uses the computed plan."),
    Key("isolatedSubnetCidrs", "array", [], "Explicit isolated subnet CIDRs, one per AZ; empty uses the computed plan."),
    Key("bastionEnabled", "boolean", False, "Run a bastion host (t4g.nano) in the first public subnet."),
    Key("bastionInstanceType", "string", "t4g.nano", "Instance type of the bastion host.", lambda v, k: check_instance_type(v, k) and None),
    Key("bastionKeyName", "string", "", "EC2 key pair for SSH to the bastion; empty for none (use EC2 Instance Connect)."),
    Key("sshAllowedCidrs", "array", [], "CIDRs allowed to SSH to the bastion; 0.0.0.0/0 and ::/0 are refused.", check_ssh_allowed_cidrs),
    Key("flowLogRetentionDays", "integer", 30, "Days CloudWatch keeps the VPC flow logs (a retention CloudWatch accepts).", _retention),
]


@dataclass(frozen=True)
class NetworkSettings:
    """Typed network settings of a stack."""

    vpc_cidr: str
    az_count: int
    nat_strategy: str
    public_subnet_cidrs: Optional[list[str]]
    private_subnet_cidrs: Optional[list[str]]
    isolated_subnet_cidrs: Optional[list[str]]
    bastion_enabled: bool
    bastion_instance_type: str
    bastion_key_name: Optional[str]
    ssh_allowed_cidrs: list[str]
    flow_log_retention_days: int


def build(values: Mapping[str, Any], key: Any) -> NetworkSettings:
    """Build the section from parsed values; `key(name)` gives the full config key for messages."""
    explicit = {
        key(f"{tier}SubnetCidrs"): values[f"{tier}SubnetCidrs"]
        for tier in ("public", "private", "isolated")
        if values[f"{tier}SubnetCidrs"]
    }
    check_subnet_layout(values["vpcCidr"], explicit, values["azCount"])
    if values["bastionEnabled"] and not values["sshAllowedCidrs"]:
        raise ValueError(f"{key('sshAllowedCidrs')}: [] leaves the bastion unreachable; list your own CIDRs or set bastionEnabled to false")
    return NetworkSettings(
        vpc_cidr=values["vpcCidr"],
        az_count=values["azCount"],
        nat_strategy=values["natStrategy"],
        public_subnet_cidrs=values["publicSubnetCidrs"] or None,
        private_subnet_cidrs=values["privateSubnetCidrs"] or None,
        isolated_subnet_cidrs=values["isolatedSubnetCidrs"] or None,
        bastion_enabled=values["bastionEnabled"],
        bastion_instance_type=values["bastionInstanceType"],
        bastion_key_name=values["bastionKeyName"] or None,
        ssh_allowed_cidrs=values["sshAllowedCidrs"],
        flow_log_retention_days=values["flowLogRetentionDays"],
    )
