"""Stack config of the web shop front: CloudFront, the static-assets bucket, the custom domain."""

import re
from dataclasses import dataclass
from typing import Any, Mapping, Optional

from components.content_delivery import PriceClass
from components.web_shop import check_https_origin

from .schema import Key, matches, one_of

PATH_PATTERN_LENGTH = 255
"""CloudFront path patterns are at most 255 characters of A-Z a-z 0-9 _ - . * $ / ~ " ' @ : + and &
(CloudFront developer guide, "Path pattern": https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/DownloadDistValuesCacheBehavior.html)."""
DOMAIN = r"([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}"
"""A DNS name in lower case, e.g. shop.example.com."""


def _static_path_pattern(value: str, key: str) -> None:
    if not re.fullmatch(r"/[A-Za-z0-9_\-.*$/~\"'@:+&]+", value) or len(value) > PATH_PATTERN_LENGTH:
        raise ValueError(
            f"{key}: {value!r} is not a CloudFront path pattern (a / then up to {PATH_PATTERN_LENGTH} characters "
            "of letters, digits and _-.*$/~\"'@:+&), e.g. /static/*"
        )
    if value.strip("/*") == "":
        raise ValueError(f"{key}: {value!r} would send every request to the static bucket; name a sub-path, e.g. /static/*")


KEYS = [
    Key(
        "cdnPriceClass",
        "string",
        "PriceClass_100",
        "CloudFront edge locations: PriceClass_100, PriceClass_200 or PriceClass_All.",
        one_of(*(p.value for p in PriceClass)),
    ),
    Key(
        "staticPathPattern",
        "string",
        "/static/*",
        "Path pattern CloudFront serves from the static-assets bucket.",
        _static_path_pattern,
    ),
    Key("cdnLogging", "boolean", False, "Keep CloudFront's and the static bucket's access logs in a private log bucket."),
    Key(
        "wafWebAclArn",
        "string",
        "",
        "ARN of a WAFv2 web ACL (CLOUDFRONT scope) to attach; empty for none.",
        matches(r"arn:aws:wafv2:us-east-1:\d{12}:global/webacl/.+", "arn:aws:wafv2:us-east-1:123456789012:global/webacl/name/id"),
        example="arn:aws:wafv2:us-east-1:123456789012:global/webacl/shop/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d",
    ),
    Key(
        "domainName",
        "string",
        "",
        "Custom domain of the shop, e.g. shop.example.com; empty uses the cloudfront.net name.",
        matches(DOMAIN, "shop.example.com"),
        example="shop.example.com",
    ),
    Key(
        "originDomainName",
        "string",
        "",
        "Name CloudFront uses to reach the ALB over HTTPS (covered by certificateArn), e.g. origin.shop.example.com.",
        matches(DOMAIN, "origin.shop.example.com"),
        example="origin.shop.example.com",
    ),
    Key(
        "hostedZoneId",
        "string",
        "",
        "Route 53 hosted zone of domainName (certificate validation and alias records).",
        matches(r"Z[A-Z0-9]{1,31}", "Z0123456789ABCDEFGHIJ"),
        example="Z0123456789ABCDEFGHIJ",
    ),
]


@dataclass(frozen=True)
class CdnSettings:
    """Typed settings of the web shop front."""

    price_class: str
    static_path_pattern: str
    logging: bool
    web_acl_arn: Optional[str]
    domain_name: Optional[str]
    hosted_zone_id: Optional[str]
    origin_domain_name: Optional[str]


def build(values: Mapping[str, Any], key: Any) -> CdnSettings:
    """Build the section; a domain needs its hosted zone and the reverse."""
    if bool(values["domainName"]) != bool(values["hostedZoneId"]):
        raise ValueError(
            f"{key('domainName')}: {values['domainName']!r} and {key('hostedZoneId')}: {values['hostedZoneId']!r} "
            "go together; set both or neither"
        )
    check_https_origin(
        values["certificateArn"],
        values["originDomainName"],
        values["hostedZoneId"],
        values["domainName"],
        (key("originDomainName"), key("certificateArn"), key("hostedZoneId"), key("domainName")),
    )
    return CdnSettings(
        price_class=values["cdnPriceClass"],
        static_path_pattern=values["staticPathPattern"],
        logging=values["cdnLogging"],
        web_acl_arn=values["wafWebAclArn"] or None,
        domain_name=values["domainName"] or None,
        hosted_zone_id=values["hostedZoneId"] or None,
        origin_domain_name=values["originDomainName"] or None,
    )
