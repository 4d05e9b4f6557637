"""Regenerate the cost pack's price table from the AWS Price List API.

    python -m policies.pricing [--input policies/cost/prices.json] [--output policies/cost/prices.json]

Asks `pricing.get_products` (endpoint in us-east-1; needs the IAM permission pricing:GetProducts) for
every entry the table already has: EC2 instance types (Linux, shared tenancy, on demand) and their CPU
credits, RDS and Aurora classes (Single-AZ, per engine), ElastiCache nodes (per engine), Redshift nodes,
and the flat prices below. An entry the API does not answer keeps its previous value and is listed on
stderr, so a renamed attribute never silently zeroes a price. Each refreshed section gets the date of
the run in `sources`, with its pricing page kept.
"""

import argparse
import datetime
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

REGION = "us-east-1"
"""The region the table prices (the book's region)."""
PRICING_ENDPOINT_REGION = "us-east-1"
"""The Price List API answers from us-east-1 (and a few other regions)."""
DEFAULT_TABLE = Path(__file__).resolve().parent / "cost" / "prices.json"
RDS_ENGINES = {
    "mysql": "MySQL",
    "postgres": "PostgreSQL",
    "mariadb": "MariaDB",
    "aurora-mysql": "Aurora MySQL",
    "aurora-postgresql": "Aurora PostgreSQL",
}
"""Table engine keys and the Price List's databaseEngine values."""
CACHE_ENGINES = {"redis": "Redis", "valkey": "Valkey", "memcached": "Memcached"}
"""Table engine keys and the Price List's cacheEngine values."""


@dataclass(frozen=True)
class Spec:
    """Where one table entry comes from: a service code and TERM_MATCH attribute filters."""

    path: tuple[str, ...]
    service: str
    attributes: tuple[tuple[str, str], ...]
    per: float = 1.0
    """Table unit / API unit, e.g. 10,000 for a price per 10k requests quoted per request."""
    tier: float = 0.0
    """The beginRange of the price tier to take (GB for tiered data transfer); the first tier by default."""


def _regional(**attributes: str) -> tuple[tuple[str, str], ...]:
    return (("regionCode", REGION), *attributes.items())


