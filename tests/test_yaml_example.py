"""The Pulumi YAML example uses only types, inputs and outputs the committed schema has, and runs through the plugin."""

import json
import re
from typing import Any

import pytest
import yaml

from provider import package as plugin
from provider.schema import SCHEMA_FILE
from tests.harness import REPO, run

EXAMPLE = REPO / "examples" / "yaml"
REFERENCE = re.compile(r"^\$\{([A-Za-z0-9_-]+)(?:\.([A-Za-z0-9_]+))?\}$")
JSON_TYPES = {"string": str, "integer": int, "boolean": bool, "number": (int, float), "array": list, "object": dict}


@pytest.fixture(scope="module")
def program() -> dict[str, Any]:
    return yaml.safe_load((EXAMPLE / "Pulumi.yaml").read_text())


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_FILE.read_text())


def reference(value: Any) -> Any:
    """(resource, property) for a whole-value `${resource.property}`, else None."""
    match = REFERENCE.match(value) if isinstance(value, str) else None
    return (match.group(1), match.group(2)) if match else None


def type_problems(where: str, value: Any, prop: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    """Why a literal YAML value does not fit a schema property (references are checked separately)."""
    if reference(value):
        return []
    if "$ref" in prop:
        enum = schema["types"][prop["$ref"].removeprefix("#/types/")].get("enum", [])
        allowed = [e["value"] for e in enum]
        return [] if value in allowed else [f"{where}: {value!r} is not one of {allowed}"]
    expected = JSON_TYPES[prop["type"]]
    if not isinstance(value, expected) or (prop["type"] == "integer" and isinstance(value, bool)):
        return [f"{where}: {value!r} is not {prop['type']}"]
    if prop["type"] == "array":
        return [p for i, item in enumerate(value) for p in type_problems(f"{where}[{i}]", item, prop["items"], schema)]
    if prop["type"] == "object":
        return [p for k, item in value.items() for p in type_problems(f"{where}.{k}", item, prop["additionalProperties"], schema)]
    return []


def test_program_is_yaml_and_uses_this_repositorys_plugin(program: dict[str, Any]) -> None:
    assert program["runtime"] == "yaml"
    plugin_dir = (EXAMPLE / program["packages"]["awsinaction"]).resolve()
    assert plugin_dir == REPO / "provider" and (plugin_dir / "PulumiPlugin.yaml").is_file()
    assert yaml.safe_load((EXAMPLE / "Pulumi.dev.yaml").read_text())["config"]["aws:region"]


def test_comment_shows_the_git_form_pinned_to_a_release_tag() -> None:
    text = (EXAMPLE / "Pulumi.yaml").read_text()
    assert re.search(r"https://github\.com/\S+\.git/provider@v\d+\.\d+\.\d+", text)


def test_every_resource_type_and_input_exists_in_the_schema(program: dict[str, Any], schema: dict[str, Any]) -> None:
    problems = []
    for name, resource in program["resources"].items():
        token = resource["type"]
        assert token.startswith("awsinaction:"), f"{name}: this example shows the awsinaction package only"
        if token not in schema["resources"]:
            problems.append(f"{name}: {token} is not in {SCHEMA_FILE.name}")
            continue
        spec = schema["resources"][token]
        properties = resource.get("properties", {})
        problems += [f"{name}: {token} has no input {key}" for key in properties if key not in spec["inputProperties"]]
        problems += [f"{name}: required input {key} is missing" for key in spec.get("requiredInputs", []) if key not in properties]
        for key, value in properties.items():
            if key in spec["inputProperties"]:
                problems += type_problems(f"{name}.{key}", value, spec["inputProperties"][key], schema)
    assert problems == []


def references(value: Any) -> list[tuple[str, Any]]:
    """Every `${resource.property}` in a value, at any depth."""
    if isinstance(value, list):
        return [ref for item in value for ref in references(item)]
    if isinstance(value, dict):
        return [ref for item in value.values() for ref in references(item)]
    return [reference(value)] if reference(value) else []


def test_every_reference_names_a_declared_resource_and_output(program: dict[str, Any], schema: dict[str, Any]) -> None:
    refs = references(program.get("outputs", {})) + references([r.get("properties", {}) for r in program["resources"].values()])
    assert refs, "the example exports the component's outputs"
    for resource, prop in refs:
        assert resource in program["resources"], f"${{{resource}}} is not declared"
        outputs = schema["resources"][program["resources"][resource]["type"]]["properties"]
        assert prop is None or prop in outputs, f"{resource} has no output {prop}"


def wire(value: Any, states: dict[str, dict[str, Any]]) -> Any:
    """A YAML value as the engine delivers it to a plugin: references resolved, every number a float."""
    ref = reference(value)
    if ref:
        return states[ref[0]][ref[1]]
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, list):
        return [wire(v, states) for v in value]
    if isinstance(value, dict):
        return {k: wire(v, states) for k, v in value.items()}
    return value


def test_program_runs_through_the_plugin(program: dict[str, Any], preview: bool) -> None:
    # A small YAML evaluator: construct each resource in order through the plugin, resolving ${resource.output}.
    host = plugin.build_provider()
    states: dict[str, dict[str, Any]] = {}

    def evaluate() -> None:
        for name, resource in program["resources"].items():
            inputs = wire(resource.get("properties", {}), states)
            states[name] = host.construct(name, resource["type"], inputs, None).state

    result = run(evaluate, preview)
    for name, resource in program["resources"].items():
        [component] = [r for r in result.of_type(resource["type"]) if r.name == name]
        assert any(r.parent == component.urn for r in result.resources), f"{name} built no children"
    for output, value in program["outputs"].items():
        resource, prop = reference(value)
        assert prop in states[resource], f"output {output}: {resource} did not set {prop}"
    assert result.count("aws:ec2/natGateway:NatGateway") == 3, "azCount 3 with one_per_az, as the YAML asks"
