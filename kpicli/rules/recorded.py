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
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from kpicli.rules.bands import Band, Grades
from kpicli.rules.model import Annual, Output, ProjectNames, Rewards, Rules, Scoring
from kpicli.rules.sections import RulesSection, checked


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
    """Every setting of the rules as plain JSON, each kind's section under its table name beside the shared tables
    (where the one kind with a section stood before sections were declared by the kinds, so fingerprints stay).
    [projects] (names, not grades or money) is left out while it is empty, so rules without aliases keep the
    fingerprint they had before the section existed."""
    settings: dict[str, Any] = {}
    for f in dataclasses.fields(rules):
        if f.name == "sections":
            settings.update({name: _plain(value) for name, value in rules.sections.items()})
        else:
            settings[f.name] = _plain(getattr(rules, f.name))
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


def grades_from_record(data: Mapping[str, Any]) -> Grades:
    """Grade bands back from their recorded JSON."""
    return Grades(bands=[Band(grade=str(b["grade"]), min=Decimal(str(b["min"]))) for b in data["bands"]],
                  lowest=str(data["lowest"]))


def decimals_from_record(data: Mapping[str, Any]) -> dict[str, Decimal]:
    """A table of numbers back from its recorded JSON (numbers written as their decimal text)."""
    return {str(k): Decimal(str(v)) for k, v in data.items()}


def _build(s: dict[str, Any], sections: tuple[RulesSection, ...]) -> Rules:
    sc_data = s["scoring"]
    scoring = Scoring(level_weights=decimals_from_record(sc_data["level_weights"]),
                      partial_credit=Decimal(str(sc_data["partial_credit"])),
                      self_check_fallback=bool(sc_data["self_check_fallback"]), blank=sc_data["blank"],
                      project_aggregation=sc_data["project_aggregation"],
                      function_weights=decimals_from_record(sc_data["function_weights"]))
    r = s["rewards"]
    rewards = Rewards(**{k: Decimal(str(r[k])) for k in ("reward_threshold", "reward_amount", "penalty_threshold",
                                                           "penalty_amount")}, ranking=r["ranking"])
    a = s["annual"]
    annual = Annual(cap_grade=None if a.get("cap_derived") else a["cap_grade"], consecutive=int(a["consecutive"]),
                    cumulative=int(a["cumulative"]))
    aliases = (s.get("projects") or {}).get("aliases") or {}
    return Rules(scoring=scoring, grades=grades_from_record(s["grades"]), rewards=rewards, annual=annual,
                 sections={section.name: section.from_record(s[section.name]) for section in sections},
                 output=Output(**s.get("output", {})), projects=ProjectNames(aliases=dict(aliases)))


def from_summary(recorded: object, sections: Iterable[RulesSection] = ()) -> Rules | None:
    """The Rules a record's `rules` entry stands for, or None when it is missing, incomplete or does not rebuild
    to the fingerprint it was recorded with (a record from another kpicli version, say). sections: the kinds'
    sections (kpicli.kinds.rule_sections()), each rebuilt by its from_record; a recorded section none of them
    declares makes the fingerprint differ, so such a record gives None."""
    declared = checked(sections)
    if not isinstance(recorded, dict) or not isinstance(recorded.get("settings"), dict):
        return None
    try:
        rules = _build(recorded["settings"], declared)
    except (KeyError, TypeError, ValueError, InvalidOperation, AttributeError):
        return None
    if summary(rules)["fingerprint"] != recorded.get("fingerprint"):
        return None
    return rules


__all__ = ["decimals_from_record", "fingerprint", "from_summary", "grades_from_record", "settings_of", "summary"]
