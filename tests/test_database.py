"""Database component: private, encrypted, TLS only, managed password, backups, no data lost on delete, alarms."""

import json
import re
from typing import Any

import pulumi
import pytest
from pulumi_policy import EnforcementLevel, StackValidationArgs

from components.database import DATABASE_ALARMS, Database, DatabaseArgs, DatabaseEngine, check_subnet_ids
from policies.offline.analyze import policy_resources, stack_request
from policies.offline.runner import MockRun
from tests.harness import Program, children_of, depends_on, run, world_open_ingress
from tests.policy_harness import policy

INSTANCE = "aws:rds/instance:Instance"
SUBNET_GROUP = "aws:rds/subnetGroup:SubnetGroup"
PARAMETER_GROUP = "aws:rds/parameterGroup:ParameterGroup"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TOPIC = "aws:sns/topic:Topic"
KEY = "aws:kms/key:Key"

OUTPUTS = (
    "address", "port", "secret_arn", "security_group_id", "instance_identifier", "resource_id", "replica_address", "alarm_topic_arn",
)
ZONES = ["us-east-1a", "us-east-1b"]
ISOLATED = ["subnet-0aaa0000000000001", "subnet-0bbb0000000000002"]
WEB_SG = "sg-0123456789abcdef0"
OPS_SG = "sg-0fedcba9876543210"
PROFILES: dict[str, dict[str, Any]] = {
    "dev": {"multi_az": False, "deletion_protection": False, "skip_final_snapshot": True, "backup_retention_days": 1, "protect": False},
    "prod": {"multi_az": True, "deletion_protection": True, "skip_final_snapshot": False, "backup_retention_days": 14, "protect": True},
    "prod-replica": {
        "multi_az": True,
        "deletion_protection": True,
        "skip_final_snapshot": False,
        "backup_retention_days": 14,
        "protect": True,
        "replica_instance_class": "db.t4g.small",
    },
}
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
SENSITIVE_KEYS = {"password", "passwordwo", "masterpassword", "secretstring"}


def is_secret(value: Any) -> bool:
    """Whether a recorded input is wrapped as a Pulumi secret (encrypted in state, masked in output)."""
    return isinstance(value, dict) and value.get("4dabf18193072939515e22adb298388d") == SECRET_SIG


def plain_sensitive_inputs(value: Any, path: str = "") -> list[str]:
    """Paths of password-like inputs whose value is not a Pulumi secret."""
    if is_secret(value):
        return []
    if isinstance(value, dict):
        found = [f"{path}.{k}" for k, v in value.items() if k.lower() in SENSITIVE_KEYS and not is_secret(v)]
        return found + [p for k, v in value.items() for p in plain_sensitive_inputs(v, f"{path}.{k}")]
    if isinstance(value, (list, tuple)):
        return [p for i, v in enumerate(value) for p in plain_sensitive_inputs(v, f"{path}[{i}]")]
    return []


def database_args(**overrides: Any) -> DatabaseArgs:
    values: dict[str, Any] = {
        "vpc_id": "vpc-0123456789abcdef0",
        "subnet_ids": ISOLATED,
        "availability_zones": ZONES,
        "client_security_group_ids": [WEB_SG],
    }
    values.update(overrides)
    return DatabaseArgs(**values)


def _database(name: str, export: bool, **overrides: Any) -> None:
    database = Database(name, database_args(**overrides))
    if export:
        for output in OUTPUTS:
            pulumi.export(output, getattr(database, output))


def build(name: str = "db", export: bool = True, **overrides: Any) -> Program:
    return Program(_database, name=name, export=export, **overrides)


def primary(result: MockRun) -> Any:
    return next(r for r in result.of_type(INSTANCE) if "replicateSourceDb" not in r.inputs)


def replicas(result: MockRun) -> list:
    return [r for r in result.of_type(INSTANCE) if "replicateSourceDb" in r.inputs]


def walk(value: Any, path: str = "") -> list[tuple[str, Any]]:
    """Every (path, leaf) of nested inputs."""
    if isinstance(value, dict):
        return [item for k, v in value.items() for item in walk(v, f"{path}.{k}")]
    if isinstance(value, (list, tuple)):
        return [item for i, v in enumerate(value) for item in walk(v, f"{path}[{i}]")]
    return [(path, value)]


