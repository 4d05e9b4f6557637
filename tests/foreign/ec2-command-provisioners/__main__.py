"""An EC2 web server configured over SSH, in the style of pulumi-command's EC2 provisioner examples.

Imitates the provisioning examples: a key pair from config, the private key as a secret config value,
the newest Ubuntu AMI found with `ec2.get_ami`, `remote.CopyToRemote` and `remote.Command` connecting
to the instance's public IP, and a `local.Command` that records the host in a local inventory.

Deliberate risks: SSH open to the whole internet (the provisioner must reach port 22), a public IP,
the instance metadata service left at its IMDSv1-compatible default, an unencrypted root volume.
"""

import pulumi
import pulumi_aws as aws
from pulumi_command import local, remote

config = pulumi.Config()
public_key = config.require("publicKey")
private_key = config.require_secret("privateKey")

ubuntu = aws.ec2.get_ami(
    most_recent=True,
    owners=["099720109477"],
    filters=[
        aws.ec2.GetAmiFilterArgs(name="name", values=["ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*"]),
        aws.ec2.GetAmiFilterArgs(name="virtualization-type", values=["hvm"]),
    ],
)

key_pair = aws.ec2.KeyPair("deployer", public_key=public_key)

web_sg = aws.ec2.SecurityGroup(
    "web-sg",
    description="SSH for provisioning, HTTP for visitors",
    ingress=[
        aws.ec2.SecurityGroupIngressArgs(protocol="tcp", from_port=22, to_port=22, cidr_blocks=["0.0.0.0/0"]),
        aws.ec2.SecurityGroupIngressArgs(protocol="tcp", from_port=80, to_port=80, cidr_blocks=["0.0.0.0/0"]),
    ],
    egress=[aws.ec2.SecurityGroupEgressArgs(protocol="-1", from_port=0, to_port=0, cidr_blocks=["0.0.0.0/0"])],
)

server = aws.ec2.Instance(
    "server",
    ami=ubuntu.id,
    instance_type="t3.micro",
    key_name=key_pair.key_name,
    vpc_security_group_ids=[web_sg.id],
    associate_public_ip_address=True,
    tags={"Name": "provisioned-web"},
)

connection = remote.ConnectionArgs(host=server.public_ip, user="ubuntu", private_key=private_key)

copy_config = remote.CopyToRemote(
    "nginx-config",
    connection=connection,
    source=pulumi.FileAsset("nginx.conf"),
    remote_path="/tmp/nginx.conf",
    triggers=[server.id],
)

install = remote.Command(
    "install-nginx",
    connection=connection,
    create=(
        "sudo apt-get update -q && sudo apt-get install -y -q nginx"
        " && sudo mv /tmp/nginx.conf /etc/nginx/sites-available/default && sudo systemctl reload nginx"
    ),
    triggers=[server.id],
    opts=pulumi.ResourceOptions(depends_on=[copy_config]),
)

inventory = local.Command(
    "inventory",
    create=pulumi.Output.concat("echo ", server.public_ip, " >> hosts.txt"),
    delete=pulumi.Output.concat("sed -i '/", server.public_ip, "/d' hosts.txt"),
    opts=pulumi.ResourceOptions(depends_on=[install]),
)

pulumi.export("public_ip", server.public_ip)
pulumi.export("url", pulumi.Output.concat("http://", server.public_dns))
pulumi.export("install_output", install.stdout)
