"""The layout's import rules hold: no circle, only downward imports, no reader on the wire side.

Imports are read from the source (function-level ones included), so a rule cannot be dodged by
importing late; the runtime checks then prove what a user's process actually loads.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "tools" / "doccontract"
#: The floors, lowest first: a module may import its own floor and the floors below it.
FLOORS = ["_files", "usage", "rules", "read", "contract", "wire", "client", "sandbox", "suite", "watch", "cli"]
#: Modules of the contract floor the wire side reads: they must not reach the readers.
CONTRACT_READERS_FREE = {"document", "store", "catalogue", "format", "registry", "validation"}
WIRE_SIDE = ("doccontract.wire", "doccontract.client", "doccontract.sandbox", "doccontract.suite")
READERS = ("doccontract.read", "markdown_it", "bs4", "lxml")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imports(name: str) -> set[str]:
    """Every module ``name`` imports, anywhere in its source (TYPE_CHECKING blocks included)."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                found.add(candidate if candidate in MODULES else target)
    return found


def floor(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in FLOORS else None


def test_the_import_graph_has_no_circle():
    graph = {m: {d for d in imports(m) if d in MODULES and d != m} for m in MODULES}
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for dep in sorted(graph[node]):
            if state.get(dep) == 1:
                cycle = path[path.index(dep) :] + [dep] if dep in path else [node, dep]
                pytest.fail("import circle: " + " -> ".join(cycle))
            if dep not in state:
                visit(dep, [*path, dep])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])


def test_imports_only_go_down_a_floor():
    upward = []
    for module in MODULES:
        here = floor(module)
        if here is None:
            continue
        for dep in imports(module):
            there = floor(dep)
            if there is not None and FLOORS.index(there) > FLOORS.index(here):
                upward.append(f"{module} imports {dep}")
    assert not upward, upward


def test_the_wire_side_imports_no_reader():
    wire_side = [m for m in MODULES if m.startswith(WIRE_SIDE)]
    wire_side += [f"doccontract.contract.{m}" for m in CONTRACT_READERS_FREE]
    wire_side += ["doccontract.rules", "doccontract._files"]
    found = [f"{m} imports {d}" for m in wire_side for d in imports(m) if d.startswith(READERS)]
    assert not found, found


def test_no_module_imports_another_modules_private_name():
    found = []
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "") != "__future__":
                found += [
                    f"{module}: {node.module}.{a.name}"
                    for a in node.names
                    if a.name.startswith("_") and not a.name.startswith("__")
                ]
    assert not found, found


def loaded_after(code: str) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"import sys\n{code}\nprint(' '.join(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return [m for m in out.stdout.split() if m.startswith(READERS)]


@pytest.mark.parametrize(
    "module",
    [
        "doccontract.client",
        "doccontract.sandbox",
        "doccontract.suite.plugin",
        "doccontract.contract.registry",
        "doccontract.wire.request",
    ],
)
def test_importing_the_wire_side_loads_no_reader(module):
    assert loaded_after(f"import {module}") == []


def test_doccontract_help_loads_no_reader():
    code = "from doccontract.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass"
    assert loaded_after(code) == []
