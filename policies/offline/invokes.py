"""Answers to the provider's invokes (data sources) as AWS and pulumi-aws would give them.

`iam.getPolicyDocument` is pure, so it is computed exactly as the provider computes it. Lookups of
things that exist outside the program (the default VPC, a hosted zone, an AMI) get consistent,
well-formed answers; any other invoke gets a value of every field of its declared result type.
"""

import json
from typing import Any, Callable, Mapping, Optional

from .plausible import ACCOUNT_ID, Subject, digest, hosted_zone_id, uuid_like
from .provider_types import Field, invoke_result_fields

AMI_ID = "ami-0a1b2c3d4e5f67890"
"""What the SSM parameter for Amazon Linux 2023 (and any AMI lookup) resolves to under mocks."""
CLOUDFRONT_ORIGIN_PREFIX_LIST = "pl-3b927c52"
"""ID of the managed prefix list com.amazonaws.global.cloudfront.origin-facing in us-east-1."""
DEFAULT_VPC_CIDR = "172.31.0.0/16"
"""The CIDR AWS gives every default VPC."""
ELB_ACCOUNT = "127311923021"
"""The Elastic Load Balancing account of us-east-1 (access-log bucket policies name it)."""

Answer = Callable[[Mapping[str, Any], "InvokeContext"], dict[str, Any]]


class InvokeContext:
    """What an answer may depend on: the region, its zones, and a generic value builder."""

    def __init__(self, region: str, zones: list[str], build: Callable[[Field, Subject, str], Any]) -> None:
        self.region = region
        self.zones = zones
        self.build = build


def _string_list(values: Any) -> Any:
    """The provider's encoding of a string set: one value alone, several sorted in reverse."""
    items = [str(v) for v in (values or [])]
    return items[0] if len(items) == 1 else sorted(items, reverse=True)


def _principals(principals: Any) -> Any:
    entries = list(principals or [])
    if len(entries) == 1 and entries[0].get("type") == "*" and list(entries[0].get("identifiers") or []) == ["*"]:
        return "*"
    merged: dict[str, Any] = {}
    for entry in entries:
        kind, identifiers = entry.get("type"), _string_list(entry.get("identifiers"))
        if kind not in merged:
            merged[kind] = identifiers
        else:
            previous = merged[kind] if isinstance(merged[kind], list) else [merged[kind]]
            merged[kind] = previous + (identifiers if isinstance(identifiers, list) else [identifiers])
    return dict(sorted(merged.items()))


def _conditions(conditions: Any) -> dict[str, dict[str, Any]]:
    merged: dict[str, dict[str, Any]] = {}
    for condition in conditions or []:
        merged.setdefault(condition.get("test"), {})[condition.get("variable")] = _string_list(condition.get("values"))
    return {test: dict(sorted(variables.items())) for test, variables in sorted(merged.items())}


def _statement(statement: Mapping[str, Any]) -> dict[str, Any]:
    """One statement in the provider's JSON form and key order (Sid is always present)."""
    out: dict[str, Any] = {"Sid": statement.get("sid") or "", "Effect": statement.get("effect") or "Allow"}
    for source, target in (("actions", "Action"), ("notActions", "NotAction"), ("resources", "Resource"), ("notResources", "NotResource")):
        if statement.get(source):
            out[target] = _string_list(statement[source])
    if statement.get("principals"):
        out["Principal"] = _principals(statement["principals"])
    if statement.get("notPrincipals"):
        out["NotPrincipal"] = _principals(statement["notPrincipals"])
    if statement.get("conditions"):
        out["Condition"] = _conditions(statement["conditions"])
    return out


