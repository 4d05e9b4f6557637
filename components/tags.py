"""Tags every taggable resource carries, passed explicitly (mocks do not run transforms)."""

from typing import Mapping, Optional

import pulumi


def resource_tags(name: str, component: str, extra: Optional[Mapping[str, str]] = None, **more: str) -> dict[str, str]:
    """Return the standard tags: Name, Project, Stack, Component, then caller tags and `more`."""
    tags = {
        "Name": name,
        "Project": pulumi.get_project(),
        "Stack": pulumi.get_stack(),
        "Component": component,
    }
    tags.update(extra or {})
    tags.update(more)
    return tags
