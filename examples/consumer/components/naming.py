"""The shop's naming rule for everything it deploys."""

import pulumi


def shop_name(role: str) -> str:
    """`shop-<stack>-<role>`: one prefix per stack, so two stacks never share a name in one account."""
    return f"shop-{pulumi.get_stack()}-{role}"
