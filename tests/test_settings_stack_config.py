"""The stack-config reader: what each spelling in a stack file becomes, as the Pulumi CLI would pass it."""

import json
from pathlib import Path

import pytest

from policies.offline.stack_config import (
    PLACEHOLDER_TEXT,
    StackConfigError,
    aws_regions,
    go_float,
    installed_providers,
    load_stack_config,
    one_line,
    respelling,
)
from tests.harness import REPO

PROJECT = """name: shop
runtime: python
config:
  count: {type: integer, default: 2}
  enabled: {type: boolean, default: false}
  names: {type: array, items: {type: string}, default: []}
  version: {type: string, default: ''}
"""


def read(tmp_path: Path, stack_text: str, project: str = PROJECT) -> dict[str, str]:
    (tmp_path / "Pulumi.yaml").write_text(project)
    (tmp_path / "Pulumi.t.yaml").write_text(stack_text)
    return load_stack_config(tmp_path, "t").values


def refusal(tmp_path: Path, stack_text: str) -> str:
    with pytest.raises(StackConfigError) as raised:
        read(tmp_path, stack_text)
    return str(raised.value)


# The spellings of issue 12's walk and what the CLI makes of them: it reads a plain value as the text
# written, then its ValidateConfigValue types it by the type Pulumi.yaml declares (Go's strconv.Atoi for an
# integer, exactly true or false for a boolean); duplicate keys are refused (YAML spec, yaml.v3).
CLI_REFUSES = [
    ("shop:enabled: yes", "shop:enabled: 'yes' is not true or false, the type Pulumi.yaml declares"),
    ("shop:count: 0x2", "shop:count: '0x2' is not an integer"),
    ("shop:count: 1_0", "shop:count: '1_0' is not an integer"),  # Atoi refuses underscores
    ("shop:count: 2\n  shop:count: 3", "key 'shop:count' is set twice"),
    ("shop:enabled: 'yes'", "shop:enabled: 'yes' is not true or false, the type Pulumi.yaml declares"),
]
CLI_PASSES_AS_WRITTEN = [
    ("shop:count: 010", "shop:count", "010"),  # Atoi reads 10; the program gets the text and types it
    ("shop:version: 8.40", "shop:version", "8.40"),  # text stays text: not 8.4
]


@pytest.mark.parametrize(("line", "message"), CLI_REFUSES, ids=[line.split(":", 1)[1][:20] for line, _ in CLI_REFUSES])
def test_spellings_the_cli_refuses_are_refused_naming_key_and_type(tmp_path: Path, line: str, message: str) -> None:
    text = refusal(tmp_path, f"config:\n  {line}\n")
    assert message in text and "(Pulumi.t.yaml line " in text


@pytest.mark.parametrize(("line", "key", "value"), CLI_PASSES_AS_WRITTEN, ids=[case[0] for case in CLI_PASSES_AS_WRITTEN])
def test_spellings_the_cli_keeps_reach_the_program_as_written(tmp_path: Path, line: str, key: str, value: str) -> None:
    assert read(tmp_path, f"config:\n  {line}\n")[key] == value


@pytest.mark.parametrize(
    ("line", "key", "value"),
    [
        ("shop:version:", "shop:version", ""),  # empty: "" (the CLI warns and passes an empty string)
        ("shop:version: ~", "shop:version", ""),
        ("count: 3", "shop:count", "3"),  # no namespace: the project's key
        ("shop:config:count: 3", "shop:count", "3"),  # the legacy namespace:config:name form
        ("shop:count: '010'", "shop:count", "010"),  # quoted: the text as written
        ("shop:version: 2024-01-01", "shop:version", "2024-01-01"),  # Go keeps timestamps as text
        ("shop:version: !!str 8.40", "shop:version", "8.40"),
        ("shop:names: [a, 'b']", "shop:names", '["a","b"]'),  # lists and maps reach the program as JSON
        ("aws:defaultTags: {tags: {n: 3, b: true, f: 1.5, x: ~}}", "aws:defaultTags", '{"tags":{"n":3,"b":true,"f":1.5,"x":null}}'),
        ("shop:count: {secure: v1:abc}", "shop:count", "0"),  # a secret: a placeholder of the declared type
        ("shop:enabled: {secure: v1:abc}", "shop:enabled", "false"),
        ("shop:names: {secure: v1:abc}", "shop:names", "[]"),
        ("shop:version: {secure: v1:abc}", "shop:version", PLACEHOLDER_TEXT),
        ("shop:names: [a, {secure: v1:abc}]", "shop:names", f'["a","{PLACEHOLDER_TEXT}"]'),
    ],
)
def test_values_reach_the_program_as_the_cli_passes_them(tmp_path: Path, line: str, key: str, value: str) -> None:
    assert read(tmp_path, f"config:\n  {line}\n")[key] == value


