"""The house rules of the package, checked on the source: imports point down, nobody borrows private names."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from functools import cache
from itertools import combinations
from pathlib import Path

import pytest

from kpicli import kinds as registry

PACKAGE = Path(__file__).resolve().parents[1] / "kpicli"

# The packages that are kinds of workbook: those of the kinds kpicli/kinds.py lists (a kind's object lives in its
# package's kind.py), so registering a kind is all it takes for the rules below to hold it to a kind's rules.
KIND_UNITS = {type(kind).__module__.split(".")[1] for kind in registry.KINDS}

# Lower layers first; a module may import from its own layer or any layer before it.
LAYERS: list[set[str]] = [
    {"core"},
    {"io"},
    {"rules"},
    {"grading"},
    {"payout"},
    {"render"},
    KIND_UNITS,
    {"kinds"},
    {"api"},
    {"cli"},
    {"__main__"},  # `python -m kpicli`: runs the cli
]
# The kinds of workbook stand side by side and never import each other.
SIBLINGS = {frozenset(pair) for pair in combinations(sorted(KIND_UNITS), 2)}


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


@cache
def _tree(path: Path) -> ast.Module:
    """Each source file parsed once per run (the checks below walk the same trees many times)."""
    return ast.parse(path.read_text(encoding="utf-8"))


def _statements(tree: ast.AST) -> Iterator[ast.AST]:
    """The node and every statement in it, nested ones too (in functions, classes, if/try/with/for/match blocks):
    all the places an import can be. Expressions, most of a tree, hold none, so they are not walked."""
    todo = [tree]
    while todo:
        node = todo.pop()
        yield node
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            todo.extend(getattr(node, field, ()))


@cache
def _imports(module: str, path: Path) -> list[tuple[str, list[str], int]]:
    tree = _tree(path)
    found = []
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in _statements(tree):
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


# --- the kinds: each a vertical package, reached only through the registry ------------------------------------------

REGISTRY = "kinds"  # kpicli/kinds.py: the one module besides the kinds that names them
DISPATCHERS = {"api", "cli"}  # the layers that reach every kind through the registry alone


def _is_module(name: str) -> bool:
    return name in MODULE_NAMES


MODULE_NAMES = {m for m, _ in MODULES}


def _edges(module: str, path: Path) -> set[str]:
    """Every kpicli module that importing `module` loads: each target, its parent packages, and the submodules
    named by `from package import submodule` (in functions and under TYPE_CHECKING too)."""
    found: set[str] = set()
    for target, names, _line in _imports(module, path):
        if not target.startswith("kpicli"):
            continue
        parts = target.split(".")
        found.update(".".join(parts[:i]) for i in range(2, len(parts) + 1))
        found.update(f"{target}.{n}" for n in names if _is_module(f"{target}.{n}"))
    return {m for m in found if _is_module(m) and m != module}


GRAPH = {module: _edges(module, path) for module, path in MODULES}


def _closure(module: str) -> set[str]:
    seen: set[str] = set()
    todo = [module]
    while todo:
        for nxt in GRAPH.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


@pytest.mark.parametrize("module", [m for m, _ in MODULES if _unit(m) in KIND_UNITS])
def test_a_kind_never_loads_another_kind_even_transitively(module: str):
    """Importing any module of a kind loads no module of another kind, through however many imports (the
    scorecard writer once loaded eight checklist modules through a shared render module)."""
    own = _unit(module)
    other = sorted(m for m in _closure(module) if _unit(m) in KIND_UNITS - {own})
    assert not other, f"{module} loads {', '.join(other)}"


def _mentions(tree: ast.AST) -> list[tuple[int, str]]:
    """Identifiers (names, attributes, arguments, definitions, keywords) and non-docstring string constants that
    name a kind: the ways code can branch on a kind without importing it."""
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    found = []
    for node in ast.walk(tree):
        text = None
        if isinstance(node, ast.Name):
            text = node.id
        elif isinstance(node, ast.Attribute):
            text = node.attr
        elif isinstance(node, ast.arg):
            text = node.arg
        elif isinstance(node, ast.keyword):
            text = node.arg
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            text = node.name
        elif isinstance(node, ast.alias):
            text = node.asname or node.name
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            text = node.value
        if text and any(kind in text.lower() for kind in KIND_UNITS):
            found.append((getattr(node, "lineno", 0), text))
    return found


@pytest.mark.parametrize(("module", "path"), MODULES, ids=[m for m, _ in MODULES])
def test_only_the_kinds_and_the_registry_name_a_kind(module: str, path: Path):
    """"Mentions a kind" is measured two ways. Everywhere outside the kind packages and the registry: no import
    of a kind package (any form, in a function or under TYPE_CHECKING too), and no identifier or string (docstrings
    and comments aside) naming a kind — the dispatching layers (api, cli) ask the registry, the shared layers below
    the kinds (core, io, rules, grading, payout, render) know none. The rules file kpicli.toml is one document for
    every kind, yet its layer names none of them either: a kind's own table ([scorecard]) is declared by the kind
    (Kind.rules_section) and handed down by the registry (kpicli.rules.sections)."""
    unit = _unit(module)
    if unit in KIND_UNITS or unit == REGISTRY:
        return
    wrong = [f"{path.name}:{line} imports {target}" for target, _names, line in _imports(module, path)
             if _unit(target) in KIND_UNITS]
    wrong += [f"{path.name}:{line} names a kind: {text!r}"
              for line, text in _mentions(_tree(path))]
    assert not wrong, "\n".join(wrong)


# --- no text outside a kind names it -----------------------------------------------------------------------------

# The words that name a kind, from the registry: its package name (checklist, scorecard), its label and its aliases
# (what a user calls it: 触点检查表, 检查表 …). A kind registered later brings its own.
def _kind_words(kind: registry.Kind) -> set[str]:
    return {word.lower() for word in (kind.name, kind.label, *kind.aliases)}


# Modules outside the kinds whose text may name a kind anyway, each with the reason.
NAMING_ALLOWED = {
    # Its module docstring documents the record kpicli writes into every output workbook: the values of the
    # record's `book` and `kind` keys are kinds' names and marks, i.e. data on disk that must keep its spelling.
    "kpicli.io.provenance": "documents the on-disk record, whose values are kinds' names",
}


def _naming(text: str, words: set[str]) -> list[tuple[int, str]]:
    """The lines (number, text) of a source file with any of the words, in code, strings, docstrings or comments."""
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.IGNORECASE)
    return [(number, line.strip()) for number, line in enumerate(text.splitlines(), 1) if pattern.search(line)]


@pytest.mark.parametrize(("module", "path"), MODULES, ids=[m for m, _ in MODULES])
def test_no_text_outside_a_kind_names_one(module: str, path: Path):
    """Issue 18's "no module outside the kind packages and the registry mentions a kind by name", read literally:
    no line of a shared module (code, message, help text, docstring or comment) holds a kind's name, label or
    alias; the help texts that list the kinds get them from the registry (kpicli.cli.kind_text). Inside a kind's
    package, no line names another kind (the kinds stand side by side and know nothing of each other), except
    where another kind's word is part of its own (触点检查表 holds 检查表)."""
    unit = _unit(module)
    if unit == REGISTRY or module in NAMING_ALLOWED:
        return
    own = next((_kind_words(k) for k in registry.KINDS if k.name == unit), set())
    words = {w for k in registry.KINDS for w in _kind_words(k) - own if not any(w in mine for mine in own)}
    found = _naming(path.read_text(encoding="utf-8"), words)
    whose = "another kind" if own else "a kind"
    assert not found, "\n".join(f"{path.name}:{n} names {whose}: {line}" for n, line in found)


