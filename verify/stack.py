"""What the verifier knows about a stack: its outputs and its config."""

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from policies.offline.stack_config import StackConfigError, load_stack_config

OUTPUT_NAMES = {
    "dbInstanceIdentifier": "identifier of the RDS DB instance (the primary)",
    "autoScalingGroupName": "name of the web fleet's auto-scaling group",
    "targetGroupArn": "ARN of the load balancer's target group of the web fleet",
    "fileSystemId": "ID of the shared EFS file system",
    "staticBucketName": "name of the S3 bucket with the static files",
    "cloudFrontDistributionId": "ID of the CloudFront distribution",
    "availabilityZones": "the AZs the network spans (every one needs an EFS mount target)",
}
"""Stack outputs the checks read; a check whose output is missing is skipped."""

CONFIG_DEFAULTS: dict[str, Any] = {"dbMultiAz": True, "dbBackupRetentionDays": 7}
"""Fallbacks for expectations when neither the stack file nor Pulumi.yaml sets them."""


class UsageError(Exception):
    """The verifier cannot start: bad arguments, missing files, unreadable outputs (exit status 2)."""


@dataclass(frozen=True)
class StackConfig:
    """A stack's config values by short key (project namespace), and its region."""

    project: str
    values: dict[str, Any]
    region: Optional[str]

    def get_bool(self, key: str) -> bool:
        """A boolean setting; YAML booleans or the strings true/false."""
        value = self.values.get(key, CONFIG_DEFAULTS.get(key))
        if isinstance(value, str):
            return value.strip().lower() == "true"
        return bool(value)

    def get_int(self, key: str) -> int:
        """A whole-number setting."""
        value = self.values.get(key, CONFIG_DEFAULTS.get(key))
        try:
            return int(value)
        except (TypeError, ValueError):
            raise UsageError(f"{self.project}:{key}: {value!r} is not a whole number") from None


def load_config(project_dir: Path, stack: str) -> StackConfig:
    """Pulumi.yaml's declared defaults overlaid with Pulumi.<stack>.yaml's values, read as the Pulumi CLI reads them."""
    try:
        config = load_stack_config(project_dir, stack)
    except (FileNotFoundError, StackConfigError) as error:
        raise UsageError(str(error)) from None
    prefix = f"{config.project}:"
    values = {key[len(prefix) :]: value for key, value in config.values.items() if key.startswith(prefix)}
    return StackConfig(project=config.project, values=values, region=config.values.get("aws:region"))


def _parse_outputs(text: str, source: str) -> dict[str, Any]:
    try:
        outputs = json.loads(text)
    except json.JSONDecodeError as error:
        raise UsageError(f"{source} is not JSON: {error}") from None
    if not isinstance(outputs, dict):
        raise UsageError(f"{source} is not a JSON object of stack outputs")
    return outputs


def read_outputs_file(path: Path) -> dict[str, Any]:
    """Outputs saved with `pulumi stack output --json --stack STACK > FILE`."""
    try:
        text = path.read_text()
    except OSError as error:
        raise UsageError(f"cannot read --outputs {path}: {error}") from None
    return _parse_outputs(text, str(path))


def read_stack_outputs(stack: str, project_dir: Path, pulumi: str = "pulumi") -> dict[str, Any]:
    """Ask the Pulumi CLI for the stack's outputs (secrets in clear: they stay in memory, never printed)."""
    command = [pulumi, "stack", "output", "--json", "--show-secrets", "--stack", stack]
    try:
        done = subprocess.run(command, cwd=project_dir, capture_output=True, text=True, timeout=300, check=False)
    except FileNotFoundError:
        raise UsageError("the pulumi CLI is not on PATH; save the outputs elsewhere and pass --outputs FILE") from None
    except subprocess.TimeoutExpired:
        raise UsageError(f"`{' '.join(command)}` did not finish within 300 s") from None
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise UsageError(f"`{' '.join(command)}` failed: {reason}")
    return _parse_outputs(done.stdout, "pulumi stack output")
