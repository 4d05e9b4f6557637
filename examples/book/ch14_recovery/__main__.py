"""AWS in Action, chapter 14: a Jenkins server that comes back after the loss of its host, and of its AZ.

The book's multiaz-efs-eip.yaml: an auto-scaling group of one over two AZs, JENKINS_HOME on EFS (no
data lost), and an address that follows the server. The server here is private: its name
jenkins.<privateDomain> in the VPC's private hosted zone is pointed at each new server at boot.
Reach it through Session Manager (no open port to the internet):

    aws ssm start-session --target <instance-id> --document-name AWS-StartPortForwardingSession \\
        --parameters portNumber=8080,localPortNumber=8080          # then open http://localhost:8080
    # the initial admin password: sudo cat /data/jenkins/secrets/initialAdminPassword (on the server)
"""

import pulumi
import pulumi_aws as aws
from awsinaction.config_errors import config_errors
from awsinaction.file_system import SharedFileSystem, SharedFileSystemArgs
from awsinaction.lambda_function import check_email
from awsinaction.network import NatStrategy, Network, NetworkArgs
from awsinaction.recoverable_server import (
    AddressMode,
    DataStore,
    RecoverableServer,
    RecoverableServerArgs,
    validate_recoverable_server_args,
)
from awsinaction.tags import resource_tags

VPC_CIDR = "10.14.0.0/16"
JENKINS = """\
# Jenkins LTS with its home on the data store (the book's multiaz-efs.yaml), installed from jenkins.io's repository.
dnf install -y java-21-amazon-corretto-headless fontconfig
curl -fsSL -o /etc/yum.repos.d/jenkins.repo https://pkg.jenkins.io/redhat-stable/jenkins.repo
rpm --import https://pkg.jenkins.io/redhat-stable/jenkins.io-2023.key
dnf install -y jenkins
mkdir -p "${DATA_DIR}/jenkins"
mkdir -p /etc/systemd/system/jenkins.service.d
printf '[Service]\\nEnvironment="JENKINS_HOME=%s/jenkins"\\n' "${DATA_DIR}" > /etc/systemd/system/jenkins.service.d/home.conf
systemctl daemon-reload
systemctl enable --now jenkins
"""
config = pulumi.Config()
email = config.get("alarmEmail") or None
domain = config.get("privateDomain") or "ch14.internal"


def server_args(vpc_id: pulumi.Input[str], subnets: pulumi.Input[list[str]], files: dict[str, pulumi.Input[str]],
                zone_id: pulumi.Input[str], topic_arn: pulumi.Input[str]) -> RecoverableServerArgs:
    """Jenkins as this stack's config asks for it."""
    return RecoverableServerArgs(
        vpc_id=vpc_id,
        subnet_ids=subnets,
        strategy=config.get("strategy") or "auto_scaling",
        instance_type=config.get("instanceType") or "t4g.small",
        root_volume_size_gib=16,
        app_bootstrap=JENKINS,
        data=DataStore.EFS,
        **files,
        address=AddressMode.DNS,
        hosted_zone_id=zone_id,
        record_name=f"jenkins.{domain}",
        ingress_ports=[8080],
        ingress_cidrs=[VPC_CIDR],
        alarm_topic_arn=topic_arn,
        log_retention_days=7,
    )


STAND_IN = {"file_system_id": "fs-0", "file_system_arn": "arn", "access_point_id": "fsap-0", "access_point_arn": "arn",
            "file_system_client_security_group_id": "sg-00000000"}
with config_errors({"strategy": "strategy", "instance_type": "instanceType", "record_name": "privateDomain", "alarm_email": "alarmEmail"}):
    check_email(email, "alarm_email")
    validate_recoverable_server_args(server_args("vpc-0", ["subnet-a", "subnet-b"], STAND_IN, "Z0000000000", "topic"))
    # A NAT instance for the package repositories (Amazon Linux and jenkins.io).
    network = Network("jenkins-net", NetworkArgs(cidr_block=VPC_CIDR, az_count=2, nat_strategy=NatStrategy.INSTANCE,
                                                 flow_log_retention_days=7))
    files = SharedFileSystem(
        "jenkins-home",
        SharedFileSystemArgs(
            vpc_id=network.vpc_id,
            subnet_ids=network.private_subnet_ids,
            availability_zones=network.zone_names,
            alarm_topic_arn=network.alarm_topic_arn,  # one topic for the NAT's, the file system's and the server's alarms
        ),
    )
    zone = aws.route53.Zone("private", name=domain, comment="Names inside the Jenkins VPC", vpcs=[{"vpc_id": network.vpc_id}],
                            tags=resource_tags("private", "Route53Zone"), force_destroy=True)
    server = RecoverableServer(
        "jenkins",
        server_args(network.vpc_id, network.private_subnet_ids, {
            "file_system_id": files.file_system_id, "file_system_arn": files.file_system_arn, "access_point_id": files.access_point_id,
            "access_point_arn": files.access_point_arn, "file_system_client_security_group_id": files.client_security_group_id,
        }, zone.zone_id, files.alarm_topic_arn),
        # Boot only once every AZ's mount target exists, or the first mount fails.
        pulumi.ResourceOptions(depends_on=files.mount_targets),
    )

if email:
    aws.sns.TopicSubscription("alarm-email", topic=files.alarm_topic_arn, protocol="email", endpoint=email)

pulumi.export("jenkinsUrl", server.address.apply(lambda name: f"http://{name}:8080"))
pulumi.export("groupName", server.group_name)
pulumi.export("fileSystemId", files.file_system_id)
pulumi.export("alarmTopicArn", server.alarm_topic_arn)