FLAT_SPECS = [
    Spec(("natGateway", "hour"), "AmazonEC2", _regional(productFamily="NAT Gateway", usagetype="NatGateway-Hours")),
    Spec(("natGateway", "gbProcessed"), "AmazonEC2", _regional(productFamily="NAT Gateway", usagetype="NatGateway-Bytes")),
    Spec(("publicIpv4Hour",), "AmazonVPC", _regional(usagetype="PublicIPv4:InUseAddress")),
    Spec(
        ("applicationLoadBalancer", "hour"), "AWSELB", _regional(productFamily="Load Balancer-Application", usagetype="LoadBalancerUsage")
    ),
    Spec(("applicationLoadBalancer", "lcuHour"), "AWSELB", _regional(productFamily="Load Balancer-Application", usagetype="LCUUsage")),
    Spec(("ebsGbMonth", "gp3"), "AmazonEC2", _regional(productFamily="Storage", volumeApiName="gp3")),
    Spec(("ebsGbMonth", "gp2"), "AmazonEC2", _regional(productFamily="Storage", volumeApiName="gp2")),
    Spec(
        ("rdsStorageGbMonth", "gp2"),
        "AmazonRDS",
        _regional(productFamily="Database Storage", volumeType="General Purpose", deploymentOption="Single-AZ", databaseEngine="MySQL"),
    ),
    Spec(
        ("rdsStorageGbMonth", "gp3"),
        "AmazonRDS",
        _regional(productFamily="Database Storage", volumeType="General Purpose-GP3", deploymentOption="Single-AZ", databaseEngine="MySQL"),
    ),
    Spec(("rdsBackupGbMonth",), "AmazonRDS", _regional(productFamily="Storage Snapshot", usagetype="RDS:ChargedBackupUsage")),
    Spec(("efsGbMonth", "standard"), "AmazonEFS", _regional(storageClass="General Purpose")),
    Spec(("efsGbMonth", "infrequentAccess"), "AmazonEFS", _regional(storageClass="Infrequent Access")),
    Spec(("efsGbMonth", "oneZone"), "AmazonEFS", _regional(storageClass="One Zone-General Purpose")),
    Spec(("s3", "standardGbMonth"), "AmazonS3", _regional(storageClass="General Purpose", volumeType="Standard")),
    Spec(("cloudfront", "gbOut"), "AmazonCloudFront", (("transferType", "CloudFront Outbound"), ("fromLocation", "United States"))),
    Spec(("cloudfront", "gbToOrigin"), "AmazonCloudFront", (("transferType", "CloudFront to Origin"), ("fromLocation", "United States"))),
    Spec(
        ("cloudfront", "httpsRequestsPer10k"),
        "AmazonCloudFront",
        (("requestType", "CloudFront-Request-HTTPS"), ("location", "United States")),
        per=10_000,
    ),
    Spec(("cloudwatch", "alarmMonth"), "AmazonCloudWatch", _regional(productFamily="Alarm", usagetype="CW:AlarmMonitorUsage")),
    Spec(("cloudwatch", "logIngestionGb"), "AmazonCloudWatch", _regional(productFamily="Data Payload", usagetype="DataProcessing-Bytes")),
    *[
        Spec(("ebsGbMonth", kind), "AmazonEC2", _regional(productFamily="Storage", volumeApiName=kind))
        for kind in ("io1", "io2", "st1", "sc1", "standard")
    ],
    *[
        Spec(("ebsIopsMonth", kind), "AmazonEC2", _regional(productFamily="System Operation", volumeApiName=kind, group="EBS IOPS"))
        for kind in ("gp3", "io1", "io2")
    ],
    Spec(("ebsGp3ThroughputMbpsMonth",), "AmazonEC2", _regional(productFamily="Provisioned Throughput", volumeApiName="gp3")),
    Spec(("ebsSnapshotGbMonth",), "AmazonEC2", _regional(productFamily="Storage Snapshot", usagetype="EBS:SnapshotUsage")),
    Spec(
        ("rdsStorageGbMonth", "io1"),
        "AmazonRDS",
        _regional(productFamily="Database Storage", volumeType="Provisioned IOPS", deploymentOption="Single-AZ", databaseEngine="MySQL"),
    ),
    Spec(("aurora", "storageGbMonth"), "AmazonRDS", _regional(productFamily="Database Storage", usagetype="Aurora:StorageUsage")),
    Spec(("aurora", "ioPerMillion"), "AmazonRDS", _regional(productFamily="System Operation", usagetype="Aurora:StorageIOUsage"), per=1e6),
    Spec(("aurora", "serverlessAcuHour"), "AmazonRDS", _regional(productFamily="ServerlessV2", usagetype="Aurora:ServerlessV2Usage")),
    Spec(
        ("elasticacheServerless", "valkeyGbHour"),
        "AmazonElastiCache",
        _regional(cacheEngine="Valkey", usagetype="ElastiCache:ServerlessCachedData"),
    ),
    Spec(
        ("elasticacheServerless", "valkeyEcpuPerMillion"),
        "AmazonElastiCache",
        _regional(cacheEngine="Valkey", usagetype="ElastiCache:ServerlessProcessingUnits"),
        per=1e6,
    ),
    Spec(
        ("elasticacheServerless", "redisGbHour"),
        "AmazonElastiCache",
        _regional(cacheEngine="Redis", usagetype="ElastiCache:ServerlessCachedData"),
    ),
    Spec(
        ("elasticacheServerless", "redisEcpuPerMillion"),
        "AmazonElastiCache",
        _regional(cacheEngine="Redis", usagetype="ElastiCache:ServerlessProcessingUnits"),
        per=1e6,
    ),
    Spec(("elasticacheBackupGbMonth",), "AmazonElastiCache", _regional(productFamily="Storage Snapshot", usagetype="BackupUsage")),
    Spec(("networkLoadBalancer", "hour"), "AWSELB", _regional(productFamily="Load Balancer-Network", usagetype="LoadBalancerUsage")),
    Spec(("networkLoadBalancer", "lcuHour"), "AWSELB", _regional(productFamily="Load Balancer-Network", usagetype="LCUUsage")),
    Spec(("classicLoadBalancer", "hour"), "AWSELB", _regional(productFamily="Load Balancer", usagetype="LoadBalancerUsage")),
    Spec(("classicLoadBalancer", "gbProcessed"), "AWSELB", _regional(productFamily="Load Balancer", usagetype="DataProcessing-Bytes")),
    Spec(("vpcEndpoint", "interfaceHour"), "AmazonVPC", _regional(productFamily="VpcEndpoint", usagetype="VpcEndpoint-Hours")),
    Spec(("vpcEndpoint", "gbProcessed"), "AmazonVPC", _regional(productFamily="VpcEndpoint", usagetype="VpcEndpoint-Bytes")),
    Spec(
        ("dataTransfer", "interAzGb"),
        "AWSDataTransfer",
        (("fromRegionCode", REGION), ("toRegionCode", REGION), ("transferType", "IntraRegion")),
    ),
    *[
        Spec(("dataTransfer", key), "AWSDataTransfer", (("fromRegionCode", REGION), ("transferType", "AWS Outbound")), tier=begin)
        for key, begin in (
            ("internetFirst10Tb", 0.0),
            ("internetNext40Tb", 10240.0),
            ("internetNext100Tb", 51200.0),
            ("internetOver150Tb", 153600.0),
        )
    ],
    Spec(("backupGbMonth", "efs"), "AWSBackup", _regional(usagetype="WarmStorage-ByteHrs-EFS")),
    Spec(("backupGbMonth", "ebs"), "AWSBackup", _regional(usagetype="WarmStorage-ByteHrs-EBS")),
    Spec(("backupGbMonth", "dynamodb"), "AWSBackup", _regional(usagetype="WarmStorage-ByteHrs-DDB")),
    Spec(("kms", "keyMonth"), "awskms", _regional(usagetype="KMS-Keys")),
    Spec(("kms", "requestsPer10k"), "awskms", _regional(usagetype="KMS-Requests"), per=10_000),
    Spec(("secretsManager", "secretMonth"), "AWSSecretsManager", _regional(usagetype="AWSSecretsManager-Secrets")),
    Spec(("secretsManager", "apiCallsPer10k"), "AWSSecretsManager", _regional(usagetype="AWSSecretsManager-APIRequest"), per=10_000),
    Spec(("lambda", "requestsPerMillion"), "AWSLambda", _regional(usagetype="Request"), per=1e6),
    Spec(("lambda", "gbSecondX86"), "AWSLambda", _regional(usagetype="Lambda-GB-Second")),
    Spec(("lambda", "gbSecondArm"), "AWSLambda", _regional(usagetype="Lambda-GB-Second-ARM")),
    Spec(("eks", "clusterHour"), "AmazonEKS", _regional(usagetype="AmazonEKS-Hours:perCluster")),
    Spec(("fargate", "vcpuHour"), "AmazonECS", _regional(usagetype="Fargate-vCPU-Hours:perCPU")),
    Spec(("fargate", "gbHour"), "AmazonECS", _regional(usagetype="Fargate-GB-Hours")),
    Spec(("fargate", "armVcpuHour"), "AmazonECS", _regional(usagetype="Fargate-ARM-vCPU-Hours:perCPU")),
    Spec(("fargate", "armGbHour"), "AmazonECS", _regional(usagetype="Fargate-ARM-GB-Hours")),
    Spec(("dynamodb", "writeRequestsPerMillion"), "AmazonDynamoDB", _regional(usagetype="WriteRequestUnits"), per=1e6),
    Spec(("dynamodb", "readRequestsPerMillion"), "AmazonDynamoDB", _regional(usagetype="ReadRequestUnits"), per=1e6),
    Spec(("dynamodb", "wcuHour"), "AmazonDynamoDB", _regional(usagetype="WriteCapacityUnit-Hrs")),
    Spec(("dynamodb", "rcuHour"), "AmazonDynamoDB", _regional(usagetype="ReadCapacityUnit-Hrs")),
    Spec(("dynamodb", "storageGbMonth"), "AmazonDynamoDB", _regional(usagetype="TimedStorage-ByteHrs")),
    Spec(("dynamodb", "pitrGbMonth"), "AmazonDynamoDB", _regional(usagetype="TimedPITRStorage-ByteHrs")),
    Spec(("sqs", "standardRequestsPerMillion"), "AWSQueueService", _regional(usagetype="Requests-Tier1"), per=1e6),
    Spec(("sqs", "fifoRequestsPerMillion"), "AWSQueueService", _regional(usagetype="Requests-FIFO-Tier1"), per=1e6),
    Spec(("sns", "publishesPerMillion"), "AmazonSNS", _regional(usagetype="Requests-Tier1"), per=1e6),
    Spec(("apiGateway", "restRequestsPerMillion"), "AmazonApiGateway", _regional(usagetype="ApiGatewayRequest"), per=1e6),
    Spec(("apiGateway", "httpRequestsPerMillion"), "AmazonApiGateway", _regional(usagetype="ApiGatewayHttpRequest"), per=1e6),
    Spec(("route53", "hostedZoneMonth"), "AmazonRoute53", (("usagetype", "HostedZone"),)),
]
"""The flat prices of the table and how to find each one."""


