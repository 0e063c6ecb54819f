"""One scorecard sheet as the reader builds it: its person, items, red lines, sections and problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from kpicli.core.errors import Problem
from kpicli.core.vocab import column_letter
from kpicli.io.numfmt import NumberShape

from .layout import Title
from .values import Amount

letter = lru_cache(maxsize=1024)(column_letter)


def cell_ref(r: int, c: int) -> str:
    """A zero-based (row, column) as Excel names it: (8, 1) → B9."""
    return f"{letter(c)}{r + 1}"


@dataclass
class Section:
    index: int
    title: Title
    cell: str | None
    row_value: Amount | None = None  # the 权重 written on a numbered section row (一 | 经营指标 | 60): decided later


@dataclass
class SheetRead:
    """One scorecard sheet as read: its person, items, red-line items, sections and problems."""

    sheet: str
    person: dict[str, object] = field(default_factory=dict)
    items: list[dict[str, object]] = field(default_factory=list)
    red_lines: list[dict[str, object]] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    layout: str | None = None  # 权重 or 标准分
    typed_totals: list[tuple[int, Amount, str]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    hidden: bool = False
    shapes: dict[tuple[int, int], NumberShape] = field(default_factory=dict)  # number formats of the cells

    def problem(self, level: str, cell: str | None, message: str) -> None:
        self.problems.append(Problem(level, self.sheet, cell, message))  # type: ignore[arg-type]


__all__ = ["Section", "SheetRead", "cell_ref", "letter"]
