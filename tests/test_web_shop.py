"""The web shop as the committed stacks build it (issue 5's acceptance), in update and preview mode."""

import pytest

from components.network import NetworkArgs
from components.web_shop import ExistingNetworkArgs, WebShop, WebShopArgs
from tests.harness import STACKS, depends_on, reveal, run, run_stack, world_open_ingress

DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
SUBNET = "aws:ec2/subnet:Subnet"


def subnets(result, tier: str) -> list:
    return [s for s in result.of_type(SUBNET) if s.inputs["tags"]["Tier"] == tier]


def stack_zones(result) -> set[str]:
    return {s.inputs["availabilityZone"] for s in result.of_type(SUBNET)}


@pytest.mark.parametrize("stack", STACKS)
def test_distribution_has_exactly_two_origins_and_redirects_to_https(stack: str, preview: bool) -> None:
    result = run_stack(stack, preview)
    distribution = result.one(DISTRIBUTION)
    origins = reveal(distribution.inputs["origins"])
    assert len(origins) == 2
    [s3_origin] = [o for o in origins if "originAccessControlId" in o]
    assert s3_origin["originId"] == "static-assets"
    behaviours = [distribution.inputs["defaultCacheBehavior"], *distribution.inputs["orderedCacheBehaviors"]]
    assert all(b["viewerProtocolPolicy"] == "redirect-to-https" for b in behaviours)


@pytest.mark.parametrize("stack", STACKS)
def test_static_bucket_is_not_public(stack: str, preview: bool) -> None:
    result = run_stack(stack, preview)
    static = result.named("shop-cdn-static", "aws:s3/bucket:Bucket")
    [block] = [b for b in result.of_type("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock") if depends_on(result, b, static)]
    assert all(block.inputs[k] is True for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))
    assert not static.inputs.get("acl")


