"""Transport: viewers reach CloudFront and the load balancers over modern TLS, never plain HTTP; CloudFront reaches
its origins over TLS 1.2."""

import fnmatch
from typing import Any

from pulumi_policy import (
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from ._props import StackIndex, Verdicts, get, is_true, items, policy_config
from .addresses import internet_wide
from .network import CLASSIC_LOAD_BALANCER, GROUPS, PREFIX_SCHEMA, group_grants, internet_facing, prefix_limits

DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
LOAD_BALANCERS = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
LISTENERS = ("aws:lb/listener:Listener", "aws:alb/listener:Listener")
LISTENER_RULES = ("aws:lb/listenerRule:ListenerRule", "aws:alb/listenerRule:ListenerRule")
HTTPS_VIEWER_POLICIES = ("redirect-to-https", "https-only")
MODERN_TLS = ["TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"]
"""CloudFront security policies that accept only TLS 1.2+ with modern ciphers."""
ORIGIN_PROTOCOLS = ["TLSv1.2"]
"""The only protocol CloudFront should offer a custom origin (SSLv3, TLSv1 and TLSv1.1 are broken or deprecated)."""
LISTENER_POLICIES = [
    "ELBSecurityPolicy-TLS13-1-2-*",
    "ELBSecurityPolicy-TLS13-1-3-*",
    "ELBSecurityPolicy-FS-1-2-*",
    "ELBSecurityPolicy-TLS-1-2-*",
]
"""Load balancer security policies (fnmatch patterns) that accept only TLS 1.2 or newer."""
DEFAULT_LISTENER_POLICY = "ELBSecurityPolicy-2016-08"
"""What the provider sends when an HTTPS or TLS listener names no ssl_policy (it still accepts TLS 1.0)."""


def validate_cloudfront_https(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != DISTRIBUTION:
        return
    cfg = policy_config(args, {"allowedMinimumProtocolVersions": MODERN_TLS, "allowDefaultCertificate": True})
    behaviors = [("defaultCacheBehavior", get(args.props, "defaultCacheBehavior", default={}))]
    behaviors += [
        (f"orderedCacheBehaviors[{i}] ({get(b, 'pathPattern')})", b) for i, b in enumerate(items(get(args.props, "orderedCacheBehaviors")))
    ]
    for where, behavior in behaviors:
        policy = get(behavior, "viewerProtocolPolicy")
        if policy not in HTTPS_VIEWER_POLICIES:
            report(
                f'{where}: viewerProtocolPolicy is {policy!r}, so plain HTTP is served. Fix: viewer_protocol_policy="redirect-to-https".'
            )
    certificate = get(args.props, "viewerCertificate", default={})
    if is_true(get(certificate, "cloudfrontDefaultCertificate")):
        if not cfg["allowDefaultCertificate"]:
            report(
                "viewerCertificate uses the default *.cloudfront.net certificate, whose minimum protocol cannot be raised. "
                f'Fix: an ACM certificate (us-east-1) with ssl_support_method="sni-only" and minimum_protocol_version={MODERN_TLS[0]}.'
            )
        return
    version = get(certificate, "minimumProtocolVersion", default="TLSv1")
    if version not in cfg["allowedMinimumProtocolVersions"]:
        report(
            f"viewerCertificate.minimumProtocolVersion is {version}, which still accepts old TLS versions or ciphers. "
            f'Fix: minimum_protocol_version="{MODERN_TLS[0]}".'
        )


def validate_cloudfront_origin_tls(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != DISTRIBUTION:
        return
    allowed = list(policy_config(args, {"allowedOriginProtocols": ORIGIN_PROTOCOLS})["allowedOriginProtocols"])
    for index, origin in enumerate(items(get(args.props, "origins"))):
        custom = get(origin, "customOriginConfig")
        if custom is None:
            continue  # S3 and VPC origins: CloudFront always uses HTTPS
        where = f"origins[{index}] ({get(origin, 'originId', default='?')})"
        policy = get(custom, "originProtocolPolicy")
        if policy != "https-only":
            report(
                f"{where}: originProtocolPolicy is {policy!r}, so CloudFront sends requests (cookies, form posts, the "
                'origin-verify header) to the origin over plain HTTP. Fix: origin_protocol_policy="https-only" with a '
                "certificate on the origin for a name it answers to."
            )
        offered = [str(p) for p in items(get(custom, "originSslProtocols"))]
        weak = [p for p in offered if p not in allowed]
        if weak:
            report(
                f"{where}: originSslProtocols offers {', '.join(weak)}, which are broken or deprecated. "
                f"Fix: origin_ssl_protocols={allowed!r}."
            )


def validate_listener_modern_tls(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type not in LISTENERS:
        return
    protocol = get(args.props, "protocol")
    if protocol not in ("HTTPS", "TLS"):
        return
    allowed = list(policy_config(args, {"allowedSslPolicies": LISTENER_POLICIES})["allowedSslPolicies"])
    policy = get(args.props, "sslPolicy", default=DEFAULT_LISTENER_POLICY)
    if not any(fnmatch.fnmatchcase(str(policy), pattern) for pattern in allowed):
        named = "" if get(args.props, "sslPolicy") else " (the provider's default when ssl_policy is not set)"
        report(
            f"sslPolicy is {policy}{named}, which still accepts TLS 1.0/1.1 or weak ciphers. "
            'Fix: ssl_policy="ELBSecurityPolicy-TLS13-1-2-2021-06" (TLS 1.2 and 1.3 only).'
        )


def _https(listener: Any) -> bool:
    return get(listener.props, "protocol") == "HTTPS" or bool(get(listener.props, "certificateArn"))


def _redirects_to_https(actions: Any) -> bool:
    first = items(actions)[:1]
    return bool(first) and get(first[0], "type") == "redirect" and get(first[0], "redirect", "protocol") == "HTTPS"


def _exposed_ports(stack: StackIndex, balancer: Any, grants: dict[str, list[Any]], limits: dict[int, int]) -> Any:
    """Whether the internet reaches a port of an internet-facing load balancer: a function of the port, or None
    when its security groups are not in the stack (a lookup or a literal ID), so nobody can tell."""
    if not internet_facing(balancer):
        return lambda port: False
    groups = stack.refs(balancer, "securityGroups", types=GROUPS)
    if stack.dangling(balancer, "securityGroups") and not groups:
        return None
    sources = [g.permission for group in groups for g in grants.get(group.urn, [])]
    # No security group at all: AWS attaches the VPC's default group, which admits only itself.
    return lambda port: internet_wide([p.cidr for p in sources if p.covers(port)], limits)


def validate_alb_redirects_http(args: StackValidationArgs, report: ReportViolation) -> None:
    stack = StackIndex(args.resources)
    verdicts = Verdicts()
    limits = prefix_limits(policy_config(args, {}))
    grants = group_grants(stack, verdicts)
    by_balancer: dict[str, list[Any]] = {}
    for listener in stack.of_type(*LISTENERS):
        for balancer in stack.refs(listener, "loadBalancerArn", types=LOAD_BALANCERS):
            by_balancer.setdefault(balancer.urn, []).append(listener)

    def judge_balancer(balancer: Any) -> None:
        own = by_balancer.get(balancer.urn, [])
        if get(balancer.props, "loadBalancerType", default="application") != "application":
            return
        has_https = any(_https(x) for x in own)
        exposed = _exposed_ports(stack, balancer, grants, limits)
        for listener in own:
            if get(listener.props, "protocol", default="HTTP") != "HTTP":
                continue
            port = int(get(listener.props, "port", default=80))
            if not has_https and exposed is None:
                verdicts.cannot_judge(listener, "its load balancer's security groups come from outside the program")
                continue
            if not has_https and not exposed(port):
                continue
            why = f"{balancer.name} has an HTTPS listener" if has_https else f"the internet reaches port {port} of {balancer.name}"
            if not _redirects_to_https(get(listener.props, "defaultActions")):
                report(
                    f"It serves plain HTTP although {why}: passwords and cookies cross the internet unencrypted. "
                    'Fix: default_actions=[{"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", '
                    '"status_code": "HTTP_301"}}] (with an HTTPS listener and a certificate).',
                    listener.urn,
                )
            for rule in stack.referrers(listener, LISTENER_RULES, "listenerArn"):
                if not _redirects_to_https(get(rule.props, "actions")):
                    report(f"It forwards plain HTTP traffic of {listener.name}. Fix: attach the rule to the HTTPS listener.", rule.urn)

    def judge_classic(balancer: Any) -> None:
        exposed = _exposed_ports(stack, balancer, grants, limits)
        for index, listener in enumerate(items(get(balancer.props, "listeners"))):
            if str(get(listener, "lbProtocol", default="")).lower() != "http":
                continue
            port = int(get(listener, "lbPort", default=80))
            if exposed is None:
                verdicts.cannot_judge(balancer, "its security groups come from outside the program")
            elif exposed(port) or (not items(get(balancer.props, "securityGroups")) and internet_facing(balancer)):
                report(
                    f"listeners[{index}]: plain HTTP on port {port} of an internet-facing classic load balancer, which "
                    "cannot redirect to HTTPS. Fix: an application load balancer with an HTTP-to-HTTPS redirect, or "
                    'lb_protocol="https" with an ssl_certificate_id.',
                    balancer.urn,
                )

    verdicts.each(stack.of_type(*LOAD_BALANCERS), judge_balancer)
    verdicts.each(stack.of_type(CLASSIC_LOAD_BALANCER), judge_classic)
    verdicts.finish()


def _strings(key: str, default: list[str], description: str) -> PolicyConfigSchema:
    """A config schema of one list-of-strings property."""
    return PolicyConfigSchema(
        properties={key: {"type": "array", "items": {"type": "string"}, "default": default, "description": description}}
    )


POLICIES = [
    ResourceValidationPolicy(
        name="cloudfront-https-modern-tls",
        description="CloudFront redirects viewers to HTTPS and accepts only a modern TLS security policy.",
        validate=validate_cloudfront_https,
        config_schema=PolicyConfigSchema(
            properties={
                "allowedMinimumProtocolVersions": {
                    "type": "array",
                    "items": {"type": "string"},
                    "default": MODERN_TLS,
                    "description": "Accepted viewerCertificate.minimumProtocolVersion values.",
                },
                "allowDefaultCertificate": {
                    "type": "boolean",
                    "default": True,
                    "description": "Accept the default *.cloudfront.net certificate (no custom domain; AWS fixes its TLS policy).",
                },
            }
        ),
        remediation_steps='viewer_protocol_policy="redirect-to-https" and minimum_protocol_version="TLSv1.2_2021".',
    ),
    StackValidationPolicy(
        name="alb-http-redirects-to-https",
        description=(
            "A load balancer that has an HTTPS listener, or that the internet reaches, redirects HTTP to HTTPS "
            "(classic load balancers serve no plain HTTP to the internet)."
        ),
        validate=validate_alb_redirects_http,
        config_schema=PolicyConfigSchema(properties=dict(PREFIX_SCHEMA)),
        remediation_steps="Make the HTTP listener's default action a redirect to HTTPS.",
    ),
    ResourceValidationPolicy(
        name="cloudfront-origin-tls",
        description="CloudFront reaches custom origins over HTTPS only, offering TLS 1.2 only.",
        validate=validate_cloudfront_origin_tls,
        config_schema=_strings(
            "allowedOriginProtocols", ORIGIN_PROTOCOLS, "Protocols CloudFront may offer a custom origin (originSslProtocols)."
        ),
        remediation_steps='origin_protocol_policy="https-only" and origin_ssl_protocols=["TLSv1.2"] (needs a certificate on the origin).',
    ),
    ResourceValidationPolicy(
        name="lb-listener-modern-tls",
        description="HTTPS and TLS listeners of load balancers use a security policy that accepts only TLS 1.2 or newer.",
        validate=validate_listener_modern_tls,
        config_schema=_strings("allowedSslPolicies", LISTENER_POLICIES, "Accepted ssl_policy names (fnmatch patterns)."),
        remediation_steps='ssl_policy="ELBSecurityPolicy-TLS13-1-2-2021-06".',
    ),
]
