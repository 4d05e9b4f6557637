"""Pulumi mocks for AWS that record every registered resource.

Used by the offline policy check (`python -m policies check`) and by the test suite.
Invoke results use camelCase keys, as the engine returns them.
"""

from dataclasses import dataclass, field
from typing import Any, Optional

import pulumi
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockCallArgs, MockMonitor, MockResourceArgs, Mocks
from pulumi.runtime.sync_await import _ensure_event_loop

ACCOUNT_ID = "123456789012"
"""The account the mocks pretend to deploy to."""
AMI_ID = "ami-0a1b2c3d4e5f67890"
"""What the SSM parameter for Amazon Linux 2023 resolves to under mocks."""
CLOUDFRONT_ORIGIN_PREFIX_LIST = "pl-3b927c52"
"""ID of the managed prefix list com.amazonaws.global.cloudfront.origin-facing in us-east-1."""


@dataclass
class RecordedResource:
    """One resource as the program registered it, with its inputs in the engine's camelCase form."""

    urn: str
    type: str
    name: str
    parent: str
    inputs: dict[str, Any]
    custom: bool
    protect: bool = False
    dependencies: list[str] = field(default_factory=list)
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    ignore_changes: list[str] = field(default_factory=list)
    provider: str = ""
    id: Optional[str] = None
    state: dict[str, Any] = field(default_factory=dict)


def _arn(args: MockResourceArgs, region: str) -> str:
    service = args.typ.split(":")[1].split("/")[0]
    kind = args.typ.split(":")[-1]
    return f"arn:aws:{service}:{region}:{ACCOUNT_ID}:{kind.lower()}/{args.name}"


