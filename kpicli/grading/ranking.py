"""Grades and competition ranks, the same for every kind of workbook: a score against grade bands, and 1, 1, 3 ….

Everything here uses the rounded score (whole cents), so what people see is what counts. What a rank earns
(rewards, penalties, who shares them) is each kind's own policy, in its package.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from kpicli.rules.bands import Grades


def grade_of(score: Decimal | None, grades: Grades) -> str | None:
    """The grade of the first band whose minimum the score reaches, else the lowest grade; None without a score."""
    if score is None:
        return None
    for band in grades.bands:
        if score >= band.min:
            return band.grade
    return grades.lowest


def competition_rank(cents: pd.Series) -> pd.Series:
    """1, 1, 3 … highest first; <NA> for units not assessed."""
    return cents.astype("Float64").rank(method="min", ascending=False).astype("Int64")
