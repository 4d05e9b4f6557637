"""The price-table generator, against Price List API responses played back by botocore's Stubber.

The fixtures in tests/fixtures/pricing/ are pricing.get_products exchanges (expected request, response)
in the API's own format: PriceList entries are JSON strings with product attributes and OnDemand terms.
"""

import datetime
import json
from pathlib import Path

import boto3
import pytest
from botocore.stub import Stubber

from policies import pricing

FIXTURES = Path(__file__).parent / "fixtures" / "pricing"
TODAY = datetime.date(2026, 12, 1)


def stubbed(*names: str):
    client = boto3.client("pricing", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    stubber = Stubber(client)
    for name in names:
        for call in json.loads((FIXTURES / f"{name}.json").read_text()):
            stubber.add_response("get_products", call["response"], call["expected_params"])
    stubber.activate()
    return client, stubber


def test_refresh_asks_for_every_entry_and_takes_the_first_tier() -> None:
    old = {
        "date": "2020-01-01",
        "source": "old",
        "region": "us-east-1",
        "hoursPerMonth": 730,
        "ec2InstanceHour": {"t3.micro": 0.5},
        "rdsInstanceHour": {"mysql": {"db.t3.micro": 0.5}},
        "natGateway": {"hour": 0.5},
        "s3": {"standardGbMonth": 0.5},
        "cloudfront": {"httpsRequestsPer10k": 0.0125},
    }
    client, stubber = stubbed("ec2_t3_micro", "rds_db_t3_micro", "nat_gateway_hours", "s3_standard_tiered", "cloudfront_requests_empty")
    table, kept = pricing.refresh(old, client, today=TODAY)
    stubber.assert_no_pending_responses()
    assert table["ec2InstanceHour"] == {"t3.micro": 0.0104}
    assert table["rdsInstanceHour"] == {"mysql": {"db.t3.micro": 0.017}}
    assert table["natGateway"] == {"hour": 0.045}, "the zero-priced product on page 1 is skipped, page 2 is read"
    assert table["s3"] == {"standardGbMonth": 0.023}, "the first tier (beginRange 0), not the first listed"
    assert table["cloudfront"] == {"httpsRequestsPer10k": 0.0125}, "an unanswered entry keeps its value"
    assert len(kept) == 1 and kept[0].startswith("cloudfront.httpsRequestsPer10k kept at 0.0125")
    assert table["date"] == "2026-12-01" and "Price List API" in table["source"]
    assert old["ec2InstanceHour"] == {"t3.micro": 0.5}, "the input table is not modified"


def test_per_unit_scaling_and_no_dimension() -> None:
    item = json.loads((FIXTURES / "ec2_t3_micro.json").read_text())[0]["response"]["PriceList"][0]
    assert pricing.on_demand_price(item, per=10_000) == pytest.approx(104.0)
    empty = json.loads(item)
    next(iter(empty["terms"]["OnDemand"].values()))["priceDimensions"] = {}
    with pytest.raises(LookupError):
        pricing.on_demand_price(json.dumps(empty))


def leaves(value: object, path: tuple = ()) -> set[tuple]:
    if isinstance(value, dict):
        return {leaf for key, sub in value.items() for leaf in leaves(sub, (*path, key))}
    return {path} if isinstance(value, (int, float)) else set()


def test_every_price_of_the_shipped_table_can_be_regenerated() -> None:
    table = json.loads(pricing.DEFAULT_TABLE.read_text())
    prices = {path for path in leaves(table) if path[0] != "hoursPerMonth"}
    assert prices == {spec.path for spec in pricing.specs_for(table)}


def test_new_entries_are_regenerated_per_request_unit_and_by_tier() -> None:
    old = {
        "date": "2020-01-01",
        "region": "us-east-1",
        "hoursPerMonth": 730,
        "lambda": {"requestsPerMillion": 0.5, "gbSecondX86": 0.5},
        "dynamodb": {"writeRequestsPerMillion": 0.5},
        "dataTransfer": {"internetFirst10Tb": 0.5, "internetNext40Tb": 0.5},
        "sources": {"lambda": {"page": "https://aws.amazon.com/lambda/pricing/", "date": "2020-01-01"}},
    }
    client, stubber = stubbed("data_transfer_out_tiers", "lambda", "dynamodb_write_requests")  # the order specs_for asks in
    table, kept = pricing.refresh(old, client, today=TODAY)
    stubber.assert_no_pending_responses()
    assert kept == []
    assert table["lambda"] == {"requestsPerMillion": 0.2, "gbSecondX86": 0.0000166667}, "per request x 1e6; GB-s: the first tier"
    assert table["dynamodb"] == {"writeRequestsPerMillion": 0.625}
    assert table["dataTransfer"] == {"internetFirst10Tb": 0.09, "internetNext40Tb": 0.085}, "the tier that begins at 10,240 GB"
    assert table["sources"]["lambda"] == {
        "page": "https://aws.amazon.com/lambda/pricing/",
        "date": "2026-12-01",
        "via": "AWS Price List API",
    }
    assert table["sources"]["dynamodb"]["date"] == "2026-12-01"


def test_every_section_of_the_shipped_table_names_its_page_and_date() -> None:
    table = json.loads(pricing.DEFAULT_TABLE.read_text())
    sections = {path[0] for path in leaves(table) if path[0] != "hoursPerMonth"}
    assert sections == set(table["sources"])
    for section, source in table["sources"].items():
        assert source["page"].startswith("https://aws.amazon.com/"), section
        assert datetime.date.fromisoformat(source["date"]) <= datetime.date.fromisoformat(table["date"]), section
