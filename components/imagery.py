"""Imagery: the book's fault-tolerant image service (chapter 16), without Elastic Beanstalk.

Visitors reach CloudFront; dynamic requests go to a web fleet behind the load balancer (which admits
only CloudFront), processed images come from a private bucket through CloudFront. The web servers put
uploads into an upload bucket, keep each image's state in a DynamoDB table and queue the work; worker
servers, scaled on the queue's depth, turn the images sepia. Every state change is a conditional
update on the item's version, processing is idempotent, and a message that keeps failing ends in the
dead-letter queue after max_receive_count tries (the application code: components/handlers/imagery*.py).
"""

import base64
import dataclasses
from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_aws as aws
import pulumi_random as random

from ._args import coerce_args, require
from .app_fleet import (
    Rule,
    ServerParts,
    ServerSpec,
    app_servers,
    code_archive,
    code_bundle_key,
    log_group_name,
    python_service,
    render_app_user_data,
    s3_code,
    server_group,
)
from .content_delivery import ContentDelivery, ContentDeliveryArgs, OriginProtocol, PriceClass, validate_content_delivery_args
from .iam import Statement, statement
from .lambda_function import alarm_topic_arn as alarm_topic
from .lambda_function import check_alarm_target, check_int_range, check_log_retention
from .load_balancer import LoadBalancer, LoadBalancerArgs, validate_load_balancer_args
from .nosql_table import NoSqlTable, NoSqlTableArgs, validate_nosql_table_args
from .queue import Queue, QueueArgs, consumer_statements, producer_statements, validate_queue_args
from .scaling import queue_depth_scaling
from .secure_bucket import secure_bucket
from .tags import resource_tags
from .web_fleet import check_architecture, check_group_size

APP_PORT = 8080
"""Port the web servers listen on behind the load balancer (the book's)."""
HEALTH_CHECK_PATH = "/healthz"
MODULES = ("imagery", "imagery_web", "png_image")
"""The application's modules, shipped to both fleets."""
PROCESSED_PATH = "/processed/*"
"""CloudFront path of processed images; the worker writes processed/<id>-v<version>.png into the CDN's bucket."""
IMAGERY_TABLE = NoSqlTableArgs(hash_key="id")
"""The book's imagery-image table: one item per image, keyed by id."""
SERVER_TABLE_ACTIONS = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]
"""The web servers create images and move them to uploaded (book ch. 16's server role)."""
WORKER_TABLE_ACTIONS = ["dynamodb:GetItem", "dynamodb:UpdateItem"]
"""The workers read images and move them to processed (book ch. 16's worker role)."""
_PLACEHOLDER = "validated-before-creation"


