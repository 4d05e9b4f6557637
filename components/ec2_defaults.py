"""Secure EC2 building blocks shared by every component that launches instances."""

import re

import pulumi_aws as aws

AL2023_AMI_PARAMETER = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-{arch}"
"""Public SSM parameter naming the current Amazon Linux 2023 AMI for an architecture."""

_GRAVITON_FAMILY = re.compile(r"[a-z]+\d+[a-z]*g[a-z]*")


def instance_architecture(instance_type: str) -> str:
    """Return "arm64" for Graviton instance types (t4g, m7g, c6gn, ...) and "x86_64" otherwise."""
    family = instance_type.split(".")[-2] if instance_type.startswith("db.") else instance_type.split(".")[0]
    family = family.split("-")[0]
    return "arm64" if family == "a1" or _GRAVITON_FAMILY.fullmatch(family) else "x86_64"


def check_instance_type(instance_type: str, argument: str) -> str:
    """Validate the form `family.size` of an EC2 instance type and return its architecture."""
    if not isinstance(instance_type, str) or not re.fullmatch(r"[a-z][a-z0-9-]*\.[a-z0-9-]+", instance_type):
        raise ValueError(f"{argument}: {instance_type!r} is not an EC2 instance type (expected e.g. t4g.micro)")
    return instance_architecture(instance_type)


def al2023_ami_id(architecture: str) -> str:
    """Look up the current Amazon Linux 2023 AMI id for `architecture` through the public SSM parameter."""
    if architecture not in ("arm64", "x86_64"):
        raise ValueError(f"architecture: {architecture!r} is not allowed; use arm64 or x86_64")
    return aws.ssm.get_parameter(name=AL2023_AMI_PARAMETER.format(arch=architecture)).value


def imdsv2_metadata_options() -> dict[str, object]:
    """Instance metadata options that require IMDSv2 tokens and stop containers from reaching IMDS."""
    return {"http_endpoint": "enabled", "http_tokens": "required", "http_put_response_hop_limit": 1}


def encrypted_root_volume(size_gib: int = 8) -> dict[str, object]:
    """An encrypted gp3 root volume that is deleted with its instance."""
    return {"volume_type": "gp3", "volume_size": size_gib, "encrypted": True, "delete_on_termination": True}


def recover_action_arn(region: str) -> str:
    """The CloudWatch alarm action that recovers an impaired instance on new hardware (book ch. 14)."""
    return f"arn:aws:automate:{region}:ec2:recover"


def reboot_action_arn(region: str) -> str:
    """The CloudWatch alarm action that reboots an instance whose own status check fails."""
    return f"arn:aws:automate:{region}:ec2:reboot"


def current_region() -> str:
    """The region the default AWS provider deploys to."""
    return aws.get_region().region
