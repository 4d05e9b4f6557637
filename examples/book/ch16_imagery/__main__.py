"""AWS in Action, chapter 16: Imagery, the fault-tolerant image service, without Elastic Beanstalk.

    pulumi up
    open "$(pulumi stack output siteUrl)"      # upload a PNG and watch it turn sepia

Or with curl:

    site=$(pulumi stack output siteUrl)
    id=$(curl -s -X POST "$site/image" | jq -r .id)
    curl -s -X POST --data-binary @photo.png "$site/image/$id/upload"
    curl -s "$site/image/$id"                  # state: uploaded, then processed with processedImage
"""

import pulumi
from awsinaction.config_errors import config_errors, config_int
from awsinaction.imagery import Imagery, ImageryArgs, validate_imagery_args
from awsinaction.network import Network, NetworkArgs

config = pulumi.Config()


def imagery_args(vpc_id: pulumi.Input[str], vpc_cidr: pulumi.Input[str], public: pulumi.Input[list[str]],
                 private: pulumi.Input[list[str]]) -> ImageryArgs:
    """Imagery as this stack's config asks for it."""
    protection = config.get_bool("deletionProtection")
    return ImageryArgs(
        vpc_id=vpc_id,
        vpc_cidr=vpc_cidr,
        public_subnet_ids=public,
        private_subnet_ids=private,
        server_min_size=config_int(config, "serverMinSize", 2),
        server_max_size=config_int(config, "serverMaxSize", 4),
        worker_max_size=config_int(config, "workerMaxSize", 2),
        max_receive_count=config_int(config, "maxReceiveCount", 10),
        deletion_protection=True if protection is None else protection,
        alarm_email=config.get("alarmEmail") or None,
        log_retention_days=30,
    )


keys = {"server_min_size": "serverMinSize", "server_max_size": "serverMaxSize", "worker_max_size": "workerMaxSize",
        "max_receive_count": "maxReceiveCount", "alarm_email": "alarmEmail", "nat_strategy": "natStrategy"}
nat = config.get("natStrategy") or "single"
with config_errors(keys):
    if nat == "none":
        raise ValueError("nat_strategy: 'none' leaves the servers no way to AWS's APIs and the package repositories; "
                         "use single, one_per_az or instance")
    validate_imagery_args(imagery_args("vpc-0", "10.16.0.0/16", ["subnet-a", "subnet-b"], ["subnet-c", "subnet-d"]))
    network = Network("imagery-net", NetworkArgs(cidr_block="10.16.0.0/16", az_count=2, nat_strategy=nat,
                                                 flow_log_retention_days=30))
    imagery = Imagery("imagery", imagery_args(network.vpc_id, network.vpc_cidr, network.public_subnet_ids, network.private_subnet_ids))

pulumi.export("siteUrl", imagery.site_url)
pulumi.export("queueUrl", imagery.queue_url)
pulumi.export("deadLetterQueueUrl", imagery.dead_letter_queue_url)
pulumi.export("tableName", imagery.table_name)
pulumi.export("uploadBucket", imagery.upload_bucket_name)
pulumi.export("processedBucket", imagery.processed_bucket_name)
pulumi.export("alarmTopicArn", imagery.alarm_topic_arn)
