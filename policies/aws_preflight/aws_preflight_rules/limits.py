"""What AWS enforces but cfn-lint does not know: the table of documented limits on one resource, each row with its source.

These rows run as a resource policy: it sees the inputs, before anything is created. Counts across
resources are in stack_limits.py. Values unknown during a preview are skipped. A row never repeats a
secret: user data and policy documents are measured, not shown.
"""

import base64
import binascii
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from pulumi_policy import PolicyConfigSchema, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy

from ._props import is_list, known, policy_config
from .messages import show, snake

Problems = Iterator[str]
"""What a row found: one sentence per problem, naming the argument and the value."""


@dataclass(frozen=True)
class Limit:
    """One documented AWS limit."""

    id: str
    rule: str
    """The limit in a few words, as messages and the docs state it."""
    source: str
    """The AWS documentation page that states it."""
    check: Callable[[Any, Any], Iterator[Any]]
    """Resource rows: (Pulumi type token, properties) -> problems. Stack rows: (StackIndex, config) -> (resource, problem)."""


def known_text(props: Any, *path: Any) -> Any:
    """A known string property, else None."""
    value = known(props, *path)
    return value if isinstance(value, str) else None


def _tags(props: Any, key: str) -> dict[str, Any]:
    """A resource's known tags as a dict: a map (most types) or a list of {key, value} (auto-scaling groups)."""
    raw = known(props, key)
    found: dict[str, Any] = {}
    if isinstance(raw, Mapping):
        for name in raw:
            found[name] = known(raw, name)
    elif is_list(raw):
        for index in range(len(raw)):
            name, value = known(raw, index, "key"), known(raw, index, "value")
            if isinstance(name, str):
                found[name] = value
    return found


TAGS_PER_RESOURCE = 50
TAG_KEY_LENGTH = 128
TAG_VALUE_LENGTH = 256


def _check_tags(resource_type: str, props: Any) -> Problems:
    if not resource_type.startswith("aws:"):
        return
    tags = _tags(props, "tags")
    # tagsAll adds the provider's default tags; AWS counts every tag on the resource.
    every = _tags(props, "tagsAll")
    if len(every) > max(len(tags), TAGS_PER_RESOURCE):
        yield f"tags: {len(every)} tags with the provider's default tags; AWS allows {TAGS_PER_RESOURCE} per resource"
    elif len(tags) > TAGS_PER_RESOURCE:
        yield f"tags: {len(tags)} tags; AWS allows {TAGS_PER_RESOURCE} per resource"
    for key, value in tags.items():
        if len(key) > TAG_KEY_LENGTH:
            yield f"tags key {show(key)} has {len(key)} characters; at most {TAG_KEY_LENGTH}"
        if key.lower().startswith("aws:"):
            yield f"tags key {show(key)} starts with aws:, a prefix AWS reserves for itself"
        if isinstance(value, str) and len(value) > TAG_VALUE_LENGTH:
            yield f"tags[{show(key)}] has {len(value)} characters; at most {TAG_VALUE_LENGTH}"


LOAD_BALANCERS = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
TARGET_GROUPS = ("aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup")
_ELB_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?")


def _check_load_balancer_name(resource_type: str, props: Any) -> Problems:
    if resource_type not in LOAD_BALANCERS + TARGET_GROUPS:
        return
    name = known_text(props, "name")
    if name is None:
        return
    if not _ELB_NAME.fullmatch(name):
        yield f"name = {show(name)}: at most 32 letters, digits and hyphens, not starting or ending with a hyphen"
    elif resource_type in LOAD_BALANCERS and name.startswith("internal-"):
        yield f"name = {show(name)}: a load balancer's name may not start with internal-"


USER_DATA_BYTES = 16 * 1024
_RAW_USER_DATA = (
    "aws:ec2/instance:Instance",
    "aws:ec2/spotInstanceRequest:SpotInstanceRequest",
    "aws:ec2/launchConfiguration:LaunchConfiguration",
)


