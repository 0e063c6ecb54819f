"""A 人员名单 from a file, for `kpicli template --roster`: read it, and say which units a template lacks."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kpicli.checklist.meta import read_roster
from kpicli.core.errors import KpiError
from kpicli.core.vocab import COMPANY_GROUP, ROSTER_SHEET, name_key, normalize
from kpicli.io.workbook import read_workbook


def load_roster(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """The roster of a workbook: its 人员名单 sheet, else the first sheet with 单位/职能/姓名 headers.
    Returns (roster, warnings about skipped rows); KpiError (exit 2) when there is none."""
    path = Path(path)
    raw = read_workbook(path)
    named = [n for n in raw.sheet_names if normalize(n) == ROSTER_SHEET and n in raw.grids]
    others = [n for n in raw.sheet_names if n not in named and n in raw.grids]
    for name in named + others:
        roster, problems = read_roster(raw.grids[name])
        if roster.empty and any(p.cell is None for p in problems):
            continue  # no 单位/职能/姓名 header on this sheet
        if roster.empty:
            raise KpiError(f"{path.name} 的「{name}」表没有任何人员（每行需填写 单位、职能、姓名）")
        warnings = [f"{name}!{p.cell}：{p.message}" if p.cell else p.message for p in problems]
        return roster, warnings
    raise KpiError(f"在 {path.name} 中没有找到人员名单：需要一张名为「{ROSTER_SHEET}」的工作表，"
                   "或一张表头含 单位、职能、姓名 的工作表")


def unknown_units(roster: pd.DataFrame, projects: list[str]) -> list[str]:
    """Roster units that are neither 城市公司 nor one of the projects (compared by name_key), in order."""
    known = {name_key(COMPANY_GROUP), *(name_key(p) for p in projects)}
    return list(dict.fromkeys(u for u in roster["unit"] if name_key(u) not in known))
