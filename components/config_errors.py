"""Turn a component's refusal of an argument into the one-line error a stack's config key deserves.

Components refuse bad arguments with a ValueError that starts with the argument's name
(`max_receive_count: 0 is outside 1..1000 receives`). A program that fills those arguments from stack
config wraps the construction in `config_errors({...})`, so the user reads the config key they set
(`ch15:maxReceiveCount: 0 is outside 1..1000 receives`) as a `pulumi.RunError`: the Pulumi CLI prints it
as one line, without a traceback.
"""

from contextlib import contextmanager
from typing import Iterator, Mapping

import pulumi


@contextmanager
def config_errors(keys: Mapping[str, str]) -> Iterator[None]:
    """Re-raise ValueErrors as pulumi.RunError, naming the config key (`keys` maps argument name to config key)."""
    try:
        yield
    except ValueError as error:
        message = str(error)
        argument, separator, rest = message.partition(": ")
        key = keys.get(argument) if separator else None
        if key is not None:
            message = f"{pulumi.get_project()}:{key}: {rest}"
        raise pulumi.RunError(message) from None


def config_int(config: pulumi.Config, key: str, default: int) -> int:
    """An integer stack config value; 0 is a value (not a missing one), and a non-integer stops with a one-line error."""
    value = config.get_int(key)
    return default if value is None else value
