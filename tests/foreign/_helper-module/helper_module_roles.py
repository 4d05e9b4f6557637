"""Declared at import time, as the IAM module of Pulumi's aws-py-eks example does."""

import json

import pulumi_aws as aws

worker_role = aws.iam.Role(
    "worker",
    assume_role_policy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
        }
    ),
)
