"""IAM roles for the control plane and the worker nodes, with AWS's managed EKS policies.

Module-level resources, as in Pulumi's aws-py-eks example: importing this module declares them.
"""

import json

import pulumi
import pulumi_aws as aws

MANAGED = "arn:aws:iam::aws:policy/"
prefix = pulumi.get_stack()


def _trust(service: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": ["sts:AssumeRole", "sts:TagSession"]}],
        }
    )


cluster_role = aws.iam.Role(f"{prefix}-cluster-role", assume_role_policy=_trust("eks.amazonaws.com"))
aws.iam.RolePolicyAttachment(f"{prefix}-cluster-policy", role=cluster_role.name, policy_arn=MANAGED + "AmazonEKSClusterPolicy")

node_role = aws.iam.Role(f"{prefix}-node-role", assume_role_policy=_trust("ec2.amazonaws.com"))
for policy in ("AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"):
    aws.iam.RolePolicyAttachment(f"{prefix}-{policy.lower()}", role=node_role.name, policy_arn=MANAGED + policy)
