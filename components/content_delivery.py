"""ContentDelivery: CloudFront in front of a dynamic origin (the ALB) and a private static-assets bucket.

Book chapter 1, figure 1.3: static content from an object store through a CDN, dynamic content from
the load balancer; errata fig 4.2: the CDN fronts the load balancer too. Chapter 8: old object
versions move to Glacier and expire later.
"""

import re
from dataclasses import dataclass
from enum import Enum
from typing import Optional

import pulumi
import pulumi_aws as aws

from ._args import coerce_args, require
from .lambda_function import physical_name
from .network import LOG_RETENTION_DAYS
from .secure_bucket import secure_bucket
from .tags import resource_tags

ORIGIN_VERIFY_HEADER = "X-Origin-Verify"
"""Header CloudFront adds to every origin request; the load balancer forwards only requests that carry it."""
CACHING_DISABLED_POLICY = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
"""AWS managed cache policy Managed-CachingDisabled (dynamic pages)."""
CACHING_OPTIMIZED_POLICY = "658327ea-f89d-4fab-a63d-7e88639e58f6"
"""AWS managed cache policy Managed-CachingOptimized (static assets, compression on)."""
ALL_VIEWER_AND_CLOUDFRONT_HEADERS_ORIGIN_REQUEST_POLICY = "33f36d7e-f396-46d9-90e0-52428a34d9dc"
"""Managed-AllViewerAndCloudFrontHeaders-2022-06: every viewer header, cookie and query string, plus
CloudFront-Forwarded-Proto, so an application behind an HTTP origin knows the viewer used HTTPS."""
ALL_VIEWER_EXCEPT_HOST_ORIGIN_REQUEST_POLICY = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
"""Managed-AllViewerExceptHostHeader: for HTTPS origins, whose certificate names the origin, not the site."""
MINIMUM_VIEWER_TLS = "TLSv1.2_2021"
"""Security policy for viewers when the distribution has its own certificate."""
CLOUDFRONT_REGION = "us-east-1"
"""CloudFront reads certificates and vends its logs in us-east-1 only."""
STATIC_ACCESS_LOG_PREFIX = "s3-access-logs/static/"
"""Where the static-assets bucket's server access logs go in the log bucket (CloudFront's go under AWSLogs/)."""
VENDED_LOG_NAME_MAX = 60
"""CloudWatch Logs delivery source and destination names: 1 to 60 characters of [\\w-], unique in the account and region."""
_DOMAIN = re.compile(r"(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")


class PriceClass(str, Enum):
    """Which CloudFront edge locations serve the site (fewer is cheaper)."""

    PRICE_CLASS_100 = "PriceClass_100"
    """North America and Europe only: the cheapest."""
    PRICE_CLASS_200 = "PriceClass_200"
    """Adds Asia, the Middle East and Africa."""
    PRICE_CLASS_ALL = "PriceClass_All"
    """Every edge location."""


class OriginProtocol(str, Enum):
    """How CloudFront talks to the dynamic origin."""

    HTTP_ONLY = "http-only"
    """Plain HTTP: for a load balancer without a certificate (the secret header then travels unencrypted)."""
    HTTPS_ONLY = "https-only"
    """HTTPS: the load balancer has a certificate for `origin_domain_name`."""


