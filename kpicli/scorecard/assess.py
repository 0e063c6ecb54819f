"""Scoring a workbook of scorecards: read it, score every item, total, grade, rank (contract scorecard.md §3–§4)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from kpicli.io.workbook import RawWorkbook

from .book import ScorecardBook, read_book
from .result import ScorecardResult
from .scoring import EMPTY_FORM, grade_people, score_items, sheet_totals
from .settings import DEFAULT_SETTINGS, ScorecardSettings

if TYPE_CHECKING:
    from .indicators import IndicatorSet

__all__ = ["score_book", "score_workbook"]


def score_workbook(raw: RawWorkbook, settings: ScorecardSettings = DEFAULT_SETTINGS,
                   sets: Sequence[IndicatorSet] = ()) -> ScorecardResult:
    """Read every scorecard sheet of a workbook and score it; problems (errors included) are in the result.
    sets: indicator sets given with --indicators (the forms are checked against them instead of the record)."""
    book = read_book(raw, sets=sets, settings=settings)
    return score_book(book, settings)


def score_book(book: ScorecardBook, settings: ScorecardSettings = DEFAULT_SETTINGS) -> ScorecardResult:
    """Score what read_book read (group.score_books concatenates several books first)."""
    items, problems = score_items(book.indicators, settings)
    totals, sections, total_problems = sheet_totals(items, book)
    people = book.people.merge(totals, on="sheet", how="left")
    people["total"] = people["total"].astype(object).where(people["total"].notna(), None)
    people = grade_people(people, book.red_lines, settings)
    # A form nobody has filled yet gets one line, 表格尚未填写, not a 未评分 warning per item
    blank = {p.sheet for p in total_problems if p.level == "error" and p.message.startswith(EMPTY_FORM)}
    found = [p for p in [*book.problems, *problems] if p.level == "error" or p.sheet not in blank]
    return ScorecardResult(indicators=items, people=people, sections=sections, red_lines=book.red_lines,
                           company=book.company, period=book.period,
                           problems=[*found, *total_problems], settings=settings, absent=book.absent,
                           handed_out=book.handed_out)
