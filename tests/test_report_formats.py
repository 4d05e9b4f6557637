"""Report formats on a program with violations at known lines: SARIF (official schema, locations), JUnit
(junitparser), Markdown (fits a comment), JSON (cost explained), and the command line's --format/--output."""

import hashlib
import io
import json
from pathlib import Path

import jsonschema
import pytest
from junitparser import Failure, JUnitXml, Skipped

from policies.cli import main
from policies.offline.check import CheckResult, run_check
from policies.offline.formats import FORMATS, render
from policies.offline.formats.common import source_of
from policies.offline.formats.markdown import COMMENT_LIMIT
from policies.offline.formats.markdown import render as render_markdown
from policies.offline.mocks import RecordedResource
from policies.offline.progress import Progress
from tests.harness import REPO, run_stack

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "located_program"
SCHEMA = Path(__file__).resolve().parent / "schemas" / "sarif-schema-2.1.0.json"
SCHEMA_SHA256 = "ddddcccbf95c7c50c037b5b07eff4140556278ca574ff374db46786b5fce7949"


def line_of(path: Path, text: str) -> int:
    """The 1-based line of the only occurrence of `text` in a file."""
    lines = [number for number, line in enumerate(path.read_text().splitlines(), 1) if text in line]
    assert len(lines) == 1, f"{text!r} in {path}: {lines}"
    return lines[0]


@pytest.fixture(scope="module")
def located() -> CheckResult:
    return run_check(FIXTURE, "test")


@pytest.fixture(scope="module")
def sarif(located: CheckResult) -> dict:
    return json.loads(render("sarif", located))


def results_for(sarif: dict, rule: str) -> list[dict]:
    return [r for r in sarif["runs"][0]["results"] if r["ruleId"] == rule]


def location(result: dict) -> tuple[str, int]:
    physical = result["locations"][0]["physicalLocation"]
    return physical["artifactLocation"]["uri"], physical["region"]["startLine"]


def test_the_vendored_schema_is_the_official_file() -> None:
    assert hashlib.sha256(SCHEMA.read_bytes()).hexdigest() == SCHEMA_SHA256
    assert json.loads(SCHEMA.read_text())["id"].startswith("https://docs.oasis-open.org/sarif/sarif/v2.1.0/")


def test_sarif_validates_against_the_official_schema(sarif: dict) -> None:
    validator = jsonschema.Draft4Validator(json.loads(SCHEMA.read_text()), format_checker=jsonschema.FormatChecker())
    errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(sarif)]
    assert not errors, errors[:5]
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"]


