"""`python -m policies check --stack STACK`: run the program offline and report what it plans.

Placeholder until the policy packs land: prints the planned resources by type.
"""

import argparse
import sys
from collections import Counter
from pathlib import Path

import pulumi

from .offline.runner import run_project


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m policies")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="run the program under mocks and report")
    check.add_argument("--stack", required=True)
    check.add_argument("--project", default=".", type=Path)
    args = parser.parse_args(argv)
    try:
        run = run_project(args.project, args.stack)
    except (pulumi.RunError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for token, count in sorted(Counter(r.type for r in run.resources).items()):
        print(f"{count:4d}  {token}")
    print(f"{len(run.resources)} resources planned for stack {args.stack}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
