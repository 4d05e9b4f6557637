"""Serverless: Lambda permissions that name their caller, supported runtimes, APIs that authorize their callers."""

import datetime
import re

from pulumi_policy import EnforcementLevel, PolicyConfigSchema, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy

from ._props import get, is_true, policy_config, present

PERMISSION = "aws:lambda/permission:Permission"
FUNCTION = "aws:lambda/function:Function"
REST_METHOD = "aws:apigateway/method:Method"
HTTP_ROUTE = "aws:apigatewayv2/route:Route"
SERVICE_PRINCIPAL = re.compile(r"^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$")
RUNTIME_END_OF_SUPPORT = {
    "nodejs": "2016-10-31",
    "nodejs4.3": "2020-03-05",
    "nodejs4.3-edge": "2020-03-05",
    "nodejs6.10": "2019-08-12",
    "nodejs8.10": "2020-03-06",
    "nodejs10.x": "2021-07-30",
    "nodejs12.x": "2023-03-31",
    "nodejs14.x": "2023-12-04",
    "nodejs16.x": "2024-06-12",
    "nodejs18.x": "2025-09-01",
    "nodejs20.x": "2026-04-30",
    "nodejs22.x": "2027-04-30",
    "python2.7": "2021-07-15",
    "python3.6": "2022-07-18",
    "python3.7": "2023-12-04",
    "python3.8": "2024-10-14",
    "python3.9": "2025-12-15",
    "python3.10": "2026-06-30",
    "python3.11": "2026-06-30",
    "python3.12": "2028-10-31",
    "python3.13": "2029-06-30",
    "java8": "2024-01-08",
    "java8.al2": "2026-06-30",
    "java11": "2026-06-30",
    "java17": "2026-06-30",
    "java21": "2029-06-30",
    "dotnetcore1.0": "2019-07-27",
    "dotnetcore2.0": "2019-05-30",
    "dotnetcore2.1": "2022-01-05",
    "dotnetcore3.1": "2023-04-03",
    "dotnet5.0": "2022-05-10",
    "dotnet6": "2024-11-12",
    "dotnet7": "2024-05-14",
    "dotnet8": "2026-11-10",
    "ruby2.5": "2021-07-30",
    "ruby2.7": "2023-11-27",
    "ruby3.2": "2026-03-31",
    "ruby3.3": "2027-03-31",
    "go1.x": "2024-01-08",
    "provided": "2024-01-08",
    "provided.al2": "2026-06-30",
    "provided.al2023": "2029-06-30",
}
"""End of standard support of each Lambda runtime (AWS Lambda developer guide, "Lambda runtimes", as of 2026-11).
After it AWS no longer patches the runtime; newer runtimes absent from the table are supported."""


def validate_permission_scoped(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != PERMISSION:
        return
    principal = str(get(args.props, "principal", default=""))
    scoped = any(present(args.props, key) for key in ("sourceArn", "sourceAccount", "principalOrgId"))
    if principal == "*":
        if get(args.props, "functionUrlAuthType") == "AWS_IAM" or present(args.props, "principalOrgId"):
            return
        report(
            'principal is "*": anyone, in any account, may invoke the function. Fix: name the caller (an account '
            'ARN or a service such as events.amazonaws.com with source_arn), or require function_url_auth_type="AWS_IAM".'
        )
    elif SERVICE_PRINCIPAL.match(principal) and not scoped:
        report(
            f"principal is the service {principal} without source_arn or source_account: any {principal} resource, "
            "in any account, can invoke the function (confused deputy). Fix: source_arn=<the rule, bucket or topic ARN> "
            "(or source_account for S3)."
        )


def validate_runtime_supported(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != FUNCTION:
        return
    runtime = get(args.props, "runtime")
    if not isinstance(runtime, str) or runtime not in RUNTIME_END_OF_SUPPORT:
        return  # container images (package_type Image) have no runtime; unknown names are newer ones
    as_of = policy_config(args, {"asOf": ""})["asOf"] or datetime.date.today().isoformat()
    ended = RUNTIME_END_OF_SUPPORT[runtime]
    if ended <= as_of:
        report(
            f"runtime {runtime} reached the end of AWS's support on {ended}: it gets no security patches, and AWS "
            "later blocks creating and updating such functions. Fix: move to a supported runtime (python3.13, nodejs22.x, java21...)."
        )


def validate_api_authorization(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type == REST_METHOD:
        kind = get(args.props, "authorization", default="NONE")
        if kind == "NONE" and get(args.props, "httpMethod") != "OPTIONS" and not is_true(get(args.props, "apiKeyRequired")):
            report(
                'authorization is "NONE": anyone who finds the URL calls the API. Fix: authorization="AWS_IAM", '
                '"COGNITO_USER_POOLS" or "CUSTOM" with an authorizer_id (CORS preflight OPTIONS methods are exempt).'
            )
    elif args.resource_type == HTTP_ROUTE:
        kind = get(args.props, "authorizationType", default="NONE")
        if kind == "NONE" and not str(get(args.props, "routeKey", default="")).startswith("OPTIONS "):
            report(
                'authorizationType is "NONE" (the default): anyone who finds the URL calls the route. Fix: '
                'authorization_type="JWT", "AWS_IAM" or "CUSTOM" with an authorizer_id.'
            )


POLICIES = [
    ResourceValidationPolicy(
        name="lambda-permission-scoped",
        description="Lambda permissions name their caller: no public principal, and services only with a source ARN or account.",
        validate=validate_permission_scoped,
        remediation_steps='Set source_arn (or source_account) for service principals; never principal "*".',
    ),
    ResourceValidationPolicy(
        name="lambda-runtime-supported",
        description="Lambda functions use a runtime AWS still supports with security patches.",
        validate=validate_runtime_supported,
        config_schema=PolicyConfigSchema(
            properties={
                "asOf": {
                    "type": "string",
                    "default": "",
                    "description": "Judge support on this ISO date instead of today (reproducible checks).",
                }
            }
        ),
        remediation_steps="Move the function to a supported runtime.",
    ),
    ResourceValidationPolicy(
        name="apigateway-authorization",
        description="API Gateway methods and routes require authorization (IAM, Cognito, JWT or a custom authorizer).",
        validate=validate_api_authorization,
        enforcement_level=EnforcementLevel.ADVISORY,
        remediation_steps="Attach an authorizer or require IAM authorization.",
    ),
]
