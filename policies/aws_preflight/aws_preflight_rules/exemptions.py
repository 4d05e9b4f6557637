"""The one place where a cfn-lint finding that contradicts AWS's documented behaviour is dropped.

Each row names the rule, the CloudFormation property, when it applies, why, and the source that shows
AWS (or the Pulumi provider, which translates the value before AWS sees it) accepts the value.
"""

import ast
import re
from dataclasses import dataclass
from typing import Any, Callable


def _major_version_of_listed(value: Any, message: str) -> bool:
    """A major version ("8.4") whose full versions ("8.4.3") are in cfn-lint's list: RDS picks the minor one."""
    if not isinstance(value, str) or not re.fullmatch(r"\d+(\.\d+)?", value):
        return False
    _, _, listed = message.partition(" is not one of ")
    try:
        versions = ast.literal_eval(listed)
    except (ValueError, SyntaxError):
        return False
    return any(str(version).startswith(value + ".") for version in versions)


@dataclass(frozen=True)
class Exemption:
    """A cfn-lint finding on one CloudFormation property that AWS does not raise."""

    rule: str
    cfn_type: str
    cfn_property: str
    """The property's path without list indexes, e.g. VersioningConfiguration.Status."""
    applies: Callable[[Any, str], bool]
    """(value, cfn-lint message) -> whether this finding is the exempted one."""
    reason: str
    source: str


_MAJOR_VERSION_REASON = (
    "RDS accepts a major version and picks that major version's default minor version; cfn-lint's list holds only "
    "full versions for MySQL and MariaDB (it added PostgreSQL's major versions after issue 3849)"
)
_MAJOR_VERSION_SOURCE = (
    "https://github.com/aws-cloudformation/cfn-lint/issues/3849 ; "
    "https://www.pulumi.com/registry/packages/aws/api-docs/rds/instance/ (engineVersion: a prefix such as 8.0 is accepted)"
)

EXEMPTIONS: tuple[Exemption, ...] = (
    Exemption("E3691", "AWS::RDS::DBInstance", "EngineVersion", _major_version_of_listed, _MAJOR_VERSION_REASON, _MAJOR_VERSION_SOURCE),
    Exemption("E3690", "AWS::RDS::DBCluster", "EngineVersion", _major_version_of_listed, _MAJOR_VERSION_REASON, _MAJOR_VERSION_SOURCE),
    Exemption(
        "E3030",
        "AWS::S3::Bucket",
        "VersioningConfiguration.Status",
        lambda value, _message: value == "Disabled",
        "the provider accepts Disabled for a bucket that never had versioning and sends nothing to S3",
        "https://www.pulumi.com/registry/packages/aws/api-docs/s3/bucketversioning/ (status: Enabled, Suspended, or Disabled)",
    ),
)
"""Every exemption the pack applies."""


def exempt(rule: str, cfn_type: str, cfn_path: tuple[Any, ...], value: Any, message: str) -> bool:
    """Whether a finding is one AWS would not raise."""
    prop = ".".join(str(step) for step in cfn_path if not isinstance(step, int))
    return any(e.rule == rule and e.cfn_type == cfn_type and e.cfn_property == prop and e.applies(value, message) for e in EXEMPTIONS)
