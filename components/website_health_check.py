"""WebsiteHealthCheck: a scheduled Lambda function that fetches a page and alarms when it fails (book ch. 7.2).

The book builds it in the console from the `lambda-canary` blueprint: every 5 minutes, GET `site`
and raise when `expected` is missing; an alarm on the function's Errors (Sum over 5 minutes > 0)
mails an SNS topic. Here it is code, with a Throttles alarm as the book recommends for every
production function, an own log group with retention and a role that may only write to it.
"""

import math
import urllib.parse
from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_aws as aws

from ._args import coerce_args
from .lambda_function import (
    alarm_topic_arn,
    aws_context,
    check_alarm_target,
    check_function_name,
    check_int_range,
    check_log_retention,
    check_schedule_expression,
    function_alarms,
    invoke_from_rule,
    physical_name,
    python_function,
)
from .tags import resource_tags

MAX_EXPECTED_LENGTH = 1024
"""Longest expected text (Lambda environment variables share 4 KB)."""


@dataclass(frozen=True)
class WebsiteHealthCheckArgs:
    """Inputs of the WebsiteHealthCheck component."""

    url: pulumi.Input[str]
    """URL to fetch, http or https (e.g. the web shop's address)."""
    expected: str
    """Text the page must contain; the check fails when it is missing (the book uses the site's name)."""
    schedule_expression: Optional[str] = "rate(5 minutes)"
    """How often to check: rate(...) or cron(...) (default rate(5 minutes), as in the book)."""
    timeout_seconds: Optional[int] = 10
    """Seconds the whole request may take before the check fails, 1 to 60 (default 10)."""
    alarm_topic_arn: Optional[pulumi.Input[str]] = None
    """SNS topic the alarms notify (default: an encrypted topic created by the component)."""
    alarm_email: Optional[str] = None
    """E-mail address subscribed to the created topic (default none; AWS mails a confirmation link)."""
    function_name: Optional[str] = None
    """Name of the Lambda function (default <project>-<stack>-<name>); its log group is /aws/lambda/<name>."""
    log_retention_days: Optional[int] = 30
    """Days CloudWatch keeps the function's logs; a value CloudWatch accepts (default 30)."""
    tags: Optional[dict[str, str]] = None
    """Extra tags for every resource (default none)."""


def check_url(value: object, argument: str) -> None:
    """An absolute http(s) URL with a host (outputs are checked by the function at run time)."""
    if isinstance(value, str):
        parsed = urllib.parse.urlsplit(value)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValueError(f"{argument}: {value!r} is not an http(s) URL (expected e.g. https://shop.example.com/)")


def check_expected_text(value: str, argument: str) -> None:
    """Non-empty text of at most MAX_EXPECTED_LENGTH characters."""
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_EXPECTED_LENGTH:
        raise ValueError(f"{argument}: {value!r} must be non-empty text of at most {MAX_EXPECTED_LENGTH} characters")


def validate_website_health_check_args(args: WebsiteHealthCheckArgs) -> None:
    """Refuse inputs AWS would reject or that would make a useless check, naming the argument."""
    check_url(args.url, "url")
    check_expected_text(args.expected, "expected")
    check_schedule_expression(args.schedule_expression, "schedule_expression")
    check_int_range(args.timeout_seconds, "timeout_seconds", 1, 60, "seconds")
    check_alarm_target(args.alarm_topic_arn, args.alarm_email)
    check_function_name(args.function_name, "function_name")
    check_log_retention(args.log_retention_days, "log_retention_days")


class WebsiteHealthCheck(pulumi.ComponentResource):
    """A scheduled Lambda health check of a web page with Errors and Throttles alarms to SNS."""

    function_name: pulumi.Output[str]
    """Name of the Lambda function."""
    function_arn: pulumi.Output[str]
    """ARN of the Lambda function."""
    log_group_name: pulumi.Output[str]
    """CloudWatch log group of the function (/aws/lambda/<function name>)."""
    schedule_rule_arn: pulumi.Output[str]
    """ARN of the EventBridge schedule rule."""
    alarm_topic_arn: pulumi.Output[str]
    """SNS topic the alarms notify."""

    def __init__(self, name: str, args: WebsiteHealthCheckArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        args = coerce_args(args, WebsiteHealthCheckArgs)
        validate_website_health_check_args(args)
        super().__init__("awsinaction:index:WebsiteHealthCheck", name, None, opts)
        component = "WebsiteHealthCheck"
        child = pulumi.ResourceOptions(parent=self)
        function_name = args.function_name or physical_name(pulumi.get_project(), pulumi.get_stack(), name)
        lam = python_function(
            self, name, component,
            ctx=aws_context(),
            function_name=function_name,
            module="website_health_check",
            description="Fetches a page and fails when the expected text is missing (book ch. 7)",
            statements=[],
            environment={"site": args.url, "expected": args.expected, "timeout": str(args.timeout_seconds)},
            # The request's own timeout plus time to start and log.
            timeout=math.ceil(args.timeout_seconds) + 5,
            log_retention_days=args.log_retention_days,
            tags=args.tags,
        )
        aws.lambda_.FunctionEventInvokeConfig(
            f"{name}-invoke-config",
            function_name=lam.function.name,
            # A failed check is reported by the next scheduled run; retries would only triple the Errors count.
            maximum_retry_attempts=0,
            opts=child,
        )
        rule = aws.cloudwatch.EventRule(
            f"{name}-schedule",
            description=f"Runs {function_name} on a schedule",
            schedule_expression=args.schedule_expression,
            state="ENABLED",
            tags=resource_tags(f"{name}-schedule", component, args.tags),
            opts=child,
        )
        invoke_from_rule(name, rule, lam.function, self)
        topic_arn = alarm_topic_arn(self, name, component, args.alarm_topic_arn, args.alarm_email, args.tags)
        function_alarms(self, name, component, function_name, topic_arn, args.tags)

        self.function_name = lam.function.name
        self.function_arn = lam.function.arn
        self.log_group_name = lam.log_group.name
        self.schedule_rule_arn = rule.arn
        self.alarm_topic_arn = topic_arn
        self.register_outputs(
            {
                "function_name": self.function_name,
                "function_arn": self.function_arn,
                "log_group_name": self.log_group_name,
                "schedule_rule_arn": self.schedule_rule_arn,
                "alarm_topic_arn": self.alarm_topic_arn,
            }
        )
