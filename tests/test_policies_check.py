"""`python -m policies check`: the insecure program fails, bad input exits 2 with one line, committed stacks pass."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from policies.__main__ import main
from policies.offline.check import run_check
from policies.offline.formats.json_report import SECRET_TEXT, UNKNOWN_TEXT, json_value
from tests.harness import REPO, STACKS, reveal, run_stack

DISTRIBUTION = "aws:cloudfront/distribution:Distribution"

INSECURE = Path(__file__).resolve().parent / "fixtures" / "insecure_program"


@pytest.fixture(scope="module")
def insecure_json() -> dict:
    import io
    from contextlib import redirect_stdout

    out = io.StringIO()
    with redirect_stdout(out):
        code = main(["check", "--stack", "test", "--project", str(INSECURE), "--json"])
    assert code == 1
    return json.loads(out.getvalue())


@pytest.mark.parametrize(
    ("resource", "policy"),
    [
        ("ssh-open", "sg-no-public-admin-ports"),
        ("admin-everything", "iam-no-wildcard-actions"),
        ("public-db", "rds-not-public"),
        ("unencrypted-efs", "efs-encrypted"),
        ("public-read", "s3-no-public-grants"),
        ("public-bucket", "s3-public-access-blocked"),
    ],
)
def test_insecure_program_fails_naming_each_offender(insecure_json: dict, resource: str, policy: str) -> None:
    urns = {r["urn"]: r["name"] for r in insecure_json["resources"]}
    found = [v for v in insecure_json["violations"] if v["policy"] == policy and urns.get(v["urn"]) == resource]
    assert found and found[0]["level"] == "mandatory", f"{policy} did not flag {resource}"


def test_json_has_exactly_the_documented_shape(insecure_json: dict) -> None:
    assert set(insecure_json) == {"stack", "pack_config", "not_checked", "resources", "violations", "cost"}
    assert insecure_json["stack"] == "test" and insecure_json["not_checked"] == []
    for resource in insecure_json["resources"]:
        assert set(resource) == {"urn", "type", "name", "parent", "inputs"}
    for violation in insecure_json["violations"]:
        assert set(violation) == {"pack", "policy", "level", "urn", "message"} and violation["level"] in ("mandatory", "advisory")
    cost = insecure_json["cost"]
    assert set(cost) == {"monthly_usd", "budget_usd", "budget_source", "items", "missing", "not_estimated", "prices", "error"}
    assert isinstance(cost["monthly_usd"], float) and cost["budget_usd"] is None
    assert all(set(item) == {"urn", "type", "name", "monthly_usd", "detail"} and item["detail"] for item in cost["items"])
    assert set(cost["prices"]) == {"date", "source", "region", "currency", "hours_per_month"} and cost["prices"]["date"]
    db = next(r for r in insecure_json["resources"] if r["name"] == "public-db")
    assert db["inputs"]["allocatedStorage"] == 5.0 and db["inputs"]["publiclyAccessible"] is True, "camelCase, numbers as floats"


def test_text_report_groups_violations_and_prices_the_stack(capsys: pytest.CaptureFixture) -> None:
    assert main(["check", "--stack", "test", "--project", str(INSECURE)]) == 1
    text = capsys.readouterr().out
    assert "Resources by type" in text and "   1  aws:rds/instance:Instance" in text
    assert "[mandatory] awsinaction-least-privilege/rds-not-public" in text and "- public-db (aws:rds/instance:Instance)" in text
    assert "TOTAL; budget none (report only)" in text and text.rstrip().splitlines()[-1].startswith("FAIL")


def test_preview_mode_reports_unknowns_as_advisory_and_serializes_them(capsys: pytest.CaptureFixture) -> None:
    assert main(["check", "--stack", "test", "--project", str(INSECURE), "--json", "--preview"]) == 1
    report = json.loads(capsys.readouterr().out)
    bucket_policy = next(r for r in report["resources"] if r["name"] == "public-read")
    assert bucket_policy["inputs"]["policy"] == UNKNOWN_TEXT
    advisory = [v for v in report["violations"] if v["level"] == "advisory"]
    assert any("during preview" in v["message"] for v in advisory)


def test_json_masks_secrets_and_unknown_types() -> None:
    secret = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "value": "hunter2"}
    assert json_value({"password": secret, "code": object()})["password"] == SECRET_TEXT
    assert json_value({"code": object()})["code"] == "<object>"


def project_copy(tmp_path: Path, stack: str, config: dict) -> Path:
    """The repository's program with one more stack file."""
    for name in ("__main__.py", "Pulumi.yaml", "components", "settings"):
        (tmp_path / name).symlink_to(REPO / name)
    (tmp_path / f"Pulumi.{stack}.yaml").write_text(yaml.safe_dump({"config": config}))
    return tmp_path


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "policies", *args], cwd=REPO, capture_output=True, text=True, timeout=60)


