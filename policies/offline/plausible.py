"""Plausible values for what AWS computes: IDs with the right prefixes, ARNs in each service's format, names.

Pure functions of the resource's type token, logical name and inputs, so a value is the same on every
run and two resources never share one. Used by the mocks for every output the program did not set.
"""

import base64
import hashlib
import re
from dataclasses import dataclass
from typing import Any, Mapping, Optional

ACCOUNT_ID = "123456789012"
"""The account the mocks pretend to deploy to."""

ID_PREFIXES = {
    "aws:ec2/vpc:Vpc": "vpc",
    "aws:ec2/defaultVpc:DefaultVpc": "vpc",
    "aws:ec2/subnet:Subnet": "subnet",
    "aws:ec2/defaultSubnet:DefaultSubnet": "subnet",
    "aws:ec2/securityGroup:SecurityGroup": "sg",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "sg",
    "aws:ec2/instance:Instance": "i",
    "aws:ec2/spotInstanceRequest:SpotInstanceRequest": "sir",
    "aws:ec2/launchTemplate:LaunchTemplate": "lt",
    "aws:ec2/internetGateway:InternetGateway": "igw",
    "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway": "eigw",
    "aws:ec2/natGateway:NatGateway": "nat",
    "aws:ec2/routeTable:RouteTable": "rtb",
    "aws:ec2/defaultRouteTable:DefaultRouteTable": "rtb",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "rtbassoc",
    "aws:ec2/eip:Eip": "eipalloc",
    "aws:ec2/eipAssociation:EipAssociation": "eipassoc",
    "aws:ec2/networkInterface:NetworkInterface": "eni",
    "aws:ec2/networkAcl:NetworkAcl": "acl",
    "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl": "acl",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce",
    "aws:ec2/managedPrefixList:ManagedPrefixList": "pl",
    "aws:ec2/flowLog:FlowLog": "fl",
    "aws:ec2/ami:Ami": "ami",
    "aws:ec2/amiCopy:AmiCopy": "ami",
    "aws:ec2/transitGateway:TransitGateway": "tgw",
    "aws:ec2/vpcPeeringConnection:VpcPeeringConnection": "pcx",
    "aws:ec2/vpnGateway:VpnGateway": "vgw",
    "aws:ec2/customerGateway:CustomerGateway": "cgw",
    "aws:ec2/vpcDhcpOptions:VpcDhcpOptions": "dopt",
    "aws:ec2/securityGroupRule:SecurityGroupRule": "sgrule",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr",
    "aws:ebs/volume:Volume": "vol",
    "aws:ebs/snapshot:Snapshot": "snap",
    "aws:efs/fileSystem:FileSystem": "fs",
    "aws:efs/mountTarget:MountTarget": "fsmt",
    "aws:efs/accessPoint:AccessPoint": "fsap",
    "aws:dlm/lifecyclePolicy:LifecyclePolicy": "policy",
}
"""Resource types whose ID is `<prefix>-<17 hex digits>`, as EC2 and EFS return them."""

ARN_IDS = (
    "aws:lb/",
    "aws:alb/",
    "aws:iam/policy:Policy",
    "aws:sns/topic:Topic",
    "aws:secretsmanager/secret:Secret",
    "aws:acm/certificate:Certificate",
    "aws:ecs/service:Service",
    "aws:ecs/cluster:Cluster",
    "aws:sfn/stateMachine:StateMachine",
    "aws:cloudwatch/logDeliveryDestination:",
)
"""Resource types whose ID is their ARN."""
ARN_NAMES_ID = ("aws:kms/key:Key", "aws:route53/zone:Zone", "aws:cloudfront/distribution:Distribution")
"""Resource types whose ARN names their ID rather than their name."""

NAME_PROPERTIES = ("name", "bucket", "identifier", "clusterIdentifier", "replicationGroupId", "clusterId", "functionName", "topicName")
"""Input properties that carry a resource's physical name; the provider generates one when it is missing."""

SERVICES = {
    "lb": "elasticloadbalancing",
    "alb": "elasticloadbalancing",
    "elb": "elasticloadbalancing",
    "efs": "elasticfilesystem",
    "ebs": "ec2",
    "vpc": "ec2",
    "sfn": "states",
    "cloudwatch": "cloudwatch",
    "cognito": "cognito-idp",
    "lambda": "lambda",
    "apigatewayv2": "apigateway",
    "appautoscaling": "application-autoscaling",
    "autoscaling": "autoscaling",
    "cloudtrail": "cloudtrail",
    "wafv2": "wafv2",
    "dlm": "dlm",
}
"""Pulumi module -> the service name in ARNs (when they differ or need stating)."""

