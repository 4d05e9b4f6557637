"""Stack config of the web shop front: CloudFront, the static-assets bucket, the custom domain."""

from dataclasses import dataclass
from typing import Any, Mapping, Optional

from components.content_delivery import PriceClass
from components.web_shop import check_https_origin

from .schema import Key, matches, one_of

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
        matches(r"/[A-Za-z0-9_\-./*]+", "/static/*", empty_ok=False),
    ),
    Key("cdnLogging", "boolean", False, "Deliver CloudFront access logs to a private log bucket."),
    Key(
        "wafWebAclArn",
        "string",
        "",
        "ARN of a WAFv2 web ACL (CLOUDFRONT scope) to attach; empty for none.",
        matches(r"arn:aws:wafv2:us-east-1:\d{12}:global/webacl/.+", "arn:aws:wafv2:us-east-1:123456789012:global/webacl/name/id"),
    ),
    Key(
        "domainName",
        "string",
        "",
        "Custom domain of the shop, e.g. shop.example.com; empty uses the cloudfront.net name.",
        matches(r"([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}", "shop.example.com"),
    ),
    Key(
        "originDomainName",
        "string",
        "",
        "Name CloudFront uses to reach the ALB over HTTPS (covered by certificateArn), e.g. origin.shop.example.com.",
        matches(r"([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}", "origin.shop.example.com"),
    ),
    Key(
        "hostedZoneId",
        "string",
        "",
        "Route 53 hosted zone of domainName (certificate validation and alias records).",
        matches(r"Z[A-Z0-9]{1,31}", "Z0123456789ABCDEFGHIJ"),
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
