"""IAM: least privilege in identity policies, managed-policy attachments and role trust policies."""

import fnmatch
import re
from typing import Any

from pulumi_policy import PolicyConfigSchema, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy

from ._props import get, items, policy_config
from .iam_documents import IDENTITY_POLICY_TYPES, ROLE, WILDCARD_ACTION, identity_documents, identity_statements, read

NO_RESOURCE_LEVEL_ACTIONS: dict[str, str] = {
    "ec2:Describe*": "EC2 Describe calls accept no resource ARN",
    "autoscaling:Describe*": "Auto Scaling Describe calls accept no resource ARN",
    "elasticloadbalancing:Describe*": "ELB Describe calls accept no resource ARN",
    "cloudwatch:PutMetricData": "metrics are not resources; scope with the cloudwatch:namespace condition",
    "cloudwatch:GetMetricData": "metric reads accept no resource ARN",
    "cloudwatch:GetMetricStatistics": "metric reads accept no resource ARN",
    "cloudwatch:ListMetrics": "metric listing accepts no resource ARN",
    "xray:PutTraceSegments": "X-Ray segments accept no resource ARN",
    "xray:PutTelemetryRecords": "X-Ray telemetry accepts no resource ARN",
    "ssmmessages:CreateControlChannel": "Session Manager channels have no ARN",
    "ssmmessages:CreateDataChannel": "Session Manager channels have no ARN",
    "ssmmessages:OpenControlChannel": "Session Manager channels have no ARN",
    "ssmmessages:OpenDataChannel": "Session Manager channels have no ARN",
    "ssm:UpdateInstanceInformation": "the SSM agent's heartbeat defines no resource type; scope it with ssm:SourceInstanceARN",
    "sts:GetCallerIdentity": "needs no permission and accepts no resource",
    "s3:ListAllMyBuckets": "lists the account's buckets; accepts no bucket ARN",
    "ecr:GetAuthorizationToken": "registry tokens accept no resource ARN",
    "ssm:DescribeParameters": "parameter listing accepts no resource ARN",
    "secretsmanager:GetRandomPassword": "generates a value; accepts no resource ARN",
    "secretsmanager:ListSecrets": "secret listing accepts no resource ARN",
    "tag:GetResources": "the tagging API accepts no resource ARN",
}
"""Actions that support no resource-level permissions, so "*" is their only possible Resource, with why."""
ADMIN_POLICIES = ["AdministratorAccess", "PowerUserAccess", "IAMFullAccess"]
"""AWS-managed policies that amount to full control of the account."""
_MANAGED_ARN = re.compile(r"^arn:aws[a-z-]*:iam::aws:policy/(?:.*/)?([^/]+)$")
_ANY_ROLE = re.compile(r"^arn:[^:]*:iam::[^:]*:(\*|role/\*)$")
ATTACHMENTS = {
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "policyArn",
    "aws:iam/userPolicyAttachment:UserPolicyAttachment": "policyArn",
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment": "policyArn",
    "aws:iam/policyAttachment:PolicyAttachment": "policyArn",
    "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive": "policyArns",
    "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive": "policyArns",
    "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive": "policyArns",
    ROLE: "managedPolicyArns",
}
"""Resources that attach managed policies, and the input holding the ARN(s)."""


def _matches(action: str, pattern: str) -> bool:
    """IAM action matching: case-insensitive, `*` and `?` wildcards."""
    return fnmatch.fnmatchcase(action.lower(), pattern.lower())