@pytest.mark.parametrize("profile", PROFILES)
def test_primary_is_private_encrypted_gp3_with_autoscaling_and_a_managed_password(preview: bool, profile: str) -> None:
    result = run(build(**PROFILES[profile]), preview)
    db = primary(result)
    inputs = db.inputs
    assert inputs["engine"] == "mysql" and inputs["engineVersion"] == "8.4"
    assert inputs["instanceClass"] == "db.t4g.micro"
    assert inputs["publiclyAccessible"] is False
    assert inputs["storageEncrypted"] is True and inputs["storageType"] == "gp3"
    assert inputs["allocatedStorage"] == 20 and inputs["maxAllocatedStorage"] == 100
    if PROFILES[profile].get("replica_instance_class"):
        # RDS cannot replicate a primary whose password it manages: the component generates one.
        assert "manageMasterUserPassword" not in inputs
        assert is_secret(inputs["passwordWo"]) and inputs["passwordWoVersion"] == 1
        version = result.one("aws:secretsmanager/secretVersion:SecretVersion")
        assert is_secret(version.inputs["secretString"])
    else:
        assert inputs["manageMasterUserPassword"] is True
        assert result.count("aws:secretsmanager/secret:Secret") == 0
    assert inputs["username"] == "dbadmin" and inputs["dbName"] == "app"
    assert inputs["port"] == 3306
    assert inputs["multiAz"] is PROFILES[profile]["multi_az"]
    assert depends_on(result, db, result.one(SUBNET_GROUP)) and depends_on(result, db, result.one(SECURITY_GROUP))
    assert depends_on(result, db, result.one(PARAMETER_GROUP))
    assert db.parent.endswith("awsinaction:index:Database::db")


def test_equal_maximum_storage_turns_autoscaling_off(preview: bool) -> None:
    result = run(build(allocated_storage_gb=50, max_allocated_storage_gb=50), preview)
    assert primary(result).inputs["maxAllocatedStorage"] == 0


def test_subnet_group_spans_the_isolated_subnets(preview: bool) -> None:
    result = run(build(), preview)
    assert result.one(SUBNET_GROUP).inputs["subnetIds"] == ISOLATED


def test_security_group_admits_the_engine_port_from_each_client_group_only(preview: bool) -> None:
    result = run(build(client_security_group_ids=[WEB_SG, OPS_SG]), preview)
    group = result.one(SECURITY_GROUP)
    assert not group.inputs.get("ingress") and not group.inputs.get("egress")
    rules = result.of_type(INGRESS)
    assert sorted(r.inputs["referencedSecurityGroupId"] for r in rules) == sorted([WEB_SG, OPS_SG])
    for rule in rules:
        assert (rule.inputs["ipProtocol"], rule.inputs["fromPort"], rule.inputs["toPort"]) == ("tcp", 3306, 3306)
        assert not {"cidrIpv4", "cidrIpv6", "prefixListId"} & set(rule.inputs)
        assert depends_on(result, rule, group)
    assert result.count(EGRESS) == 0
    assert world_open_ingress(result) == []


def test_client_groups_may_be_outputs_of_other_resources(preview: bool) -> None:
    def program() -> None:
        import pulumi_aws as aws

        web = aws.ec2.SecurityGroup("web", vpc_id="vpc-1", description="web servers")
        Database("db", database_args(client_security_group_ids=[web.id]))

    result = run(program, preview)
    rule = result.one(INGRESS)
    assert depends_on(result, rule, result.named("web"))


def test_mysql_parameter_group_requires_tls_and_feeds_the_exported_logs(preview: bool) -> None:
    result = run(build(), preview)
    group = result.one(PARAMETER_GROUP)
    assert group.inputs["family"] == "mysql8.4"
    parameters = {p["name"]: (p["value"], p["applyMethod"]) for p in group.inputs["parameters"]}
    assert parameters["require_secure_transport"] == ("1", "immediate")
    assert parameters["slow_query_log"][0] == "1" and parameters["log_output"][0] == "FILE"
    assert primary(result).inputs["enabledCloudwatchLogsExports"] == ["error", "slowquery"]


