"""One quarter's assessment: read → validate → score → rank, as a single result object."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .errors import Problem
from .ranking import add_grades, add_rewards, role_scores
from .reader import Checklist, read_checklist
from .rules import Rules, resolve_rules
from .scoring import Scale, deviations, function_scores, project_scores, resolve_items, unit_scores
from .vocab import FUNCTION_SHEETS, FUNCTIONS
from .workbook import PendingRead, RawWorkbook


@dataclass
class Assessment:
    checklist: Checklist
    rules: Rules
    rules_source: str
    items: pd.DataFrame  # the tidy frame with counted value, credit, weight and exact integers
    scale: Scale
    units: pd.DataFrame
    functions: pd.DataFrame
    projects: pd.DataFrame
    roles: pd.DataFrame
    deviations: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)

    @property
    def company(self) -> str | None:
        return self.checklist.period.company

    @property
    def year(self) -> int | None:
        return self.checklist.period.year

    @property
    def quarter(self) -> int | None:
        return self.checklist.period.quarter

    @property
    def has_errors(self) -> bool:
        return any(p.level == "error" for p in self.problems)

    @property
    def period_label(self) -> str:
        if self.year and self.quarter:
            return f"{self.year}年第{self.quarter}季度"
        return "考核期未知"

    def to_dict(self) -> dict:
        """The machine-readable result of contract §5 (stable keys)."""
        return {
            "company": self.company,
            "year": self.year,
            "quarter": self.quarter,
            "functions": [_entry({"function": r.function}, r, ranked=True) for r in self.functions.itertuples()],
            "projects": [_entry({"project": r.project}, r, ranked=True) for r in self.projects.itertuples()],
            "units": [
                _entry({"function": r.function, "project": r.group}, r, ranked=False)
                for r in self.units[~self.units["is_company"]].itertuples()
            ],
            "problems": [p.to_dict() for p in self.problems],
        }


def _entry(head: dict, row: object, *, ranked: bool) -> dict:
    entry = {**head, "assessed": bool(row.assessed)}
    entry["score"] = float(row.score) if row.assessed else None
    entry["grade"] = row.grade if row.assessed else None
    if ranked:
        entry["rank"] = int(row.rank) if row.assessed else None
        entry["reward"] = int(row.reward) if row.reward == int(row.reward) else float(row.reward)
    return entry


def assess_checklist(checklist: Checklist, rules: Rules, rules_source: str = "内置默认规则") -> Assessment:
    """Score a checklist that has been read. Problems of the read are kept; errors do not stop scoring
    here (the caller decides), so `check` and `score` share one path."""
    projects = checklist.projects
    items, count_problems, scale = resolve_items(checklist.items, rules)
    units = add_grades(unit_scores(items, scale, projects), rules)
    functions, projects_table = add_rewards(function_scores(units, scale),
                                            project_scores(units, scale, rules, projects), rules)
    roles = role_scores(functions, projects_table, units[~units["is_company"]], checklist.roster)
    problems = list(checklist.problems) + count_problems + _missing_functions(checklist)
    if "奖惩分配表" in checklist.sheet_names:
        # scoring a result workbook again: the new result gets a fresh, empty allocation sheet
        problems.append(Problem("warning", "奖惩分配表", None, "输入中已有奖惩分配表,新结果会重新生成空白的分配表;"
                                "已填写的分配金额仍保存在输入文件中,请从中复制"))
    return Assessment(
        checklist=checklist, rules=rules, rules_source=rules_source, items=items, scale=scale, units=units,
        functions=functions, projects=projects_table, roles=roles, deviations=deviations(items, rules),
        problems=problems,
    )


def _missing_functions(checklist: Checklist) -> list[Problem]:
    return [
        Problem("info", None, None, f"没有「{FUNCTION_SHEETS[f]}」工作表:{f}职能本季不列入考核")
        for f in FUNCTIONS
        if f not in checklist.function_sheets
    ]


def assess(
    path: Path,
    *,
    rules: Rules | None = None,
    rules_path: Path | None = None,
    company: str | None = None,
    year: int | None = None,
    quarter: int | None = None,
    raw: RawWorkbook | PendingRead | None = None,
) -> Assessment:
    """Read and score one checklist workbook (the library entry point behind score, rank and check).

    `raw` is this workbook's sheets already read, or their read under way (sheets.start_reading); without it
    the workbook is read here."""
    path = Path(path)
    if rules is None:
        rules, source = resolve_rules(rules_path, path)
    else:
        source = "调用方提供"
    checklist = read_checklist(path, company=company, year=year, quarter=quarter, raw=raw)
    return assess_checklist(checklist, rules, source)