GLOBAL_SERVICES = {"iam", "s3", "cloudfront", "route53", "waf"}
"""Services whose ARNs carry no region."""


@dataclass(frozen=True)
class Subject:
    """The resource (or invoke) a value is invented for."""

    token: str
    logical: str
    region: str
    inputs: Mapping[str, Any]

    @property
    def module(self) -> str:
        return self.token.split(":")[1].split("/")[0] if ":" in self.token else ""

    @property
    def kind(self) -> str:
        return self.token.rsplit(":", 1)[-1]

    @property
    def service(self) -> str:
        return SERVICES.get(self.module, self.module)


def digest(*parts: str, length: int = 17) -> str:
    """A stable hexadecimal string derived from `parts`."""
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:length]


def physical_name(subject: Subject) -> str:
    """The name the resource carries in AWS: the one given, or the provider's autoname (logical name + 7 hex)."""
    for key in NAME_PROPERTIES:
        value = subject.inputs.get(key)
        if isinstance(value, str) and value:
            return value
    prefix = subject.inputs.get("namePrefix")
    if isinstance(prefix, str) and prefix:
        return prefix + digest(subject.token, subject.logical, length=26)
    return f"{subject.logical}-{digest(subject.token, subject.logical, length=7)}"


def resource_id(subject: Subject, name: str, arn: str) -> str:
    """The ID AWS (through the provider) gives the resource."""
    prefix = ID_PREFIXES.get(subject.token)
    if prefix:
        return f"{prefix}-{digest(subject.token, subject.logical)}"
    if subject.token.startswith(ARN_IDS):
        return arn
    if subject.token == "aws:sqs/queue:Queue":
        return queue_url(subject.region, name)
    if subject.token == "aws:cloudfront/distribution:Distribution":
        return "E" + digest(subject.logical, length=13).upper()
    if subject.token == "aws:route53/zone:Zone":
        return hosted_zone_id(subject.logical)
    if subject.token in ("aws:apigateway/restApi:RestApi", "aws:apigatewayv2/api:Api"):
        return digest(subject.token, subject.logical, length=10)
    if subject.token == "aws:kms/key:Key":
        return uuid_like(subject.logical)
    return name


def uuid_like(seed: str) -> str:
    h = digest(seed, length=32)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def hosted_zone_id(seed: str) -> str:
    return "Z" + digest(seed, length=20).upper()


def queue_url(region: str, name: str) -> str:
    return f"https://sqs.{region}.amazonaws.com/{ACCOUNT_ID}/{name}"


def arn(subject: Subject, name: str, resource_id_value: Optional[str] = None) -> str:
    """The resource's ARN in its service's format."""
    service, region, kind = subject.service, subject.region, subject.kind
    scope = "" if service in GLOBAL_SERVICES else region
    special = {
        "s3": f"arn:aws:s3:::{name}",
        "sqs": f"arn:aws:sqs:{region}:{ACCOUNT_ID}:{name}",
        "sns": f"arn:aws:sns:{region}:{ACCOUNT_ID}:{name}",
        "lambda": f"arn:aws:lambda:{region}:{ACCOUNT_ID}:function:{name}",
        "states": f"arn:aws:states:{region}:{ACCOUNT_ID}:stateMachine:{name}",
        "secretsmanager": f"arn:aws:secretsmanager:{region}:{ACCOUNT_ID}:secret:{name}-{digest(name, length=6)}",
        "rds": f"arn:aws:rds:{region}:{ACCOUNT_ID}:{'cluster' if 'Cluster' in kind else 'db'}:{name}",
        "redshift": f"arn:aws:redshift:{region}:{ACCOUNT_ID}:cluster:{name}",
        "dynamodb": f"arn:aws:dynamodb:{region}:{ACCOUNT_ID}:table/{name}",
        "kms": f"arn:aws:kms:{region}:{ACCOUNT_ID}:key/{resource_id_value or uuid_like(subject.logical)}",
        "route53": f"arn:aws:route53:::hostedzone/{resource_id_value or hosted_zone_id(subject.logical)}",
        "cloudfront": f"arn:aws:cloudfront::{ACCOUNT_ID}:distribution/{resource_id_value or name}",
        "apigateway": f"arn:aws:apigateway:{region}::/{'apis' if subject.module == 'apigatewayv2' else 'restapis'}/{name}",
        "elasticache": f"arn:aws:elasticache:{region}:{ACCOUNT_ID}:{kind.lower()}:{name}",
        "dlm": f"arn:aws:dlm:{region}:{ACCOUNT_ID}:policy/{resource_id_value or name}",
    }
    if service in special and (service != "kms" or kind == "Key"):
        return special[service]
    if service == "logs" or (subject.module == "cloudwatch" and kind == "LogGroup"):
        return f"arn:aws:logs:{region}:{ACCOUNT_ID}:log-group:{name}"
    if service == "iam":
        path = subject.inputs.get("path") or "/"
        return f"arn:aws:iam::{ACCOUNT_ID}:{_kebab(kind)}{path}{name}"
    if service == "ec2" and resource_id_value:
        return f"arn:aws:ec2:{region}:{ACCOUNT_ID}:{_kebab(kind)}/{resource_id_value}"
    if service == "elasticloadbalancing":
        family = {"LoadBalancer": "loadbalancer/app", "TargetGroup": "targetgroup", "Listener": "listener/app"}.get(kind, _kebab(kind))
        return f"arn:aws:elasticloadbalancing:{region}:{ACCOUNT_ID}:{family}/{name}/{digest(name, length=16)}"
    return f"arn:aws:{service}:{scope}:{ACCOUNT_ID}:{_kebab(kind)}/{resource_id_value or name}"


