"""Stack config of operations: the book's Lambda automations (ch. 7) and the alarm e-mail."""

import re
from dataclasses import dataclass
from typing import Any, Mapping, Optional

from components.lambda_function import check_email
from components.website_health_check import check_expected_text

from .schema import Key


def _path(value: str, key: str) -> None:
    if not re.fullmatch(r"/[^\s#]*", value):
        raise ValueError(f"{key}: {value!r} is not a URL path; start it with / and leave out spaces and # (e.g. /shop/)")


KEYS = [
    Key(
        "alarmEmail",
        "string",
        "",
        "E-mail address for the operations alarms; empty for none (confirm AWS's mail).",
        check_email,
        example="ops@example.com",
    ),
    Key("healthCheckEnabled", "boolean", False, "Check the web shop's page every 5 minutes with a Lambda function and alarm on failure."),
    Key("healthCheckExpected", "string", "</html>", "Text the checked page must contain (default: a complete HTML page arrived).",
        check_expected_text),
    Key("healthCheckPath", "string", "/", "Path of the checked page on the web shop's URL.", _path),
    Key("ownerTaggerEnabled", "boolean", False, "Tag every new EC2 instance with Owner = who launched it (Lambda on RunInstances)."),
    Key("ownerTaggerCreateTrail", "boolean", True, "Create the CloudTrail trail the owner tagger needs; false if the region has one."),
]


@dataclass(frozen=True)
class OpsSettings:
    """Typed operations settings of a stack."""

    alarm_email: Optional[str]
    health_check_enabled: bool
    health_check_expected: str
    health_check_path: str
    owner_tagger_enabled: bool
    owner_tagger_create_trail: bool


def build(values: Mapping[str, Any], key: Any) -> OpsSettings:
    """Build the section from parsed values; `key(name)` gives the full config key for messages."""
    return OpsSettings(
        alarm_email=values["alarmEmail"] or None,
        health_check_enabled=values["healthCheckEnabled"],
        health_check_expected=values["healthCheckExpected"],
        health_check_path=values["healthCheckPath"],
        owner_tagger_enabled=values["ownerTaggerEnabled"],
        owner_tagger_create_trail=values["ownerTaggerCreateTrail"],
    )
