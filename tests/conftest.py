"""Shared fixtures: every component test runs in update and in preview mode."""

import pytest


@pytest.fixture(params=[False, True], ids=["update", "preview"])
def preview(request: pytest.FixtureRequest) -> bool:
    """Run the test once as `pulumi up` (values known) and once as `pulumi preview` (computed values unknown)."""
    return request.param
