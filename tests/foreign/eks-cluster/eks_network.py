"""The cluster's VPC: public subnets only, one per availability zone."""

import pulumi
import pulumi_aws as aws


def create_network(name: str, cidr_prefix: str = "10.100") -> tuple[aws.ec2.Vpc, list[pulumi.Output[str]], aws.ec2.SecurityGroup]:
    vpc = aws.ec2.Vpc(
        f"{name}-vpc",
        cidr_block=f"{cidr_prefix}.0.0/16",
        enable_dns_hostnames=True,
        enable_dns_support=True,
        tags={"Name": f"{name}-vpc"},
    )
    gateway = aws.ec2.InternetGateway(f"{name}-igw", vpc_id=vpc.id)
    public_routes = aws.ec2.RouteTable(
        f"{name}-public-rt",
        vpc_id=vpc.id,
        routes=[aws.ec2.RouteTableRouteArgs(cidr_block="0.0.0.0/0", gateway_id=gateway.id)],
    )

    zones = aws.get_availability_zones(state="available").names[:2]
    subnet_ids = []
    for index, zone in enumerate(zones):
        subnet = aws.ec2.Subnet(
            f"{name}-public-{zone}",
            vpc_id=vpc.id,
            cidr_block=f"{cidr_prefix}.{index}.0/24",
            availability_zone=zone,
            map_public_ip_on_launch=True,
            tags={"Name": f"{name}-public-{zone}", "kubernetes.io/role/elb": "1"},
        )
        aws.ec2.RouteTableAssociation(f"{name}-public-{zone}", route_table_id=public_routes.id, subnet_id=subnet.id)
        subnet_ids.append(subnet.id)

    cluster_sg = aws.ec2.SecurityGroup(
        f"{name}-cluster-sg",
        vpc_id=vpc.id,
        description="Kubernetes API from anywhere",
        ingress=[
            aws.ec2.SecurityGroupIngressArgs(
                protocol="tcp", from_port=443, to_port=443, cidr_blocks=["0.0.0.0/0"], description="kubectl and pods"
            )
        ],
        egress=[aws.ec2.SecurityGroupEgressArgs(protocol="-1", from_port=0, to_port=0, cidr_blocks=["0.0.0.0/0"])],
    )
    return vpc, subnet_ids, cluster_sg
