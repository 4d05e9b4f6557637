"""WebFleet (with its LoadBalancer and a Network) for dev- and prod-like settings, under mocks in update and preview mode."""

import base64
import json
from typing import Any

import pytest

from components.ec2_defaults import instance_architecture
from components.web_fleet import (
    GROUP_METRICS,
    SESSION_MANAGER_ACTIONS,
    Architecture,
    ScheduledCapacity,
    WebFleet,
    instance_policy,
)
from policies.offline.mocks import ACCOUNT_ID, AMI_ID
from settings import ConfigError, load_settings
from tests.compute_fixtures import (
    ACCESS_POINT_ARN,
    DB_RESOURCE_ID,
    DEV_CONFIG,
    FS_ARN,
    MOUNT_COMMANDS,
    PROD_CONFIG,
    SECRET_ARN,
    VPC_CIDR,
    fleet_args,
    stack_program,
)
from tests.harness import Program, is_known, run, run_stack, world_open_ingress

GROUP = "aws:autoscaling/group:Group"
TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
POLICY = "aws:autoscaling/policy:Policy"
SCHEDULE = "aws:autoscaling/schedule:Schedule"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
SUBNET = "aws:ec2/subnet:Subnet"
STACKS = {"dev": DEV_CONFIG, "prod": PROD_CONFIG}
LOG_GROUP_ARN = f"arn:aws:logs:us-east-1:{ACCOUNT_ID}:log-group:/p/s/web"


@pytest.fixture(scope="module")
def stacks() -> dict[tuple[str, bool], Any]:
    """Network + LoadBalancer + WebFleet for each stack and mode, built once for the module."""
    return {(stack, preview): run(stack_program(config), preview) for stack, config in STACKS.items() for preview in (False, True)}


def _fleet(**overrides: Any) -> WebFleet:
    return WebFleet("web", fleet_args(**overrides))


def fleet_only(preview: bool, **overrides: Any):
    return run(Program(_fleet, **overrides), preview)


def private_subnets(result) -> list:
    return [s for s in result.of_type(SUBNET) if s.inputs["tags"]["Tier"] == "private"]


# --- the group over the AZs ------------------------------------------------------------------------


@pytest.mark.parametrize("stack", STACKS)
def test_group_spans_the_private_subnets_of_every_az(stacks, stack: str, preview: bool) -> None:
    result = stacks[(stack, preview)]
    group = result.one(GROUP)
    subnets = private_subnets(result)
    zones = {s.inputs["availabilityZone"] for s in subnets}
    assert len(zones) == int(STACKS[stack]["azCount"]) >= 2
    assert all(subnet.urn in group.dependencies for subnet in subnets)  # known in preview too
    if not preview:
        assert sorted(group.inputs["vpcZoneIdentifiers"]) == sorted(s.id for s in subnets)
    assert not any(s.urn in group.dependencies for s in result.of_type(SUBNET) if s.inputs["tags"]["Tier"] != "private")


@pytest.mark.parametrize(("stack", "sizes"), [("dev", (1, 1, 2)), ("prod", (2, 2, 6))])
def test_group_sizes_come_from_the_settings_and_desired_is_not_reset_later(stacks, stack: str, sizes, preview: bool) -> None:
    group = stacks[(stack, preview)].one(GROUP)
    assert (group.inputs["minSize"], group.inputs["desiredCapacity"], group.inputs["maxSize"]) == sizes
    assert group.ignore_changes == ["desiredCapacity"]


def test_prod_group_keeps_two_servers_in_two_azs_at_least(stacks, preview: bool) -> None:
    result = stacks[("prod", preview)]
    assert result.one(GROUP).inputs["minSize"] >= 2
    assert len({s.inputs["availabilityZone"] for s in private_subnets(result)}) >= 2


@pytest.mark.parametrize("stack", STACKS)
def test_group_uses_elb_health_checks_instance_refresh_and_the_target_group(stacks, stack: str, preview: bool) -> None:
    result = stacks[(stack, preview)]
    group = result.one(GROUP).inputs
    assert (group["healthCheckType"], group["healthCheckGracePeriod"]) == ("ELB", 900)
    assert group["defaultInstanceWarmup"] == 120
    assert group["waitForCapacityTimeout"] == "15m"
    assert group["instanceRefresh"]["strategy"] == "Rolling"
    preferences = group["instanceRefresh"]["preferences"]
    # Launch before terminate, within the 100-point spread the Auto Scaling API accepts.
    assert (preferences["minHealthyPercentage"], preferences["maxHealthyPercentage"]) == (100, 200)
    assert int(preferences["instanceWarmup"]) >= 600, "a refreshed server installs WordPress before it counts"
    assert set(group["enabledMetrics"]) == set(GROUP_METRICS)
    assert result.one("aws:lb/targetGroup:TargetGroup").urn in result.one(GROUP).dependencies
    assert all(tag["propagateAtLaunch"] is True for tag in group["tags"])
    assert {"key": "Component", "value": "WebFleet", "propagateAtLaunch": True} in group["tags"]
    assert result.count("aws:ec2/launchConfiguration:LaunchConfiguration") == 0
    if not preview:
        # A pinned template version (not $Latest): changing the template starts the instance refresh.
        assert group["launchTemplate"] == {"id": result.one(TEMPLATE).id, "version": "1"}


