"""Command line of the verifier: `python -m verify --stack STACK [--outputs FILE] [--region REGION]`."""

import argparse
import sys
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

import boto3

from .checks import CHECKS, Live, Status, run_check
from .stack import OUTPUT_NAMES, UsageError, load_config, read_outputs_file, read_stack_outputs

REPO = Path(__file__).resolve().parent.parent
"""The Pulumi project folder (where Pulumi.yaml and the stack files live)."""
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def parser() -> argparse.ArgumentParser:
    """The verifier's arguments."""
    outputs = "\n".join(f"  {name:<26}{description}" for name, description in OUTPUT_NAMES.items())
    result = argparse.ArgumentParser(
        prog="python -m verify",
        description="Check a deployed stack against the live AWS account; one PASS/FAIL/SKIP line per check.",
        epilog=f"Stack outputs read (a check whose output is missing is skipped):\n{outputs}\n\n"
        "Exit status: 0 all checks passed, 1 a check failed or none could run, 2 bad usage.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    result.add_argument("--stack", required=True, help="stack name (reads Pulumi.<stack>.yaml for expectations)")
    result.add_argument("--outputs", type=Path, help="JSON file from `pulumi stack output --json` instead of asking the CLI")
    result.add_argument("--region", help="AWS region (default: aws:region of the stack, then the AWS SDK's default)")
    result.add_argument("--profile", help="AWS profile of the shared config files (default: the SDK's default chain)")
    result.add_argument("--project-dir", type=Path, default=REPO, help="folder holding Pulumi.yaml (default: this repository)")
    return result


def main(argv: Optional[Sequence[str]] = None, session_factory: Callable[..., Any] = boto3.Session) -> int:
    """Run every check and print one line each; return the exit status."""
    try:
        args = parser().parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    try:
        config = load_config(args.project_dir, args.stack)
        outputs = read_outputs_file(args.outputs) if args.outputs else read_stack_outputs(args.stack, args.project_dir)
        region = args.region or config.region
        session = session_factory(region_name=region, profile_name=args.profile)
        if not session.region_name:
            raise UsageError("no AWS region: pass --region or set aws:region in the stack's config")
        if session.get_credentials() is None:
            # One line for the setup problem, not one failed check per resource.
            raise UsageError("no AWS credentials found: run `aws configure`, set AWS_PROFILE or pass --profile")
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as error:  # e.g. botocore ProfileNotFound: the user's setup, not a check
        print(f"error: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_USAGE
    print(f"Verifying stack {args.stack} in {session.region_name}")
    live = Live(session=session, outputs=outputs, config=config)
    results = [run_check(check, live) for check in CHECKS]
    for result in results:
        print(result.line())
    counts = {status: sum(r.status == status for r in results) for status in Status}
    print(f"{counts[Status.PASS]} passed, {counts[Status.FAIL]} failed, {counts[Status.SKIP]} skipped")
    if counts[Status.PASS] + counts[Status.FAIL] == 0:
        needed = dict.fromkeys(name for check in CHECKS for name in check.needs)
        print("error: nothing verified; the stack exports none of: " + ", ".join(needed), file=sys.stderr)
        return EXIT_FAILED
    return EXIT_FAILED if counts[Status.FAIL] else EXIT_OK
