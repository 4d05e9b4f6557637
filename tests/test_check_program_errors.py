"""When a checked program fails under mocks, the check says where and why, and lets users bring their own mocks."""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from policies.offline.check import run_program
from policies.offline.diagnose import ProgramError
from policies.offline.user_mocks import MocksSpecError
from tests.harness import REPO


def project(tmp_path: Path, program: str, extra: dict[str, str] | None = None) -> Path:
    """A one-stack project (`test`) whose __main__.py is `program`."""
    (tmp_path / "Pulumi.yaml").write_text("name: foreign\nruntime: python\n")
    (tmp_path / "Pulumi.test.yaml").write_text("config:\n  aws:region: eu-west-1\n")
    (tmp_path / "__main__.py").write_text(textwrap.dedent(program))
    for name, text in (extra or {}).items():
        (tmp_path / name).write_text(textwrap.dedent(text))
    return tmp_path


def failure(tmp_path: Path, program: str, **kwargs: object) -> str:
    with pytest.raises(ProgramError) as raised:
        run_program(project(tmp_path, program), "test", **kwargs)  # type: ignore[arg-type]
    return str(raised.value)


def test_a_failing_apply_names_the_resource_output_and_the_programs_line(tmp_path: Path) -> None:
    message = failure(
        tmp_path,
        """\
        import pulumi
        import pulumi_aws as aws

        bucket = aws.s3.Bucket("assets")
        pulumi.export("part", bucket.arn.apply(lambda arn: arn.split(":")[42]))
        """,
    )
    first, frame = message.split("\n")
    assert "assets (aws:s3/bucket:Bucket) output arn" in first and "IndexError" in first
    assert f"error: {message}" in (REPO / "docs" / "check-your-program.md").read_text()  # the example there is this run
    assert "--mocks module:Class" in first and "--preview" in first
    assert frame.strip().startswith("at __main__.py:5: pulumi.export")


def test_a_missing_package_says_which_interpreter_to_install_into(tmp_path: Path) -> None:
    message = failure(tmp_path, "import pulumi\nimport not_installed_anywhere\n")
    assert message.startswith("the program imports not_installed_anywhere, which is not installed for " + sys.executable)
    assert "install the program's requirements into the interpreter that runs the check" in message


def test_a_failure_after_an_invoke_names_the_invoke(tmp_path: Path) -> None:
    message = failure(
        tmp_path,
        """\
        import pulumi_aws as aws

        zone = aws.route53.get_zone(name="example.com")
        server = zone.name_servers[17]
        """,
    )
    assert "aws:route53/getZone:getZone" in message and "IndexError" in message
    assert "at __main__.py:4: server = zone.name_servers[17]" in message


def test_a_component_refusing_its_arguments_keeps_its_own_one_line_message(tmp_path: Path) -> None:
    message = failure(
        tmp_path,
        """\
        from components.network import Network, NetworkArgs

        Network("net", NetworkArgs(cidr_block="10.0.0.0/8"))
        """,
    )
    first, frame = message.split("\n")
    assert first == "cidr_block: '10.0.0.0/8' is larger than AWS allows; use a prefix from /16 to /23"
    assert frame.strip().startswith("at ") and "Network(" in frame  # the program's call, or the component's check


MOCKS = """\
import pulumi
from policies.offline.mocks import AwsMocks


class ZoneOfMine(AwsMocks):
    def call(self, args):
        if args.token == "aws:route53/getZone:getZone":
            return {"zoneId": "ZMINE", "name": "mine.example", "nameServers": ["ns1"] * 20}, []
        return super().call(args)


class OnlyBuckets(pulumi.runtime.Mocks):
    def new_resource(self, args):
        return ("bucket-of-mine", dict(args.inputs)) if args.typ == "aws:s3/bucket:Bucket" else None

    def call(self, args):
        return None
"""

PROGRAM = """\
import pulumi
import pulumi_aws as aws

zone = aws.route53.get_zone(name="example.com")
pulumi.export("zone", zone.zone_id)
bucket = aws.s3.Bucket("b")
vpc = aws.ec2.Vpc("v", cidr_block="10.0.0.0/16")
"""


