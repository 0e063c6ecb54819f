"""Which kind of workbook a file is (contract scorecard.md §2), told apart by headers alone.

    workbook_kind(raw) → "scorecard" | "checklist" | None

Every command calls this before it reads anything else, so it only looks at header cells: no rule, value or
person is parsed, and a checklist is recognised within its first rows.
"""

from __future__ import annotations

from typing import Literal

from kpicli.core.errors import DataError, Problem
from kpicli.core.vocab import INFO_SHEET, NAME_HEADER, normalize
from kpicli.io.workbook import Grid, RawWorkbook

from .layout import INDICATOR, header_field

SheetKind = Literal["scorecard", "checklist", "review", "info", "other"]
WorkbookKind = Literal["scorecard", "checklist"]
MAX_POINTS_HEADERS = frozenset({"weight", "standard"})
CHECKLIST_SEARCH_ROWS = 15  # the checklist reader looks for 触点名称 in as many rows
REVIEW_SHEET = "民主评议"
# Header names are short ('评价指标及指标值', '权重（%）'); longer text is an item or a note, never a header.
_LONGEST_HEADER = 16


def _row_fields(row: list[object]) -> set[str]:
    return {f for v in row if isinstance(v, str) and len(v) <= _LONGEST_HEADER and (f := header_field(v))}


def sheet_kind(grid: Grid) -> SheetKind:
    """A 考核指标 header row with 权重/标准分 → scorecard; 触点名称 in the first rows → checklist."""
    name = normalize(grid.name)
    if name == REVIEW_SHEET:
        return "review"
    if name == INFO_SHEET:
        return "info"
    for r, row in enumerate(grid.rows, start=grid.row0):
        fields = _row_fields(row)
        if INDICATOR in fields and fields & MAX_POINTS_HEADERS:
            return "scorecard"
        if r < CHECKLIST_SEARCH_ROWS and any(isinstance(v, str) and normalize(v) == NAME_HEADER for v in row):
            return "checklist"
    return "other"


def sheet_kinds(raw: RawWorkbook) -> dict[str, SheetKind]:
    """The kind of every sheet read, in workbook order."""
    return {name: sheet_kind(raw.grids[name]) for name in raw.sheet_names if name in raw.grids}


def mixed_kinds_problem(kinds: dict[str, SheetKind]) -> Problem | None:
    """The error for a workbook holding both kinds, naming the sheets of each; None when it holds one kind."""
    scorecards = [n for n, k in kinds.items() if k == "scorecard"]
    checklists = [n for n, k in kinds.items() if k == "checklist"]
    if not (scorecards and checklists):
        return None
    return Problem("error", None, None, f"工作簿同时含有绩效考核表（{'、'.join(scorecards)}）和触点检查表"
                   f"（{'、'.join(checklists)}）；请把两类表分成两个工作簿")


def workbook_kind(raw: RawWorkbook) -> WorkbookKind | None:
    """"scorecard", "checklist", or None when the workbook has sheets of neither kind.

    A workbook with both kinds raises DataError naming the sheets of each (and the file).
    """
    kinds = sheet_kinds(raw)
    problem = mixed_kinds_problem(kinds)
    if problem is not None:
        raise DataError(f"{raw.path.name}：{problem.message}", [Problem(problem.level, None, None, problem.message,
                                                                      file=raw.path.name)])
    found = set(kinds.values())
    if "scorecard" in found:
        return "scorecard"
    if "checklist" in found:
        return "checklist"
    return None


__all__ = ["SheetKind", "WorkbookKind", "mixed_kinds_problem", "sheet_kind", "sheet_kinds", "workbook_kind"]
