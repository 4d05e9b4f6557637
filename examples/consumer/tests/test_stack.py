"""The shop's stack under mocks: both reused components are built from the wheel and wired together."""

from shop_mocks import run_program

CONFIG = {"shop-platform:vpcCidr": "10.40.0.0/16", "shop-platform:dbInstanceClass": "db.t4g.small"}


def test_reuses_the_network_and_the_database_under_this_projects_names(preview: bool) -> None:
    result = run_program(preview, CONFIG)
    [network] = result.of_type("awsinaction:index:Network")
    [database] = result.of_type("awsinaction:index:Database")
    assert (network.name, database.name) == ("shop-dev-net", "shop-dev-db")
    [vpc] = result.of_type("aws:ec2/vpc:Vpc")
    assert vpc.parent == network.urn and vpc.inputs["cidrBlock"] == "10.40.0.0/16"
    assert vpc.inputs["tags"]["CostCenter"] == "shop"


def test_database_lives_in_the_networks_isolated_subnets(preview: bool) -> None:
    result = run_program(preview, CONFIG)
    [database] = result.of_type("awsinaction:index:Database")
    [instance] = [r for r in result.of_type("aws:rds/instance:Instance") if r.parent == database.urn]
    assert instance.inputs["instanceClass"] == "db.t4g.small"
    assert instance.inputs["multiAz"] is True and instance.inputs["storageEncrypted"] is True
    [group] = result.of_type("aws:rds/subnetGroup:SubnetGroup")
    isolated = [s for s in result.of_type("aws:ec2/subnet:Subnet") if s.inputs["tags"]["Tier"] == "isolated"]
    assert len(isolated) == 2
    if not preview:  # subnet IDs are computed by AWS, unknown in preview
        assert sorted(group.inputs["subnetIds"]) == sorted(f"{s.name}-id" for s in isolated)


def test_one_nat_gateway_for_the_shop(preview: bool) -> None:
    result = run_program(preview, CONFIG)
    assert len(result.of_type("aws:ec2/natGateway:NatGateway")) == 1


def test_stack_exports_the_shops_endpoints() -> None:
    result = run_program(False, CONFIG)  # in preview the exports hold unknowns and are never resolved
    assert {"vpcId", "privateSubnetIds", "databaseAddress", "databaseSecretArn"} <= set(result.outputs)
    assert result.outputs["vpcId"] == "shop-dev-net-vpc-id"
