"""Building blocks for components that run our own Python on EC2: role, security group, launch template, group.

Used by Imagery (its web and worker fleets) and RecoverableServer. The instances run Amazon Linux 2023
with IMDSv2 and an encrypted gp3 root volume. The application's modules (components/handlers/ files)
travel as a gzipped tar: inside the user data when small, else as an S3 object the instances fetch.
Nothing is installed from outside AWS's own repositories at boot.
"""

import base64
import gzip
import hashlib
import io
import tarfile
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional, Sequence

import pulumi
import pulumi_aws as aws

from .ec2_defaults import al2023_ami_id, encrypted_root_volume, imdsv2_metadata_options
from .iam import Statement, assume_role_policy, policy_document, statement
from .lambda_function import HANDLERS_DIR, aws_context, log_group_arn
from .tags import resource_tags
from .user_data import render_template, within_user_data_limit
from .web_fleet import GROUP_METRICS, ROOT_DEVICE, SESSION_MANAGER_ACTIONS
from .web_user_data import shell_literal

WORLD_IPV4 = "0.0.0.0/0"


def code_archive(modules: Sequence[str]) -> bytes:
    """A gzipped tar holding components/handlers/<module>.py for each module; the same bytes on every run."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        for module in sorted(set(modules)):
            data = (HANDLERS_DIR / f"{module}.py").read_bytes()
            info = tarfile.TarInfo(f"{module}.py")
            info.size, info.mode, info.mtime = len(data), 0o644, 0
            archive.addfile(info, io.BytesIO(data))
    # mtime 0: unchanged code gives unchanged user data, so no instance refresh.
    return gzip.compress(buffer.getvalue(), compresslevel=9, mtime=0)


def app_payload(modules: Sequence[str]) -> str:
    """The modules' archive as base64 lines, for a heredoc in the user data."""
    return base64.encodebytes(code_archive(modules)).decode().rstrip("\n")


def python_service(service_name: str, module: str, arguments: str, environment: Mapping[str, str]) -> str:
    """Shell lines that run `python3 /opt/<app>/<module> <arguments>` as a systemd service with `environment`."""
    lines = "\n".join(f"{key}={shell_literal(value)}" for key, value in sorted(environment.items()))
    return render_template(
        "python_service.sh",
        {"service_name": shell_literal(service_name), "module": module, "arguments": arguments, "environment": lines},
    )


def inline_code(modules: Sequence[str]) -> str:
    """Shell lines unpacking the modules from the user data itself into /opt/$APP (for small applications)."""
    return f"base64 -d <<'PAYLOAD_EOF' | tar -xz -C \"/opt/${{APP}}\"\n{app_payload(modules)}\nPAYLOAD_EOF"


def code_bundle_key(app_name: str, modules: Sequence[str]) -> str:
    """S3 key of the modules' archive; it names the content, so new code means new user data and an instance refresh."""
    digest = hashlib.sha256(code_archive(modules)).hexdigest()[:16]
    return f"code/{app_name}-{digest}.tar.gz"


def s3_code(bucket: str, key: str) -> str:
    """Shell lines downloading the modules' archive from S3 into /opt/$APP (the role needs s3:GetObject on it)."""
    return f"aws s3 cp {shell_literal(f's3://{bucket}/{key}')} - | tar -xz -C \"/opt/${{APP}}\""


def render_app_user_data(app_name: str, log_group_name: str, fetch_code: str, commands: str, packages: str = "") -> str:
    """The complete user data of an application server; refuses a script EC2 would not accept."""
    script = render_template(
        "app_server.sh",
        {
            "app_name": shell_literal(app_name),
            "log_group_name": shell_literal(log_group_name),
            "fetch_code": fetch_code,
            "packages": packages,
            "commands": commands.rstrip("\n"),
        },
    )
    return within_user_data_limit(script, f"the user data of {app_name}")


@dataclass(frozen=True)
class Rule:
    """One security group rule: a port from or to a CIDR or another security group."""

    port: int
    description: str
    cidr: Optional[pulumi.Input[str]] = None
    security_group_id: Optional[pulumi.Input[str]] = None