def instance_spec(table: str, size: str, engine: str = "") -> Spec:
    """The spec of a per-size entry: EC2 instance type or its CPU credits, RDS class (Single-AZ), ElastiCache or Redshift node."""
    if table == "ec2InstanceHour":
        return Spec(
            (table, size),
            "AmazonEC2",
            _regional(instanceType=size, operatingSystem="Linux", tenancy="Shared", preInstalledSw="NA", capacitystatus="Used"),
        )
    if table == "rdsInstanceHour":
        engine_name = RDS_ENGINES.get(engine, engine)
        return Spec(
            (table, engine, size), "AmazonRDS", _regional(instanceType=size, databaseEngine=engine_name, deploymentOption="Single-AZ")
        )
    if table == "ec2CpuCreditVcpuHour":
        return Spec(
            (table, size), "AmazonEC2", _regional(productFamily="CPU Credits", operatingSystem="Linux", usagetype=f"CPUCredits:{size}")
        )
    if table == "redshiftNodeHour":
        return Spec((table, size), "AmazonRedshift", _regional(productFamily="Compute Instance", instanceType=size))
    return Spec((table, engine, size), "AmazonElastiCache", _regional(instanceType=size, cacheEngine=CACHE_ENGINES.get(engine, engine)))


def on_demand_price(price_item: str, per: float = 1.0, tier: float = 0.0) -> float:
    """The on-demand USD price of one PriceList entry (a JSON string) in table units: its first tier, or the tier
    whose beginRange is `tier`."""
    document = json.loads(price_item)
    dimensions = [d for term in document["terms"]["OnDemand"].values() for d in term["priceDimensions"].values()]
    if not dimensions:
        raise LookupError("no on-demand price dimension")
    if tier:
        chosen = [d for d in dimensions if float(d.get("beginRange", "0")) == tier]
        if not chosen:
            raise LookupError(f"no price tier beginning at {tier:g}")
        first = chosen[0]
    else:
        first = min(dimensions, key=lambda d: float(d.get("beginRange", "0")))
    return round(float(first["pricePerUnit"]["USD"]) * per, 10)


