"""Containers: a Kubernetes API the internet cannot reach, Kubernetes secrets under a key you control, tasks without
public IPs."""

from pulumi_policy import EnforcementLevel, PolicyConfigSchema, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy

from ._props import get, is_true, items, policy_config, present
from .addresses import describe_reach, internet_wide
from .network import PREFIX_SCHEMA, prefix_limits

EKS_CLUSTER = "aws:eks/cluster:Cluster"
ECS_SERVICE = "aws:ecs/service:Service"
ECS_TASK_SET = "aws:ecs/taskSet:TaskSet"


def validate_eks_endpoint(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != EKS_CLUSTER:
        return
    limits = prefix_limits(policy_config(args, {}))
    vpc = get(args.props, "vpcConfig", default={})
    # EKS's defaults: a public endpoint, open to 0.0.0.0/0.
    if not is_true(get(vpc, "endpointPublicAccess", default=True)):
        return
    cidrs = [str(c) for c in items(get(vpc, "publicAccessCidrs"))] or ["0.0.0.0/0"]
    if internet_wide(cidrs, limits):
        report(
            f"vpcConfig: the Kubernetes API endpoint is public and admits {', '.join(cidrs)} ({describe_reach(cidrs)}); "
            "a leaked kubeconfig or an API-server flaw is then one request away. Fix: endpoint_public_access=False with "
            "endpoint_private_access=True, or public_access_cidrs=[<your office/VPN CIDRs>]."
        )


def validate_eks_secrets_encrypted(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != EKS_CLUSTER:
        return
    configs = items(get(args.props, "encryptionConfig")) or [get(args.props, "encryptionConfig")]
    covered = any("secrets" in [str(r) for r in items(get(c, "resources"))] and present(c, "provider", "keyArn") for c in configs if c)
    if not covered:
        report(
            "encryptionConfig names no KMS key for secrets: since Kubernetes 1.28 EKS encrypts API data with an AWS-owned "
            'key, which you can neither audit in CloudTrail nor revoke. Fix: encryption_config={"resources": ["secrets"], '
            '"provider": {"key_arn": key.arn}}.'
        )


def validate_ecs_no_public_ip(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type in (ECS_SERVICE, ECS_TASK_SET) and is_true(get(args.props, "networkConfiguration", "assignPublicIp")):
        report(
            "networkConfiguration.assignPublicIp is true: every task gets a public address, reachable from the internet "
            "through any rule its security groups open. Fix: assign_public_ip=False in private subnets with a NAT gateway "
            "or VPC endpoints (ECR, S3, CloudWatch Logs), behind a load balancer."
        )


POLICIES = [
    ResourceValidationPolicy(
        name="eks-endpoint-not-public",
        description="EKS clusters do not expose the Kubernetes API endpoint to the internet.",
        validate=validate_eks_endpoint,
        config_schema=PolicyConfigSchema(properties=dict(PREFIX_SCHEMA)),
        remediation_steps="Make the endpoint private, or restrict public_access_cidrs.",
    ),
    ResourceValidationPolicy(
        name="eks-secrets-encrypted",
        description="EKS clusters encrypt Kubernetes secrets with a customer-managed KMS key.",
        validate=validate_eks_secrets_encrypted,
        enforcement_level=EnforcementLevel.ADVISORY,
        remediation_steps='encryption_config={"resources": ["secrets"], "provider": {"key_arn": ...}}.',
    ),
    ResourceValidationPolicy(
        name="ecs-no-public-ip",
        description="ECS services and task sets do not assign public IP addresses to tasks.",
        validate=validate_ecs_no_public_ip,
        remediation_steps="assign_public_ip=False in private subnets.",
    ),
]
