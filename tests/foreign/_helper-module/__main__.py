"""A minimal program in the style of Pulumi's aws-py-eks layout: a helper module declares a role on import."""

import pulumi
import pulumi_aws as aws
from helper_module_roles import worker_role

aws.iam.InstanceProfile("worker", role=worker_role.name)
pulumi.export("role", worker_role.arn)
