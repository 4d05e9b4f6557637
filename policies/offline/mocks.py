"""Pulumi mocks that answer like the AWS provider, and a monitor that records every registered resource.

Used by the offline policy check (`python -m policies check`) and by the test suite.

- Resources: in update mode every output the provider computes (an output that is not an input) gets a
  plausible value of its declared type, derived from the SDK's own type information, so a program that
  reads `latest_version`, `execution_arn` or `certificate_authority.data` in an `apply` works as it
  would against AWS. IDs carry their real prefixes (vpc-, subnet-, sg-, i-, lt-, fs-, ...), ARNs their
  service's format, and a resource without a name gets the provider's autoname. In preview mode, as in
  a real preview of a new stack, computed outputs stay unknown.
- Invokes: answered in both modes (see invokes.py); an unknown one gets every field of its result type.
- Invoke results and inputs use the engine's camelCase keys.
"""

import collections.abc
import typing
from dataclasses import dataclass, field
from typing import Any, Optional

import pulumi
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockCallArgs, MockMonitor, MockResourceArgs, Mocks
from pulumi.runtime.sync_await import _ensure_event_loop

from . import plausible
from .invokes import AMI_ID, CLOUDFRONT_ORIGIN_PREFIX_LIST, InvokeContext, answer
from .plausible import ACCOUNT_ID, Subject, digest
from .provider_types import Field, fields_of, is_output_type, resource_inputs, resource_outputs

__all__ = ["ACCOUNT_ID", "AMI_ID", "CLOUDFRONT_ORIGIN_PREFIX_LIST", "AwsMocks", "RecordedResource", "RecordingMonitor", "type_token"]

AUTONAME_MAX_LENGTH = {
    "aws:lb/loadBalancer:LoadBalancer": 32,
    "aws:lb/targetGroup:TargetGroup": 32,
    "aws:alb/loadBalancer:LoadBalancer": 32,
    "aws:alb/targetGroup:TargetGroup": 32,
    "aws:elasticache/replicationGroup:ReplicationGroup": 40,
    "aws:elasticache/cluster:Cluster": 50,
    "aws:iam/role:Role": 64,
    "aws:iam/user:User": 64,
    "aws:iam/instanceProfile:InstanceProfile": 128,
    "aws:lambda/function:Function": 64,
    "aws:s3/bucket:Bucket": 63,
    "aws:s3/bucketV2:BucketV2": 63,
    "aws:rds/instance:Instance": 63,
    "aws:rds/cluster:Cluster": 63,
    "aws:sfn/stateMachine:StateMachine": 80,
    "aws:sqs/queue:Queue": 80,
}
"""Autonames the provider shortens (its autoname keeps the random suffix and trims the prefix)."""
LOWERCASE_AUTONAMES = ("aws:s3/", "aws:rds/", "aws:elasticache/", "aws:redshift/")
"""Types whose names AWS keeps in lower case, so the provider's autoname is lower-cased too."""


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
    source_file: str = ""
    """The file of the user code that declared the resource (from the engine's source position), or ""."""
    source_line: int = 0
    """Its line, or 0 when unknown."""


def _autoname(subject: Subject) -> str:
    name = plausible.physical_name(subject)
    limit = AUTONAME_MAX_LENGTH.get(subject.token)
    given = any(isinstance(subject.inputs.get(k), str) and subject.inputs.get(k) for k in plausible.NAME_PROPERTIES)
    if not given and limit and len(name) > limit:
        name = name[: limit - 8].rstrip("-") + name[-8:]
    if not given and subject.token.startswith(LOWERCASE_AUTONAMES):
        name = name.lower()
    return name


