"""A table of bad and odd stack files, read as a user's `pulumi up` or `python -m policies check` would read them.

Each bad file is refused in one line of at most 200 characters that names the key (or, for file-level
mistakes, what is wrong); each odd-but-valid one yields settings. Most rows run in-process through exactly the
path the check and the program take (the stack-config reader, then the settings with the secret placeholders
announced); a few run end to end through `python -m policies check` to prove exit 2, one line, no traceback.
"""

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

import pytest

from policies.offline.stack_config import StackConfigError, load_stack_config, placeholders_announced
from settings import ConfigError, Settings, load_settings, placeholder_keys, read_project_config
from tests.harness import REPO

LIMIT = 200
OUR_PROJECT = (REPO / "Pulumi.yaml").read_text()
SCHEDULES_125 = "[" + ", ".join(f'"{m} {h} * * *=2"' for h in range(6) for m in range(21))[: -len(', "20 5 * * *=2"')] + "]"
SCHEDULES_126 = "[" + ", ".join(f'"{m} {h} * * *=2"' for h in range(6) for m in range(21)) + "]"


@dataclass(frozen=True)
class Case:
    """One stack file and what must come of it."""

    name: str
    text: str
    refused: Optional[tuple[str, str]] = None
    """(what the line must name: a key or a file-level word, a fragment of the reason); None: the stack is valid."""
    holds: Optional[Callable[[Settings], bool]] = None
    """For a valid stack: what the settings must say."""
    project: Optional[str] = None
    """Pulumi.yaml text when not the repository's."""
    extra: dict[str, str] = field(default_factory=dict)
    """More files (relative path -> text), e.g. a stack file in stackConfigDir."""


def cfg(*lines: str) -> str:
    """A stack file whose config section holds `lines` (YAML text, one key each)."""
    return "config:\n" + "".join(f"  {line}\n" for line in lines)


def bad(name: str, text: str, names: str, reason: str, **kwargs) -> Case:
    return Case(name, text, refused=(names, reason), **kwargs)


def ok(name: str, text: str, holds: Optional[Callable[[Settings], bool]] = None, **kwargs) -> Case:
    return Case(name, text, holds=holds, **kwargs)


A = "awsinaction"
BOMB = "".join(f"    x{i}: &x{i} [{', '.join([f'*x{i - 1}'] * 9) if i else ', '.join(['lol'] * 9)}]\n" for i in range(9))
TINY_PROJECT = "name: awsinaction\nruntime: python\n"
HTTPS = (
    f"{A}:certificateArn: arn:aws:acm:us-east-1:123456789012:certificate/0f7b1a2c-3d4e-5f60-7a8b-9c0d1e2f3a4b",
    f"{A}:hostedZoneId: Z0123456789ABC",
    f"{A}:domainName: shop.example.com",
)

