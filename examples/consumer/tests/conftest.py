"""Every stack test runs as `pulumi up` and as `pulumi preview`."""

import pytest


@pytest.fixture(params=[False, True], ids=["update", "preview"])
def preview(request: pytest.FixtureRequest) -> bool:
    """Every stack test runs as `pulumi up` and as `pulumi preview`."""
    return request.param
