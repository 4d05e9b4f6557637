"""Shared fixtures: every component test runs in update and in preview mode."""

import pytest
from hypothesis import settings

# Property tests judge results, not speed: no per-example deadline on a loaded 2-core machine.
settings.register_profile("project", deadline=None)
settings.load_profile("project")


@pytest.fixture(params=[False, True], ids=["update", "preview"])
def preview(request: pytest.FixtureRequest) -> bool:
    """Run the test once as `pulumi up` (values known) and once as `pulumi preview` (computed values unknown)."""
    return request.param
