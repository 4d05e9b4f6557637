"""A folder published as an S3 website, in the style of Pulumi's aws-py-s3-folder example.

Imitates the example: the folder name from config, one object per file with its MIME type, the
public-access block switched off, a public-read bucket policy built from the bucket's name in an
`apply`, and the website endpoint exported. S3 website endpoints speak HTTP only.

Deliberate risk: the bucket is public on purpose; that is the whole point of the program, and
exactly what a least-privilege check must report.
"""

import json
import mimetypes
import os

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
content_dir = config.require("path")

web_bucket = aws.s3.Bucket("s3-website-bucket")

website = aws.s3.BucketWebsiteConfiguration(
    "s3-website",
    bucket=web_bucket.id,
    index_document=aws.s3.BucketWebsiteConfigurationIndexDocumentArgs(suffix="index.html"),
    error_document=aws.s3.BucketWebsiteConfigurationErrorDocumentArgs(key="error.html"),
)

public_access = aws.s3.BucketPublicAccessBlock(
    "public-access-block",
    bucket=web_bucket.id,
    block_public_acls=False,
    block_public_policy=False,
    ignore_public_acls=False,
    restrict_public_buckets=False,
)

for root, _, files in os.walk(content_dir):
    for file in files:
        file_path = os.path.join(root, file)
        key = os.path.relpath(file_path, content_dir).replace(os.sep, "/")
        mime_type, _ = mimetypes.guess_type(file_path)
        aws.s3.BucketObjectv2(
            key,
            bucket=web_bucket.id,
            key=key,
            source=pulumi.FileAsset(file_path),
            content_type=mime_type,
        )


def public_read_policy_for_bucket(bucket_name: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": ["s3:GetObject"],
                    "Resource": [f"arn:aws:s3:::{bucket_name}/*"],
                }
            ],
        }
    )


bucket_policy = aws.s3.BucketPolicy(
    "bucket-policy",
    bucket=web_bucket.id,
    policy=web_bucket.id.apply(public_read_policy_for_bucket),
    opts=pulumi.ResourceOptions(depends_on=[public_access]),
)

pulumi.export("bucket_name", web_bucket.id)
pulumi.export("website_url", website.website_endpoint.apply(lambda endpoint: f"http://{endpoint}"))
