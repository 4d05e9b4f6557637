"""Helpers shared by every component's args dataclass."""

import dataclasses
from typing import Any, Mapping, TypeVar, Union

ArgsT = TypeVar("ArgsT")


def coerce_args(args: Union[ArgsT, Mapping[str, Any]], cls: type[ArgsT]) -> ArgsT:
    """Return `args` as an instance of the dataclass `cls`, with documented defaults filled in.

    The component provider host (other Pulumi languages) passes a plain dict of
    Python-named inputs, and omitted optional inputs arrive as None; a Python
    caller passes the dataclass. Both end up as the same fully defaulted object.
    """
    if isinstance(args, Mapping):
        args = cls(**dict(args))  # type: ignore[arg-type]
    if not isinstance(args, cls):
        raise TypeError(f"args must be {cls.__name__} or a dict, got {type(args).__name__}")
    replacements: dict[str, Any] = {}
    for field in dataclasses.fields(args):  # type: ignore[arg-type]
        if getattr(args, field.name) is not None:
            continue
        if field.default is not dataclasses.MISSING and field.default is not None:
            replacements[field.name] = field.default
        elif field.default_factory is not dataclasses.MISSING:  # type: ignore[misc]
            replacements[field.name] = field.default_factory()  # type: ignore[misc]
    return dataclasses.replace(args, **replacements) if replacements else args  # type: ignore[type-var]