def lookup(client: Any, spec: Spec) -> float:
    """Ask the Price List API for one spec; LookupError when nothing (or nothing priced) matches."""
    filters = [{"Type": "TERM_MATCH", "Field": field, "Value": value} for field, value in spec.attributes]
    request: dict[str, Any] = {"ServiceCode": spec.service, "Filters": filters, "FormatVersion": "aws_v1", "MaxResults": 10}
    while True:
        response = client.get_products(**request)
        for item in response.get("PriceList", []):
            price = on_demand_price(item, spec.per, spec.tier)
            if price > 0:
                return price
        if not response.get("NextToken"):
            raise LookupError(f"{spec.service} has no priced product for {dict(spec.attributes)}")
        request["NextToken"] = response["NextToken"]


def specs_for(table: dict[str, Any]) -> list[Spec]:
    """Every spec the table has an entry for, in a stable order."""
    specs = []
    for flat in ("ec2InstanceHour", "ec2CpuCreditVcpuHour", "redshiftNodeHour"):
        specs += [instance_spec(flat, size) for size in sorted(table.get(flat, {}))]
    for by_engine in ("rdsInstanceHour", "elasticacheNodeHour"):
        for engine, sizes in sorted(table.get(by_engine, {}).items()):
            specs += [instance_spec(by_engine, size, engine) for size in sorted(sizes)]
    return specs + [spec for spec in FLAT_SPECS if _get(table, spec.path) is not None]


def _get(table: dict[str, Any], path: tuple[str, ...]) -> Optional[Any]:
    value: Any = table
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def _set(table: dict[str, Any], path: tuple[str, ...], value: float) -> None:
    for key in path[:-1]:
        table = table.setdefault(key, {})
    table[path[-1]] = value


def refresh(table: dict[str, Any], client: Any, today: Optional[datetime.date] = None) -> tuple[dict[str, Any], list[str]]:
    """A new table with every price the API answers, and the entries it kept (with why)."""
    result = json.loads(json.dumps(table))
    kept = []
    day = (today or datetime.date.today()).isoformat()
    for spec in specs_for(table):
        try:
            _set(result, spec.path, lookup(client, spec))
        except LookupError as error:
            kept.append(f"{'.'.join(spec.path)} kept at {_get(table, spec.path)}: {error}")
            continue
        # The section's page stays; its date becomes the run's, and the API is where the figure came from.
        source = result.setdefault("sources", {}).setdefault(spec.path[0], {})
        source.update({"date": day, "via": "AWS Price List API"})
    result["date"] = day
    result["source"] = (
        f"AWS Price List API (pricing.get_products), on-demand list prices for {REGION}, first price tier; "
        "regenerated with python -m policies.pricing" + (f"; {len(kept)} entries kept from the previous table" if kept else "")
    )
    result.pop("confidence", None)
    return result, kept


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m policies.pricing", description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, default=DEFAULT_TABLE, help="the table to refresh (its entries say what to ask)")
    parser.add_argument("--output", type=Path, default=DEFAULT_TABLE, help="where to write the refreshed table")
    args = parser.parse_args(argv)
    import boto3

    client = boto3.client("pricing", region_name=PRICING_ENDPOINT_REGION)
    table, kept = refresh(json.loads(args.input.read_text()), client)
    args.output.write_text(json.dumps(table, indent=2) + "\n")
    for line in kept:
        print(f"warning: {line}", file=sys.stderr)
    print(f"wrote {args.output} ({table['date']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
