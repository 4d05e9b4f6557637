"""The monthly cost of a stack: each resource priced from the dated price table and the usage assumptions.

Like Infracost: fixed components are hourly list prices x 730 h; usage-based ones (GB, requests, LCUs)
take their quantities from usage.yaml, overridable per stack and per resource. Resources are read as the
policy engine passes them to a stack policy (outputs, proxied), so the same code serves the policy and
the offline report.
"""

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Optional

import yaml

from ._props import StackIndex, get, is_list, is_true, items, known, number

PACK_DIR = Path(__file__).resolve().parent.parent
PRICES_FILE = PACK_DIR / "prices.json"
USAGE_FILE = PACK_DIR / "usage.yaml"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
SUBNETS = ("aws:ec2/subnet:Subnet", "aws:ec2/defaultSubnet:DefaultSubnet")
FREE_PREFIXES = ("pulumi:", "aws:iam/", "aws:budgets/")
FREE_TYPES = {
    "aws:ec2/vpc:Vpc",
    "aws:ec2/subnet:Subnet",
    "aws:ec2/routeTable:RouteTable",
    "aws:ec2/route:Route",
    "aws:ec2/routeTableAssociation:RouteTableAssociation",
    "aws:ec2/internetGateway:InternetGateway",
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    "aws:ec2/securityGroupRule:SecurityGroupRule",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    "aws:ec2/networkAcl:NetworkAcl",
    "aws:ec2/networkAclRule:NetworkAclRule",
    "aws:ec2/networkAclAssociation:NetworkAclAssociation",
    "aws:ec2/flowLog:FlowLog",
    "aws:ec2/launchTemplate:LaunchTemplate",
    "aws:ec2/launchConfiguration:LaunchConfiguration",
    "aws:ec2/eipAssociation:EipAssociation",
    "aws:ec2/keyPair:KeyPair",
    "aws:lb/targetGroup:TargetGroup",
    "aws:lb/listener:Listener",
    "aws:lb/listenerRule:ListenerRule",
    "aws:lb/targetGroupAttachment:TargetGroupAttachment",
    "aws:alb/targetGroup:TargetGroup",
    "aws:alb/listener:Listener",
    "aws:autoscaling/policy:Policy",
    "aws:autoscaling/attachment:Attachment",
    "aws:autoscaling/schedule:Schedule",
    "aws:autoscaling/lifecycleHook:LifecycleHook",
    "aws:autoscaling/notification:Notification",
    "aws:cloudwatch/eventRule:EventRule",
    "aws:cloudwatch/eventTarget:EventTarget",
    "aws:lambda/permission:Permission",
    "aws:sns/topic:Topic",
    "aws:sns/topicSubscription:TopicSubscription",
    "aws:sns/topicPolicy:TopicPolicy",
    "aws:s3/bucketPolicy:BucketPolicy",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketVersioning:BucketVersioning",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketWebsiteConfiguration:BucketWebsiteConfiguration",
    "aws:s3/bucketAcl:BucketAcl",
    "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock",
    "aws:efs/mountTarget:MountTarget",
    "aws:efs/fileSystemPolicy:FileSystemPolicy",
    "aws:efs/accessPoint:AccessPoint",
    "aws:rds/subnetGroup:SubnetGroup",
    "aws:rds/parameterGroup:ParameterGroup",
    "aws:rds/optionGroup:OptionGroup",
    "aws:elasticache/subnetGroup:SubnetGroup",
    "aws:elasticache/parameterGroup:ParameterGroup",
    "aws:cloudfront/originAccessControl:OriginAccessControl",
    "aws:cloudfront/cachePolicy:CachePolicy",
    "aws:cloudfront/originRequestPolicy:OriginRequestPolicy",
    "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy",
    "aws:ssm/parameter:Parameter",
    "aws:cloudtrail/trail:Trail",
}
"""Types that cost nothing themselves (or whose cost shows up on another resource: flow logs on their log group)."""


class MissingPriceError(KeyError):
    """The price table has no entry for something the stack uses."""


@dataclass(frozen=True)
class Item:
    """One resource's estimated monthly cost."""

    urn: str
    type: str
    name: str
    monthly_usd: float
    detail: str


@dataclass
class Estimate:
    """A stack's estimate: priced items (most expensive first), prices missing from the table, types without a cost model."""

    items: list[Item] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    not_estimated: list[str] = field(default_factory=list)

    @property
    def total(self) -> float:
        return round(sum(item.monthly_usd for item in self.items), 2)