@dataclass(frozen=True)
class ImageryArgs:
    """Inputs of the Imagery component; the network fields are required."""

    vpc_id: Optional[pulumi.Input[str]] = None
    """ID of the VPC."""
    vpc_cidr: Optional[pulumi.Input[str]] = None
    """IPv4 CIDR of the VPC (the load balancer sends only there)."""
    public_subnet_ids: Optional[pulumi.Input[list[str]]] = None
    """Public subnets of the load balancer, one per AZ (at least two)."""
    private_subnet_ids: Optional[pulumi.Input[list[str]]] = None
    """Private subnets with egress (NAT) of the web and worker servers."""
    server_instance_type: Optional[str] = "t4g.micro"
    """Instance type of the web servers (default t4g.micro)."""
    server_min_size: Optional[int] = 2
    """Fewest web servers; 2 or more survive the loss of an AZ (default 2)."""
    server_max_size: Optional[int] = 4
    """Most web servers, scaled on CPU (default 4)."""
    worker_instance_type: Optional[str] = "t4g.micro"
    """Instance type of the workers (default t4g.micro)."""
    worker_min_size: Optional[int] = 1
    """Fewest workers (default 1, the book's)."""
    worker_max_size: Optional[int] = 2
    """Most workers, scaled on the queue's depth (default 2, the book's)."""
    queue_messages_threshold: Optional[int] = 5
    """Messages waiting (sum over 5 minutes) above which a worker is added and below which one is removed (default 5)."""
    max_receive_count: Optional[int] = 10
    """Tries before a message moves to the dead-letter queue, 1 to 1000 (default 10, the book's)."""
    visibility_timeout_seconds: Optional[int] = 120
    """Seconds a worker has to process an image before another may try, 30 to 43200 (default 120)."""
    retry_base_seconds: Optional[int] = 10
    """Delay before the first retry of a failed message, doubled on every further try, 0 to 3600 (default 10)."""
    upload_retention_days: Optional[int] = 30
    """Days raw uploads are kept after processing could have happened, 1 to 3650 (default 30)."""
    price_class: Optional[PriceClass] = PriceClass.PRICE_CLASS_100
    """CloudFront edge locations (default PriceClass_100)."""
    deletion_protection: Optional[bool] = True
    """Deletion protection on the table and the load balancer (default true)."""
    protect: Optional[bool] = False
    """Set Pulumi's protect option on the table and the processed-images bucket (default false)."""
    alarm_topic_arn: Optional[pulumi.Input[str]] = None
    """SNS topic for every alarm (default: an encrypted topic created by the component)."""
    alarm_email: Optional[str] = None
    """E-mail address subscribed to the created topic (default none)."""
    log_retention_days: Optional[int] = 30
    """Days CloudWatch keeps the servers' logs (default 30)."""
    tags: Optional[dict[str, str]] = None
    """Extra tags for every resource (default none)."""


def queue_args(args: ImageryArgs, topic_arn: Optional[pulumi.Input[str]]) -> QueueArgs:
    """The image queue: the book's redrive after max_receive_count tries, long polling, encryption."""
    return QueueArgs(
        max_receive_count=args.max_receive_count,
        visibility_timeout_seconds=args.visibility_timeout_seconds,
        alarm_topic_arn=topic_arn,
        tags=args.tags,
    )


def table_args(args: ImageryArgs, topic_arn: Optional[pulumi.Input[str]]) -> NoSqlTableArgs:
    """The images table, protected as the stack asks."""
    return dataclasses.replace(
        IMAGERY_TABLE, deletion_protection=args.deletion_protection, protect=args.protect, alarm_topic_arn=topic_arn, tags=args.tags
    )


def load_balancer_args(args: ImageryArgs, origin_secret: Optional[pulumi.Input[str]]) -> LoadBalancerArgs:
    """A load balancer only CloudFront reaches, forwarding to the web servers' port."""
    return LoadBalancerArgs(
        vpc_id=args.vpc_id,
        vpc_cidr=args.vpc_cidr,
        public_subnet_ids=args.public_subnet_ids,
        behind_cloudfront=True,
        origin_verify_header_value=origin_secret,
        target_port=APP_PORT,
        health_check_path=HEALTH_CHECK_PATH,
        deletion_protection=args.deletion_protection,
        tags=args.tags,
    )


def content_delivery_args(args: ImageryArgs, origin: pulumi.Input[str], origin_secret: Optional[pulumi.Input[str]]) -> ContentDeliveryArgs:
    """CloudFront: the API and page from the load balancer, processed images from the private bucket."""
    return ContentDeliveryArgs(
        origin_domain_name=origin,
        origin_protocol=OriginProtocol.HTTP_ONLY,
        origin_verify_header_value=origin_secret,
        static_path_pattern=PROCESSED_PATH,
        price_class=args.price_class,
        protect=args.protect,
        tags=args.tags,
    )


