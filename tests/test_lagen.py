"""The floors of the project and the one direction their imports go (README, *Voor ontwikkelaars*).

The engine (``kaart``) is at the bottom and imports nothing of ours but itself; the sources (``layers``)
stand on the engine; the web app (``webapp``) reads kaarten through the engine and never a source; the
command (``commando``) is on top and may use them all. Every import counts, also one inside a function,
because a function-level import is still a dependency. The engine's modules form no circle, and the
engine reads no file outside its own folder.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parents[1]
MAG = {  # package -> the packages of ours it may import
    "kaart": {"kaart"},
    "layers": {"kaart", "layers"},
    "webapp": {"kaart", "webapp"},
    "commando": {"kaart", "layers", "webapp", "commando"},
}


def _modules(package: str) -> dict[str, Path]:
    """Every module of a package by dotted name (``kaart.indicatoren``; a package by its own name)."""
    modules = {}
    for path in sorted((CHECKOUT / package).rglob("*.py")):
        parts = path.relative_to(CHECKOUT).with_suffix("").parts
        if "node_modules" in parts:
            continue
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def _imports(module: str, path: Path) -> list[tuple[int, str]]:
    """(line, imported name) of every import in a file, at any depth, relative ones made absolute;
    ``from a import b`` yields ``a.b`` so that a submodule imported that way is seen."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


@pytest.mark.parametrize("package", sorted(MAG))
def test_a_package_imports_only_the_floors_below_it(package):
    wrong = [f"{path.relative_to(CHECKOUT)}:{line} imports {name}"
             for module, path in _modules(package).items()
             for line, name in _imports(module, path)
             if name.split(".")[0] in MAG and name.split(".")[0] not in MAG[package]]
    assert wrong == [], f"{package} may import only {sorted(MAG[package])} of ours:\n" + "\n".join(wrong)


def _engine_graph() -> dict[str, set[str]]:
    """Engine module -> the engine modules it imports (a name resolved to the longest module it names)."""
    modules = _modules("kaart")

    def target(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    return {module: {t for _, name in _imports(module, path) if (t := target(name)) and t != module}
            for module, path in modules.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    """One circle of the graph as its modules in order (first repeated at the end), or [] when there is none."""
    state: dict[str, str] = {}  # "open" while on the path, "done" when fully explored
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = "open"
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        state[node] = "done"
        path.pop()
        return []

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return []


def test_the_cycle_finder_sees_a_circle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) == []


def test_the_engine_modules_form_no_circle():
    assert _cycle(_engine_graph()) == [], "the engine imports in a circle: " + " -> ".join(_cycle(_engine_graph()))


def _paths_out_of_the_package(path: Path) -> list[str]:
    """Where a file climbs out of its folder: ``.parents[...]``, ``.parent.parent`` or a ``".."`` path part."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Attribute) and (
                node.attr == "parents"
                or (node.attr == "parent" and isinstance(node.value, ast.Attribute) and node.value.attr == "parent")):
            found.append(f"{path.relative_to(CHECKOUT)}:{node.lineno} .{node.attr}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and ".." in Path(node.value).parts:
            found.append(f"{path.relative_to(CHECKOUT)}:{node.lineno} {node.value!r}")
    return found


def test_the_engine_reads_no_file_outside_its_package():
    wrong = [hit for path in _modules("kaart").values() for hit in _paths_out_of_the_package(path)]
    assert wrong == [], "the engine builds a path outside kaart/:\n" + "\n".join(wrong)