def _merge(statements: list[dict[str, Any]], extra: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The provider's merge: a statement with a Sid already present replaces it, others are appended."""
    merged = list(statements)
    for statement in extra:
        index = next((i for i, s in enumerate(merged) if statement.get("Sid") and s.get("Sid") == statement.get("Sid")), None)
        if index is None:
            merged.append(statement)
        else:
            merged[index] = statement
    return merged


def _documents(texts: Any) -> list[dict[str, Any]]:
    statements: list[dict[str, Any]] = []
    for text in texts or []:
        document = json.loads(text) if isinstance(text, str) and text.strip() else {}
        found = document.get("Statement") or []
        statements = _merge(statements, [dict(s) for s in (found if isinstance(found, list) else [found])])
    return statements


def policy_document(args: Mapping[str, Any], context: InvokeContext) -> dict[str, Any]:
    """aws.iam.getPolicyDocument, computed as terraform-provider-aws computes it."""
    statements = _documents(args.get("sourcePolicyDocuments"))
    statements = _merge(statements, [_statement(s) for s in args.get("statements") or []])
    statements = _merge(statements, _documents(args.get("overridePolicyDocuments")))
    document: dict[str, Any] = {"Version": args.get("version") or "2012-10-17"}
    if args.get("policyId"):
        document["Id"] = args["policyId"]
    document["Statement"] = statements
    text = json.dumps(document, indent=2)
    return {**args, "id": digest(text, length=10), "json": text, "minifiedJson": json.dumps(document, separators=(",", ":"))}


def availability_zones(args: Mapping[str, Any], context: InvokeContext) -> dict[str, Any]:
    prefix = {"us-east-1": "use1", "us-west-2": "usw2", "eu-west-1": "euw1", "eu-central-1": "euc1"}.get(context.region, "az")
    ids = [f"{prefix}-az{i + 1}" for i in range(len(context.zones))]
    return {"id": context.region, "names": context.zones, "zoneIds": ids, "groupNames": [context.region], "region": context.region}


def region(args: Mapping[str, Any], context: InvokeContext) -> dict[str, Any]:
    name = args.get("region") or args.get("name") or context.region
    return {"id": name, "name": name, "region": name, "description": name, "endpoint": f"ec2.{name}.amazonaws.com"}


def caller_identity(args: Mapping[str, Any], context: InvokeContext) -> dict[str, Any]:
    return {"accountId": ACCOUNT_ID, "arn": f"arn:aws:iam::{ACCOUNT_ID}:user/mock", "id": ACCOUNT_ID, "userId": "AIDAMOCKUSER"}


def partition(args: Mapping[str, Any], context: InvokeContext) -> dict[str, Any]:
    return {"id": "aws", "partition": "aws", "dnsSuffix": "amazonaws.com", "reverseDnsPrefix": "com.amazonaws"}


def ssm_parameter(args: Mapping[str, Any], context: InvokeContext) -> dict[str, Any]:
    name = args.get("name", "")
    value = AMI_ID if "/ami" in name else f"value-of-{name.strip('/').replace('/', '-') or 'parameter'}"
    return {
        "id": name,
        "name": name,
        "type": "String",
        "value": value,
        "insecureValue": value,
        "arn": f"arn:aws:ssm:{context.region}:{ACCOUNT_ID}:parameter/{name.lstrip('/')}",
        "version": 1,
        "withDecryption": args.get("withDecryption", True),
    }


def ami(args: Mapping[str, Any], context: InvokeContext) -> dict[str, Any]:
    names = [v for f in args.get("filters") or [] if f.get("name") == "name" for v in f.get("values") or []]
    architecture = "arm64" if any("arm64" in n for n in names) else "x86_64"
    return {
        "id": AMI_ID,
        "imageId": AMI_ID,
        "arn": f"arn:aws:ec2:{context.region}::image/{AMI_ID}",
        "name": (names[0].replace("*", "2026.1") if names else "al2023-ami-2026.1-kernel-6.12-x86_64"),
        "architecture": architecture,
        "ownerId": "137112412989",
        "owners": args.get("owners") or ["amazon"],
        "rootDeviceName": "/dev/xvda",
        "rootDeviceType": "ebs",
        "virtualizationType": "hvm",
        "state": "available",
        "blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {"volume_size": "8", "volume_type": "gp3", "encrypted": "false"}}],
    }


def vpc(args: Mapping[str, Any], context: InvokeContext) -> dict[str, Any]:
    vpc_id = args.get("id") or f"vpc-{digest('default-vpc', context.region)}"
    return {
        "id": vpc_id,
        "arn": f"arn:aws:ec2:{context.region}:{ACCOUNT_ID}:vpc/{vpc_id}",
        "cidrBlock": args.get("cidrBlock") or DEFAULT_VPC_CIDR,
        "default": bool(args.get("default", True)),
        "enableDnsHostnames": True,
        "enableDnsSupport": True,
        "instanceTenancy": "default",
        "ownerId": ACCOUNT_ID,
        "state": "available",
        "mainRouteTableId": f"rtb-{digest(vpc_id, 'main')}",
        "tags": args.get("tags") or {},
    }


def subnet_ids(context: InvokeContext) -> list[str]:
    """The default VPC's subnets: one per zone."""
    return [f"subnet-{digest('default-subnet', zone)}" for zone in context.zones[:3]]


def subnets(args: Mapping[str, Any], context: InvokeContext) -> dict[str, Any]:
    return {"id": context.region, "ids": subnet_ids(context), "filters": args.get("filters"), "tags": args.get("tags")}


def subnet(args: Mapping[str, Any], context: InvokeContext) -> dict[str, Any]:
    ids = subnet_ids(context)
    subnet_id = args.get("id") or ids[0]
    index = ids.index(subnet_id) if subnet_id in ids else 0
    zone = args.get("availabilityZone") or context.zones[index % len(context.zones)]
    return {
        "id": subnet_id,
        "arn": f"arn:aws:ec2:{context.region}:{ACCOUNT_ID}:subnet/{subnet_id}",
        "availabilityZone": zone,
        "availabilityZoneId": f"az{index + 1}",
        "cidrBlock": f"172.31.{16 * index}.0/20",
        "vpcId": args.get("vpcId") or f"vpc-{digest('default-vpc', context.region)}",
        "defaultForAz": True,
        "mapPublicIpOnLaunch": True,
        "ownerId": ACCOUNT_ID,
        "state": "available",
        "tags": args.get("tags") or {},
    }


def security_group(args: Mapping[str, Any], context: InvokeContext) -> dict[str, Any]:
    name = args.get("name") or "default"
    group_id = args.get("id") or f"sg-{digest('security-group', name)}"
    return {
        "id": group_id,
        "arn": f"arn:aws:ec2:{context.region}:{ACCOUNT_ID}:security-group/{group_id}",
        "name": name,
        "description": f"{name} security group",
        "vpcId": args.get("vpcId") or f"vpc-{digest('default-vpc', context.region)}",
        "tags": args.get("tags") or {},
    }


def hosted_zone(args: Mapping[str, Any], context: InvokeContext) -> dict[str, Any]:
    name = str(args.get("name") or "example.com").rstrip(".")
    zone_id = args.get("zoneId") or hosted_zone_id(name)
    return {
        "id": zone_id,
        "zoneId": zone_id,
        "name": name,
        "arn": f"arn:aws:route53:::hostedzone/{zone_id}",
        "callerReference": digest(name, length=12),
        "comment": "",
        "nameServers": [f"ns-{i}.awsdns-{i:02d}.{tld}" for i, tld in enumerate(("com", "net", "org", "co.uk"))],
        "primaryNameServer": "ns-0.awsdns-00.com",
        "privateZone": bool(args.get("privateZone", False)),
        "resourceRecordSetCount": 2,
        "tags": args.get("tags") or {},
    }


def managed_prefix_list(args: Mapping[str, Any], context: InvokeContext) -> dict[str, Any]:
    name = args.get("name") or "com.amazonaws.global.cloudfront.origin-facing"
    list_id = args.get("id") or (CLOUDFRONT_ORIGIN_PREFIX_LIST if "cloudfront" in name else f"pl-{digest(name, length=8)}")
    return {
        "id": list_id,
        "name": name,
        "arn": f"arn:aws:ec2:{context.region}:aws:prefix-list/{list_id}",
        "addressFamily": "IPv4",
        "maxEntries": 55,
        "ownerId": "AWS",
        "entries": [],
        "version": 1,
        "tags": {},
    }


def certificate(args: Mapping[str, Any], context: InvokeContext) -> dict[str, Any]:
    domain = args.get("domain") or "example.com"
    cert_id = uuid_like(domain)
    return {
        "id": f"arn:aws:acm:{context.region}:{ACCOUNT_ID}:certificate/{cert_id}",
        "arn": f"arn:aws:acm:{context.region}:{ACCOUNT_ID}:certificate/{cert_id}",
        "domain": domain,
        "status": "ISSUED",
        "statuses": args.get("statuses"),
        "keyTypes": args.get("keyTypes"),
        "types": args.get("types"),
        "certificate": "",
        "certificateChain": "",
        "tags": {},
    }


def secret_version(args: Mapping[str, Any], context: InvokeContext) -> dict[str, Any]:
    secret = args.get("secretId") or "secret"
    arn = str(secret)
    if not arn.startswith("arn:"):
        arn = f"arn:aws:secretsmanager:{context.region}:{ACCOUNT_ID}:secret:{secret}-{digest(secret, length=6)}"
    return {
        "id": f"{arn}|AWSCURRENT",
        "arn": arn,
        "secretId": secret,
        "secretString": json.dumps({"username": "mock", "password": "mock-secret-value"}),
        "secretBinary": "",
        "versionId": uuid_like(arn),
        "versionStage": args.get("versionStage") or "AWSCURRENT",
        "versionStages": ["AWSCURRENT"],
        "createdDate": "2026-01-01T00:00:00Z",
    }


def kms_key(args: Mapping[str, Any], context: InvokeContext) -> dict[str, Any]:
    given = str(args.get("keyId") or "alias/aws/ebs")
    key_id = given.rsplit("/", 1)[-1] if given.startswith("arn:") and ":key/" in given else uuid_like(given)
    return {
        "id": key_id,
        "keyId": given,
        "arn": f"arn:aws:kms:{context.region}:{ACCOUNT_ID}:key/{key_id}",
        "awsAccountId": ACCOUNT_ID,
        "enabled": True,
        "keyManager": "AWS" if given.startswith("alias/aws/") else "CUSTOMER",
        "keySpec": "SYMMETRIC_DEFAULT",
        "keyState": "Enabled",
        "keyUsage": "ENCRYPT_DECRYPT",
        "origin": "AWS_KMS",
        "multiRegion": False,
        "description": given,
        "creationDate": "2026-01-01T00:00:00Z",
    }


def role(args: Mapping[str, Any], context: InvokeContext) -> dict[str, Any]:
    name = args.get("name") or "role"
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }
    return {
        "id": name,
        "name": name,
        "arn": f"arn:aws:iam::{ACCOUNT_ID}:role/{name}",
        "assumeRolePolicy": json.dumps(trust),
        "path": "/",
        "uniqueId": "AROA" + digest(name, length=17).upper(),
        "maxSessionDuration": 3600,
        "description": "",
        "createDate": "2026-01-01T00:00:00Z",
        "tags": {},
    }


