"""Read Pulumi.yaml and one stack's Pulumi.<stack>.yaml the way the Pulumi CLI does, refusing in one line
what the CLI would refuse and what it would silently drop or re-spell.

What the CLI does, from its sources (pulumi/pulumi, sdk/go/common/workspace and sdk/go/common/resource/config):

- a stack file's top level holds `config`, `secretsprovider`, `encryptedkey`, `encryptionsalt` and
  `environment` (the ProjectStack struct, project.go); anything else is silently ignored by the CLI, so a
  typo such as `confg:` would drop the whole config: refused here;
- a config key is `namespace:name` (or the legacy `namespace:config:name`, key.go ParseKey); a bare key in
  a stack file belongs to the project (stackConfigNamespacedWithProject, loaders.go);
- a scalar value reaches the program as a string, a list or map as its JSON, `{secure: ...}` as a secret,
  and an empty or null value as "" (checkForEmptyConfig, loaders.go);
- keys declared in Pulumi.yaml are typed by the CLI's ValidateConfigValue (project.go): an integer is what
  Go's strconv.Atoi reads, a boolean is exactly true or false, an array is a list of the declared items;
  a declared key without default or value must be set, and a `secret: true` key must be set with --secret;
- the CLI passes the stack file through a typed YAML round trip (LoadProjectStackBytes), so an unquoted
  `010`, `0x2`, `1_0`, `8.40` or `yes` may reach the program re-spelled (8, 2, 10, 8.4, true) depending
  on the CLI version (pulumi/pulumi#8752, pulumi/pulumi-aws#4897): such spellings are refused here with the
  fix (write the number plainly, or quote the text), so every CLI version reads the same value;
- duplicate keys are refused (the YAML spec says keys MUST be unique; yaml.v3 refuses them, yaml.v2 keeps
  the last one silently).

On top, for every program (ours and foreign ones, issue 13): a namespace that is neither the project's nor an
installed provider's is refused with a did-you-mean; provider keys must be settings of that provider (read
from pulumi_<provider>/config/vars.py); `aws:region` must be a region of botocore's offline partition data.
Anchors and aliases expand to at most MAX_VALUES values (a YAML "billion laughs" stops at once), and every
error is one line of at most MAX_LINE characters.

Secrets: the offline check cannot decrypt `secure:` values. Each becomes a placeholder of the key's declared
type (PLACEHOLDERS), and `placeholders_announced` tells the program which keys hold one through the
environment variable PLACEHOLDER_KEYS_ENV (a JSON list of full keys), so a program may substitute a value that
passes its own checks; the check reports those keys as not checked.
"""

import dataclasses
import difflib
import json
import math
import os
import re
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, Iterator, Mapping, Optional, Sequence

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_LINE = 200
"""Longest error line the reader produces (the CLI's own errors are one line too)."""
MAX_VALUES = 10_000
"""Most values a file may expand to through anchors and aliases."""
MAX_DEPTH = 50
"""Deepest nesting of lists and maps in a config value."""
STACK_FILE_KEYS = ("config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment")
"""Top-level keys of a stack file (the CLI's ProjectStack struct)."""
DECLARATION_KEYS = ("type", "description", "default", "value", "items", "secret")
"""Attributes of a config declaration in Pulumi.yaml (the CLI's ProjectConfigType)."""
CONFIG_TYPES = ("string", "integer", "boolean", "array")
"""Types Pulumi.yaml may declare for a config key."""
PLACEHOLDER_KEYS_ENV = "AWSINACTION_SECRET_PLACEHOLDERS"
"""Environment variable listing (as JSON) the config keys whose values are placeholders for secrets."""
PLACEHOLDER_TEXT = "secret-placeholder"
"""What a secret string holds during the offline check."""
PLACEHOLDERS = {"string": PLACEHOLDER_TEXT, "integer": "0", "boolean": "false", "array": "[]", None: PLACEHOLDER_TEXT}
"""Placeholder of each declared type (None: undeclared), as the program receives config: a string."""
CLI_NAMESPACE = "pulumi"
"""Namespace the CLI itself reads (pulumi:tags, pulumi:disable-default-providers, ...)."""
NOT_PROVIDERS = frozenset({"policy"})
"""pulumi_<x> packages that are not resource providers."""

