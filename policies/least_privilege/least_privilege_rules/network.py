"""Network: nothing admin or data reachable from the internet, the web only on load balancers, no implicit exposure.

"The internet" is any set of sources whose union admits more public addresses than one /16 (configurable),
so 0.0.0.0/1 plus 128.0.0.0/1 counts like 0.0.0.0/0. A security group belongs to an internet-facing load
balancer when such a load balancer lists it (aws.lb, aws.alb or a classic aws.elb), or by the marker tag.
"""

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

from ._props import StackIndex, Verdicts, get, is_true, items, known, number, policy_config, tags
from .addresses import MAX_PUBLIC_PREFIX, describe_reach, internet_wide, is_public, private_ranges, within

SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
DEFAULT_SECURITY_GROUP = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
GROUPS = (SECURITY_GROUP, DEFAULT_SECURITY_GROUP)
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS_RULE = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
VPC = "aws:ec2/vpc:Vpc"
SUBNETS = ("aws:ec2/subnet:Subnet", "aws:ec2/defaultSubnet:DefaultSubnet")
LOAD_BALANCERS = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
CLASSIC_LOAD_BALANCER = "aws:elb/loadBalancer:LoadBalancer"
ADMIN_PORTS = [22, 3389, 3306, 5432, 6379, 2049]
"""Administration and data ports that are never open to the internet."""
PORT_NAMES = {22: "SSH", 3389: "RDP", 3306: "MySQL", 5432: "PostgreSQL", 6379: "Redis", 2049: "NFS"}
PUBLIC_WEB_PORTS = [80, 443]
LOAD_BALANCER_TAG = {"key": "Role", "values": ["load-balancer"]}
"""How a security group can also say it belongs to an internet-facing load balancer: tag Role=load-balancer."""
_ALL_PROTOCOLS = ("-1", "all")
_PORT_PROTOCOLS = ("tcp", "udp", "6", "17")
PREFIX_SCHEMA = {
    "maxPublicPrefixLength": {
        "type": "integer",
        "minimum": 0,
        "maximum": 32,
        "default": MAX_PUBLIC_PREFIX[4],
        "description": "Sources admitting more public IPv4 addresses than one network of this prefix length count as the internet.",
    },
    "maxPublicPrefixLengthIpv6": {
        "type": "integer",
        "minimum": 0,
        "maximum": 128,
        "default": MAX_PUBLIC_PREFIX[6],
        "description": "The same for IPv6 sources.",
    },
}


@dataclass(frozen=True)
class Permission:
    """One ingress or egress permission to or from a CIDR, whatever resource declared it."""

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

    def overlaps(self, other: "Permission") -> bool:
        """Whether both permissions reach some common port."""
        if self.all_traffic or other.all_traffic:
            return True
        pair = {self.protocol, other.protocol}
        same = len(pair) == 1 or pair <= {"tcp", "6"} or pair <= {"udp", "17"}
        return same and self.from_port <= other.to_port and other.from_port <= self.to_port

    def only_ports(self, allowed: list[float]) -> bool:
        """Whether it is TCP and every port it opens is in `allowed`."""
        if self.protocol not in ("tcp", "6") or self.to_port - self.from_port > 1024:
            return False
        return all(port in allowed for port in range(int(self.from_port), int(self.to_port) + 1))

    def ports_text(self) -> str:
        if self.all_traffic:
            return "all traffic"
        ports = f"{self.from_port:.0f}" if self.from_port == self.to_port else f"{self.from_port:.0f}-{self.to_port:.0f}"
        return f"{self.protocol} {ports}"

    def text(self) -> str:
        return f"{self.ports_text()} {'to' if self.where.startswith('egress') else 'from'} {self.cidr}"


def prefix_limits(cfg: dict[str, Any]) -> dict[int, int]:
    """The configured "wider than this counts as the internet" prefix lengths."""
    return {
        4: int(number(cfg.get("maxPublicPrefixLength"), MAX_PUBLIC_PREFIX[4])),
        6: int(number(cfg.get("maxPublicPrefixLengthIpv6"), MAX_PUBLIC_PREFIX[6])),
    }