def test_secrets_and_esc_environments_are_listed_as_not_checked(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text(PROJECT)
    (tmp_path / "Pulumi.t.yaml").write_text(
        "environment: [shop/dev]\nconfig:\n  shop:version: {secure: v1:abc}\n  aws:secretKey: {secure: x}\n"
    )
    config = load_stack_config(tmp_path, "t")
    assert config.secret_keys == ["shop:version", "aws:secretKey"]
    assert config.unchecked == [
        "shop:version: a secret; a placeholder of its type stood in",
        "aws:secretKey: a secret; a placeholder of its type stood in",
        "environment: Pulumi ESC environments are not read offline",
    ]


def test_declared_defaults_fill_in_what_the_stack_leaves_out(tmp_path: Path) -> None:
    assert read(tmp_path, "") == {"shop:count": "2", "shop:enabled": "false", "shop:names": "[]", "shop:version": ""}


def test_the_committed_stacks_read_as_before() -> None:
    prod = load_stack_config(REPO, "prod")
    assert prod.project == "awsinaction" and prod.secret_keys == [] and prod.unchecked == []
    assert json.loads(prod.values["awsinaction:webSchedules"]) == ["0 8 * * *=4", "0 20 * * *=2"]
    assert prod.values["awsinaction:azCount"] == "3" and prod.values["aws:region"] == "us-east-1"


@pytest.mark.parametrize(
    ("number", "go"),
    [(8.4, "8.4"), (8.0, "8"), (1e6, "1e+06"), (123456.0, "123456"), (0.0001, "0.0001"), (1e-05, "1e-05"), (-2.5, "-2.5"), (1e21, "1e+21")],
)
def test_floats_are_written_as_gos_formatfloat_g_shortest(number: float, go: str) -> None:
    assert go_float(number) == go


@pytest.mark.parametrize(
    ("text", "respelled"),
    [
        ("yes", "true"),
        ("On", "true"),
        ("0x2", "2"),
        ("1_0", "10"),
        ("010", "8"),
        ("0o17", "15"),
        ("+5", "5"),
        ("1e3", "1000"),
        ("8.40", "8.4"),
    ],
)
def test_respelling_names_what_yaml_typing_turns_a_plain_scalar_into(text: str, respelled: str) -> None:
    assert respelling(text) == respelled


@pytest.mark.parametrize("text", ["3", "-3", "true", "false", "8.4", "1.5", "t4g.micro", "2024-01-01", "10.0.0.0/16", "0 8 * * *=4"])
def test_canonical_spellings_and_text_are_kept(text: str) -> None:
    assert respelling(text) is None


def test_error_lines_are_one_line_and_short() -> None:
    assert one_line("a\n  b\tc") == "a b c"
    cut = one_line("x" * 1000)
    assert len(cut) == 200 and cut.endswith("…")


def test_providers_are_read_from_the_installed_packages_without_importing_them() -> None:
    providers = installed_providers()
    assert {"region", "profile", "defaultTags", "allowedAccountIds"} <= set(providers["aws"] or ())
    assert providers["random"] == frozenset(), "pulumi-random has no provider settings"
    assert "policy" not in providers, "pulumi_policy is not a provider"


def test_regions_come_from_every_partition_of_botocores_offline_data() -> None:
    regions = aws_regions()
    assert {"us-east-1", "eu-central-1", "cn-north-1", "us-gov-west-1"} <= regions
    assert "us-east-1a" not in regions
