"""A scorecard's own evidence in a workbook (contract scorecard.md §2), told by headers alone.

    header_row(grid) → the row of a scorecard header (考核指标 with 权重 or 标准分), or None

Every command asks this before it reads anything else, so it only looks at header cells: no rule, value or
person is parsed. Whose a sheet is when another kind's header is in it too is the registry's decision
(kpicli.kinds.owners), not this module's: it knows no other kind.
"""

from __future__ import annotations

from typing import Literal

from kpicli.core.vocab import INFO_SHEET, normalize
from kpicli.io.workbook import Grid, RawWorkbook

from .layout import INDICATOR, header_field

SheetKind = Literal["scorecard", "review", "info", "other"]
MAX_POINTS_HEADERS = frozenset({"weight", "standard"})
REVIEW_SHEET = "民主评议"
# Header names are short ('评价指标及指标值', '权重（%）'); longer text is an item or a note, never a header.
_LONGEST_HEADER = 16


def _row_fields(row: list[object]) -> set[str]:
    return {f for v in row if isinstance(v, str) and len(v) <= _LONGEST_HEADER and (f := header_field(v))}


def header_row(grid: Grid, limit: int | None = None) -> int | None:
    """The first row with a 考核指标 header and 权重/标准分 (rows before `limit` only, when given); None for a sheet
    without one, and for the 民主评议 and 基本信息 sheets, which are never a person's form."""
    if normalize(grid.name) in (REVIEW_SHEET, INFO_SHEET):
        return None
    for r, row in enumerate(grid.rows, start=grid.row0):
        if limit is not None and r >= limit:
            return None
        fields = _row_fields(row)
        if INDICATOR in fields and fields & MAX_POINTS_HEADERS:
            return r
    return None


def sheet_kind(grid: Grid) -> SheetKind:
    """The sheet as the scorecard sees it: a form ("scorecard": a header row, header_row), the 民主评议 sheet
    ("review"), the 基本信息 sheet with the company ("info"), or "other"."""
    name = normalize(grid.name)
    if name == REVIEW_SHEET:
        return "review"
    if name == INFO_SHEET:
        return "info"
    return "scorecard" if header_row(grid) is not None else "other"


def sheet_kinds(raw: RawWorkbook) -> dict[str, SheetKind]:
    """The kind of every sheet read, in workbook order."""
    return {name: sheet_kind(raw.grids[name]) for name in raw.sheet_names if name in raw.grids}


__all__ = ["SheetKind", "header_row", "sheet_kind", "sheet_kinds"]