def test_sarif_points_at_the_line_of_main_that_declared_the_resource(sarif: dict) -> None:
    expected = ("__main__.py", line_of(FIXTURE / "__main__.py", "aws.ec2.SecurityGroup("))
    found = results_for(sarif, "sg-no-public-admin-ports")
    assert [location(r) for r in found] == [expected]
    assert all(loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%" for r in found for loc in [r["locations"][0]["physicalLocation"]])


def test_sarif_points_at_the_line_of_the_component_that_declared_the_resource(sarif: dict) -> None:
    expected = ("parts/storage.py", line_of(FIXTURE / "parts" / "storage.py", "aws.efs.FileSystem("))
    assert [location(r) for r in results_for(sarif, "efs-encrypted")] == [expected]


def test_sarif_points_into_this_repositorys_components(tmp_path: Path) -> None:
    """A violation of the committed dev stack (a cap of 1 server) lands on the line of components/web_fleet.py."""
    config = tmp_path / "dev.json"
    strict = json.loads((REPO / "policies" / "config" / "dev.json").read_text()) | {"asg-max-size": {"maxSize": 1}}
    config.write_text(json.dumps(strict))
    result = run_check(REPO, "dev", config_file=config, program_run=run_stack("dev"))
    found = results_for(json.loads(render("sarif", result)), "asg-max-size")
    assert [location(r) for r in found] == [
        ("components/web_fleet.py", line_of(REPO / "components" / "web_fleet.py", "aws.autoscaling.Group("))
    ]


def test_sarif_rules_carry_description_remediation_level_and_pack(sarif: dict, located: CheckResult) -> None:
    rules = {rule["id"]: rule for rule in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert set(rules) == {meta.name for pack in located.packs for meta in pack.policies}
    rule = rules["efs-encrypted"]
    assert rule["defaultConfiguration"]["level"] == "error" and rule["properties"]["pack"] == "awsinaction-least-privilege"
    assert "Fix: Set encrypted=True." in rule["help"]["text"] and rule["shortDescription"]["text"]
    for result in sarif["runs"][0]["results"]:
        assert rules[result["ruleId"]] == sarif["runs"][0]["tool"]["driver"]["rules"][result["ruleIndex"]]


def test_sarif_fingerprints_are_stable_and_distinct(sarif: dict, located: CheckResult) -> None:
    again = json.loads(render("sarif", located))
    prints = [r["partialFingerprints"] for r in sarif["runs"][0]["results"]]
    assert prints == [r["partialFingerprints"] for r in again["runs"][0]["results"]]
    assert len({json.dumps(p) for p in prints}) == len(prints)


def test_a_resource_declared_outside_the_project_points_at_its_nearest_declared_ancestor(tmp_path: Path, located: CheckResult) -> None:
    root = located.project_dir
    parent = RecordedResource("urn:p", "my:index:Thing", "thing", "", {}, False, source_file=str(root / "__main__.py"), source_line=7)
    child = RecordedResource("urn:c", "aws:s3/bucket:Bucket", "b", "urn:p", {}, True, source_file="/usr/lib/python3/site.py", source_line=3)
    orphan = RecordedResource("urn:o", "aws:s3/bucket:Bucket", "o", "", {}, True, source_file="/elsewhere.py", source_line=3)
    fake = CheckResult("test", root, None, False, [parent, child, orphan], [], located.cost)
    assert source_of(fake, "urn:c") == ("__main__.py", 7)
    assert source_of(fake, "urn:o") == ("__main__.py", 1) and source_of(fake, "") == ("__main__.py", 1)


def test_junit_parses_with_junitparser_one_case_per_policy_and_resource(tmp_path: Path, located: CheckResult) -> None:
    path = tmp_path / "report.xml"
    path.write_text(render("junit", located))
    xml = JUnitXml.fromfile(str(path))
    cases = {(case.classname, case.name): case for suite in xml for case in suite}
    sg = cases[
        ("awsinaction-least-privilege.sg-no-public-admin-ports", "sg-no-public-admin-ports: ssh-open (aws:ec2/securityGroup:SecurityGroup)")
    ]
    assert isinstance(sg.result[0], Failure) and "22" in sg.result[0].message
    passed = cases[("awsinaction-least-privilege.ebs-encrypted", "ebs-encrypted")]
    assert isinstance(passed.result[0], Skipped), "no EBS volume in the program: the policy judged nothing"
    imds = [case for (classname, _), case in cases.items() if classname.endswith(".subnet-no-auto-public-ip")]
    assert len(imds) == 1 and isinstance(imds[0].result[0], Skipped)
    failures = sum(1 for case in cases.values() if case.result and isinstance(case.result[0], Failure))
    assert failures == len({(d.policy, d.urn) for d in located.mandatory}) == xml.failures
    assert {suite.name for suite in xml} == {pack.pack for pack in located.packs}


def test_markdown_groups_violations_and_stays_within_a_comment(located: CheckResult) -> None:
    text = render("markdown", located)
    assert text.startswith("<!-- awsinaction-check: test -->\n### :x: Policy check of stack `test`: FAIL")
    assert (
        "**[mandatory] `efs-encrypted`**" in text
        and f"`parts/storage.py:{line_of(FIXTURE / 'parts' / 'storage.py', 'aws.efs.FileSystem(')}`" in text
    )
    assert len(text) < COMMENT_LIMIT
    short = render_markdown(located, limit=1500)
    assert len(short) <= 1500 and ("more, not shown here" in short or "Cut here" in short)


def test_json_explains_the_cost(located: CheckResult) -> None:
    cost = json.loads(render("json", located))["cost"]
    item = next(i for i in cost["items"] if i["name"] == "assets-files")
    assert item["detail"] == next(i.detail for i in located.cost.items if i.name == "assets-files") and item["detail"]
    assert cost["prices"]["date"] == located.cost.prices["date"] and "Price List" in cost["prices"]["source"]
    assert cost["not_estimated"] == located.cost.not_estimated and cost["missing"] == []


def test_every_format_renders(located: CheckResult) -> None:
    for format_name in FORMATS:
        assert render(format_name, located).strip(), format_name


def test_one_run_writes_every_format_and_shows_progress_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, located: CheckResult
) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    monkeypatch.delenv("CI", raising=False)
    outputs = [f"--output={name}={tmp_path / 'out' / name}" for name in FORMATS]
    assert main(["check", "--stack", "test", "--project", str(FIXTURE), "--json", *outputs]) == 1
    printed = json.loads(capsys.readouterr().out)
    assert json.loads((tmp_path / "out" / "json").read_text()) == printed, "--json is --format json"
    assert json.loads((tmp_path / "out" / "sarif").read_text())["runs"][0]["results"]
    assert all((tmp_path / "out" / name).stat().st_size > 0 for name in FORMATS)
    steps = terminal.getvalue().splitlines()
    assert any("under mocks" in s for s in steps) and any("awsinaction-cost" in s for s in steps) and any("pricing" in s for s in steps)


@pytest.mark.parametrize(("tty", "environ"), [(False, {}), (True, {"CI": "true"})], ids=["pipe", "ci"])
def test_progress_is_silent_in_pipes_and_in_ci(tty: bool, environ: dict) -> None:
    class Stream(io.StringIO):
        def isatty(self) -> bool:
            return tty

    stream = Stream()
    progress = Progress(stream, environ)
    progress("running the program")
    assert stream.getvalue() == "" and not progress.enabled
    assert Progress(Stream(), {}).enabled is tty


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--output", "xml=out.xml"], "unknown format 'xml'"),
        (["--output", "sarif"], "is not FORMAT=FILE"),
        (["--json", "--format", "sarif"], "--json means --format json"),
        (["--max-increase", "10"], "--max-increase 10 needs --compare"),
        (["--compare", "base.json", "--max-increase-percent", "-5"], "'-5' is not a number of 0 or more"),
    ],
)
def test_bad_usage_of_the_report_flags_exits_2_with_one_line(capsys: pytest.CaptureFixture, args: list[str], message: str) -> None:
    try:
        code = main(["check", "--stack", "test", "--project", str(FIXTURE), *args])
    except SystemExit as exit_info:
        code = exit_info.code
    err = capsys.readouterr().err
    assert code == 2 and len(err.splitlines()) == 1 and message in err, err
