"""The result of scoring a workbook of scorecards, and its machine-readable form (contract §5)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import ClassVar

import pandas as pd

from kpicli.core.errors import Problem
from kpicli.core.exact import half_up, json_number

from .apply import actual_text
from .settings import DEFAULT_SETTINGS, REVIEWER_NAMES, ScorecardSettings


@dataclass
class ScorecardResult:
    """Everything `score_workbook` found: the scored indicator frame, people, sections, red lines and problems.

    indicators: the tidy frame (one row per person × indicator) plus computed / score / basis.
    people: one row per scorecard sheet plus total (exact), score (rounded Decimal), grade, coefficient,
    bonus, rank, department_rank, red_lines. sections: per person and section, score and weight.
    """

    indicators: pd.DataFrame
    people: pd.DataFrame
    sections: pd.DataFrame
    red_lines: pd.DataFrame
    company: str | None = None
    period: str | None = None
    problems: list[Problem] = field(default_factory=list)
    settings: ScorecardSettings = DEFAULT_SETTINGS  # what it was scored with: the result workbook and explain show it
    # people not assessed this period (考核状态 不参加考核): sheet, person, department, period, reason, cell
    absent: pd.DataFrame | None = None
    # the record of the forms' indicator sets as checked (one file; scorecard.handout), carried into the result
    handed_out: dict | None = None

    kind: ClassVar[str] = "scorecard"

    @property
    def period_label(self) -> str:
        return self.period or "考核期间未填写"

    @property
    def has_errors(self) -> bool:
        return any(p.level == "error" for p in self.problems)

    def _sections_by_sheet(self) -> dict[object, list[dict[str, object]]]:
        """Each sheet's sections, in one pass (one filter per person is slow for a department)."""
        found: dict[object, list[dict[str, object]]] = {}
        for sheet, s, w, v in zip(self.sections["sheet"], self.sections["section"], self.sections["weight"],
                                  self.sections["score"]):
            found.setdefault(sheet, []).append(_section(s, w, v))
        return found

    def to_json(self) -> dict[str, object]:
        """The §5 object: kind, company, period, people, problems (numbers as JSON numbers, null when absent)."""
        people = []
        sections = self._sections_by_sheet()
        for p in self.people.to_dict("records"):
            people.append({
                "name": p["person"], "department": p["department"], "position": p["position"], "sheet": p["sheet"],
                "sections": list(sections.get(p["sheet"], [])),
                "score": _float(p["score"]), "grade": p["grade"], "coefficient": _float(p["coefficient"]),
                "base": json_number(p["base"]), "bonus": _float(p["bonus"]),
                "rank": _int(p["rank"]), "department_rank": _int(p["department_rank"]),
                "red_lines": list(p["red_lines"]),
            })
        return {"kind": "scorecard", "company": self.company, "period": self.period, "people": people,
                "problems": [p.to_dict() for p in self.problems]}


# What the terminal and the result workbook both show, here rather than in render/scorecard_book so that `rank`
# (terminal only) does not import openpyxl.
def ranked_people(result: ScorecardResult) -> pd.DataFrame:
    """People in rank order (unscored people last), ties in sheet order."""
    people = result.people.reset_index(drop=True)
    order = people["rank"].astype("Float64").fillna(math.inf).astype(float)
    return people.assign(_order=order).sort_values("_order", kind="stable").drop(columns="_order")


def ordered_items(result: ScorecardResult, people: pd.DataFrame) -> pd.DataFrame:
    """The indicator rows, people in rank order, rows in sheet order."""
    position = {s: i for i, s in enumerate(people["sheet"])}
    items = result.indicators
    return items.assign(_p=items["sheet"].map(position)).sort_values(["_p", "row"], kind="stable")


def differences(result: ScorecardResult, people: pd.DataFrame | None = None) -> list[dict[str, object]]:
    """Every 上级评分 / 二级评分 that differs from the score the row's 计分方式 computes."""
    found = []
    items = ordered_items(result, ranked_people(result) if people is None else people)
    for t in items.itertuples(index=False):
        if t.computed is None:
            continue
        for key in ("reviewer1", "reviewer2"):
            given = getattr(t, key)
            if given is not None and given != t.computed:
                found.append({"department": t.department, "person": t.person, "indicator": t.indicator,
                              "actual": actual_text(t.rule, t.actual), "actual_cell": _where(t.sheet, t.actual_cell),
                              "computed": t.computed, "reviewer": REVIEWER_NAMES[key], "points": given,
                              "counted": t.basis == REVIEWER_NAMES[key],
                              "cell": _where(t.sheet, getattr(t, f"{key}_cell"))})
    return found


def _where(sheet: object, cell: object) -> str:
    return f"{sheet}!{cell}" if cell else str(sheet or "")


def _section(section: object, weight: object, score: object) -> dict[str, object]:
    return {"section": section, "weight": json_number(weight),
            "score": _float(None if score is None else half_up(score, 2))}


def _float(value: object) -> int | float | None:
    """A score, coefficient or bonus: a float even when whole (90.0), as the contract's examples show."""
    return json_number(value, whole_as_int=False)


def _int(value: object) -> int | None:
    return None if value is None or pd.isna(value) else int(value)