def _ports(block: Any, protocol_key: str) -> tuple[str, float, float]:
    protocol = str(get(block, protocol_key, default="-1")).lower()
    return protocol, number(get(block, "fromPort"), 0.0), number(get(block, "toPort"), 65535.0)


def permissions(resource_type: str, props: Any, direction: str = "ingress") -> Iterator[Permission]:
    """Every CIDR permission of one direction declared by a group (inline), a standalone rule or a security group rule."""
    if resource_type in GROUPS:
        for index, block in enumerate(items(get(props, direction))):
            protocol, low, high = _ports(block, "protocol")
            for cidr in items(get(block, "cidrBlocks")) + items(get(block, "ipv6CidrBlocks")):
                yield Permission(f"{direction}[{index}]", protocol, low, high, cidr)
    elif resource_type == (INGRESS_RULE if direction == "ingress" else EGRESS_RULE):
        protocol, low, high = _ports(props, "ipProtocol")
        for key in ("cidrIpv4", "cidrIpv6"):
            cidr = get(props, key)
            if cidr:
                yield Permission(key if direction == "ingress" else "egress", protocol, low, high, cidr)
    elif resource_type == GROUP_RULE and get(props, "type") == direction:
        protocol, low, high = _ports(props, "protocol")
        for cidr in items(get(props, "cidrBlocks")) + items(get(props, "ipv6CidrBlocks")):
            yield Permission("rule" if direction == "ingress" else "egress", protocol, low, high, cidr)


def ingresses(resource_type: str, props: Any) -> Iterator[Permission]:
    """Every CIDR ingress declared by a security group (inline), an ingress rule or a security group rule."""
    return permissions(resource_type, props, "ingress")


def _port_names(ports: list[int]) -> str:
    return ", ".join(f"{port} ({PORT_NAMES[port]})" if port in PORT_NAMES else str(port) for port in ports)


def validate_no_public_admin_ports(args: ResourceValidationArgs, report: ReportViolation) -> None:
    cfg = policy_config(args, {"adminPorts": ADMIN_PORTS})
    ports = [int(p) for p in cfg["adminPorts"]]
    limits = prefix_limits(cfg)
    found = list(ingresses(args.resource_type, args.props))
    for port in ports:
        sources = [i for i in found if i.covers(port)]
        if not internet_wide([i.cidr for i in sources], limits):
            continue
        where = ", ".join(sorted({i.where for i in sources}))
        cidrs = ", ".join(dict.fromkeys(i.cidr for i in sources))
        report(
            f"{where}: port {_port_names([port])} admits {cidrs}, {describe_reach(i.cidr for i in sources)} "
            f"(more than a /{limits[4]} of public addresses counts as the internet). "
            "Fix: allow your office/VPN CIDR or a security group (the bastion's, the app's) instead, or use SSM Session Manager."
        )


def _marked(resource_tags: dict[str, str], marker: dict[str, Any]) -> bool:
    return resource_tags.get(marker["key"]) in marker["values"]


def internet_facing(balancer: Any) -> bool:
    """A load balancer that is not internal (the provider's default is internet-facing)."""
    return not is_true(known(balancer.props, "internal"))


def load_balancer_groups(stack: StackIndex) -> set[str]:
    """URNs of the security groups that an internet-facing load balancer of the stack lists, as AWS attaches them."""
    found: set[str] = set()
    for balancer in stack.of_type(*LOAD_BALANCERS, CLASSIC_LOAD_BALANCER):
        if internet_facing(balancer):
            found.update(group.urn for group in stack.refs(balancer, "securityGroups", types=GROUPS))
    return found


@dataclass(frozen=True)
class _Grant:
    resource: Any
    permission: Permission
    groups: tuple[Any, ...]


