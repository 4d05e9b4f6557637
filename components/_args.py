"""Helpers shared by every component's args dataclass."""

import dataclasses
import typing
from typing import Any, Mapping, Optional, TypeVar, Union

ArgsT = TypeVar("ArgsT")


def _nested_dataclass(annotation: Any) -> tuple[Optional[type], bool]:
    """The dataclass inside `Optional[X]`, `X` or `list[X]`, and whether it is a list; (None, False) otherwise."""
    candidates = typing.get_args(annotation) if typing.get_origin(annotation) is Union else (annotation,)
    for candidate in candidates:
        if dataclasses.is_dataclass(candidate):
            return candidate, False  # type: ignore[return-value]
        if typing.get_origin(candidate) is list:
            [item] = typing.get_args(candidate) or (None,)
            if dataclasses.is_dataclass(item):
                return item, True  # type: ignore[return-value]
    return None, False


def coerce_args(args: Union[ArgsT, Mapping[str, Any]], cls: type[ArgsT]) -> ArgsT:
    """Return `args` as an instance of the dataclass `cls`, with documented defaults filled in.

    The component provider host (other Pulumi languages) passes a plain dict of
    Python-named inputs (nested args as dicts too), and omitted optional inputs arrive
    as None; a Python caller passes the dataclass. Both end up as the same object.
    """
    if isinstance(args, Mapping):
        args = cls(**dict(args))  # type: ignore[arg-type]
    if not isinstance(args, cls):
        raise TypeError(f"args must be {cls.__name__} or a dict, got {type(args).__name__}")
    replacements: dict[str, Any] = {}
    for field in dataclasses.fields(args):  # type: ignore[arg-type]
        value = getattr(args, field.name)
        nested, is_list = _nested_dataclass(field.type)
        if value is not None:
            if nested is not None and is_list and any(isinstance(item, Mapping) for item in value):
                replacements[field.name] = [coerce_args(item, nested) for item in value]
            elif nested is not None and not is_list and isinstance(value, Mapping):
                replacements[field.name] = coerce_args(value, nested)
            continue
        if field.default is not dataclasses.MISSING and field.default is not None:
            replacements[field.name] = field.default
        elif field.default_factory is not dataclasses.MISSING:  # type: ignore[misc]
            replacements[field.name] = field.default_factory()  # type: ignore[misc]
    return dataclasses.replace(args, **replacements) if replacements else args  # type: ignore[type-var]


def require(args: Any, *names: str, hint: str = "") -> None:
    """Refuse missing wiring inputs (they are Optional only so a composing component can fill them in)."""
    for name in names:
        if getattr(args, name) is None:
            raise ValueError(f"{name}: None is not allowed; this input is required{hint}")
