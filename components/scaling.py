"""Auto-scaling policies shared by the fleets: step scaling on the depth of an SQS queue (book ch. 17)."""

from typing import Optional

import pulumi
import pulumi_aws as aws

from .tags import resource_tags


def queue_depth_scaling(
    parent: pulumi.Resource,
    name: str,
    component: str,
    group_name: pulumi.Input[str],
    queue_name: pulumi.Input[str],
    threshold: int,
    warmup_seconds: int,
    tags: Optional[dict[str, str]],
) -> None:
    """Book ch. 17: +1 server when more than `threshold` messages wait over 5 minutes, -1 when fewer."""
    child = pulumi.ResourceOptions(parent=parent)
    for direction, step, comparison in (
        ("out", {"metric_interval_lower_bound": "0", "scaling_adjustment": 1}, "GreaterThanThreshold"),
        ("in", {"metric_interval_upper_bound": "0", "scaling_adjustment": -1}, "LessThanThreshold"),
    ):
        policy = aws.autoscaling.Policy(
            f"{name}-queue-{direction}",
            autoscaling_group_name=group_name,
            policy_type="StepScaling",
            adjustment_type="ChangeInCapacity",
            metric_aggregation_type="Average",
            estimated_instance_warmup=warmup_seconds,
            step_adjustments=[step],
            opts=child,
        )
        alarm_name = f"{name}-queue-{direction}"
        aws.cloudwatch.MetricAlarm(
            alarm_name,
            alarm_description=f"Scale {direction}: messages waiting in the queue compared with {threshold}",
            namespace="AWS/SQS",
            metric_name="ApproximateNumberOfMessagesVisible",
            dimensions={"QueueName": queue_name},
            statistic="Sum",
            period=300,
            evaluation_periods=1,
            comparison_operator=comparison,
            threshold=float(threshold),
            treat_missing_data="notBreaching",
            alarm_actions=[policy.arn],
            tags=resource_tags(alarm_name, component, tags),
            opts=child,
        )
