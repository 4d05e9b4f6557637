"""LoadBalancer: an internet-facing Application Load Balancer in front of a web fleet.

Book chapter 2 (WordPress behind an ALB), chapter 15 (ELB) and the chapter 1 web shop
(CloudFront in front of the load balancer, errata fig. 4.2).
"""

import dataclasses
import re
from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_aws as aws

from ._args import coerce_args, require
from .ec2_defaults import current_region
from .iam import Statement, statement
from .secure_bucket import SecureBucket, secure_bucket
from .tags import resource_tags

TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
"""TLS 1.3 and 1.2 only, forward-secret ciphers: AWS's recommended policy for HTTPS listeners."""
CLOUDFRONT_ORIGIN_PREFIX_LIST = "com.amazonaws.global.cloudfront.origin-facing"
"""AWS-managed prefix list of the addresses CloudFront uses to reach origins."""
ORIGIN_VERIFY_HEADER = "X-Origin-Verify"
"""Header CloudFront adds to origin requests; the ALB forwards only requests that carry the shared secret."""
LOG_DELIVERY_PRINCIPAL = "logdelivery.elasticloadbalancing.amazonaws.com"
"""Service principal that delivers ALB access logs (the only one in regions opened since August 2022)."""
LEGACY_LOG_DELIVERY_ACCOUNTS = {
    "us-east-1": "127311923021", "us-east-2": "033677994240", "us-west-1": "027434742980", "us-west-2": "797873946194",
    "af-south-1": "098369216593", "ca-central-1": "985666609251", "eu-central-1": "054676820928", "eu-west-1": "156460612806",
    "eu-west-2": "652711504416", "eu-south-1": "635631232127", "eu-west-3": "009996457667", "eu-north-1": "897822967062",
    "ap-east-1": "754344448648", "ap-northeast-1": "582318560864", "ap-northeast-2": "600734575887",
    "ap-northeast-3": "383597477331", "ap-southeast-1": "114774131450", "ap-southeast-2": "783225319266",
    "ap-southeast-3": "589379963580", "ap-south-1": "718504428378", "me-south-1": "076674570225", "sa-east-1": "507241528517",
}
"""Regions opened before August 2022 deliver ALB logs from these regional ELB accounts (AWS ELB user guide)."""
WORLD_IPV4 = "0.0.0.0/0"
_ORIGIN_SECRET = re.compile(r"[A-Za-z0-9_.~+/=-]{16,128}")
_MATCHER = re.compile(r"\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*")
_CERTIFICATE_ARN = re.compile(r"arn:aws[a-z-]*:(acm|iam):[a-z0-9-]*:\d{12}:(certificate|server-certificate)/\S+")


@dataclass(frozen=True)
class LoadBalancerArgs:
    """Inputs of the LoadBalancer component."""

    vpc_id: Optional[pulumi.Input[str]] = None
    """ID of the VPC the load balancer and its target group live in."""
    vpc_cidr: Optional[pulumi.Input[str]] = None
    """IPv4 CIDR of the VPC: the load balancer may only send traffic there, on the target port."""
    public_subnet_ids: Optional[pulumi.Input[list[str]]] = None
    """Public subnets, one per AZ (at least two AZs), that the load balancer spans."""
    certificate_arn: Optional[pulumi.Input[str]] = None
    """ACM certificate for an HTTPS listener; HTTP then redirects to HTTPS (default none: plain HTTP)."""
    behind_cloudfront: Optional[bool] = False
    """Admit only CloudFront's origin-facing addresses instead of the whole internet (default false)."""
    origin_verify_header_value: Optional[pulumi.Input[str]] = None
    """Secret CloudFront sends in X-Origin-Verify; other requests get 403 (default none: no header check)."""
    target_port: Optional[int] = 80
    """Port the instances serve HTTP on (default 80)."""
    health_check_path: Optional[str] = "/healthz"
    """Path the target group probes; must start with / (default /healthz, answered by the web fleet's user data)."""
    health_check_matcher: Optional[str] = "200"
    """HTTP codes that count as healthy, e.g. 200 or 200,302 as in the book (default 200)."""
    health_check_interval_seconds: Optional[int] = 10
    """Seconds between health checks, 5 to 300 (default 10; the book uses 5)."""
    health_check_timeout_seconds: Optional[int] = 5
    """Seconds before a health check fails, 2 to 120 and below the interval (default 5; the book uses 3)."""
    healthy_threshold: Optional[int] = 2
    """Consecutive successes before a target is healthy, 2 to 10 (default 2, as in the book)."""
    unhealthy_threshold: Optional[int] = 2
    """Consecutive failures before a target is unhealthy, 2 to 10 (default 2, as in the book)."""
    deregistration_delay_seconds: Optional[int] = 30
    """Seconds a deregistering target keeps serving open requests, 0 to 3600 (default 30)."""
    idle_timeout_seconds: Optional[int] = 60
    """Seconds an idle connection stays open, 1 to 4000 (default 60)."""
    deletion_protection: Optional[bool] = False
    """Refuse to delete the load balancer through the API; turn on in production (default false)."""
    access_logs: Optional[bool] = False
    """Write access logs to a private, encrypted S3 bucket created for them (default false)."""
    access_log_retention_days: Optional[int] = 90
    """Days the access logs are kept before S3 deletes them, at least 1 (default 90)."""
    tags: Optional[dict[str, str]] = None
    """Extra tags for every resource (default none)."""


