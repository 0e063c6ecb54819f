"""Personal KPI scorecards (绩效考核表 / 目标责任书): read, check, score, grade, rank (contract scorecard.md).

    from kpicli.io.workbook import read_workbook
    from kpicli.scorecard import score_books, score_workbook
    result = score_workbook(read_workbook(path))
    result = score_books([read_workbook(p) for p in paths])   # several files of one period: one group
    result.to_json()

The names are loaded on first use (pandas comes with them): the kind registry imports kpicli.scorecard.kind
without paying for pandas at `kpicli --help`. Which kind a workbook is, is the registry's to say
(kpicli.kinds.detect); this package knows only its own headers (detect.header_row).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .assess import score_book, score_workbook
    from .book import ScorecardBook, read_book, sheet_kind
    from .group import group_key, score_books
    from .result import ScorecardResult
    from .settings import DEFAULT_SETTINGS, ScorecardSettings

# Imported on first use (PEP 562): the registry's detection needs detect.py alone (header_row), and a run on
# another kind's workbooks then never loads the scorecard's reader and scoring (0.1 s of a group-scale `rank`,
# measured in docs/performance.md).
_EXPORTS = {"ScorecardBook": "book", "read_book": "book", "sheet_kind": "book", "group_key": "group",
            "score_books": "group", "ScorecardResult": "result",
            "score_book": "assess", "score_workbook": "assess", "DEFAULT_SETTINGS": "settings",
            "ScorecardSettings": "settings"}

__all__ = ["DEFAULT_SETTINGS", "ScorecardBook", "ScorecardResult", "ScorecardSettings", "group_key", "read_book",
           "score_book", "score_books", "score_workbook", "sheet_kind"]


def __getattr__(name: str) -> object:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    globals()[name] = value
    return value
