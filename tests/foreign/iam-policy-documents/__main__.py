"""Raw IAM built from aws.iam.get_policy_document, in the style of `pulumi convert --from terraform` output.

Imitates a team that moved its Terraform IAM module to Pulumi with the converter: flat top-level
statements, snake_case logical names, dict literals for the data source's blocks, and
`source_policy_documents` to merge documents as the Terraform module did.

Deliberate risk: the CI deploy policy grants `ecs:*`/`ecr:*` on "*" and iam:PassRole on any role.
"""

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
github_repository = config.require("githubRepository")
reports_bucket = config.require("reportsBucket")

# GitHub Actions federation: the deploy role trusts only this repository's main branch.
github = aws.iam.OpenIdConnectProvider(
    "github",
    url="https://token.actions.githubusercontent.com",
    client_id_lists=["sts.amazonaws.com"],
)

github_trust = aws.iam.get_policy_document_output(
    statements=[
        {
            "effect": "Allow",
            "actions": ["sts:AssumeRoleWithWebIdentity"],
            "principals": [{"type": "Federated", "identifiers": [github.arn]}],
            "conditions": [
                {"test": "StringEquals", "variable": "token.actions.githubusercontent.com:aud", "values": ["sts.amazonaws.com"]},
                {
                    "test": "StringLike",
                    "variable": "token.actions.githubusercontent.com:sub",
                    "values": [f"repo:{github_repository}:ref:refs/heads/main"],
                },
            ],
        }
    ]
)

deploy_role = aws.iam.Role("deploy", assume_role_policy=github_trust.json, max_session_duration=3600)

deploy_permissions = aws.iam.get_policy_document(
    statements=[
        {"sid": "Deploy", "effect": "Allow", "actions": ["ecs:*", "ecr:*"], "resources": ["*"]},
        {"sid": "PassTaskRoles", "effect": "Allow", "actions": ["iam:PassRole"], "resources": ["*"]},
    ]
)

deploy = aws.iam.Policy("deploy", description="What the CI pipeline may do", policy=deploy_permissions.json)
aws.iam.RolePolicyAttachment("deploy", role=deploy_role.name, policy_arn=deploy.arn)

# The application's instance role: read one bucket's reports, nothing else.
ec2_trust = aws.iam.get_policy_document(
    statements=[
        {
            "effect": "Allow",
            "actions": ["sts:AssumeRole"],
            "principals": [{"type": "Service", "identifiers": ["ec2.amazonaws.com"]}],
        }
    ]
)

read_reports = aws.iam.get_policy_document(
    statements=[
        {
            "sid": "ListReports",
            "actions": ["s3:ListBucket"],
            "resources": [f"arn:aws:s3:::{reports_bucket}"],
            "conditions": [{"test": "StringLike", "variable": "s3:prefix", "values": ["reports/*"]}],
        },
        {"sid": "ReadReports", "actions": ["s3:GetObject"], "resources": [f"arn:aws:s3:::{reports_bucket}/reports/*"]},
        {"sid": "FindPeers", "actions": ["ec2:DescribeInstances", "ec2:DescribeTags"], "resources": ["*"]},
    ]
)

# A guard rail, not a grant: deny everything outside the team's region except global services.
region_guard = aws.iam.get_policy_document(
    statements=[
        {
            "sid": "DenyOtherRegions",
            "effect": "Deny",
            "not_actions": ["iam:*", "sts:*", "cloudfront:*", "route53:*", "support:*"],
            "resources": ["*"],
            "conditions": [{"test": "StringNotEquals", "variable": "aws:RequestedRegion", "values": ["eu-west-1"]}],
        }
    ]
)

app_permissions = aws.iam.get_policy_document(source_policy_documents=[read_reports.json, region_guard.json])

app_role = aws.iam.Role("app", assume_role_policy=ec2_trust.json, description="Reports reader")
aws.iam.RolePolicy("app", role=app_role.id, policy=app_permissions.json)
aws.iam.InstanceProfile("app", role=app_role.name)

pulumi.export("deploy_role_arn", deploy_role.arn)
pulumi.export("app_role_arn", app_role.arn)