def managed_policy(args: Mapping[str, Any], context: InvokeContext) -> dict[str, Any]:
    arn = args.get("arn") or f"arn:aws:iam::aws:policy/{args.get('name') or 'policy'}"
    name = args.get("name") or arn.rsplit("/", 1)[-1]
    # The document of a policy that exists outside the program is unknown offline: an empty one,
    # so no policy judges statements it cannot see.
    return {
        "id": arn,
        "arn": arn,
        "name": name,
        "path": "/",
        "policy": json.dumps({"Version": "2012-10-17", "Statement": []}),
        "policyId": "ANPA" + digest(arn, length=17).upper(),
        "description": "",
        "attachmentCount": 1,
        "tags": {},
    }


def elb_service_account(args: Mapping[str, Any], context: InvokeContext) -> dict[str, Any]:
    return {"id": ELB_ACCOUNT, "arn": f"arn:aws:iam::{ELB_ACCOUNT}:root", "region": context.region}


def cloudfront_policy(kind: str) -> Answer:
    def answer(args: Mapping[str, Any], context: InvokeContext) -> dict[str, Any]:
        name = args.get("name") or "mock"
        return {"id": args.get("id") or uuid_like(f"{kind}/{name}"), "name": name, "comment": f"{kind} {name}"}

    return answer


