"""Personal KPI scorecards (绩效考核表 / 目标责任书): read, check, score, grade, rank (contract scorecard.md).

    from kpicli.io.workbook import read_workbook
    from kpicli.scorecard import score_books, score_workbook, workbook_kind
    workbook_kind(raw)                       # "scorecard" | "checklist" | None, by headers alone
    result = score_workbook(read_workbook(path))
    result = score_books([read_workbook(p) for p in paths])   # several files of one period: one group
    result.to_json()
"""

from __future__ import annotations

from .assess import score_book, score_workbook
from .book import ScorecardBook, read_book, sheet_kind
from .group import group_key, score_books
from .kind import WorkbookKind, workbook_kind
from .result import ScorecardResult
from .settings import DEFAULT_SETTINGS, ScorecardSettings

__all__ = ["DEFAULT_SETTINGS", "ScorecardBook", "ScorecardResult", "ScorecardSettings", "WorkbookKind", "group_key",
           "read_book", "score_book", "score_books", "score_workbook", "sheet_kind", "workbook_kind"]
