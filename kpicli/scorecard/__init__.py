"""Personal KPI scorecards (绩效考核表 / 目标责任书): read, check, score, grade, rank (contract scorecard.md).

    from kpicli.io.workbook import read_workbook
    from kpicli.scorecard import score_books, score_workbook, workbook_kind
    workbook_kind(raw)                       # "scorecard" | "checklist" | None, by headers alone
    result = score_workbook(read_workbook(path))
    result = score_books([read_workbook(p) for p in paths])   # several files of one period: one group
    result.to_json()

The names are loaded on first use (pandas comes with them), so that the kind registry can import
kpicli.scorecard.kind without paying for pandas at `kpicli --help`.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "ScorecardBook": "book", "read_book": "book", "sheet_kind": "book",
    "group_key": "group", "score_books": "group",
    "WorkbookKind": "detect", "workbook_kind": "detect",
    "ScorecardResult": "result",
    "score_book": "assess", "score_workbook": "assess",
    "DEFAULT_SETTINGS": "settings", "ScorecardSettings": "settings",
}

__all__ = ["DEFAULT_SETTINGS", "ScorecardBook", "ScorecardResult", "ScorecardSettings", "WorkbookKind", "group_key",
           "read_book", "score_book", "score_books", "score_workbook", "sheet_kind", "workbook_kind"]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'kpicli.scorecard' has no attribute {name!r}")
    return getattr(importlib.import_module(f"kpicli.scorecard.{module}"), name)