def group_grants(stack: StackIndex, verdicts: Verdicts, direction: str = "ingress") -> dict[str, list[_Grant]]:
    """Every CIDR permission of the stack by the URN of the group it applies to (a rule's own URN when the group is unknown)."""
    by_group: dict[str, list[_Grant]] = {}

    def collect(resource: Any) -> None:
        found = list(permissions(resource.resource_type, resource.props, direction))
        groups = (resource,) if resource.resource_type in GROUPS else tuple(stack.refs(resource, "securityGroupId", types=GROUPS))
        for permission in found:
            for key in [g.urn for g in groups] or [f"?{resource.urn}"]:
                by_group.setdefault(key, []).append(_Grant(resource, permission, groups))

    verdicts.each(stack.of_type(*GROUPS, INGRESS_RULE, EGRESS_RULE, GROUP_RULE), collect)
    return by_group


def validate_public_ingress_only_web_on_load_balancers(args: StackValidationArgs, report: ReportViolation) -> None:
    cfg = policy_config(args, {"allowedPorts": PUBLIC_WEB_PORTS, "markerTag": LOAD_BALANCER_TAG})
    allowed, marker, limits = list(cfg["allowedPorts"]), cfg["markerTag"], prefix_limits(cfg)
    marker_text = f"tag {marker['key']}={'|'.join(marker['values'])}"
    stack = StackIndex(args.resources)
    verdicts = Verdicts()
    balancer_groups = load_balancer_groups(stack)
    reported: set[tuple[str, str]] = set()

    def judge_group(grants: list[_Grant]) -> None:
        for grant in grants:
            reach = [g.permission.cidr for g in grants if g.permission.overlaps(grant.permission)]
            if not is_public(grant.permission.cidr) or not internet_wide(reach, limits):
                continue
            resource, permission = grant.resource, grant.permission
            group_text = ", ".join(g.name for g in grant.groups) or "an unknown group"
            if not permission.only_ports(allowed):
                message = (
                    f"{permission.where}: {permission.text()} on security group {group_text} admits {describe_reach(reach)}; "
                    f"only tcp {', '.join(f'{p:.0f}' for p in allowed)} may be open to the internet. Fix: restrict the source "
                    "to known CIDRs or security groups, or put the service behind the load balancer."
                )
            elif not (
                any(g.urn in balancer_groups for g in grant.groups)
                or _marked(tags(resource.props), marker)
                or any(_marked(tags(g.props), marker) for g in grant.groups)
            ):
                message = (
                    f"{permission.where}: {permission.text()} on security group {group_text}, which no internet-facing load "
                    f"balancer lists (nor carries {marker_text}). Fix: serve the internet through a load balancer whose "
                    "security_groups include this group, and admit only the load balancer's group on the servers."
                )
            else:
                continue
            if (resource.urn, message) not in reported:
                reported.add((resource.urn, message))
                report(message, resource.urn)

    for grants in group_grants(stack, verdicts).values():
        verdicts.judge(grants[0].resource, lambda _r, g=grants: judge_group(g))
    verdicts.finish()


def validate_default_security_group_closed(args: StackValidationArgs, report: ReportViolation) -> None:
    stack = StackIndex(args.resources)
    verdicts = Verdicts()
    adopted: set[str] = set()

    def judge_default_group(group: Any) -> None:
        adopted.update(vpc.urn for vpc in stack.refs(group, "vpcId", types=(VPC,)))
        rules = [key for key in ("ingress", "egress") if items(get(group.props, key))]
        if rules:
            report(
                f"It keeps {' and '.join(rules)} rules; nothing should use the default security group. "
                "Fix: set ingress=[] and egress=[] and give workloads their own security groups.",
                group.urn,
            )

    verdicts.each(stack.of_type(DEFAULT_SECURITY_GROUP), judge_default_group)
    for vpc in stack.of_type(VPC):
        if vpc.urn not in adopted:
            report(
                "It leaves AWS's default security group with its allow-all rules. "
                "Fix: adopt it with aws.ec2.DefaultSecurityGroup(vpc_id=vpc.id, ingress=[], egress=[]).",
                vpc.urn,
            )
    verdicts.finish()


