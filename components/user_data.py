"""Render user-data scripts from the template files in components/templates/."""

import re
from pathlib import Path
from typing import Mapping

TEMPLATE_DIR = Path(__file__).parent / "templates"
"""Folder holding the shell templates shipped with the components."""
_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}")
USER_DATA_LIMIT_BYTES = 16384
"""EC2 refuses user data larger than 16 KB before base64 encoding."""


def within_user_data_limit(script: str, subject: str) -> str:
    """`script` itself, or a ValueError ("<subject> is N bytes, more than ...") when EC2 would refuse it."""
    size = len(script.encode())
    if size > USER_DATA_LIMIT_BYTES:
        raise ValueError(f"{subject} is {size} bytes, more than the {USER_DATA_LIMIT_BYTES} EC2 accepts")
    return script


def render_template(template: str, values: Mapping[str, object]) -> str:
    """Fill `{{ name }}` placeholders of a template file; every placeholder and every value must match."""
    text = (TEMPLATE_DIR / template).read_text()
    wanted = set(_PLACEHOLDER.findall(text))
    missing, unused = wanted - set(values), set(values) - wanted
    if missing or unused:
        raise ValueError(f"template {template}: missing values {sorted(missing)}, unused values {sorted(unused)}")
    return _PLACEHOLDER.sub(lambda match: str(values[match.group(1)]), text)