def check_between(value: int, low: int, high: int, argument: str) -> None:
    """An integer (not a bool) inside low..high."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{argument}: {value!r} is outside {low}..{high}")


def check_health_check_path(path: str, argument: str) -> None:
    """A health check path is an absolute URL path: leading slash, no spaces, at most 1024 characters."""
    if not isinstance(path, str) or not path.startswith("/") or len(path) > 1024 or any(c.isspace() for c in path):
        raise ValueError(f"{argument}: {path!r} is not an absolute path; it must start with / (e.g. /healthz)")


def check_health_check_matcher(matcher: str, argument: str) -> None:
    """HTTP codes 200..499 as a list of codes or ranges: 200, 200,302 or 200-299."""
    valid = isinstance(matcher, str) and _MATCHER.fullmatch(matcher) is not None
    if valid:
        parts = [int(code) for code in re.split(r"[,-]", matcher)]
        ranges = [tuple(int(c) for c in part.split("-")) for part in matcher.split(",") if "-" in part]
        valid = all(200 <= code <= 499 for code in parts) and all(low < high for low, high in ranges)
    if not valid:
        raise ValueError(f"{argument}: {matcher!r} is not a list of HTTP codes 200..499 (e.g. 200 or 200,302 or 200-299)")


def validate_load_balancer_args(args: LoadBalancerArgs) -> None:
    """Refuse inconsistent inputs with a ValueError that names the argument and the value."""
    require(args, 'vpc_id', 'vpc_cidr', 'public_subnet_ids')
    check_between(args.target_port, 1, 65535, "target_port")
    check_health_check_path(args.health_check_path, "health_check_path")
    check_health_check_matcher(args.health_check_matcher, "health_check_matcher")
    check_between(args.health_check_interval_seconds, 5, 300, "health_check_interval_seconds")
    check_between(args.health_check_timeout_seconds, 2, 120, "health_check_timeout_seconds")
    if args.health_check_timeout_seconds >= args.health_check_interval_seconds:
        raise ValueError(
            f"health_check_timeout_seconds: {args.health_check_timeout_seconds} must be below "
            f"health_check_interval_seconds ({args.health_check_interval_seconds})"
        )
    check_between(args.healthy_threshold, 2, 10, "healthy_threshold")
    check_between(args.unhealthy_threshold, 2, 10, "unhealthy_threshold")
    check_between(args.deregistration_delay_seconds, 0, 3600, "deregistration_delay_seconds")
    check_between(args.idle_timeout_seconds, 1, 4000, "idle_timeout_seconds")
    check_between(args.access_log_retention_days, 1, 3653, "access_log_retention_days")
    if isinstance(args.certificate_arn, str) and args.certificate_arn and not _CERTIFICATE_ARN.fullmatch(args.certificate_arn):
        raise ValueError(
            f"certificate_arn: {args.certificate_arn!r} is not an ACM or IAM certificate ARN "
            "(expected arn:aws:acm:<region>:<account>:certificate/<id>)"
        )
    secret = args.origin_verify_header_value
    if isinstance(secret, str) and not _ORIGIN_SECRET.fullmatch(secret):
        raise ValueError(
            "origin_verify_header_value: must be 16 to 128 characters of letters, digits or _.~+/=- "
            "(a random token; its value is not shown because it is a secret)"
        )


def serving_ports(has_certificate: bool, behind_cloudfront: bool) -> list[int]:
    """Listener ports that admit clients.

    From the internet: 80 (forward, or redirect to HTTPS) and 443 with a certificate. Behind CloudFront
    only the one port CloudFront uses for the origin: every prefix-list entry counts against the
    security group's rule quota (about 55 per referenced list, 60 rules by default), so one rule fits.
    """
    if behind_cloudfront:
        return [443 if has_certificate else 80]
    return [80, 443] if has_certificate else [80]


class LoadBalancer(pulumi.ComponentResource):
    """An ALB in the public subnets with its own security group, listeners, a target group and optional access logs."""

    arn: pulumi.Output[str]
    """ARN of the load balancer."""
    arn_suffix: pulumi.Output[str]
    """ARN suffix of the load balancer, the LoadBalancer dimension of its CloudWatch metrics."""
    dns_name: pulumi.Output[str]
    """DNS name of the load balancer."""
    zone_id: pulumi.Output[str]
    """Route 53 hosted zone of the load balancer's DNS name, for alias records."""
    security_group_id: pulumi.Output[str]
    """Security group of the load balancer; the fleet admits traffic only from it."""
    target_group_arn: pulumi.Output[str]
    """ARN of the target group the web fleet registers with."""
    target_group_arn_suffix: pulumi.Output[str]
    """ARN suffix of the target group, the TargetGroup dimension of its CloudWatch metrics."""
    http_listener_arn: pulumi.Output[str]
    """ARN of the port-80 listener (forwards, or redirects to HTTPS when there is a certificate)."""
    https_listener_arn: pulumi.Output[Optional[str]]
    """ARN of the port-443 listener (None without a certificate)."""
    origin_protocol: pulumi.Output[str]
    """Protocol a CDN in front must use to reach this origin: https with a certificate, else http."""
    access_log_bucket: pulumi.Output[Optional[str]]
    """Name of the access-log bucket (None when access logs are off)."""

    def __init__(self, name: str, args: LoadBalancerArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        args = coerce_args(args, LoadBalancerArgs)
        if args.certificate_arn == "":
            args = dataclasses.replace(args, certificate_arn=None)
        validate_load_balancer_args(args)
        super().__init__("awsinaction:index:LoadBalancer", name, None, opts)
        self._name, self._args = name, args
        self._child = pulumi.ResourceOptions(parent=self)
        has_certificate = args.certificate_arn is not None

        sg = self._security_group(serving_ports(has_certificate, bool(args.behind_cloudfront)))
        log_bucket = self._access_log_bucket() if args.access_logs else None
        lb_name = f"{name}-alb"
        self.alb = aws.lb.LoadBalancer(
            lb_name,
            load_balancer_type="application",
            internal=False,
            subnets=args.public_subnet_ids,
            security_groups=[sg.id],
            drop_invalid_header_fields=True,
            enable_deletion_protection=args.deletion_protection,
            idle_timeout=args.idle_timeout_seconds,
            access_logs={"bucket": log_bucket.bucket.bucket, "enabled": True, "prefix": name} if log_bucket else None,
            tags=self._tags(lb_name),
            # S3 checks delivery permissions when logging is switched on, so the policy must exist first.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[log_bucket.policy] if log_bucket else None),
        )
        tg_name = f"{name}-tg"
        self.target_group = aws.lb.TargetGroup(
            tg_name,
            vpc_id=args.vpc_id,
            port=args.target_port,
            protocol="HTTP",
            target_type="instance",
            deregistration_delay=args.deregistration_delay_seconds,
            health_check={
                "enabled": True,
                "protocol": "HTTP",
                "port": "traffic-port",
                "path": args.health_check_path,
                "matcher": args.health_check_matcher,
                "interval": args.health_check_interval_seconds,
                "timeout": args.health_check_timeout_seconds,
                "healthy_threshold": args.healthy_threshold,
                "unhealthy_threshold": args.unhealthy_threshold,
            },
            tags=self._tags(tg_name),
            opts=self._child,
        )
        http, https = self._listeners(has_certificate)

        self.arn = self.alb.arn
        self.arn_suffix = self.alb.arn_suffix
        self.dns_name = self.alb.dns_name
        self.zone_id = self.alb.zone_id
        self.security_group_id = sg.id
        self.target_group_arn = self.target_group.arn
        self.target_group_arn_suffix = self.target_group.arn_suffix
        self.http_listener_arn = http.arn
        self.https_listener_arn = https.arn if https else pulumi.Output.from_input(None)
        self.origin_protocol = pulumi.Output.from_input("https" if has_certificate else "http")
        self.access_log_bucket = log_bucket.bucket.bucket if log_bucket else pulumi.Output.from_input(None)
        self.register_outputs(
            {
                "arn": self.arn,
                "arn_suffix": self.arn_suffix,
                "dns_name": self.dns_name,
                "zone_id": self.zone_id,
                "security_group_id": self.security_group_id,
                "target_group_arn": self.target_group_arn,
                "target_group_arn_suffix": self.target_group_arn_suffix,
                "http_listener_arn": self.http_listener_arn,
                "https_listener_arn": self.https_listener_arn,
                "origin_protocol": self.origin_protocol,
                "access_log_bucket": self.access_log_bucket,
            }
        )

    def _tags(self, name: str, **more: str) -> dict[str, str]:
        return resource_tags(name, "LoadBalancer", self._args.tags, **more)

    def _security_group(self, ports: list[int]) -> aws.ec2.SecurityGroup:
        args, name = self._args, f"{self._name}-alb"
        sg = aws.ec2.SecurityGroup(
            name, vpc_id=args.vpc_id, description="Load balancer: HTTP(S) from clients, to the fleet port only",
            # The policy pack admits internet ingress (80/443 only) on groups that say they front a load balancer.
            tags=self._tags(name, Role="load-balancer"), opts=self._child,
        )
        if args.behind_cloudfront:
            source = {"prefix_list_id": aws.ec2.get_managed_prefix_list(name=CLOUDFRONT_ORIGIN_PREFIX_LIST).id}
            who = "CloudFront origin-facing addresses"
        else:
            source = {"cidr_ipv4": WORLD_IPV4}
            who = "the internet"
        for port in ports:
            rule = f"{name}-in-{port}"
            aws.vpc.SecurityGroupIngressRule(
                rule, security_group_id=sg.id, ip_protocol="tcp", from_port=port, to_port=port,
                description=f"Port {port} from {who}", tags=self._tags(rule), opts=self._child, **source,
            )
        rule = f"{name}-to-targets"
        aws.vpc.SecurityGroupEgressRule(
            rule, security_group_id=sg.id, ip_protocol="tcp", from_port=args.target_port, to_port=args.target_port,
            cidr_ipv4=args.vpc_cidr, description="Requests and health checks to the instances, inside the VPC only",
            tags=self._tags(rule), opts=self._child,
        )
        return sg

    def _access_log_bucket(self) -> SecureBucket:
        name, region = f"{self._name}-alb-logs", current_region()
        account = aws.get_caller_identity().account_id
        prefix = self._name

        def delivery(bucket_arn: pulumi.Output[str]) -> pulumi.Output[list[Statement]]:
            def statements(arn: str) -> list[Statement]:
                objects = [f"{arn}/{prefix}/AWSLogs/{account}/*"]
                found = [statement(["s3:PutObject"], objects, sid="ElbLogDelivery") | {"Principal": {"Service": LOG_DELIVERY_PRINCIPAL}}]
                legacy = LEGACY_LOG_DELIVERY_ACCOUNTS.get(region)
                if legacy:
                    principal = {"AWS": f"arn:aws:iam::{legacy}:root"}
                    found.append(statement(["s3:PutObject"], objects, sid="ElbLogDeliveryLegacyRegion") | {"Principal": principal})
                return found

            return bucket_arn.apply(statements)

        return secure_bucket(
            name,
            tags=self._tags(name),
            parent=self,
            policy_statements=delivery,
            expire_after_days=self._args.access_log_retention_days,
            # Logs are disposable in stacks that allow deleting the load balancer; kept where it is protected.
            force_destroy=not self._args.deletion_protection,
        )

    def _listeners(self, has_certificate: bool) -> tuple[aws.lb.Listener, Optional[aws.lb.Listener]]:
        args, name = self._args, self._name
        verify = args.origin_verify_header_value is not None
        forward = {"type": "forward", "target_group_arn": self.target_group.arn}
        # With an origin secret, requests that bypass CloudFront get a plain 403 and never reach the fleet.
        refuse = {
            "type": "fixed-response",
            "fixed_response": {"content_type": "text/plain", "status_code": "403", "message_body": "Forbidden"},
        }
        serving_default = refuse if verify else forward
        https = None
        if has_certificate:
            https = aws.lb.Listener(
                f"{name}-https", load_balancer_arn=self.alb.arn, port=443, protocol="HTTPS", ssl_policy=TLS_POLICY,
                certificate_arn=args.certificate_arn, default_actions=[serving_default], tags=self._tags(f"{name}-https"),
                opts=self._child,
            )
            redirect = {"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "status_code": "HTTP_301"}}
            http = aws.lb.Listener(
                f"{name}-http", load_balancer_arn=self.alb.arn, port=80, protocol="HTTP", default_actions=[redirect],
                tags=self._tags(f"{name}-http"), opts=self._child,
            )
        else:
            http = aws.lb.Listener(
                f"{name}-http", load_balancer_arn=self.alb.arn, port=80, protocol="HTTP", default_actions=[serving_default],
                tags=self._tags(f"{name}-http"), opts=self._child,
            )
        if verify:
            rule = f"{name}-origin-verify"
            aws.lb.ListenerRule(
                rule,
                listener_arn=(https or http).arn,
                priority=1,
                conditions=[{"http_header": {"http_header_name": ORIGIN_VERIFY_HEADER,
                                             "values": [pulumi.Output.secret(args.origin_verify_header_value)]}}],
                actions=[forward],
                tags=self._tags(rule),
                opts=self._child,
            )
        return http, https