def test_postgres_gets_its_port_family_tls_parameter_and_logs(preview: bool) -> None:
    result = run(build(engine=DatabaseEngine.POSTGRES, engine_version="16.4", master_username="postgres_admin"), preview)
    db = primary(result)
    assert db.inputs["engine"] == "postgres" and db.inputs["engineVersion"] == "16.4" and db.inputs["port"] == 5432
    assert db.inputs["enabledCloudwatchLogsExports"] == ["postgresql", "upgrade"]
    group = result.one(PARAMETER_GROUP)
    assert group.inputs["family"] == "postgres16"
    assert {p["name"]: p["value"] for p in group.inputs["parameters"]} == {"rds.force_ssl": "1"}
    assert {(r.inputs["fromPort"], r.inputs["toPort"]) for r in result.of_type(INGRESS)} == {(5432, 5432)}


def test_postgres_defaults_to_a_current_major_version(preview: bool) -> None:
    result = run(build(engine="postgres"), preview)
    assert primary(result).inputs["engineVersion"] == "17"
    assert result.one(PARAMETER_GROUP).inputs["family"] == "postgres17"


@pytest.mark.parametrize("profile", PROFILES)
def test_backups_follow_the_book(preview: bool, profile: str) -> None:
    inputs = primary(run(build(**PROFILES[profile]), preview)).inputs
    assert inputs["backupRetentionPeriod"] == PROFILES[profile]["backup_retention_days"]
    assert inputs["backupWindow"] == "05:00-06:00"
    assert inputs["maintenanceWindow"] == "sun:06:30-sun:07:30"
    assert inputs["copyTagsToSnapshot"] is True
    assert inputs["autoMinorVersionUpgrade"] is True


def test_prod_loses_nothing_on_delete(preview: bool) -> None:
    result = run(build(**PROFILES["prod"]), preview)
    db = primary(result)
    assert db.protect is True
    assert db.inputs["deletionProtection"] is True
    assert db.inputs["skipFinalSnapshot"] is False
    if not preview:  # derived from the identifier, which carries a random suffix
        assert db.inputs["finalSnapshotIdentifier"] == f"{db.inputs['identifier']}-final"
        assert re.fullmatch(r"test-test-db-[0-9a-f]{6}-final", db.inputs["finalSnapshotIdentifier"])
    assert db.inputs["deleteAutomatedBackups"] is False


def test_dev_may_be_deleted_without_a_final_snapshot(preview: bool) -> None:
    result = run(build(**PROFILES["dev"]), preview)
    db = primary(result)
    assert db.protect is False
    assert db.inputs["deletionProtection"] is False
    assert db.inputs["skipFinalSnapshot"] is True
    assert "finalSnapshotIdentifier" not in db.inputs
    assert db.inputs["deleteAutomatedBackups"] is True


def test_secure_defaults_without_any_optional_argument(preview: bool) -> None:
    db = primary(run(build(), preview))
    assert db.inputs["multiAz"] is True and db.inputs["deletionProtection"] is True
    assert db.inputs["skipFinalSnapshot"] is False and db.inputs["backupRetentionPeriod"] == 7


@pytest.mark.parametrize("enabled", [False, True])
def test_iam_authentication_is_off_unless_asked_for_and_then_on_the_replica_too(enabled: bool, preview: bool) -> None:
    result = run(build(**PROFILES["prod-replica"], iam_database_authentication=enabled), preview)
    assert [i.inputs["iamDatabaseAuthenticationEnabled"] for i in result.of_type(INSTANCE)] == [enabled, enabled]


def test_prod_read_replica_replicates_the_primary_with_its_own_class(preview: bool) -> None:
    result = run(build(**PROFILES["prod-replica"]), preview)
    db, [replica] = primary(result), replicas(result)
    assert replica.inputs["instanceClass"] == "db.t4g.small"
    assert depends_on(result, replica, db)
    if not preview:
        assert replica.inputs["replicateSourceDb"] == db.state["identifier"]
    assert replica.inputs["publiclyAccessible"] is False and replica.inputs["storageEncrypted"] is True
    assert replica.inputs["skipFinalSnapshot"] is True and replica.protect is False
    # A replica inherits users and data; setting them is refused by RDS.
    assert not {"username", "dbName", "manageMasterUserPassword", "password", "engine"} & set(replica.inputs)
    assert depends_on(result, replica, result.one(SECURITY_GROUP)) and depends_on(result, replica, result.one(PARAMETER_GROUP))
    if not preview:
        assert replica.inputs["vpcSecurityGroupIds"] == db.inputs["vpcSecurityGroupIds"] == [result.one(SECURITY_GROUP).id]