def _kebab(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


_ID_FIELD_PREFIXES = {
    "vpc": "vpc",
    "subnet": "subnet",
    "securityGroup": "sg",
    "clusterSecurityGroup": "sg",
    "image": "ami",
    "instance": "i",
    "networkInterface": "eni",
    "primaryNetworkInterface": "eni",
    "allocation": "eipalloc",
    "association": "eipassoc",
    "routeTable": "rtb",
    "mainRouteTable": "rtb",
    "defaultRouteTable": "rtb",
    "defaultSecurityGroup": "sg",
    "defaultNetworkAcl": "acl",
    "networkAcl": "acl",
    "volume": "vol",
    "snapshot": "snap",
    "prefixList": "pl",
    "launchTemplate": "lt",
    "fileSystem": "fs",
    "mountTarget": "fsmt",
    "accessPoint": "fsap",
    "natGateway": "nat",
    "internetGateway": "igw",
    "vpcEndpoint": "vpce",
    "dhcpOptions": "dopt",
}


def string_value(field: str, subject: Subject, name: str) -> str:
    """A plausible string for a computed output named `field` (camelCase) of the subject."""
    region = subject.region
    lowered = field.lower()
    if field.endswith("Arn") or field == "arn":
        scope = "" if subject.service in GLOBAL_SERVICES else region
        return f"arn:aws:{subject.service}:{scope}:{ACCOUNT_ID}:{_kebab(field[:-3] or subject.kind)}/{name}"
    if field in ("ownerId", "accountId", "ownerAccountId", "requesterId"):
        return ACCOUNT_ID
    if field in ("hostedZoneId", "zoneId"):
        return hosted_zone_id(f"{subject.logical}/{field}")
    if field.endswith("KeyId") or field == "keyId":
        return uuid_like(f"{subject.logical}/{field}")
    if field.endswith("Id") and field[:-2] in _ID_FIELD_PREFIXES:
        return f"{_ID_FIELD_PREFIXES[field[:-2]]}-{digest(subject.logical, field)}"
    if field.endswith("Id"):
        return f"{_kebab(field[:-2])}-{digest(subject.logical, field, length=12)}"
    if lowered.endswith(("url", "uri")) or lowered == "apiendpoint":
        return f"https://{name}.{subject.service}.{region}.amazonaws.com"
    if lowered.endswith(("dnsname", "domainname", "endpoint", "address", "fqdn", "hostname")):
        return f"{name}.{subject.service}.{region}.amazonaws.com"
    if lowered in ("privateip", "ipaddress"):
        return "10.0.0." + str(int(digest(subject.logical, length=2), 16) % 250 + 4)
    if lowered.startswith("public") or "ipv6" in lowered:
        return ""  # AWS reports no public address or IPv6 range unless the inputs ask for one
    if lowered.endswith(("date", "time", "modified")) or lowered in ("createdat", "updatedat"):
        return "2026-01-01T00:00:00Z"
    if lowered in ("status", "state", "instancestate"):
        return {"Certificate": "ISSUED", "Instance": "running"}.get(subject.kind, "active")
    if lowered in ("data",):
        return base64.b64encode(f"mock certificate of {name}".encode()).decode()
    if "version" in lowered:
        return "1"
    if lowered in ("hex",):
        return digest(subject.logical, length=8)
    return f"{name}-{_kebab(field)}"
