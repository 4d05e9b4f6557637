"""The offline check's mocks answer like the AWS provider: computed outputs, IDs, ARNs and invokes."""

import json
import re

import pulumi
import pulumi_aws as aws
import pulumi_random as random
import pytest

from policies.offline.invokes import AMI_ID
from policies.offline.mocks import ACCOUNT_ID
from tests.harness import is_known, run

REGION = "us-east-1"


def _outputs(program, preview: bool = False) -> dict:
    """Run `program` (which returns {key: Output}) and give the resolved values."""
    resolved: dict = {}

    def body() -> None:
        for key, value in program().items():
            pulumi.Output.from_input(value).apply(lambda v, k=key: resolved.__setitem__(k, v))

    run(body, preview=preview)
    return resolved


def test_computed_outputs_a_program_reads_in_an_apply_have_values_of_their_declared_type() -> None:
    def program() -> dict:
        template = aws.ec2.LaunchTemplate("lt", image_id="ami-1", instance_type="t4g.micro")
        cluster = aws.eks.Cluster("eks", role_arn="arn:aws:iam::123456789012:role/eks", vpc_config={"subnet_ids": ["subnet-1"]})
        api = aws.apigateway.RestApi("api")
        graphql = aws.appsync.GraphQLApi("gql", authentication_type="API_KEY", name="gql")
        suffix = random.RandomId("suffix", byte_length=4)
        return {
            "latest": template.latest_version,
            "ca": cluster.certificate_authority.data,
            "issuer": cluster.identities[0].oidcs[0].issuer,
            "execution": api.execution_arn,
            "uris": graphql.uris,
            "hex": suffix.hex,
        }

    values = _outputs(program)
    assert values["latest"] == 1
    assert isinstance(values["ca"], str) and values["ca"]
    assert values["issuer"].startswith("https://oidc.eks.us-east-1.amazonaws.com/id/")
    assert re.fullmatch(rf"arn:aws:execute-api:{REGION}:{ACCOUNT_ID}:\w+", values["execution"])
    assert values["uris"]["GRAPHQL"].endswith("/graphql")
    assert re.fullmatch(r"[0-9a-f]{8}", values["hex"])


def test_a_type_nobody_listed_still_gets_every_computed_output() -> None:
    result = run(lambda: aws.appconfig.Application("app", name="shop"))
    state = result.one("aws:appconfig/application:Application").state
    assert state["arn"].startswith(f"arn:aws:appconfig:{REGION}:{ACCOUNT_ID}:")
    assert state["tagsAll"] == {}


@pytest.mark.parametrize(
    ("build", "token", "pattern"),
    [
        (lambda: aws.ec2.Vpc("v", cidr_block="10.0.0.0/16"), "aws:ec2/vpc:Vpc", r"vpc-[0-9a-f]{17}"),
        (lambda: aws.ec2.SecurityGroup("g", description="g"), "aws:ec2/securityGroup:SecurityGroup", r"sg-[0-9a-f]{17}"),
        (lambda: aws.ec2.Instance("i", ami="ami-1", instance_type="t3.micro"), "aws:ec2/instance:Instance", r"i-[0-9a-f]{17}"),
        (lambda: aws.ec2.LaunchTemplate("l", image_id="ami-1"), "aws:ec2/launchTemplate:LaunchTemplate", r"lt-[0-9a-f]{17}"),
        (lambda: aws.efs.FileSystem("f"), "aws:efs/fileSystem:FileSystem", r"fs-[0-9a-f]{17}"),
        (lambda: aws.sqs.Queue("q"), "aws:sqs/queue:Queue", rf"https://sqs\.{REGION}\.amazonaws\.com/{ACCOUNT_ID}/q-[0-9a-f]{{7}}"),
    ],
)
def test_ids_carry_the_prefixes_aws_gives_them(build, token: str, pattern: str) -> None:
    assert re.fullmatch(pattern, run(build).one(token).id)


