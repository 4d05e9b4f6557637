"""Cost models of the network: public addresses, NAT gateways, load balancers, interface endpoints, CloudFront and
data transfer."""

from typing import Any, Optional

from ._props import get, is_list, is_true, known
from .costing import Context, Cost, MissingPriceError

INTERNET_TIERS = [
    (10240.0, "internetFirst10Tb"),
    (51200.0, "internetNext40Tb"),
    (153600.0, "internetNext100Tb"),
    (float("inf"), "internetOver150Tb"),
]
"""Data transfer out to the internet, per month: the first 10 TB, the next 40 TB, the next 100 TB, then the rest."""


def eip(resource: Any, ctx: Context) -> Cost:
    return ctx.price("publicIpv4Hour") * ctx.hours, f"public IPv4 x {ctx.hours:.0f} h"


def nat_gateway(resource: Any, ctx: Context) -> Cost:
    gb = ctx.use(resource, "natGatewayGbPerMonth")
    cost = ctx.price("natGateway", "hour") * ctx.hours + gb * ctx.price("natGateway", "gbProcessed")
    return cost, f"{ctx.hours:.0f} h + {gb:g} GB processed"


def _count(ctx: Context, resource: Any, prop: str) -> int:
    """How many entries a list property has; during a preview, how many resources it depends on."""
    value = known(resource.props, prop)
    return len(value) if is_list(value) else len(ctx.stack.refs(resource, prop))


def alb_lcus(
    new_connections_per_second: float, active_connections_per_minute: float, gb_per_hour: float, rule_evaluations_per_second: float
) -> float:
    """Load balancer capacity units of an ALB hour: the largest of its four dimensions (AWS's LCU definition)."""
    return max(new_connections_per_second / 25, active_connections_per_minute / 3000, gb_per_hour / 1, rule_evaluations_per_second / 1000)


def load_balancer(resource: Any, ctx: Context) -> Optional[Cost]:
    kind = get(resource.props, "loadBalancerType", default="application")
    if kind == "application":
        lcu = ctx.use(resource, "albLcuPerHour")
        cost = (ctx.price("applicationLoadBalancer", "hour") + lcu * ctx.price("applicationLoadBalancer", "lcuHour")) * ctx.hours
        detail = f"{ctx.hours:.0f} h + {lcu:g} LCU/h"
    elif kind == "network":
        lcu = ctx.use(resource, "nlbLcuPerHour")
        cost = (ctx.price("networkLoadBalancer", "hour") + lcu * ctx.price("networkLoadBalancer", "lcuHour")) * ctx.hours
        detail = f"{ctx.hours:.0f} h + {lcu:g} NLCU/h"
    else:
        raise MissingPriceError(f"{kind} load balancer")
    if not is_true(get(resource.props, "internal")):
        # An internet-facing load balancer holds one public IPv4 address per AZ, billed since 2024.
        zones = max(_count(ctx, resource, "subnets"), _count(ctx, resource, "subnetMappings"), 1)
        cost += zones * ctx.price("publicIpv4Hour") * ctx.hours
        detail += f" + {zones} public IPv4"
    return cost, detail


def classic_load_balancer(resource: Any, ctx: Context) -> Cost:
    gb = ctx.use(resource, "classicLbGbPerMonth")
    cost = ctx.price("classicLoadBalancer", "hour") * ctx.hours + gb * ctx.price("classicLoadBalancer", "gbProcessed")
    return cost, f"{ctx.hours:.0f} h + {gb:g} GB processed"


def vpc_endpoint(resource: Any, ctx: Context) -> Optional[Cost]:
    kind = get(resource.props, "vpcEndpointType", default="Gateway")
    if kind == "Gateway":
        return 0.0, "gateway endpoint (free)"
    if kind != "Interface":
        raise MissingPriceError(f"{kind} VPC endpoint hours")
    zones = max(_count(ctx, resource, "subnetIds"), 1)
    gb = ctx.use(resource, "interfaceEndpointGbPerMonth")
    cost = zones * ctx.price("vpcEndpoint", "interfaceHour") * ctx.hours + gb * ctx.price("vpcEndpoint", "gbProcessed")
    return cost, f"{zones} AZ(s) x {ctx.hours:.0f} h + {gb:g} GB processed"


def distribution(resource: Any, ctx: Context) -> Cost:
    out, requests, origin = (
        ctx.use(resource, k) for k in ("cloudfrontGbOutPerMonth", "cloudfrontHttpsRequestsPerMonth", "cloudfrontGbToOriginPerMonth")
    )
    cost = out * ctx.price("cloudfront", "gbOut") + requests / 10_000 * ctx.price("cloudfront", "httpsRequestsPer10k")
    cost += origin * ctx.price("cloudfront", "gbToOrigin")
    return cost, f"{out:g} GB out + {requests:,.0f} HTTPS requests + {origin:g} GB to origin"


def internet_egress(ctx: Context, gb: float) -> float:
    """The tiered price of `gb` sent to the internet in a month (no free allowance counted)."""
    cost, start = 0.0, 0.0
    for end, key in INTERNET_TIERS:
        if gb <= start:
            break
        cost += (min(gb, end) - start) * ctx.price("dataTransfer", key)
        start = end
    return cost


def data_transfer(ctx: Context) -> Cost:
    """The stack's data transfer from usage.yaml: inter-AZ GB (billed in both directions) and internet egress."""
    inter_az = number_or_zero(ctx.usage.get("interAzGbPerMonth"))
    internet = number_or_zero(ctx.usage.get("internetEgressGbPerMonth"))
    cost = inter_az * 2 * ctx.price("dataTransfer", "interAzGb") + internet_egress(ctx, internet)
    return cost, f"{inter_az:g} GB across AZs (both directions) + {internet:g} GB to the internet"


def number_or_zero(value: Any) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0
