"""How the offline check's time grows with the number of resources.

    python benchmarks/bench_check.py [--sizes 1000 10000]

Builds synthetic stacks of N resources (a realistic mix: security groups and rules, instances, launch
templates and auto-scaling groups, IAM roles and policies, buckets with their policies and blocks,
databases, file systems, log groups), then times what `python -m policies check` does after the
program ran: both packs' Analyze calls (one per resource, every resource policy) and AnalyzeStack
(every stack policy), through pulumi-policy's servicer, plus the cost estimate. It also times the
full check of every committed stack, `python -m policies check` as `make check` runs it, against its floor:
merely running the program under mocks in a process of its own. The check must stay within 2x the floor.
CPU time of the child processes is compared, which other processes on the machine do not inflate.
"""

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from policies.offline.analyze import analyze_request, analyzer_info, policy_resources, reconcile, run_pack, stack_request  # noqa: E402
from policies.offline.mocks import RecordedResource  # noqa: E402
from policies.offline.packs import load_packs  # noqa: E402


def _resource(kind: str, name: str, props: dict) -> RecordedResource:
    urn = f"urn:pulumi:bench::bench::{kind}::{name}"
    return RecordedResource(urn=urn, type=kind, name=name, parent="", inputs=props, custom=True, id=f"{name}-id", state=dict(props))


def _group(i: int) -> list[RecordedResource]:
    """One 'unit' of 12 resources that reference each other the way the real components do."""
    n = f"u{i}"
    policy = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": [f"arn:aws:s3:::{n}/*"]}]}
    )
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
        }
    )
    tls = json.dumps(
        {
            "Statement": [
                {
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": "*",
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                }
            ]
        }
    )
    return [
        _resource(
            "aws:ec2/subnet:Subnet",
            f"{n}-subnet",
            {"cidrBlock": "10.0.0.0/24", "availabilityZone": "us-east-1a", "mapPublicIpOnLaunch": False},
        ),
        _resource("aws:ec2/securityGroup:SecurityGroup", f"{n}-sg", {"description": "app", "tags": {"Role": "app"}}),
        _resource(
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
            f"{n}-in",
            {"securityGroupId": f"{n}-sg-id", "ipProtocol": "tcp", "fromPort": 80.0, "toPort": 80.0, "referencedSecurityGroupId": "sg-lb"},
        ),
        _resource(
            "aws:ec2/launchTemplate:LaunchTemplate",
            f"{n}-lt",
            {
                "instanceType": "t4g.small",
                "metadataOptions": {"httpTokens": "required"},
                "blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {"encrypted": "true", "volumeType": "gp3", "volumeSize": 8.0}}],
            },
        ),
        _resource(
            "aws:autoscaling/group:Group",
            f"{n}-asg",
            {"minSize": 2.0, "maxSize": 4.0, "launchTemplate": {"id": f"{n}-lt-id"}, "vpcZoneIdentifiers": [f"{n}-subnet-id"]},
        ),
        _resource("aws:iam/role:Role", f"{n}-role", {"assumeRolePolicy": trust}),
        _resource("aws:iam/rolePolicy:RolePolicy", f"{n}-policy", {"role": f"{n}-role-id", "policy": policy}),
        _resource("aws:s3/bucket:Bucket", n, {"bucket": n}),
        _resource(
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
            f"{n}-pab",
            {
                "bucket": f"{n}-id",
                "blockPublicAcls": True,
                "blockPublicPolicy": True,
                "ignorePublicAcls": True,
                "restrictPublicBuckets": True,
            },
        ),
        _resource("aws:s3/bucketPolicy:BucketPolicy", f"{n}-bp", {"bucket": f"{n}-id", "policy": tls}),
        _resource("aws:cloudwatch/logGroup:LogGroup", f"{n}-logs", {"retentionInDays": 30.0}),
        _resource(
            "aws:rds/instance:Instance",
            f"{n}-db",
            {
                "engine": "mysql",
                "instanceClass": "db.t4g.micro",
                "allocatedStorage": 20.0,
                "storageEncrypted": True,
                "backupRetentionPeriod": 7.0,
                "manageMasterUserPassword": True,
            },
        ),
    ]


def synthetic(count: int) -> list[RecordedResource]:
    resources: list[RecordedResource] = []
    i = 0
    while len(resources) < count:
        resources += _group(i)
        i += 1
    return resources[:count]


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def bench_packs(count: int) -> dict[str, float]:
    packs = load_packs()
    configs = [reconcile(p, analyzer_info(p.servicer()), {}, "defaults") for p in packs]
    resources = synthetic(count)
    result: dict[str, float] = {}
    requests: list = []
    stack: list = []
    result["build requests"] = timed(
        lambda: (requests.extend(analyze_request(r) for r in resources), stack.append(stack_request(resources)))
    )
    for pack, config in zip(packs, configs, strict=True):
        result[pack.name] = timed(lambda pack=pack, config=config: run_pack(pack, config, requests, stack[0]))
    import importlib

    budget = importlib.import_module("cost_rules.budget")
    result["cost estimate"] = timed(lambda: budget.stack_estimate({}, policy_resources(stack[0])))
    return result


FLOOR = "from pathlib import Path; from policies.offline.runner import run_project; run_project(Path('.'), {stack!r})"
"""Merely running the program under mocks, as the check does first."""
MAX_RATIO = 2.0
"""How much slower than its floor the full check may be."""


def child_cpu(command: list[str]) -> float:
    """CPU seconds (user + system) a child process used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, cwd=REPO, stdout=subprocess.DEVNULL, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    args = parser.parse_args(argv)
    print("Synthetic stacks through every pack (pulumi-policy servicer, in-process)")
    print(f"{'resources':>10}  {'total s':>8}  {'ms/resource':>11}  breakdown")
    for count in args.sizes:
        parts = bench_packs(count)
        total = sum(parts.values())
        breakdown = ", ".join(f"{k} {v:.2f}s" for k, v in parts.items())
        print(f"{count:>10}  {total:8.2f}  {1000 * total / count:11.3f}  {breakdown}")
    print(f"\nmake check per committed stack against its floor (the program under mocks alone), CPU s, limit {MAX_RATIO:.0f}x")
    print(f"{'stack':>10}  {'floor':>6}  {'check':>6}  ratio")
    slow = False
    for stack_file in sorted(REPO.glob("Pulumi.*.yaml")):
        stack = stack_file.name[len("Pulumi.") : -len(".yaml")]
        floor = child_cpu([sys.executable, "-c", FLOOR.format(stack=stack)])
        check = child_cpu([sys.executable, "-m", "policies", "check", "--stack", stack])
        slow = slow or check > MAX_RATIO * floor
        print(f"{stack:>10}  {floor:6.2f}  {check:6.2f}  {check / floor:4.2f}x")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
