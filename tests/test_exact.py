"""One exact-number module (issue #18): half-up rounding and JSON numbers, checked against Decimal's own
ROUND_HALF_UP and against the JSON the commands print for both kinds."""

from __future__ import annotations

import ast
import json
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import kpicli
from kpicli.core.exact import cents_to_decimal, fraction_cents, half_up, json_number


@pytest.mark.parametrize(("value", "places", "expected"), [
    (Fraction(1, 8), 2, "0.13"), (Fraction(-1, 8), 2, "-0.13"), (Fraction(2675, 1000), 2, "2.68"),
    (Fraction(1, 3), 4, "0.3333"), (Fraction(2, 3), 0, "1"), (Fraction(5, 2), 0, "3"), (7, 2, "7.00"),
    (Fraction(1, 200000), 5, "0.00001"), (Fraction(-5, 2), 0, "-3"),
])
def test_half_up_is_schoolbook_rounding(value, places, expected):
    assert str(half_up(value, places)) == expected


@given(st.fractions(min_value=-10**6, max_value=10**6, max_denominator=10**7), st.integers(0, 6))
@pytest.mark.slow  # over 0.2 s of CPU (0.26 s measured)
def test_half_up_agrees_with_decimal_and_with_the_cents_fast_path(value, places):
    exact = Decimal(value.numerator) / Decimal(value.denominator)  # 28 digits: enough for these denominators
    expected = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if abs(exact - expected) * 10**places * 2 != 1:  # not a tie Decimal's division might have rounded
        assert half_up(value, places) == expected
    if value >= 0:
        assert cents_to_decimal(fraction_cents(value)) == half_up(value * 100, 2)


@pytest.mark.parametrize(("value", "as_int", "as_float"), [
    (None, None, None), (float("nan"), None, None), (True, None, None), ("90", None, None),
    (Fraction(90), 90, 90.0), (Fraction(1, 3), 0.333333, 0.333333), (Fraction(2, 3), 0.666667, 0.666667),
    (Decimal("90.00"), 90, 90.0), (Decimal("87.5"), 87.5, 87.5), (Decimal("-3000"), -3000, -3000.0),
    (3, 3, 3), (2.5, 2.5, 2.5),
])
def test_json_number(value, as_int, as_float):
    assert json_number(value) == as_int and type(json_number(value)) is type(as_int)
    assert json_number(value, whole_as_int=False) == as_float
    assert type(json_number(value, whole_as_int=False)) is type(as_float)
    json.dumps(json_number(value))


def _json_builders(tree: ast.Module) -> list[ast.FunctionDef]:
    """Every `to_json` (and `to_dict`) of a module and the module's functions it calls, directly or through each other."""
    functions = {node.name: node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
    todo = [f for name, f in functions.items() if name in ("to_json", "to_dict")]
    seen: dict[str, ast.FunctionDef] = {}
    while todo:
        function = todo.pop()
        if function.name in seen and seen[function.name] is function:
            continue
        seen[function.name] = function
        todo += [functions[call.func.id] for call in ast.walk(function)
                 if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id in functions]
    return list(seen.values())


@pytest.mark.slow  # parses every module of the package (0.85 s of CPU)
def test_json_numbers_are_made_by_json_number_only():
    """No result's to_json (or what it calls) turns a number into JSON by hand with float(): that is
    core.exact.json_number's one job, so every kind writes 90.0, 87.5 and 1/3 the same way."""
    root = Path(kpicli.__file__).parent
    found = []
    for path in sorted(root.rglob("*.py")):
        for function in _json_builders(ast.parse(path.read_text(encoding="utf-8"))):
            found += [f"{path.relative_to(root)}:{call.lineno} ({function.name})" for call in ast.walk(function)
                      if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "float"]
    assert found == []
    assert _json_builders(ast.parse("def to_json(x):\n    return h(x)\ndef h(x):\n    return float(x)\n"))[1].name == "h"
