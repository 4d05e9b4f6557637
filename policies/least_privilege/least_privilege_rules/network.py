"""Network: nothing admin or data reachable from the internet, the web only on load balancers, no implicit exposure."""

import ipaddress
from dataclasses import dataclass
from typing import Any, Iterator

from pulumi_policy import (
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from ._props import StackIndex, get, is_true, items, number, policy_config, tags

SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
DEFAULT_SECURITY_GROUP = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
VPC = "aws:ec2/vpc:Vpc"
SUBNETS = ("aws:ec2/subnet:Subnet", "aws:ec2/defaultSubnet:DefaultSubnet")
ADMIN_PORTS = [22, 3389, 3306, 5432, 6379, 2049]
"""Administration and data ports that are never open to the internet."""
PORT_NAMES = {22: "SSH", 3389: "RDP", 3306: "MySQL", 5432: "PostgreSQL", 6379: "Redis", 2049: "NFS"}
PUBLIC_WEB_PORTS = [80, 443]
LOAD_BALANCER_TAG = {"key": "Role", "values": ["load-balancer"]}
"""How a security group says it belongs to an internet-facing load balancer: tag Role=load-balancer."""
_ALL_PROTOCOLS = ("-1", "all")
_PORT_PROTOCOLS = ("tcp", "udp", "6", "17")


@dataclass(frozen=True)
class Ingress:
    """One ingress permission from a CIDR, whatever resource declared it."""

    where: str
    protocol: str
    from_port: float
    to_port: float
    cidr: str

    @property
    def all_traffic(self) -> bool:
        return self.protocol in _ALL_PROTOCOLS

    def covers(self, port: int) -> bool:
        """Whether the permission reaches this TCP/UDP port."""
        if self.all_traffic:
            return True
        return self.protocol in _PORT_PROTOCOLS and self.from_port <= port <= self.to_port

    def only_ports(self, allowed: list[float]) -> bool:
        """Whether it is TCP and every port it opens is in `allowed`."""
        if self.protocol not in ("tcp", "6") or self.to_port - self.from_port > 1024:
            return False
        return all(port in allowed for port in range(int(self.from_port), int(self.to_port) + 1))

    def text(self) -> str:
        if self.all_traffic:
            return f"all traffic from {self.cidr}"
        ports = f"{self.from_port:.0f}" if self.from_port == self.to_port else f"{self.from_port:.0f}-{self.to_port:.0f}"
        return f"{self.protocol} {ports} from {self.cidr}"


def is_world(cidr: Any) -> bool:
    """0.0.0.0/0, ::/0 or any other CIDR with prefix length 0."""
    try:
        return isinstance(cidr, str) and ipaddress.ip_network(cidr, strict=False).prefixlen == 0
    except ValueError:
        return False


def _ports(block: Any, protocol_key: str) -> tuple[str, float, float]:
    protocol = str(get(block, protocol_key, default="-1")).lower()
    return protocol, number(get(block, "fromPort"), 0.0), number(get(block, "toPort"), 65535.0)


def ingresses(resource_type: str, props: Any) -> Iterator[Ingress]:
    """Every CIDR ingress declared by a security group (inline), an ingress rule or a security group rule."""
    if resource_type in (SECURITY_GROUP, DEFAULT_SECURITY_GROUP):
        for index, block in enumerate(items(get(props, "ingress"))):
            protocol, low, high = _ports(block, "protocol")
            for cidr in items(get(block, "cidrBlocks")) + items(get(block, "ipv6CidrBlocks")):
                yield Ingress(f"ingress[{index}]", protocol, low, high, cidr)
    elif resource_type == INGRESS_RULE:
        protocol, low, high = _ports(props, "ipProtocol")
        for key in ("cidrIpv4", "cidrIpv6"):
            cidr = get(props, key)
            if cidr:
                yield Ingress(key, protocol, low, high, cidr)
    elif resource_type == GROUP_RULE and get(props, "type") == "ingress":
        protocol, low, high = _ports(props, "protocol")
        for cidr in items(get(props, "cidrBlocks")) + items(get(props, "ipv6CidrBlocks")):
            yield Ingress("rule", protocol, low, high, cidr)


def validate_no_public_admin_ports(args: ResourceValidationArgs, report: ReportViolation) -> None:
    ports = [int(p) for p in policy_config(args, {"adminPorts": ADMIN_PORTS})["adminPorts"]]
    for ingress in ingresses(args.resource_type, args.props):
        if not is_world(ingress.cidr):
            continue
        exposed = [f"{port} ({PORT_NAMES[port]})" if port in PORT_NAMES else str(port) for port in ports if ingress.covers(port)]
        if exposed:
            report(
                f"{ingress.where}: {ingress.text()} opens admin/data port(s) {', '.join(exposed)} to the whole internet. "
                "Fix: allow your office/VPN CIDR or a security group (the bastion's, the app's) instead, or use SSM Session Manager."
            )


def _marked(resource_tags: dict[str, str], marker: dict[str, Any]) -> bool:
    return resource_tags.get(marker["key"]) in marker["values"]


def validate_public_ingress_only_web_on_load_balancers(args: StackValidationArgs, report: ReportViolation) -> None:
    cfg = policy_config(args, {"allowedPorts": PUBLIC_WEB_PORTS, "markerTag": LOAD_BALANCER_TAG})
    allowed, marker = list(cfg["allowedPorts"]), cfg["markerTag"]
    marker_text = f"tag {marker['key']}={'|'.join(marker['values'])}"
    stack = StackIndex(args.resources)
    for resource in stack.of_type(SECURITY_GROUP, DEFAULT_SECURITY_GROUP, INGRESS_RULE, GROUP_RULE):
        world = [i for i in ingresses(resource.resource_type, resource.props) if is_world(i.cidr)]
        if not world:
            continue
        if resource.resource_type in (SECURITY_GROUP, DEFAULT_SECURITY_GROUP):
            groups = [resource]
            marked = _marked(tags(resource.props), marker)
        else:
            groups = stack.refs(resource, "securityGroupId", types=(SECURITY_GROUP, DEFAULT_SECURITY_GROUP))
            marked = _marked(tags(resource.props), marker) or any(_marked(tags(g.props), marker) for g in groups)
        group_text = ", ".join(g.name for g in groups) or "an unknown group"
        for ingress in world:
            if not ingress.only_ports(allowed):
                report(
                    f"{ingress.where}: {ingress.text()}; only tcp {', '.join(f'{p:.0f}' for p in allowed)} may be "
                    "open to the internet. Fix: restrict the source to known CIDRs or security groups, "
                    "or put the service behind the load balancer.",
                    resource.urn,
                )
            elif not marked:
                report(
                    f"{ingress.where}: {ingress.text()} on security group {group_text}, which is not a load "
                    f"balancer's ({marker_text}). Fix: serve the internet through a load balancer whose security group carries "
                    f"{marker_text}, and admit only that group here.",
                    resource.urn,
                )


def validate_default_security_group_closed(args: StackValidationArgs, report: ReportViolation) -> None:
    stack = StackIndex(args.resources)
    adopted: set[str] = set()
    for group in stack.of_type(DEFAULT_SECURITY_GROUP):
        adopted.update(vpc.urn for vpc in stack.refs(group, "vpcId", types=(VPC,)))
        rules = [key for key in ("ingress", "egress") if items(get(group.props, key))]
        if rules:
            report(
                f"It keeps {' and '.join(rules)} rules; nothing should use the default security group. "
                "Fix: set ingress=[] and egress=[] and give workloads their own security groups.",
                group.urn,
            )
    for vpc in stack.of_type(VPC):
        if vpc.urn not in adopted:
            report(
                "It leaves AWS's default security group with its allow-all rules. "
                "Fix: adopt it with aws.ec2.DefaultSecurityGroup(vpc_id=vpc.id, ingress=[], egress=[]).",
                vpc.urn,
            )


def validate_subnet_no_auto_public_ip(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type in SUBNETS and is_true(get(args.props, "mapPublicIpOnLaunch")):
        report(
            "mapPublicIpOnLaunch is true: every instance launched here gets a public IP. "
            "Fix: set map_public_ip_on_launch=False and give a public IP only to the instances that need one."
        )


POLICIES = [
    ResourceValidationPolicy(
        name="sg-no-public-admin-ports",
        description="Admin and data ports (SSH, RDP, MySQL, PostgreSQL, Redis, NFS) are never open to 0.0.0.0/0 or ::/0.",
        validate=validate_no_public_admin_ports,
        config_schema=PolicyConfigSchema(
            properties={
                "adminPorts": {
                    "type": "array",
                    "items": {"type": "integer", "minimum": 0, "maximum": 65535},
                    "default": ADMIN_PORTS,
                    "description": "Ports that must never be reachable from the internet.",
                }
            }
        ),
        remediation_steps="Allow specific CIDRs or security groups; use SSM Session Manager for shells.",
    ),
    StackValidationPolicy(
        name="sg-public-ingress-only-web-on-load-balancers",
        description="Ingress from 0.0.0.0/0 or ::/0 is only tcp 80/443 on a load balancer's security group (tag Role=load-balancer).",
        validate=validate_public_ingress_only_web_on_load_balancers,
        config_schema=PolicyConfigSchema(
            properties={
                "allowedPorts": {
                    "type": "array",
                    "items": {"type": "integer", "minimum": 0, "maximum": 65535},
                    "default": PUBLIC_WEB_PORTS,
                    "description": "TCP ports a load balancer may open to the internet.",
                },
                "markerTag": {
                    "type": "object",
                    "properties": {"key": {"type": "string"}, "values": {"type": "array", "items": {"type": "string"}}},
                    "required": ["key", "values"],
                    "default": LOAD_BALANCER_TAG,
                    "description": "The tag that marks a load balancer's security group (on the group or on the rule).",
                },
            }
        ),
        remediation_steps="Serve the internet through a load balancer tagged Role=load-balancer.",
    ),
    StackValidationPolicy(
        name="default-security-group-closed",
        description="Every VPC adopts its default security group and leaves it without rules.",
        validate=validate_default_security_group_closed,
        remediation_steps="Declare aws.ec2.DefaultSecurityGroup(vpc_id=..., ingress=[], egress=[]).",
    ),
    ResourceValidationPolicy(
        name="subnet-no-auto-public-ip",
        description="Subnets do not assign public IPs automatically (mapPublicIpOnLaunch).",
        validate=validate_subnet_no_auto_public_ip,
        remediation_steps="Set map_public_ip_on_launch=False.",
    ),
]
