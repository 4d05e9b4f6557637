"""WordPress on EC2 with RDS MySQL, in the style of a "WordPress on AWS with Pulumi" blog post.

Imitates the tutorials: one top-level script in the default VPC (`ec2.get_vpc(default=True)`,
`ec2.get_subnets`), a `random.RandomId` whose `hex` makes physical names unique, the newest Amazon
Linux 2023 AMI from `ec2.get_ami`, user data rendered from the database's address in an
`Output.all(...).apply`, and an auto-scaling group pinned to the launch template's `latest_version`.

Deliberate risks: the database password is a plain config value (not `secure:`), the web servers
take HTTP from the internet directly and have public IPs, the database is single-AZ and deletable
without a final snapshot.
"""

import base64
from pathlib import Path
from string import Template

import pulumi
import pulumi_aws as aws
import pulumi_random as random

config = pulumi.Config()
admin_cidr = config.require("adminCidr")
db_user = config.require("dbUser")
db_password = config.require("dbPassword")
instance_type = config.get("instanceType") or "t3.micro"

vpc = aws.ec2.get_vpc(default=True)
subnets = aws.ec2.get_subnets(filters=[{"name": "vpc-id", "values": [vpc.id]}])
suffix = random.RandomId("suffix", byte_length=4)

ami = aws.ec2.get_ami(
    most_recent=True,
    owners=["amazon"],
    filters=[{"name": "name", "values": ["al2023-ami-2023.*-x86_64"]}, {"name": "architecture", "values": ["x86_64"]}],
)

web_sg = aws.ec2.SecurityGroup(
    "web-sg",
    vpc_id=vpc.id,
    description="WordPress web servers",
    ingress=[
        {"protocol": "tcp", "from_port": 80, "to_port": 80, "cidr_blocks": ["0.0.0.0/0"], "description": "visitors"},
        {"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": [admin_cidr], "description": "office SSH"},
    ],
    egress=[{"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}],
)

db_sg = aws.ec2.SecurityGroup(
    "db-sg",
    vpc_id=vpc.id,
    description="MySQL from the web servers",
    ingress=[{"protocol": "tcp", "from_port": 3306, "to_port": 3306, "security_groups": [web_sg.id]}],
)

db_subnets = aws.rds.SubnetGroup("db-subnets", subnet_ids=subnets.ids)

db = aws.rds.Instance(
    "wordpress-db",
    identifier=suffix.hex.apply(lambda h: f"wordpress-{h}"),
    engine="mysql",
    engine_version="8.0",
    instance_class="db.t3.micro",
    allocated_storage=20,
    storage_type="gp3",
    storage_encrypted=True,
    db_name="wordpress",
    username=db_user,
    password=db_password,
    db_subnet_group_name=db_subnets.name,
    vpc_security_group_ids=[db_sg.id],
    skip_final_snapshot=True,
)

user_data = pulumi.Output.all(db.address, db.db_name).apply(
    lambda args: base64.b64encode(
        Template(Path("user_data.sh").read_text())
        .safe_substitute(DB_HOST=args[0], DB_NAME=args[1], DB_USER=db_user, DB_PASSWORD=db_password)
        .encode()
    ).decode()
)

launch_template = aws.ec2.LaunchTemplate(
    "web-lt",
    name_prefix="wordpress-",
    image_id=ami.id,
    instance_type=instance_type,
    user_data=user_data,
    metadata_options={"http_tokens": "required", "http_endpoint": "enabled", "http_put_response_hop_limit": 1},
    network_interfaces=[{"associate_public_ip_address": "true", "security_groups": [web_sg.id], "delete_on_termination": "true"}],
    block_device_mappings=[
        {"device_name": "/dev/xvda", "ebs": {"volume_size": 10, "volume_type": "gp3", "encrypted": "true", "delete_on_termination": "true"}}
    ],
    tag_specifications=[{"resource_type": "instance", "tags": {"Name": "wordpress"}}],
)

web_asg = aws.autoscaling.Group(
    "web-asg",
    name=suffix.hex.apply(lambda h: f"wordpress-web-{h}"),
    min_size=1,
    max_size=2,
    desired_capacity=1,
    vpc_zone_identifiers=subnets.ids,
    health_check_type="EC2",
    launch_template={"id": launch_template.id, "version": launch_template.latest_version.apply(str)},
)

pulumi.export("db_endpoint", db.endpoint)
pulumi.export("asg_name", web_asg.name)
