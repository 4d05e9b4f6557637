"""`make bench`: how long the offline check and the test suite take, against their bounds.

    python benchmarks/bench_check.py [--sizes 1000 10000] [--runs 3] [--no-suite]

1. Synthetic stacks of N resources (a realistic mix: security groups and rules, instances, launch
   templates and auto-scaling groups, IAM roles and policies, buckets with their policies and blocks,
   databases, file systems, log groups) through every pack's Analyze and AnalyzeStack calls and the
   cost estimate: how the time grows with the stack (reported, not judged).
2. Each committed stack: `python -m policies check` against the floor of merely running its program
   under mocks, both in fresh processes, best of N after a warm-up, compared by the children's CPU
   time (which other load on the machine does not inflate): at most 2x.
3. The whole test suite on 2 workers: at most 60 s.
Exit 1 when a bound is exceeded.
"""

import argparse
import json
import os
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


FLOOR_PROGRAM = """
import sys
from pathlib import Path
sys.path.insert(0, {repo!r})
from policies.offline.runner import run_project
run_project(Path({repo!r}), {stack!r})
"""
"""Merely running the program under mocks: the floor a full check is compared with."""
MAX_RATIO = 2.0
"""A full check (program, every pack, cost) may take at most this multiple of the floor."""
SUITE_LIMIT_S = 60.0
"""The whole test suite on 2 workers must finish within this many seconds."""


def child_cpu(command: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child) of one run; CPU time is what load on other cores does not inflate."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    # As `make test` and `make check` run: with bytecode caching, whatever the environment says.
    subprocess.run(command, cwd=REPO, check=False, capture_output=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": ""})
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def best_of(command: list[str], runs: int) -> tuple[float, float]:
    """Warm up once (imports, disk cache), then the lowest wall and CPU time of `runs` runs."""
    child_cpu(command)
    samples = [child_cpu(command) for _ in range(runs)]
    return min(w for w, _ in samples), min(c for _, c in samples)


def bench_stacks(runs: int) -> bool:
    """Each committed stack: the full check against the floor of merely running its program. True when all are within bound."""
    print(f"Full check of each committed stack vs. running its program under mocks (best of {runs} after a warm-up)")
    print(f"{'stack':>10}  {'floor s':>8}  {'check s':>8}  {'floor CPU':>9}  {'check CPU':>9}  {'ratio':>5}  (limit {MAX_RATIO}x)")
    within = True
    for stack_file in sorted(REPO.glob("Pulumi.*.yaml")):
        stack = stack_file.name[len("Pulumi.") : -len(".yaml")]
        floor = best_of([sys.executable, "-c", FLOOR_PROGRAM.format(repo=str(REPO), stack=stack)], runs)
        check = best_of([sys.executable, "-m", "policies", "check", "--stack", stack], runs)
        ratio = check[1] / floor[1]
        within = within and ratio <= MAX_RATIO
        print(f"{stack:>10}  {floor[0]:8.2f}  {check[0]:8.2f}  {floor[1]:9.2f}  {check[1]:9.2f}  {ratio:5.2f}")
    return within


def bench_suite() -> bool:
    """The whole test suite on 2 workers, as `make test` runs it; True when within the limit."""
    wall, cpu = child_cpu([sys.executable, "-m", "pytest", "-n", "2", "-q"])
    print(f"\nWhole test suite (pytest -n 2): {wall:.1f} s wall, {cpu:.1f} s CPU (limit {SUITE_LIMIT_S:.0f} s wall)")
    return wall <= SUITE_LIMIT_S


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3, help="timed runs per command after the warm-up")
    parser.add_argument("--no-suite", action="store_true", help="skip timing the whole test suite")
    args = parser.parse_args(argv)
    print("Synthetic stacks through every pack (pulumi-policy servicer, in-process)")
    print(f"{'resources':>10}  {'total s':>8}  {'ms/resource':>11}  breakdown")
    for count in args.sizes:
        parts = bench_packs(count)
        total = sum(parts.values())
        breakdown = ", ".join(f"{k} {v:.2f}s" for k, v in parts.items())
        print(f"{count:>10}  {total:8.2f}  {1000 * total / count:11.3f}  {breakdown}")
    print()
    ok = bench_stacks(args.runs)
    if not args.no_suite:
        ok = bench_suite() and ok
    print("\nPASS" if ok else "\nFAIL: a bound above is exceeded")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