@lru_cache(maxsize=4)
def load_prices(path: Path = PRICES_FILE) -> dict[str, Any]:
    """The dated price table shipped with the pack."""
    return json.loads(Path(path).read_text())


@lru_cache(maxsize=4)
def _load_usage(path: Path) -> str:
    return json.dumps(yaml.safe_load(Path(path).read_text()) or {})


def load_usage(path: Path = USAGE_FILE, overrides: Optional[Mapping[str, Any]] = None) -> dict[str, Any]:
    """The usage assumptions, with a stack's overrides merged in (per-resource entries merge by name)."""
    usage = json.loads(_load_usage(Path(path)))
    overrides = dict(overrides or {})
    resources = {name: dict(values) for name, values in (usage.get("resources") or {}).items()}
    for name, values in dict(overrides.pop("resources", None) or {}).items():
        resources.setdefault(name, {}).update(dict(values))
    usage.update(overrides)
    usage["resources"] = resources
    return usage


@dataclass
class _Context:
    stack: StackIndex
    prices: Mapping[str, Any]
    usage: Mapping[str, Any]

    @property
    def hours(self) -> float:
        return number(self.prices.get("hoursPerMonth"), 730.0)

    def price(self, *path: str) -> float:
        value: Any = self.prices
        for key in path:
            if not isinstance(value, Mapping) or key not in value:
                raise MissingPriceError(".".join(str(p) for p in path))
            value = value[key]
        return float(value)

    def use(self, resource: Any, key: str) -> float:
        own = (self.usage.get("resources") or {}).get(resource.name) or {}
        return number(own.get(key, self.usage.get(key)), 0.0)


Cost = tuple[float, str]


def _volume(ctx: _Context, size: float, kind: str) -> Cost:
    return size * ctx.price("ebsGbMonth", kind), f"{size:.0f} GB {kind}"


def _instance_costs(ctx: _Context, instance_type: str, volumes: list[tuple[float, str]], public_ip: bool) -> Cost:
    """One instance running all month: compute, its EBS volumes and its public IPv4 address."""
    total = ctx.price("ec2InstanceHour", instance_type) * ctx.hours
    parts = [f"{instance_type} x {ctx.hours:.0f} h"]
    for size, kind in volumes:
        cost, text = _volume(ctx, size, kind)
        total += cost
        parts.append(text)
    if public_ip:
        total += ctx.price("publicIpv4Hour") * ctx.hours
        parts.append("public IPv4")
    return total, " + ".join(parts)


def _instance(resource: Any, ctx: _Context) -> Cost:
    props = resource.props
    root = get(props, "rootBlockDevice", default={})
    volumes = [(number(get(root, "volumeSize"), ctx.use(resource, "amiRootVolumeGb") or 8.0), get(root, "volumeType", default="gp3"))]
    volumes += [(number(get(d, "volumeSize"), 8.0), get(d, "volumeType", default="gp2")) for d in items(get(props, "ebsBlockDevices"))]
    return _instance_costs(ctx, get(props, "instanceType"), volumes, is_true(get(props, "associatePublicIpAddress")))


def _launch_template(resource: Any, ctx: _Context) -> Optional[Any]:
    refs = ctx.stack.refs(resource, "launchTemplate", "id", types=(LAUNCH_TEMPLATE,))
    if not refs:
        refs = ctx.stack.refs(
            resource, "mixedInstancesPolicy", "launchTemplate", "launchTemplateSpecification", "launchTemplateId", types=(LAUNCH_TEMPLATE,)
        )
    return refs[0] if refs else None


def _autoscaling_group(resource: Any, ctx: _Context) -> Cost:
    props = resource.props
    count = number(get(props, "desiredCapacity"), number(get(props, "minSize")))
    template = _launch_template(resource, ctx)
    overrides = items(get(props, "mixedInstancesPolicy", "launchTemplate", "overrides"))
    instance_type = get(overrides[0], "instanceType") if overrides else None
    volumes: list[tuple[float, str]] = []
    public_ip = False
    if template is not None:
        instance_type = instance_type or get(template.props, "instanceType")
        for mapping in items(get(template.props, "blockDeviceMappings")):
            ebs = get(mapping, "ebs")
            if ebs is not None:
                volumes.append(
                    (number(get(ebs, "volumeSize"), ctx.use(resource, "amiRootVolumeGb")), get(ebs, "volumeType", default="gp3"))
                )
        public_ip = any(is_true(get(i, "associatePublicIpAddress")) for i in items(get(template.props, "networkInterfaces")))
    if not volumes:
        volumes = [(ctx.use(resource, "amiRootVolumeGb"), "gp3")]
    if not instance_type:
        raise MissingPriceError(f"instance type of {resource.name} (no launch template found)")
    each, detail = _instance_costs(ctx, instance_type, volumes, public_ip)
    return count * each, f"{count:.0f} x ({detail})"