def validate_imagery_args(args: ImageryArgs) -> None:
    """Refuse bad inputs, the parts' too, before any resource exists."""
    require(args, "vpc_id", "vpc_cidr", "public_subnet_ids", "private_subnet_ids")
    check_architecture(args.server_instance_type, None, "server_instance_type", "architecture")
    check_architecture(args.worker_instance_type, None, "worker_instance_type", "architecture")
    for fleet in ("server", "worker"):
        low, high = getattr(args, f"{fleet}_min_size"), getattr(args, f"{fleet}_max_size")
        check_group_size(low, low, high, (f"{fleet}_min_size", f"{fleet}_min_size", f"{fleet}_max_size"))
    if args.worker_max_size < 1:
        raise ValueError(f"worker_max_size: {args.worker_max_size} leaves no worker to process images; allow at least 1")
    check_int_range(args.queue_messages_threshold, "queue_messages_threshold", 1, 1_000_000, "messages")
    check_int_range(args.visibility_timeout_seconds, "visibility_timeout_seconds", 30, 43200, "seconds")
    check_int_range(args.retry_base_seconds, "retry_base_seconds", 0, 3600, "seconds")
    check_int_range(args.upload_retention_days, "upload_retention_days", 1, 3650, "days")
    check_log_retention(args.log_retention_days, "log_retention_days")
    check_alarm_target(args.alarm_topic_arn, args.alarm_email)
    validate_queue_args(queue_args(args, None))
    validate_nosql_table_args(table_args(args, None))
    validate_load_balancer_args(load_balancer_args(args, None))
    try:
        PriceClass(args.price_class)
    except ValueError:
        allowed = ", ".join(p.value for p in PriceClass)
        raise ValueError(f"price_class: {args.price_class!r} is not allowed; use one of {allowed}") from None
    validate_content_delivery_args(content_delivery_args(args, _PLACEHOLDER, None))


def server_statements(code_arn: str, upload_bucket_arn: str, queue_arn: str, table_arn: str) -> list[Statement]:
    """The web servers' permissions: fetch the code, store uploads, track images, queue their processing (book ch. 16)."""
    return [
        statement(["s3:GetObject"], [code_arn], sid="FetchCode"),
        statement(["s3:PutObject"], [f"{upload_bucket_arn}/upload/*"], sid="StoreUploads"),
        statement(SERVER_TABLE_ACTIONS, [table_arn], sid="TrackImages"),
        *producer_statements(queue_arn),
    ]


def worker_statements(
    code_arn: str, upload_bucket_arn: str, processed_bucket_arn: str, queue_arn: str, table_arn: str
) -> list[Statement]:
    """The workers' permissions: fetch the code, take messages, read uploads, write processed images, update their state."""
    return [
        statement(["s3:GetObject"], [code_arn], sid="FetchCode"),
        statement(["s3:GetObject"], [f"{upload_bucket_arn}/upload/*"], sid="ReadUploads"),
        statement(["s3:PutObject"], [f"{processed_bucket_arn}/processed/*"], sid="StoreProcessedImages"),
        statement(WORKER_TABLE_ACTIONS, [table_arn], sid="UpdateImages"),
        *consumer_statements(queue_arn),
    ]


