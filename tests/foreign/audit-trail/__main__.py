"""An account's audit trail, in the style of a security team translating the CIS AWS Foundations benchmark.

Imitates teams that port a CloudFormation baseline statement by statement: a `main()` with one
helper per control, resource policies written as Python dicts copied from the AWS documentation,
ARNs assembled from `get_caller_identity`/`get_region` before the resources exist, and
`pulumi.Config().require` for the one address that receives alarms.

Meant to be clean: a multi-region trail with log file validation, encrypted with a customer
managed key that rotates, delivered to a private, TLS-only, versioned bucket and to a log group kept
one year, and an encrypted topic for the root-usage alarm (CIS v1.4.0 3.1, 3.2, 3.4, 3.7, 3.8, 4.3).
"""

import json

import pulumi
import pulumi_aws as aws

TRAIL_NAME = "account-audit"


def key_policy(account: str, region: str, trail_arn: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "EnableIamPolicies",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                },
                {
                    "Sid": "CloudTrailEncryptsLogs",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    "Action": "kms:GenerateDataKey*",
                    "Resource": "*",
                    "Condition": {
                        "StringEquals": {"aws:SourceArn": trail_arn},
                        "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": f"arn:aws:cloudtrail:*:{account}:trail/*"},
                    },
                },
                {
                    "Sid": "CloudTrailDescribesKey",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    "Action": "kms:DescribeKey",
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:SourceArn": trail_arn}},
                },
                {
                    "Sid": "CloudWatchLogsEncryptsTrailLogs",
                    "Effect": "Allow",
                    "Principal": {"Service": f"logs.{region}.amazonaws.com"},
                    "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                    "Resource": "*",
                    "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{region}:{account}:log-group:*"}},
                },
                {
                    "Sid": "CloudWatchAlarmsPublishToEncryptedTopic",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudwatch.amazonaws.com"},
                    "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:SourceAccount": account}},
                },
            ],
        }
    )


def trail_bucket(key: aws.kms.Key, account: str, trail_arn: str) -> tuple[aws.s3.Bucket, aws.s3.BucketPolicy]:
    bucket = aws.s3.Bucket("trail-logs")
    aws.s3.BucketPublicAccessBlock(
        "trail-logs-public-access",
        bucket=bucket.id,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
    )
    aws.s3.BucketOwnershipControls("trail-logs-ownership", bucket=bucket.id, rule={"object_ownership": "BucketOwnerEnforced"})
    aws.s3.BucketVersioning("trail-logs-versioning", bucket=bucket.id, versioning_configuration={"status": "Enabled"})
    aws.s3.BucketServerSideEncryptionConfiguration(
        "trail-logs-encryption",
        bucket=bucket.id,
        rules=[
            {
                "apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms", "kms_master_key_id": key.arn},
                "bucket_key_enabled": True,
            }
        ],
    )
    aws.s3.BucketLifecycleConfiguration(
        "trail-logs-lifecycle",
        bucket=bucket.id,
        rules=[
            {
                "id": "archive",
                "status": "Enabled",
                "filter": {"prefix": "AWSLogs/"},
                "transitions": [{"days": 90, "storage_class": "GLACIER"}],
                "expiration": {"days": 2557},
            }
        ],
    )

    def policy(bucket_arn: str) -> str:
        return json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "AWSCloudTrailAclCheck",
                        "Effect": "Allow",
                        "Principal": {"Service": "cloudtrail.amazonaws.com"},
                        "Action": "s3:GetBucketAcl",
                        "Resource": bucket_arn,
                        "Condition": {"StringEquals": {"aws:SourceArn": trail_arn}},
                    },
                    {
                        "Sid": "AWSCloudTrailWrite",
                        "Effect": "Allow",
                        "Principal": {"Service": "cloudtrail.amazonaws.com"},
                        "Action": "s3:PutObject",
                        "Resource": f"{bucket_arn}/AWSLogs/{account}/*",
                        "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trail_arn}},
                    },
                    {
                        "Sid": "DenyInsecureTransport",
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "s3:*",
                        "Resource": [bucket_arn, f"{bucket_arn}/*"],
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                    },
                ],
            }
        )

    return bucket, aws.s3.BucketPolicy("trail-logs-policy", bucket=bucket.id, policy=bucket.arn.apply(policy))


def trail_to_cloudwatch(key: aws.kms.Key, account: str, region: str) -> tuple[aws.cloudwatch.LogGroup, aws.iam.Role]:
    log_group_name = f"/aws/cloudtrail/{TRAIL_NAME}"
    log_group = aws.cloudwatch.LogGroup("trail", name=log_group_name, retention_in_days=365, kms_key_id=key.arn)
    role = aws.iam.Role(
        "trail-to-logs",
        assume_role_policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "sts:AssumeRole"}],
            }
        ),
    )
    aws.iam.RolePolicy(
        "trail-to-logs",
        role=role.id,
        policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                        "Resource": f"arn:aws:logs:{region}:{account}:log-group:{log_group_name}:log-stream:*",
                    }
                ],
            }
        ),
    )
    return log_group, role


def root_usage_alarm(log_group: aws.cloudwatch.LogGroup, topic: aws.sns.Topic) -> None:
    aws.cloudwatch.LogMetricFilter(
        "root-usage",
        log_group_name=log_group.name,
        pattern='{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
        metric_transformation={"name": "RootAccountUsage", "namespace": "CISBenchmark", "value": "1"},
    )
    aws.cloudwatch.MetricAlarm(
        "root-usage",
        alarm_description="The root user signed in or called an API (CIS 4.3)",
        namespace="CISBenchmark",
        metric_name="RootAccountUsage",
        statistic="Sum",
        period=300,
        evaluation_periods=1,
        threshold=1,
        comparison_operator="GreaterThanOrEqualToThreshold",
        treat_missing_data="notBreaching",
        alarm_actions=[topic.arn],
    )


def main() -> None:
    config = pulumi.Config()
    account = aws.get_caller_identity().account_id
    region = aws.get_region().region
    trail_arn = f"arn:aws:cloudtrail:{region}:{account}:trail/{TRAIL_NAME}"

    key = aws.kms.Key(
        "audit-key",
        description="CloudTrail logs, their log group and the security topic",
        enable_key_rotation=True,
        deletion_window_in_days=30,
        policy=key_policy(account, region, trail_arn),
    )
    aws.kms.Alias("audit-key", name="alias/account-audit", target_key_id=key.key_id)

    bucket, bucket_policy = trail_bucket(key, account, trail_arn)
    log_group, role = trail_to_cloudwatch(key, account, region)

    trail = aws.cloudtrail.Trail(
        "trail",
        name=TRAIL_NAME,
        s3_bucket_name=bucket.id,
        kms_key_id=key.arn,
        is_multi_region_trail=True,
        include_global_service_events=True,
        enable_log_file_validation=True,
        cloud_watch_logs_group_arn=log_group.arn.apply(lambda arn: f"{arn}:*"),
        cloud_watch_logs_role_arn=role.arn,
        opts=pulumi.ResourceOptions(depends_on=[bucket_policy]),
    )

    topic = aws.sns.Topic("security-alerts", kms_master_key_id=key.id)
    aws.sns.TopicSubscription("security-team", topic=topic.arn, protocol="email", endpoint=config.require("securityEmail"))
    root_usage_alarm(log_group, topic)

    pulumi.export("trail_arn", trail.arn)
    pulumi.export("log_bucket", bucket.id)


main()
