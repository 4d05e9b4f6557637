"""What the verifier knows about a stack: its outputs and its config."""

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Optional

import yaml

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


def _read_yaml(path: Path) -> Mapping[str, Any]:
    try:
        document = yaml.safe_load(path.read_text()) or {}
    except (OSError, yaml.YAMLError) as error:
        raise UsageError(f"cannot read {path}: {error}") from None
    if not isinstance(document, Mapping):
        raise UsageError(f"{path} is not a YAML mapping")
    return document


def load_config(project_dir: Path, stack: str) -> StackConfig:
    """Pulumi.yaml's declared defaults overlaid with Pulumi.<stack>.yaml's values."""
    project_file, stack_file = project_dir / "Pulumi.yaml", project_dir / f"Pulumi.{stack}.yaml"
    if not project_file.is_file():
        raise UsageError(f"{project_file} does not exist; pass --project-dir with the folder holding Pulumi.yaml")
    if not stack_file.is_file():
        stacks = sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in project_dir.glob("Pulumi.*.yaml"))
        raise UsageError(f"{stack_file} does not exist; stacks here: {', '.join(stacks) or 'none'}")
    project_doc = _read_yaml(project_file)
    project = str(project_doc.get("name", ""))
    values: dict[str, Any] = {}
    for key, declaration in (project_doc.get("config") or {}).items():
        if isinstance(declaration, Mapping) and "default" in declaration and ":" not in key:
            values[key] = declaration["default"]
    region = None
    for key, value in ((_read_yaml(stack_file).get("config")) or {}).items():
        if key == "aws:region":
            region = str(value)
        elif key.startswith(f"{project}:"):
            values[key.split(":", 1)[1]] = value
    return StackConfig(project=project, values=values, region=region)


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
