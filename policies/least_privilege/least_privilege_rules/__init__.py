"""The least-privilege pack's policies, in the order the CLI lists them."""

from pulumi_policy import EnforcementLevel

from . import audit, compute, containers, data, durability, iam, keys, messaging, network, serverless, stores, transport

PACK_NAME = "awsinaction-least-privilege"
"""The pack's name (letters, digits, '-', '_', '.')."""
ENFORCEMENT_LEVEL = EnforcementLevel.MANDATORY
"""Security policies block the deployment unless the pack config lowers them; hygiene policies set their own advisory level."""
POLICIES = [
    *iam.POLICIES,
    *network.POLICIES,
    *compute.POLICIES,
    *data.POLICIES,
    *stores.POLICIES,
    *keys.POLICIES,
    *messaging.POLICIES,
    *serverless.POLICIES,
    *containers.POLICIES,
    *transport.POLICIES,
    *audit.POLICIES,
    *durability.POLICIES,
]