class AwsMocks(Mocks):
    """Answers invokes and fills in every output AWS would compute, for any resource type."""

    def __init__(self, region: str = "us-east-1", zone_count: int = 6, preview: bool = False) -> None:
        self.region = region
        self.preview = preview
        self.zones = [f"{region}{chr(ord('a') + i)}" for i in range(zone_count)]
        self.invokes: list[str] = []
        """Tokens of the invokes the program made, in order (named in error messages)."""

    def call(self, args: MockCallArgs) -> tuple[dict, Optional[list[tuple[str, str]]]]:
        self.invokes.append(args.token)
        context = InvokeContext(self.region, self.zones, self.value)
        return answer(args.token, dict(args.args), context) or {}, []

    def new_resource(self, args: MockResourceArgs) -> tuple[Optional[str], dict]:
        state = dict(args.inputs)
        if self.preview:
            # As in a real preview of a new stack: inputs are known, computed outputs and IDs are not.
            return "", state
        subject = Subject(args.typ, args.name, self.region, args.inputs)
        outputs = resource_outputs(args.typ)
        inputs = resource_inputs(args.typ)
        name = _autoname(subject)
        for key in plausible.NAME_PROPERTIES:
            if key in outputs and key in inputs and not state.get(key):
                state[key] = name
                break
        arn = plausible.arn(subject, name)
        resource_id = plausible.resource_id(subject, name, arn)
        if args.typ in plausible.ID_PREFIXES or args.typ in plausible.ARN_NAMES_ID:
            arn = plausible.arn(subject, name, resource_id)
        if "arn" in outputs and "arn" not in inputs:
            state.setdefault("arn", arn)
        if "tagsAll" in outputs:
            state.setdefault("tagsAll", dict(args.inputs.get("tags") or {}))
        for key, output in outputs.items():
            if key not in inputs and key not in state and key != "id":
                state[key] = self.value(output, subject, name)
        _faithful(subject, name, resource_id, state)
        return resource_id, state

    def value(self, output: Field, subject: Subject, name: str, depth: int = 0) -> Any:
        """A plausible value of a declared output type (nested objects to three levels)."""
        hint = output.hint
        origin = typing.get_origin(hint)
        if hint is str:
            return plausible.string_value(output.name, subject, name)
        if hint is bool:
            return False
        if hint in (int, float):
            return 1
        if isinstance(origin, type) and issubclass(origin, collections.abc.Sequence) and origin is not str:
            (item,) = getattr(hint, "__args__", (str,))[:1] or (str,)
            if is_output_type(item) and depth < 3:
                return [self._object(item, subject, name, depth + 1)]
            return []
        if isinstance(origin, type) and issubclass(origin, collections.abc.Mapping):
            return {}
        if is_output_type(hint) and depth < 3:
            return self._object(hint, subject, name, depth + 1)
        return None

    def _object(self, cls: type, subject: Subject, name: str, depth: int) -> dict[str, Any]:
        return {key: self.value(inner, subject, name, depth) for key, inner in fields_of(cls).items()}