def _user_data(resource_type: str, props: Any) -> Iterator[tuple[str, int]]:
    """(argument, size in bytes before base64) of the resource's user data."""
    raw = known_text(props, "userData")
    encoded = known_text(props, "userDataBase64")
    if resource_type == "aws:ec2/launchTemplate:LaunchTemplate":
        raw, encoded = None, raw  # a launch template takes base64 in user_data
    if raw is not None and resource_type in _RAW_USER_DATA:
        yield "user_data", len(raw.encode("utf-8"))
    if encoded is not None:
        try:
            yield ("user_data_base64" if resource_type in _RAW_USER_DATA else "user_data"), len(base64.b64decode(encoded, validate=True))
        except (binascii.Error, ValueError):
            return  # not base64: the provider and EC2 report it with their own message


def _check_user_data(resource_type: str, props: Any) -> Problems:
    for where, size in _user_data(resource_type, props):
        if size > USER_DATA_BYTES:
            yield f"{where} is {size:,} bytes before base64; EC2 takes at most {USER_DATA_BYTES:,} (16 KB)"


IAM_DOCUMENT_LIMITS = {
    "aws:iam/policy:Policy": ("policy", 6144, "a managed policy takes"),
    "aws:iam/rolePolicy:RolePolicy": ("policy", 10240, "a role's inline policies together take"),
    "aws:iam/userPolicy:UserPolicy": ("policy", 2048, "a user's inline policies together take"),
    "aws:iam/groupPolicy:GroupPolicy": ("policy", 5120, "a group's inline policies together take"),
}
"""Type -> (argument, characters without white space, what the quota covers)."""
ROLE_INLINE_CHARACTERS = 10240


def iam_size(document: str) -> int:
    """A policy's size as IAM counts it: characters, white space not counted."""
    return len(re.sub(r"\s", "", document))


def role_inline_documents(props: Any) -> Iterator[str]:
    raw = known(props, "inlinePolicies")
    for index in range(len(raw)) if is_list(raw) else []:
        document = known_text(raw, index, "policy")
        if document:
            yield document


def _check_iam_policy_size(resource_type: str, props: Any) -> Problems:
    if resource_type == "aws:iam/role:Role":
        size = sum(iam_size(d) for d in role_inline_documents(props))
        if size > ROLE_INLINE_CHARACTERS:
            yield (
                f"inline_policies hold {size:,} characters (white space not counted); "
                f"a role's inline policies take at most {ROLE_INLINE_CHARACTERS:,}"
            )
        return
    if resource_type not in IAM_DOCUMENT_LIMITS:
        return
    where, limit, what = IAM_DOCUMENT_LIMITS[resource_type]
    document = known_text(props, where)
    if document is not None and iam_size(document) > limit:
        yield f"{where} has {iam_size(document):,} characters (white space not counted); {what} at most {limit:,}"


BUCKET_POLICY_BYTES = 20 * 1024


def _check_bucket_policy_size(resource_type: str, props: Any) -> Problems:
    if resource_type != "aws:s3/bucketPolicy:BucketPolicy":
        return
    document = known_text(props, "policy")
    if document is not None and len(document.encode("utf-8")) > BUCKET_POLICY_BYTES:
        yield f"policy is {len(document.encode('utf-8')):,} bytes; a bucket policy takes at most {BUCKET_POLICY_BYTES:,} (20 KB)"


_RULE_DESCRIPTION = re.compile(r"[a-zA-Z0-9. _\-:/()#,@\[\]+=&;{}!$*]{0,255}")
_RULE_DESCRIPTION_TYPES = {
    "aws:ec2/securityGroup:SecurityGroup": ("ingress", "egress"),
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": ("ingress", "egress"),
}
_STANDALONE_RULES = (
    "aws:ec2/securityGroupRule:SecurityGroupRule",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
)


