"""The layering of docs/STYLE.md, read from the source: data flows one way; the sandbox apart.

Every `import x` and `from x import y` counts, also inside functions and under TYPE_CHECKING
(a type is a dependency too); relative imports are resolved against the importing module.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = SRC / "nivosync"
ROOT = "nivosync"

MAX_FUNCTION_LINES = 60
MAX_MODULE_LINES = 500
# Functions allowed over MAX_FUNCTION_LINES, as "module:qualname" (none today). An entry that is
# no longer long fails the test, so the list can only shrink.
KNOWN_LONG: set[str] = set()


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, e.g. nivosync.render.storage
    target: str  # the imported nivosync module, e.g. nivosync.core.plan
    line: int


@dataclass(frozen=True)
class Rule:
    """Which layers (first component under nivosync) a layer may, or may never, import."""

    layer: str
    text: str
    only: frozenset[str] | None = None
    never: frozenset[str] = frozenset()

    def forbids(self, target_layer: str) -> bool:
        if self.only is not None and target_layer not in self.only:
            return True
        return target_layer in self.never


def _only(layer: str, text: str, *allowed: str) -> Rule:
    return Rule(layer, text, only=frozenset(allowed))


def _never(layer: str, text: str, *forbidden: str) -> Rule:
    return Rule(layer, text, never=frozenset(forbidden))


RULES = {
    rule.layer: rule
    for rule in (
        _only("core", "core imports only nivosync.core and nivosync.errors", "core", "errors"),
        _only("inputs", "inputs imports only core, inputs, errors", "core", "inputs", "errors"),
        _only(
            "render",
            "render imports only core, inputs, render, errors",
            "core",
            "inputs",
            "render",
            "errors",
        ),
        _only(
            "jira",
            "jira imports only itself, nivosync.http, nivosync.errors",
            "jira",
            "http",
            "errors",
        ),
        _only(
            "confluence",
            "confluence imports only itself, nivosync.http, nivosync.errors",
            "confluence",
            "http",
            "errors",
        ),
        _only("http", "http imports only nivosync.errors", "errors"),
        _never(
            "views",
            "views never imports jira, confluence, http, sandbox, commands",
            "jira",
            "confluence",
            "http",
            "sandbox",
            "commands",
        ),
        _never("app", "app never imports commands, views, cli", "commands", "views", "cli"),
        _only(
            "sandbox", "sandbox imports nothing from nivosync outside nivosync.sandbox", "sandbox"
        ),
    )
}
COMMANDS_RULE = "a command never imports another command (nivosync.commands.X -> .Y)"
# Leaves every client-side layer may import (issue 15: what keeps a command from importing
# structlog, and a package's __init__, before it needs them); they import nothing from nivosync.
LEAVES = frozenset({"log_setup", "lazy_package", "machine_cache"})
LEAF_RULE = "log_setup, lazy_package and machine_cache import nothing from nivosync (leaves)"


# --- reading the source ----------------------------------------------------------------------


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def known_modules() -> set[str]:
    return {module_name(p) for p in source_files()}


def imports_of(module: str, source: str, is_package: bool, modules: set[str]) -> Iterator[Import]:
    """The nivosync modules `module` imports anywhere in `source`."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(module, alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(package, node.module, node.level)
            for alias in node.names:
                # `from nivosync import http` imports the module nivosync.http, not nivosync
                sub = f"{base}.{alias.name}"
                yield Import(module, sub if sub in modules else base, node.lineno)


def _resolve(package: str, name: str | None, level: int) -> str:
    if not level:
        return name or ""
    parts = package.split(".")
    assert len(parts) >= level, f"relative import beyond the top of {package}"
    base = parts[: len(parts) - (level - 1)]
    return ".".join([*base, name] if name else base)


def nivosync_imports() -> list[Import]:
    modules = known_modules()
    found = []
    for path in source_files():
        name = module_name(path)
        source = path.read_text(encoding="utf-8")
        for imp in imports_of(name, source, path.name == "__init__.py", modules):
            if imp.target == ROOT or imp.target.startswith(f"{ROOT}."):
                found.append(imp)
    return found


