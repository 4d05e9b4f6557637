"""Data: private, encrypted, backed-up databases; encrypted, TLS-only file systems and buckets; no plain-text secrets."""

import re
from typing import Any, Iterator

from pulumi_policy import (
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from ._props import StackIndex, Verdicts, get, is_true, items, known, number, policy_config
from .iam_documents import Statement, condition_keys, denies_insecure_transport, read

DB_INSTANCE = "aws:rds/instance:Instance"
DB_CLUSTER = "aws:rds/cluster:Cluster"
DB_CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
FILE_SYSTEM = "aws:efs/fileSystem:FileSystem"
FILE_SYSTEM_POLICY = "aws:efs/fileSystemPolicy:FileSystemPolicy"
BUCKETS = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
BUCKET_ACL = "aws:s3/bucketAcl:BucketAcl"
PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
ACCOUNT_PUBLIC_ACCESS_BLOCK = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"
ENCRYPTION_CONFIGS = (
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
)
LAMBDA = "aws:lambda/function:Function"
SSM_PARAMETER = "aws:ssm/parameter:Parameter"
BLOCK_FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
PUBLIC_ACLS = ("public-read", "public-read-write", "authenticated-read")
PUBLIC_GRANTEES = ("http://acs.amazonaws.com/groups/global/AllUsers", "http://acs.amazonaws.com/groups/global/AuthenticatedUsers")
RESTRICTING_CONDITION_KEYS = {
    "aws:sourcearn",
    "aws:sourceaccount",
    "aws:sourceowner",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceip",
    "aws:principalorgid",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:userid",
}
"""Condition keys that narrow a `*` principal to a known caller (CloudFront OAC uses aws:SourceArn)."""
SECRET_NAME = r"(?i)(password|passwd|secret|token|api_?key|private_?key)"
REFERENCE_NAME = r"(?i)(_arn|_name|_id|_parameter|_path)$"


def _is_replica(props: Any) -> bool:
    return bool(get(props, "replicateSourceDb"))


def validate_rds_not_public(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type in (DB_INSTANCE, DB_CLUSTER_INSTANCE) and is_true(get(args.props, "publiclyAccessible")):
        report(
            "publiclyAccessible is true: the database gets a public DNS name and address. "
            "Fix: publicly_accessible=False, isolated subnets, and a security group admitting only the app's group."
        )


def validate_rds_storage_encrypted(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type not in (DB_INSTANCE, DB_CLUSTER) or _is_replica(args.props):
        return
    # Aurora encrypts every cluster created since 2026-02-18 unless told otherwise; RDS instances and Multi-AZ
    # DB clusters of the other engines stay unencrypted by default.
    aurora = args.resource_type == DB_CLUSTER and str(get(args.props, "engine", default="aurora")).startswith("aurora")
    if not is_true(get(args.props, "storageEncrypted", default=aurora)):
        report("storageEncrypted is not true: data, backups and snapshots are stored unencrypted. Fix: storage_encrypted=True.")


def validate_rds_backups_kept(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type not in (DB_INSTANCE, DB_CLUSTER) or _is_replica(args.props):
        return
    minimum = number(policy_config(args, {"minDays": 1})["minDays"])
    # Left unset, pulumi-aws sends 0 for an instance ("Default is `0`": backups off) and 1 for a cluster
    # ("Default `1`"): the provider's default is what a Pulumi program gets, not the RDS API's.
    days = number(get(args.props, "backupRetentionPeriod"), 1.0 if args.resource_type == DB_CLUSTER else 0.0)
    if days < minimum:
        report(
            f"backupRetentionPeriod is {days:.0f} day(s), below the required {minimum:.0f}: "
            "without automated backups there is no point-in-time restore. Fix: backup_retention_period>="
            f"{minimum:.0f} with a backup_window."
        )


def _plaintext_secrets(resource_type: str, props: Any, secret_name: str, reference_name: str) -> Iterator[str]:
    if resource_type in (DB_INSTANCE, DB_CLUSTER) and get(props, "password"):
        yield (
            "password is set, so the master password travels through the program and sits in the state. "
            "Fix: manage_master_user_password=True (RDS keeps it in Secrets Manager) or the write-only password_wo."
        )
    elif resource_type == LAMBDA:
        variables = get(props, "environment", "variables", default={})
        for key in variables:
            value = get(variables, key)
            named_secret = re.search(secret_name, key) and not re.search(reference_name, key)
            if named_secret and isinstance(value, str) and value and not value.startswith("arn:"):
                yield (
                    f"environment variable {key} holds a secret in plain text (readable in the console and the state). "
                    "Fix: keep it in Secrets Manager or an SSM SecureString and pass its ARN or name."
                )
    elif resource_type == SSM_PARAMETER:
        name = str(get(props, "name", default=""))
        kind = get(props, "type", default="String")
        if kind != "SecureString" and re.search(secret_name, name):
            yield f'parameter {name} looks like a secret but its type is {kind}. Fix: type="SecureString" (KMS-encrypted).'


def validate_no_plaintext_secrets(args: ResourceValidationArgs, report: ReportViolation) -> None:
    cfg = policy_config(args, {"secretNamePattern": SECRET_NAME, "referenceNamePattern": REFERENCE_NAME})
    for message in _plaintext_secrets(args.resource_type, args.props, cfg["secretNamePattern"], cfg["referenceNamePattern"]):
        report(message)


def validate_efs_encrypted(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type == FILE_SYSTEM and not is_true(get(args.props, "encrypted")):
        report("encrypted is not true: files are stored unencrypted. Fix: encrypted=True (replaces the file system).")


def _statements(resource: Any, prop: str) -> list[Statement]:
    document = get(resource.props, prop)
    if document is None:
        return []
    try:
        return read(prop, document)
    except ValueError:
        return []


def validate_efs_tls_only(args: StackValidationArgs, report: ReportViolation) -> None:
    stack = StackIndex(args.resources)
    verdicts = Verdicts()

    def judge(file_system: Any) -> None:
        policies = stack.referrers(file_system, (FILE_SYSTEM_POLICY,), "fileSystemId")
        if not any(denies_insecure_transport(s) for p in policies for s in _statements(p, "policy")):
            report(
                "It has no file-system policy denying connections without TLS. "
                'Fix: aws.efs.FileSystemPolicy with a Deny of elasticfilesystem:* for Principal "*" when '
                "aws:SecureTransport is false, and mount with the efs helper's tls option.",
                file_system.urn,
            )

    verdicts.each(stack.of_type(FILE_SYSTEM), judge)
    verdicts.finish()


def public_statements(statements: list[Statement]) -> list[Statement]:
    """Allow statements open to anyone: principal `*` with no condition that narrows the caller."""
    return [s for s in statements if s.allows and "*" in s.principals and not condition_keys(s) & RESTRICTING_CONDITION_KEYS]


def _public_grants(props: Any) -> list[str]:
    found = []
    for grant in items(get(props, "grants")) + items(get(props, "accessControlPolicy", "grants")):
        uri = get(grant, "uri") or get(grant, "grantee", "uri")
        if uri in PUBLIC_GRANTEES:
            found.append(str(uri).rsplit("/", 1)[-1])
    return found


def validate_s3_no_public_grants(args: ResourceValidationArgs, report: ReportViolation) -> None:
    kind = args.resource_type
    if kind in (*BUCKETS, BUCKET_ACL):
        acl = get(args.props, "acl")
        if acl in PUBLIC_ACLS:
            report(f"acl is {acl}: every object becomes readable by anyone. Fix: drop the ACL and serve through CloudFront with OAC.")
        for grantee in _public_grants(args.props):
            report(f"a grant gives access to {grantee}. Fix: remove it; grant access to named principals in a bucket policy.")
    if kind in (*BUCKETS, BUCKET_POLICY):
        document = get(args.props, "policy")
        if document is None:
            return
        try:
            statements = read("policy", document)
        except ValueError as error:
            report(f"{error}. Fix: pass the bucket policy as a JSON string built with json.dumps.")
            return
        for statement in public_statements(statements):
            report(
                f'policy: {statement.label} allows {", ".join(statement.actions) or "actions"} to everyone (Principal "*") '
                "without a condition naming the caller. Fix: grant the CloudFront distribution (Service "
                "cloudfront.amazonaws.com with aws:SourceArn) or named principals instead."
            )


def validate_s3_public_access_blocked(args: StackValidationArgs, report: ReportViolation) -> None:
    stack = StackIndex(args.resources)
    verdicts = Verdicts()
    account_blocked = any(all(is_true(known(b.props, f)) for f in BLOCK_FLAGS) for b in stack.of_type(ACCOUNT_PUBLIC_ACCESS_BLOCK))

    def judge_block(block: Any) -> None:
        off = [flag for flag in BLOCK_FLAGS if not is_true(get(block.props, flag))]
        if off:
            report(f"It leaves {', '.join(off)} off. Fix: set all four flags to True.", block.urn)

    def judge_bucket(bucket: Any) -> None:
        if not stack.referrers(bucket, (PUBLIC_ACCESS_BLOCK,), "bucket"):
            report(
                "It has no public access block. Fix: aws.s3.BucketPublicAccessBlock(bucket=bucket.id, "
                "block_public_acls=True, block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True).",
                bucket.urn,
            )

    verdicts.each(stack.of_type(PUBLIC_ACCESS_BLOCK), judge_block)
    if not account_blocked:
        verdicts.each(stack.of_type(*BUCKETS), judge_bucket)
    verdicts.finish()


def _default_algorithms(stack: StackIndex, bucket: Any) -> list[str]:
    """The default encryption algorithms a bucket declares (inline or through configuration resources)."""
    rules = items(get(bucket.props, "serverSideEncryptionConfiguration", "rules"))
    rules += [r for r in [get(bucket.props, "serverSideEncryptionConfiguration", "rule")] if r is not None]
    for config in stack.referrers(bucket, ENCRYPTION_CONFIGS, "bucket"):
        rules += items(get(config.props, "rules"))
    return [str(get(rule, "applyServerSideEncryptionByDefault", "sseAlgorithm", default="")) for rule in rules]


def validate_s3_default_encryption(args: StackValidationArgs, report: ReportViolation) -> None:
    require_kms = policy_config(args, {"requireKms": False})["requireKms"]
    stack = StackIndex(args.resources)
    verdicts = Verdicts()

    def judge(bucket: Any) -> None:
        # Since 2023-01-05 S3 encrypts every new object with SSE-S3 when the bucket declares nothing.
        algorithms = _default_algorithms(stack, bucket) or ["AES256"]
        if require_kms and not any(a.startswith("aws:kms") for a in algorithms):
            report(
                f"Its default encryption is {', '.join(sorted(set(algorithms)))} (SSE-S3): anyone allowed s3:GetObject "
                "reads the data, and key use leaves no trace in CloudTrail. Fix: aws.s3.BucketServerSideEncryptionConfiguration "
                'with sse_algorithm "aws:kms", a kms_master_key_id and bucket_key_enabled=True.',
                bucket.urn,
            )

    verdicts.each(stack.of_type(*BUCKETS), judge)
    verdicts.finish()


def validate_s3_tls_only(args: StackValidationArgs, report: ReportViolation) -> None:
    stack = StackIndex(args.resources)
    verdicts = Verdicts()

    def judge(bucket: Any) -> None:
        documents = [s for p in stack.referrers(bucket, (BUCKET_POLICY,), "bucket") for s in _statements(p, "policy")]
        documents += _statements(bucket, "policy")
        if not any(denies_insecure_transport(s) for s in documents):
            report(
                "It has no bucket policy denying requests without TLS. Fix: a BucketPolicy statement "
                'Deny s3:* for Principal "*" on the bucket and its objects when aws:SecureTransport is false.',
                bucket.urn,
            )

    verdicts.each(stack.of_type(*BUCKETS), judge)
    verdicts.finish()


POLICIES = [
    ResourceValidationPolicy(
        name="rds-not-public",
        description="RDS databases are not publicly accessible.",
        validate=validate_rds_not_public,
        remediation_steps="Set publicly_accessible=False and use isolated subnets.",
    ),
    ResourceValidationPolicy(
        name="rds-storage-encrypted",
        description="RDS instances and clusters encrypt their storage.",
        validate=validate_rds_storage_encrypted,
        remediation_steps="Set storage_encrypted=True.",
    ),
    ResourceValidationPolicy(
        name="rds-backups-kept",
        description="RDS instances and clusters keep automated backups.",
        validate=validate_rds_backups_kept,
        config_schema=PolicyConfigSchema(
            properties={
                "minDays": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": 35,
                    "default": 1,
                    "description": "Minimum backup retention in days.",
                }
            }
        ),
        remediation_steps="Set backup_retention_period to at least the configured minimum.",
    ),
    ResourceValidationPolicy(
        name="no-plaintext-secrets",
        description="Secrets are never plain-text inputs: RDS master passwords, Lambda environment values, SSM String parameters.",
        validate=validate_no_plaintext_secrets,
        config_schema=PolicyConfigSchema(
            properties={
                "secretNamePattern": {
                    "type": "string",
                    "default": SECRET_NAME,
                    "description": "Regular expression for names that hold secrets.",
                },
                "referenceNamePattern": {
                    "type": "string",
                    "default": REFERENCE_NAME,
                    "description": "Regular expression for names that hold a reference to a secret (an ARN, a name), not the secret.",
                },
            }
        ),
        remediation_steps="Use manage_master_user_password, Secrets Manager or SSM SecureString and pass references.",
    ),
    ResourceValidationPolicy(
        name="efs-encrypted",
        description="EFS file systems are encrypted at rest.",
        validate=validate_efs_encrypted,
        remediation_steps="Set encrypted=True.",
    ),
    StackValidationPolicy(
        name="efs-tls-only",
        description="Every EFS file system has a policy that denies access without TLS.",
        validate=validate_efs_tls_only,
        remediation_steps="Add an aws.efs.FileSystemPolicy denying aws:SecureTransport=false.",
    ),
    StackValidationPolicy(
        name="s3-public-access-blocked",
        description="Every S3 bucket has all four public-access blocks on (or the account has).",
        validate=validate_s3_public_access_blocked,
        remediation_steps="Add an aws.s3.BucketPublicAccessBlock with all four flags true.",
    ),
    ResourceValidationPolicy(
        name="s3-no-public-grants",
        description="No bucket policy, ACL or grant opens a bucket to everyone.",
        validate=validate_s3_no_public_grants,
        remediation_steps="Serve public content through CloudFront with OAC; grant named principals only.",
    ),
    StackValidationPolicy(
        name="s3-default-encryption",
        description="S3 buckets encrypt new objects by default (SSE-S3 at least, AWS's default since 2023; SSE-KMS when required).",
        validate=validate_s3_default_encryption,
        config_schema=PolicyConfigSchema(
            properties={
                "requireKms": {
                    "type": "boolean",
                    "default": False,
                    "description": "Require SSE-KMS (aws:kms or aws:kms:dsse) rather than S3-managed keys.",
                }
            }
        ),
        remediation_steps="Add an aws.s3.BucketServerSideEncryptionConfiguration with sse_algorithm aws:kms.",
    ),
    StackValidationPolicy(
        name="s3-tls-only",
        description="Every S3 bucket has a policy that denies requests without TLS.",
        validate=validate_s3_tls_only,
        remediation_steps="Add a Deny statement on aws:SecureTransport=false to the bucket policy.",
    ),
]
