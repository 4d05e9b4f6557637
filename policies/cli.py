"""The offline check's command line: `awsinaction-check --stack STACK [--project DIR] ...`.

Also `python -m policies check ...` from a checkout and `python -m awsinaction_policies check ...` when
installed. Runs DIR/__main__.py for the stack under Pulumi mocks, then every policy pack through
pulumi-policy's analyzer, with DIR/policies/config/STACK.json as the pack config.
Exit status: 0 no mandatory violation, 1 at least one, 2 bad usage, a bad config or a program that
fails under mocks (one line on stderr, plus the program's own frame); a crash of the check itself also
exits 2, after its traceback.
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
    from .offline.check import run_check
    from .offline.diagnose import ProgramError
    from .offline.packs import PackError
    from .offline.report import render_json, render_text
    from .offline.user_mocks import MocksSpecError
except ImportError as missing:  # a setup error, not a verdict
    print(
        f"error: {missing}; install the check with pip install 'awsinaction-components[policies]' "
        "(in a checkout of this repository: make check STACK=<stack>)",
        file=sys.stderr,
    )
    sys.exit(EXIT_USAGE)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        """Bad usage: one line on stderr, exit 2 (argparse would print the whole usage first)."""
        self.exit(EXIT_USAGE, f"error: {message} (see awsinaction-check --help)\n")


def parse(argv: list[str]) -> argparse.Namespace:
    parser = _Parser(prog="awsinaction-check", description="Run the policy packs on a stack, offline.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    check = sub.add_parser("check", help="run the program under mocks and check it against both packs")
    check.add_argument("--stack", required=True, help="stack name: DIR/Pulumi.STACK.yaml is its config")
    check.add_argument("--project", default=Path("."), type=Path, help="project folder (default: the current one)")
    check.add_argument("--json", action="store_true", help="print one JSON document instead of the text report")
    check.add_argument("--preview", action="store_true", help="leave computed values unknown, as pulumi preview does")
    check.add_argument("--policy-config", type=Path, default=None, help="pack config file (default: DIR/policies/config/STACK.json)")
    check.add_argument("--mocks", default=None, metavar="MODULE:CLASS", help="your own pulumi Mocks class, asked before the check's own")
    return parser.parse_args(argv)


def main(argv: Optional[list[str]] = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    try:
        result = run_check(args.project, args.stack, preview=args.preview, config_file=args.policy_config, mocks_spec=args.mocks)
    except (pulumi.RunError, FileNotFoundError, PackConfigError, PackError, MocksSpecError, yaml.YAMLError) as error:
        message = " ".join(str(error).split()) or type(error).__name__
        print(f"error: {message}", file=sys.stderr)
        return EXIT_USAGE
    except ProgramError as error:  # one line, then the program's own frame
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except Exception:  # a bug of the check or a policy: never read as "mandatory violation" (exit 1)
        traceback.print_exc()
        print("error: the check itself crashed (traceback above); please report it", file=sys.stderr)
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


COMMANDS = ("check", "-h", "--help")


def console() -> None:
    """The `awsinaction-check` console script: `check` is the default command."""
    argv = sys.argv[1:]
    code = main(argv if argv[:1] and argv[0] in COMMANDS else ["check", *argv])
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # as `python -m`: no interpreter teardown after a refused config
