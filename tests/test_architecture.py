"""The house rules of the package, checked on the source: imports point down, nobody borrows private names."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "kpicli"

# Lower layers first; a module may import from its own layer or any layer before it.
LAYERS: list[set[str]] = [
    {"core"},
    {"io"},
    {"rules"},
    {"grading"},
    {"payout"},
    {"render"},
    {"checklist", "scorecard"},
    {"api"},
    {"cli"},
    {"__main__"},  # `python -m kpicli`: runs the cli
]
# The two kinds of workbook stand side by side and never import each other.
SIBLINGS = {frozenset({"checklist", "scorecard"})}


def _layer(unit: str) -> int:
    for index, names in enumerate(LAYERS):
        if unit in names:
            return index
    raise AssertionError(f"kpicli/{unit} is in no layer: add it to LAYERS")


def _unit(module: str) -> str | None:
    """kpicli.checklist.reader → checklist; kpicli.api → api; kpicli → None (the package root)."""
    parts = module.split(".")
    if parts[0] != "kpicli" or len(parts) == 1:
        return None
    return parts[1]


def _modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out.append((".".join(parts), path))
    return out


def _imports(module: str, path: Path) -> list[tuple[str, list[str], int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                if node.level > 1:
                    base = base[: -(node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.append((target, [a.name for a in node.names], node.lineno))
        elif isinstance(node, ast.Import):
            found.extend((a.name, [], node.lineno) for a in node.names)
    return found


MODULES = _modules()


def test_every_module_belongs_to_a_layer():
    for module, _path in MODULES:
        unit = _unit(module)
        if unit is not None:
            _layer(unit)


@pytest.mark.parametrize(("module", "path"), MODULES, ids=[m for m, _ in MODULES])
def test_imports_point_down_and_names_stay_private(module: str, path: Path):
    unit = _unit(module)
    wrong = []
    for target, names, line in _imports(module, path):
        other = _unit(target)
        if not target.startswith("kpicli") or other is None or unit is None:
            continue
        if other != unit:
            if _layer(other) > _layer(unit):
                wrong.append(f"{path.name}:{line} imports {target} (a higher layer)")
            if frozenset({unit, other}) in SIBLINGS:
                wrong.append(f"{path.name}:{line} imports {target} (the other kind)")
        if target != module:
            private = [n for n in names if n.startswith("_") and not n.startswith("__")]
            if private or any(p.startswith("_") and not p.startswith("__") for p in target.split(".")):
                wrong.append(f"{path.name}:{line} takes private {target}.{','.join(private)}")
    assert not wrong, "\n".join(wrong)
