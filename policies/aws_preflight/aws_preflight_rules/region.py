"""The region a resource goes to, as far as the policy engine tells."""

import re
from collections import Counter
from typing import Any, Optional, Sequence

from ._props import known

_ARN_REGION = re.compile(r"^arn:aws[a-z-]*:[a-z0-9-]+:([a-z]{2,4}(?:-[a-z]+)+-\d+):")


def stated_region(resource: Any) -> Optional[str]:
    """The resource's `region` (pulumi-aws 7 outputs it), else its provider's, else its ARN's; None when none is known.

    The Pulumi CLI passes each resource's provider with its config (`region` from `aws:region`); the offline
    check passes no provider, but its mocks put the stack's region in every regional ARN.
    """
    candidates = [known(resource.props, "region")]
    provider = getattr(resource, "provider", None)
    if provider is not None:
        candidates.append(known(provider.props, "region"))
    arn = known(resource.props, "arn")
    if isinstance(arn, str):
        match = _ARN_REGION.match(arn)
        candidates.append(match.group(1) if match else None)
    return next((c for c in candidates if isinstance(c, str) and c), None)


def stack_region(resources: Sequence[Any], default: str) -> str:
    """Where a resource that names no region goes: the region most of the stack's resources name, else `default`."""
    named = Counter(region for region in map(stated_region, resources) if region)
    return named.most_common(1)[0][0] if named else default