ANSWERS: dict[str, Answer] = {
    "aws:iam/getPolicyDocument:getPolicyDocument": policy_document,
    "aws:index/getAvailabilityZones:getAvailabilityZones": availability_zones,
    "aws:index/getRegion:getRegion": region,
    "aws:index/getCallerIdentity:getCallerIdentity": caller_identity,
    "aws:index/getPartition:getPartition": partition,
    "aws:ssm/getParameter:getParameter": ssm_parameter,
    "aws:ec2/getAmi:getAmi": ami,
    "aws:ec2/getVpc:getVpc": vpc,
    "aws:ec2/getSubnets:getSubnets": subnets,
    "aws:ec2/getSubnet:getSubnet": subnet,
    "aws:ec2/getSecurityGroup:getSecurityGroup": security_group,
    "aws:route53/getZone:getZone": hosted_zone,
    "aws:ec2/getManagedPrefixList:getManagedPrefixList": managed_prefix_list,
    "aws:acm/getCertificate:getCertificate": certificate,
    "aws:secretsmanager/getSecretVersion:getSecretVersion": secret_version,
    "aws:kms/getKey:getKey": kms_key,
    "aws:iam/getRole:getRole": role,
    "aws:iam/getPolicy:getPolicy": managed_policy,
    "aws:elb/getServiceAccount:getServiceAccount": elb_service_account,
    "aws:cloudfront/getCachePolicy:getCachePolicy": cloudfront_policy("cache-policy"),
    "aws:cloudfront/getOriginRequestPolicy:getOriginRequestPolicy": cloudfront_policy("origin-request-policy"),
    "aws:cloudfront/getResponseHeadersPolicy:getResponseHeadersPolicy": cloudfront_policy("response-headers-policy"),
}
"""Invokes answered by hand; every other one is answered from its declared result type."""


def answer(token: str, args: Mapping[str, Any], context: InvokeContext) -> Optional[dict[str, Any]]:
    """The invoke's result: a faithful answer, or every declared field with a plausible value (None if the token is unknown)."""
    if token in ANSWERS:
        return ANSWERS[token](args, context)
    fields = invoke_result_fields(token)
    if not fields:
        return None
    subject = Subject(token, token.rsplit(":", 1)[-1], context.region, args)
    name = str(args.get("name") or args.get("id") or digest(token, json.dumps(args, sort_keys=True, default=str), length=8))
    result = {key: context.build(field, subject, name) for key, field in fields.items() if key not in args}
    return {**result, **{k: v for k, v in args.items() if k in fields}}