def layer(module: str) -> str:
    """nivosync.core.plan -> core; nivosync.errors -> errors; nivosync -> '' (the root)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def violation(imp: Import) -> str | None:
    """Why `imp` breaks the layering, or None."""
    source, target = layer(imp.module), layer(imp.target)
    where = f"{imp.module} imports {imp.target} (line {imp.line})"
    rule = RULES.get(source)
    if source in LEAVES:
        return f"{where}: breaks '{LEAF_RULE}'"
    if target in LEAVES and source != "sandbox":
        return None
    if rule is not None and rule.forbids(target):
        return f"{where}: breaks '{rule.text}'"
    if source == "commands" and target == "commands":
        mine, theirs = imp.module.split(".")[:3], imp.target.split(".")[:3]
        if len(mine) == 3 and len(theirs) == 3 and mine != theirs:
            return f"{where}: breaks '{COMMANDS_RULE}'"
    return None


# --- the checker checks ----------------------------------------------------------------------


def test_import_reader_resolves_relative_and_nested_imports():
    modules = {"nivosync.http", "nivosync.render.storage", "nivosync.render.pages.common"}
    source = (
        "import json\n"
        "from . import common\n"
        "from ..storage import p\n"
        "from nivosync import http\n"
        "def f():\n"
        "    import nivosync.core.plan\n"
        "    from nivosync.app.sync import run\n"
    )
    found = imports_of("nivosync.render.pages.x", source, False, modules)
    assert [(i.target, i.line) for i in found if i.target.startswith("nivosync")] == [
        ("nivosync.render.pages.common", 2),
        ("nivosync.render.storage", 3),
        ("nivosync.http", 4),
        ("nivosync.core.plan", 6),
        ("nivosync.app.sync", 7),
    ]
    in_package = imports_of("nivosync.render", "from .storage import p\n", True, modules)
    assert [i.target for i in in_package] == ["nivosync.render.storage"]


@pytest.mark.parametrize(
    ("module", "target", "allowed"),
    [
        ("nivosync.core.plan", "nivosync.core.calendar", True),
        ("nivosync.core.plan", "nivosync.errors", True),
        ("nivosync.core.plan", "nivosync.inputs.config", False),
        ("nivosync.core.plan", "nivosync", False),
        ("nivosync.inputs.config", "nivosync.render.storage", False),
        ("nivosync.render.storage", "nivosync.inputs.notes", True),
        ("nivosync.render.storage", "nivosync.app.sync", False),
        ("nivosync.jira.gateway", "nivosync.http", True),
        ("nivosync.jira.gateway", "nivosync.confluence.gateway", False),
        ("nivosync.confluence.gateway", "nivosync.core.plan", False),
        ("nivosync.http", "nivosync.log_setup", True),
        ("nivosync.core.calendar", "nivosync.lazy_package", True),
        ("nivosync.log_setup", "nivosync.errors", False),
        ("nivosync.lazy_package", "nivosync.log_setup", False),
        ("nivosync.sandbox.server", "nivosync.log_setup", False),
        ("nivosync.views.sync_text", "nivosync.app.sync", True),
        ("nivosync.views.sync_text", "nivosync.http", False),
        ("nivosync.app.sync", "nivosync.jira.gateway", True),
        ("nivosync.app.sync", "nivosync.views.sync_text", False),
        ("nivosync.app.sync", "nivosync.cli", False),
        ("nivosync.commands.sync", "nivosync.commands.publish", False),
        ("nivosync.commands.sync", "nivosync.commands", True),
        ("nivosync.sandbox.server", "nivosync.sandbox.store", True),
        ("nivosync.sandbox.server", "nivosync.errors", False),
        ("nivosync.cli", "nivosync.commands.sync", True),
    ],
)
def test_rules_table(module, target, allowed):
    assert (violation(Import(module, target, 1)) is None) is allowed


# --- the layering itself ---------------------------------------------------------------------


def test_the_reader_sees_the_code():
    found = nivosync_imports()
    assert len(found) > 100
    assert {layer(i.module) for i in found} >= {*RULES, "commands", "cli"}


def test_layering():
    broken = sorted({v for imp in nivosync_imports() if (v := violation(imp))})
    assert not broken, "imports that break the layering (docs STYLE.md):\n" + "\n".join(broken)


def package_dirs() -> list[Path]:
    dirs = {p.parent for p in source_files()}
    return sorted(
        d for d in dirs | {a for d in dirs for a in d.parents} if PACKAGE in (d, *d.parents)
    )


def test_every_package_has_an_init_with_a_docstring():
    problems = []
    for folder in package_dirs():
        init = folder / "__init__.py"
        where = folder.relative_to(SRC)
        if not init.is_file():
            problems.append(f"{where}: no __init__.py")
        elif not (ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or "").strip():
            problems.append(f"{where}/__init__.py: no docstring (say what the package may import)")
    assert not problems, "\n".join(problems)


# --- size ------------------------------------------------------------------------------------


def sized_files() -> list[Path]:
    return [p for p in source_files() if "sandbox" not in p.relative_to(PACKAGE).parts[:1]]


def function_lengths(source: str, module: str) -> dict[str, int]:
    """'module:Class.method' -> lines of the def node (end_lineno - lineno + 1)."""
    lengths: dict[str, int] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                qualname = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef):
                    assert child.end_lineno is not None
                    lengths[qualname] = child.end_lineno - child.lineno + 1
                visit(child, f"{qualname}.")
            else:
                visit(child, prefix)

    visit(ast.parse(source), f"{module}:")
    return lengths


def all_function_lengths() -> dict[str, int]:
    return {
        name: n
        for path in sized_files()
        for name, n in function_lengths(path.read_text(encoding="utf-8"), module_name(path)).items()
    }


def test_size_checker_measures_def_nodes():
    source = (
        "class A:\n"
        "    @property\n"
        "    def m(self):\n"
        "        def inner():\n"
        "            return 1\n"
        "\n"
        "        return inner()\n"
        "\n"
        "\n"
        "async def f():\n"
        "    return 1\n"
    )
    assert function_lengths(source, "nivosync.x") == {
        "nivosync.x:A.m": 5,
        "nivosync.x:A.m.inner": 2,
        "nivosync.x:f": 2,
    }


def test_functions_are_short():
    long = {name: n for name, n in all_function_lengths().items() if n > MAX_FUNCTION_LINES}
    new = [f"{name}: {long[name]} lines" for name in sorted(long.keys() - KNOWN_LONG)]
    fixed = sorted(KNOWN_LONG - long.keys())
    assert not new, f"functions over {MAX_FUNCTION_LINES} lines (split them):\n" + "\n".join(new)
    assert not fixed, f"no longer over {MAX_FUNCTION_LINES} lines, remove from KNOWN_LONG: {fixed}"


def test_modules_are_short():
    long = [
        f"{path.relative_to(SRC)}: {n} lines"
        for path in sized_files()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    ]
    assert not long, f"modules over {MAX_MODULE_LINES} lines (split them):\n" + "\n".join(long)