_STR, _NULL = "tag:yaml.org,2002:str", "tag:yaml.org,2002:null"
_BOOL, _INT, _FLOAT = "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_TIMESTAMP, _MERGE = "tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:merge"
_MAP, _SEQ = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser when PyYAML has it (30 times faster on a megabyte value), else PyYAML's own; both compose the same nodes."""
_RESOLVER = yaml.resolver.Resolver()
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_GO_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
"""Plain scalars Go's YAML libraries read as floats (yamlStyleFloat), e.g. 1e3, which YAML 1.1 keeps as text."""
_YAML12_OCTAL = re.compile(r"[-+]?0o[0-7_]+")
"""YAML 1.2 octal integers, e.g. 0o17, which YAML 1.1 keeps as text."""
_GO_ATOI = re.compile(r"[-+]?[0-9]+")
"""What Go's strconv.Atoi accepts: the CLI's test of a declared integer."""


class StackConfigError(Exception):
    """A project or stack file the CLI would refuse, or whose values it would drop or re-spell; one line."""

    def __init__(self, message: str) -> None:
        super().__init__(one_line(message))


def one_line(text: str, limit: int = MAX_LINE) -> str:
    """`text` on one line (whitespace collapsed), cut to `limit` characters with an ellipsis."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def shown(value: Any, limit: int = 40) -> str:
    """A value for an error message: its repr, cut so a huge value never floods the line."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 12]}…({len(str(value))} chars)"


@dataclass(frozen=True)
class Declaration:
    """One config key declared in Pulumi.yaml."""

    type: Optional[str]
    """string, integer, boolean, array, or None when untyped."""
    items: Optional[str]
    """Item type of an array."""
    value: Optional[str]
    """Default (or fixed value) as the program receives it; None when the stack must set the key."""
    secret: bool = False
    """Whether the stack must set the key with --secret."""


@dataclass(frozen=True)
class StackConfig:
    """A project's name and one stack's configuration, as the CLI would pass it to the program."""

    project: str
    values: dict[str, str]
    """Full key -> the string the program receives (lists and maps as JSON), defaults included."""
    secret_keys: list[str] = field(default_factory=list)
    """Keys set with `secure:`; offline their values are placeholders (PLACEHOLDERS)."""
    unchecked: list[str] = field(default_factory=list)
    """What the offline check could not read: secret keys and Pulumi ESC environments."""
    declarations: dict[str, Declaration] = field(default_factory=dict)
    """Keys declared in Pulumi.yaml, by full key."""
    entry: Optional[Path] = None
    """The program's __main__.py (Pulumi.yaml `main:` honoured), when read from a project folder."""


def load_stack_config(project_dir: Path, stack: str) -> StackConfig:
    """Read Pulumi.yaml and Pulumi.<stack>.yaml; raises FileNotFoundError or StackConfigError (one line each)."""
    project_dir = Path(project_dir)
    project_file = project_dir / "Pulumi.yaml"
    if not project_file.is_file():
        raise FileNotFoundError(f"{project_file} does not exist")
    project_doc = _Document(project_file)
    project, declarations, stack_dir = _read_project(project_doc, project_dir)
    top = {key: value for key, _, value in project_doc.pairs(project_doc.root, "Pulumi.yaml")}
    entry = _program_entry(project_doc, top, project_dir)
    stack_file = stack_dir / f"Pulumi.{stack}.yaml"
    if not stack_file.is_file():
        stacks = ", ".join(sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in stack_dir.glob("Pulumi.*.yaml")))
        raise FileNotFoundError(f"{stack_file} does not exist; stacks here: {stacks or 'none'}")
    return dataclasses.replace(_read_stack(_Document(stack_file), project, declarations), entry=entry)


