"""Shared fixtures: every component test runs in update and in preview mode."""

import socket
from collections.abc import Iterator

import pytest
from hypothesis import settings

# Property tests judge results, not speed: no per-example deadline on a loaded 2-core machine.
settings.register_profile("project", deadline=None)
settings.load_profile("project")


@pytest.fixture(params=[False, True], ids=["update", "preview"])
def preview(request: pytest.FixtureRequest) -> bool:
    """Run the test once as `pulumi up` (values known) and once as `pulumi preview` (computed values unknown)."""
    return request.param


_LOOPBACK = ("127.", "::1", "localhost")


@pytest.fixture(autouse=True, scope="session")
def no_network() -> Iterator[None]:
    """The suite runs without network access: any connection beyond the loopback fails loudly."""
    original_connect, original_getaddrinfo = socket.socket.connect, socket.getaddrinfo

    def local_only(host: object) -> None:
        if isinstance(host, (str, bytes)) and not str(host if isinstance(host, str) else host.decode()).startswith(_LOOPBACK):
            raise OSError(f"network access in a test: {host!r} (only the loopback is allowed)")

    def connect(sock: socket.socket, address: object) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            local_only(address[0])  # type: ignore[index]
        return original_connect(sock, address)  # type: ignore[arg-type]

    def getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
        if host is not None:
            local_only(host)
        return original_getaddrinfo(host, *args, **kwargs)  # type: ignore[arg-type]

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.getaddrinfo = getaddrinfo  # type: ignore[assignment]
    yield
    socket.socket.connect, socket.getaddrinfo = original_connect, original_getaddrinfo  # type: ignore[method-assign]