def test_dev_has_no_replica(preview: bool) -> None:
    assert replicas(run(build(**PROFILES["dev"]), preview)) == []


def alarms_by_metric(result: MockRun, instance_name: str) -> dict[str, Any]:
    return {
        a.inputs["metricName"]: a
        for a in result.of_type(ALARM)
        if a.name.startswith(f"{instance_name}-") and not a.name.startswith(f"{instance_name}-replica-")
    }


@pytest.mark.parametrize("profile", PROFILES)
def test_the_books_alarms_watch_each_instance(preview: bool, profile: str) -> None:
    result = run(build(**PROFILES[profile]), preview)
    expected = {
        "CPUUtilization": ("GreaterThanThreshold", 80),
        "FreeStorageSpace": ("LessThanThreshold", 2 * 1024**3),
        "FreeableMemory": ("LessThanThreshold", 64 * 1024**2),
        "DiskQueueDepth": ("GreaterThanThreshold", 64),
        "SwapUsage": ("GreaterThanThreshold", 256 * 1024**2),
    }
    alarms = alarms_by_metric(result, "db-db")
    assert {m: (a.inputs["comparisonOperator"], a.inputs["threshold"]) for m, a in alarms.items()} == expected
    topic = result.one(TOPIC)
    for alarm in alarms.values():
        assert alarm.inputs["namespace"] == "AWS/RDS"
        assert depends_on(result, alarm, primary(result)) and depends_on(result, alarm, topic)
        if not preview:
            assert alarm.inputs["dimensions"] == {"DBInstanceIdentifier": primary(result).state["identifier"]}
            assert alarm.inputs["alarmActions"] == [topic.state["arn"]] == alarm.inputs["okActions"]
    assert result.count(ALARM) == len(DATABASE_ALARMS) * (1 + len(replicas(result)))


def test_created_alarm_topic_is_encrypted_with_a_key_cloudwatch_may_use(preview: bool) -> None:
    result = run(build(), preview)
    topic, key = result.one(TOPIC), result.one(KEY)
    assert depends_on(result, topic, key)
    assert key.inputs["enableKeyRotation"] is True
    policy = json.loads(key.inputs["policy"])
    cloudwatch = [s for s in policy["Statement"] if s.get("Principal") == {"Service": "cloudwatch.amazonaws.com"}]
    assert cloudwatch and set(cloudwatch[0]["Action"]) == {"kms:Decrypt", "kms:GenerateDataKey"}
    assert all("*" not in action for s in policy["Statement"] for action in s["Action"])


def test_a_given_alarm_topic_is_used_and_none_created(preview: bool) -> None:
    arn = "arn:aws:sns:us-east-1:123456789012:ops-alarms"
    result = run(build(alarm_topic_arn=arn), preview)
    assert result.count(TOPIC) == 0 and result.count(KEY) == 0
    assert {tuple(a.inputs["alarmActions"]) for a in result.of_type(ALARM)} == {(arn,)}


def test_outputs() -> None:
    """Outputs are computed by AWS, so only an update knows them."""
    result = run(build(**PROFILES["prod-replica"]))
    outputs = result.outputs
    db = primary(result)
    assert outputs["address"] == db.state["address"] and outputs["port"] == 3306
    assert outputs["secret_arn"] == result.one("aws:secretsmanager/secret:Secret").state["arn"]
    assert outputs["security_group_id"] == result.one(SECURITY_GROUP).id
    assert outputs["instance_identifier"] == db.state["identifier"]
    assert outputs["resource_id"] == db.state["resourceId"], "what rds-db:connect permissions name"
    assert outputs["replica_address"] == replicas(result)[0].state["address"]
    assert outputs["alarm_topic_arn"] == result.one(TOPIC).state["arn"]


def test_replica_address_is_none_without_a_replica() -> None:
    assert run(build(**PROFILES["dev"])).outputs["replica_address"] is None