def _rule_descriptions(resource_type: str, props: Any) -> Iterator[tuple[str, str]]:
    if resource_type in _STANDALONE_RULES:
        description = known_text(props, "description")
        if description is not None:
            yield "description", description
    for direction in _RULE_DESCRIPTION_TYPES.get(resource_type, ()):
        rules = known(props, direction)
        for index in range(len(rules)) if is_list(rules) else []:
            description = known_text(rules, index, "description")
            if description is not None:
                yield f"{direction}[{index}].description", description


def _check_rule_description(resource_type: str, props: Any) -> Problems:
    for where, description in _rule_descriptions(resource_type, props):
        if not _RULE_DESCRIPTION.fullmatch(description):
            yield f"{where} = {show(description)}: up to 255 of a-z A-Z 0-9, spaces and ._-:/()#,@[]+=&;{{}}!$* (no apostrophes)"


_RDS_TYPES = ("aws:rds/instance:Instance", "aws:rds/cluster:Cluster")
_SNAPSHOT_ID = re.compile(r"[A-Za-z](?:-?[A-Za-z0-9]){0,254}")


def _check_final_snapshot(resource_type: str, props: Any) -> Problems:
    if resource_type not in _RDS_TYPES:
        return
    identifier = known_text(props, "finalSnapshotIdentifier")
    if identifier is not None and not _SNAPSHOT_ID.fullmatch(identifier):
        yield (
            f"final_snapshot_identifier = {show(identifier)}: 1-255 letters, digits and hyphens, starting with a letter, "
            "no two hyphens in a row, not ending with one (RDS refuses it at deletion, when it is too late to change)"
        )


def _engine_family(props: Any) -> str:
    engine = known_text(props, "engine") or ""
    if engine in ("mysql", "mariadb", "aurora-mysql", "aurora"):
        return "mysql"
    if engine in ("postgres", "aurora-postgresql"):
        return "postgres"
    return ""


_RDS_NAME_ARGUMENTS = {
    "aws:rds/instance:Instance": (("username", "user"), ("dbName", "database")),
    "aws:rds/cluster:Cluster": (("masterUsername", "user"), ("databaseName", "database")),
}
_RDS_NAME_LENGTHS = {"mysql": {"user": 16, "database": 64}, "postgres": {"user": 63, "database": 63}}
"""Engine family -> longest master user name and database name RDS accepts."""


def _check_rds_names(resource_type: str, props: Any) -> Problems:
    family = _engine_family(props)
    for key, kind in _RDS_NAME_ARGUMENTS.get(resource_type, ()) if family else ():
        value, maximum = known_text(props, key), _RDS_NAME_LENGTHS[family][kind]
        if value is not None and not re.fullmatch(rf"[A-Za-z][A-Za-z0-9_]{{0,{maximum - 1}}}", value):
            yield f"{snake(key)} = {show(value)}: for {family} 1-{maximum} letters, digits or underscores, starting with a letter"


_SNS_NAME = re.compile(r"[A-Za-z0-9_-]{1,256}")
_SQS_NAME = re.compile(r"[A-Za-z0-9_-]{1,80}")


def _check_topic_name(resource_type: str, props: Any) -> Problems:
    if resource_type != "aws:sns/topic:Topic":
        return
    name, fifo = known_text(props, "name"), known(props, "fifoTopic") is True
    if name is None:
        return
    if fifo and not name.endswith(".fifo"):
        yield f"name = {show(name)}: a FIFO topic's name ends in .fifo"
    elif not _SNS_NAME.fullmatch(name.removesuffix(".fifo") if fifo else name) or len(name) > 256:
        yield f"name = {show(name)}: 1-256 letters, digits, hyphens and underscores"


def _check_queue_name(resource_type: str, props: Any) -> Problems:
    name = known_text(props, "name") if resource_type == "aws:sqs/queue:Queue" else None
    if name is not None and (not _SQS_NAME.fullmatch(name.removesuffix(".fifo")) or len(name) > 80):
        yield f"name = {show(name)}: up to 80 letters, digits, hyphens and underscores (.fifo included)"


CLOUDFRONT_COMMENT = 128


