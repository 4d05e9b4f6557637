"""Transport: viewers reach CloudFront and the load balancer over modern TLS, never plain HTTP."""

from typing import Any

from pulumi_policy import (
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from ._props import StackIndex, get, is_true, items, policy_config

DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
LOAD_BALANCERS = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
LISTENERS = ("aws:lb/listener:Listener", "aws:alb/listener:Listener")
LISTENER_RULES = ("aws:lb/listenerRule:ListenerRule", "aws:alb/listenerRule:ListenerRule")
HTTPS_VIEWER_POLICIES = ("redirect-to-https", "https-only")
MODERN_TLS = ["TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"]
"""CloudFront security policies that accept only TLS 1.2+ with modern ciphers."""


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


def _https(listener: Any) -> bool:
    return get(listener.props, "protocol") == "HTTPS" or bool(get(listener.props, "certificateArn"))


def _redirects_to_https(actions: Any) -> bool:
    first = items(actions)[:1]
    return bool(first) and get(first[0], "type") == "redirect" and get(first[0], "redirect", "protocol") == "HTTPS"


def validate_alb_redirects_http(args: StackValidationArgs, report: ReportViolation) -> None:
    stack = StackIndex(args.resources)
    listeners = stack.of_type(*LISTENERS)
    by_balancer: dict[str, list[Any]] = {}
    for listener in listeners:
        for balancer in stack.refs(listener, "loadBalancerArn", types=LOAD_BALANCERS):
            by_balancer.setdefault(balancer.urn, []).append(listener)
    for balancer in stack.of_type(*LOAD_BALANCERS):
        own = by_balancer.get(balancer.urn, [])
        if get(balancer.props, "loadBalancerType", default="application") != "application" or not any(_https(x) for x in own):
            continue
        for listener in own:
            if get(listener.props, "protocol", default="HTTP") != "HTTP":
                continue
            if not _redirects_to_https(get(listener.props, "defaultActions")):
                report(
                    f"It serves plain HTTP although {balancer.name} has an HTTPS listener. "
                    'Fix: default_actions=[{"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", '
                    '"status_code": "HTTP_301"}}].',
                    listener.urn,
                )
            for rule in stack.referrers(listener, LISTENER_RULES, "listenerArn"):
                if not _redirects_to_https(get(rule.props, "actions")):
                    report(f"It forwards plain HTTP traffic of {listener.name}. Fix: attach the rule to the HTTPS listener.", rule.urn)


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
        description="An application load balancer with an HTTPS listener redirects HTTP to HTTPS.",
        validate=validate_alb_redirects_http,
        remediation_steps="Make the HTTP listener's default action a redirect to HTTPS.",
    ),
]
