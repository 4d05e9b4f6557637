"""The schema other Pulumi languages see: typed and described everywhere, reviewed, and versioned."""

import json
from dataclasses import dataclass
from enum import Enum
from typing import Any, Optional

import pulumi
import pytest
from pulumi.provider.experimental.analyzer import Analyzer
from pulumi.provider.experimental.schema import generate_schema

import components
from provider import schema as package_schema
from provider.package import PACKAGE
from tests.harness import REPO


@pytest.fixture(scope="module")
def computed() -> dict[str, Any]:
    return package_schema.compute()


def schema_of(*classes: type) -> dict[str, Any]:
    result = Analyzer(PACKAGE).analyze(list(classes))
    defs = (result["component_definitions"], result["type_definitions"], result["dependencies"])
    return generate_schema(PACKAGE, "0.0.1", None, *defs).to_json()


def test_every_component_input_and_output_has_a_type_and_a_description(computed: dict[str, Any]) -> None:
    assert package_schema.undocumented(computed) == []


def test_schema_lists_every_component_with_its_inputs_and_outputs(computed: dict[str, Any]) -> None:
    for cls in components.ALL_COMPONENTS:
        resource = computed["resources"][f"awsinaction:index:{cls.__name__}"]
        assert resource["isComponent"] is True
        assert resource["inputProperties"] and resource["properties"], f"{cls.__name__} has no inputs or no outputs"
    assert len(computed["resources"]) == len(components.ALL_COMPONENTS)


def test_committed_schema_is_the_computed_one(computed: dict[str, Any]) -> None:
    committed = package_schema.SCHEMA_FILE.read_text()
    assert committed == package_schema.render(computed), package_schema.stale_message()


def test_schema_version_is_the_package_version_and_the_changelogs_top_entry(computed: dict[str, Any]) -> None:
    committed = json.loads(package_schema.SCHEMA_FILE.read_text())
    assert committed["version"] == computed["version"] == components.__version__
    assert package_schema.changelog_versions(package_schema.CHANGELOG.read_text())[0] == components.__version__


def test_released_schemas_never_change(computed: dict[str, Any]) -> None:
    # Released = tagged v<version> in git; no tags yet means nothing is frozen.
    problems = package_schema.release_problems(
        components.__version__, package_schema.render(computed), package_schema.CHANGELOG.read_text(), package_schema.released_schemas()
    )
    assert problems == []


def test_changelog_names_every_component() -> None:
    changelog = package_schema.CHANGELOG.read_text()
    missing = [cls.__name__ for cls in components.ALL_COMPONENTS if f"`{cls.__name__}`" not in changelog]
    assert not missing, f"describe {missing} in CHANGELOG.md"


def test_check_command_passes_on_the_committed_tree() -> None:
    assert package_schema.check() == []


# The checks themselves, on components made to break them.


class Colour(str, Enum):
    """Paint colours."""

    RED = "red"
    """Red."""
    BLUE = "blue"


@dataclass(frozen=True)
class WidgetArgs:
    """Inputs of the widget."""

    size: int
    colour: Optional[Colour] = Colour.RED
    """The paint."""
    extra: Optional[dict[str, Any]] = None
    """Anything."""


class Widget(pulumi.ComponentResource):
    url: pulumi.Output[str]

    def __init__(self, name: str, args: WidgetArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("awsinaction:index:Widget", name, None, opts)


def test_undocumented_reports_each_missing_description_and_untyped_field() -> None:
    problems = package_schema.undocumented(schema_of(Widget))
    assert problems == [
        "awsinaction:index:Widget: has no description (write the class docstring)",
        "awsinaction:index:Widget inputProperties.extra.additionalProperties: is typed Any; use a concrete type",
        "awsinaction:index:Widget inputProperties.size: has no description (write a docstring right below the field)",
        "awsinaction:index:Widget properties.url: has no description (write a docstring right below the field)",
        "awsinaction:index:Colour value 'blue': has no description (write a docstring below the member)",
    ]


def test_undocumented_reports_a_property_without_type() -> None:
    schema = {"resources": {"awsinaction:index:X": {"description": "x", "inputProperties": {"a": {"description": "a"}}}}}
    assert package_schema.undocumented(schema) == ["awsinaction:index:X inputProperties.a: has no type"]


CHANGELOG_020 = "# Changelog\n\n## [Unreleased]\n\n## [0.2.0] - 2026-12-01\n\n## [0.1.0] - 2026-11-27\n"


def test_release_rules_accept_a_new_version_with_its_changelog_entry() -> None:
    assert package_schema.release_problems("0.2.0", "new", CHANGELOG_020, {"0.1.0": "old"}) == []


def test_release_rules_accept_changes_to_an_unreleased_version() -> None:
    assert package_schema.release_problems("0.2.0", "newer", CHANGELOG_020, {}) == []


def test_release_rules_refuse_a_changed_schema_under_a_released_version() -> None:
    [problem] = package_schema.release_problems("0.2.0", "changed", CHANGELOG_020, {"0.2.0": "as released"})
    assert problem.startswith("the schema differs from the released v0.2.0")


def test_release_rules_refuse_a_version_without_changelog_entry() -> None:
    [problem] = package_schema.release_problems("0.3.0", "new", CHANGELOG_020, {})
    assert problem.startswith("CHANGELOG.md: the top entry is 0.2.0, but the package version is 0.3.0")


def test_release_rules_refuse_going_back_in_version() -> None:
    problems = package_schema.release_problems("0.2.0", "x", CHANGELOG_020, {"0.10.0": "y"})
    assert problems == ["version 0.2.0 is older than the released 0.10.0"]


def test_changelog_versions_skip_unreleased_and_keep_order() -> None:
    assert package_schema.changelog_versions(CHANGELOG_020) == ["0.2.0", "0.1.0"]


def test_schema_text_is_deterministic(computed: dict[str, Any]) -> None:
    text = package_schema.render(computed)
    assert text == package_schema.render(json.loads(text)) and text.endswith("}\n")


def test_committed_schema_sits_where_the_docs_say() -> None:
    assert package_schema.SCHEMA_FILE == REPO / "schema" / "awsinaction.json"


def test_command_line_checks_and_refuses_unknown_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert package_schema.main(["--check"]) == 0
    assert package_schema.main(["--bogus"]) == 2
    assert "python -m provider.schema --write" in capsys.readouterr().err