def validate_subnet_no_auto_public_ip(args: ResourceValidationArgs, report: ReportViolation) -> None:
    # AWS's default subnets assign public IPs unless told otherwise; other subnets do not.
    default = args.resource_type == "aws:ec2/defaultSubnet:DefaultSubnet"
    if args.resource_type in SUBNETS and is_true(get(args.props, "mapPublicIpOnLaunch", default=default)):
        report(
            "mapPublicIpOnLaunch is true"
            + (" (the default of AWS's default subnets)" if default else "")
            + ": every instance launched here gets a public IP. "
            "Fix: set map_public_ip_on_launch=False and give a public IP only to the instances that need one."
        )


# --- egress ------------------------------------------------------------------------------------

DATA_STORES: dict[str, tuple[str, ...]] = {
    "aws:rds/instance:Instance": ("vpcSecurityGroupIds",),
    "aws:rds/cluster:Cluster": ("vpcSecurityGroupIds",),
    "aws:elasticache/replicationGroup:ReplicationGroup": ("securityGroupIds",),
    "aws:elasticache/cluster:Cluster": ("securityGroupIds",),
    "aws:efs/mountTarget:MountTarget": ("securityGroups",),
    "aws:redshift/cluster:Cluster": ("vpcSecurityGroupIds",),
    "aws:docdb/cluster:Cluster": ("vpcSecurityGroupIds",),
    "aws:neptune/cluster:Cluster": ("vpcSecurityGroupIds",),
    "aws:memorydb/cluster:Cluster": ("securityGroupIds",),
    "aws:dax/cluster:Cluster": ("securityGroupIds",),
    "aws:opensearch/domain:Domain": ("vpcOptions", "securityGroupIds"),
}
"""Data stores and the property listing their security groups: they answer clients and never call the internet."""
ADMIN_HOSTS: dict[str, tuple[str, ...]] = {
    "aws:ec2/instance:Instance": ("vpcSecurityGroupIds",),
    "aws:ec2/launchTemplate:LaunchTemplate": ("vpcSecurityGroupIds",),
}
ADMIN_ROLES = {"tagKey": "Role", "allowed": ["bastion"]}
"""Instances tagged Role=bastion are admin hosts: their egress stays inside the VPC."""


def _groups_of(stack: StackIndex, kinds: dict[str, tuple[str, ...]], wanted: Any = None) -> dict[str, Any]:
    """Security groups (by URN) listed by the resources of `kinds` that `wanted(resource)` accepts."""
    found: dict[str, Any] = {}
    for resource in stack.of_type(*kinds):
        if wanted is None or wanted(resource):
            for group in stack.refs(resource, *kinds[resource.resource_type], types=GROUPS):
                found.setdefault(group.urn, (group, resource))
    return found


def _vpc_ranges(stack: StackIndex, group: Any) -> list[str]:
    """The CIDRs of the group's VPC (primary and secondary blocks); the private ranges when the VPC is not in the stack."""
    ranges: list[str] = []
    for vpc in stack.refs(group, "vpcId", types=(VPC,)):
        block = known(vpc.props, "cidrBlock")
        if isinstance(block, str):
            ranges.append(block)
        for association in stack.referrers(vpc, ("aws:ec2/vpcIpv4CidrBlockAssociation:VpcIpv4CidrBlockAssociation",), "vpcId"):
            extra = known(association.props, "cidrBlock")
            if isinstance(extra, str):
                ranges.append(extra)
    return ranges or private_ranges()