@dataclass(frozen=True)
class ContentDeliveryArgs:
    """Inputs of the ContentDelivery component."""

    origin_domain_name: Optional[pulumi.Input[str]] = None
    """DNS name of the dynamic origin (the load balancer), served as the default behaviour."""
    origin_protocol: Optional[OriginProtocol] = OriginProtocol.HTTP_ONLY
    """Protocol from CloudFront to the dynamic origin (default http-only)."""
    origin_verify_header_value: Optional[pulumi.Input[str]] = None
    """Secret value CloudFront sends in the X-Origin-Verify header so the origin can refuse other callers (default none)."""
    static_path_pattern: Optional[str] = "/static/*"
    """Path pattern served from the static-assets bucket; keys keep the path (default /static/*)."""
    price_class: Optional[PriceClass] = PriceClass.PRICE_CLASS_100
    """Edge locations to use (default PriceClass_100, the cheapest)."""
    logging_enabled: Optional[bool] = False
    """Keep CloudFront's standard logs (v2) and the static bucket's S3 server access logs in a private log bucket (default false)."""
    log_retention_days: Optional[int] = 90
    """Days to keep access logs in the log bucket (default 90)."""
    web_acl_arn: Optional[pulumi.Input[str]] = None
    """ARN of a WAFv2 web ACL with CLOUDFRONT scope to attach (default none)."""
    domain_name: Optional[str] = None
    """Custom domain of the site, e.g. shop.example.com; needs `hosted_zone_id` (default none: the cloudfront.net name)."""
    hosted_zone_id: Optional[str] = None
    """Route 53 hosted zone of `domain_name`, for certificate validation and the alias records (default none)."""
    noncurrent_to_glacier_after_days: Optional[int] = 30
    """Days after which replaced versions of static assets move to Glacier (default 30)."""
    noncurrent_expire_after_days: Optional[int] = 365
    """Days after which replaced versions of static assets are deleted (default 365)."""
    protect: Optional[bool] = False
    """Protect the static-assets bucket against deletion by Pulumi; unprotected, `pulumi destroy` empties the static and
    log buckets (every object version) and deletes them (default false)."""
    tags: Optional[dict[str, str]] = None
    """Extra tags for every resource (default none)."""


def validate_content_delivery_args(args: ContentDeliveryArgs) -> None:
    """Refuse inconsistent inputs with a ValueError naming the argument and the value."""
    require(args, "origin_domain_name")
    pattern = args.static_path_pattern
    if not isinstance(pattern, str) or not pattern.startswith("/") or pattern == "/*" or len(pattern) > 255:
        raise ValueError(f"static_path_pattern: {pattern!r} must start with / and name a sub-path, e.g. /static/*")
    for argument, enum in (("price_class", PriceClass), ("origin_protocol", OriginProtocol)):
        try:
            enum(getattr(args, argument))
        except ValueError:
            allowed = ", ".join(member.value for member in enum)
            raise ValueError(f"{argument}: {getattr(args, argument)!r} is not allowed; use one of {allowed}") from None
    if bool(args.domain_name) != bool(args.hosted_zone_id):
        raise ValueError(f"domain_name: {args.domain_name!r} and hosted_zone_id: {args.hosted_zone_id!r} go together; set both or neither")
    if args.domain_name and not _DOMAIN.fullmatch(args.domain_name):
        raise ValueError(f"domain_name: {args.domain_name!r} is not a lower-case DNS name such as shop.example.com")
    if args.log_retention_days not in LOG_RETENTION_DAYS or args.log_retention_days < 1:
        raise ValueError(f"log_retention_days: {args.log_retention_days!r} is not allowed; use one of {LOG_RETENTION_DAYS}")
    if args.noncurrent_expire_after_days <= args.noncurrent_to_glacier_after_days:
        raise ValueError(
            f"noncurrent_expire_after_days: {args.noncurrent_expire_after_days} must be later than "
            f"noncurrent_to_glacier_after_days ({args.noncurrent_to_glacier_after_days})"
        )
    web_acl = args.web_acl_arn
    if isinstance(web_acl, str) and not re.fullmatch(r"arn:aws:wafv2:us-east-1:\d{12}:global/webacl/.+", web_acl):
        raise ValueError(
            f"web_acl_arn: {web_acl!r} is not a WAFv2 web ACL with CLOUDFRONT scope (arn:aws:wafv2:us-east-1:<account>:global/webacl/...)"
        )


def vended_log_name(name: str, role: str) -> str:
    """Name of this component's log delivery source or destination: `<project>-<stack>-<name>-<role>`, so two stacks
    (or two components) in one account never claim the same name; shortened with a hash past 60 characters."""
    return physical_name(pulumi.get_project(), pulumi.get_stack(), name, role, max_length=VENDED_LOG_NAME_MAX)