@pytest.mark.parametrize("stack", STACKS)
def test_load_balancer_admits_only_cloudfront_and_checks_the_secret_header(stack: str, preview: bool) -> None:
    result = run_stack(stack, preview)
    assert world_open_ingress(result) == [], "no security group anywhere admits 0.0.0.0/0 or ::/0"
    balancer = result.one("awsinaction:index:LoadBalancer")
    ingress = [r for r in result.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") if r.parent == balancer.urn]
    assert ingress and all(r.inputs.get("prefixListId") == "pl-3b927c52" for r in ingress)
    rules = result.of_type("aws:lb/listenerRule:ListenerRule")
    conditions = [c for r in rules for c in reveal(r.inputs["conditions"])]
    assert any(c.get("httpHeader", {}).get("httpHeaderName") == "X-Origin-Verify" for c in conditions)
    origin_secret = result.one("random:index/randomPassword:RandomPassword")
    assert origin_secret.inputs["special"] is False


@pytest.mark.parametrize("stack", STACKS)
def test_database_in_isolated_subnets_web_servers_in_private_ones(stack: str, preview: bool) -> None:
    result = run_stack(stack, preview)
    subnet_group = result.one("aws:rds/subnetGroup:SubnetGroup")
    group = result.one("aws:autoscaling/group:Group")
    isolated, private = subnets(result, "isolated"), subnets(result, "private")
    assert all(depends_on(result, subnet_group, s) for s in isolated)
    assert not any(depends_on(result, subnet_group, s) for s in private)
    assert all(depends_on(result, group, s) for s in private)
    assert not any(depends_on(result, group, s) for s in subnets(result, "public") + isolated)
    if not preview:
        assert sorted(subnet_group.inputs["subnetIds"]) == sorted(s.id for s in isolated)
        assert sorted(group.inputs["vpcZoneIdentifiers"]) == sorted(s.id for s in private)


@pytest.mark.parametrize("stack", STACKS)
def test_file_system_has_a_mount_target_in_every_az(stack: str, preview: bool) -> None:
    result = run_stack(stack, preview)
    targets = result.of_type("aws:efs/mountTarget:MountTarget")
    zones = stack_zones(result)
    assert len(targets) == len(zones)
    if not preview:
        assert sorted(t.inputs["subnetId"] for t in targets) == sorted(s.id for s in subnets(result, "private"))


@pytest.mark.parametrize("stack", STACKS)
def test_wordpress_connects_as_its_own_iam_user_of_the_stacks_database(stack: str, preview: bool) -> None:
    import base64
    import json

    result = run_stack(stack, preview)
    database = result.one("aws:rds/instance:Instance", replicateSourceDb=None)
    assert database.inputs["iamDatabaseAuthenticationEnabled"] is True
    [policy] = [p for p in result.of_type("aws:iam/rolePolicy:RolePolicy") if p.name == "shop-web-instance"]
    assert database.urn in policy.property_dependencies["policy"], "the permission names this database"
    if not preview:
        by_sid = {s["Sid"]: s for s in json.loads(policy.inputs["policy"])["Statement"]}
        user_arn = f"arn:aws:rds-db:us-east-1:123456789012:dbuser:{database.state['resourceId']}/wordpress"
        assert by_sid["ConnectAsDatabaseUser"]["Resource"] == [user_arn]
        script = base64.b64decode(result.one("aws:ec2/launchTemplate:LaunchTemplate").inputs["userData"]).decode()
        assert "export DB_USER='wordpress'" in script and f"export DB_HOST='{database.state['address']}'" in script


def test_the_application_user_is_not_the_master_user() -> None:
    from components.database import DatabaseArgs
    from components.web_fleet import WebFleetArgs

    with pytest.raises(ValueError, match=r"^web_fleet.database_user: 'dbadmin' is the database's master user"):
        run(lambda: WebShop("shop", WebShopArgs(web_fleet=WebFleetArgs(database_user="dbadmin"), database=DatabaseArgs())))


@pytest.mark.parametrize("stack", STACKS)
def test_servers_launch_only_once_every_mount_target_exists(stack: str, preview: bool) -> None:
    # The boot mounts the file system in the instance's AZ; the component's depends_on must reach what launches.
    result = run_stack(stack, preview)
    targets = result.of_type("aws:efs/mountTarget:MountTarget")
    assert targets
    for launcher in (result.one("aws:ec2/launchTemplate:LaunchTemplate"), result.one("aws:autoscaling/group:Group")):
        assert all(depends_on(result, launcher, target) for target in targets), launcher.name
    assert result.one("aws:autoscaling/group:Group").ignore_changes == ["desiredCapacity"]


def test_prod_is_highly_available(preview: bool) -> None:
    result = run_stack("prod", preview)
    zones = stack_zones(result)
    assert len(zones) == 3
    for tier in ("public", "private", "isolated"):
        assert {s.inputs["availabilityZone"] for s in subnets(result, tier)} == zones
    assert result.one("aws:rds/instance:Instance", replicateSourceDb=None).inputs["multiAz"] is True
    assert result.count("aws:ec2/natGateway:NatGateway") == 3
    group = result.one("aws:autoscaling/group:Group")
    assert group.inputs["minSize"] >= 2
    database = result.one("aws:rds/instance:Instance")
    assert database.inputs["deletionProtection"] is True and database.protect
    assert database.inputs["backupRetentionPeriod"] == 14.0
    assert result.one("aws:efs/fileSystem:FileSystem").protect


def test_dev_is_cheap() -> None:
    result = run_stack("dev")
    database = result.one("aws:rds/instance:Instance")
    assert database.inputs["multiAz"] is False and database.inputs["deletionProtection"] is False
    assert result.count("aws:ec2/natGateway:NatGateway") == 0
    assert result.one(DISTRIBUTION).inputs["priceClass"] == "PriceClass_100"
    assert result.one("aws:autoscaling/group:Group").inputs["maxSize"] == 2.0


@pytest.mark.parametrize("stack", STACKS)
def test_outputs_are_all_exported_in_camel_case(stack: str) -> None:
    result = run_stack(stack)
    expected = {
        "siteUrl",
        "cloudFrontDomainName",
        "cloudFrontDistributionId",
        "staticBucketName",
        "loadBalancerDnsName",
        "targetGroupArn",
        "autoScalingGroupName",
        "dbAddress",
        "dbPort",
        "dbSecretArn",
        "dbInstanceIdentifier",
        "fileSystemId",
        "vpcId",
        "availabilityZones",
        "bastionPublicIp",
    }
    assert expected <= set(result.outputs)
    assert result.outputs["siteUrl"].startswith("https://")
    for name in result.outputs:
        assert name[0].islower() and "_" not in name and "-" not in name, name


def test_web_shop_reuses_an_existing_network(preview: bool) -> None:
    zones = ["us-east-1a", "us-east-1b"]
    existing = ExistingNetworkArgs(
        vpc_id="vpc-1",
        vpc_cidr="10.5.0.0/16",
        availability_zones=zones,
        public_subnet_ids=["pub-a", "pub-b"],
        private_subnet_ids=["prv-a", "prv-b"],
        isolated_subnet_ids=["iso-a", "iso-b"],
        app_security_group_id="sg-0123456789abcdef0",
    )
    result = run(lambda: WebShop("shop", WebShopArgs(existing_network=existing)), preview)
    assert result.count("aws:ec2/vpc:Vpc") == 0
    assert result.one("aws:rds/subnetGroup:SubnetGroup").inputs["subnetIds"] == ["iso-a", "iso-b"]
    assert result.count("aws:efs/mountTarget:MountTarget") == 2


def test_network_and_existing_network_are_exclusive() -> None:
    existing = ExistingNetworkArgs(
        vpc_id="v",
        vpc_cidr="10.0.0.0/16",
        availability_zones=["a", "b"],
        public_subnet_ids=[],
        private_subnet_ids=[],
        isolated_subnet_ids=[],
        app_security_group_id="sg",
    )
    with pytest.raises(ValueError, match=r"^existing_network: set either network or existing_network"):
        run(lambda: WebShop("shop", WebShopArgs(network=NetworkArgs(cidr_block="10.0.0.0/16"), existing_network=existing)))


def test_a_bad_part_is_refused_before_anything_is_registered() -> None:
    from components.database import DatabaseArgs

    with pytest.raises(ValueError, match=r"^backup_retention_days: 40") as raised:
        run(lambda: WebShop("shop", WebShopArgs(database=DatabaseArgs(backup_retention_days=40))))
    assert raised.value.registered == []  # type: ignore[attr-defined]


def test_https_origin_gets_a_name_the_certificate_covers(preview: bool) -> None:
    overrides = {
        "awsinaction:certificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/0f7b1a2c-3d4e-5f60-7a8b-9c0d1e2f3a4b",
        "awsinaction:originDomainName": "origin.shop.example.com",
        "awsinaction:domainName": "shop.example.com",
        "awsinaction:hostedZoneId": "Z0123456789ABC",
    }
    result = run_stack("prod", preview, overrides)
    record = result.one("aws:route53/record:Record", name="origin.shop.example.com")
    assert record.inputs["type"] == "A" and depends_on(result, record, result.one("aws:lb/loadBalancer:LoadBalancer"))
    [alb_origin] = [o for o in reveal(result.one(DISTRIBUTION).inputs["origins"]) if o["originId"] == "load-balancer"]
    assert alb_origin["customOriginConfig"]["originProtocolPolicy"] == "https-only"
    if not preview:
        assert alb_origin["domainName"] == "origin.shop.example.com"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"awsinaction:certificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/abc"},
            r"^awsinaction:originDomainName: '' is not allowed with awsinaction:certificateArn",
        ),
        ({"awsinaction:originDomainName": "origin.example.com"}, r"^awsinaction:originDomainName: 'origin.example.com' needs"),
        ({"awsinaction:dbEngine": "postgres"}, r"^awsinaction:dbEngine: 'postgres' cannot run WordPress"),
    ],
)
def test_inconsistent_front_settings_are_refused(overrides: dict, message: str) -> None:
    import pulumi

    with pytest.raises(pulumi.RunError, match=message):
        run_stack("dev", overrides=overrides)