def _faithful(subject: Subject, name: str, resource_id: str, state: dict[str, Any]) -> None:
    """Outputs whose value depends on the inputs in a way the type information cannot tell."""
    typ, inputs, region = subject.token, subject.inputs, subject.region
    if typ == "aws:ec2/instance:Instance":
        state["publicIp"] = "198.51.100.10" if inputs.get("associatePublicIpAddress") else ""
        state["publicDns"] = "ec2-198-51-100-10.compute-1.amazonaws.com" if inputs.get("associatePublicIpAddress") else ""
        state["privateIp"] = inputs.get("privateIp") or "10.0.0.10"
    elif typ in ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"):
        internal = "internal-" if inputs.get("internal") else ""
        state.update(
            dnsName=f"{internal}{name}-{digest(name, length=10)}.{region}.elb.amazonaws.com",
            zoneId="Z35SXDOTRQ7X7K",
            arnSuffix=state["arn"].split(":loadbalancer/", 1)[-1],
        )
    elif typ in ("aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup"):
        state["arnSuffix"] = state["arn"].split(":", 5)[-1]
    elif typ == "aws:rds/instance:Instance":
        address = f"{name}.c{digest(ACCOUNT_ID, length=11)}.{region}.rds.amazonaws.com"
        port = inputs.get("port") or (5432 if str(inputs.get("engine", "")).startswith("postgres") else 3306)
        state.update(identifier=name, address=address, port=port, endpoint=f"{address}:{int(port)}")
        state["resourceId"] = f"db-{digest(name, length=26).upper()}"
        secrets = []
        if inputs.get("manageMasterUserPassword"):
            secret = f"arn:aws:secretsmanager:{region}:{ACCOUNT_ID}:secret:rds!db-{plausible.uuid_like(name)}-{digest(name, length=6)}"
            secrets = [{"secretArn": secret, "kmsKeyId": inputs.get("masterUserSecretKmsKeyId") or "", "secretStatus": "active"}]
        state["masterUserSecrets"] = secrets
    elif typ == "aws:efs/fileSystem:FileSystem":
        state["dnsName"] = f"{resource_id}.efs.{region}.amazonaws.com"
    elif typ == "aws:cloudfront/distribution:Distribution":
        state.update(domainName=f"d{digest(name, length=13)}.cloudfront.net", hostedZoneId="Z2FDTNDATAQYW2")
    elif typ in ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"):
        state.update(bucketRegionalDomainName=f"{name}.s3.{region}.amazonaws.com", bucketDomainName=f"{name}.s3.amazonaws.com")
        state["region"] = inputs.get("region") or region
    elif typ == "aws:lambda/function:Function":
        state["invokeArn"] = f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{state['arn']}/invocations"
        state["qualifiedArn"] = f"{state['arn']}:$LATEST"
        state["version"] = "$LATEST"
    elif typ == "aws:sqs/queue:Queue":
        state["url"] = plausible.queue_url(region, name)
    elif typ in ("aws:apigateway/restApi:RestApi", "aws:apigatewayv2/api:Api"):
        state["executionArn"] = f"arn:aws:execute-api:{region}:{ACCOUNT_ID}:{resource_id}"
        if typ.startswith("aws:apigatewayv2"):
            state["apiEndpoint"] = f"https://{resource_id}.execute-api.{region}.amazonaws.com"
    elif typ == "aws:appsync/graphQLApi:GraphQLApi":
        state["uris"] = {
            "GRAPHQL": f"https://{resource_id}.appsync-api.{region}.amazonaws.com/graphql",
            "REALTIME": f"wss://{resource_id}.appsync-realtime-api.{region}.amazonaws.com/graphql",
        }
    elif typ == "aws:eks/cluster:Cluster":
        state["endpoint"] = f"https://{digest(name, length=32).upper()}.gr7.{region}.eks.amazonaws.com"
        state["certificateAuthority"] = {"data": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1PQ0sKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo="}
        state["identities"] = [{"oidcs": [{"issuer": f"https://oidc.eks.{region}.amazonaws.com/id/{digest(name, length=32).upper()}"}]}]
    elif typ == "aws:ec2/eip:Eip":
        address = f"198.51.100.{int(digest(subject.logical, length=2), 16) % 200 + 20}"
        state.update(publicIp=address, publicDns=f"ec2-{address.replace('.', '-')}.compute-1.amazonaws.com", allocationId=resource_id)
    elif typ == "aws:elasticache/replicationGroup:ReplicationGroup":
        host = f"{name}.{digest(name, length=6)}.{region.replace('-', '')[:4]}.cache.amazonaws.com"
        state.update(primaryEndpointAddress=f"master.{host}", readerEndpointAddress=f"replica.{host}")
    elif typ == "aws:ecr/repository:Repository":
        state["repositoryUrl"] = f"{ACCOUNT_ID}.dkr.ecr.{region}.amazonaws.com/{name}"
    elif typ == "random:index/randomId:RandomId":
        size = int(inputs.get("byteLength", 4))
        hex_value = digest(subject.logical, length=2 * size)
        state.update(hex=hex_value, dec=str(int(hex_value, 16)), b64Url=hex_value, b64Std=hex_value)
    elif typ == "random:index/randomPassword:RandomPassword":
        length = int(inputs.get("length", 16))
        state["result"] = f"mock-{subject.logical}-{'x' * length}"[:length]
    elif typ == "random:index/randomString:RandomString":
        length = int(inputs.get("length", 16))
        state["result"] = (digest(subject.logical, length=64) * 2)[:length]
    elif typ == "aws:acm/certificate:Certificate":
        domains = [inputs.get("domainName", "example.com"), *(inputs.get("subjectAlternativeNames") or [])]
        state["domainValidationOptions"] = [
            {
                "domainName": domain,
                "resourceRecordName": f"_{digest(domain, length=8)}.{domain}.",
                "resourceRecordType": "CNAME",
                "resourceRecordValue": f"_{digest(domain, 'value', length=8)}.acm-validations.aws.",
            }
            for domain in dict.fromkeys(domains)
        ]
        state["status"] = "ISSUED"
    elif typ == "aws:route53/record:Record":
        state["fqdn"] = inputs.get("name", subject.logical)
    elif typ == "aws:ec2/launchTemplate:LaunchTemplate":
        state.update(latestVersion=1, defaultVersion=inputs.get("defaultVersion") or 1)
    elif typ == "aws:dynamodb/table:Table" and inputs.get("streamEnabled"):
        state["streamArn"] = f"{state['arn']}/stream/2026-01-01T00:00:00.000"
        state["streamLabel"] = "2026-01-01T00:00:00.000"


class RecordingMonitor(MockMonitor):
    """A mock monitor that keeps every registration request: type, name, parent, inputs, options and source position."""

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
        position = request.sourcePosition if request.HasField("sourcePosition") else None
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
                source_file=_path_of(position.uri) if position else "",
                source_line=int(position.line) if position else 0,
            )
        )
        return response


def _path_of(uri: str) -> str:
    """A local path from the engine's file:// URI."""
    from urllib.parse import unquote, urlparse

    parsed = urlparse(uri)
    return unquote(parsed.path) if parsed.scheme == "file" else uri


def type_token(resource_class: type[pulumi.Resource]) -> str:
    """The engine's type token of a resource class, e.g. aws:ec2/vpc:Vpc."""
    return pulumi.get_type_token(resource_class)  # type: ignore[arg-type]
