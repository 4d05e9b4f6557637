"""A Redshift warehouse with a Glue catalog over an S3 data lake, deployed into a shared VPC.

Imitates the style of a data team that deploys into a network owned by another team: required config keys
(`config.require`, `config.require_object` for the subnet list), `ec2.get_vpc(id=...)` to read the
VPC's CIDR, one helper function per concern, a customer managed KMS key with an explicit key policy,
and no password anywhere (Redshift keeps the admin password in Secrets Manager).

Meant to be clean by a careful team's standards.
"""

import json

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
vpc_id = config.require("vpcId")
subnet_ids: list[str] = config.require_object("subnetIds")
master_username = config.get("masterUsername") or "warehouse_admin"

vpc = aws.ec2.get_vpc(id=vpc_id)
identity = aws.get_caller_identity()
region = aws.get_region().region


def kms_key_policy(account_id: str, region_name: str) -> str:
    """AWS's default key policy, plus CloudWatch Logs for the Glue crawler's encrypted logs."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "Enable IAM User Permissions",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                },
                {
                    "Sid": "AllowCloudWatchLogs",
                    "Effect": "Allow",
                    "Principal": {"Service": f"logs.{region_name}.amazonaws.com"},
                    "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                    "Resource": "*",
                    "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{region_name}:{account_id}:*"}},
                },
            ],
        }
    )


key = aws.kms.Key(
    "warehouse-key",
    description="Data lake, warehouse and Glue logs",
    enable_key_rotation=True,
    deletion_window_in_days=30,
    policy=kms_key_policy(identity.account_id, region),
)


def data_lake_bucket(name: str, kms_key: aws.kms.Key) -> aws.s3.Bucket:
    bucket = aws.s3.Bucket(name)
    aws.s3.BucketPublicAccessBlock(
        f"{name}-public-access",
        bucket=bucket.id,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
    )
    aws.s3.BucketServerSideEncryptionConfiguration(
        f"{name}-encryption",
        bucket=bucket.id,
        rules=[
            aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                    sse_algorithm="aws:kms", kms_master_key_id=kms_key.arn
                ),
                bucket_key_enabled=True,
            )
        ],
    )
    aws.s3.BucketVersioning(
        f"{name}-versioning",
        bucket=bucket.id,
        versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"),
    )
    aws.s3.BucketPolicy(
        f"{name}-tls-only",
        bucket=bucket.id,
        policy=bucket.arn.apply(
            lambda arn: json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "DenyInsecureTransport",
                            "Effect": "Deny",
                            "Principal": "*",
                            "Action": "s3:*",
                            "Resource": [arn, f"{arn}/*"],
                            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                        }
                    ],
                }
            )
        ),
    )
    return bucket


lake = data_lake_bucket("lake", key)


def service_role(name: str, service: str) -> aws.iam.Role:
    return aws.iam.Role(
        name,
        assume_role_policy=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]}
        ),
    )


def read_lake_policy(bucket_arn: str, key_arn: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": f"{bucket_arn}/*"},
                {"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetBucketLocation"], "Resource": bucket_arn},
                {"Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": key_arn},
            ],
        }
    )


# Redshift Spectrum reads the lake through this role.
spectrum_role = service_role("spectrum-role", "redshift.amazonaws.com")
aws.iam.RolePolicy(
    "spectrum-read-lake",
    role=spectrum_role.id,
    policy=pulumi.Output.all(lake.arn, key.arn).apply(lambda a: read_lake_policy(*a)),
)

warehouse_sg = aws.ec2.SecurityGroup(
    "warehouse-sg",
    vpc_id=vpc_id,
    description="Redshift from inside the VPC",
    ingress=[aws.ec2.SecurityGroupIngressArgs(protocol="tcp", from_port=5439, to_port=5439, cidr_blocks=[vpc.cidr_block])],
)
subnets = aws.redshift.SubnetGroup("warehouse-subnets", subnet_ids=subnet_ids)
parameters = aws.redshift.ParameterGroup(
    "warehouse-params",
    family="redshift-2.0",
    parameters=[aws.redshift.ParameterGroupParameterArgs(name="require_ssl", value="true")],
)

warehouse = aws.redshift.Cluster(
    "warehouse",
    cluster_identifier=f"analytics-{pulumi.get_stack()}",
    node_type="ra3.xlplus",
    cluster_type="multi-node",
    number_of_nodes=2,
    database_name="analytics",
    master_username=master_username,
    manage_master_password=True,
    encrypted=True,
    kms_key_id=key.arn,
    publicly_accessible=False,
    enhanced_vpc_routing=True,
    cluster_subnet_group_name=subnets.name,
    cluster_parameter_group_name=parameters.name,
    vpc_security_group_ids=[warehouse_sg.id],
    iam_roles=[spectrum_role.arn],
    automated_snapshot_retention_period=7,
    skip_final_snapshot=False,
    final_snapshot_identifier=f"analytics-{pulumi.get_stack()}-final",
)
aws.redshift.Logging(
    "warehouse-logging",
    cluster_identifier=warehouse.cluster_identifier,
    log_destination_type="cloudwatch",
    log_exports=["connectionlog", "userlog", "useractivitylog"],
)

# Glue: a catalog of the lake's tables, filled by a nightly crawler.
catalog = aws.glue.CatalogDatabase("lake-catalog", name="lake")
glue_role = service_role("glue-crawler-role", "glue.amazonaws.com")
aws.iam.RolePolicyAttachment("glue-service", role=glue_role.name, policy_arn="arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole")
aws.iam.RolePolicy("glue-read-lake", role=glue_role.id, policy=pulumi.Output.all(lake.arn, key.arn).apply(lambda a: read_lake_policy(*a)))
# The security configuration encrypts the crawler's logs: Glue associates the key with its log groups.
aws.iam.RolePolicy(
    "glue-encrypted-logs",
    role=glue_role.id,
    policy=key.arn.apply(
        lambda key_arn: json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "logs:AssociateKmsKey",
                        "Resource": f"arn:aws:logs:{region}:{identity.account_id}:log-group:/aws-glue/*",
                    },
                    {"Effect": "Allow", "Action": ["kms:Encrypt", "kms:GenerateDataKey"], "Resource": key_arn},
                ],
            }
        )
    ),
)

glue_security = aws.glue.SecurityConfiguration(
    "glue-encryption",
    encryption_configuration=aws.glue.SecurityConfigurationEncryptionConfigurationArgs(
        s3_encryption=aws.glue.SecurityConfigurationEncryptionConfigurationS3EncryptionArgs(
            s3_encryption_mode="SSE-KMS", kms_key_arn=key.arn
        ),
        cloudwatch_encryption=aws.glue.SecurityConfigurationEncryptionConfigurationCloudwatchEncryptionArgs(
            cloudwatch_encryption_mode="SSE-KMS", kms_key_arn=key.arn
        ),
        job_bookmarks_encryption=aws.glue.SecurityConfigurationEncryptionConfigurationJobBookmarksEncryptionArgs(
            job_bookmarks_encryption_mode="CSE-KMS", kms_key_arn=key.arn
        ),
    ),
)

aws.glue.Crawler(
    "lake-crawler",
    database_name=catalog.name,
    role=glue_role.arn,
    schedule="cron(30 1 * * ? *)",
    security_configuration=glue_security.name,
    s3_targets=[aws.glue.CrawlerS3TargetArgs(path=lake.bucket.apply(lambda b: f"s3://{b}/raw/"))],
    schema_change_policy=aws.glue.CrawlerSchemaChangePolicyArgs(delete_behavior="LOG", update_behavior="UPDATE_IN_DATABASE"),
)

# Glue jobs reach the warehouse with the secret Redshift manages, never a copied password.
aws.glue.Connection(
    "warehouse-connection",
    connection_type="JDBC",
    connection_properties={
        "JDBC_CONNECTION_URL": pulumi.Output.concat("jdbc:redshift://", warehouse.endpoint, "/analytics"),
        "SECRET_ID": warehouse.master_password_secret_arn,
    },
    physical_connection_requirements=aws.glue.ConnectionPhysicalConnectionRequirementsArgs(
        subnet_id=subnet_ids[0], security_group_id_lists=[warehouse_sg.id]
    ),
)

pulumi.export("warehouse_endpoint", warehouse.endpoint)
pulumi.export("lake_bucket", lake.bucket)