def test_component_refuses_postgres_with_the_default_wordpress_and_passes_the_database_name(preview: bool) -> None:
    from components.database import DatabaseArgs

    with pytest.raises(ValueError, match=r"^database: engine 'postgres' cannot serve the default application"):
        run(lambda: WebShop("shop", WebShopArgs(database=DatabaseArgs(engine="postgres"))))
    result = run(lambda: WebShop("shop", WebShopArgs(database=DatabaseArgs(database_name="shop"))), preview)
    assert result.one("aws:rds/instance:Instance").inputs["dbName"] == "shop"
    if not preview:
        import base64

        script = base64.b64decode(result.one("aws:ec2/launchTemplate:LaunchTemplate").inputs["userData"]).decode()
        assert "export DB_NAME='shop'" in script


@pytest.mark.parametrize("stack", STACKS)
def test_cloudfront_sends_the_secret_the_listener_checks(stack: str, preview: bool) -> None:
    result = run_stack(stack, preview)
    secret = result.one("random:index/randomPassword:RandomPassword")
    [alb_origin] = [o for o in reveal(result.one(DISTRIBUTION).inputs["origins"]) if o["originId"] == "load-balancer"]
    [rule] = result.of_type("aws:lb/listenerRule:ListenerRule")
    distribution = result.one(DISTRIBUTION)
    assert depends_on(result, distribution, secret) and depends_on(result, rule, secret)
    raw_origins = distribution.inputs["origins"]
    assert not isinstance(raw_origins, list), "the origins carry the header value as a Pulumi secret, never plain text in state"
    header = alb_origin["customHeaders"][0]["value"]
    if not preview:
        [condition] = reveal(rule.inputs["conditions"])
        assert reveal(header) == condition["httpHeader"]["values"][0] == secret.state["result"]
        listeners = result.of_type("aws:lb/listener:Listener")
        serving = [lst for lst in listeners if depends_on(result, rule, lst)]
        assert serving and all(lst.inputs["defaultActions"][0]["type"] == "fixed-response" for lst in serving)
        assert all(lst.inputs["defaultActions"][0]["fixedResponse"]["statusCode"] == "403" for lst in serving)


def test_default_behaviour_forwards_viewer_headers_cookies_queries_and_the_viewer_protocol(preview: bool) -> None:
    from components.content_delivery import ALL_VIEWER_AND_CLOUDFRONT_HEADERS_ORIGIN_REQUEST_POLICY

    default = run_stack("prod", preview).one(DISTRIBUTION).inputs["defaultCacheBehavior"]
    assert default["originRequestPolicyId"] == ALL_VIEWER_AND_CLOUDFRONT_HEADERS_ORIGIN_REQUEST_POLICY


def test_origin_name_outside_the_sites_zone_is_refused() -> None:
    import pulumi

    overrides = {
        "awsinaction:certificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/0f7b1a2c-3d4e-5f60-7a8b-9c0d1e2f3a4b",
        "awsinaction:originDomainName": "origin.other.org",
        "awsinaction:domainName": "shop.example.com",
        "awsinaction:hostedZoneId": "Z0123456789ABC",
    }
    with pytest.raises(pulumi.RunError, match=r"^awsinaction:originDomainName: 'origin.other.org' must be a name in the hosted zone"):
        run_stack("dev", overrides=overrides)
