"""A static website with its own domain, in the style of Pulumi's aws-py-static-website example.

Imitates the example: `targetDomain` as a required config key, files uploaded from a folder with
their MIME types, an ACM certificate in us-east-1 through an explicit provider, the validation
record built from the certificate's `domain_validation_options`, the hosted zone found with
`route53.get_zone`, and alias records for the distribution. Unlike the 2020 example it keeps the
bucket private and lets only this distribution read it, through origin access control.

Meant to be clean by a careful team's standards.
"""

import json
import mimetypes
import os

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
target_domain = config.require("targetDomain")
contents_dir = config.get("pathToWebsiteContents") or "www"
zone_name = ".".join(target_domain.split(".")[1:])

content_bucket = aws.s3.Bucket("contentBucket")
aws.s3.BucketPublicAccessBlock(
    "contentBucketPublicAccess",
    bucket=content_bucket.id,
    block_public_acls=True,
    block_public_policy=True,
    ignore_public_acls=True,
    restrict_public_buckets=True,
)
aws.s3.BucketServerSideEncryptionConfiguration(
    "contentBucketEncryption",
    bucket=content_bucket.id,
    rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}}],
)

for root, _dirs, files in os.walk(contents_dir):
    for file_name in files:
        path = os.path.join(root, file_name)
        key = os.path.relpath(path, contents_dir)
        aws.s3.BucketObjectv2(
            key,
            bucket=content_bucket.id,
            key=key,
            source=pulumi.FileAsset(path),
            content_type=mimetypes.guess_type(path)[0] or "application/octet-stream",
        )

# CloudFront only accepts certificates from us-east-1.
us_east_1 = aws.Provider("east", region="us-east-1")
certificate = aws.acm.Certificate(
    "certificate",
    domain_name=target_domain,
    validation_method="DNS",
    opts=pulumi.ResourceOptions(provider=us_east_1),
)

zone = aws.route53.get_zone(name=zone_name, private_zone=False)
validation_option = certificate.domain_validation_options[0]
validation_record = aws.route53.Record(
    f"{target_domain}-validation",
    zone_id=zone.zone_id,
    name=validation_option.resource_record_name,
    type=validation_option.resource_record_type,
    records=[validation_option.resource_record_value],
    ttl=600,
)
validated = aws.acm.CertificateValidation(
    "certificateValidation",
    certificate_arn=certificate.arn,
    validation_record_fqdns=[validation_record.fqdn],
    opts=pulumi.ResourceOptions(provider=us_east_1),
)

origin_access = aws.cloudfront.OriginAccessControl(
    "contentOac",
    origin_access_control_origin_type="s3",
    signing_behavior="always",
    signing_protocol="sigv4",
)
caching_optimized = aws.cloudfront.get_cache_policy(name="Managed-CachingOptimized")
security_headers = aws.cloudfront.get_response_headers_policy(name="Managed-SecurityHeadersPolicy")

origin_id = "s3-content"
cdn = aws.cloudfront.Distribution(
    "cdn",
    enabled=True,
    is_ipv6_enabled=True,
    http_version="http2and3",
    aliases=[target_domain],
    default_root_object="index.html",
    price_class="PriceClass_100",
    origins=[
        {
            "origin_id": origin_id,
            "domain_name": content_bucket.bucket_regional_domain_name,
            "origin_access_control_id": origin_access.id,
        }
    ],
    default_cache_behavior={
        "target_origin_id": origin_id,
        "viewer_protocol_policy": "redirect-to-https",
        "allowed_methods": ["GET", "HEAD", "OPTIONS"],
        "cached_methods": ["GET", "HEAD"],
        "compress": True,
        "cache_policy_id": caching_optimized.id,
        "response_headers_policy_id": security_headers.id,
    },
    custom_error_responses=[{"error_code": 404, "response_code": 404, "response_page_path": "/404.html"}],
    restrictions={"geo_restriction": {"restriction_type": "none"}},
    viewer_certificate={
        "acm_certificate_arn": validated.certificate_arn,
        "ssl_support_method": "sni-only",
        "minimum_protocol_version": "TLSv1.2_2021",
    },
)


def bucket_policy(bucket_arn: str, distribution_arn: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "CloudFrontReadsContent",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudfront.amazonaws.com"},
                    "Action": "s3:GetObject",
                    "Resource": f"{bucket_arn}/*",
                    "Condition": {"StringEquals": {"AWS:SourceArn": distribution_arn}},
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


aws.s3.BucketPolicy(
    "contentBucketPolicy",
    bucket=content_bucket.id,
    policy=pulumi.Output.all(content_bucket.arn, cdn.arn).apply(lambda arns: bucket_policy(*arns)),
)

for record_type in ("A", "AAAA"):
    aws.route53.Record(
        f"{target_domain}-{record_type.lower()}",
        zone_id=zone.zone_id,
        name=target_domain,
        type=record_type,
        aliases=[{"name": cdn.domain_name, "zone_id": cdn.hosted_zone_id, "evaluate_target_health": False}],
    )

pulumi.export("url", f"https://{target_domain}")
pulumi.export("distribution_id", cdn.id)
