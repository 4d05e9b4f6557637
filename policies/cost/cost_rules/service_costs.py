"""Cost models of managed services billed per item or request: alarms, log groups, KMS keys, secrets, queues,
topics and APIs."""

from typing import Any

from ._props import get, is_true
from .costing import Context, Cost


def alarm(resource: Any, ctx: Context) -> Cost:
    return ctx.price("cloudwatch", "alarmMonth"), "1 standard alarm"


def log_group(resource: Any, ctx: Context) -> Cost:
    gb = ctx.use(resource, "logIngestionGbPerMonth")
    return gb * ctx.price("cloudwatch", "logIngestionGb"), f"{gb:g} GB ingested"


def kms_key(resource: Any, ctx: Context) -> Cost:
    requests = ctx.use(resource, "kmsRequestsPerMonth")
    # Each rotation adds $1 a month for the first two years of rotations; the first year is priced here.
    cost = ctx.price("kms", "keyMonth") + requests / 10_000 * ctx.price("kms", "requestsPer10k")
    return cost, f"1 customer-managed key + {requests:,.0f} requests"


def secret(resource: Any, ctx: Context) -> Cost:
    calls = ctx.use(resource, "secretsApiCallsPerMonth")
    cost = ctx.price("secretsManager", "secretMonth") + calls / 10_000 * ctx.price("secretsManager", "apiCallsPer10k")
    return cost, f"1 secret + {calls:,.0f} API calls"


def queue(resource: Any, ctx: Context) -> Cost:
    requests = ctx.use(resource, "sqsRequestsPerMonth")
    kind = "fifoRequestsPerMillion" if is_true(get(resource.props, "fifoQueue")) else "standardRequestsPerMillion"
    return requests / 1e6 * ctx.price("sqs", kind), f"{requests:,.0f} requests ({'FIFO' if 'fifo' in kind else 'standard'})"


def topic(resource: Any, ctx: Context) -> Cost:
    publishes = ctx.use(resource, "snsPublishesPerMonth")
    return publishes / 1e6 * ctx.price("sns", "publishesPerMillion"), f"{publishes:,.0f} publishes"


def rest_api(resource: Any, ctx: Context) -> Cost:
    requests = ctx.use(resource, "apiRequestsPerMonth")
    return requests / 1e6 * ctx.price("apiGateway", "restRequestsPerMillion"), f"{requests:,.0f} REST API requests"


def http_api(resource: Any, ctx: Context) -> Cost:
    # HTTP API requests and WebSocket messages share the first-tier price of $1 per million.
    requests = ctx.use(resource, "apiRequestsPerMonth")
    return requests / 1e6 * ctx.price("apiGateway", "httpRequestsPerMillion"), f"{requests:,.0f} API requests or messages"


def hosted_zone(resource: Any, ctx: Context) -> Cost:
    return ctx.price("route53", "hostedZoneMonth"), "1 hosted zone (queries not counted)"
