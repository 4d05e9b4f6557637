"""AWS in Action, chapter 12: an in-memory cache in front of your database.

The cache lives in the isolated subnets of its own VPC and admits only the VPC's application security
group (`clientSecurityGroupId`): attach that group to the servers that use the cache. They connect
with TLS and the AUTH token from the secret `authSecretArn` (attach `clientPolicy` to their role):

    redis-cli --tls -h $(pulumi stack output primaryEndpoint) -p 6379 --askpass    # from a server in the VPC
"""

import pulumi
import pulumi_aws as aws
from awsinaction.cache import Cache, CacheArgs, validate_cache_args
from awsinaction.config_errors import config_errors, config_int
from awsinaction.lambda_function import check_email
from awsinaction.network import NatStrategy, Network, NetworkArgs

config = pulumi.Config()


email = config.get("alarmEmail") or None
multi_az = config.get_bool("multiAz")
keys = {"engine": "engine", "node_type": "nodeType", "multi_az": "multiAz", "replica_count": "replicaCount",
        "snapshot_retention_days": "snapshotRetentionDays", "alarm_email": "alarmEmail"}


def cache_args(vpc_id: pulumi.Input[str], subnet_ids: pulumi.Input[list[str]], zones: list[str], client: pulumi.Input[str]) -> CacheArgs:
    """The cache as this stack's config asks for it, in the given network."""
    return CacheArgs(
        vpc_id=vpc_id,
        subnet_ids=subnet_ids,
        availability_zones=zones,
        client_security_group_ids=[client],
        engine=config.get("engine") or "valkey",
        node_type=config.get("nodeType") or "cache.t4g.micro",
        multi_az=True if multi_az is None else multi_az,
        replica_count=config_int(config, "replicaCount", 1),
        snapshot_retention_days=config_int(config, "snapshotRetentionDays", 7),
        skip_final_snapshot=pulumi.get_stack() == "dev",
    )


with config_errors(keys):
    check_email(email, "alarm_email")
    # Checked with stand-in network values first: a bad value stops the program before the network exists.
    validate_cache_args(cache_args("vpc-0", ["subnet-a", "subnet-b"], ["zone-a", "zone-b"], "sg-00000000"))
    # The cache needs no internet: no public subnets, no NAT (and no NAT cost).
    network = Network("cache-net", NetworkArgs(cidr_block="10.12.0.0/16", az_count=2, nat_strategy=NatStrategy.NONE, public_subnets=False,
                                               flow_log_retention_days=7))
    cache = Cache("cache", cache_args(network.vpc_id, network.isolated_subnet_ids, network.zone_names, network.app_security_group_id))
if email:
    aws.sns.TopicSubscription("alarm-email", topic=cache.alarm_topic_arn, protocol="email", endpoint=email)

pulumi.export("primaryEndpoint", cache.primary_endpoint_address)
pulumi.export("readerEndpoint", cache.reader_endpoint_address)
pulumi.export("authSecretArn", cache.auth_secret_arn)
pulumi.export("clientPolicy", cache.client_policy)
pulumi.export("clientSecurityGroupId", network.app_security_group_id)
pulumi.export("vpcId", network.vpc_id)
