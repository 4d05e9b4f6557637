"""Regenerate the cost pack's price table from the AWS Price List API.

    python -m policies.pricing [--input policies/cost/prices.json] [--output policies/cost/prices.json]

Asks `pricing.get_products` (endpoint in us-east-1; needs the IAM permission pricing:GetProducts) for
every entry the table already has: EC2 instance types (Linux, shared tenancy, on demand), RDS classes
(MySQL, Single-AZ), ElastiCache nodes, and the flat prices below. An entry the API does not answer keeps
its previous value and is listed on stderr, so a renamed attribute never silently zeroes a price. The
output carries the date of the run and the API as its source.
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
RDS_ENGINES = {"mysql": "MySQL", "postgres": "PostgreSQL", "mariadb": "MariaDB"}
"""Table engine keys and the Price List's databaseEngine values."""


@dataclass(frozen=True)
class Spec:
    """Where one table entry comes from: a service code and TERM_MATCH attribute filters."""

    path: tuple[str, ...]
    service: str
    attributes: tuple[tuple[str, str], ...]
    per: float = 1.0
    """Table unit / API unit, e.g. 10,000 for a price per 10k requests quoted per request."""


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
]
"""The flat prices of the table and how to find each one."""


def instance_spec(table: str, size: str, engine: str = "") -> Spec:
    """The spec of a per-size entry: EC2 instance type, RDS class (MySQL Single-AZ) or ElastiCache node type."""
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
    return Spec((table, size), "AmazonElastiCache", _regional(instanceType=size, cacheEngine="Redis"))


def on_demand_price(price_item: str, per: float = 1.0) -> float:
    """The first-tier on-demand USD price of one PriceList entry (a JSON string), in table units."""
    document = json.loads(price_item)
    dimensions = [d for term in document["terms"]["OnDemand"].values() for d in term["priceDimensions"].values()]
    if not dimensions:
        raise LookupError("no on-demand price dimension")
    first = min(dimensions, key=lambda d: float(d.get("beginRange", "0")))
    return round(float(first["pricePerUnit"]["USD"]) * per, 10)


def lookup(client: Any, spec: Spec) -> float:
    """Ask the Price List API for one spec; LookupError when nothing (or nothing priced) matches."""
    filters = [{"Type": "TERM_MATCH", "Field": field, "Value": value} for field, value in spec.attributes]
    request: dict[str, Any] = {"ServiceCode": spec.service, "Filters": filters, "FormatVersion": "aws_v1", "MaxResults": 10}
    while True:
        response = client.get_products(**request)
        for item in response.get("PriceList", []):
            price = on_demand_price(item, spec.per)
            if price > 0:
                return price
        if not response.get("NextToken"):
            raise LookupError(f"{spec.service} has no priced product for {dict(spec.attributes)}")
        request["NextToken"] = response["NextToken"]


def specs_for(table: dict[str, Any]) -> list[Spec]:
    """Every spec the table has an entry for, in a stable order."""
    specs = [instance_spec("ec2InstanceHour", size) for size in sorted(table.get("ec2InstanceHour", {}))]
    for engine, classes in sorted(table.get("rdsInstanceHour", {}).items()):
        specs += [instance_spec("rdsInstanceHour", size, engine) for size in sorted(classes)]
    specs += [instance_spec("elasticacheNodeHour", size) for size in sorted(table.get("elasticacheNodeHour", {}))]
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
    for spec in specs_for(table):
        try:
            _set(result, spec.path, lookup(client, spec))
        except LookupError as error:
            kept.append(f"{'.'.join(spec.path)} kept at {_get(table, spec.path)}: {error}")
    result["date"] = (today or datetime.date.today()).isoformat()
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
