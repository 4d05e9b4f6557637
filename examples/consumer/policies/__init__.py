"""This project's own policy helpers: a folder named `policies/` must never shadow the installed check.

The check installs as `awsinaction_policies` (console script `awsinaction-check`), so a consumer keeps
its own `policies` package, as here, and its pack config in `policies/config/<stack>.json`.
"""

OWNER = "shop-platform"
"""Marks this package as the project's own in tests/test_policy_check.py."""