CASES = [
    # --- the file's shape ---
    ok("empty-file", "", lambda s: s.network.az_count == 2),
    ok("only-comments", "# nothing here\n# at all\n"),
    ok("empty-config", "config:\n"),
    ok("null-config", "config: ~\n"),
    ok("flow-empty-config", "config: {}\n"),
    bad("top-level-list", "- config\n", "stack file", "must be a mapping"),
    bad("top-level-text", "hello\n", "stack file", "must be a mapping"),
    bad("config-list", "config:\n  - awsinaction:azCount: 2\n", "config", "must be a mapping"),
    bad("config-text", "config: azCount=2\n", "config", "must be a mapping"),
    bad("config-number", "config: 3\n", "config", "must be a mapping"),
    bad("confg-typo", "confg:\n  awsinaction:azCount: 3\n", "'confg'", "did you mean config?"),
    bad("Config-case", "Config:\n  awsinaction:azCount: 3\n", "'Config'", "did you mean config?"),
    bad("configs-typo", "configs: {}\n", "'configs'", "did you mean config?"),
    bad("unknown-top-key", "stack: dev\nconfig: {}\n", "'stack'", "is not a stack file setting"),
    ok("secretsprovider", "secretsprovider: passphrase\nencryptionsalt: v1:abc:def\nconfig: {}\n"),
    ok("encryptedkey", "secretsprovider: awskms://alias/pulumi\nencryptedkey: AQICAHg=\nconfig: {}\n"),
    ok("esc-environment", "environment:\n  - shop/dev\nconfig: {}\n"),
    bad("two-documents", "config: {}\n---\nconfig: {}\n", "YAML documents", "the CLI reads only the first"),
    bad("unclosed-bracket", cfg(f"{A}:sshAllowedCidrs: [10.0.0.0/8"), "line", "expected ',' or ']'"),
    bad("tab-indent", "config:\n\tawsinaction:azCount: 2\n", "line 2", "found character '\\t'"),
    bad("bad-indent", "config:\n  awsinaction:azCount: 2\n   aws:region: us-east-1\n", "line", "mapping values are not allowed"),
    bad("duplicate-key", cfg(f"{A}:azCount: 2", f"{A}:azCount: 3"), f"{A}:azCount", "is set twice"),
    bad("duplicate-config", "config: {}\nconfig: {}\n", "'config'", "is set twice"),
    bad("bare-and-namespaced", cfg("azCount: 2", f"{A}:azCount: 3"), f"{A}:azCount", "is set twice, as azCount and as"),
    ok("legacy-config-form", cfg(f"{A}:config:azCount: 3"), lambda s: s.network.az_count == 3),
    bad("legacy-and-modern", cfg(f"{A}:config:azCount: 3", f"{A}:azCount: 3"), f"{A}:azCount", "is set twice"),
    bad("number-key", cfg("1: x"), "'1'", "is not text"),
    bad("boolean-key", cfg("true: x"), "'true'", "is not text"),
    bad("list-key", cfg("? [a, b]\n  : x"), "key", "is not text"),
    bad("alias-bomb", "config:\n  aws:defaultTags:\n" + BOMB, "anchors and aliases", "expand to more than 10000 values"),
    bad("alias-bomb-in-config", "config:\n  awsinaction:sshAllowedCidrs: &a [*a]\n", f"{A}:sshAllowedCidrs", "nests deeper than 50"),
    ok(
        "anchor-reused",
        cfg(f"{A}:bastionEnabled: true", f"{A}:sshAllowedCidrs: &office [203.0.113.0/24]", "aws:allowedAccountIds: ['123456789012']"),
        lambda s: s.network.ssh_allowed_cidrs == ["203.0.113.0/24"],
    ),
    ok("merge-key", "config:\n  <<: {awsinaction:azCount: '3'}\n  aws:region: us-east-1\n", lambda s: s.network.az_count == 3),
    ok("merge-key-overridden", "config:\n  <<: {awsinaction:azCount: '3'}\n  awsinaction:azCount: 4\n", lambda s: s.network.az_count == 4),
    bad("merge-of-a-list", "config:\n  <<: [a, b]\n", "config", "a merge key (<<) takes a mapping"),
    ok("utf8-bom", "\ufeff" + cfg(f"{A}:azCount: 3"), lambda s: s.network.az_count == 3),
    ok("crlf", cfg(f"{A}:azCount: 3").replace("\n", "\r\n"), lambda s: s.network.az_count == 3),
    bad("latin1-bytes", "config:\n  awsinaction:alarmEmail: caf\xe9@example.com\n", "UTF-8", "is not UTF-8 text"),
    bad("deep-nesting", cfg(f"aws:defaultTags: {'[' * 60}{']' * 60}"), "aws:defaultTags", "nests deeper than 50 levels"),
    bad("control-character", "config:\n  awsinaction:dbName: \x07bell\n", "line 2", "is not allowed in YAML"),
    bad("megabyte-value", cfg(f"{A}:dbName: {'x' * 1_000_000}"), f"{A}:dbName", "is not a mysql database name"),
    bad("huge-key", cfg(f"{A}:{'k' * 100_000}: 1"), "line 2", "mapping values are not allowed here"),
    bad("long-key", cfg(f"{A}:{'k' * 1000}: 1"), "awsinaction:kkkk", "unknown config key"),
    bad("long-namespace", cfg(f"{'n' * 1000}:azCount: 1"), "nnnn", "is neither the project's namespace"),
    # --- scalars: the text as written, typed only by the declared type (the CLI's and the SDK's rules) ---
    bad("integer-yes", cfg(f"{A}:azCount: yes"), f"{A}:azCount", "is not an integer, the type Pulumi.yaml declares"),
    bad("boolean-yes", cfg(f"{A}:dbMultiAz: yes"), f"{A}:dbMultiAz", "is not true or false"),
    bad("boolean-quoted-yes", cfg(f"{A}:dbMultiAz: 'yes'"), f"{A}:dbMultiAz", "is not true or false, the type Pulumi.yaml declares"),
    bad("boolean-True", cfg(f"{A}:dbMultiAz: True"), f"{A}:dbMultiAz", "is not true or false"),
    bad("boolean-quoted-True", cfg(f"{A}:dbMultiAz: 'True'"), f"{A}:dbMultiAz", "is not true or false"),
    bad("boolean-on", cfg(f"{A}:dbMultiAz: on"), f"{A}:dbMultiAz", "is not true or false"),
    bad("boolean-1", cfg(f"{A}:dbMultiAz: 1"), f"{A}:dbMultiAz", "is not true or false"),
    ok("boolean-false", cfg(f"{A}:dbMultiAz: false"), lambda s: s.data.db_multi_az is False),
    ok("boolean-quoted-false", cfg(f"{A}:dbMultiAz: 'false'"), lambda s: s.data.db_multi_az is False),
    bad("hex", cfg(f"{A}:azCount: 0x2"), f"{A}:azCount", "is not an integer"),
    bad("quoted-hex", cfg(f"{A}:azCount: '0x2'"), f"{A}:azCount", "is not an integer, the type Pulumi.yaml declares"),
    bad("underscore", cfg(f"{A}:azCount: 1_0"), f"{A}:azCount", "is not an integer"),
    bad("quoted-underscore", cfg(f"{A}:azCount: '1_0'"), f"{A}:azCount", "is not an integer"),
    bad("octal", cfg(f"{A}:azCount: 010"), f"{A}:azCount", "10 is not allowed"),  # Atoi: 10, not 8
    bad("yaml12-octal", cfg(f"{A}:webMaxSize: 0o10"), f"{A}:webMaxSize", "is not an integer"),
    ok("quoted-leading-zero", cfg(f"{A}:webMaxSize: '010'"), lambda s: s.web.max_size == 10),
    bad("integer-as-float", cfg(f"{A}:azCount: 3.0"), f"{A}:azCount", "is not an integer"),
    ok("plus-sign", cfg(f"{A}:azCount: +3"), lambda s: s.network.az_count == 3),  # Atoi reads +3 as 3
    ok("quoted-plus-sign", cfg(f"{A}:azCount: '+3'"), lambda s: s.network.az_count == 3),
    bad("sexagesimal", cfg(f"{A}:webMaxSize: 1:30"), f"{A}:webMaxSize", "is not an integer"),
    bad("integer-null", cfg(f"{A}:azCount: ~"), f"{A}:azCount", "'' is not an integer"),
    bad("integer-empty", cfg(f"{A}:azCount:"), f"{A}:azCount", "'' is not an integer"),
    bad("integer-spaces", cfg(f"{A}:azCount: ' 3'"), f"{A}:azCount", "is not an integer"),
    bad("integer-arabic-digit", cfg(f"{A}:azCount: '٣'"), f"{A}:azCount", "is not an integer"),
    bad("integer-list", cfg(f"{A}:azCount: [3]"), f"{A}:azCount", "is not an integer"),
    ok("email-null", cfg(f"{A}:alarmEmail: ~"), lambda s: s.ops.alarm_email is None),
    ok("email-empty", cfg(f"{A}:alarmEmail:"), lambda s: s.ops.alarm_email is None),
    ok("email-quoted-empty", cfg(f"{A}:alarmEmail: ''"), lambda s: s.ops.alarm_email is None),
    ok("email-Null-word", cfg(f"{A}:alarmEmail: Null"), lambda s: s.ops.alarm_email is None),
    bad("email-quoted-null", cfg(f"{A}:alarmEmail: 'null'"), f"{A}:alarmEmail", "'null' is not an e-mail address"),
    bad("version-8.40", cfg(f"{A}:dbEngineVersion: 8.40"), f"{A}:dbEngineVersion", "is not a supported mysql version"),
    ok("version-8.0", cfg(f"{A}:dbEngineVersion: 8.0"), lambda s: s.data.db_engine_version == "8.0"),  # the text, not 8
    ok("version-quoted-8.0", cfg(f"{A}:dbEngineVersion: '8.0'"), lambda s: s.data.db_engine_version == "8.0"),
    ok("version-8.4", cfg(f"{A}:dbEngineVersion: 8.4"), lambda s: s.data.db_engine_version == "8.4"),
    bad("version-quoted-8.40", cfg(f"{A}:dbEngineVersion: '8.40'"), f"{A}:dbEngineVersion", "is not a supported mysql version"),
    bad("date-as-name", cfg(f"{A}:dbName: 2024-01-01"), f"{A}:dbName", "'2024-01-01' is not a mysql database name"),
    ok("date-kept-as-text", cfg(f"{A}:healthCheckExpected: 2024-01-01"), lambda s: s.ops.health_check_expected == "2024-01-01"),
    ok("exponent", cfg(f"{A}:healthCheckExpected: 1e3"), lambda s: s.ops.health_check_expected == "1e3"),
    ok("leading-dot", cfg(f"{A}:healthCheckExpected: .5"), lambda s: s.ops.health_check_expected == ".5"),
    ok("infinity", cfg(f"{A}:healthCheckExpected: .Inf"), lambda s: s.ops.health_check_expected == ".Inf"),
    bad("binary", cfg(f"{A}:healthCheckExpected: !!binary aGVsbG8="), f"{A}:healthCheckExpected", "!!binary value is not supported"),
    ok("explicit-str", cfg(f"{A}:healthCheckExpected: !!str 010"), lambda s: s.ops.health_check_expected == "010"),
    bad("custom-tag", cfg(f"{A}:healthCheckExpected: !shop x"), f"{A}:healthCheckExpected", "the YAML tag !shop is not supported"),
    bad("set", cfg(f"{A}:healthCheckExpected: !!set {{a, b}}"), f"{A}:healthCheckExpected", "the YAML tag !!set is not supported"),
    bad("omap", cfg(f"{A}:healthCheckExpected: !!omap [a: 1]"), f"{A}:healthCheckExpected", "the YAML tag !!omap is not supported"),
    bad("python-tag", cfg(f"{A}:healthCheckExpected: !!python/name:os.system x"), f"{A}:healthCheckExpected", "is not supported"),
    ok("explicit-int-canonical", cfg(f"{A}:healthCheckExpected: !!int 3"), lambda s: s.ops.health_check_expected == "3"),
    ok("block-literal", cfg(f"{A}:healthCheckExpected: |\n    AWS in Action"), lambda s: s.ops.health_check_expected == "AWS in Action\n"),
    ok("folded", cfg(f"{A}:healthCheckExpected: >-\n    AWS in\n    Action"), lambda s: s.ops.health_check_expected == "AWS in Action"),
    ok("unicode-text", cfg(f"{A}:healthCheckExpected: Grüße 🛒"), lambda s: s.ops.health_check_expected == "Grüße 🛒"),
    bad("string-as-map", cfg(f"{A}:healthCheckExpected: {{text: shop}}"), f"{A}:healthCheckExpected", "is not text"),
    bad("list-item-octal", cfg(f"{A}:webSpotInstanceTypes: [010]"), f"{A}:webSpotInstanceTypes", "may reach the program as 8"),
    bad("account-id-leading-zero", cfg("aws:allowedAccountIds: [012345678912]"), "aws:allowedAccountIds", "as 1.2345678912e+10"),
    ok("account-id-quoted", cfg("aws:allowedAccountIds: ['012345678912']")),
    bad("list-item-yes", cfg(f"{A}:webSpotInstanceTypes: [yes]"), f"{A}:webSpotInstanceTypes", "may reach the program as true"),
    bad("list-item-number", cfg(f"{A}:webSpotInstanceTypes: [3]"), f"{A}:webSpotInstanceTypes", "is not a list of strings"),
    bad("list-item-null", cfg(f"{A}:webSpotInstanceTypes: [~]"), f"{A}:webSpotInstanceTypes", "is not a list of strings"),
    bad("list-item-list", cfg(f"{A}:webSpotInstanceTypes: [[t4g.small]]"), f"{A}:webSpotInstanceTypes", "is not a list of strings"),
    bad("list-as-text", cfg(f"{A}:sshAllowedCidrs: 203.0.113.0/24"), f"{A}:sshAllowedCidrs", "is not a list of strings"),
    bad("list-as-json-text", cfg(f"{A}:sshAllowedCidrs: '[\"203.0.113.0/24\"]'"), f"{A}:sshAllowedCidrs", "is not a list of strings"),
    bad("list-as-map", cfg(f"{A}:sshAllowedCidrs: {{office: 203.0.113.0/24}}"), f"{A}:sshAllowedCidrs", "is not a list of strings"),
    ok("list-empty", cfg(f"{A}:sshAllowedCidrs: []"), lambda s: s.network.ssh_allowed_cidrs == []),
    ok("list-block", cfg(f"{A}:webSpotInstanceTypes:\n    - t4g.small\n    - t4g.medium"), lambda s: len(s.web.spot_instance_types) == 2),
    # --- secrets: typed placeholders that pass their key's checks, reported as not checked ---
    ok("secret-email", cfg(f"{A}:alarmEmail:\n    secure: AAABAJ4m"), lambda s: s.ops.alarm_email == "ops@example.com"),
    ok("secret-integer", cfg(f"{A}:azCount:\n    secure: AAABAJ4m"), lambda s: s.network.az_count == 2),
    ok("secret-key-pair", cfg(f"{A}:bastionKeyName:\n    secure: AAABAJ4m"), lambda s: s.network.bastion_key_name == "bastion-key"),
    ok(
        "secret-list-item",
        cfg(f"{A}:bastionEnabled: true", f"{A}:sshAllowedCidrs: [{{secure: AAABAJ4m}}]"),
        lambda s: s.network.ssh_allowed_cidrs == ["203.0.113.0/24"],
    ),
    ok("secret-provider-key", cfg("aws:secretKey:\n    secure: AAABAJ4m")),
    ok(
        "secret-certificate-with-origin",
        cfg(*HTTPS[1:], f"{A}:originDomainName: origin.shop.example.com", f"{A}:certificateArn: {{secure: x}}"),
    ),
    bad("secret-certificate-alone", cfg(f"{A}:certificateArn: {{secure: x}}"), f"{A}:originDomainName", "is not allowed with"),
    bad("secure-not-text", cfg(f"{A}:alarmEmail:\n    secure: [a]"), f"{A}:alarmEmail", "secure: must hold the ciphertext"),
    bad("secure-and-more", cfg(f"{A}:alarmEmail: {{secure: a, plain: b}}"), f"{A}:alarmEmail", "is not text"),
    # --- keys and namespaces ---
    bad("namespace-typo", cfg("awsinacton:azCount: 3"), "awsinacton:azCount", "did you mean awsinaction:azCount?"),
    bad("aws-namespace-for-ours", cfg("aws:azCount: 3"), "aws:azCount", "did you mean awsinaction:azCount?"),
    ok("bare-key", cfg("azCount: 3"), lambda s: s.network.az_count == 3),
    bad("bare-key-case", cfg("azcount: 3"), f"{A}:azcount", "did you mean awsinaction:azCount?"),
    bad("key-typo", cfg(f"{A}:azCont: 3"), f"{A}:azCont", "did you mean awsinaction:azCount?"),
    bad("unknown-namespace", cfg("shop:azCount: 3"), "shop:azCount", "is neither the project's namespace"),
    bad("random-has-no-settings", cfg("random:seed: 3"), "random:seed", "is not a setting of the random provider"),
    ok("pulumi-tags", cfg("pulumi:tags: {team: web}")),
    ok("aws-profile", cfg("aws:profile: shop-dev")),
    ok("aws-default-tags", cfg("aws:defaultTags: {tags: {Team: web}}")),
    bad("aws-key-typo", cfg("aws:regoin: us-east-1"), "aws:regoin", "did you mean aws:region?"),
    bad("region-mars", cfg("aws:region: mars-north-9"), "aws:region", "'mars-north-9' is not an AWS region"),
    bad("region-upper-case", cfg("aws:region: US-EAST-1"), "aws:region", "is not an AWS region"),
    bad("region-az-name", cfg("aws:region: us-east-1a"), "aws:region", "did you mean us-east-1?"),
    ok("region-eu", cfg("aws:region: eu-central-1")),
    ok("region-govcloud", cfg("aws:region: us-gov-west-1")),
    bad("empty-namespace", cfg(":azCount: 3"), "':azCount'", "is not a config key"),
    bad("empty-name", cfg("'awsinaction:': 3"), "'awsinaction:'", "is not a config key"),
    bad("three-parts", cfg("a:b:c: 3"), "'a:b:c'", "is not a config key"),
    # --- Pulumi.yaml ---
    bad("project-renamed", cfg(f"{A}:azCount: 3"), f"{A}:azCount", "use shop:azCount", project="name: shop\nruntime: python\n"),
    bad("project-without-name", cfg(), "name:", "the project has no name: attribute", project="runtime: python\n"),
    bad("project-name-typo", cfg(), "name:", "found 'nmae' instead", project="nmae: shop\nruntime: python\n"),
    bad("project-empty-name", cfg(), "name:", "no name", project="name: ''\nruntime: python\n"),
    bad("project-without-runtime", cfg(), "runtime:", "no runtime: attribute", project="name: awsinaction\n"),
    bad("project-not-a-map", cfg(), "project file", "must be a mapping", project="- awsinaction\n"),
    bad("project-config-list", cfg(), "config:", "must map each key", project=TINY_PROJECT + "config: [a]\n"),
    bad(
        "declaration-typo",
        cfg(),
        f"{A}:azCount",
        "did you mean default?",
        project=TINY_PROJECT + "config:\n  azCount: {type: integer, defualt: 2}\n",
    ),
    bad("declared-float", cfg(), f"{A}:ratio", "is not one of string, integer", project=TINY_PROJECT + "config:\n  ratio: {type: float}\n"),
    bad(
        "array-without-items",
        cfg(),
        f"{A}:sshAllowedCidrs",
        "an array needs items",
        project=TINY_PROJECT + "config:\n  sshAllowedCidrs: {type: array}\n",
    ),
    bad(
        "default-of-wrong-type",
        cfg(),
        f"{A}:azCount",
        "the default 'two' is not of the declared type",
        project=TINY_PROJECT + "config:\n  azCount: {type: integer, default: two}\n",
    ),
    bad(
        "required-key-missing",
        cfg(),
        f"{A}:alarmEmail",
        "declares it without a default",
        project=TINY_PROJECT + "config:\n  alarmEmail: {type: string}\n",
    ),
    ok("required-key-set", cfg(f"{A}:alarmEmail: ops@example.com"), project=TINY_PROJECT + "config:\n  alarmEmail: {type: string}\n"),
    bad(
        "secret-set-plainly",
        cfg(f"{A}:alarmEmail: ops@example.com"),
        f"{A}:alarmEmail",
        "set it with pulumi config set --secret",
        project=TINY_PROJECT + "config:\n  alarmEmail: {type: string, secret: true}\n",
    ),
    bad(
        "declared-integer-refused",
        cfg(f"{A}:azCount: two"),
        f"{A}:azCount",
        "'two' is not an integer",
        project=TINY_PROJECT + "config:\n  azCount: {type: integer, default: 2}\n",
    ),
    ok("project-provider-value", cfg(), lambda s: s.network.az_count == 2, project=TINY_PROJECT + "config:\n  aws:region: us-west-2\n"),
    bad(
        "project-provider-default",
        cfg(),
        "aws:region",
        "takes a value:, not a type or default",
        project=TINY_PROJECT + "config:\n  aws:region: {default: us-west-2}\n",
    ),
    ok(
        "stack-config-dir",
        "",
        lambda s: s.network.az_count == 3,
        project=TINY_PROJECT + "stackConfigDir: stacks\n",
        extra={"stacks/Pulumi.stack-config-dir.yaml": cfg(f"{A}:azCount: 3")},
    ),
    ok("project-shorthand-default", cfg(), lambda s: s.network.az_count == 3, project=TINY_PROJECT + "config:\n  azCount: 3\n"),
    # --- what AWS or common sense refuses ---
    bad("vpc-multicast", cfg(f"{A}:vpcCidr: 224.0.0.0/16"), f"{A}:vpcCidr", "a special-purpose range (multicast)"),
    bad("vpc-loopback", cfg(f"{A}:vpcCidr: 127.0.0.0/16"), f"{A}:vpcCidr", "(loopback)"),
    bad("vpc-link-local", cfg(f"{A}:vpcCidr: 169.254.0.0/16"), f"{A}:vpcCidr", "(link-local)"),
    bad("vpc-this-network", cfg(f"{A}:vpcCidr: 0.0.0.0/16"), f"{A}:vpcCidr", "('this network')"),
    bad("vpc-documentation", cfg(f"{A}:vpcCidr: 198.51.100.0/22"), f"{A}:vpcCidr", "documentation (TEST-NET-2)"),
    bad("vpc-too-small-for-alb", cfg(f"{A}:vpcCidr: 10.0.0.0/23"), f"{A}:vpcCidr", "smaller than the /27 the load balancer needs"),
    bad("vpc-too-large", cfg(f"{A}:vpcCidr: 10.0.0.0/8"), f"{A}:vpcCidr", "is larger than AWS allows"),
    ok("vpc-slash-22", cfg(f"{A}:vpcCidr: 10.0.0.0/22"), lambda s: s.network.vpc_cidr == "10.0.0.0/22"),
    ok("vpc-shared-space", cfg(f"{A}:vpcCidr: 100.64.0.0/16")),
    bad(
        "public-subnets-too-small",
        cfg(f"{A}:publicSubnetCidrs: [10.0.200.0/28, 10.0.201.0/28]"),
        f"{A}:publicSubnetCidrs",
        "is smaller than the /27",
    ),
    bad(
        "private-on-planned-public",
        cfg(f"{A}:privateSubnetCidrs: [10.0.0.0/21, 10.0.8.0/21]"),
        f"{A}:privateSubnetCidrs",
        "the planned public subnet of AZ 1",
    ),
    bad("isolated-overlapping", cfg(f"{A}:isolatedSubnetCidrs: [10.0.200.0/24, 10.0.200.128/25]"), f"{A}:isolatedSubnetCidrs", "overlaps"),
    bad("subnet-count", cfg(f"{A}:isolatedSubnetCidrs: [10.0.200.0/24]"), f"{A}:isolatedSubnetCidrs", "give exactly one per AZ (2)"),
    ok(
        "all-tiers-explicit",
        cfg(
            f"{A}:publicSubnetCidrs: [10.0.0.0/24, 10.0.1.0/24]",
            f"{A}:privateSubnetCidrs: [10.0.10.0/24, 10.0.11.0/24]",
            f"{A}:isolatedSubnetCidrs: [10.0.20.0/24, 10.0.21.0/24]",
        ),
        lambda s: s.network.isolated_subnet_cidrs == ["10.0.20.0/24", "10.0.21.0/24"],
    ),
    ok("explicit-beside-plan", cfg(f"{A}:isolatedSubnetCidrs: [10.0.200.0/24, 10.0.201.0/24]")),
    bad(
        "ssh-two-halves",
        cfg(f"{A}:bastionEnabled: true", f"{A}:sshAllowedCidrs: [0.0.0.0/1, 128.0.0.0/1]"),
        f"{A}:sshAllowedCidrs",
        "a public range wider than /16",
    ),
    bad("ssh-world", cfg(f"{A}:sshAllowedCidrs: [0.0.0.0/0]"), f"{A}:sshAllowedCidrs", "opens SSH to the whole internet"),
    bad("ssh-slash-8", cfg(f"{A}:sshAllowedCidrs: [52.0.0.0/8]"), f"{A}:sshAllowedCidrs", "a public range wider than /16"),
    bad("ssh-ipv6-wide", cfg(f"{A}:sshAllowedCidrs: ['2600::/32']"), f"{A}:sshAllowedCidrs", "a public range wider than /48"),
    bad("ssh-61", cfg(f"{A}:sshAllowedCidrs: [{', '.join(f'10.{i}.0.0/16' for i in range(61))}]"), f"{A}:sshAllowedCidrs", "61 IPv4 CIDRs"),
    ok(
        "ssh-60",
        cfg(f"{A}:sshAllowedCidrs: [{', '.join(f'10.{i}.0.0/16' for i in range(60))}]"),
        lambda s: len(s.network.ssh_allowed_cidrs) == 60,
    ),
    bad("ssh-duplicate", cfg(f"{A}:sshAllowedCidrs: [203.0.113.0/24, 203.0.113.0/24]"), f"{A}:sshAllowedCidrs", "is listed twice"),
    bad("ssh-host-bits", cfg(f"{A}:sshAllowedCidrs: [203.0.113.7/24]"), f"{A}:sshAllowedCidrs", "is not a CIDR block"),
    bad(
        "ssh-stricter-limit",
        cfg(f"{A}:sshMinPublicPrefix: 24", f"{A}:sshAllowedCidrs: [52.94.0.0/20]"),
        f"{A}:sshAllowedCidrs",
        "wider than /24",
    ),
    bad("ssh-looser-limit", cfg(f"{A}:sshMinPublicPrefix: 8"), f"{A}:sshMinPublicPrefix", "use a prefix length from 16 to 32"),
    ok("ssh-narrow-public", cfg(f"{A}:sshAllowedCidrs: [52.94.76.0/24, '2600:1f18:abcd::/48']")),
    bad("bastion-unreachable", cfg(f"{A}:bastionEnabled: true"), f"{A}:sshAllowedCidrs", "leaves the bastion unreachable"),
    bad("key-pair-5000", cfg(f"{A}:bastionKeyName: {'k' * 5000}"), f"{A}:bastionKeyName", "(5000 chars) is not an EC2 key pair name"),
    bad("key-pair-unicode", cfg(f"{A}:bastionKeyName: clé"), f"{A}:bastionKeyName", "up to 255 printable ASCII characters"),
    ok("key-pair-255", cfg(f"{A}:bastionKeyName: {'k' * 255}"), lambda s: len(s.network.bastion_key_name or "") == 255),
    bad("nat-none", cfg(f"{A}:natStrategy: none"), f"{A}:natStrategy", "leaves the web servers no route to the internet"),
    bad("nat-typo", cfg(f"{A}:natStrategy: singel"), f"{A}:natStrategy", "use one of single, one_per_az, instance"),
    ok("nat-instance", cfg(f"{A}:natStrategy: instance"), lambda s: s.network.nat_strategy == "instance"),
    bad("schedule-duplicate", cfg(f"{A}:webSchedules: ['0 8 * * *=3', '0 8 * * *=4']"), f"{A}:webSchedules", "runs at the same time as"),
    bad("schedules-126", cfg(f"{A}:webSchedules: {SCHEDULES_126}"), f"{A}:webSchedules", "126 schedules are more than the 125"),
    ok("schedules-125", cfg(f"{A}:webSchedules: {SCHEDULES_125}"), lambda s: len(s.web.schedules) == 125),
    bad("schedule-out-of-range", cfg(f"{A}:webSchedules: ['0 8 * * *=9']"), f"{A}:webSchedules", "outside"),
    bad("schedule-bad-cron", cfg(f"{A}:webSchedules: ['8am=3']"), f"{A}:webSchedules", "is not a valid cron expression"),
    bad(
        "origin-equals-domain",
        cfg(*HTTPS, f"{A}:originDomainName: shop.example.com"),
        f"{A}:originDomainName",
        "must be a name in the hosted zone",
    ),
    bad(
        "origin-other-zone",
        cfg(*HTTPS, f"{A}:originDomainName: origin.other.com"),
        f"{A}:originDomainName",
        "must be a name in the hosted zone",
    ),
    bad("origin-sibling", cfg(*HTTPS, f"{A}:originDomainName: origin.example.com"), f"{A}:originDomainName", "under 'shop.example.com'"),
    ok(
        "origin-under-domain", cfg(*HTTPS, f"{A}:originDomainName: origin.shop.example.com"), lambda s: s.cdn.origin_domain_name is not None
    ),
    bad("domain-without-zone", cfg(f"{A}:domainName: shop.example.com"), f"{A}:domainName", "go together"),
    bad("static-everything", cfg(f"{A}:staticPathPattern: /*"), f"{A}:staticPathPattern", "would send every request to the static bucket"),
    bad("static-300", cfg(f"{A}:staticPathPattern: /{'s' * 300}"), f"{A}:staticPathPattern", "is not a CloudFront path pattern"),
    bad("static-space", cfg(f"{A}:staticPathPattern: '/my assets/*'"), f"{A}:staticPathPattern", "is not a CloudFront path pattern"),
    ok("static-assets", cfg(f"{A}:staticPathPattern: /assets/*"), lambda s: s.cdn.static_path_pattern == "/assets/*"),
    bad("email-malformed", cfg(f"{A}:alarmEmail: ops"), f"{A}:alarmEmail", "is not an e-mail address"),
    bad("az-count-7", cfg(f"{A}:azCount: 7"), f"{A}:azCount", "use a whole number from 2 to 6"),
    bad("postgres", cfg(f"{A}:dbEngine: postgres"), f"{A}:dbEngine", "cannot run WordPress"),
    bad("min-above-max", cfg(f"{A}:webMinSize: 5"), f"{A}:webMinSize", "5"),
    bad("budget-zero", cfg(f"{A}:monthlyBudgetUsd: 0"), f"{A}:monthlyBudgetUsd", "must be a positive number"),
    bad("retention-10", cfg(f"{A}:flowLogRetentionDays: 10"), f"{A}:flowLogRetentionDays", "is not a CloudWatch retention"),
    bad("instance-type", cfg(f"{A}:webInstanceType: huge"), f"{A}:webInstanceType", "is not an EC2 instance type"),
    ok("dev-copy", (REPO / "Pulumi.dev.yaml").read_text(), lambda s: s.network.nat_strategy == "instance"),
    ok("prod-copy", (REPO / "Pulumi.prod.yaml").read_text(), lambda s: s.network.bastion_enabled),
]


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Case name -> project folder: the repository's program with the case's stack file (and Pulumi.yaml)."""
    shared = tmp_path_factory.mktemp("project")
    for name in ("__main__.py", "components", "settings"):
        (shared / name).symlink_to(REPO / name)
    (shared / "Pulumi.yaml").write_text(OUR_PROJECT)
    folders = {}
    for case in CASES:
        folder = shared
        if case.project is not None or case.extra:
            folder = tmp_path_factory.mktemp(case.name)
            (folder / "Pulumi.yaml").write_text(case.project if case.project is not None else OUR_PROJECT)
        if case.name.startswith("latin1"):
            (folder / f"Pulumi.{case.name}.yaml").write_bytes(case.text.encode("latin-1"))
        else:
            (folder / f"Pulumi.{case.name}.yaml").write_text(case.text, encoding="utf-8")
        for relative, text in case.extra.items():
            (folder / relative).parent.mkdir(parents=True, exist_ok=True)
            (folder / relative).write_text(text)
        folders[case.name] = folder
    return folders


def read_settings(project_dir: Path, stack: str) -> Settings:
    """The stack's settings by the path the check and the program take: the reader, then the settings."""
    import pulumi

    config = load_stack_config(project_dir, stack)
    pulumi.runtime.set_all_config(config.values, config.secret_keys)
    try:
        with placeholders_announced(config.secret_keys):
            raw, placeholders = read_project_config(config.project), placeholder_keys(config.project)
    finally:
        pulumi.runtime.set_all_config({}, [])
    return load_settings(config.project, stack, raw, available_azs=6, placeholders=placeholders)


