"""`python -m policies check --stack STACK [--project DIR] [--json]`: the policy packs, offline.

Runs DIR/__main__.py for the stack under Pulumi mocks, then every policy of policies/least_privilege and
policies/cost through pulumi-policy's analyzer, with DIR/policies/config/STACK.json as the pack config.
Exit status: 0 no mandatory violation, 1 at least one, 2 bad usage or bad config (one line on stderr;
a crash of the program or a policy also exits 2, after its traceback).
"""

import argparse
import os
import sys
import traceback
from pathlib import Path
from typing import Optional

EXIT_OK, EXIT_MANDATORY, EXIT_USAGE = 0, 1, 2

try:
    import pulumi
    import yaml

    from .offline.analyze import PackConfigError
    from .offline.check import ProgramError, run_check
    from .offline.packs import PackError
    from .offline.report import render_json, render_text
    from .offline.stack_config import StackConfigError, one_line
except ImportError as missing:  # run outside the project's virtual environment: a setup error, not a verdict
    print(f"error: {missing}; run `make check STACK=<stack>` or use .venv/bin/python (created by `make test`)", file=sys.stderr)
    sys.exit(EXIT_USAGE)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        """Bad usage: one line on stderr, exit 2 (argparse would print the whole usage first)."""
        self.exit(EXIT_USAGE, f"error: {message} (see python -m policies check --help)\n")


def parse(argv: list[str]) -> argparse.Namespace:
    parser = _Parser(prog="python -m policies", description="Run the policy packs on a stack, offline.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    check = sub.add_parser("check", help="run the program under mocks and check it against both packs")
    check.add_argument("--stack", required=True, help="stack name: DIR/Pulumi.STACK.yaml is its config")
    check.add_argument("--project", default=Path("."), type=Path, help="project folder (default: the current one)")
    check.add_argument("--json", action="store_true", help="print one JSON document instead of the text report")
    check.add_argument("--preview", action="store_true", help="leave computed values unknown, as pulumi preview does")
    check.add_argument("--policy-config", type=Path, default=None, help="pack config file (default: DIR/policies/config/STACK.json)")
    return parser.parse_args(argv)


def main(argv: Optional[list[str]] = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    try:
        result = run_check(args.project, args.stack, preview=args.preview, config_file=args.policy_config)
    except (pulumi.RunError, FileNotFoundError, PackConfigError, PackError, ProgramError, StackConfigError, yaml.YAMLError) as error:
        print(one_line(f"error: {str(error) or type(error).__name__}"), file=sys.stderr)
        return EXIT_USAGE
    except Exception:  # a crash must not read as "mandatory violation" (exit 1)
        traceback.print_exc()
        print("error: the check crashed (traceback above)", file=sys.stderr)
        return EXIT_USAGE
    print(render_json(result) if args.json else render_text(result))
    return EXIT_MANDATORY if result.mandatory else EXIT_OK


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # Skip interpreter teardown: the Pulumi runtime's event loop, collected there after a refused
    # config, may print "Exception ignored ..." lines that would break the one-line error promise.
    os._exit(code)