@pytest.mark.parametrize("profile", PROFILES)
def test_no_secret_appears_in_any_resource_input(preview: bool, profile: str) -> None:
    result = run(build(**PROFILES[profile]), preview)
    for resource in result.resources:
        assert plain_sensitive_inputs(resource.inputs) == [], resource.name
        for path, value in walk(resource.inputs):
            assert not (isinstance(value, str) and "dbadmin:" in value), (resource.name, path)


def test_sensitive_input_check_catches_a_plain_password() -> None:
    assert plain_sensitive_inputs({"passwordWo": "hunter2"}) == [".passwordWo"]
    assert plain_sensitive_inputs({"passwordWo": {"4dabf18193072939515e22adb298388d": SECRET_SIG, "value": "x"}}) == []


def test_every_taggable_child_is_tagged_and_parented(preview: bool) -> None:
    result = run(build(**PROFILES["prod-replica"]), preview)
    component = result.one("awsinaction:index:Database")
    children = children_of(result, component.urn)
    assert len(children) == len(result.resources) - 1
    untaggable = {
        "random:index/randomPassword:RandomPassword",
        "random:index/randomId:RandomId",
        "aws:secretsmanager/secretVersion:SecretVersion",
    }
    for child in [c for c in children if c.type not in untaggable]:  # every other type the component creates takes tags
        assert child.inputs["tags"]["Component"] == "Database", child.name
        assert child.inputs["tags"]["Name"] == child.name, child.name


BAD_ARGS = [
    ({"log_retention_days": 10}, r"^log_retention_days: 10 is not a CloudWatch retention"),
    (
        {"replica_instance_class": "db.t4g.micro", "backup_retention_days": 0},
        r"^replica_instance_class: 'db.t4g.micro' asks for a read replica, but the primary keeps no backups",
    ),
    (
        {"availability_zones": ["us-east-1a"], "subnet_ids": ["subnet-1"]},
        r"^availability_zones: \['us-east-1a'\] covers 1 AZ; Multi-AZ needs a standby",
    ),
    (
        {"availability_zones": ["us-east-1a"], "subnet_ids": ["subnet-1"], "multi_az": False},
        r"^availability_zones: .* RDS refuses a DB subnet group covering fewer than 2 AZs",
    ),
    ({"availability_zones": ["us-east-1a", "us-east-1a"]}, r"^availability_zones: .* names an availability zone twice"),
    ({"subnet_ids": ["subnet-1", "subnet-2", "subnet-3"]}, r"^subnet_ids: 3 subnets for 2 availability zones"),
    ({"backup_retention_days": 36}, r"^backup_retention_days: 36 is outside 0\.\.35 days"),
    ({"backup_retention_days": -1}, r"^backup_retention_days: -1 is outside 0\.\.35 days"),
    ({"engine": "oracle-ee"}, r"^engine: 'oracle-ee' is not a supported engine; use one of mysql, postgres"),
    ({"engine_version": "5.7"}, r"^engine_version: '5\.7' is not a supported mysql version"),
    ({"engine": "postgres", "engine_version": "9.6"}, r"^engine_version: '9\.6' is not a supported postgres version"),
    ({"max_allocated_storage_gb": 10}, r"^max_allocated_storage_gb: 10 is outside 20\.\.65536 GiB"),
    (
        {"allocated_storage_gb": 200, "max_allocated_storage_gb": 100},
        r"^max_allocated_storage_gb: 100 GiB is below allocated_storage_gb \(200 GiB\)",
    ),
    ({"allocated_storage_gb": 5}, r"^allocated_storage_gb: 5 is outside 20\.\.65536 GiB"),
    ({"instance_class": "t3.micro"}, r"^instance_class: 't3.micro' is not an RDS instance class"),
    ({"replica_instance_class": "large"}, r"^replica_instance_class: 'large' is not an RDS instance class"),
    ({"client_security_group_ids": ["0.0.0.0/0"]}, r"^client_security_group_ids: '0\.0\.0\.0/0' is not a security group ID"),
    ({"client_security_group_ids": [WEB_SG, WEB_SG]}, r"^client_security_group_ids: .* lists a security group twice"),
    (
        {"maintenance_window": "sun:05:30-sun:06:30"},
        r"^maintenance_window: 'sun:05:30-sun:06:30' overlaps the daily backup window '05:00-06:00'",
    ),
    ({"maintenance_window": "sunday 3am"}, r"^maintenance_window: 'sunday 3am' is not a window"),
    ({"backup_window": "05:00-05:10"}, r"^backup_window: '05:00-05:10' is shorter than the 30 minutes"),
    ({"port": 80}, r"^port: 80 is outside the ports RDS allows"),
    ({"database_name": "my-app"}, r"^database_name: 'my-app' is not a mysql database name"),
    ({"master_username": "rdsadmin"}, r"^master_username: 'rdsadmin' is reserved by RDS"),
    ({"master_username": "a_much_too_long_user"}, r"^master_username: 'a_much_too_long_user' is not a mysql user name"),
]