def test_arns_follow_each_services_format_and_autonames_follow_the_providers() -> None:
    def program() -> None:
        aws.s3.Bucket("Assets")
        aws.iam.Role("web-role", assume_role_policy="{}")
        aws.lambda_.Function("fn", role="arn:aws:iam::1:role/r", runtime="python3.13", handler="a.b", code=pulumi.AssetArchive({}))
        aws.lb.LoadBalancer("a-load-balancer-with-a-long-logical-name")

    result = run(program)
    bucket = result.one("aws:s3/bucket:Bucket").state
    assert re.fullmatch(r"assets-[0-9a-f]{7}", bucket["bucket"])  # S3 names are lower case
    assert bucket["arn"] == f"arn:aws:s3:::{bucket['bucket']}"
    role = result.one("aws:iam/role:Role").state
    assert role["arn"] == f"arn:aws:iam::{ACCOUNT_ID}:role/{role['name']}"
    function = result.one("aws:lambda/function:Function").state
    assert function["arn"] == f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{function['name']}"
    assert function["invokeArn"].endswith(f"/functions/{function['arn']}/invocations")
    balancer = result.one("aws:lb/loadBalancer:LoadBalancer").state
    assert len(balancer["name"]) <= 32  # ELB names: at most 32 characters, so the autoname is shortened
    assert balancer["dnsName"].endswith(f".{REGION}.elb.amazonaws.com")


def test_an_instance_has_a_public_address_only_when_it_asks_for_one() -> None:
    def program() -> None:
        aws.ec2.Instance("private", ami="ami-1", instance_type="t3.micro")
        aws.ec2.Instance("public", ami="ami-1", instance_type="t3.micro", associate_public_ip_address=True)

    result = run(program)
    assert result.named("private").state["publicIp"] == ""
    assert result.named("public").state["publicIp"]


def test_preview_leaves_computed_outputs_unknown() -> None:
    result = run(lambda: aws.ec2.LaunchTemplate("lt", image_id="ami-1"), preview=True)
    template = result.one("aws:ec2/launchTemplate:LaunchTemplate")
    assert "latestVersion" not in template.state and template.id in ("", None)


def test_get_policy_document_is_computed_as_the_provider_computes_it() -> None:
    def program() -> dict:
        document = aws.iam.get_policy_document(
            statements=[
                {
                    "sid": "Read",
                    "actions": ["s3:ListBucket", "s3:GetObject"],
                    "resources": ["arn:aws:s3:::b/*"],
                    "principals": [{"type": "Service", "identifiers": ["ec2.amazonaws.com"]}],
                    "conditions": [{"test": "Bool", "variable": "aws:SecureTransport", "values": ["true"]}],
                },
                {"effect": "Deny", "actions": ["s3:*"], "resources": ["*"], "principals": [{"type": "*", "identifiers": ["*"]}]},
            ]
        )
        return {"json": document.json}

    for preview in (False, True):
        document = json.loads(_outputs(program, preview)["json"])
        assert document == {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "Read",
                    "Effect": "Allow",
                    "Action": ["s3:ListBucket", "s3:GetObject"],  # several values: sorted in reverse, as the provider does
                    "Resource": "arn:aws:s3:::b/*",  # one value: a string
                    "Principal": {"Service": "ec2.amazonaws.com"},
                    "Condition": {"Bool": {"aws:SecureTransport": "true"}},
                },
                {"Sid": "", "Effect": "Deny", "Action": "s3:*", "Resource": "*", "Principal": "*"},
            ],
        }


def test_lookups_of_things_outside_the_program_answer_consistently() -> None:
    def program() -> dict:
        vpc = aws.ec2.get_vpc(default=True)
        subnets = aws.ec2.get_subnets(filters=[{"name": "vpc-id", "values": [vpc.id]}])
        zone = aws.route53.get_zone(name="example.com.")
        ami = aws.ec2.get_ami(most_recent=True, owners=["amazon"], filters=[{"name": "name", "values": ["al2023-ami-*-arm64"]}])
        function = aws.lambda_.get_function(function_name="existing")
        return {"vpc": vpc.cidr_block, "subnets": subnets.ids, "zone": zone.zone_id, "name": zone.name, "ami": ami.id, "fn": function.arn}

    values = _outputs(program)
    assert values["vpc"] == "172.31.0.0/16"
    assert len(values["subnets"]) >= 2 and all(s.startswith("subnet-") for s in values["subnets"])
    assert values["zone"].startswith("Z") and values["name"] == "example.com"
    assert values["ami"] == AMI_ID
    assert values["fn"].startswith("arn:")  # an invoke nobody answered by hand: built from its result type


def test_outputs_are_the_same_on_every_run() -> None:
    first, second = (run(lambda: aws.ec2.Vpc("v", cidr_block="10.0.0.0/16")).one("aws:ec2/vpc:Vpc") for _ in range(2))
    assert first.id == second.id and first.state == second.state
    assert is_known(first.state["arn"])
