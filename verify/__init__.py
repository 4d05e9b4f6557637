"""Post-deploy verifier: prove with boto3 that a deployed stack is what the code promised.

`python -m verify --stack dev` reads the stack's outputs (`pulumi stack output --json`, or a file
given with `--outputs`) and its config (Pulumi.<stack>.yaml over Pulumi.yaml's defaults), then
checks the live account: one PASS/FAIL/SKIP line per check, exit status 1 when any check fails.
"""

from .checks import CHECKS, Result, Status
from .cli import main
from .stack import OUTPUT_NAMES, StackConfig, UsageError

__all__ = ["CHECKS", "OUTPUT_NAMES", "Result", "StackConfig", "Status", "UsageError", "main"]
