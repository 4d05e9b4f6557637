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
from pulumi_policy.proxy import UnknownValueError

from . import compute_costs, data_costs, network_costs, service_costs
from ._props import StackIndex
from .costing import Context, Cost, MissingPriceError

PACK_DIR = Path(__file__).resolve().parent.parent
PRICES_FILE = PACK_DIR / "prices.json"
USAGE_FILE = PACK_DIR / "usage.yaml"
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
    "aws:cloudwatch/logDelivery:LogDelivery",
    "aws:cloudwatch/logDeliverySource:LogDeliverySource",
    "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination",
    "aws:cloudwatch/logDeliveryDestinationPolicy:LogDeliveryDestinationPolicy",
    "aws:cloudwatch/eventBus:EventBus",
    "aws:kms/alias:Alias",
    "aws:kms/keyPolicy:KeyPolicy",
    "aws:secretsmanager/secretVersion:SecretVersion",
    "aws:secretsmanager/secretRotation:SecretRotation",
    "aws:secretsmanager/secretPolicy:SecretPolicy",
    "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
    "aws:lambda/eventSourceMapping:EventSourceMapping",
    "aws:sqs/queuePolicy:QueuePolicy",
    "aws:sqs/redrivePolicy:RedrivePolicy",
    "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy",
    "aws:appautoscaling/target:Target",
    "aws:appautoscaling/policy:Policy",
    "aws:appautoscaling/scheduledAction:ScheduledAction",
    "aws:dlm/lifecyclePolicy:LifecyclePolicy",
    "aws:backup/plan:Plan",
    "aws:backup/vault:Vault",
    "aws:backup/vaultPolicy:VaultPolicy",
    "aws:elasticache/user:User",
    "aws:elasticache/userGroup:UserGroup",
    "aws:acm/certificate:Certificate",
    "aws:acm/certificateValidation:CertificateValidation",
    "aws:route53/record:Record",
    "aws:ecs/cluster:Cluster",
    "aws:ecs/taskDefinition:TaskDefinition",
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
    "aws:eks/addon:Addon",
    "aws:eks/accessEntry:AccessEntry",
    "aws:apigateway/stage:Stage",
    "aws:apigateway/deployment:Deployment",
    "aws:apigateway/method:Method",
    "aws:apigateway/integration:Integration",
    "aws:apigateway/resource:Resource",
    "aws:apigatewayv2/stage:Stage",
    "aws:apigatewayv2/route:Route",
    "aws:apigatewayv2/integration:Integration",
    "aws:redshift/subnetGroup:SubnetGroup",
    "aws:redshift/parameterGroup:ParameterGroup",
    "aws:rds/clusterParameterGroup:ClusterParameterGroup",
    "aws:s3/bucketLogging:BucketLogging",
    "aws:s3/bucketLoggingV2:BucketLoggingV2",
    "aws:s3/bucketNotification:BucketNotification",
    "aws:sns/topicSubscription:TopicSubscription",
    "aws:ec2/vpcIpv4CidrBlockAssociation:VpcIpv4CidrBlockAssociation",
    "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway",
    "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation",
    "aws:ec2/instanceMetadataDefaults:InstanceMetadataDefaults",
    "aws:ebs/encryptionByDefault:EncryptionByDefault",
    "aws:ebs/defaultKmsKey:DefaultKmsKey",
    "aws:ec2/volumeAttachment:VolumeAttachment",
}
"""Types that cost nothing themselves (or whose cost shows up on another resource: flow logs on their log group)."""
DATA_TRANSFER = "usage:dataTransfer"
"""The item type of the stack's data transfer, which no single resource owns."""
BILLED_BY_TIME = {
    "aws:ec2/transitGateway:TransitGateway": "Transit Gateway attachment hours",
    "aws:ec2/transitGatewayVpcAttachment:TransitGatewayVpcAttachment": "Transit Gateway attachment hours",
    "aws:ec2/vpnConnection:VpnConnection": "Site-to-Site VPN connection hours",
    "aws:ec2clientvpn/endpoint:Endpoint": "Client VPN endpoint association hours",
    "aws:ec2/dedicatedHost:DedicatedHost": "dedicated host hours",
    "aws:ec2/spotFleetRequest:SpotFleetRequest": "spot fleet instance hours",
    "aws:ec2/fleet:Fleet": "EC2 fleet instance hours",
    "aws:networkfirewall/firewall:Firewall": "Network Firewall endpoint hours",
    "aws:globalaccelerator/accelerator:Accelerator": "Global Accelerator hours",
    "aws:rds/proxy:Proxy": "RDS Proxy vCPU hours",
    "aws:docdb/clusterInstance:ClusterInstance": "DocumentDB instance hours",
    "aws:neptune/clusterInstance:ClusterInstance": "Neptune instance hours",
    "aws:memorydb/cluster:Cluster": "MemoryDB node hours",
    "aws:opensearch/domain:Domain": "OpenSearch instance hours",
    "aws:elasticsearch/domain:Domain": "Elasticsearch instance hours",
    "aws:msk/cluster:Cluster": "MSK broker hours",
    "aws:mq/broker:Broker": "Amazon MQ broker hours",
    "aws:emr/cluster:Cluster": "EMR instance hours",
    "aws:sagemaker/endpoint:Endpoint": "SageMaker endpoint instance hours",
    "aws:sagemaker/notebookInstance:NotebookInstance": "SageMaker notebook hours",
    "aws:dms/replicationInstance:ReplicationInstance": "DMS replication instance hours",
    "aws:directoryservice/directory:Directory": "Directory Service hours",
    "aws:fsx/windowsFileSystem:WindowsFileSystem": "FSx throughput capacity",
    "aws:fsx/lustreFileSystem:LustreFileSystem": "FSx storage",
    "aws:fsx/ontapFileSystem:OntapFileSystem": "FSx throughput capacity",
    "aws:workspaces/workspace:Workspace": "WorkSpaces monthly fee",
    "aws:wafv2/webAcl:WebAcl": "WAF web ACL monthly fee",
    "aws:shield/protection:Protection": "Shield Advanced subscription",
    "aws:eks/fargateProfile:FargateProfile": "Fargate pod hours (pods are not known to the program)",
    "aws:batch/computeEnvironment:ComputeEnvironment": "Batch instance hours",
}
"""Types billed by the hour (or a fixed monthly fee) that have no cost model here: without a price, the
estimate is incomplete and cost-estimate-complete says so."""


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
    unknown: list[str] = field(default_factory=list)
    """Resources whose cost depends on values unknown until deployment (a preview): left out of the total."""

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


