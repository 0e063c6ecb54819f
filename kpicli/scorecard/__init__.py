"""Personal KPI scorecards (绩效考核表 / 目标责任书): read, check, score, grade, rank (contract scorecard.md).

    from kpicli.io.workbook import read_workbook
    from kpicli.scorecard import score_workbook
    result = score_workbook(read_workbook(path))
    result.to_json()
"""

from __future__ import annotations

from kpicli.io.workbook import RawWorkbook

from .book import ScorecardBook, read_book, sheet_kind
from .result import ScorecardResult
from .scoring import grade_people, score_items, sheet_totals
from .settings import DEFAULT_SETTINGS, ScorecardSettings


def score_workbook(raw: RawWorkbook, settings: ScorecardSettings = DEFAULT_SETTINGS) -> ScorecardResult:
    """Read every scorecard sheet of a workbook and score it; problems (errors included) are in the result."""
    book = read_book(raw)
    return score_book(book, settings)


def score_book(book: ScorecardBook, settings: ScorecardSettings = DEFAULT_SETTINGS) -> ScorecardResult:
    """Score what read_book read (several books of one group can be concatenated first)."""
    items, problems = score_items(book.indicators, settings)
    totals, sections, total_problems = sheet_totals(items, book)
    people = book.people.merge(totals, on="sheet", how="left")
    people["total"] = people["total"].astype(object).where(people["total"].notna(), None)
    people = grade_people(people, book.red_lines, settings)
    return ScorecardResult(indicators=items, people=people, sections=sections, red_lines=book.red_lines,
                           company=book.company, period=book.period,
                           problems=[*book.problems, *problems, *total_problems])


__all__ = ["DEFAULT_SETTINGS", "ScorecardBook", "ScorecardResult", "ScorecardSettings", "read_book", "score_book",
           "score_workbook", "sheet_kind"]