@dataclass
class ServerParts:
    """What app_servers() made."""

    role: aws.iam.Role
    profile: aws.iam.InstanceProfile
    security_group: aws.ec2.SecurityGroup
    log_group: aws.cloudwatch.LogGroup
    launch_template: aws.ec2.LaunchTemplate


@dataclass
class ServerSpec:
    """How to build the servers of one fleet (validated by the component that uses it)."""

    name: str
    component: str
    vpc_id: pulumi.Input[str]
    instance_type: str
    architecture: str
    description: str
    statements: pulumi.Input[list[Statement]]
    user_data: pulumi.Input[str]
    log_retention_days: int
    ingress: list[Rule] = field(default_factory=list)
    egress: list[Rule] = field(default_factory=list)
    extra_security_group_ids: list[pulumi.Input[str]] = field(default_factory=list)
    root_volume_size_gib: int = 8
    public_ip: bool = False
    instance_tags: dict[str, str] = field(default_factory=dict)
    ignore_image_changes: bool = False
    tags: Optional[dict[str, str]] = None


def log_group_name(name: str) -> str:
    """The servers' log group: /<project>/<stack>/<name>, like the web fleet's."""
    return f"/{pulumi.get_project()}/{pulumi.get_stack()}/{name}"


def instance_statements(log_group_arn: str, statements: list[Statement]) -> str:
    """The instance role's policy: the fleet's own statements, writing its log group, Session Manager."""
    logs = statement(
        ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], [log_group_arn, f"{log_group_arn}:*"], sid="WriteOwnLogs"
    )
    # Every Session Manager action supports no resource-level permission (see web_fleet.SESSION_MANAGER_ACTIONS).
    session = statement(sorted(SESSION_MANAGER_ACTIONS), ["*"], sid="SessionManager")
    return policy_document([*statements, logs, session])


def app_servers(parent: pulumi.Resource, spec: ServerSpec) -> ServerParts:
    """Log group, role and instance profile, security group and launch template of one fleet."""
    child = pulumi.ResourceOptions(parent=parent)
    name = spec.name

    def tags(resource: str, **more: str) -> dict[str, str]:
        return resource_tags(resource, spec.component, spec.tags, **more)

    log_group = aws.cloudwatch.LogGroup(
        f"{name}-logs", name=log_group_name(name), retention_in_days=spec.log_retention_days, tags=tags(f"{name}-logs"), opts=child
    )
    role = aws.iam.Role(
        f"{name}-instance",
        description=f"Instances of {name}",
        assume_role_policy=assume_role_policy("ec2.amazonaws.com"),
        tags=tags(f"{name}-instance"),
        opts=child,
    )
    # The log group's ARN from its name: with plain statements the policy is known in preview, where the packs judge it.
    logs_arn = log_group_arn(aws_context(), log_group_name(name))
    policy = pulumi.Output.from_input(spec.statements).apply(lambda found: instance_statements(logs_arn, list(found)))
    aws.iam.RolePolicy(f"{name}-instance", role=role.id, policy=policy, opts=child)
    profile = aws.iam.InstanceProfile(f"{name}-instance", role=role.name, tags=tags(f"{name}-instance"), opts=child)

    security_group = aws.ec2.SecurityGroup(
        f"{name}-servers", vpc_id=spec.vpc_id, description=spec.description, tags=tags(f"{name}-servers"), opts=child
    )
    directions = (("in", spec.ingress, aws.vpc.SecurityGroupIngressRule), ("out", spec.egress, aws.vpc.SecurityGroupEgressRule))
    for direction, rules, kind in directions:
        seen: dict[str, int] = {}
        for rule in rules:
            label = f"{name}-servers-{direction}-{rule.port}-{_source_label(rule)}"
            seen[label] = seen.get(label, 0) + 1
            # Two groups (or two computed CIDRs) on one port share a label: number the later ones, or the URNs collide.
            rule_name = label if seen[label] == 1 else f"{label}-{seen[label]}"
            source: dict[str, Any] = _rule_source(rule)
            kind(
                rule_name, security_group_id=security_group.id, ip_protocol="tcp", from_port=rule.port, to_port=rule.port,
                description=rule.description, tags=tags(rule_name), opts=child, **source,
            )

    root = {k: str(v).lower() if isinstance(v, bool) else v for k, v in encrypted_root_volume(spec.root_volume_size_gib).items()}
    groups = [security_group.id, *spec.extra_security_group_ids]
    network: dict[str, Any] = {"vpc_security_group_ids": groups}
    if spec.public_ip:
        # A public IP at launch: the server reaches the AWS APIs before its Elastic IP is attached.
        network = {"network_interfaces": [{"associate_public_ip_address": "true", "device_index": 0, "security_groups": groups}]}
    launch_template = aws.ec2.LaunchTemplate(
        f"{name}-servers",
        name_prefix=f"{name}-",
        description=f"{spec.description} (Amazon Linux 2023)",
        image_id=al2023_ami_id(spec.architecture),
        instance_type=spec.instance_type,
        iam_instance_profile={"arn": profile.arn},
        metadata_options=imdsv2_metadata_options(),
        block_device_mappings=[{"device_name": ROOT_DEVICE, "ebs": root}],
        monitoring={"enabled": False},
        user_data=pulumi.Output.from_input(spec.user_data).apply(lambda script: base64.b64encode(script.encode()).decode()),
        update_default_version=True,
        tag_specifications=[
            {"resource_type": "instance", "tags": tags(name, **spec.instance_tags)},
            {"resource_type": "volume", "tags": tags(name)},
            {"resource_type": "network-interface", "tags": tags(name, **spec.instance_tags)},
        ],
        tags=tags(f"{name}-servers", **spec.instance_tags),
        # A new Amazon Linux release replaces servers only where no state is lost (see the component).
        opts=pulumi.ResourceOptions(parent=parent, ignore_changes=["imageId"] if spec.ignore_image_changes else None),
        **network,
    )
    return ServerParts(role, profile, security_group, log_group, launch_template)