def test_bad_stack_config_exits_2_with_one_line(tmp_path: Path) -> None:
    project = project_copy(tmp_path, "bad", {"awsinaction:azCount": 9})
    result = run_cli("check", "--stack", "bad", "--project", str(project))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines() == ["error: awsinaction:azCount: 9 is not allowed; use a whole number from 2 to 6"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "--stack", "nope"], "Pulumi.nope.yaml does not exist"),
        (["check"], "the following arguments are required: --stack"),
        (["verify", "--stack", "dev"], "invalid choice: 'verify'"),
    ],
)
def test_bad_usage_exits_2_with_one_line(capsys: pytest.CaptureFixture, args: list[str], message: str) -> None:
    try:
        code = main(args)
    except SystemExit as exit_info:  # argparse exits on its own
        code = exit_info.code
    assert code == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and message in err


def test_bad_pack_config_exits_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    config = tmp_path / "dev.json"
    config.write_text(json.dumps({"asg-max-size": {"maxSize": "ten"}}))
    assert main(["check", "--stack", "dev", "--project", str(REPO), "--policy-config", str(config)]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "asg-max-size: maxSize: 'ten' is not of type 'integer'" in err


@pytest.fixture(scope="module", params=STACKS)
def committed(request: pytest.FixtureRequest):
    return run_check(REPO, request.param)


def test_committed_stacks_pass_every_pack(committed) -> None:
    assert committed.config_file == REPO / "policies" / "config" / f"{committed.stack}.json"
    lines = [f"{d.pack}/{d.policy} {d.urn.split('::')[-1]}: {d.detail}" for d in committed.mandatory]
    assert not lines, "\n".join(lines)


def test_cloudfront_origin_tls_is_relaxed_exactly_where_the_stack_has_no_origin_certificate(committed) -> None:
    """A policy's findings all carry its level, so the pack cannot say "advisory only without a certificate";
    the stack's pack config says it, and only while the stack config sets no certificateArn."""
    stack_file = yaml.safe_load((REPO / f"Pulumi.{committed.stack}.yaml").read_text())["config"]
    pack_config = json.loads(committed.config_file.read_text())
    without_certificate = not stack_file.get("awsinaction:certificateArn")
    assert (pack_config.get("cloudfront-origin-tls") == "advisory") is without_certificate
    found = [v for v in committed.violations if v.policy == "cloudfront-origin-tls"]
    if without_certificate:
        assert [(v.level, v.urn.split("::")[-1]) for v in found] == [("advisory", "shop-cdn-cdn")]
        assert "origins[0] (load-balancer): originProtocolPolicy is 'http-only'" in found[0].detail
        assert "originSslProtocols" not in found[0].detail, "the relaxation covers plain HTTP only, never weak TLS"


def test_committed_pack_configs_keep_bastion_egress_and_bucket_logs_strict(committed) -> None:
    pack_config = json.loads(committed.config_file.read_text())
    assert "sg-egress-restricted" not in pack_config, "the bastion reaches S3 through the gateway endpoint, not the internet"
    logging = pack_config.get("access-logging")
    assert not isinstance(logging, dict) or "resources" not in logging, "every kind logs, buckets included"


EVERY_OPTION = {
    "awsinaction:ownerTaggerEnabled": "true",
    "awsinaction:healthCheckEnabled": "true",
    "awsinaction:certificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/0f7b1a2c-3d4e-5f60-7a8b-9c0d1e2f3a4b",
    "awsinaction:originDomainName": "origin.shop.example.com",
    "awsinaction:domainName": "shop.example.com",
    "awsinaction:hostedZoneId": "Z0123456789ABC",
}
"""prod with the book's Lambda automations (a trail of its own) and an HTTPS origin."""


@pytest.fixture(scope="module", params=[False, True], ids=["update", "preview"])
def every_option(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    strict = json.loads((REPO / "policies" / "config" / "prod.json").read_text())
    del strict["cloudfront-origin-tls"]  # its default level: mandatory
    config_file = tmp_path_factory.mktemp("strict") / "prod.json"
    config_file.write_text(json.dumps(strict))
    run = run_stack("prod", request.param, overrides=EVERY_OPTION)
    return run, run_check(REPO, "prod", preview=request.param, config_file=config_file, program_run=run)


def test_prod_with_every_option_on_passes_every_policy_at_its_strictest(every_option) -> None:
    run, result = every_option
    trail = run.one("aws:cloudtrail/trail:Trail")
    assert trail.inputs["isMultiRegionTrail"] is True and "kmsKeyId" in trail.inputs, "the owner tagger's own trail is checked"
    origins = reveal(run.one(DISTRIBUTION).inputs["origins"])
    assert [o["customOriginConfig"]["originProtocolPolicy"] for o in origins if "customOriginConfig" in o] == ["https-only"]
    lines = [f"{d.pack}/{d.policy} {d.urn.split('::')[-1]}: {d.detail}" for d in result.mandatory]
    assert not lines, "\n".join(lines)
    judged = {"cloudtrail-secure", "access-logging", "cloudfront-origin-tls", "sg-egress-restricted", "kms-key-rotation"}
    assert not [v for v in result.violations if v.policy in judged], "not even advisory findings on what this change fixed"
    if not result.preview:  # a preview leaves some policies "cannot judge" (advisory); `pulumi up` leaves nothing to say
        assert [f"{v.policy}: {v.detail}" for v in result.violations] == []


def test_committed_stacks_stay_within_their_budget(committed) -> None:
    stack_file = yaml.safe_load((REPO / f"Pulumi.{committed.stack}.yaml").read_text())["config"]
    budget = stack_file["awsinaction:monthlyBudgetUsd"]
    assert committed.cost.missing == []
    assert committed.cost.monthly_usd <= budget, [(i.name, i.monthly_usd) for i in committed.cost.items]
    if committed.stack == "dev":
        assert budget <= 75, "the book's HA WordPress stack costs $74.19 a month"


def tiny_project(tmp_path: Path, body: str) -> Path:
    (tmp_path / "Pulumi.yaml").write_text("name: tiny\nruntime: python\n")
    (tmp_path / "Pulumi.test.yaml").write_text("config: {}\n")
    (tmp_path / "__main__.py").write_text(body)
    return tmp_path


def test_a_refused_argument_exits_2_with_its_message_and_the_programs_line(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    project = tiny_project(tmp_path, "raise ValueError(\"instance_type: 'huge' is not an EC2 instance type (expected e.g. t4g.micro)\")\n")
    assert main(["check", "--stack", "test", "--project", str(project)]) == 2
    message, frame = capsys.readouterr().err.splitlines()
    assert message == "error: instance_type: 'huge' is not an EC2 instance type (expected e.g. t4g.micro)"
    assert frame.startswith("  at __main__.py:1: raise ValueError(")


def test_a_failing_program_exits_2_with_the_cause_and_its_own_frame(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    project = tiny_project(tmp_path, "raise TypeError('a bug')\n")
    assert main(["check", "--stack", "test", "--project", str(project)]) == 2
    first, frame = capsys.readouterr().err.splitlines()
    assert first == "error: the program failed with TypeError: a bug" and "policy" not in first
    assert frame == "  at __main__.py:1: raise TypeError('a bug')"


def test_a_crash_of_the_check_itself_exits_2_not_1_and_keeps_its_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    import policies.cli

    def broken(*args: object, **kwargs: object) -> None:
        raise TypeError("a bug of the check")

    monkeypatch.setattr(policies.cli, "run_check", broken)
    assert main(["check", "--stack", "test", "--project", str(tiny_project(tmp_path, ""))]) == 2
    err = capsys.readouterr().err
    assert "Traceback" in err and "TypeError: a bug of the check" in err
    assert err.splitlines()[-1] == "error: the check itself crashed (traceback above); please report it"


def test_a_stack_file_with_a_yaml_error_exits_2_naming_the_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    project = tiny_project(tmp_path, "")
    (project / "Pulumi.test.yaml").write_text("config:\n  aws:region: us-east-1\n  tiny:list: [a\n")
    assert main(["check", "--stack", "test", "--project", str(project)]) == 2
    assert capsys.readouterr().err.splitlines() == ["error: Pulumi.test.yaml line 4: expected ',' or ']', but got '<stream end>'"]


def test_without_a_pack_config_each_policy_uses_its_defaults(tmp_path: Path) -> None:
    body = (
        "import pulumi_aws as aws\n"
        "aws.autoscaling.Group('web', min_size=1, max_size=11, vpc_zone_identifiers=['subnet-a', 'subnet-b'],\n"
        "                      launch_template={'id': 'lt-1', 'version': '$Latest'})\n"
    )
    project = tiny_project(tmp_path, body)
    result = run_check(project, "test")
    assert result.config_file is None
    violations = [v for v in result.violations if v.policy == "asg-max-size"]
    assert [v.level for v in violations] == ["mandatory"], "the default enforcement level"
    assert "above this stack's cap of 10" in violations[0].message, "the schema default cap"


def test_the_readme_states_each_stacks_estimate_and_budget(committed) -> None:
    if committed.stack not in ("dev", "prod"):
        pytest.skip("the README's table compares dev and prod only")
    """The README's "what dev trades away" table quotes the estimate; it must follow the cost model."""
    import re

    row = next(line for line in (REPO / "README.md").read_text().splitlines() if line.startswith("| Estimated cost"))
    quoted = dict(zip(("dev", "prod"), re.findall(r"about \$(\d+) a month \(budget \$(\d+)", row), strict=True))
    about, budget = (float(n) for n in quoted[committed.stack])
    assert abs(about - committed.cost.monthly_usd) <= max(3.0, 0.05 * committed.cost.monthly_usd), committed.cost.monthly_usd
    assert budget == committed.cost.budget_usd