class AwsMocks(Mocks):
    """Answers the invokes our components make and fills in the outputs AWS would compute."""

    def __init__(self, region: str = "us-east-1", zone_count: int = 6, preview: bool = False) -> None:
        self.region = region
        self.preview = preview
        self.zones = [f"{region}{chr(ord('a') + i)}" for i in range(zone_count)]

    def call(self, args: MockCallArgs) -> tuple[dict, Optional[list[tuple[str, str]]]]:
        token, region = args.token, self.region
        if token == "aws:index/getAvailabilityZones:getAvailabilityZones":
            ids = [f"use1-az{i + 1}" for i in range(len(self.zones))]
            return {"id": region, "names": self.zones, "zoneIds": ids, "groupNames": [region], "region": region}, []
        if token == "aws:ssm/getParameter:getParameter":
            name = args.args.get("name", "")
            return {
                "id": name,
                "name": name,
                "type": "String",
                "value": AMI_ID,
                "insecureValue": AMI_ID,
                "arn": f"arn:aws:ssm:{region}::parameter{name}",
                "version": 1.0,
                "withDecryption": True,
            }, []
        if token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {"accountId": ACCOUNT_ID, "arn": f"arn:aws:iam::{ACCOUNT_ID}:user/mock", "id": ACCOUNT_ID, "userId": "AIDAMOCK"}, []
        if token == "aws:index/getRegion:getRegion":
            return {"id": region, "name": region, "region": region, "description": region, "endpoint": f"ec2.{region}.amazonaws.com"}, []
        if token == "aws:index/getPartition:getPartition":
            return {"id": "aws", "partition": "aws", "dnsSuffix": "amazonaws.com", "reverseDnsPrefix": "com.amazonaws"}, []
        if token == "aws:ec2/getManagedPrefixList:getManagedPrefixList":
            return {
                "id": CLOUDFRONT_ORIGIN_PREFIX_LIST,
                "name": args.args.get("name", ""),
                "addressFamily": "IPv4",
                "maxEntries": 55.0,
                "entries": [],
            }, []
        if token == "aws:cloudfront/getCachePolicy:getCachePolicy":
            return {"id": f"cache-policy-{args.args.get('name', 'mock')}", "name": args.args.get("name", "")}, []
        if token == "aws:cloudfront/getOriginRequestPolicy:getOriginRequestPolicy":
            return {"id": f"origin-request-policy-{args.args.get('name', 'mock')}", "name": args.args.get("name", "")}, []
        if token == "aws:elb/getServiceAccount:getServiceAccount":
            return {"id": "127311923021", "arn": "arn:aws:iam::127311923021:root"}, []
        return {}, []

    def new_resource(self, args: MockResourceArgs) -> tuple[Optional[str], dict]:
        state = dict(args.inputs)
        if self.preview:
            # As in a real preview of a new stack: inputs are known, computed outputs and IDs are not.
            return "", state
        resource_id = f"{args.name}-id"
        state.setdefault("arn", _arn(args, self.region))
        typ = args.typ
        if typ == "aws:ec2/instance:Instance":
            state.update(privateIp="10.0.0.10", primaryNetworkInterfaceId=f"eni-{args.name}")
            if args.inputs.get("associatePublicIpAddress"):
                state["publicIp"] = "198.51.100.10"
        elif typ == "aws:lb/loadBalancer:LoadBalancer":
            state.update(
                dnsName=f"{args.name}-123.{self.region}.elb.amazonaws.com",
                zoneId="Z35SXDOTRQ7X7K",
                arnSuffix=f"app/{args.name}/0123456789abcdef",
            )
        elif typ == "aws:lb/targetGroup:TargetGroup":
            state.update(arnSuffix=f"targetgroup/{args.name}/0123456789abcdef")
        elif typ == "aws:rds/instance:Instance":
            identifier = args.inputs.get("identifier") or args.name
            state.update(
                identifier=identifier,
                address=f"{identifier}.abc.{self.region}.rds.amazonaws.com",
                port=args.inputs.get("port", 3306),
                endpoint=f"{identifier}.abc.{self.region}.rds.amazonaws.com:3306",
                resourceId=f"db-{args.name}",
                masterUserSecrets=[
                    {
                        "secretArn": f"arn:aws:secretsmanager:{self.region}:{ACCOUNT_ID}:secret:rds!{args.name}",
                        "kmsKeyId": "",
                        "secretStatus": "active",
                    }
                ],
            )
        elif typ == "aws:efs/fileSystem:FileSystem":
            resource_id = f"fs-{abs(hash(args.name)) % 10**8:08d}"
            state.update(dnsName=f"{resource_id}.efs.{self.region}.amazonaws.com")
        elif typ == "aws:backup/vault:Vault":
            state.setdefault("name", args.name)
        elif typ == "aws:cloudfront/distribution:Distribution":
            state.update(domainName=f"d{abs(hash(args.name)) % 10**6:06d}.cloudfront.net", hostedZoneId="Z2FDTNDATAQYW2")
        elif typ == "aws:s3/bucket:Bucket":
            bucket = args.inputs.get("bucket") or f"{args.name}-bucket"
            state.update(bucket=bucket, bucketRegionalDomainName=f"{bucket}.s3.{self.region}.amazonaws.com", arn=f"arn:aws:s3:::{bucket}")
            resource_id = bucket
        elif typ == "aws:cloudwatch/logGroup:LogGroup":
            log_name = args.inputs.get("name") or f"{args.name}-logs"
            state.update(name=log_name, arn=f"arn:aws:logs:{self.region}:{ACCOUNT_ID}:log-group:{log_name}")
        elif typ == "aws:cloudwatch/eventRule:EventRule":
            # Autonamed: the provider returns the name it chose (targets refer to the rule by name).
            state.setdefault("name", args.name)
        elif typ == "aws:iam/role:Role":
            state.update(name=args.inputs.get("name") or args.name, arn=f"arn:aws:iam::{ACCOUNT_ID}:role/{args.name}")
        elif typ == "aws:sns/topic:Topic":
            state.update(arn=f"arn:aws:sns:{self.region}:{ACCOUNT_ID}:{args.name}")
        elif typ == "aws:autoscaling/group:Group":
            state.setdefault("name", args.name)
        elif typ == "aws:lambda/function:Function":
            state.setdefault("name", args.name)
            state.update(invokeArn=f"arn:aws:apigateway:{self.region}:lambda:path/functions/{state['arn']}/invocations")
        elif typ == "random:index/randomId:RandomId":
            hex_value = (
                f"{abs(hash(args.name)) % 16 ** (2 * int(args.inputs.get('byteLength', 4))):0{2 * int(args.inputs.get('byteLength', 4))}x}"
            )
            state.update(hex=hex_value, dec=str(int(hex_value, 16)), b64Url=hex_value, b64Std=hex_value)
        elif typ == "random:index/randomPassword:RandomPassword":
            state.update(result=f"mock-{args.name}-{'x' * int(args.inputs.get('length', 16))}"[: int(args.inputs.get("length", 16))])
        elif typ == "aws:acm/certificate:Certificate":
            domain = args.inputs.get("domainName", "example.com")
            state.update(
                domainValidationOptions=[
                    {
                        "domainName": domain,
                        "resourceRecordName": f"_x1.{domain}.",
                        "resourceRecordType": "CNAME",
                        "resourceRecordValue": "_x2.acm-validations.aws.",
                    }
                ]
            )
        elif typ == "aws:route53/record:Record":
            state.update(fqdn=args.inputs.get("name", args.name))
        elif typ == "aws:ec2/launchTemplate:LaunchTemplate":
            state.update(latestVersion=1.0)
        # --- issue 16 (book components): computed outputs of queues, tables, caches, addresses; minimal until the mocks rewrite.
        elif typ == "aws:sqs/queue:Queue":
            queue_name = args.inputs.get("name") or f"{args.name}-queue"
            resource_id = f"https://sqs.{self.region}.amazonaws.com/{ACCOUNT_ID}/{queue_name}"
            state.update(name=queue_name, url=resource_id, arn=f"arn:aws:sqs:{self.region}:{ACCOUNT_ID}:{queue_name}")
        elif typ == "aws:dynamodb/table:Table":
            table_name = args.inputs.get("name") or f"{args.name}-table"
            resource_id = table_name
            state.update(name=table_name, arn=f"arn:aws:dynamodb:{self.region}:{ACCOUNT_ID}:table/{table_name}")
        elif typ == "aws:elasticache/replicationGroup:ReplicationGroup":
            group = args.inputs.get("replicationGroupId") or args.name
            resource_id = group
            state.update(
                primaryEndpointAddress=f"master.{group}.abc123.use1.cache.amazonaws.com",
                readerEndpointAddress=f"replica.{group}.abc123.use1.cache.amazonaws.com",
                arn=f"arn:aws:elasticache:{self.region}:{ACCOUNT_ID}:replicationgroup:{group}",
            )
        elif typ == "aws:ec2/eip:Eip":
            resource_id = f"eipalloc-{abs(hash(args.name)) % 16**17:017x}"
            state.update(allocationId=resource_id, publicIp="198.51.100.20")
        elif typ == "aws:dlm/lifecyclePolicy:LifecyclePolicy":
            resource_id = f"policy-{abs(hash(args.name)) % 16**17:017x}"
            state.update(arn=f"arn:aws:dlm:{self.region}:{ACCOUNT_ID}:policy/{resource_id}")
        return resource_id, state


