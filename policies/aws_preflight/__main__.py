"""Policy pack entry point: `pulumi preview --policy-pack policies/aws_preflight` runs this file.

PolicyPack() serves the policies over gRPC and never returns, so it stays alone here.
"""

from aws_preflight_rules import ENFORCEMENT_LEVEL, PACK_NAME, POLICIES
from pulumi_policy import PolicyPack

PolicyPack(name=PACK_NAME, policies=POLICIES, enforcement_level=ENFORCEMENT_LEVEL)
