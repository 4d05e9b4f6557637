"""Compute: IMDSv2 only, no public IP except on the roles that need one, encrypted EBS."""

from typing import Any, Iterator

from pulumi_policy import PolicyConfigSchema, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy

from ._props import get, is_true, items, policy_config, tags

INSTANCE = "aws:ec2/instance:Instance"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
LAUNCH_CONFIGURATION = "aws:ec2/launchConfiguration:LaunchConfiguration"
VOLUME = "aws:ebs/volume:Volume"
PUBLIC_IP_ROLES = {"tagKey": "Role", "allowed": ["bastion", "nat-instance"]}
"""Instances tagged Role=bastion or Role=nat-instance need a public IP; nothing else does."""


def validate_imdsv2_required(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type not in (INSTANCE, LAUNCH_TEMPLATE, LAUNCH_CONFIGURATION):
        return
    options = get(args.props, "metadataOptions", default={})
    if get(options, "httpEndpoint") == "disabled" or get(options, "httpTokens") == "required":
        return
    tokens = get(options, "httpTokens", default="not set (optional unless the AMI requires v2)")
    report(
        f"metadataOptions.httpTokens is {tokens}: IMDSv1 lets any SSRF bug read the instance role's credentials. "
        'Fix: metadata_options={"http_tokens": "required", "http_endpoint": "enabled", "http_put_response_hop_limit": 1}.'
    )


def _template_tags(props: Any) -> dict[str, str]:
    """A launch template's own tags plus the tags it gives its instances."""
    found = tags(props)
    for spec in items(get(props, "tagSpecifications")):
        if get(spec, "resourceType") == "instance":
            found.update({k: v for k, v in tags(spec).items() if k not in found})
    return found


def validate_no_public_ip(args: ResourceValidationArgs, report: ReportViolation) -> None:
    cfg = policy_config(args, {"roles": PUBLIC_IP_ROLES})
    key, allowed = cfg["roles"]["tagKey"], list(cfg["roles"]["allowed"])
    if args.resource_type in (INSTANCE, LAUNCH_CONFIGURATION):
        public, role = is_true(get(args.props, "associatePublicIpAddress")), tags(args.props).get(key)
    elif args.resource_type == LAUNCH_TEMPLATE:
        interfaces = items(get(args.props, "networkInterfaces"))
        public, role = any(is_true(get(i, "associatePublicIpAddress")) for i in interfaces), _template_tags(args.props).get(key)
    else:
        return
    if public and role not in allowed:
        report(
            f"associatePublicIpAddress is true but tag {key} is {role!r}, not one of {', '.join(allowed)}. "
            "Fix: run it in a private subnet without a public IP and reach it through the load balancer, "
            "the bastion or SSM Session Manager."
        )


def _volumes(resource_type: str, props: Any) -> Iterator[tuple[str, Any]]:
    """(where, encrypted flag) of every EBS volume a resource declares; the root volume even when left implicit."""
    if resource_type in (INSTANCE, LAUNCH_CONFIGURATION):
        yield "rootBlockDevice", get(props, "rootBlockDevice", "encrypted")
        for index, device in enumerate(items(get(props, "ebsBlockDevices"))):
            yield f"ebsBlockDevices[{index}]", get(device, "encrypted")
    elif resource_type == LAUNCH_TEMPLATE:
        mappings = [m for m in items(get(props, "blockDeviceMappings")) if get(m, "ebs") is not None]
        if not mappings:
            yield "blockDeviceMappings (root volume from the AMI)", None
        for index, mapping in enumerate(mappings):
            yield f"blockDeviceMappings[{index}] ({get(mapping, 'deviceName', default='?')})", get(mapping, "ebs", "encrypted")
    elif resource_type == VOLUME:
        yield "encrypted", get(props, "encrypted")


def validate_ebs_encrypted(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if policy_config(args, {"accountEncryptsByDefault": False})["accountEncryptsByDefault"]:
        return
    for where, encrypted in _volumes(args.resource_type, args.props):
        if not is_true(encrypted):
            report(
                f"{where}: the EBS volume is not encrypted (encrypted={encrypted!r}). "
                "Fix: declare it with encrypted=True (components/ec2_defaults.encrypted_root_volume for root volumes)."
            )


POLICIES = [
    ResourceValidationPolicy(
        name="ec2-imdsv2-required",
        description="Instances, launch templates and launch configurations require IMDSv2 tokens.",
        validate=validate_imdsv2_required,
        remediation_steps='Set metadata_options http_tokens="required".',
    ),
    ResourceValidationPolicy(
        name="ec2-no-public-ip",
        description="Instances get no public IP unless tagged with an allowed role (Role=bastion or Role=nat-instance).",
        validate=validate_no_public_ip,
        config_schema=PolicyConfigSchema(
            properties={
                "roles": {
                    "type": "object",
                    "properties": {"tagKey": {"type": "string"}, "allowed": {"type": "array", "items": {"type": "string"}}},
                    "required": ["tagKey", "allowed"],
                    "default": PUBLIC_IP_ROLES,
                    "description": "The tag naming an instance's role, and the roles that may have a public IP.",
                }
            }
        ),
        remediation_steps="Use a private subnet; reach instances through the load balancer, the bastion or SSM.",
    ),
    ResourceValidationPolicy(
        name="ebs-encrypted",
        description="Every EBS volume (root, attached, in launch templates) is encrypted.",
        validate=validate_ebs_encrypted,
        config_schema=PolicyConfigSchema(
            properties={
                "accountEncryptsByDefault": {
                    "type": "boolean",
                    "default": False,
                    "description": "Set true when the account enforces EBS encryption by default (aws.ebs.EncryptionByDefault).",
                }
            }
        ),
        remediation_steps="Declare volumes with encrypted=True.",
    ),
]