class RecordingMonitor(MockMonitor):
    """A mock monitor that keeps every registration request: type, name, parent, inputs and options."""

    def __init__(self, mocks: Mocks) -> None:
        super().__init__(mocks)
        self.recorded: list[RecordedResource] = []

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        response = super().RegisterResource(request)
        if request.type == "pulumi:pulumi:Stack":
            return response
        _ensure_event_loop()
        inputs = rpc.deserialize_properties(request.object)
        registered = self.resources.get(response.urn)
        self.recorded.append(
            RecordedResource(
                urn=response.urn,
                type=request.type,
                name=request.name,
                parent=request.parent,
                inputs=dict(inputs),
                custom=bool(request.custom),
                protect=bool(request.protect),
                dependencies=list(request.dependencies),
                property_dependencies={key: list(deps.urns) for key, deps in request.propertyDependencies.items()},
                ignore_changes=list(request.ignoreChanges),
                provider=request.provider,
                id=registered.id if registered else None,
                state=dict(registered.state) if registered else {},
            )
        )
        return response


def type_token(resource_class: type[pulumi.Resource]) -> str:
    """The engine's type token of a resource class, e.g. aws:ec2/vpc:Vpc."""
    return pulumi.get_type_token(resource_class)  # type: ignore[arg-type]
