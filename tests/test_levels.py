"""One problem-level table (issue #18): core.errors.LEVELS / LEVEL_NAMES order and name the levels in every
output — the terminal list, the 问题清单 sheet of both kinds' result workbooks."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from builders import run

from kpicli.core.errors import LEVEL_NAMES, LEVELS, Problem, by_level

SAMPLES = Path(__file__).resolve().parent.parent / "sample_workbooks"


def test_by_level_puts_errors_first_and_keeps_order_within_a_level():
    found = [Problem(level, None, None, f"{level}{i}") for i in range(2) for level in ("info", "warning", "error")]
    assert [p.message for p in by_level(found)] == ["error0", "error1", "warning0", "warning1", "info0", "info1"]
    assert list(LEVEL_NAMES) == list(LEVELS) and list(LEVEL_NAMES.values()) == ["错误", "警告", "提示"]


def _levels_in(lines: list[str]) -> list[str]:
    names = {f"[{name}]": name for name in LEVEL_NAMES.values()}
    return [names[word] for line in lines for word in names if line.strip().startswith(word)]


@pytest.mark.slow
def test_the_terminal_lists_levels_in_the_one_order_with_the_one_names():
    result = run("check", next(SAMPLES.glob("*/messy_*.xlsx")))
    shown = _levels_in(result.output.splitlines())
    order = [LEVEL_NAMES[level] for level in LEVELS]
    assert {"警告", "提示"} <= set(shown)
    assert shown == sorted(shown, key=order.index)


def _sheet_levels(sample: Path, out: Path) -> list[str]:
    assert run("score", sample, "-o", out).exit_code in (0, 1)
    ws = openpyxl.load_workbook(out)["问题清单"]
    return [row[0] for row in ws.iter_rows(values_only=True) if row and row[0] in LEVEL_NAMES.values()]


@pytest.mark.slow
def test_the_problem_sheets_of_both_kinds_use_the_one_names(tmp_path):
    """Both kinds name levels alike and list them in the one order (one problems-sheet writer, issue 18)."""
    order = [LEVEL_NAMES[level] for level in LEVELS]
    checklist = _sheet_levels(next(SAMPLES.glob("*/messy_*.xlsx")), tmp_path / "检查表结果.xlsx")
    assert {"警告", "提示"} <= set(checklist)
    assert checklist == sorted(checklist, key=order.index)
    scorecard = _sheet_levels(next(SAMPLES.glob("绩效考核表/2026Q1_*.xlsx")), tmp_path / "考核表结果.xlsx")
    assert scorecard and scorecard == sorted(scorecard, key=order.index)