def server_access_log_statement(log_bucket_arn: pulumi.Input[str], source_bucket_arn: pulumi.Input[str], account: str) -> dict:
    """S3 server access logging writes into a bucket whose ACLs are disabled (BucketOwnerEnforced) only through
    this bucket policy grant to logging.s3.amazonaws.com, for this source bucket and account, under its prefix
    ("Permissions for log delivery": https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html)."""
    return {
        "Sid": "S3ServerAccessLogsWrite",
        "Effect": "Allow",
        "Principal": {"Service": "logging.s3.amazonaws.com"},
        "Action": "s3:PutObject",
        "Resource": pulumi.Output.from_input(log_bucket_arn).apply(lambda a: f"{a}/{STATIC_ACCESS_LOG_PREFIX}*"),
        "Condition": {"ArnLike": {"aws:SourceArn": source_bucket_arn}, "StringEquals": {"aws:SourceAccount": account}},
    }


class ContentDelivery(pulumi.ComponentResource):
    """CloudFront with two origins: the load balancer (default, not cached) and a private S3 bucket for static assets."""

    distribution_id: pulumi.Output[str]
    """ID of the CloudFront distribution."""
    distribution_arn: pulumi.Output[str]
    """ARN of the CloudFront distribution."""
    cloudfront_domain_name: pulumi.Output[str]
    """The distribution's own domain name (dxxxx.cloudfront.net)."""
    site_url: pulumi.Output[str]
    """https URL of the site: the custom domain when set, else the cloudfront.net name."""
    static_bucket_name: pulumi.Output[str]
    """Name of the private bucket holding the static assets."""
    static_bucket_arn: pulumi.Output[str]
    """ARN of the static-assets bucket."""
    log_bucket_name: pulumi.Output[Optional[str]]
    """Name of the access-log bucket (None when logging is off)."""

    def __init__(self, name: str, args: ContentDeliveryArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        args = coerce_args(args, ContentDeliveryArgs)
        validate_content_delivery_args(args)
        super().__init__("awsinaction:index:ContentDelivery", name, None, opts)
        self._name, self._args = name, args
        child = pulumi.ResourceOptions(parent=self)

        oac = aws.cloudfront.OriginAccessControl(
            f"{name}-static",
            description="CloudFront reads the static-assets bucket with SigV4",
            origin_access_control_origin_type="s3",
            signing_behavior="always",
            signing_protocol="sigv4",
            opts=child,
        )
        # The bucket policy names the distribution, which needs the bucket first: attach the policy afterwards.
        assets = secure_bucket(
            f"{name}-static",
            tags=self._tags(f"{name}-static"),
            parent=self,
            versioning=True,
            noncurrent_to_glacier_after_days=args.noncurrent_to_glacier_after_days,
            noncurrent_expire_after_days=args.noncurrent_expire_after_days,
            protect=bool(args.protect),
            # Uploaded assets (every version) must not block `pulumi destroy` of a throw-away stack; a protected one keeps them.
            force_destroy=not args.protect,
            attach_policy=False,
        )
        certificate_arn = self._certificate() if args.domain_name else None
        distribution = self._distribution(assets.bucket, oac, certificate_arn)
        assets.attach_policy(
            lambda arn: [
                {
                    "Sid": "AllowThisDistributionOnly",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudfront.amazonaws.com"},
                    "Action": "s3:GetObject",
                    "Resource": arn.apply(lambda a: f"{a}/*"),
                    "Condition": {"StringEquals": {"AWS:SourceArn": distribution.arn}},
                }
            ]
        )
        log_bucket = self._access_logs(distribution, assets.bucket) if args.logging_enabled else None
        if args.domain_name:
            self._alias_records(distribution)

        self.distribution_id = distribution.id
        self.distribution_arn = distribution.arn
        self.cloudfront_domain_name = distribution.domain_name
        self.site_url = (
            pulumi.Output.from_input(f"https://{args.domain_name}")
            if args.domain_name
            else distribution.domain_name.apply(lambda domain: f"https://{domain}")
        )
        self.static_bucket_name = assets.bucket.bucket
        self.static_bucket_arn = assets.bucket.arn
        self.log_bucket_name = log_bucket.bucket if log_bucket else pulumi.Output.from_input(None)
        self.register_outputs(
            {
                "distribution_id": self.distribution_id,
                "distribution_arn": self.distribution_arn,
                "cloudfront_domain_name": self.cloudfront_domain_name,
                "site_url": self.site_url,
                "static_bucket_name": self.static_bucket_name,
                "static_bucket_arn": self.static_bucket_arn,
                "log_bucket_name": self.log_bucket_name,
            }
        )

    def _tags(self, name: str, **more: str) -> dict[str, str]:
        return resource_tags(name, "ContentDelivery", self._args.tags, **more)

    def _distribution(
        self, bucket: aws.s3.Bucket, oac: aws.cloudfront.OriginAccessControl, certificate_arn: Optional[pulumi.Output[str]]
    ) -> aws.cloudfront.Distribution:
        args = self._args
        https_origin = OriginProtocol(args.origin_protocol) == OriginProtocol.HTTPS_ONLY
        dynamic_origin: dict = {
            "origin_id": "load-balancer",
            "domain_name": args.origin_domain_name,
            "custom_origin_config": {
                "http_port": 80,
                "https_port": 443,
                "origin_protocol_policy": OriginProtocol(args.origin_protocol).value,
                "origin_ssl_protocols": ["TLSv1.2"],
            },
        }
        if args.origin_verify_header_value is not None:
            dynamic_origin["custom_headers"] = [
                {"name": ORIGIN_VERIFY_HEADER, "value": pulumi.Output.secret(args.origin_verify_header_value)}
            ]
        static_origin = {
            "origin_id": "static-assets",
            "domain_name": bucket.bucket_regional_domain_name,
            "origin_access_control_id": oac.id,
        }
        viewer_certificate = (
            {"acm_certificate_arn": certificate_arn, "ssl_support_method": "sni-only", "minimum_protocol_version": MINIMUM_VIEWER_TLS}
            if certificate_arn is not None
            else {"cloudfront_default_certificate": True}
        )
        return aws.cloudfront.Distribution(
            f"{self._name}-cdn",
            comment=f"{pulumi.get_project()}-{pulumi.get_stack()} {self._name}",
            enabled=True,
            is_ipv6_enabled=True,
            http_version="http2and3",
            price_class=PriceClass(args.price_class).value,
            aliases=[args.domain_name] if args.domain_name else None,
            web_acl_id=args.web_acl_arn,
            origins=[dynamic_origin, static_origin],
            default_cache_behavior={
                "target_origin_id": "load-balancer",
                "viewer_protocol_policy": "redirect-to-https",
                "allowed_methods": ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
                "cached_methods": ["GET", "HEAD"],
                "cache_policy_id": CACHING_DISABLED_POLICY,
                "origin_request_policy_id": ALL_VIEWER_EXCEPT_HOST_ORIGIN_REQUEST_POLICY
                if https_origin
                else ALL_VIEWER_AND_CLOUDFRONT_HEADERS_ORIGIN_REQUEST_POLICY,
                "compress": True,
            },
            ordered_cache_behaviors=[
                {
                    "path_pattern": args.static_path_pattern,
                    "target_origin_id": "static-assets",
                    "viewer_protocol_policy": "redirect-to-https",
                    "allowed_methods": ["GET", "HEAD", "OPTIONS"],
                    "cached_methods": ["GET", "HEAD"],
                    "cache_policy_id": CACHING_OPTIMIZED_POLICY,
                    "compress": True,
                }
            ],
            restrictions={"geo_restriction": {"restriction_type": "none"}},
            viewer_certificate=viewer_certificate,
            tags=self._tags(f"{self._name}-cdn"),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _certificate(self) -> pulumi.Output[str]:
        """An ACM certificate in us-east-1 (where CloudFront reads them), validated through Route 53."""
        args, name = self._args, f"{self._name}-certificate"
        child = pulumi.ResourceOptions(parent=self)
        # pulumi-aws v7's per-resource `region` replaces a second provider, which would not inherit aws:profile.
        certificate = aws.acm.Certificate(
            name, domain_name=args.domain_name, validation_method="DNS", region=CLOUDFRONT_REGION, tags=self._tags(name), opts=child
        )
        option = certificate.domain_validation_options[0]
        record = aws.route53.Record(
            f"{name}-validation",
            zone_id=args.hosted_zone_id,
            name=option.resource_record_name,
            type=option.resource_record_type,
            records=[option.resource_record_value],
            ttl=300,
            allow_overwrite=True,
            opts=child,
        )
        validation = aws.acm.CertificateValidation(
            name, certificate_arn=certificate.arn, validation_record_fqdns=[record.fqdn], region=CLOUDFRONT_REGION, opts=child
        )
        return validation.certificate_arn

    def _alias_records(self, distribution: aws.cloudfront.Distribution) -> None:
        for record_type in ("A", "AAAA"):
            aws.route53.Record(
                f"{self._name}-alias-{record_type.lower()}",
                zone_id=self._args.hosted_zone_id,
                name=self._args.domain_name,
                type=record_type,
                aliases=[{"name": distribution.domain_name, "zone_id": distribution.hosted_zone_id, "evaluate_target_health": False}],
                opts=pulumi.ResourceOptions(parent=self),
            )

    def _access_logs(self, distribution: aws.cloudfront.Distribution, assets: aws.s3.Bucket) -> aws.s3.Bucket:
        """Standard logging v2 (CloudWatch vended-log delivery) and the static-assets bucket's server access logs,
        both into one private bucket (no ACLs needed). The log bucket does not log itself: its logs would land in it."""
        name = f"{self._name}-logs"
        child = pulumi.ResourceOptions(parent=self)
        account = aws.get_caller_identity().account_id
        logs = secure_bucket(
            name,
            tags=self._tags(name),
            parent=self,
            expire_after_days=self._args.log_retention_days,
            # As for the load balancer's logs: a stack that is not protected may be destroyed with its logs.
            force_destroy=not self._args.protect,
            # The statements CloudWatch Logs documents for vended-log delivery; with them in place it adds
            # none of its own at CreateDelivery, so Pulumi sees no drift.
            policy_statements=lambda arn: [
                server_access_log_statement(arn, assets.arn, account),
                {
                    "Sid": "AWSLogDeliveryWrite",
                    "Effect": "Allow",
                    "Principal": {"Service": "delivery.logs.amazonaws.com"},
                    "Action": "s3:PutObject",
                    "Resource": arn.apply(lambda a: f"{a}/AWSLogs/{account}/*"),
                    "Condition": {
                        "StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": account},
                        "ArnLike": {"aws:SourceArn": f"arn:aws:logs:{CLOUDFRONT_REGION}:{account}:*"},
                    },
                },
                {
                    "Sid": "AWSLogDeliveryAclCheck",
                    "Effect": "Allow",
                    "Principal": {"Service": "delivery.logs.amazonaws.com"},
                    "Action": "s3:GetBucketAcl",
                    "Resource": arn,
                    "Condition": {
                        "StringEquals": {"aws:SourceAccount": account},
                        "ArnLike": {"aws:SourceArn": f"arn:aws:logs:{CLOUDFRONT_REGION}:{account}:*"},
                    },
                },
            ],
        )
        source = aws.cloudwatch.LogDeliverySource(
            name,
            name=vended_log_name(self._name, "access"),
            log_type="ACCESS_LOGS",
            resource_arn=distribution.arn,
            region=CLOUDFRONT_REGION,
            tags=self._tags(name),
            opts=child,
        )
        destination = aws.cloudwatch.LogDeliveryDestination(
            name,
            name=vended_log_name(self._name, "bucket"),
            output_format="parquet",
            delivery_destination_configuration={"destination_resource_arn": logs.bucket.arn},
            region=CLOUDFRONT_REGION,
            tags=self._tags(name),
            opts=child,
        )
        aws.cloudwatch.LogDelivery(
            name,
            delivery_source_name=source.name,
            delivery_destination_arn=destination.arn,
            region=CLOUDFRONT_REGION,
            tags=self._tags(name),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[logs.policy]),
        )
        aws.s3.BucketLogging(
            f"{self._name}-static",
            bucket=assets.id,
            target_bucket=logs.bucket.id,
            target_prefix=STATIC_ACCESS_LOG_PREFIX,
            # [prefix][account]/[region]/[bucket]/[YYYY]/[MM]/[DD]/...: partitions Athena can prune by date.
            target_object_key_format={"partitioned_prefix": {"partition_date_source": "EventTime"}},
            opts=pulumi.ResourceOptions(parent=self, depends_on=[logs.policy]),
        )
        return logs.bucket