def test_the_naming_check_sees_a_label_in_a_help_text_and_a_comment():
    """The check above can fail: a label in a help text, an alias in a comment, a package name in a docstring."""
    words = set().union(*(_kind_words(k) for k in registry.KINDS))
    label, alias = registry.KINDS[0].label, registry.KINDS[-1].aliases[0]
    source = (f'"""Reads a {registry.KINDS[-1].name}."""\nHELP = "读取{label}"\nx = 1  # {alias}的列\ny = 2\n')
    assert [n for n, _ in _naming(source, words)] == [1, 2, 3]
    assert NAMING_ALLOWED.keys() <= {m for m, _ in MODULES}  # an allowance outlives no module


def test_the_registry_lists_every_kind_package():
    """Each kind is named as its package; a package of kpicli no kind lives in is in no layer (a kind package
    not registered fails test_every_module_belongs_to_a_layer)."""
    assert {kind.name for kind in registry.KINDS} == KIND_UNITS
    for kind in registry.KINDS:  # the kind object lives in its own package's kind.py
        assert type(kind).__module__ == f"kpicli.{kind.name}.kind"


def test_the_checker_sees_a_kind_loaded_through_a_shared_module(tmp_path):
    """The transitive check can fail: a scorecard module importing a shared module that imports the checklist."""
    GRAPH["kpicli.render.__probe"] = {"kpicli.checklist.assessment"}
    GRAPH["kpicli.scorecard.__probe"] = {"kpicli.render.__probe"}
    try:
        assert "kpicli.checklist.assessment" in _closure("kpicli.scorecard.__probe")
    finally:
        del GRAPH["kpicli.render.__probe"], GRAPH["kpicli.scorecard.__probe"]
    mention = ast.parse('if result.kind == "scorecard":\n    pass\n')
    assert _mentions(mention) == [(1, "scorecard")]


