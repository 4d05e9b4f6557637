"""The least-privilege pack's policies, in the order the CLI lists them."""

from pulumi_policy import EnforcementLevel

from . import compute, data, durability, iam, network, transport

PACK_NAME = "awsinaction-least-privilege"
"""The pack's name (letters, digits, '-', '_', '.')."""
ENFORCEMENT_LEVEL = EnforcementLevel.MANDATORY
"""Every policy blocks the deployment unless the pack config lowers it."""
POLICIES = [*iam.POLICIES, *network.POLICIES, *compute.POLICIES, *data.POLICIES, *transport.POLICIES, *durability.POLICIES]