def validate_no_wildcard_actions(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type not in IDENTITY_POLICY_TYPES:
        return
    for where, document in identity_documents(args.resource_type, args.props):
        try:
            found = read(where, document)
        except ValueError as error:
            report(f"{error}. Fix: pass the document as a JSON string built with json.dumps.")
            continue
        for statement in found:
            wildcards = [a for a in statement.actions if WILDCARD_ACTION.match(a)]
            if statement.allows and wildcards:
                report(
                    f"{where}: {statement.label} allows {', '.join(wildcards)}, every action of the service. "
                    "Fix: list the exact actions the workload calls (e.g. s3:GetObject)."
                )


def validate_no_wildcard_resources(args: ResourceValidationArgs, report: ReportViolation) -> None:
    cfg = policy_config(args, {"extraActions": []})
    exempt = [*NO_RESOURCE_LEVEL_ACTIONS, *cfg["extraActions"]]
    for where, statement in identity_statements(args.resource_type, args.props):
        if not statement.allows or "*" not in statement.resources:
            continue
        scoped = [a for a in statement.actions if not any(_matches(a, pattern) for pattern in exempt)]
        if scoped:
            report(
                f'{where}: {statement.label} grants {", ".join(scoped)} on Resource "*". '
                'Fix: name the ARNs (bucket, table, log group...) these actions need; "*" is kept only for actions '
                "without resource-level permissions (see NO_RESOURCE_LEVEL_ACTIONS or the extraActions config)."
            )


def validate_no_allow_with_not(args: ResourceValidationArgs, report: ReportViolation) -> None:
    for where, statement in identity_statements(args.resource_type, args.props):
        fields = [name for name, value in (("NotAction", statement.not_actions), ("NotResource", statement.not_resources)) if value]
        if statement.allows and fields:
            report(
                f"{where}: {statement.label} is an Allow with {' and '.join(fields)}, which grants everything not listed. "
                "Fix: allow an explicit Action and Resource list instead."
            )


def validate_no_passrole_to_any_role(args: ResourceValidationArgs, report: ReportViolation) -> None:
    for where, statement in identity_statements(args.resource_type, args.props):
        passes = any(_matches("iam:PassRole", action) for action in statement.actions)
        broad = [r for r in statement.resources if r == "*" or _ANY_ROLE.match(r)]
        if statement.allows and passes and broad:
            report(
                f"{where}: {statement.label} allows iam:PassRole on {', '.join(broad)}, so its holder can hand any role "
                "(an administrator's too) to a service. Fix: list the ARNs of the roles it must pass."
            )


def validate_no_admin_managed_policies(args: ResourceValidationArgs, report: ReportViolation) -> None:
    prop = ATTACHMENTS.get(args.resource_type)
    if prop is None:
        return
    denied = policy_config(args, {"deniedPolicies": ADMIN_POLICIES})["deniedPolicies"]
    value = get(args.props, prop)
    arns = [value] if isinstance(value, str) else items(value)
    for arn in arns:
        match = _MANAGED_ARN.match(arn) if isinstance(arn, str) else None
        if match and match.group(1) in denied:
            report(
                f"{prop} attaches the AWS-managed policy {match.group(1)} ({arn}), full control of the account. "
                "Fix: write a policy with only the actions and resources the principal needs."
            )


def validate_trust_no_wildcard_principal(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != ROLE:
        return
    document = get(args.props, "assumeRolePolicy")
    if document is None:
        return
    try:
        found = read("assumeRolePolicy", document)
    except ValueError as error:
        report(f"{error}. Fix: pass the trust policy as a JSON string built with json.dumps.")
        return
    for statement in found:
        if not statement.allows:
            continue
        if "*" in statement.principals:
            report(
                f'assumeRolePolicy: {statement.label} lets any principal ("*") assume the role. '
                "Fix: name the service (e.g. ec2.amazonaws.com) or account ARNs that may assume it."
            )
        if statement.not_principals:
            report(
                f"assumeRolePolicy: {statement.label} is an Allow with NotPrincipal, which trusts everyone not listed. "
                "Fix: use Principal with the exact trusted principals."
            )


def _config(**properties: Any) -> PolicyConfigSchema:
    return PolicyConfigSchema(properties=properties)


POLICIES = [
    ResourceValidationPolicy(
        name="iam-no-wildcard-actions",
        description="IAM policies allow no `*` or `service:*` action.",
        validate=validate_no_wildcard_actions,
        remediation_steps="List the exact actions the workload calls.",
    ),
    ResourceValidationPolicy(
        name="iam-no-wildcard-resources",
        description='IAM policies grant no action on Resource "*" unless the action supports no resource-level permissions.',
        validate=validate_no_wildcard_resources,
        config_schema=_config(
            extraActions={
                "type": "array",
                "items": {"type": "string"},
                "default": [],
                "description": 'More action patterns allowed on "*" (for actions without resource-level permissions).',
            }
        ),
        remediation_steps="Name the resource ARNs the actions need.",
    ),
    ResourceValidationPolicy(
        name="iam-no-allow-with-not",
        description="IAM Allow statements use no NotAction or NotResource.",
        validate=validate_no_allow_with_not,
        remediation_steps="Allow an explicit Action and Resource list.",
    ),
    ResourceValidationPolicy(
        name="iam-no-passrole-to-any-role",
        description='IAM policies allow iam:PassRole only on named roles, never on "*".',
        validate=validate_no_passrole_to_any_role,
        remediation_steps="List the role ARNs that may be passed.",
    ),
    ResourceValidationPolicy(
        name="iam-no-admin-managed-policies",
        description="No AWS-managed administrator or power-user policy is attached.",
        validate=validate_no_admin_managed_policies,
        config_schema=_config(
            deniedPolicies={
                "type": "array",
                "items": {"type": "string"},
                "default": ADMIN_POLICIES,
                "description": "Names of AWS-managed policies that must not be attached.",
            }
        ),
        remediation_steps="Attach a policy scoped to what the principal needs.",
    ),
    ResourceValidationPolicy(
        name="iam-trust-no-wildcard-principal",
        description="Role trust policies name who may assume the role: no `*` principal, no NotPrincipal.",
        validate=validate_trust_no_wildcard_principal,
        remediation_steps="Name the trusted service or account principals.",
    ),
]