@contextmanager
def placeholders_announced(keys: Sequence[str]) -> Iterator[None]:
    """Tell the program (in this process and its children) which config keys hold secret placeholders."""
    previous = os.environ.get(PLACEHOLDER_KEYS_ENV)
    os.environ[PLACEHOLDER_KEYS_ENV] = json.dumps(sorted(keys))
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(PLACEHOLDER_KEYS_ENV, None)
        else:
            os.environ[PLACEHOLDER_KEYS_ENV] = previous


# --- YAML as the CLI reads it -------------------------------------------------------------------------


class _Document:
    """One YAML file composed into nodes (nothing constructed), with errors that name the file and line."""

    def __init__(self, path: Path) -> None:
        self.name = path.name
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise StackConfigError(f"{self.name}: is not UTF-8 text") from None
        try:
            documents = list(yaml.compose_all(text, Loader=_LOADER))
        except yaml.YAMLError as fast_error:
            raise StackConfigError(self._syntax_error(text, fast_error)) from None
        if len(documents) > 1:
            raise StackConfigError(f"{self.name}: holds {len(documents)} YAML documents; the CLI reads only the first, keep one")
        self.root: Optional[Node] = documents[0] if documents else None
        self._budget = MAX_VALUES

    def _syntax_error(self, text: str, fast_error: yaml.YAMLError) -> str:
        """The problem in PyYAML's words (clearer than libyaml's), with its line."""
        try:
            list(yaml.compose_all(text, Loader=yaml.SafeLoader))
            error: yaml.YAMLError = fast_error
        except yaml.YAMLError as slow_error:
            error = slow_error
        if isinstance(error, yaml.reader.ReaderError):
            line = text.count("\n", 0, min(error.position, len(text))) + 1
            what = f"character #x{error.character:04x}" if isinstance(error.character, int) else "a control character"
            return f"{self.name} line {line}: {what} is not allowed in YAML"
        mark = getattr(error, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        return f"{self.name}{where}: {getattr(error, 'problem', None) or 'is not valid YAML'}"

    def fail(self, node: Optional[Node], message: str) -> StackConfigError:
        where = f" line {node.start_mark.line + 1}" if node is not None else ""
        return StackConfigError(f"{message} ({self.name}{where})")

    def spend(self, node: Node) -> None:
        """Count one expanded value; refuse alias bombs before they cost time or memory."""
        self._budget -= 1
        if self._budget < 0:
            raise self.fail(node, f"anchors and aliases expand to more than {MAX_VALUES} values; write the values out")

    def pairs(self, node: MappingNode, what: str) -> list[tuple[str, Node, Node]]:
        """(text key, key node, value node) of a mapping, merge keys applied, duplicates and non-text keys refused."""
        found: dict[str, Node] = {}
        result: list[tuple[str, Node, Node]] = []
        merged: list[tuple[str, Node, Node]] = []
        for key_node, value_node in node.value:
            self.spend(key_node)
            if key_node.tag == _MERGE:
                merged.extend(self._merged(value_node, what))
                continue
            key = self.key_text(key_node, what)
            if key in found:
                raise self.fail(key_node, f"{what}: key {shown(key)} is set twice (first on line {found[key].start_mark.line + 1})")
            found[key] = key_node
            result.append((key, key_node, value_node))
        for item in merged:  # explicit keys win over merged ones, as in YAML's merge-key rule
            if item[0] not in found:
                found[item[0]] = item[1]
                result.append(item)
        return result

    def _merged(self, node: Node, what: str) -> list[tuple[str, Node, Node]]:
        sources = node.value if isinstance(node, SequenceNode) else [node]
        merged: list[tuple[str, Node, Node]] = []
        seen: set[str] = set()
        for source in sources:
            if not isinstance(source, MappingNode):
                raise self.fail(source, f"{what}: a merge key (<<) takes a mapping or a list of mappings")
            for key, key_node, value_node in self.pairs(source, what):
                if key not in seen:  # the first mapping listed wins
                    seen.add(key)
                    merged.append((key, key_node, value_node))
        return merged

    def key_text(self, node: Node, what: str) -> str:
        """A mapping key as text; the CLI refuses keys YAML reads as anything but a string."""
        if not isinstance(node, ScalarNode) or (_plain(node) and _implicit_tag(node.value) not in (_STR, None)):
            shown_key = node.value if isinstance(node, ScalarNode) else f"a {type(node).__name__[:-4].lower()}"
            raise self.fail(node, f"{what}: key {shown(shown_key)} is not text; quote it or use a name")
        return node.value

    def scalar_text(self, node: ScalarNode, key: str, nested: bool = False) -> str:
        """A scalar config value as the program receives it: the text as written, "" for null.

        The CLI reads a plain value as the string written (`yes`, `0x2`, `1_0`, `010` and `8.40` stay
        those strings) and the program types it; inside a list or map it is YAML that types the value, so a
        spelling YAML would rewrite there (`010` -> 8, `8.40` -> 8.4) is refused instead of passed on changed.
        """
        self.spend(node)
        if not _plain(node) or (node.tag == _STR and _implicit_tag(node.value) != _STR):
            return node.value  # quoted, or an explicit !!str: the text
        if node.tag == "tag:yaml.org,2002:binary":
            raise self.fail(node, f"{key}: a !!binary value is not supported in stack config; write the text itself")
        implicit = _implicit_tag(node.value)
        if node.tag != implicit:
            raise self.fail(node, f"{key}: the YAML tag {_tag_name(node.tag)} is not supported here; write plain text")
        if implicit == _NULL:
            return ""  # the CLI passes an empty string (and warns)
        respelled = respelling(node.value) if nested else None
        if respelled is not None:
            raise self.fail(
                node,
                f"{key}: {shown(node.value)} may reach the program as {respelled} (YAML's reading); write {respelled} if you mean it, "
                "or quote the text to keep it",
            )
        return node.value

    def data(self, node: Node, key: str, depth: int = 0) -> Any:
        """A list or map value as JSON-ready data, scalars typed the way Go's YAML types them."""
        if depth > MAX_DEPTH:
            raise self.fail(node, f"{key}: nests deeper than {MAX_DEPTH} levels")
        if isinstance(node, SequenceNode):
            self.spend(node)
            if node.tag not in (_SEQ,):
                raise self.fail(node, f"{key}: the YAML tag {_tag_name(node.tag)} is not supported here; write a plain list")
            return [self.data(item, key, depth + 1) for item in node.value]
        if isinstance(node, MappingNode):
            self.spend(node)
            if node.tag not in (_MAP,):
                raise self.fail(node, f"{key}: the YAML tag {_tag_name(node.tag)} is not supported here; write a plain map")
            return {name: self.data(value, key, depth + 1) for name, _, value in self.pairs(node, key)}
        text = self.scalar_text(node, key, nested=True)  # refuses tags and re-spelled numbers
        if not _plain(node) or node.tag == _STR:
            return text
        return _typed(text, _implicit_tag(text))


def _plain(node: ScalarNode) -> bool:
    """Whether a scalar was written without quotes (PyYAML says None, libyaml says "")."""
    return not node.style


def _tag_name(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")


def _implicit_tag(text: str) -> Optional[str]:
    """The type YAML gives a plain scalar (YAML 1.1 as PyYAML reads it)."""
    return _RESOLVER.resolve(ScalarNode, text, (True, False))


def _typed(text: str, tag: Optional[str]) -> Any:
    """A plain scalar inside a list or map as JSON data: null, bool, number or text."""
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return text.lower() == "true"
    if tag == _INT:
        return int(text)
    if tag == _FLOAT or (tag == _STR and _GO_FLOAT.fullmatch(text)):
        number = float(text)
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    return text


def respelling(text: str) -> Optional[str]:
    """How YAML typing re-spells a plain scalar (010 -> 8, 8.40 -> 8.4, yes -> true), or None when it keeps it."""
    tag = _implicit_tag(text)
    if tag == _BOOL:
        canonical = "true" if _CONSTRUCTOR.construct_yaml_bool(ScalarNode(tag, text)) else "false"
    elif tag == _INT:
        canonical = str(_CONSTRUCTOR.construct_yaml_int(ScalarNode(tag, text)))
    elif tag == _FLOAT:
        canonical = go_float(_CONSTRUCTOR.construct_yaml_float(ScalarNode(tag, text)))
    elif tag == _STR and _GO_FLOAT.fullmatch(text):
        canonical = go_float(float(text))
    elif tag == _STR and _YAML12_OCTAL.fullmatch(text):
        canonical = str(int(text.replace("_", "").replace("0o", ""), 8))
    else:
        return None
    return None if canonical == text else canonical


def go_float(number: float) -> str:
    """Go's strconv.FormatFloat(number, 'g', -1, 64), which the CLI's YAML writer uses for floats."""
    if math.isnan(number):
        return ".nan"
    if math.isinf(number):
        return ".inf" if number > 0 else "-.inf"
    if number == 0:
        return "-0" if math.copysign(1, number) < 0 else "0"
    sign, digits, exponent = Decimal(repr(number)).normalize().as_tuple()
    text = "".join(map(str, digits))
    point = len(text) + int(exponent)  # position of the decimal point in the digit string
    prefix = "-" if sign else ""
    if point - 1 < -4 or point - 1 >= 6:  # Go: "if precision was the shortest possible, use precision 6"
        mantissa = text[0] + ("." + text[1:] if len(text) > 1 else "")
        power = point - 1
        return f"{prefix}{mantissa}e{'-' if power < 0 else '+'}{abs(power):02d}"
    if point <= 0:
        return f"{prefix}0.{'0' * -point}{text}"
    if point >= len(text):
        return f"{prefix}{text}{'0' * (point - len(text))}"
    return f"{prefix}{text[:point]}.{text[point:]}"


# --- Pulumi.yaml ----------------------------------------------------------------------------------------


def _program_entry(doc: _Document, top: dict[str, Node], project_dir: Path) -> Path:
    """The program's __main__.py, from `runtime:` and `main:` as the Python language host reads them."""
    runtime = top["runtime"]
    name_node = runtime if isinstance(runtime, ScalarNode) else dict((k, v) for k, _, v in doc.pairs(runtime, "runtime")).get("name")
    runtime_name = name_node.value if isinstance(name_node, ScalarNode) else ""
    if runtime_name != "python":
        raise doc.fail(runtime, f"runtime: {shown(runtime_name)}; the offline check runs Pulumi programs written in Python")
    main = top.get("main")
    entry = project_dir / main.value if isinstance(main, ScalarNode) and main.value else project_dir
    return entry / "__main__.py" if entry.is_dir() or entry == project_dir else entry


def _read_project(doc: _Document, project_dir: Path) -> tuple[str, dict[str, Declaration], Path]:
    root = doc.root
    if not isinstance(root, MappingNode):
        raise doc.fail(root, "the project file must be a mapping with name:, runtime: and config:")
    top = {key: value for key, _, value in doc.pairs(root, "Pulumi.yaml")}
    name_node = top.get("name")
    if not isinstance(name_node, ScalarNode) or not doc.scalar_text(name_node, "name").strip():
        close = difflib.get_close_matches("name", top, n=1)
        hint = f"; found {close[0]!r} instead" if close else ""
        raise doc.fail(name_node or root, f"the project has no name: attribute{hint}")
    project = name_node.value
    if "runtime" not in top:
        raise doc.fail(root, "the project has no runtime: attribute")
    stack_dir = project_dir
    config = top.get("config")
    if isinstance(config, ScalarNode) and config.value:  # `config: <dir>` is the old spelling of stackConfigDir
        stack_dir, config = project_dir / config.value, None
    if isinstance(top.get("stackConfigDir"), ScalarNode):
        stack_dir = project_dir / top["stackConfigDir"].value
    declarations: dict[str, Declaration] = {}
    if config is None or (isinstance(config, ScalarNode) and _implicit_tag(config.value) == _NULL):
        return project, declarations, stack_dir
    if not isinstance(config, MappingNode):
        raise doc.fail(config, "config: must map each key to its declaration")
    for key, key_node, node in doc.pairs(config, "config"):
        full = key if ":" in key else f"{project}:{key}"
        declarations[full] = _declaration(doc, full, key_node, node, own=full.startswith(f"{project}:"))
    return project, declarations, stack_dir


def _declaration(doc: _Document, key: str, key_node: Node, node: Node, own: bool) -> Declaration:
    if not isinstance(node, MappingNode):  # shorthand: a default for project keys, a value for the others
        return Declaration(None, None, _value_text(doc, key, node))
    attributes = {name: value for name, _, value in doc.pairs(node, key)}
    unknown = [name for name in attributes if name not in DECLARATION_KEYS]
    if unknown:
        close = difflib.get_close_matches(unknown[0], DECLARATION_KEYS, n=1)
        hint = f"did you mean {close[0]}?" if close else f"use {', '.join(DECLARATION_KEYS)}"
        raise doc.fail(node, f"{key}: {unknown[0]!r} is not a declaration attribute; {hint}")
    type_name = doc.scalar_text(attributes["type"], key) if "type" in attributes else None
    if type_name is not None and type_name not in CONFIG_TYPES:
        raise doc.fail(attributes["type"], f"{key}: type {shown(type_name)} is not one of {', '.join(CONFIG_TYPES)}")
    items = None
    if type_name == "array":
        items_node = attributes.get("items")
        item_attrs = {n: v for n, _, v in doc.pairs(items_node, key)} if isinstance(items_node, MappingNode) else {}
        items = doc.scalar_text(item_attrs["type"], key) if isinstance(item_attrs.get("type"), ScalarNode) else None
        if items not in CONFIG_TYPES:
            raise doc.fail(node, f"{key}: an array needs items: {{type: string|integer|boolean|array}}")
    if "default" in attributes and "value" in attributes:
        raise doc.fail(node, f"{key}: has both default: and value:; keep one")
    if not own and (type_name or "default" in attributes):
        raise doc.fail(node, f"{key}: is not the project's key, so it takes a value:, not a type or default")
    source = attributes.get("default", attributes.get("value"))
    value = _value_text(doc, key, source) if source is not None else None
    if value is not None and type_name and not _fits(type_name, items, value, isinstance(source, (SequenceNode, MappingNode))):
        raise doc.fail(source, f"{key}: the default {shown(value)} is not of the declared type {_type_name(type_name, items)}")
    secret = "secret" in attributes and doc.scalar_text(attributes["secret"], key) == "true"
    return Declaration(type_name, items, value, secret)


def _value_text(doc: _Document, key: str, node: Node) -> str:
    """A config value (stack or default) as the program receives it: text, or JSON for lists and maps."""
    if isinstance(node, ScalarNode):
        return doc.scalar_text(node, key)
    return json.dumps(doc.data(node, key), separators=(",", ":"))


# --- Pulumi.<stack>.yaml --------------------------------------------------------------------------------


def _read_stack(doc: _Document, project: str, declarations: Mapping[str, Declaration]) -> StackConfig:
    root = doc.root
    if root is None or (isinstance(root, ScalarNode) and _implicit_tag(root.value) == _NULL):
        entries: list[tuple[str, Node, Node]] = []
        unchecked: list[str] = []
    else:
        if not isinstance(root, MappingNode):
            raise doc.fail(root, "a stack file must be a mapping with a config: section")
        top = doc.pairs(root, doc.name)
        for key, key_node, _ in top:
            if key not in STACK_FILE_KEYS:
                close = difflib.get_close_matches(key, STACK_FILE_KEYS, n=1)
                hint = f"did you mean {close[0]}?" if close else f"a stack file holds {', '.join(STACK_FILE_KEYS)}"
                raise doc.fail(key_node, f"{shown(key)} is not a stack file setting, so the CLI would ignore it; {hint}")
        sections = {key: value for key, _, value in top}
        config = sections.get("config")
        unchecked = ["environment: Pulumi ESC environments are not read offline"] if "environment" in sections else []
        if config is None or (isinstance(config, ScalarNode) and _implicit_tag(config.value) == _NULL and _plain(config)):
            entries = []
        elif not isinstance(config, MappingNode):
            raise doc.fail(config, "config: must be a mapping of namespace:key: value")
        else:
            entries = doc.pairs(config, "config")
    values = {key: declaration.value for key, declaration in declarations.items() if declaration.value is not None}
    keys = _Keys(project, declarations)
    set_keys: dict[str, str] = {}
    secret_keys: list[str] = []
    for written, key_node, node in entries:
        key = keys.full(doc, written, key_node)
        if key in set_keys:
            raise doc.fail(key_node, f"{key}: is set twice, as {set_keys[key]} and as {written}")
        set_keys[key] = written
        declaration = declarations.get(key)
        value, secret = _stack_value(doc, key, node, declaration)
        if declaration and declaration.secret and not secret:
            raise doc.fail(node, f"{key}: Pulumi.yaml declares it secret; set it with pulumi config set --secret")
        structured = isinstance(node, (SequenceNode, MappingNode))
        if declaration and declaration.type and not secret and not _fits(declaration.type, declaration.items, value, structured):
            expected = _type_name(declaration.type, declaration.items)
            raise doc.fail(node, f"{key}: {shown(value)} is not {expected}, the type Pulumi.yaml declares")
        keys.check_value(doc, key, value, node)
        if secret:
            secret_keys.append(key)
        values[key] = value
    missing = sorted(key for key, declaration in declarations.items() if declaration.value is None and key not in values)
    if missing:
        raise doc.fail(None, f"{missing[0]}: Pulumi.yaml declares it without a default, so the stack must set it")
    unchecked = [f"{key}: a secret; a placeholder of its type stood in" for key in secret_keys] + unchecked
    return StackConfig(project, values, secret_keys, unchecked, dict(declarations))


def _stack_value(doc: _Document, key: str, node: Node, declaration: Optional[Declaration]) -> tuple[str, bool]:
    """(value as the program receives it, whether it is a secret)."""
    if isinstance(node, MappingNode):
        pairs = doc.pairs(node, key)
        if [name for name, _, _ in pairs] == ["secure"]:
            secure = pairs[0][2]
            if not isinstance(secure, ScalarNode):
                raise doc.fail(secure, f"{key}: secure: must hold the ciphertext pulumi config set --secret wrote")
            return PLACEHOLDERS.get(declaration.type if declaration else None, PLACEHOLDER_TEXT), True
    if isinstance(node, ScalarNode):
        return doc.scalar_text(node, key), False
    data = doc.data(node, key)
    return json.dumps(_without_secrets(data), separators=(",", ":")), _has_secret(data)


def _has_secret(data: Any) -> bool:
    if isinstance(data, dict):
        return list(data) == ["secure"] or any(_has_secret(v) for v in data.values())
    return isinstance(data, list) and any(_has_secret(v) for v in data)


def _without_secrets(data: Any) -> Any:
    """Nested `{secure: ...}` values replaced by placeholders."""
    if isinstance(data, dict):
        return PLACEHOLDER_TEXT if list(data) == ["secure"] else {k: _without_secrets(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_without_secrets(v) for v in data]
    return data


def _fits(type_name: str, items: Optional[str], value: str, structured: bool) -> bool:
    """The CLI's ValidateConfigValue on a value as the program receives it."""
    if type_name == "array":
        if not structured:
            return False
        data = json.loads(value)
        return isinstance(data, list) and all(_fits_item(items, item) for item in data)
    if structured:
        return False
    if type_name == "integer":
        return bool(_GO_ATOI.fullmatch(value))
    if type_name == "boolean":
        return value in ("true", "false")
    return True


def _fits_item(type_name: Optional[str], item: Any) -> bool:
    if type_name == "string":
        return isinstance(item, str)
    if type_name == "integer":
        return isinstance(item, int) and not isinstance(item, bool)
    if type_name == "boolean":
        return isinstance(item, bool)
    return isinstance(item, list)


def _type_name(type_name: str, items: Optional[str]) -> str:
    return {"integer": "an integer", "boolean": "true or false", "string": "text"}.get(type_name, f"a list of {items}s")


class _Keys:
    """Which namespaces and keys a stack file may use: the project's, the CLI's and installed providers'."""

    def __init__(self, project: str, declarations: Mapping[str, Declaration]) -> None:
        self.project = project
        self.declared = {key.split(":", 1)[1] for key in declarations if key.startswith(f"{project}:")}
        self.providers = installed_providers()

    def full(self, doc: _Document, written: str, node: Node) -> str:
        """The key as namespace:name, or a refusal naming what is wrong and the likely intent."""
        parts = written.split(":")
        if len(parts) == 3 and parts[1] == "config":  # the CLI's legacy namespace:config:name form
            parts = [parts[0], parts[2]]
        if len(parts) == 1:
            parts = [self.project, written]  # a bare key is the project's
        if len(parts) != 2 or not all(parts):
            raise doc.fail(node, f"{shown(written)} is not a config key; write namespace:name, e.g. {self.project}:azCount")
        namespace, name = parts
        key = f"{namespace}:{name}"
        label = key if len(key) <= 60 else f"{key[:40]}…({len(key)} chars)"
        if namespace == self.project:
            pass  # the CLI accepts undeclared keys of the project (a program's own settings may refuse them)
        elif namespace in self.providers:
            settings = self.providers[namespace]
            if name not in settings:
                hint = f"; did you mean {self.project}:{name}?" if name in self.declared else _did_you_mean(name, settings, namespace)
                raise doc.fail(node, f"{label}: is not a setting of the {namespace} provider{hint}")
        elif namespace != CLI_NAMESPACE:
            close = difflib.get_close_matches(namespace, [self.project, *self.providers], n=1, cutoff=0.6)
            hint = f"did you mean {close[0]}:{name}?" if close else f"use {self.project}:{name} or a provider's namespace"
            owner = f"neither the project's namespace ({self.project}) nor a provider's"
            raise doc.fail(node, f"{label}: {shown(namespace)} is {owner}; {hint}")
        return key

    def check_value(self, doc: _Document, key: str, value: str, node: Node) -> None:
        """Provider settings that the offline check can verify without an account."""
        if key == "aws:region" and value not in aws_regions() and aws_regions():
            close = difflib.get_close_matches(value, aws_regions(), n=1)
            hint = f"; did you mean {close[0]}?" if close else "; e.g. us-east-1 or eu-central-1"
            raise doc.fail(node, f"aws:region: {shown(value)} is not an AWS region{hint}")


def _did_you_mean(name: str, known: Any, namespace: str) -> str:
    close = difflib.get_close_matches(name, sorted(known), n=1)
    return f"; did you mean {namespace}:{close[0]}?" if close else ""


@cache
def installed_providers() -> dict[str, frozenset[str]]:
    """Namespace -> config keys of each installed pulumi_<provider> package."""
    providers: dict[str, frozenset[str]] = {}
    for entry in sys.path:  # a glob per folder: listing every installed module would take a second
        folder = Path(entry or ".")
        if not folder.is_dir():
            continue
        for package in folder.glob("pulumi_*"):
            name = package.name
            if name.isidentifier() and name[len("pulumi_") :] not in NOT_PROVIDERS and (package / "__init__.py").is_file():
                providers.setdefault(name[len("pulumi_") :].replace("_", "-"), _provider_settings(package))
    return providers


def _provider_settings(package: Path) -> frozenset[str]:
    """The provider's config keys, read from pulumi_<x>/config/vars.py without importing the package."""
    path = package / "config" / "vars.py"
    return frozenset(re.findall(r"__config__\.get\w*\('([^']+)'\)", path.read_text())) if path.is_file() else frozenset()


@cache
def aws_regions() -> frozenset[str]:
    """Every region of every AWS partition in botocore's offline endpoint data (empty without botocore)."""
    try:
        from botocore.loaders import create_loader
    except ImportError:
        return frozenset()
    partitions = create_loader().load_data("endpoints")["partitions"]
    return frozenset(region for partition in partitions for region in partition["regions"])