class Imagery(pulumi.ComponentResource):
    """The book's Imagery: CloudFront, a load-balanced web fleet, a queue-scaled worker fleet, S3, SQS with a DLQ and DynamoDB."""

    site_url: pulumi.Output[str]
    """https URL of the service (CloudFront)."""
    upload_bucket_name: pulumi.Output[str]
    """Private bucket of the raw uploads."""
    processed_bucket_name: pulumi.Output[str]
    """Private bucket of the processed images, served by CloudFront under /processed/."""
    queue_url: pulumi.Output[str]
    """URL of the image queue."""
    dead_letter_queue_url: pulumi.Output[str]
    """URL of the dead-letter queue, where poisoned messages end."""
    table_name: pulumi.Output[str]
    """Name of the DynamoDB table holding each image's state."""
    server_group_name: pulumi.Output[str]
    """Auto-scaling group of the web servers."""
    worker_group_name: pulumi.Output[str]
    """Auto-scaling group of the workers."""
    load_balancer_dns_name: pulumi.Output[str]
    """DNS name of the load balancer (reachable only through CloudFront)."""
    alarm_topic_arn: pulumi.Output[str]
    """SNS topic every alarm notifies."""

    def __init__(self, name: str, args: ImageryArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        args = coerce_args(args, ImageryArgs)
        validate_imagery_args(args)
        super().__init__("awsinaction:index:Imagery", name, None, opts)
        self._name, self._args = name, args
        child = pulumi.ResourceOptions(parent=self)

        topic_arn = alarm_topic(self, name, "Imagery", args.alarm_topic_arn, args.alarm_email, args.tags)
        uploads = secure_bucket(
            f"{name}-uploads",
            tags=resource_tags(f"{name}-uploads", "Imagery", args.tags),
            parent=self,
            expire_after_days=args.upload_retention_days,
            # Raw uploads are disposable once processed; the processed bucket is the one to keep.
            force_destroy=True,
        )
        code = self._code_bundle()
        queue = Queue(f"{name}-queue", queue_args(args, topic_arn), child)
        table = NoSqlTable(f"{name}-images", table_args(args, topic_arn), child)
        origin_secret = random.RandomPassword(f"{name}-origin-verify", length=40, special=False, opts=child)
        balancer = LoadBalancer(f"{name}-lb", load_balancer_args(args, origin_secret.result), child)
        cdn = ContentDelivery(f"{name}-cdn", content_delivery_args(args, balancer.dns_name, origin_secret.result), child)

        environment = pulumi.Output.all(
            table.table_name, uploads.bucket.bucket, cdn.static_bucket_name, queue.queue_url, cdn.site_url
        ).apply(
            lambda v: {
                "IMAGERY_TABLE": v[0],
                "IMAGERY_UPLOAD_BUCKET": v[1],
                "IMAGERY_PROCESSED_BUCKET": v[2],
                "IMAGERY_QUEUE_URL": v[3],
                "IMAGERY_SITE_URL": v[4],
                "IMAGERY_PORT": str(APP_PORT),
                "IMAGERY_RETRY_BASE_SECONDS": str(args.retry_base_seconds),
            }
        )
        https_out = Rule(443, "HTTPS to AWS APIs and the Amazon Linux repositories", cidr="0.0.0.0/0")
        servers = self._fleet(
            "server",
            args.server_instance_type,
            "Imagery web servers: the API port from the load balancer only",
            pulumi.Output.all(code.arn, uploads.bucket.arn, queue.queue_arn, table.table_arn).apply(lambda v: server_statements(*v)),
            environment,
            code,
            ingress=[Rule(APP_PORT, "Imagery API from the load balancer", security_group_id=balancer.security_group_id)],
            egress=[https_out],
        )
        server_asg = server_group(
            self, servers[0], servers[1].launch_template, args.private_subnet_ids, args.server_min_size, args.server_max_size,
            "ELB", 300, [balancer.target_group_arn],
        )
        aws.autoscaling.Policy(
            f"{name}-server-cpu-target",
            autoscaling_group_name=server_asg.name,
            policy_type="TargetTrackingScaling",
            target_tracking_configuration={
                "predefined_metric_specification": {"predefined_metric_type": "ASGAverageCPUUtilization"},
                "target_value": 70.0,
            },
            opts=child,
        )
        workers = self._fleet(
            "worker",
            args.worker_instance_type,
            "Imagery workers: no inbound traffic, they poll the queue",
            pulumi.Output.all(code.arn, uploads.bucket.arn, cdn.static_bucket_arn, queue.queue_arn, table.table_arn).apply(
                lambda v: worker_statements(*v)
            ),
            environment,
            code,
            ingress=[],
            egress=[https_out],
        )
        worker_asg = server_group(
            self, workers[0], workers[1].launch_template, args.private_subnet_ids, args.worker_min_size, args.worker_max_size, "EC2", 120,
        )
        queue_depth_scaling(
            self, f"{name}-worker", "Imagery", worker_asg.name, queue.queue_name, args.queue_messages_threshold, 120, args.tags
        )
        self._unhealthy_servers_alarm(balancer, topic_arn)

        self.site_url = cdn.site_url
        self.upload_bucket_name = uploads.bucket.bucket
        self.processed_bucket_name = cdn.static_bucket_name
        self.queue_url = queue.queue_url
        self.dead_letter_queue_url = queue.dead_letter_queue_url
        self.table_name = table.table_name
        self.server_group_name = server_asg.name
        self.worker_group_name = worker_asg.name
        self.load_balancer_dns_name = balancer.dns_name
        self.alarm_topic_arn = pulumi.Output.from_input(topic_arn)
        self.register_outputs({output: getattr(self, output) for output in type(self).__annotations__})

    def _fleet(
        self,
        role: str,
        instance_type: str,
        description: str,
        statements: pulumi.Output[list[Statement]],
        environment: pulumi.Output[dict[str, str]],
        code: aws.s3.BucketObjectv2,
        ingress: list[Rule],
        egress: list[Rule],
    ) -> tuple[ServerSpec, ServerParts]:
        """The servers of one role: the same code, started as `imagery.py <role>`."""
        name = f"{self._name}-{role}"
        logs = log_group_name(name)
        user_data = pulumi.Output.all(environment, code.bucket, code.key).apply(
            lambda v: render_app_user_data(
                "imagery", logs, s3_code(v[1], v[2]), python_service(f"imagery-{role}", "imagery.py", role, v[0])
            )
        )
        spec = ServerSpec(
            name=name,
            component="Imagery",
            vpc_id=self._args.vpc_id,
            instance_type=instance_type,
            architecture=check_architecture(instance_type, None, f"{role}_instance_type", "architecture"),
            description=description,
            statements=statements,
            user_data=user_data,
            log_retention_days=self._args.log_retention_days,
            ingress=ingress,
            egress=egress,
            tags=self._args.tags,
        )
        return spec, app_servers(self, spec)

    def _code_bundle(self) -> aws.s3.BucketObjectv2:
        """The application's modules as an S3 object the servers download at boot (too large for user data)."""
        name = f"{self._name}-code"
        bucket = secure_bucket(name, tags=resource_tags(name, "Imagery", self._args.tags), parent=self, force_destroy=True)
        return aws.s3.BucketObjectv2(
            name,
            bucket=bucket.bucket.id,
            key=code_bundle_key("imagery", MODULES),
            content_base64=base64.b64encode(code_archive(MODULES)).decode(),
            content_type="application/gzip",
            tags=resource_tags(name, "Imagery", self._args.tags),
            # Written over TLS only once the bucket policy is in place.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[bucket.policy] if bucket.policy else None),
        )

    def _unhealthy_servers_alarm(self, balancer: LoadBalancer, topic_arn: pulumi.Input[str]) -> None:
        name = f"{self._name}-server-unhealthy"
        aws.cloudwatch.MetricAlarm(
            name,
            alarm_description="A web server fails the load balancer's health check for 2 minutes",
            namespace="AWS/ApplicationELB",
            metric_name="UnHealthyHostCount",
            dimensions={"TargetGroup": balancer.target_group_arn_suffix, "LoadBalancer": balancer.arn_suffix},
            statistic="Maximum",
            period=60,
            evaluation_periods=2,
            comparison_operator="GreaterThanThreshold",
            threshold=0.0,
            treat_missing_data="notBreaching",
            alarm_actions=[topic_arn],
            ok_actions=[topic_arn],
            tags=resource_tags(name, "Imagery", self._args.tags),
            opts=pulumi.ResourceOptions(parent=self),
        )
