"""One name rule for projects and units (issue #11): matched by vocab.name_key, shown as the user typed them.

A workbook may spell one project two ways in two function sheets (星河湾（南区） and 星河湾(南区)): it is one
project, shown with the spelling of the first function sheet in workbook order. The 人员名单's units are matched
to the projects the same way and shown with the project's spelling, so every later join on the name string
(ranking, allocation, annual) joins on the key in effect.
"""

from __future__ import annotations

import pandas as pd

from kpicli.checklist.function_sheet import find_layout
from kpicli.core.errors import Problem
from kpicli.core.vocab import COMPANY_GROUP, ROSTER_SHEET, column_letter, name_key, normalize
from kpicli.io.workbook import Grid


def unify_groups(items: pd.DataFrame, sheet_order: list[str], grids: dict[str, Grid]) -> tuple[pd.DataFrame,
                                                                                            list[Problem]]:
    """Give every group of one key one spelling: the first function sheet's, in workbook order.

    An info line names every other spelling and where it is written. `items` is the tidy frame of reader."""
    if items.empty:
        return items, []
    position = {name: i for i, name in enumerate(sheet_order)}
    pairs = items[["sheet", "function", "group"]].drop_duplicates()
    pairs = pairs.assign(_pos=pairs["sheet"].map(position).fillna(len(position)), _key=pairs["group"].map(name_key))
    pairs = pairs.sort_values("_pos", kind="stable")
    chosen: dict[str, str] = {}
    for key, group in zip(pairs["_key"], pairs["group"]):
        chosen.setdefault(key, group)
    differing = pairs[[chosen[k] != g for k, g in zip(pairs["_key"], pairs["group"])]]
    if differing.empty:
        return items, []
    problems = []
    first_sheet = {}
    for key, sheet, function in zip(pairs["_key"], pairs["sheet"], pairs["function"]):
        first_sheet.setdefault(key, (sheet, function))
    for sheet, function, group, key in differing[["sheet", "function", "group", "_key"]].itertuples(index=False):
        shown, (sheet0, function0) = chosen[key], first_sheet[key]
        where0 = _header_cell(grids, sheet0, function0, shown) or ""
        kind = "列组" if key == name_key(COMPANY_GROUP) else "项目"
        problems.append(Problem(
            "info", sheet, _header_cell(grids, sheet, function, group),
            f"本表的{kind}「{group}」与「{sheet0}」{where0}的「{shown}」只差空格或全角/半角，按同一{kind}计，"
            f"报表中显示为「{shown}」；如果不是同一{kind}，请改名"))
    items = items.copy()
    items["group"] = items["group"].map({g: chosen[name_key(g)] for g in pairs["group"]})
    return items, problems


def _header_cell(grids: dict[str, Grid], sheet: str, function: str, group: str) -> str | None:
    """'H3': the header cell of a group, found again (only for the rare message above)."""
    grid = grids.get(sheet)
    layout = find_layout(grid, function)[0] if grid is not None else None
    if layout is None:
        return None
    for g in layout.groups:
        if g.name == group:
            return f"{column_letter(g.header_col)}{layout.header_row + 1}"
    return None


def unify_roster(roster: pd.DataFrame, projects: list[str]) -> pd.DataFrame:
    """The roster with each unit spelled as its project (or 城市公司) when the keys match; others as typed."""
    if roster.empty:
        return roster
    spelling = {name_key(p): p for p in projects}
    spelling[name_key(COMPANY_GROUP)] = COMPANY_GROUP
    roster = roster.copy()
    roster["unit"] = roster["unit"].map(lambda u: spelling.get(name_key(u), u))
    return roster


def roster_problems(roster: pd.DataFrame, projects: list[str], sheet_names: list[str]) -> list[Problem]:
    """A warning for each roster row whose unit is neither 城市公司 nor a project of the checklist."""
    if roster.empty:
        return []
    sheet = next((n for n in sheet_names if normalize(n) == ROSTER_SHEET), ROSTER_SHEET)
    known = {name_key(COMPANY_GROUP), *(name_key(p) for p in projects)}
    shown = "、".join(projects) or "（无）"
    problems = []
    for unit, person, cell in roster[["unit", "name", "unit_cell"]].itertuples(index=False):
        if name_key(unit) in known:
            continue
        problems.append(Problem(
            "warning", sheet, cell if isinstance(cell, str) else None,
            f"人员名单中的单位「{unit}」（{person}）既不是城市公司，也不是检查表中的项目（{shown}）；"
            "此人不会得到岗位得分，请把单位改成检查表中的项目名称"))
    return problems