# --- no import cycles between modules --------------------------------------------------------------------------------


def _typing_only(path: Path) -> set[int]:
    """The lines of imports under `if TYPE_CHECKING:`, which never run."""
    tree = _tree(path)
    return {node.lineno for block in _statements(tree)
            if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
            for statement in block.body for node in _statements(statement)
            if isinstance(node, (ast.Import, ast.ImportFrom))}


def _direct(module: str, path: Path) -> set[str]:
    """The kpicli modules `module`'s own code imports (in functions too; under TYPE_CHECKING not: a type named back
    is no import): `from pkg import sub` is an import of the submodule alone, and a module's parent packages, which
    Python loads first anyway, are no import of its code (so a package __init__ that imports its submodules makes no
    cycle with them)."""
    found: set[str] = set()
    typing_only = _typing_only(path)
    for target, names, line in _imports(module, path):
        if line in typing_only:
            continue
        subs = {f"{target}.{n}" for n in names if _is_module(f"{target}.{n}")}
        found |= subs
        if len(subs) < len(names) or not names:
            found.add(target)
    return {m for m in found if _is_module(m) and m != module}


DIRECT = {module: _direct(module, path) for module, path in MODULES}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return groups


def test_no_import_cycle_between_modules():
    """No module imports, through however many others, a module that imports it back — not even in a function:
    what two modules share lives in a third below both (io.opc for io.graft and io.provenance; checklist.handout's
    catalogue rows apart from checklist.result_record, which needs the assessment; checklist.annual_model for the
    year's modules), or the caller passes it in (annual.combine to annual_published)."""
    found = _cycles(DIRECT)
    assert not found, "\n".join(" ↔ ".join(group) for group in found)


def test_the_cycle_checker_finds_a_cycle_through_a_function_level_import(tmp_path: Path):
    probe = tmp_path / "opc.py"
    probe.write_text("def f():\n    from kpicli.io.graft import graft\n", encoding="utf-8")
    graph = {m: set(edges) for m, edges in DIRECT.items()}
    graph["kpicli.io.opc"] = _direct("kpicli.io.opc", probe)  # io.graft imports io.opc; now opc imports graft back
    assert graph["kpicli.io.opc"] == {"kpicli.io.graft"}
    assert any({"kpicli.io.graft", "kpicli.io.opc"} <= set(group) for group in _cycles(graph))


# --- one home for the shared result-book pieces ----------------------------------------------------------------------

ONE_HOME = {
    "kpicli.render.problems_sheet": "the problems sheet (问题清单) of every workbook",
    "kpicli.render.book": "writing a result workbook: grafted, or an openpyxl round trip on GraftUnsupported",
}


def _writes_a_problems_sheet(tree: ast.AST) -> bool:
    """A title 问题清单——… in a string or f-string: how a problems sheet is headed."""
    return any(isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("问题清单——")
               for node in ast.walk(tree))


@pytest.mark.parametrize(("module", "path"), MODULES, ids=[m for m, _ in MODULES])
def test_the_problems_sheet_and_the_result_write_have_one_home(module: str, path: Path):
    """No second 问题清单 writer, no second graft-then-fall-back (each kind once had its own, and they drifted)."""
    if module in ONE_HOME or module == "kpicli.io.graft":
        return
    tree = _tree(path)
    wrong = []
    if _writes_a_problems_sheet(tree):
        wrong.append(f"{path.name} heads a 问题清单 sheet: use kpicli.render.problems_sheet.write_problems")
    wrong += [f"{path.name}:{line} imports {names} from kpicli.io.graft: use kpicli.render.book.write_result_book"
              for target, names, line in _imports(module, path)
              if target == "kpicli.io.graft" and {"graft", "GraftUnsupported"} & set(names)]
    assert not wrong, "\n".join(wrong)


def test_the_one_home_check_sees_a_second_problems_writer():
    tree = ast.parse('title(ws, f"问题清单——{heading}", 4)\n')
    assert _writes_a_problems_sheet(tree)
    assert not _writes_a_problems_sheet(ast.parse('wb.create_sheet("问题清单")\n'))
