"""The year's result (AnnualResult) and the words of its tables: the quarters and what a quarter's status can be.

Below checklist.annual and the modules it calls (annual_names, annual_published), which share them without
importing annual itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import pandas as pd

from kpicli.checklist.assessment import Assessment
from kpicli.core.exact import json_number
from kpicli.core.vocab import normalize
from kpicli.rules.model import Rules

QUARTERS = (1, 2, 3, 4)
ASSESSED, NOT_ASSESSED, MISSING = "assessed", "not_assessed", "missing"
ABSENT = "absent"  # the quarter's checklist has no such project (or function group)
STATUS_LABELS = {NOT_ASSESSED: "不列入考核", MISSING: "缺少该季度", ABSENT: "未提交"}
# what each word means, said wherever they are shown (terminal and workbook)
STATUS_MEANINGS = {NOT_ASSESSED: "该季度没有可计分的触点", ABSENT: "该季度的检查表中没有此项目（没有提交或未汇总进来）",
                   MISSING: "没有该季度的工作簿"}


@dataclass
class AnnualResult:
    """Wide tables, one row per function / project / unit, with per quarter q: status_q, score_q, grade_q
    (and reward_q for functions and projects), then at_or_below, capped, reason, rewards."""

    kind: ClassVar[str] = "checklist"
    company: str | None
    year: int
    rules: Rules
    rules_source: str
    files: dict[int, Path]
    functions: pd.DataFrame
    projects: pd.DataFrame
    units: pd.DataFrame
    people: pd.DataFrame  # name, role, unit, function, quarter, basis, capped, reason
    has_roster: bool = False
    assessments: dict[int, Assessment] = field(default_factory=dict, repr=False)
    notes: list[str] = field(default_factory=list)  # published rules used, renamed projects, what differs now

    def key(self, project: object) -> str:
        """A project's key across the year's spellings (the [projects] aliases of the rules, then normalize)."""
        return normalize(self.rules.projects.canonical(str(project)))

    @property
    def missing_quarters(self) -> list[int]:
        return [q for q in QUARTERS if q not in self.files]

    @property
    def cap_grade(self) -> str:
        return self.rules.annual.cap_grade

    def to_json(self) -> dict:
        """The machine-readable year (stable keys; quarter entries null when the workbook is missing)."""
        return {
            "company": self.company,
            "year": self.year,
            "files": {str(q): p.name for q, p in sorted(self.files.items())},
            "rules": {str(q): _rules_label(a) for q, a in sorted(self.assessments.items())},
            "notes": list(self.notes),
            "functions": [_entry({"function": r["function"]}, r, rewarded=True) for _, r in self.functions.iterrows()],
            "projects": [_entry({"project": r["project"]}, r, rewarded=True) for _, r in self.projects.iterrows()],
            "units": [_entry({"function": r["function"], "project": r["project"]}, r, rewarded=False)
                      for _, r in self.units.iterrows()],
            "people": [
                {"name": p.name, "role": p.role, "unit": p.unit,
                 "function": p.function if isinstance(p.function, str) else None, "capped": bool(p.capped),
                 "reason": p.reason}
                for p in self.people.itertuples(index=False)
            ],
        }


def _rules_label(a: Assessment) -> str:
    return a.rules_source


def _entry(head: dict, row: pd.Series, *, rewarded: bool) -> dict:
    quarters: dict[str, dict | None] = {}
    for q in QUARTERS:
        status = row[f"status_{q}"]
        if status == MISSING:
            quarters[str(q)] = None
            continue
        entry = {"assessed": status == ASSESSED,
                 "score": json_number(row[f"score_{q}"], whole_as_int=False) if status == ASSESSED else None,
                 "grade": row[f"grade_{q}"] if status == ASSESSED else None}
        if rewarded:
            entry["reward"] = json_number(row[f"reward_{q}"])
        quarters[str(q)] = entry
    return {**head, "quarters": quarters, "at_or_below": int(row["at_or_below"]), "capped": bool(row["capped"]),
            "reason": row["reason"], "rewards": json_number(row["rewards"])}