def validate_egress_restricted(args: StackValidationArgs, report: ReportViolation) -> None:
    cfg = policy_config(args, {"adminRoles": ADMIN_ROLES, "adminEgressPorts": []})
    key, roles = cfg["adminRoles"]["tagKey"], list(cfg["adminRoles"]["allowed"])
    admin_ports = [float(p) for p in cfg["adminEgressPorts"]]
    stack = StackIndex(args.resources)
    verdicts = Verdicts()
    grants = group_grants(stack, verdicts, "egress")

    def admin(resource: Any) -> bool:
        own = tags(resource.props)
        for spec in items(known(resource.props, "tagSpecifications")):
            own.update(tags(spec))
        return own.get(key) in roles

    data_groups = _groups_of(stack, DATA_STORES)
    admin_groups = _groups_of(stack, ADMIN_HOSTS, admin)

    def judge_data(group: Any, user: Any) -> None:
        for grant in grants.get(group.urn, []):
            if is_public(grant.permission.cidr):
                report(
                    f"{grant.permission.where}: {grant.permission.text()} lets the data store {user.name} "
                    f"({user.resource_type.rsplit(':', 1)[-1]}) reach the internet; a data store only answers its clients, "
                    "and an open way out is how stolen data leaves. Fix: remove the egress rule "
                    "(the provider drops AWS's allow-all egress when the group declares none).",
                    grant.resource.urn,
                )

    def judge_admin(group: Any, host: Any) -> None:
        inside = _vpc_ranges(stack, group)
        for grant in grants.get(group.urn, []):
            permission = grant.permission
            if within(permission.cidr, inside) or (admin_ports and permission.only_ports(admin_ports)):
                continue
            report(
                f"{permission.where}: {permission.text()} lets the admin host {host.name} ({key}={tags(host.props).get(key)}) "
                f"reach beyond its VPC ({', '.join(inside)}); a compromised bastion should not become a launch pad. "
                "Fix: limit its egress to the VPC's CIDR (SSH to the instances) and reach AWS services through VPC "
                "endpoints, or list the ports it needs in adminEgressPorts.",
                grant.resource.urn,
            )

    for group, user in data_groups.values():
        verdicts.judge(group, judge_data, user)
    for group, host in admin_groups.values():
        verdicts.judge(group, judge_admin, host)
    verdicts.finish()


POLICIES = [
    ResourceValidationPolicy(
        name="sg-no-public-admin-ports",
        description=(
            "Admin and data ports (SSH, RDP, MySQL, PostgreSQL, Redis, NFS) are never open to the internet "
            "(0.0.0.0/0, ::/0, or sources that together admit more than a /16)."
        ),
        validate=validate_no_public_admin_ports,
        config_schema=PolicyConfigSchema(
            properties={
                "adminPorts": {
                    "type": "array",
                    "items": {"type": "integer", "minimum": 0, "maximum": 65535},
                    "default": ADMIN_PORTS,
                    "description": "Ports that must never be reachable from the internet.",
                },
                **PREFIX_SCHEMA,
            }
        ),
        remediation_steps="Allow specific CIDRs or security groups; use SSM Session Manager for shells.",
    ),
    StackValidationPolicy(
        name="sg-public-ingress-only-web-on-load-balancers",
        description="Ingress from the internet is only tcp 80/443 and only on a security group an internet-facing load balancer lists.",
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
                    "description": "A tag that also marks a load balancer's security group (on the group or on the rule).",
                },
                **PREFIX_SCHEMA,
            }
        ),
        remediation_steps="Serve the internet through a load balancer that lists the group in security_groups.",
    ),
    StackValidationPolicy(
        name="sg-egress-restricted",
        description="Data stores' security groups reach no public address; admin hosts (Role=bastion) reach only their VPC.",
        validate=validate_egress_restricted,
        config_schema=PolicyConfigSchema(
            properties={
                "adminRoles": {
                    "type": "object",
                    "properties": {"tagKey": {"type": "string"}, "allowed": {"type": "array", "items": {"type": "string"}}},
                    "required": ["tagKey", "allowed"],
                    "default": ADMIN_ROLES,
                    "description": "The tag naming an instance's role, and the roles that are admin hosts.",
                },
                "adminEgressPorts": {
                    "type": "array",
                    "items": {"type": "integer", "minimum": 0, "maximum": 65535},
                    "default": [],
                    "description": "TCP ports on which admin hosts may still reach the internet (e.g. 443 for package updates).",
                },
            }
        ),
        remediation_steps="Drop public egress from data stores' groups; keep bastion egress inside the VPC.",
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