@pytest.mark.parametrize(("overrides", "message"), BAD_ARGS, ids=[f"{m.split(':')[0].strip('^')}-{i}" for i, (_, m) in enumerate(BAD_ARGS)])
def test_bad_arguments_are_refused_naming_the_argument(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        run(build(export=False, **overrides))


def test_a_dict_of_args_works_like_the_dataclass(preview: bool) -> None:
    """The component provider host passes a dict with None for omitted inputs."""

    def program() -> None:
        Database(
            "db",
            {
                "vpc_id": "vpc-1",
                "subnet_ids": ISOLATED,
                "availability_zones": ZONES,
                "client_security_group_ids": [WEB_SG],
                "multi_az": None,
                "engine": None,
            },
        )

    db = primary(run(program, preview))
    assert db.inputs["multiAz"] is True and db.inputs["engine"] == "mysql"


def test_subnet_check_used_for_outputs_refuses_mismatches() -> None:
    """Subnet IDs given as an output are checked with the same function when they resolve."""
    assert check_subnet_ids(ISOLATED, ZONES) == ISOLATED
    with pytest.raises(ValueError, match=r"^subnet_ids: 1 subnets for 2 availability zones"):
        check_subnet_ids(ISOLATED[:1], ZONES)


@pytest.mark.parametrize("profile", PROFILES)
def test_exported_logs_land_in_log_groups_with_a_retention_created_first(preview: bool, profile: str) -> None:
    result = run(build(log_retention_days=14, **PROFILES[profile]), preview)
    groups = result.of_type("aws:cloudwatch/logGroup:LogGroup")
    for instance in result.of_type(INSTANCE):
        exports = instance.inputs["enabledCloudwatchLogsExports"]
        mine = [g for g in groups if depends_on(result, instance, g)]
        assert len(mine) == len(exports) and all(g.inputs["retentionInDays"] == 14 for g in mine)
        if not preview:
            identifier = instance.inputs["identifier"]
            assert re.fullmatch(r"test-test-db(-db-replica)?-[0-9a-f]{6}", identifier)
            assert {g.inputs["name"] for g in mine} == {f"/aws/rds/instance/{identifier}/{log}" for log in exports}


def test_primary_and_replica_identifiers_differ_and_share_the_random_suffix() -> None:
    result = run(build(**PROFILES["prod-replica"]))
    [suffix] = result.of_type("random:index/randomId:RandomId")
    identifiers = [instance.inputs["identifier"] for instance in result.of_type(INSTANCE)]
    assert len(set(identifiers)) == 2 and all(i.endswith(suffix.state["hex"]) for i in identifiers)


@pytest.mark.parametrize("profile", ["prod", "prod-replica"])
def test_only_a_replicas_self_managed_secret_goes_unrotated_as_data_tier_md_says(preview: bool, profile: str) -> None:
    """The documented known limit: RDS rotates the secret it manages; the one a replica forces on us has no rotation,
    and the least-privilege pack's advisory secrets-rotation policy names it."""
    result = run(build(**PROFILES[profile]), preview)
    assert result.count("aws:secretsmanager/secretRotation:SecretRotation") == 0
    secrets_rotation = policy("secrets-rotation")
    assert secrets_rotation.enforcement_level == EnforcementLevel.ADVISORY
    found: list[str] = []
    resources = policy_resources(stack_request(result.resources))
    secrets_rotation.validate(StackValidationArgs(resources, None), lambda message, urn=None: found.append(urn))
    assert [urn.split("::")[-1] for urn in found] == (["db-db-credentials"] if "replica" in profile else [])