def _check_cloudfront_comment(resource_type: str, props: Any) -> Problems:
    if resource_type != "aws:cloudfront/distribution:Distribution":
        return
    comment = known_text(props, "comment")
    if comment is not None and len(comment) > CLOUDFRONT_COMMENT:
        yield f"comment has {len(comment)} characters; CloudFront takes at most {CLOUDFRONT_COMMENT}"


RESOURCE_LIMITS: tuple[Limit, ...] = (
    Limit(
        "tags",
        "at most 50 tags per resource, keys up to 128 and values up to 256 characters, no aws: prefix",
        "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html#tag-restrictions",
        _check_tags,
    ),
    Limit(
        "load-balancer-name",
        "load balancer and target group names: up to 32 letters, digits and hyphens",
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html",
        _check_load_balancer_name,
    ),
    Limit(
        "user-data-size",
        "EC2 user data at most 16 KB before base64",
        "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-add-user-data.html",
        _check_user_data,
    ),
    Limit(
        "iam-policy-size",
        "IAM managed policies 6,144 characters; inline policies per role 10,240, per user 2,048, per group 5,120 (white space not counted)",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html",
        _check_iam_policy_size,
    ),
    Limit(
        "bucket-policy-size",
        "S3 bucket policies at most 20 KB",
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-policies.html",
        _check_bucket_policy_size,
    ),
    Limit(
        "security-group-rule-description",
        "security group rule descriptions: up to 255 of a-z A-Z 0-9, spaces and ._-:/()#,@[]+=&;{}!$*",
        "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpRange.html",
        _check_rule_description,
    ),
    Limit(
        "rds-final-snapshot-identifier",
        "RDS final snapshot identifiers: 1-255 letters, digits and hyphens, starting with a letter, no -- and no trailing -",
        "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBInstance.html",
        _check_final_snapshot,
    ),
    Limit(
        "rds-names",
        "RDS master user and database names per engine: MySQL and MariaDB user 1-16, database 1-64; PostgreSQL 1-63",
        "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html",
        _check_rds_names,
    ),
    Limit(
        "sns-topic-name",
        "SNS topic names: 1-256 letters, digits, hyphens and underscores; a FIFO topic's ends in .fifo",
        "https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html",
        _check_topic_name,
    ),
    Limit(
        "sqs-queue-name",
        "SQS queue names: up to 80 letters, digits, hyphens and underscores, .fifo included",
        "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html",
        _check_queue_name,
    ),
    Limit(
        "cloudfront-comment",
        "CloudFront distribution comments at most 128 characters",
        "https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DistributionConfig.html",
        _check_cloudfront_comment,
    ),
)
"""The per-resource rows, in the order messages report them."""


def report_text(limit: Limit, problem: str) -> str:
    return f"{problem} [{limit.id}: {limit.source}]. Fix: change the value to fit: {limit.rule}."


def validate_documented_limits(args: ResourceValidationArgs, report: ReportViolation) -> None:
    skipped = set(policy_config(args, {"skip": []})["skip"])
    for limit in RESOURCE_LIMITS:
        if limit.id not in skipped:
            for problem in limit.check(args.resource_type, args.props):
                report(report_text(limit, problem))


def skip_schema(rows: tuple[Limit, ...]) -> dict[str, Any]:
    return {
        "type": "array",
        "items": {"type": "string", "enum": [row.id for row in rows]},
        "default": [],
        "description": "Rows of the limits table not to check for this stack.",
    }


POLICIES = [
    ResourceValidationPolicy(
        name="aws-documented-limits",
        description=(
            "Values stay within limits AWS documents and cfn-lint does not check: tags, load balancer names, user data, "
            "policy sizes, rule descriptions, RDS names."
        ),
        validate=validate_documented_limits,
        config_schema=PolicyConfigSchema(properties={"skip": skip_schema(RESOURCE_LIMITS)}),
        remediation_steps="Shorten or change the value as the message says; each message links the AWS page that sets the limit.",
    ),
]
