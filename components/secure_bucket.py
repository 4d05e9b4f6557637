"""A private S3 bucket with every guard on: the building block for assets, logs and trails."""

from dataclasses import dataclass
from typing import Callable, Optional, Sequence

import pulumi
import pulumi_aws as aws

from .iam import Statement, policy_document, statement

PolicyStatements = Callable[[pulumi.Output[str]], pulumi.Input[Sequence[Statement]]]
"""Given the bucket ARN, the statements to add to the bucket policy besides deny-non-TLS (may hold outputs)."""


@dataclass
class SecureBucket:
    """The bucket, the guards that must exist before its policy, and the policy (depend on it before writing)."""

    name: str
    bucket: aws.s3.Bucket
    guards: list[pulumi.Resource]
    parent: pulumi.Resource
    policy: Optional[aws.s3.BucketPolicy] = None

    def attach_policy(self, policy_statements: Optional[PolicyStatements] = None) -> aws.s3.BucketPolicy:
        """Create the bucket policy: deny non-TLS requests, plus `policy_statements` (given the bucket ARN)."""
        extra = policy_statements(self.bucket.arn) if policy_statements else []
        document = pulumi.Output.all(self.bucket.arn, pulumi.Output.from_input(extra)).apply(
            lambda values: policy_document([deny_insecure_transport(values[0]), *values[1]])
        )
        self.policy = aws.s3.BucketPolicy(
            self.name,
            bucket=self.bucket.id,
            policy=document,
            # The public-access block must exist first, or S3 may judge the policy before it applies.
            opts=pulumi.ResourceOptions(parent=self.parent, depends_on=self.guards),
        )
        return self.policy


def deny_insecure_transport(bucket_arn: str) -> Statement:
    """Refuse every request to the bucket and its objects that does not use TLS."""
    return statement(
        ["s3:*"],
        [bucket_arn, f"{bucket_arn}/*"],
        sid="DenyInsecureTransport",
        effect="Deny",
        condition={"Bool": {"aws:SecureTransport": "false"}},
    ) | {"Principal": "*"}


def secure_bucket(
    name: str,
    *,
    tags: dict[str, str],
    parent: pulumi.Resource,
    policy_statements: Optional[PolicyStatements] = None,
    versioning: bool = False,
    expire_after_days: Optional[int] = None,
    noncurrent_to_glacier_after_days: Optional[int] = None,
    noncurrent_expire_after_days: Optional[int] = None,
    force_destroy: bool = False,
    protect: bool = False,
    attach_policy: bool = True,
) -> SecureBucket:
    """Create a bucket that is private (all four public-access blocks, ACLs disabled), encrypted and TLS-only.

    `expire_after_days` expires current objects (logs); the noncurrent settings move old versions to
    Glacier and delete them later (book ch. 8). Incomplete multipart uploads are always cleaned up.
    With `attach_policy=False` the caller attaches the policy later (when it names a resource made after the bucket).
    """
    child = pulumi.ResourceOptions(parent=parent)
    bucket = aws.s3.Bucket(name, force_destroy=force_destroy, tags=tags, opts=pulumi.ResourceOptions(parent=parent, protect=protect))
    ownership = aws.s3.BucketOwnershipControls(name, bucket=bucket.id, rule={"object_ownership": "BucketOwnerEnforced"}, opts=child)
    block = aws.s3.BucketPublicAccessBlock(
        name,
        bucket=bucket.id,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
        opts=child,
    )
    aws.s3.BucketServerSideEncryptionConfiguration(
        name,
        bucket=bucket.id,
        rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}, "bucket_key_enabled": True}],
        opts=child,
    )
    if versioning:
        aws.s3.BucketVersioning(name, bucket=bucket.id, versioning_configuration={"status": "Enabled"}, opts=child)
    rules: list[dict] = [
        {
            "id": "abort-incomplete-uploads",
            "status": "Enabled",
            "filter": {},
            "abort_incomplete_multipart_upload": {"days_after_initiation": 7},
        }
    ]
    if expire_after_days:
        rules.append({"id": "expire", "status": "Enabled", "filter": {}, "expiration": {"days": expire_after_days}})
    if noncurrent_to_glacier_after_days or noncurrent_expire_after_days:
        rule: dict = {"id": "noncurrent-versions", "status": "Enabled", "filter": {}}
        if noncurrent_to_glacier_after_days:
            rule["noncurrent_version_transitions"] = [{"noncurrent_days": noncurrent_to_glacier_after_days, "storage_class": "GLACIER"}]
        if noncurrent_expire_after_days:
            rule["noncurrent_version_expiration"] = {"noncurrent_days": noncurrent_expire_after_days}
        rules.append(rule)
    aws.s3.BucketLifecycleConfiguration(name, bucket=bucket.id, rules=rules, opts=child)
    secure = SecureBucket(name=name, bucket=bucket, guards=[block, ownership], parent=parent)
    if attach_policy:
        secure.attach_policy(policy_statements)
    return secure
