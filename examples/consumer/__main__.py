"""The shop's platform: a network and a MySQL database from the awsinaction package, named by this project."""

import pulumi
from awsinaction.database import Database, DatabaseArgs
from awsinaction.network import NatStrategy, Network, NetworkArgs
from components.naming import shop_name

config = pulumi.Config()

network = Network(
    shop_name("net"),
    NetworkArgs(
        cidr_block=config.get("vpcCidr") or "10.40.0.0/16",
        az_count=2,
        nat_strategy=NatStrategy.SINGLE,
        tags={"CostCenter": "shop"},
    ),
)
database = Database(
    shop_name("db"),
    DatabaseArgs(
        vpc_id=network.vpc_id,
        subnet_ids=network.isolated_subnet_ids,
        # Plain AZ names, known before deployment: the component creates one subnet-group entry per AZ.
        availability_zones=network.zone_names,
        client_security_group_ids=[network.app_security_group_id],
        instance_class=config.get("dbInstanceClass") or "db.t4g.micro",
        tags={"CostCenter": "shop"},
    ),
)

pulumi.export("vpcId", network.vpc_id)
pulumi.export("privateSubnetIds", network.private_subnet_ids)
pulumi.export("databaseAddress", database.address)
pulumi.export("databaseSecretArn", database.secret_arn)