# --- the launch template -------------------------------------------------------------------------


@pytest.mark.parametrize(("stack", "instance_type"), [("dev", "t4g.micro"), ("prod", "t4g.small")])
def test_launch_template_is_hardened(stacks, stack: str, instance_type: str, preview: bool) -> None:
    result = stacks[(stack, preview)]
    template = result.one(TEMPLATE).inputs
    assert template["imageId"] == AMI_ID
    assert template["instanceType"] == instance_type
    assert template["metadataOptions"] == {"httpEndpoint": "enabled", "httpTokens": "required", "httpPutResponseHopLimit": 1}
    (root,) = template["blockDeviceMappings"]
    assert root["deviceName"] == "/dev/xvda"
    assert root["ebs"]["encrypted"] == "true"
    assert root["ebs"]["volumeType"] == "gp3"
    assert root["ebs"]["deleteOnTermination"] == "true"
    assert template["monitoring"] == {"enabled": False}
    assert "associatePublicIpAddress" not in json.dumps(template, default=str)  # private subnets, no public IPs
    profile = result.named("web-instance", "aws:iam/instanceProfile:InstanceProfile")
    assert profile.urn in result.one(TEMPLATE).dependencies


def test_image_architecture_follows_the_instance_type(preview: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    import components.web_fleet as web_fleet

    calls: list[str] = []
    original = web_fleet.al2023_ami_id
    monkeypatch.setattr(web_fleet, "al2023_ami_id", lambda arch: calls.append(arch) or original(arch))
    # Plain lambdas, not shared runs: the lookup is patched for this test only.
    run(lambda: _fleet(instance_type="t3.micro"), preview)
    run(lambda: _fleet(), preview)
    run(lambda: _fleet(instance_type="m7g.large", architecture="arm64"), preview)
    assert calls == ["x86_64", "arm64", "arm64"]


def test_a_pinned_ami_replaces_the_lookup(preview: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    import components.web_fleet as web_fleet

    calls: list[str] = []
    monkeypatch.setattr(web_fleet, "al2023_ami_id", lambda arch: calls.append(arch) or "ami-looked-up")
    pinned = "ami-0123456789abcdef0"
    # Plain lambdas, not shared runs: the lookup is patched for this test only.
    assert run(lambda: _fleet(ami_id=pinned), preview).one(TEMPLATE).inputs["imageId"] == pinned
    assert calls == [], "a pinned stack never looks up the latest image"
    assert run(lambda: _fleet(), preview).one(TEMPLATE).inputs["imageId"] == "ami-looked-up"


def test_the_stack_setting_pins_the_ami(stacks, preview: bool) -> None:
    pinned = "ami-0fedcba9876543210"
    assert run(stack_program({**DEV_CONFIG, "webAmiId": pinned}), preview).one(TEMPLATE).inputs["imageId"] == pinned
    assert stacks[("dev", preview)].one(TEMPLATE).inputs["imageId"] == AMI_ID, "empty keeps the SSM lookup"


def test_detailed_monitoring_and_key_pair_are_switchable(preview: bool) -> None:
    template = fleet_only(preview, detailed_monitoring=True, key_name="ops").one(TEMPLATE).inputs
    assert template["monitoring"] == {"enabled": True}
    assert template["keyName"] == "ops"


@pytest.mark.parametrize("stack", STACKS)
def test_user_data_reads_the_secret_mounts_the_file_system_and_serves_healthz(stacks, stack: str, preview: bool) -> None:
    template = stacks[(stack, preview)].one(TEMPLATE).inputs
    if preview:
        assert not is_known(template["userData"])  # the site URL is the load balancer's DNS name, which AWS assigns
        return
    script = base64.b64decode(template["userData"]).decode()
    assert f"export DB_SECRET_ARN='{SECRET_ARN}'" in script
    assert MOUNT_COMMANDS in script
    assert 'Alias "${HEALTH_CHECK_PATH}"' in script and "HEALTH_CHECK_PATH='/healthz'" in script
    assert "LOG_GROUP='/awsinaction/test/web'" not in script  # project/stack of the test run
    assert "LOG_GROUP='/test/test/web'" in script
    expected_url = "https://" if stack == "prod" else "http://"
    dns_name = stacks[(stack, preview)].one("aws:lb/loadBalancer:LoadBalancer").state["dnsName"]
    assert dns_name.endswith(".us-east-1.elb.amazonaws.com")
    assert f"export SITE_URL='{expected_url}{dns_name}'" in script
    assert "wp core download" in script  # the default application is WordPress


def test_custom_application_bootstrap_replaces_wordpress(preview: bool) -> None:
    app = "#!/bin/bash\nset -euo pipefail\necho hello > /var/www/html/index.html\n"
    template = fleet_only(preview, app_bootstrap=app).one(TEMPLATE).inputs
    script = base64.b64decode(template["userData"]).decode()
    assert "echo hello > /var/www/html/index.html" in script
    assert "wp core download" not in script


# --- the instance role -----------------------------------------------------------------------------


def role_documents(result) -> list[dict]:
    return [json.loads(p.inputs["policy"]) for p in result.find("aws:iam/rolePolicy:RolePolicy") if p.name == "web-instance"]


def wildcard_findings(document: dict) -> list[str]:
    """Every "*" action or resource in Allow statements that is not a listed Session Manager exception."""
    findings = []
    for stmt in document["Statement"]:
        if stmt["Effect"] != "Allow":
            continue
        actions, resources = stmt["Action"], stmt["Resource"]
        findings += [f"action {a}" for a in actions if "*" in a]
        if "*" in resources:
            findings += [f"{a} on *" for a in actions if a not in SESSION_MANAGER_ACTIONS]
    return findings


@pytest.mark.parametrize("stack", STACKS)
def test_instance_role_grants_only_what_the_servers_need(stacks, stack: str, preview: bool) -> None:
    result = stacks[(stack, preview)]
    role = next(r for r in result.of_type("aws:iam/role:Role") if r.name == "web-instance")
    trust = json.loads(role.inputs["assumeRolePolicy"])
    assert trust["Statement"][0]["Principal"] == {"Service": "ec2.amazonaws.com"}
    assert result.count("aws:iam/rolePolicyAttachment:RolePolicyAttachment") == 0  # no AWS-managed policies
    (policy,) = [p for p in result.of_type("aws:iam/rolePolicy:RolePolicy") if p.name == "web-instance"]
    assert role.urn in policy.dependencies
    if preview:
        assert not is_known(policy.inputs["policy"])  # it names the log group, which AWS creates
        return
    (document,) = role_documents(result)
    assert wildcard_findings(document) == []
    by_sid = {s["Sid"]: s for s in document["Statement"]}
    assert by_sid["ReadDatabaseSecret"]["Action"] == ["secretsmanager:GetSecretValue"]
    assert by_sid["ReadDatabaseSecret"]["Resource"] == [SECRET_ARN]
    efs = by_sid["MountSharedFileSystem"]
    assert efs["Action"] == ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]
    assert efs["Resource"] == [FS_ARN]
    assert efs["Condition"] == {"StringEquals": {"elasticfilesystem:AccessPointArn": ACCESS_POINT_ARN}}
    log_group_arn = next(g for g in result.of_type("aws:cloudwatch/logGroup:LogGroup") if g.name == "web-logs").state["arn"]
    assert by_sid["WriteOwnLogs"]["Resource"] == [log_group_arn, f"{log_group_arn}:*"]
    assert set(by_sid["SessionManager"]["Action"]) == set(SESSION_MANAGER_ACTIONS)
    # One database user of one instance: never dbuser:*/* or another user.
    assert by_sid["ConnectAsDatabaseUser"]["Action"] == ["rds-db:connect"]
    assert by_sid["ConnectAsDatabaseUser"]["Resource"] == [f"arn:aws:rds-db:us-east-1:{ACCOUNT_ID}:dbuser:{DB_RESOURCE_ID}/wordpress"]


def test_wordpress_needs_the_database_resource_id_a_custom_app_does_not(preview: bool) -> None:
    with pytest.raises(ValueError, match=r"^database_resource_id: None; the default WordPress connects as its own database user"):
        run(lambda: WebFleet("web", fleet_args(database_resource_id=None)))
    custom = fleet_only(preview, database_resource_id=None, app_bootstrap="#!/bin/bash\necho static\n", ssm_access=False)
    if not preview:
        (document,) = role_documents(custom)
        assert "ConnectAsDatabaseUser" not in {s["Sid"] for s in document["Statement"]}


def test_without_session_manager_no_statement_uses_a_wildcard(preview: bool) -> None:
    result = fleet_only(preview, ssm_access=False)
    assert result.count("aws:iam/rolePolicy:RolePolicy") == 1
    assert result.count("aws:iam/rolePolicyAttachment:RolePolicyAttachment") == 0
    if preview:
        return
    (document,) = role_documents(result)
    assert "SessionManager" not in {s["Sid"] for s in document["Statement"]}
    for document in role_documents(result):
        assert all("*" not in s["Resource"] for s in document["Statement"])


@pytest.mark.parametrize("ssm", [True, False])
@pytest.mark.parametrize("file_system", [None, FS_ARN])
def test_instance_policy_function_has_no_unlisted_wildcards(ssm: bool, file_system) -> None:
    document = json.loads(instance_policy(SECRET_ARN, LOG_GROUP_ARN, file_system, None, None, ssm_access=ssm))
    assert wildcard_findings(document) == []
    sids = {s["Sid"] for s in document["Statement"]}
    assert ("SessionManager" in sids) is ssm
    assert ("MountSharedFileSystem" in sids) is (file_system is not None)
    assert "Condition" not in next((s for s in document["Statement"] if s["Sid"] == "MountSharedFileSystem"), {})


def test_every_wildcard_exception_says_why() -> None:
    assert set(SESSION_MANAGER_ACTIONS) == {
        "ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel", "ssm:UpdateInstanceInformation",
    }
    assert all(len(reason) > 30 for reason in SESSION_MANAGER_ACTIONS.values())


def test_wildcard_check_catches_a_wildcard() -> None:
    bad = {"Statement": [{"Effect": "Allow", "Action": ["s3:*"], "Resource": ["*"]}]}
    assert wildcard_findings(bad) == ["action s3:*", "s3:* on *"]


def test_secret_key_decrypt_is_limited_to_secrets_manager() -> None:
    key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    document = json.loads(instance_policy(SECRET_ARN, LOG_GROUP_ARN, secret_kms_key_arn=key))
    decrypt = next(s for s in document["Statement"] if s["Sid"] == "DecryptDatabaseSecret")
    assert decrypt["Resource"] == [key]
    assert decrypt["Condition"] == {"StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}}


# --- security groups -------------------------------------------------------------------------------


def fleet_rules(result, kind: str) -> dict[str, dict]:
    return {r.name: r for r in result.of_type(kind) if r.name.startswith("web-servers-")}


@pytest.mark.parametrize("stack", STACKS)
def test_servers_accept_http_only_from_the_load_balancer_and_ssh_only_from_the_bastion(stacks, stack: str, preview: bool) -> None:
    result = stacks[(stack, preview)]
    ingress = fleet_rules(result, INGRESS)
    expected = {"web-servers-http-from-alb"} | ({"web-servers-ssh-from-bastion"} if stack == "prod" else set())
    assert set(ingress) == expected
    http = ingress["web-servers-http-from-alb"]
    assert (http.inputs["ipProtocol"], http.inputs["fromPort"], http.inputs["toPort"]) == ("tcp", 80, 80)
    alb_sg = next(g for g in result.of_type("aws:ec2/securityGroup:SecurityGroup") if g.name == "web-alb")
    assert alb_sg.urn in http.dependencies
    if not preview:
        assert http.inputs["referencedSecurityGroupId"] == alb_sg.id
    if stack == "prod":
        ssh = ingress["web-servers-ssh-from-bastion"]
        bastion_sg = next(g for g in result.of_type("aws:ec2/securityGroup:SecurityGroup") if g.name == "network-bastion")
        assert (ssh.inputs["fromPort"], ssh.inputs["toPort"]) == (22, 22)
        assert bastion_sg.urn in ssh.dependencies
    for rule in ingress.values():
        assert "cidrIpv4" not in rule.inputs and "cidrIpv6" not in rule.inputs
    assert not [r for r in world_open_ingress(result) if r[0].startswith("web-servers")]


def test_servers_egress_is_database_nfs_inside_the_vpc_and_https(preview: bool) -> None:
    result = fleet_only(preview, file_system_arn=FS_ARN, database_port=5432)
    egress = {name: r.inputs for name, r in fleet_rules(result, EGRESS).items()}
    assert {n: (e["fromPort"], e["cidrIpv4"]) for n, e in egress.items()} == {
        "web-servers-to-database": (5432, VPC_CIDR),
        "web-servers-to-nfs": (2049, VPC_CIDR),
        "web-servers-https-out": (443, "0.0.0.0/0"),
    }


def test_no_nfs_egress_without_a_shared_file_system(preview: bool) -> None:
    assert "web-servers-to-nfs" not in fleet_rules(fleet_only(preview), EGRESS)


def test_additional_security_groups_are_attached(preview: bool) -> None:
    template = fleet_only(preview, additional_security_group_ids=["sg-efs-client"]).one(TEMPLATE).inputs
    assert template["vpcSecurityGroupIds"][1:] == ["sg-efs-client"]
    assert len(template["vpcSecurityGroupIds"]) == 2


# --- scaling ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("stack", STACKS)
def test_target_tracking_keeps_average_cpu_at_70_percent(stacks, stack: str, preview: bool) -> None:
    result = stacks[(stack, preview)]
    policy = result.one(POLICY, policyType="TargetTrackingScaling").inputs
    tracking = policy["targetTrackingConfiguration"]
    assert tracking["predefinedMetricSpecification"]["predefinedMetricType"] == "ASGAverageCPUUtilization"
    assert tracking["targetValue"] == 70


def test_prod_schedules_scale_to_four_by_day_and_two_by_night(stacks, preview: bool) -> None:
    schedules = {s.inputs["recurrence"]: s.inputs for s in stacks[("prod", preview)].of_type(SCHEDULE)}
    assert set(schedules) == {"0 8 * * *", "0 20 * * *"}
    assert schedules["0 8 * * *"]["desiredCapacity"] == 4
    assert schedules["0 20 * * *"]["desiredCapacity"] == 2
    for schedule in schedules.values():
        assert (schedule["minSize"], schedule["maxSize"]) == (-1, -1)  # leave the group's bounds alone
        assert schedule["timeZone"] == "Etc/UTC"
    assert stacks[("dev", preview)].count(SCHEDULE) == 0


def test_cpu_target_zero_turns_target_tracking_off(preview: bool) -> None:
    assert fleet_only(preview, cpu_target_percent=0).find(POLICY, policyType="TargetTrackingScaling") == []


def test_queue_depth_steps_the_group_out_and_in_as_in_the_book(preview: bool) -> None:
    result = fleet_only(preview, scaling_queue_name="url2png")
    out = result.one(POLICY, policyType="StepScaling", stepAdjustments=[{"metricIntervalLowerBound": "0", "scalingAdjustment": 1}])
    in_ = result.one(POLICY, policyType="StepScaling", stepAdjustments=[{"metricIntervalUpperBound": "0", "scalingAdjustment": -1}])
    for policy in (out, in_):
        assert (policy.inputs["adjustmentType"], policy.inputs["metricAggregationType"]) == ("ChangeInCapacity", "Average")
    alarms = {a.name: a for a in result.of_type(ALARM) if a.inputs["namespace"] == "AWS/SQS"}
    assert set(alarms) == {"web-queue-out", "web-queue-in"}
    for name, policy, comparison in (("web-queue-out", out, "GreaterThanThreshold"), ("web-queue-in", in_, "LessThanThreshold")):
        alarm = alarms[name].inputs
        assert alarm["metricName"] == "ApproximateNumberOfMessagesVisible"
        assert alarm["dimensions"] == {"QueueName": "url2png"}
        assert (alarm["statistic"], alarm["period"], alarm["evaluationPeriods"]) == ("Sum", 300, 1)
        assert (alarm["comparisonOperator"], alarm["threshold"]) == (comparison, 5)
        assert alarm["treatMissingData"] == "notBreaching"
        assert policy.urn in alarms[name].dependencies


def test_no_queue_scaling_unless_a_queue_is_given(preview: bool) -> None:
    assert fleet_only(preview).find(POLICY, policyType="StepScaling") == []


def test_spot_capacity_uses_a_mixed_instances_policy(preview: bool) -> None:
    result = fleet_only(preview, spot_percent=50, on_demand_base_capacity=1, spot_instance_types=["t4g.small", "m7g.medium"])
    group = result.one(GROUP).inputs
    assert "launchTemplate" not in group
    mixed = group["mixedInstancesPolicy"]
    assert [o["instanceType"] for o in mixed["launchTemplate"]["overrides"]] == ["t4g.micro", "t4g.small", "m7g.medium"]
    assert {instance_architecture(o["instanceType"]) for o in mixed["launchTemplate"]["overrides"]} == {"arm64"}
    assert mixed["instancesDistribution"] == {
        "onDemandBaseCapacity": 1, "onDemandPercentageAboveBaseCapacity": 50, "spotAllocationStrategy": "capacity-optimized",
    }
    assert group["capacityRebalance"] is True


# --- notifications and alarms ----------------------------------------------------------------------


def test_scaling_events_go_to_a_created_encrypted_topic(preview: bool) -> None:
    result = fleet_only(preview)
    topic = result.one("aws:sns/topic:Topic")
    key = result.one("aws:kms/key:Key")
    assert key.urn in topic.dependencies
    assert result.one(GROUP).urn in key.dependencies  # the Auto Scaling service-linked role exists by then
    policy = json.loads(key.inputs["policy"])
    autoscaling = next(s for s in policy["Statement"] if s["Sid"] == "AutoScalingNotifications")
    assert autoscaling["Principal"]["AWS"].endswith(":role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling")
    assert all("*" not in action for s in policy["Statement"] for action in s["Action"])
    notification = result.one("aws:autoscaling/notification:Notification")
    assert set(notification.inputs["notifications"]) == {
        "autoscaling:EC2_INSTANCE_LAUNCH", "autoscaling:EC2_INSTANCE_TERMINATE",
        "autoscaling:EC2_INSTANCE_LAUNCH_ERROR", "autoscaling:EC2_INSTANCE_TERMINATE_ERROR",
    }
    assert topic.urn in notification.dependencies


def test_a_given_topic_is_used_and_none_is_created(preview: bool) -> None:
    topic = "arn:aws:sns:us-east-1:123456789012:ops-alarms"
    result = fleet_only(preview, notification_topic_arn=topic)
    assert result.count("aws:sns/topic:Topic") == 0 and result.count("aws:kms/key:Key") == 0
    assert result.one("aws:autoscaling/notification:Notification").inputs["topicArn"] == topic
    for alarm in result.of_type(ALARM):
        assert alarm.inputs["alarmActions"] == [topic]


@pytest.mark.parametrize("stack", STACKS)
def test_target_group_alarms_on_unhealthy_hosts_and_5xx(stacks, stack: str, preview: bool) -> None:
    result = stacks[(stack, preview)]
    alarms = {a.inputs["metricName"]: a for a in result.find(ALARM, namespace="AWS/ApplicationELB")}
    assert set(alarms) == {"UnHealthyHostCount", "HTTPCode_Target_5XX_Count"}
    unhealthy, errors = alarms["UnHealthyHostCount"].inputs, alarms["HTTPCode_Target_5XX_Count"].inputs
    assert (unhealthy["comparisonOperator"], unhealthy["threshold"], unhealthy["statistic"]) == ("GreaterThanThreshold", 0, "Maximum")
    assert (errors["comparisonOperator"], errors["threshold"], errors["statistic"]) == ("GreaterThanThreshold", 10, "Sum")
    lb, tg = result.one("aws:lb/loadBalancer:LoadBalancer"), result.one("aws:lb/targetGroup:TargetGroup")
    for alarm in alarms.values():
        assert lb.urn in alarm.dependencies and tg.urn in alarm.dependencies
        if not preview:
            assert alarm.inputs["dimensions"] == {"TargetGroup": tg.state["arnSuffix"], "LoadBalancer": lb.state["arnSuffix"]}


def test_fleet_log_group_has_a_retention(preview: bool) -> None:
    log_group = fleet_only(preview, log_retention_days=14).one("aws:cloudwatch/logGroup:LogGroup").inputs
    assert log_group["retentionInDays"] == 14
    assert log_group["name"] == "/test/test/web"


def test_every_taggable_resource_is_tagged(stacks, preview: bool) -> None:
    result = stacks[("prod", preview)]
    untagged_types = {"aws:iam/rolePolicy:RolePolicy", "aws:autoscaling/policy:Policy", "aws:autoscaling/schedule:Schedule",
                      "aws:autoscaling/notification:Notification", GROUP}
    checked = [r for r in result.resources if r.custom and r.parent.endswith("WebFleet::web") and r.type not in untagged_types]
    assert len(checked) >= 12
    for resource in checked:
        assert resource.inputs["tags"]["Component"] == "WebFleet", resource.name


# --- refusals ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"min_size": 3, "max_size": 2}, r"^min_size: 3 is greater than max_size \(2\)$"),
        ({"min_size": 2, "max_size": 4, "desired_capacity": 5}, r"^desired_capacity: 5 is outside min_size\.\.max_size \(2\.\.4\)$"),
        ({"min_size": 2, "max_size": 4, "desired_capacity": 1}, r"^desired_capacity: 1 is outside min_size\.\.max_size"),
        ({"instance_type": "t3.micro", "architecture": Architecture.ARM64},
         r"^instance_type: 't3\.micro' is an x86_64 type and cannot boot the arm64 image; use a Graviton type"),
        ({"instance_type": "t4g.micro", "architecture": "x86_64"},
         r"^instance_type: 't4g\.micro' is an arm64 type and cannot boot the x86_64 image; use an Intel or AMD type"),
        ({"architecture": "sparc"}, r"^architecture: 'sparc' is not allowed; use arm64 or x86_64"),
        ({"instance_type": "big"}, r"^instance_type: 'big' is not an EC2 instance type"),
        ({"spot_instance_types": ["t3.small"]}, r"^spot_instance_types: 't3\.small' is not an arm64 type like the image"),
        ({"schedules": [ScheduledCapacity("0 8 * *", 2)]}, r"^schedules: '0 8 \* \*' is not a valid cron expression: has 4 fields"),
        ({"schedules": [ScheduledCapacity("0 25 * * *", 2)]}, r"^schedules: '0 25 \* \* \*' is not a valid cron expression: hour 25"),
        ({"schedules": [{"recurrence": "0 8 * * *", "desired_capacity": 9}]},
         r"^schedules: '0 8 \* \* \*' sets 9 servers, outside min_size\.\.max_size \(1\.\.2\)"),
        ({"health_check_path": "healthz"}, r"^health_check_path: 'healthz' is not an absolute path; it must start with /"),
        ({"file_system_access_point_arn": ACCESS_POINT_ARN}, r"^file_system_access_point_arn: needs file_system_arn"),
        ({"log_retention_days": 10}, r"^log_retention_days: 10 is not a CloudWatch retention"),
        ({"spot_percent": 120}, r"^spot_percent: 120 is outside 0\.\.100"),
        ({"cpu_target_percent": 101}, r"^cpu_target_percent: 101 is outside 0\.\.100"),
        ({"shared_path": "mnt/shared"}, r"^shared_path: 'mnt/shared' is not an absolute directory path"),
        ({"app_bootstrap": "echo\nAPP_BOOTSTRAP_EOF\n"}, r"^app_bootstrap: must not contain a line 'APP_BOOTSTRAP_EOF'"),
        ({"spot_allocation_strategy": "lowest-price"}, r"^spot_allocation_strategy: 'lowest-price' is not allowed"),
        ({"ami_id": "ami-XYZ"}, r"^ami_id: 'ami-XYZ' is not an AMI ID \(expected ami- and 8 or 17 hexadecimal digits"),
        ({"ami_id": "al2023"}, r"^ami_id: 'al2023' is not an AMI ID"),
        ({"database_user": "word-press"}, r"^database_user: 'word-press' is not a mysql user name"),
        ({"database_user": "rdsadmin"}, r"^database_user: 'rdsadmin' is reserved by RDS"),
    ],
)
def test_bad_inputs_are_refused_with_a_message_naming_the_argument(overrides: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        run(lambda: WebFleet("web", fleet_args(**overrides)))


def test_args_may_come_as_a_dict_from_the_provider_host(preview: bool) -> None:
    args = {k: v for k, v in vars(fleet_args()).items()}
    args.update(schedules=[{"recurrence": "0 8 * * *", "desired_capacity": 2}], spot_instance_types=None, tags=None)
    result = run(lambda: WebFleet("web", args), preview)
    assert result.one(SCHEDULE).inputs["desiredCapacity"] == 2


# --- stack settings ----------------------------------------------------------------------------------

BAD_SETTINGS = [
    ({"webMinSize": "3", "webDesiredSize": "3", "webMaxSize": "2"},
     r"^awsinaction:webMinSize: 3 is greater than awsinaction:webMaxSize \(2\)$"),
    ({"webDesiredSize": "5"}, r"^awsinaction:webDesiredSize: 5 is outside awsinaction:webMinSize\.\.awsinaction:webMaxSize \(2\.\.4\)$"),
    ({"webSchedules": '["0 8 * * *=9"]'},
     r"^awsinaction:webSchedules: '0 8 \* \* \*' sets 9 servers, outside awsinaction:webMinSize\.\.awsinaction:webMaxSize \(2\.\.4\)$"),
    ({"webSchedules": '["0 8 * * * *=4"]'}, r"^awsinaction:webSchedules: '0 8 \* \* \* \*' is not a valid cron expression: has 6 fields"),
    ({"webSchedules": '["08:00=4"]'}, r"^awsinaction:webSchedules: '08:00' is not a valid cron expression"),
    ({"webSpotInstanceTypes": '["t3.small"]'},
     r"^awsinaction:webSpotInstanceTypes: 't3\.small' is an x86_64 type and cannot boot the arm64 image"),
    ({"webHealthCheckPath": "healthz"}, r"^awsinaction:webHealthCheckPath: 'healthz' is not an absolute path"),
    ({"webInstanceType": "micro"}, r"^awsinaction:webInstanceType: 'micro' is not an EC2 instance type"),
    ({"webSpotPercent": "101"}, r"^awsinaction:webSpotPercent: 101 is outside 0\.\.100"),
    ({"certificateArn": "my-cert"}, r"^awsinaction:certificateArn: 'my-cert' is malformed"),
    ({"webMaxSize": "0"}, r"^awsinaction:webMaxSize: 0 is outside 1\.\.1000"),
    ({"webAmiId": "ami-0123"}, r"^awsinaction:webAmiId: 'ami-0123' is not an AMI ID \(expected ami- and 8 or 17 hexadecimal digits"),
]


@pytest.mark.parametrize(("config", "message"), BAD_SETTINGS, ids=[next(iter(c)) + str(i) for i, (c, _) in enumerate(BAD_SETTINGS)])
def test_bad_web_settings_are_refused_naming_the_key(config: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings("awsinaction", "test", config)


def test_web_settings_defaults_and_parsing() -> None:
    web = load_settings("awsinaction", "test", {}).web
    assert (web.instance_type, web.min_size, web.desired_size, web.max_size) == ("t4g.micro", 2, 2, 4)
    assert (web.cpu_target_percent, web.spot_percent, web.on_demand_base_capacity) == (70, 0, 0)
    assert (web.ssm_access, web.detailed_monitoring, web.certificate_arn) == (True, False, None)
    assert web.health_check_path == "/healthz"
    assert web.ami_id is None, "no pin: the latest Amazon Linux 2023"
    assert load_settings("awsinaction", "test", {"webAmiId": "ami-0123456789abcdef0"}).web.ami_id == "ami-0123456789abcdef0"
    prod = load_settings("awsinaction", "test", {**PROD_CONFIG, "webSpotPercent": "50"}).web
    assert prod.schedules == [ScheduledCapacity("0 8 * * *", 4), ScheduledCapacity("0 20 * * *", 2)]
    assert (prod.alb_access_logs, prod.alb_deletion_protection, prod.on_demand_base_capacity) == (True, True, 1)


# --- the program's wiring, with the data tier --------------------------------------------------------


@pytest.mark.parametrize("stack", STACKS)
def test_wiring_with_the_data_tier_reaches_the_database_and_the_shared_file_system(stack: str, preview: bool) -> None:
    result = run_stack(stack, preview, overrides={"awsinaction:alarmEmail": "ops@example.com"})
    groups = {g.name: g for g in result.of_type("aws:ec2/securityGroup:SecurityGroup")}
    template = result.one(TEMPLATE)
    # The servers carry the database's client group and the file system's client group.
    assert groups["shop-network-app"].urn in template.dependencies
    assert groups["shop-files-efs-client"].urn in template.dependencies
    db_ingress = [r for r in result.of_type(INGRESS) if r.name.startswith("shop-db-")]
    assert db_ingress and all(groups["shop-network-app"].urn in r.dependencies for r in db_ingress)
    fleet_topic = next(t for t in result.of_type("aws:sns/topic:Topic") if t.name == "shop-web-events")
    subscriptions = result.find("aws:sns/topicSubscription:TopicSubscription", protocol="email", endpoint="ops@example.com")
    assert any(fleet_topic.urn in s.dependencies for s in subscriptions)
    assert result.one(GROUP).inputs["minSize"] == (2 if stack == "prod" else 1)
    if preview:
        return
    script = base64.b64decode(template.inputs["userData"]).decode()
    database = result.one("aws:rds/instance:Instance")
    assert f"export DB_HOST='{database.state['address']}'" in script
    assert "export DB_SECRET_ARN='arn:aws:secretsmanager:" in script
    assert "export SHARED_DIR='/mnt/shared'" in script
    file_system = result.one("aws:efs/fileSystem:FileSystem")
    assert f"{file_system.id}:/ /mnt/shared efs _netdev,tls,accesspoint=" in script
    assert f"export SITE_URL='{result.outputs['siteUrl']}'" in script
