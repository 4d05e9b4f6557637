"""What a provider's Python SDK declares about its resources and invokes: output names and types.

Every generated Pulumi resource class exposes its outputs as properties whose getter carries the
engine's camelCase name (`_pulumi_name`) and a return annotation such as `Output[Optional[str]]`;
every invoke has a typed `<Name>Result` class built the same way. Reading those annotations gives the
shape of any type, including types nobody listed, so the mocks can answer like the provider.
"""

import functools
import importlib
import re
import typing
from dataclasses import dataclass
from typing import Any, Optional

import pulumi
from pulumi.runtime import rpc


@dataclass(frozen=True)
class Field:
    """One output property: its camelCase name, its type without Output/Optional, and whether it may be absent."""

    name: str
    hint: Any
    optional: bool


def _unwrap(hint: Any) -> tuple[Any, bool]:
    """(the type inside Output[...] and Optional[...], whether it was Optional)."""
    optional = False
    while True:
        origin = typing.get_origin(hint)
        if origin is pulumi.Output or (isinstance(origin, type) and issubclass(origin, pulumi.Output)):
            hint = typing.get_args(hint)[0]
            continue
        if origin is typing.Union:
            members = [a for a in typing.get_args(hint) if a is not type(None)]
            optional = optional or len(members) < len(typing.get_args(hint))
            hint = members[0] if len(members) == 1 else str
            continue
        return hint, optional


@functools.cache
def fields_of(cls: type) -> dict[str, Field]:
    """The engine-named properties of a resource, args, output or result class."""
    found: dict[str, Field] = {}
    for klass in reversed(cls.__mro__):
        for attribute in vars(klass).values():
            getter = getattr(attribute, "fget", None) if isinstance(attribute, property) else None
            name = getattr(getter, "_pulumi_name", None)
            if getter is None or name is None:
                continue
            try:
                hint = typing.get_type_hints(getter).get("return", Any)
            except Exception:  # an annotation that does not resolve: treat the value as a string
                hint = str
            inner, optional = _unwrap(hint)
            found[name] = Field(name, inner, optional)
    return found


def is_output_type(hint: Any) -> bool:
    """Whether a type is one of the SDK's object types (a nested block such as a certificate authority)."""
    return isinstance(hint, type) and bool(fields_of(hint)) and not issubclass(hint, pulumi.Resource)


def split_token(token: str) -> tuple[str, str, str]:
    """`aws:ec2/vpc:Vpc` -> ("aws", "ec2/vpc", "Vpc"); `aws:index/getRegion:getRegion` -> ("aws", "index/getRegion", "getRegion")."""
    package, module, member = ([*token.split(":"), "", ""])[:3]
    return package, module, member


@functools.cache
def resource_class(token: str) -> Optional[type]:
    """The SDK class of a resource type token, when its package is installed and registered."""
    package, module, _ = split_token(token)
    for resource_module in rpc._RESOURCE_MODULES.get(f"{package}:{module}", []):
        info = getattr(resource_module, "mod_info", None)
        if info and token in info.get("classes", {}):
            try:
                return getattr(importlib.import_module(info["fqn"]), info["classes"][token])
            except (ImportError, AttributeError):
                return None
    return None


@functools.cache
def resource_outputs(token: str) -> dict[str, Field]:
    """Every output of a resource type (empty when the type is unknown)."""
    cls = resource_class(token)
    return fields_of(cls) if cls else {}


@functools.cache
def resource_inputs(token: str) -> frozenset[str]:
    """The camelCase input names of a resource type (from its `<Class>Args`)."""
    cls = resource_class(token)
    if cls is None:
        return frozenset()
    args = getattr(importlib.import_module(cls.__module__), f"{cls.__name__}Args", None)
    return frozenset(fields_of(args)) if args else frozenset()


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


@functools.cache
def _package_modules(package: str) -> dict[str, str]:
    """Module name (e.g. "lambda") -> Python module (e.g. "pulumi_aws.lambda_") for a registered package."""
    modules: dict[str, str] = {}
    for key, registered in rpc._RESOURCE_MODULES.items():
        if key.startswith(f"{package}:"):
            for resource_module in registered:
                info = getattr(resource_module, "mod_info", None)
                if info:
                    modules.setdefault(info["mod"].split("/")[0], info["fqn"])
    return modules


@functools.cache
def invoke_result_fields(token: str) -> dict[str, Field]:
    """The result fields of an invoke token such as aws:ec2/getAmi:getAmi (empty when unknown)."""
    package, module, function = split_token(token)
    module_name = module.split("/")[0]
    base = _package_modules(package).get(module_name)
    if base is None:
        root = next(iter(_package_modules(package).values()), None)
        if root is None:
            return {}
        base = root.rsplit(".", 1)[0] if module_name != "index" else root.split(".")[0]
    if module_name == "index":
        base = base.split(".")[0]
    try:
        source = importlib.import_module(f"{base}.{_snake(function)}")
    except ImportError:
        return {}
    result = getattr(source, f"{function[0].upper()}{function[1:]}Result", None)
    return fields_of(result) if result else {}
