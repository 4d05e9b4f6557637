"""Render user-data scripts from the template files in components/templates/."""

import re
from pathlib import Path
from typing import Mapping

TEMPLATE_DIR = Path(__file__).parent / "templates"
"""Folder holding the shell templates shipped with the components."""
_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}")


def render_template(template: str, values: Mapping[str, object]) -> str:
    """Fill `{{ name }}` placeholders of a template file; every placeholder and every value must match."""
    text = (TEMPLATE_DIR / template).read_text()
    wanted = set(_PLACEHOLDER.findall(text))
    missing, unused = wanted - set(values), set(values) - wanted
    if missing or unused:
        raise ValueError(f"template {template}: missing values {sorted(missing)}, unused values {sorted(unused)}")
    return _PLACEHOLDER.sub(lambda match: str(values[match.group(1)]), text)
