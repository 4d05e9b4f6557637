"""An ECS Fargate service behind an ALB, in the style of Pulumi's aws-py-fargate example.

Imitates the getting-started examples: one top-level script, the default VPC read with
`ec2.get_vpc(default=True)` and `ec2.get_subnets`, `*Args` classes for nested blocks, `export`.
Unlike the example it gives the load balancer and the tasks separate security groups.

Deliberate risks: the tasks get public IPs (the default VPC has no NAT, so that is how they pull
their image), and the load balancer serves plain HTTP only.
"""

import json

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
image = config.get("image") or "public.ecr.aws/nginx/nginx:stable"
container_port = 80

vpc = aws.ec2.get_vpc(default=True)
subnets = aws.ec2.get_subnets(filters=[aws.ec2.GetSubnetsFilterArgs(name="vpc-id", values=[vpc.id])])

cluster = aws.ecs.Cluster(
    "ecs",
    settings=[aws.ecs.ClusterSettingArgs(name="containerInsights", value="enabled")],
)

# The load balancer is the only thing the internet reaches.
alb_sg = aws.ec2.SecurityGroup(
    "alb-sg",
    vpc_id=vpc.id,
    description="HTTP from the internet",
    ingress=[aws.ec2.SecurityGroupIngressArgs(protocol="tcp", from_port=80, to_port=80, cidr_blocks=["0.0.0.0/0"])],
    egress=[aws.ec2.SecurityGroupEgressArgs(protocol="-1", from_port=0, to_port=0, cidr_blocks=["0.0.0.0/0"])],
)

task_sg = aws.ec2.SecurityGroup(
    "task-sg",
    vpc_id=vpc.id,
    description="HTTP from the load balancer only",
    ingress=[
        aws.ec2.SecurityGroupIngressArgs(
            protocol="tcp", from_port=container_port, to_port=container_port, security_groups=[alb_sg.id]
        )
    ],
    egress=[aws.ec2.SecurityGroupEgressArgs(protocol="-1", from_port=0, to_port=0, cidr_blocks=["0.0.0.0/0"])],
)

alb = aws.lb.LoadBalancer("alb", security_groups=[alb_sg.id], subnets=subnets.ids)

target_group = aws.lb.TargetGroup(
    "tg",
    port=container_port,
    protocol="HTTP",
    target_type="ip",
    vpc_id=vpc.id,
    health_check=aws.lb.TargetGroupHealthCheckArgs(path="/", matcher="200-399"),
)

listener = aws.lb.Listener(
    "http",
    load_balancer_arn=alb.arn,
    port=80,
    default_actions=[aws.lb.ListenerDefaultActionArgs(type="forward", target_group_arn=target_group.arn)],
)

exec_role = aws.iam.Role(
    "exec-role",
    assume_role_policy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}
            ],
        }
    ),
)
aws.iam.RolePolicyAttachment(
    "exec-role-policy",
    role=exec_role.name,
    policy_arn="arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
)

logs = aws.cloudwatch.LogGroup("web-logs", retention_in_days=30)

task = aws.ecs.TaskDefinition(
    "task",
    family="web",
    cpu="256",
    memory="512",
    network_mode="awsvpc",
    requires_compatibilities=["FARGATE"],
    execution_role_arn=exec_role.arn,
    container_definitions=pulumi.Output.all(logs.name, aws.get_region().region).apply(
        lambda args: json.dumps(
            [
                {
                    "name": "web",
                    "image": image,
                    "essential": True,
                    "portMappings": [{"containerPort": container_port, "protocol": "tcp"}],
                    "logConfiguration": {
                        "logDriver": "awslogs",
                        "options": {"awslogs-group": args[0], "awslogs-region": args[1], "awslogs-stream-prefix": "web"},
                    },
                }
            ]
        )
    ),
)

service = aws.ecs.Service(
    "service",
    cluster=cluster.arn,
    desired_count=2,
    launch_type="FARGATE",
    task_definition=task.arn,
    deployment_circuit_breaker=aws.ecs.ServiceDeploymentCircuitBreakerArgs(enable=True, rollback=True),
    network_configuration=aws.ecs.ServiceNetworkConfigurationArgs(
        assign_public_ip=True,
        subnets=subnets.ids,
        security_groups=[task_sg.id],
    ),
    load_balancers=[
        aws.ecs.ServiceLoadBalancerArgs(target_group_arn=target_group.arn, container_name="web", container_port=container_port)
    ],
    opts=pulumi.ResourceOptions(depends_on=[listener]),
)

pulumi.export("url", pulumi.Output.concat("http://", alb.dns_name))
