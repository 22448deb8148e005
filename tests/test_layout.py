"""The package's layout, checked from its source: which package may import which, and how big things get.

Read from the imports themselves (every ``import`` and ``from ... import``, inside functions
and ``TYPE_CHECKING`` blocks too), so a shortcut through a lazy import counts like any other.
See ARCHITECTURE.md for what each package is for.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "summarize"

#: Each top-level part of ``summarize`` by layer: a part may import its own layer's parts only
#: where the pair is listed in ``_PEERS``, and any part of a lower layer.
LAYERS: list[set[str]] = [
    {"errors", "_resources"},
    {"config", "schema", "files", "templating", "text"},
    {"inputs"},
    {"backends"},
    {"brief"},
    {"formats"},
    {"batch", "daily", "evals", "testing"},
    {"cli", "__main__", "__init__"},
]
_PEERS = {("config", "errors"), ("schema", "_resources"), ("files", "errors")}
_PEERS |= {("__main__", "cli")}
CORE = {"brief", "backends"}
PRESENTATION = {"formats", "cli", "daily", "evals", "batch", "testing"}


def _part(module: str) -> str:
    """``summarize.brief.pipeline`` -> ``brief``; a top-level module is its own part."""
    return module.split(".")[1] if module.count(".") else "__init__"


def _module_of(path: Path) -> str:
    parts = ["summarize", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> Iterator[str]:
    """Every ``summarize`` module ``path`` imports, relative imports resolved."""
    module = _module_of(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name.split(".")[0] == "summarize")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            elif node.module and node.module.split(".")[0] == "summarize":
                target = node.module
            else:
                continue
            if node.module is None:  # "from . import checks": the names are modules
                yield from (f"{target}.{a.name}" for a in node.names)
            else:
                yield target


def _edges() -> set[tuple[str, str]]:
    edges = set()
    for path in PACKAGE.rglob("*.py"):
        source = _part(_module_of(path)) if path.parent != PACKAGE else path.stem
        for target in _imports(path):
            if target.count("."):
                edges.add((source, _part(target)))
    return {(a, b) for a, b in edges if a != b}


def _layer(part: str) -> int:
    return next(n for n, parts in enumerate(LAYERS) if part in parts)


def test_every_part_has_a_layer() -> None:
    parts = {_part(_module_of(p)) if p.parent != PACKAGE else p.stem for p in PACKAGE.rglob("*.py")}
    assert parts == set().union(*LAYERS)


def test_imports_go_down_the_layers_only() -> None:
    upward = sorted(
        f"{a} imports {b}"
        for a, b in _edges()
        if _layer(b) > _layer(a) or (_layer(b) == _layer(a) and (a, b) not in _PEERS)
    )
    assert upward == []


def test_no_import_cycle_between_packages() -> None:
    graph: dict[str, set[str]] = {}
    for a, b in _edges():
        graph.setdefault(a, set()).add(b)
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> None:
        if node in path:
            pytest.fail("import cycle: " + " -> ".join([*path[path.index(node) :], node]))
        if node not in done:
            for target in sorted(graph.get(node, ())):
                visit(target, [*path, node])
            done.add(node)

    for node in sorted(graph):
        visit(node, [])


def test_the_core_never_imports_presentation() -> None:
    assert sorted(f"{a} -> {b}" for a, b in _edges() if a in CORE and b in PRESENTATION) == []


def test_the_import_walk_sees_relative_and_lazy_imports() -> None:
    assert "summarize.inputs.articles" in set(_imports(PACKAGE / "brief" / "pipeline.py"))  # from ..inputs
    lazy = set(_imports(PACKAGE / "cli" / "maintenance.py"))  # inside ``model path``
    assert "summarize.backends.weights" in lazy
    assert ("cli", "backends") in _edges()


def _too_long() -> Iterator[str]:
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                size = (node.end_lineno or node.lineno) - first + 1
                limit = 200 if isinstance(node, ast.ClassDef) else 60
                if size > limit:
                    yield f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name} ({size} lines)"


def test_no_function_over_60_lines_and_no_class_over_200() -> None:
    assert list(_too_long()) == []
