"""IAM policy documents as JSON written in Python, so mocks and policies can read them."""

import json
from typing import Any, Mapping, Optional, Sequence

Statement = dict[str, Any]


def statement(
    actions: Sequence[str],
    resources: Sequence[str],
    sid: Optional[str] = None,
    condition: Optional[Mapping[str, Any]] = None,
    effect: str = "Allow",
) -> Statement:
    """One IAM policy statement."""
    result: Statement = {"Effect": effect, "Action": list(actions), "Resource": list(resources)}
    if sid:
        result["Sid"] = sid
    if condition:
        result["Condition"] = dict(condition)
    return result


def policy_document(statements: Sequence[Statement]) -> str:
    """A policy document as the JSON string AWS expects."""
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def assume_role_policy(service: str, condition: Optional[Mapping[str, Any]] = None) -> str:
    """A trust policy letting one AWS service principal assume the role."""
    trust: Statement = {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
    if condition:
        trust["Condition"] = dict(condition)
    return json.dumps({"Version": "2012-10-17", "Statement": [trust]})
