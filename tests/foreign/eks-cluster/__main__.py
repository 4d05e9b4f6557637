"""EKS with a managed node group, in the style of Pulumi's aws-py-eks example.

Imitates the example's layout: helper modules next to __main__.py (network and kubeconfig as
functions, the IAM roles as module-level resources that importing the module declares), and a
kubeconfig rendered from the cluster's endpoint and `certificate_authority` in an
`Output.all(...).apply`, exported as a secret.

Deliberate risks: the API endpoint is public to 0.0.0.0/0, the nodes sit in subnets that give every
instance a public IP, and the cluster security group admits 443 from anywhere.
"""

import pulumi
import pulumi_aws as aws
from eks_kubeconfig import kubeconfig
from eks_network import create_network
from eks_roles import cluster_role, node_role

config = pulumi.Config()
name = pulumi.get_stack()
region = aws.config.region or "eu-central-1"

vpc, subnet_ids, cluster_sg = create_network(name)

cluster = aws.eks.Cluster(
    "cluster",
    role_arn=cluster_role.arn,
    version=config.get("clusterVersion") or "1.33",
    access_config=aws.eks.ClusterAccessConfigArgs(authentication_mode="API"),
    vpc_config=aws.eks.ClusterVpcConfigArgs(
        subnet_ids=subnet_ids,
        security_group_ids=[cluster_sg.id],
        endpoint_public_access=True,
        public_access_cidrs=["0.0.0.0/0"],
    ),
    enabled_cluster_log_types=["api", "audit", "authenticator"],
)

nodes = aws.eks.NodeGroup(
    "nodes",
    cluster_name=cluster.name,
    node_role_arn=node_role.arn,
    subnet_ids=subnet_ids,
    instance_types=[config.get("nodeInstanceType") or "t3.medium"],
    scaling_config=aws.eks.NodeGroupScalingConfigArgs(desired_size=2, min_size=1, max_size=3),
    update_config=aws.eks.NodeGroupUpdateConfigArgs(max_unavailable=1),
)

pulumi.export("cluster_name", cluster.name)
pulumi.export("kubeconfig", pulumi.Output.secret(kubeconfig(cluster, region)))