def test_users_mocks_answer_first_and_ours_answer_the_rest(tmp_path: Path) -> None:
    folder = project(tmp_path, PROGRAM, {"my_mocks.py": MOCKS})
    sys.path.insert(0, str(REPO))  # my_mocks imports the check's AwsMocks, as an installed check would provide it
    try:
        run = run_program(folder, "test", mocks_spec="my_mocks:ZoneOfMine")
        assert run.outputs["zone"] == "ZMINE"
        chained = run_program(folder, "test", mocks_spec="my_mocks:OnlyBuckets")
    except ProgramError as error:
        pytest.fail(str(error))
    finally:
        sys.path.remove(str(REPO))
    assert chained.one("aws:s3/bucket:Bucket").id == "bucket-of-mine"
    assert chained.one("aws:ec2/vpc:Vpc").id.startswith("vpc-")


@pytest.mark.parametrize("spec", ["no_colon", "my_mocks:Missing", "nowhere:Mocks", "my_mocks:PROGRAM_TEXT"])
def test_a_bad_mocks_value_is_one_line_naming_it(tmp_path: Path, spec: str) -> None:
    folder = project(tmp_path, PROGRAM, {"my_mocks.py": "PROGRAM_TEXT = 'not a class'\n"})
    with pytest.raises(MocksSpecError, match=rf"^--mocks '{spec}': "):
        run_program(folder, "test", mocks_spec=spec)


def test_the_command_prints_the_cause_and_the_frame_without_a_traceback(tmp_path: Path) -> None:
    folder = project(tmp_path, "import pulumi_aws as aws\nprint(aws.route53.get_zone(name='x.org').name_servers[9])\n")
    done = subprocess.run(
        [sys.executable, "-m", "policies", "check", "--stack", "test", "--project", str(folder)],
        capture_output=True, text=True, cwd=REPO, timeout=120,
    )
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert len(lines) == 2 and lines[0].startswith("error: the program failed") and "Traceback" not in done.stderr
    assert "policy" not in lines[0]


@pytest.mark.parametrize(("program", "first"), [
    ("import sys\nsys.exit(0)\n", "the program called sys.exit(0) before it finished"),  # not a silent PASS
    ("import sys\nsys.exit(3)\n", "the program called sys.exit(3) before it finished"),  # not the cost limit's exit 3
    ("x = (\n", "the program has a syntax error in __main__.py line 1"),
    ("x = 1 / 0\n", "the program failed with ZeroDivisionError: division by zero"),
])
def test_a_program_that_exits_or_cannot_run_is_reported_not_judged(tmp_path: Path, program: str, first: str) -> None:
    message = failure(tmp_path, program)
    assert message.startswith(first) and "--mocks" not in message  # no mocked value is involved


BROKEN_MOCKS = """\
import pulumi


class Broken(pulumi.runtime.Mocks):
    def new_resource(self, args):
        raise ValueError("my mock broke")

    def call(self, args):
        return None


class Odd(pulumi.runtime.Mocks):
    def new_resource(self, args):
        return 42

    def call(self, args):
        return None
"""


@pytest.mark.parametrize(("spec", "said"), [
    ("bad_mocks:Broken", "its new_resource for b (aws:s3/bucket:Bucket) raised ValueError: my mock broke at bad_mocks.py:6"),
    ("bad_mocks:Odd", "its new_resource for b (aws:s3/bucket:Bucket) returned 42, not (id, state) or None"),
    ("raising_mocks:X", "cannot import raising_mocks (RuntimeError: boom)"),
])
def test_a_failure_of_the_users_mocks_is_named_as_theirs(tmp_path: Path, spec: str, said: str) -> None:
    folder = project(tmp_path, "import pulumi_aws as aws\naws.s3.Bucket('b')\n",
                     {"bad_mocks.py": BROKEN_MOCKS, "raising_mocks.py": "raise RuntimeError('boom')\n"})
    with pytest.raises(MocksSpecError) as raised:
        run_program(folder, "test", mocks_spec=spec)
    assert str(raised.value) == f"--mocks {spec!r}: {said}"
