"""A kubeconfig that authenticates with `aws eks get-token`."""

import json

import pulumi
import pulumi_aws as aws


def kubeconfig(cluster: aws.eks.Cluster, region: str) -> pulumi.Output[str]:
    def render(args: list) -> str:
        endpoint, certificate_authority, name = args
        return json.dumps(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [{"name": name, "cluster": {"server": endpoint, "certificate-authority-data": certificate_authority}}],
                "contexts": [{"name": name, "context": {"cluster": name, "user": name}}],
                "current-context": name,
                "users": [
                    {
                        "name": name,
                        "user": {
                            "exec": {
                                "apiVersion": "client.authentication.k8s.io/v1beta1",
                                "command": "aws",
                                "args": ["eks", "get-token", "--cluster-name", name, "--region", region],
                            }
                        },
                    }
                ],
            }
        )

    # Output.all turns output objects into plain dicts: take the field while it is still typed.
    certificate_authority = cluster.certificate_authority.apply(lambda authority: authority.data)
    return pulumi.Output.all(cluster.endpoint, certificate_authority, cluster.name).apply(render)