def test_the_table_is_large_and_its_names_unique() -> None:
    assert len(CASES) >= 150
    assert len({case.name for case in CASES}) == len(CASES)
    assert sum(case.refused is None for case in CASES) >= 40, "odd-but-valid files belong in the table too"


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_each_stack_file_is_refused_in_one_line_or_runs(case: Case, projects: dict[str, Path]) -> None:
    if case.refused is None:
        settings = read_settings(projects[case.name], case.name)
        assert case.holds is None or case.holds(settings), settings
        return
    names, reason = case.refused
    # The alias bomb is refused by its expansion limit (its own row), not by a timer: speed is make bench's job.
    with pytest.raises((StackConfigError, ConfigError, FileNotFoundError)) as raised:
        read_settings(projects[case.name], case.name)
    message = str(raised.value)
    assert "\n" not in message and len(message) <= LIMIT, message
    assert names in message and reason in message, message
    assert not message.startswith(("static_path_pattern", "ssh_allowed_cidrs", "cidr_block")), "config keys, never component arguments"


END_TO_END = ["alias-bomb", "megabyte-value"]
"""A refusal by the reader and one raised inside the program (a 1 MB value), each through a real process."""


@pytest.fixture(scope="module")
def cli_runs(projects: dict[str, Path]) -> dict[str, subprocess.CompletedProcess]:
    """`python -m policies check` on a few cases, in parallel processes (a process is what these tests test)."""
    started = {
        name: subprocess.Popen(
            [sys.executable, "-m", "policies", "check", "--stack", name, "--project", str(projects[name])],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in END_TO_END
    }
    return {name: subprocess.CompletedProcess(p.args, p.wait(timeout=120), *p.communicate()) for name, p in started.items()}


@pytest.mark.parametrize("name", END_TO_END)
def test_the_check_exits_2_with_one_short_line_and_no_traceback(name: str, cli_runs: dict[str, subprocess.CompletedProcess]) -> None:
    result = cli_runs[name]
    case = next(case for case in CASES if case.name == name)
    assert case.refused is not None
    lines = result.stderr.splitlines()
    assert (result.returncode, result.stdout) == (2, ""), result.stderr[-2000:]
    assert len(lines) == 1 and len(lines[0]) <= LIMIT and lines[0].startswith("error: "), lines[:3]
    assert case.refused[0] in lines[0] and "Traceback" not in result.stderr


def test_a_stack_with_a_secret_runs_and_says_what_was_not_checked(projects: dict[str, Path], capsys: pytest.CaptureFixture) -> None:
    from policies.__main__ import main

    assert main(["check", "--stack", "secret-email", "--project", str(projects["secret-email"])]) in (0, 1), capsys.readouterr().err
    report = capsys.readouterr().out
    assert "Not checked: awsinaction:alarmEmail: a secret; a placeholder of its type stood in" in report
    assert "pack config: none (no policies/config/secret-email.json)" in report
