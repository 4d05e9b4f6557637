"""The cost pack's policies, in the order the CLI lists them."""

from pulumi_policy import EnforcementLevel

from . import budget, limits

PACK_NAME = "awsinaction-cost"
"""The pack's name (letters, digits, '-', '_', '.')."""
ENFORCEMENT_LEVEL = EnforcementLevel.MANDATORY
"""Every policy blocks the deployment unless the pack config lowers it."""
POLICIES = [*limits.POLICIES, *budget.POLICIES]