def _ebs_volume(resource: Any, ctx: _Context) -> Cost:
    return _volume(ctx, number(get(resource.props, "size"), 0.0), get(resource.props, "type", default="gp2"))


def _eip(resource: Any, ctx: _Context) -> Cost:
    return ctx.price("publicIpv4Hour") * ctx.hours, f"public IPv4 x {ctx.hours:.0f} h"


def _nat_gateway(resource: Any, ctx: _Context) -> Cost:
    gb = ctx.use(resource, "natGatewayGbPerMonth")
    cost = ctx.price("natGateway", "hour") * ctx.hours + gb * ctx.price("natGateway", "gbProcessed")
    return cost, f"{ctx.hours:.0f} h + {gb:g} GB processed"


def _count(ctx: _Context, resource: Any, prop: str) -> int:
    """How many entries a list property has; during a preview, how many resources it depends on."""
    value = known(resource.props, prop)
    return len(value) if is_list(value) else len(ctx.stack.refs(resource, prop))


def _load_balancer(resource: Any, ctx: _Context) -> Optional[Cost]:
    if get(resource.props, "loadBalancerType", default="application") != "application":
        raise MissingPriceError(f"{get(resource.props, 'loadBalancerType')} load balancer")
    lcu = ctx.use(resource, "albLcuPerHour")
    cost = (ctx.price("applicationLoadBalancer", "hour") + lcu * ctx.price("applicationLoadBalancer", "lcuHour")) * ctx.hours
    detail = f"{ctx.hours:.0f} h + {lcu:g} LCU/h"
    if not is_true(get(resource.props, "internal")):
        # An internet-facing ALB holds one public IPv4 address per AZ, billed since 2024.
        zones = max(_count(ctx, resource, "subnets"), _count(ctx, resource, "subnetMappings"), 1)
        cost += zones * ctx.price("publicIpv4Hour") * ctx.hours
        detail += f" + {zones} public IPv4"
    return cost, detail


def _rds_engine(engine: str) -> str:
    return "mysql" if engine in ("mysql", "mariadb") else engine


def _db_instance(resource: Any, ctx: _Context) -> Cost:
    props = resource.props
    engine = _rds_engine(str(get(props, "engine", default="mysql")))
    klass = get(props, "instanceClass")
    copies = 2 if is_true(get(props, "multiAz")) else 1
    storage = number(get(props, "allocatedStorage"), 20.0)
    kind = get(props, "storageType", default="gp2")
    cost = copies * ctx.price("rdsInstanceHour", engine, klass) * ctx.hours
    cost += copies * storage * ctx.price("rdsStorageGbMonth", kind)
    backup = ctx.use(resource, "rdsExtraBackupGb")
    cost += backup * ctx.price("rdsBackupGbMonth")
    zones = "Multi-AZ" if copies == 2 else "single-AZ"
    return cost, f"{klass} {zones} x {ctx.hours:.0f} h + {storage:.0f} GB {kind}" + (f" + {backup:g} GB backups" if backup else "")


def _cache_nodes(resource: Any) -> float:
    props = resource.props
    if resource.resource_type == "aws:elasticache/cluster:Cluster":
        return number(get(props, "numCacheNodes"), 1.0)
    return number(get(props, "numCacheClusters"), 0.0) or number(get(props, "numNodeGroups"), 1.0) * (
        number(get(props, "replicasPerNodeGroup"), 0.0) + 1
    )


def _cache(resource: Any, ctx: _Context) -> Cost:
    nodes, node_type = _cache_nodes(resource), get(resource.props, "nodeType")
    return nodes * ctx.price("elasticacheNodeHour", node_type) * ctx.hours, f"{nodes:.0f} x {node_type} x {ctx.hours:.0f} h"


