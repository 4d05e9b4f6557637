"""Data stores beyond RDS and EFS: Redshift, ElastiCache and DynamoDB, private and encrypted, caches behind AUTH."""

from pulumi_policy import EnforcementLevel, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy

from ._props import get, is_true, present

REDSHIFT = "aws:redshift/cluster:Cluster"
CACHE_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
CACHE_CLUSTER = "aws:elasticache/cluster:Cluster"
TABLE = "aws:dynamodb/table:Table"


def validate_redshift_encrypted(args: ResourceValidationArgs, report: ReportViolation) -> None:
    # The provider's encrypted is a string; AWS encrypts new clusters unless told otherwise (default "true").
    if args.resource_type == REDSHIFT and str(get(args.props, "encrypted", default="true")).lower() == "false":
        report(
            'encrypted is false: the warehouse, its backups and snapshots are stored unencrypted. Fix: encrypted="true" with a kms_key_id.'
        )


def validate_redshift_not_public(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type == REDSHIFT and is_true(get(args.props, "publiclyAccessible")):
        report(
            "publiclyAccessible is true: the cluster gets a public address and answers the internet on its port. "
            "Fix: publicly_accessible=False in private subnets; reach it through a VPN, a bastion or the Data API."
        )


def _cache_engine(props: object) -> str:
    return str(get(props, "engine", default="redis")).lower()


def validate_cache_encrypted(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type == CACHE_GROUP:
        engine = _cache_engine(args.props)
        # AWS's defaults: at rest on for Valkey, off for Redis OSS; in transit off for both.
        if not is_true(get(args.props, "atRestEncryptionEnabled", default=engine == "valkey")):
            report(
                f"atRestEncryptionEnabled is not true ({engine}'s default is off): cached data and backups sit "
                "unencrypted on disk. Fix: at_rest_encryption_enabled=True."
            )
        if not is_true(get(args.props, "transitEncryptionEnabled")):
            report(
                "transitEncryptionEnabled is not true: clients talk to the cache in plain text, and AUTH tokens travel "
                'unencrypted. Fix: transit_encryption_enabled=True (transit_encryption_mode="preferred" to migrate clients).'
            )
    elif args.resource_type == CACHE_CLUSTER and not get(args.props, "replicationGroupId"):
        engine = _cache_engine(args.props)
        if engine == "memcached" and not is_true(get(args.props, "transitEncryptionEnabled")):
            report("transitEncryptionEnabled is not true: Memcached clients talk in plain text. Fix: transit_encryption_enabled=True.")
        elif engine in ("redis", "valkey"):
            report(
                f"a standalone {engine} cluster cannot encrypt at rest or in transit. Fix: an "
                "aws.elasticache.ReplicationGroup with at_rest_encryption_enabled and transit_encryption_enabled."
            )


def validate_cache_auth(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != CACHE_GROUP or _cache_engine(args.props) not in ("redis", "valkey"):
        return
    if not any(present(args.props, key) for key in ("authToken", "authTokenWo", "userGroupIds")):
        report(
            "it has neither an AUTH token nor RBAC user groups: anything that reaches the port reads and writes every key. "
            "Fix: user_group_ids=[<an aws.elasticache.UserGroup>] (RBAC) or auth_token from Secrets Manager, with transit encryption."
        )


def validate_table_kms(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type == TABLE and not is_true(get(args.props, "serverSideEncryption", "enabled")):
        report(
            "serverSideEncryption is not enabled: DynamoDB encrypts the table with an AWS-owned key, which you cannot "
            'audit in CloudTrail nor revoke. Fix: server_side_encryption={"enabled": True, "kms_key_arn": key.arn} '
            "(without kms_key_arn, the AWS-managed aws/dynamodb key)."
        )


POLICIES = [
    ResourceValidationPolicy(
        name="redshift-encrypted",
        description="Redshift clusters stay encrypted at rest (AWS's default).",
        validate=validate_redshift_encrypted,
        remediation_steps='encrypted="true" with a kms_key_id.',
    ),
    ResourceValidationPolicy(
        name="redshift-not-public",
        description="Redshift clusters are not publicly accessible.",
        validate=validate_redshift_not_public,
        remediation_steps="publicly_accessible=False.",
    ),
    ResourceValidationPolicy(
        name="elasticache-encrypted",
        description="ElastiCache caches encrypt data at rest and in transit.",
        validate=validate_cache_encrypted,
        remediation_steps="at_rest_encryption_enabled=True and transit_encryption_enabled=True on a replication group.",
    ),
    ResourceValidationPolicy(
        name="elasticache-auth",
        description="Redis and Valkey replication groups require authentication (RBAC user groups or an AUTH token).",
        validate=validate_cache_auth,
        remediation_steps="user_group_ids (RBAC) or auth_token, with transit encryption.",
    ),
    ResourceValidationPolicy(
        name="dynamodb-kms-encryption",
        description="DynamoDB tables are encrypted with a KMS key you can audit (AWS-managed or customer-managed).",
        validate=validate_table_kms,
        enforcement_level=EnforcementLevel.ADVISORY,
        remediation_steps='server_side_encryption={"enabled": True, "kms_key_arn": ...}.',
    ),
]
