"""The offline check's command line: `awsinaction-check --stack STACK [--project DIR] ...`.

Also `python -m policies check ...` from a checkout and `python -m awsinaction_policies check ...` when
installed. Runs DIR/__main__.py for the stack under Pulumi mocks, then every policy pack through
pulumi-policy's analyzer, with DIR/policies/config/STACK.json as the pack config.
Exit status: 0 no mandatory violation, 1 at least one, 2 bad usage, a bad config or a program that
fails under mocks (one line on stderr, plus the program's own frame); a crash of the check itself also
exits 2, after its traceback; 3 no mandatory violation but the cost rises more than --max-increase or
--max-increase-percent allow.
"""

import argparse
import os
import sys
import traceback
from pathlib import Path
from typing import Optional

EXIT_OK, EXIT_MANDATORY, EXIT_USAGE, EXIT_COST = 0, 1, 2, 3

try:
    import pulumi
    import yaml

    from .offline.analyze import PackConfigError
    from .offline.check import run_check
    from .offline.cost_diff import CompareError, compare, read_base
    from .offline.diagnose import ProgramError
    from .offline.formats import FORMATS, render
    from .offline.packs import PackError
    from .offline.progress import Progress
    from .offline.stack_config import StackConfigError, one_line
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


def output_spec(text: str) -> tuple[str, Path]:
    """`FORMAT=FILE` of --output."""
    format_name, sep, file_name = text.partition("=")
    if not sep or not file_name:
        raise argparse.ArgumentTypeError(f"{text!r} is not FORMAT=FILE (e.g. sarif=reports/dev.sarif)")
    if format_name not in FORMATS:
        raise argparse.ArgumentTypeError(f"{text!r}: unknown format {format_name!r} (one of {', '.join(FORMATS)})")
    return format_name, Path(file_name)


def non_negative(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0:  # also refuses nan
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of 0 or more")
    return value


def parse(argv: list[str]) -> argparse.Namespace:
    parser = _Parser(prog="awsinaction-check", description="Run the policy packs on a stack, offline.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    check = sub.add_parser("check", help="run the program under mocks and check it against every pack")
    check.add_argument("--stack", required=True, help="stack name: DIR/Pulumi.STACK.yaml is its config")
    check.add_argument("--project", default=Path("."), type=Path, help="project folder (default: the current one)")
    check.add_argument("--format", choices=FORMATS, default=None, help="report printed on stdout (default: text)")
    check.add_argument(
        "--output", action="append", default=[], type=output_spec, metavar="FORMAT=FILE",
        help="also write the report in FORMAT to FILE; repeat for several (e.g. --output sarif=dev.sarif --output html=dev.html)",
    )  # fmt: skip
    check.add_argument("--json", action="store_true", help="same as --format json")
    check.add_argument(
        "--compare", type=Path, default=None, metavar="BASE.json", help="show the cost change against a previous --format json report"
    )
    check.add_argument(
        "--max-increase", type=non_negative, default=None, metavar="USD", help="with --compare: exit 3 when the monthly cost rises by more"
    )
    check.add_argument(
        "--max-increase-percent",
        type=non_negative,
        default=None,
        metavar="PCT",
        help="with --compare: exit 3 when the monthly cost rises by more, relatively",
    )
    check.add_argument("--preview", action="store_true", help="leave computed values unknown, as pulumi preview does")
    check.add_argument("--policy-config", type=Path, default=None, help="pack config file (default: DIR/policies/config/STACK.json)")
    check.add_argument("--mocks", default=None, metavar="MODULE:CLASS", help="your own pulumi Mocks class, asked before the check's own")
    return parser.parse_args(argv)


def _usage_error(args: argparse.Namespace) -> str:
    """Flag combinations argparse cannot refuse on its own, as one line."""
    if args.json and args.format not in (None, "json"):
        return f"--json means --format json, not --format {args.format}; give one of them"
    if args.compare is None and args.max_increase is not None:
        return f"--max-increase {args.max_increase:g} needs --compare BASE.json, the report to compare with"
    if args.compare is None and args.max_increase_percent is not None:
        return f"--max-increase-percent {args.max_increase_percent:g} needs --compare BASE.json, the report to compare with"
    return ""


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    except OSError as error:
        raise CompareError(f"--output {path}: {error.strerror}") from None


def main(argv: Optional[list[str]] = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    if _usage_error(args):
        print(f"error: {_usage_error(args)}", file=sys.stderr)
        return EXIT_USAGE
    try:
        base = read_base(args.compare) if args.compare else None
        result = run_check(
            args.project, args.stack, preview=args.preview, config_file=args.policy_config, mocks_spec=args.mocks, progress=Progress()
        )
        if base is not None and result.cost.monthly_usd is None:
            raise CompareError(f"--compare {args.compare}: this check has no estimate to compare ({result.cost.error})")
        diff = compare(base, result, str(args.compare)) if base is not None else None
        if diff is not None:
            diff.max_usd, diff.max_percent = args.max_increase, args.max_increase_percent
        for format_name, path in args.output:
            _write(path, render(format_name, result, diff))
    except (
        pulumi.RunError, FileNotFoundError, PackConfigError, PackError, MocksSpecError, StackConfigError, yaml.YAMLError, CompareError
    ) as error:
        print(one_line(f"error: {str(error) or type(error).__name__}"), file=sys.stderr)
        return EXIT_USAGE
    except ProgramError as error:  # one line, then the program's own frame
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except Exception:  # a bug of the check or a policy: never read as "mandatory violation" (exit 1)
        traceback.print_exc()
        print("error: the check itself crashed (traceback above); please report it", file=sys.stderr)
        return EXIT_USAGE
    print(render(args.format or ("json" if args.json else "text"), result, diff))
    if result.mandatory:
        return EXIT_MANDATORY
    return EXIT_COST if diff is not None and diff.over_limit() else EXIT_OK


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