def _file_system(resource: Any, ctx: _Context) -> Cost:
    gb = ctx.use(resource, "efsStorageGb")
    kind = "oneZone" if get(resource.props, "availabilityZoneName") else "standard"
    return gb * ctx.price("efsGbMonth", kind), f"{gb:g} GB {kind}"


def _bucket(resource: Any, ctx: _Context) -> Cost:
    gb = ctx.use(resource, "s3StorageGb")
    return gb * ctx.price("s3", "standardGbMonth"), f"{gb:g} GB Standard"


def _distribution(resource: Any, ctx: _Context) -> Cost:
    out, requests, origin = (
        ctx.use(resource, k) for k in ("cloudfrontGbOutPerMonth", "cloudfrontHttpsRequestsPerMonth", "cloudfrontGbToOriginPerMonth")
    )
    cost = out * ctx.price("cloudfront", "gbOut") + requests / 10_000 * ctx.price("cloudfront", "httpsRequestsPer10k")
    cost += origin * ctx.price("cloudfront", "gbToOrigin")
    return cost, f"{out:g} GB out + {requests:,.0f} HTTPS requests + {origin:g} GB to origin"


def _alarm(resource: Any, ctx: _Context) -> Cost:
    return ctx.price("cloudwatch", "alarmMonth"), "1 standard alarm"


def _log_group(resource: Any, ctx: _Context) -> Cost:
    gb = ctx.use(resource, "logIngestionGbPerMonth")
    return gb * ctx.price("cloudwatch", "logIngestionGb"), f"{gb:g} GB ingested"


def _vpc_endpoint(resource: Any, ctx: _Context) -> Optional[Cost]:
    if get(resource.props, "vpcEndpointType", default="Gateway") == "Gateway":
        return 0.0, "gateway endpoint (free)"
    raise MissingPriceError("interface VPC endpoint hours")


HANDLERS: dict[str, Callable[[Any, _Context], Optional[Cost]]] = {
    "aws:ec2/instance:Instance": _instance,
    "aws:autoscaling/group:Group": _autoscaling_group,
    "aws:ebs/volume:Volume": _ebs_volume,
    "aws:ec2/eip:Eip": _eip,
    "aws:ec2/natGateway:NatGateway": _nat_gateway,
    "aws:lb/loadBalancer:LoadBalancer": _load_balancer,
    "aws:alb/loadBalancer:LoadBalancer": _load_balancer,
    "aws:rds/instance:Instance": _db_instance,
    "aws:elasticache/cluster:Cluster": _cache,
    "aws:elasticache/replicationGroup:ReplicationGroup": _cache,
    "aws:efs/fileSystem:FileSystem": _file_system,
    "aws:s3/bucket:Bucket": _bucket,
    "aws:s3/bucketV2:BucketV2": _bucket,
    "aws:cloudfront/distribution:Distribution": _distribution,
    "aws:cloudwatch/metricAlarm:MetricAlarm": _alarm,
    "aws:cloudwatch/logGroup:LogGroup": _log_group,
    "aws:ec2/vpcEndpoint:VpcEndpoint": _vpc_endpoint,
}
"""How each priced resource type turns into a monthly cost."""


def is_free(resource_type: str) -> bool:
    """Whether a type costs nothing by itself (networking plumbing, IAM, components)."""
    return resource_type in FREE_TYPES or resource_type.startswith(FREE_PREFIXES) or not resource_type.startswith("aws:")


def estimate(resources: Iterable[Any], prices: Mapping[str, Any], usage: Mapping[str, Any]) -> Estimate:
    """Price every resource of a stack (objects with resource_type, props, urn, name, property_dependencies)."""
    stack = StackIndex(resources)
    ctx = _Context(stack, prices, usage)
    result = Estimate()
    not_estimated: set[str] = set()
    for resource in stack.resources:
        handler = HANDLERS.get(resource.resource_type)
        if handler is None:
            if not is_free(resource.resource_type):
                not_estimated.add(resource.resource_type)
            continue
        try:
            cost = handler(resource, ctx)
        except MissingPriceError as error:
            result.missing.append(f"{resource.name} ({resource.resource_type}): no list price for {error.args[0]}")
            continue
        if cost is not None and cost[0] > 0:
            result.items.append(Item(resource.urn, resource.resource_type, resource.name, round(cost[0], 2), cost[1]))
    result.items.sort(key=lambda item: (-item.monthly_usd, item.name))
    result.not_estimated = sorted(not_estimated)
    return result