HANDLERS: dict[str, Callable[[Any, Context], Optional[Cost]]] = {
    "aws:ec2/instance:Instance": compute_costs.instance,
    "aws:autoscaling/group:Group": compute_costs.autoscaling_group,
    "aws:eks/cluster:Cluster": compute_costs.eks_cluster,
    "aws:eks/nodeGroup:NodeGroup": compute_costs.eks_node_group,
    "aws:ecs/service:Service": compute_costs.fargate_service,
    "aws:lambda/function:Function": compute_costs.lambda_function,
    "aws:ebs/volume:Volume": data_costs.ebs_volume,
    "aws:rds/instance:Instance": data_costs.db_instance,
    "aws:rds/cluster:Cluster": data_costs.db_cluster,
    "aws:rds/clusterInstance:ClusterInstance": data_costs.cluster_instance,
    "aws:elasticache/cluster:Cluster": data_costs.cache,
    "aws:elasticache/replicationGroup:ReplicationGroup": data_costs.cache,
    "aws:elasticache/serverlessCache:ServerlessCache": data_costs.serverless_cache,
    "aws:dynamodb/table:Table": data_costs.dynamodb_table,
    "aws:redshift/cluster:Cluster": data_costs.redshift_cluster,
    "aws:efs/fileSystem:FileSystem": data_costs.file_system,
    "aws:s3/bucket:Bucket": data_costs.bucket,
    "aws:s3/bucketV2:BucketV2": data_costs.bucket,
    "aws:backup/selection:Selection": data_costs.backup_selection,
    "aws:efs/backupPolicy:BackupPolicy": data_costs.efs_backup_policy,
    "aws:ec2/eip:Eip": network_costs.eip,
    "aws:ec2/natGateway:NatGateway": network_costs.nat_gateway,
    "aws:lb/loadBalancer:LoadBalancer": network_costs.load_balancer,
    "aws:alb/loadBalancer:LoadBalancer": network_costs.load_balancer,
    "aws:elb/loadBalancer:LoadBalancer": network_costs.classic_load_balancer,
    "aws:ec2/vpcEndpoint:VpcEndpoint": network_costs.vpc_endpoint,
    "aws:cloudfront/distribution:Distribution": network_costs.distribution,
    "aws:cloudwatch/metricAlarm:MetricAlarm": service_costs.alarm,
    "aws:cloudwatch/logGroup:LogGroup": service_costs.log_group,
    "aws:kms/key:Key": service_costs.kms_key,
    "aws:kms/replicaKey:ReplicaKey": service_costs.kms_key,
    "aws:secretsmanager/secret:Secret": service_costs.secret,
    "aws:sqs/queue:Queue": service_costs.queue,
    "aws:sns/topic:Topic": service_costs.topic,
    "aws:apigateway/restApi:RestApi": service_costs.rest_api,
    "aws:apigatewayv2/api:Api": service_costs.http_api,
    "aws:route53/zone:Zone": service_costs.hosted_zone,
}
"""How each priced resource type turns into a monthly cost."""


def is_free(resource_type: str) -> bool:
    """Whether a type costs nothing by itself (networking plumbing, IAM, components)."""
    return resource_type in FREE_TYPES or resource_type.startswith(FREE_PREFIXES) or not resource_type.startswith("aws:")


def estimate(resources: Iterable[Any], prices: Mapping[str, Any], usage: Mapping[str, Any]) -> Estimate:
    """Price every resource of a stack (objects with resource_type, props, urn, name, property_dependencies)."""
    stack = StackIndex(resources)
    ctx = Context(stack, prices, usage)
    result = Estimate()
    not_estimated: set[str] = set()
    for resource in stack.resources:
        handler = HANDLERS.get(resource.resource_type)
        if handler is None:
            if resource.resource_type in BILLED_BY_TIME:
                result.missing.append(
                    f"{resource.name} ({resource.resource_type}): no cost model for {BILLED_BY_TIME[resource.resource_type]}"
                )
            elif not is_free(resource.resource_type):
                not_estimated.add(resource.resource_type)
            continue
        try:
            cost = handler(resource, ctx)
        except MissingPriceError as error:
            result.missing.append(f"{resource.name} ({resource.resource_type}): no list price for {error.args[0]}")
            continue
        except UnknownValueError as error:
            result.unknown.append(f"{resource.name}: {error.message}")
            continue
        if cost is not None and cost[0] > 0:
            result.items.append(Item(resource.urn, resource.resource_type, resource.name, round(cost[0], 2), cost[1]))
    transfer = network_costs.data_transfer(ctx)
    if transfer[0] > 0:
        result.items.append(Item("", DATA_TRANSFER, "data transfer (usage)", round(transfer[0], 2), transfer[1]))
    result.items.sort(key=lambda item: (-item.monthly_usd, item.name))
    result.not_estimated = sorted(not_estimated)
    return result
