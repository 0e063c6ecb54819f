"""The rules as kpicli records them in a workbook it writes (io.provenance), and the Rules back from that record.

A result workbook's record holds `rules`: {fingerprint, settings}, where settings is every field of the Rules as
plain JSON (numbers as the decimal text they were written as) and the fingerprint is a hash of that JSON. `annual`
scores each quarter with the rules recorded in it, so the year agrees with what was published even when the
kpicli.toml it was scored with is not beside the copies. `from_summary` rebuilds the Rules and checks the rebuilt
ones give the same fingerprint; a record it cannot rebuild exactly gives None (the caller then says so).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from decimal import Decimal, InvalidOperation
from typing import Any

from kpicli.rules.bands import Band, Grades
from kpicli.rules.model import Annual, Output, ProjectNames, Rewards, Rules, Scoring
from kpicli.rules.scorecard import ScorecardAnnual, ScorecardSettings


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def settings_of(rules: Rules) -> dict[str, Any]:
    """Every setting of the rules as plain JSON. [projects] (names, not grades or money) is left out while it is
    empty, so rules without aliases keep the fingerprint they had before the section existed."""
    settings = _plain(rules)
    if not rules.projects.aliases:
        settings.pop("projects", None)
    return settings


def fingerprint(settings: dict[str, Any]) -> str:
    text = json.dumps(settings, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def summary(rules: Rules) -> dict[str, Any]:
    """What a result workbook records of its rules: {fingerprint, settings}."""
    settings = settings_of(rules)
    return {"fingerprint": fingerprint(settings), "settings": settings}


def _grades(data: dict[str, Any]) -> Grades:
    return Grades(bands=[Band(grade=str(b["grade"]), min=Decimal(str(b["min"]))) for b in data["bands"]],
                  lowest=str(data["lowest"]))


def _decimals(data: dict[str, Any]) -> dict[str, Decimal]:
    return {str(k): Decimal(str(v)) for k, v in data.items()}


def _build(s: dict[str, Any]) -> Rules:
    sc_data = s["scoring"]
    scoring = Scoring(level_weights=_decimals(sc_data["level_weights"]),
                      partial_credit=Decimal(str(sc_data["partial_credit"])),
                      self_check_fallback=bool(sc_data["self_check_fallback"]), blank=sc_data["blank"],
                      project_aggregation=sc_data["project_aggregation"],
                      function_weights=_decimals(sc_data["function_weights"]))
    r = s["rewards"]
    rewards = Rewards(**{k: Decimal(str(r[k])) for k in ("reward_threshold", "reward_amount", "penalty_threshold",
                                                           "penalty_amount")}, ranking=r["ranking"])
    a = s["annual"]
    annual = Annual(cap_grade=None if a.get("cap_derived") else a["cap_grade"], consecutive=int(a["consecutive"]),
                    cumulative=int(a["cumulative"]))
    c = s["scorecard"]
    weights = c.get("reviewer_weights")
    scorecard = ScorecardSettings(
        reviewer_order=tuple(c["reviewer_order"]), reviewer_weights=_decimals(weights) if weights else None,
        use_computed=bool(c["use_computed"]), self_fallback=bool(c["self_fallback"]), red_line=c["red_line"],
        grades=None if c.get("grades_derived") else _grades(c["grades"]),
        coefficients=tuple((Decimal(str(low)), Decimal(str(k))) for low, k in c["coefficients"]),
        below_coefficient=Decimal(str(c["below_coefficient"])), pay_places=int(c["pay_places"]),
        annual=ScorecardAnnual(**{k: Decimal(str(v)) for k, v in c["annual"].items()}))
    aliases = (s.get("projects") or {}).get("aliases") or {}
    return Rules(scoring=scoring, grades=_grades(s["grades"]), rewards=rewards, annual=annual, scorecard=scorecard,
                 output=Output(**s.get("output", {})), projects=ProjectNames(aliases=dict(aliases)))


def from_summary(recorded: object) -> Rules | None:
    """The Rules a record's `rules` entry stands for, or None when it is missing, incomplete or does not rebuild
    to the fingerprint it was recorded with (a record from another kpicli version, say)."""
    if not isinstance(recorded, dict) or not isinstance(recorded.get("settings"), dict):
        return None
    try:
        rules = _build(recorded["settings"])
    except (KeyError, TypeError, ValueError, InvalidOperation, AttributeError):
        return None
    if summary(rules)["fingerprint"] != recorded.get("fingerprint"):
        return None
    return rules


__all__ = ["fingerprint", "from_summary", "settings_of", "summary"]
