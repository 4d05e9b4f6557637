"""The AWS preflight pack's policies, in the order the CLI lists them."""

from pulumi_policy import EnforcementLevel

from . import accepted_values, limits, stack_limits

PACK_NAME = "awsinaction-aws-preflight"
"""The pack's name (letters, digits, '-', '_', '.')."""
ENFORCEMENT_LEVEL = EnforcementLevel.MANDATORY
"""Every policy blocks the deployment unless the pack config lowers it."""
POLICIES = [*accepted_values.POLICIES, *limits.POLICIES, *stack_limits.POLICIES]