def _rule_source(rule: Rule) -> dict[str, Any]:
    """The rule's peer as the provider takes it: an IPv6 block goes in cidr_ipv6 (EC2 refuses it in cidr_ipv4)."""
    if rule.cidr is None:
        return {"referenced_security_group_id": rule.security_group_id}
    if isinstance(rule.cidr, str) and ":" in rule.cidr:
        return {"cidr_ipv6": rule.cidr}
    return {"cidr_ipv4": rule.cidr}


def _source_label(rule: Rule) -> str:
    if rule.cidr is None:
        return "group"
    if isinstance(rule.cidr, str):
        return "world" if rule.cidr == WORLD_IPV4 else rule.cidr.replace("/", "_").replace(":", "-")
    return "cidr"


def server_group(
    parent: pulumi.Resource,
    spec: ServerSpec,
    template: aws.ec2.LaunchTemplate,
    subnet_ids: pulumi.Input[list[str]],
    min_size: int,
    max_size: int,
    health_check_type: str,
    grace_seconds: int,
    target_group_arns: Optional[list[pulumi.Input[str]]] = None,
    overlap_on_refresh: bool = True,
) -> aws.autoscaling.Group:
    """An auto-scaling group over `subnet_ids` running the launch template's pinned version.

    With `overlap_on_refresh` a changed template launches each replacement before the old server stops
    (capacity never drops); without it the old server stops first, for a server that must never run twice.
    """
    name = f"{spec.name}-asg"
    version = template.latest_version.apply(lambda v: str(int(v)))
    healthy = (100, 200) if overlap_on_refresh else (0, 100)
    return aws.autoscaling.Group(
        name,
        vpc_zone_identifiers=subnet_ids,
        min_size=min_size,
        max_size=max_size,
        desired_capacity=min_size,
        health_check_type=health_check_type,
        health_check_grace_period=grace_seconds,
        default_instance_warmup=120,
        target_group_arns=target_group_arns or [],
        launch_template={"id": template.id, "version": version},
        instance_refresh={
            "strategy": "Rolling",
            "preferences": {"min_healthy_percentage": healthy[0], "max_healthy_percentage": healthy[1], "skip_matching": True},
        },
        enabled_metrics=GROUP_METRICS,
        metrics_granularity="1Minute",
        tags=[{"key": k, "value": v, "propagate_at_launch": True} for k, v in resource_tags(name, spec.component, spec.tags).items()],
        # Scaling policies own the desired capacity after creation: updates must not reset it.
        opts=pulumi.ResourceOptions(parent=parent, ignore_changes=["desired_capacity"]),
    )
