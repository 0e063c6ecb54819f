"""What a checklist result records besides the handed-out rows (checklist.handout): the rules it was scored with and
the teams with money to share, for result workbooks and the allocation files of `score --per-team`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kpicli.checklist.handout import BOOK
from kpicli.checklist.payout import teams_of
from kpicli.payout.model import team_to_dict


def result_record(assessment: Any, handed_out: dict[str, Any] | None) -> dict[str, Any]:
    """A result workbook's record: the period, projects and rules it was scored with, and the catalogue rows of the
    workbook it was scored from (so a result given back as input is still checked against what was handed out)."""
    checklist = assessment.checklist
    period = checklist.period
    record: dict[str, Any] = {
        "book": BOOK,
        "period": {"year": period.year, "quarter": period.quarter},
        "company": assessment.company or "",
        "projects": list(checklist.projects),
        "rules": rules_summary(assessment.rules),
        "teams": teams_record(assessment),
    }
    if handed_out and handed_out.get("catalog"):
        record["catalog"] = handed_out["catalog"]
        record["handed_out"] = {k: handed_out.get(k) for k in ("kind", "version", "period", "projects")}
    return record


def teams_record(assessment: Any) -> list[dict[str, Any]]:
    """The teams with money to share, as published in the result (payout checks the 奖惩分配表 against them)."""
    return [team_to_dict(t) for t in teams_of(assessment)]


def handout_record(assessment: Any, team: Any, teams: Sequence[Any], source: str) -> dict[str, Any]:
    """An allocation file's record (score --per-team): the team handed out, every team of the period (so that the
    returned files alone tell which teams are missing), and the result it came from."""
    period = assessment.checklist.period
    return {"book": BOOK, "period": {"year": period.year, "quarter": period.quarter},
            "company": assessment.company or "", "source": source, "team": team_to_dict(team),
            "period_teams": [team_to_dict(t) for t in teams]}


def rules_summary(rules: Any) -> dict[str, Any]:
    """The rules' fingerprint and the settings that decide grades and money, as plain JSON (rules.recorded)."""
    from kpicli.rules.recorded import summary

    return summary(rules)
