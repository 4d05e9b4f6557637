"""IAM policy documents: find them in a resource's inputs and read their statements."""

import re
from dataclasses import dataclass, field
from typing import Any, Iterator

from ._props import get, items, json_document

DOCUMENT_PROPERTY = {
    "aws:iam/rolePolicy:RolePolicy": "policy",
    "aws:iam/policy:Policy": "policy",
    "aws:iam/userPolicy:UserPolicy": "policy",
    "aws:iam/groupPolicy:GroupPolicy": "policy",
}
"""Identity-policy resources and the input holding their JSON document."""
ROLE = "aws:iam/role:Role"
IDENTITY_POLICY_TYPES = (*DOCUMENT_PROPERTY, ROLE)
WILDCARD_ACTION = re.compile(r"^(\*+|[A-Za-z0-9-]+:\*+)$")
"""`*` or `service:*`: every action (of a service)."""


@dataclass(frozen=True)
class Statement:
    """One statement, its fields normalised to tuples of strings."""

    label: str
    effect: str
    actions: tuple[str, ...] = ()
    not_actions: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    not_resources: tuple[str, ...] = ()
    principals: tuple[str, ...] = ()
    not_principals: tuple[str, ...] = ()
    conditions: dict[str, Any] = field(default_factory=dict)

    @property
    def allows(self) -> bool:
        return self.effect == "Allow"


def _strings(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return (str(value),)


def _principals(value: Any) -> tuple[str, ...]:
    """Every principal named, whatever the form: "*", {"AWS": "*"}, {"Service": [...]}."""
    if isinstance(value, dict):
        return tuple(p for v in value.values() for p in _strings(v))
    return _strings(value)


def statements(document: Any) -> list[Statement]:
    """The statements of a parsed policy document; ValueError when it has none."""
    raw = document.get("Statement") if isinstance(document, dict) else None
    if isinstance(raw, dict):
        raw = [raw]
    if not isinstance(raw, list) or not all(isinstance(s, dict) for s in raw):
        raise ValueError("it has no Statement list")
    result = []
    for index, entry in enumerate(raw, start=1):
        sid = entry.get("Sid")
        result.append(
            Statement(
                label=f"statement {index}" + (f" ({sid})" if sid else ""),
                effect=str(entry.get("Effect", "")),
                actions=_strings(entry.get("Action")),
                not_actions=_strings(entry.get("NotAction")),
                resources=_strings(entry.get("Resource")),
                not_resources=_strings(entry.get("NotResource")),
                principals=_principals(entry.get("Principal")),
                not_principals=_principals(entry.get("NotPrincipal")),
                conditions=entry.get("Condition") if isinstance(entry.get("Condition"), dict) else {},
            )
        )
    return result


def identity_documents(resource_type: str, props: Any) -> Iterator[tuple[str, Any]]:
    """(where, raw document) for every identity policy a resource carries: its `policy`, or a role's inline policies."""
    prop = DOCUMENT_PROPERTY.get(resource_type)
    if prop is not None:
        document = get(props, prop)
        if document is not None:
            yield prop, document
    elif resource_type == ROLE:
        for index, inline in enumerate(items(get(props, "inlinePolicies"))):
            document = get(inline, "policy")
            if document:
                yield f"inlinePolicies[{index}] ({get(inline, 'name', default='unnamed')})", document


def read(where: str, document: Any) -> list[Statement]:
    """Parse one document; ValueError naming `where` when it is not a policy document."""
    try:
        return statements(json_document(document))
    except ValueError as error:
        raise ValueError(f"{where}: the policy document cannot be read ({error})") from None


def identity_statements(resource_type: str, props: Any) -> Iterator[tuple[str, Statement]]:
    """(where, statement) for every readable identity-policy statement; unreadable documents are skipped."""
    for where, document in identity_documents(resource_type, props):
        try:
            found = read(where, document)
        except ValueError:
            continue
        for statement in found:
            yield where, statement


def condition_keys(statement: Statement) -> set[str]:
    """Every condition key of a statement, lower-cased (IAM condition keys are case-insensitive)."""
    return {key.lower() for block in statement.conditions.values() if isinstance(block, dict) for key in block}


def denies_insecure_transport(statement: Statement) -> bool:
    """A Deny for everyone when aws:SecureTransport is false: the TLS-only statement of S3 and EFS policies."""
    if statement.effect != "Deny" or "*" not in statement.principals:
        return False
    block = statement.conditions.get("Bool")
    if not isinstance(block, dict):
        return False
    for key, value in block.items():
        values = value if isinstance(value, list) else [value]
        if key.lower() == "aws:securetransport" and any(str(v).lower() == "false" for v in values):
            return True
    return False
