"""One name rule for projects and units (issue #11): matched by vocab.name_key, shown as the user typed them.

A workbook may spell one project two ways in two function sheets (星河湾（南区） and 星河湾(南区)): it is one
project, shown with the spelling of the first function sheet in workbook order. The 人员名单's units are matched
to the projects the same way and shown with the project's spelling, so every later join on the name string
(ranking, allocation, annual) joins on the key in effect.

Names that move money (issue 19) must be unambiguous:
- A group named like the city company (its key contains 城市公司, or contains 公司 together with 本部, 总部 or 机关:
  城市公司本部, 公司本部, 城市公司总部…) that is no project of the workbook's record nor a unit with a 项目总监 in
  the 人员名单 is the city company when it is the only such group of its sheet and the sheet has no 城市公司 group
  (a warning naming the header cell); otherwise it is an error. It is never ranked as a project.
- A project with a group in one function sheet only, while other function sheets are read, that is doubtful (no
  project of the record nor a unit of the 人员名单 when either names projects; without both, a name resembling a
  project the sheet lacks: 云栖府一期 beside 云栖府) is listed by `lone_projects` with its header cell and the
  spellings of the other sheets' projects that this sheet lacks; assessment makes it an error when the project
  would take a reward or penalty.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from kpicli.checklist.sheet_layout import find_layout
from kpicli.checklist.words import COMPANY_GROUP, DIRECTOR_ROLE, ROSTER_SHEET
from kpicli.core.errors import Problem
from kpicli.core.vocab import column_letter, name_key, normalize
from kpicli.io.workbook import Grid

UNIT_COLUMNS = ["sheet", "function", "group"]


def _units(items: pd.DataFrame) -> pd.DataFrame:
    """items[UNIT_COLUMNS].drop_duplicates(): the same rows, index and order, looked for only among the rows whose
    unit differs from the row before (a first occurrence always does, and a group's rows follow each other), so
    pandas hashes a few hundred rows instead of every item row."""
    frame = items[UNIT_COLUMNS]
    same = np.zeros(len(frame), dtype=bool)  # the same unit as the row before
    if len(frame) > 1:
        same[1:] = True
        for column in UNIT_COLUMNS:
            values = frame[column].to_numpy()
            same[1:] &= values[1:] == values[:-1]
    return frame[~same].drop_duplicates()


def unify_groups(items: pd.DataFrame, sheet_order: list[str], grids: dict[str, Grid]) -> tuple[pd.DataFrame,
                                                                                            list[Problem]]:
    """Give every group of one key one spelling: the first function sheet's, in workbook order.

    An info line names every other spelling and where it is written. `items` is the tidy frame of reader."""
    if items.empty:
        return items, []
    position = {name: i for i, name in enumerate(sheet_order)}
    pairs = _units(items)
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


COMPANY_WORDS = ("本部", "总部", "机关")


def looks_like_company(name: object) -> bool:
    """城市公司本部, 公司本部, 城市公司总部…: the documented rule of the module docstring (城市公司 itself excluded)."""
    key = name_key(name)
    if key == name_key(COMPANY_GROUP):
        return False
    return name_key(COMPANY_GROUP) in key or ("公司" in key and any(w in key for w in COMPANY_WORDS))


def company_lookalikes(items: pd.DataFrame, roster: pd.DataFrame, grids: dict[str, Grid],
                       record_projects: Callable[[], list[str]]) -> tuple[pd.DataFrame, list[Problem]]:
    """Groups named like the city company become 城市公司 when unambiguous (a warning), else an error each.
    record_projects: the projects kpicli handed out (read only when a group looks like the company)."""
    if items.empty:
        return items, []
    pairs = _units(items.loc[~items["is_company"].astype(bool), UNIT_COLUMNS])
    pairs = pairs[pairs["group"].map(looks_like_company)]
    if pairs.empty:
        return items, []
    projects = {name_key(p) for p in record_projects()}
    if not roster.empty:
        directors = roster[roster["role"].map(normalize) == normalize(DIRECTOR_ROLE)]
        projects |= {name_key(u) for u in directors["unit"]}
    pairs = pairs[~pairs["group"].map(name_key).isin(projects)]
    company_sheets = set(items.loc[items["is_company"].astype(bool), "sheet"])
    problems: list[Problem] = []
    items = items.copy()
    for sheet, rows in pairs.groupby("sheet", sort=False):
        for function, group in rows[["function", "group"]].itertuples(index=False):
            cell = _header_cell(grids, sheet, function, group)
            if sheet in company_sheets or len(rows) > 1:
                why = "本表已有「城市公司」列组" if sheet in company_sheets else "本表有不止一个这样的列组"
                problems.append(Problem(
                    "error", sheet, cell,
                    f"列组「{group}」的名称像城市公司，但{why}，无法确定它是城市公司还是项目；它会影响排名和奖惩，"
                    f"请把城市公司的列组表头改为「{COMPANY_GROUP}」；如果它是项目，请改用项目名称，"
                    "并在人员名单中填写它的项目总监", project=group, lead=True))
                continue
            mask = (items["sheet"] == sheet) & (items["group"] == group)
            items.loc[mask, "group"] = COMPANY_GROUP
            items.loc[mask, "is_company"] = True
            problems.append(Problem(
                "warning", sheet, cell,
                f"列组「{group}」不是发出的项目，人员名单中也没有它的项目总监，名称像城市公司：按「{COMPANY_GROUP}」计"
                f"（不参加项目排名和奖惩）；请把表头改为「{COMPANY_GROUP}」；如果它确是项目，请在人员名单中填写它的项目总监"))
    return items, problems


def lone_projects(items: pd.DataFrame, grids: dict[str, Grid], roster: pd.DataFrame,
                  record_projects: Callable[[], list[str]]) -> dict[str, tuple[str, str | None, list[str]]]:
    """{project: (sheet, header cell, spellings of the other sheets' projects this sheet lacks)} for every doubtful
    project with a group in one function sheet only while other function sheets have groups too. Doubtful: not a
    project of the record nor a unit of the 人员名单, and either the record or the roster names projects, or its
    name contains, or is contained in, a project the sheet lacks."""
    projects = _units(items.loc[~items["is_company"].astype(bool), UNIT_COLUMNS])
    sheets = list(pd.unique(projects["sheet"]))
    if len(sheets) < 2:
        return {}
    where = projects.groupby("group", sort=False)["sheet"].unique()
    candidates = [(g, found[0]) for g, found in where.items() if len(found) == 1]
    if not candidates:
        return {}
    known = {name_key(p) for p in record_projects()} | {name_key(u) for u in roster.get("unit", [])}
    known.discard(name_key(COMPANY_GROUP))
    lone = {}
    for group, sheet in candidates:
        here = set(projects.loc[projects["sheet"] == sheet, "group"])
        others = [g for g in pd.unique(projects.loc[projects["sheet"] != sheet, "group"]) if g not in here]
        if name_key(group) in known or not (known or any(_resembles(group, o) for o in others)):
            continue
        function = projects.loc[(projects["sheet"] == sheet) & (projects["group"] == group), "function"].iloc[0]
        lone[group] = (sheet, _header_cell(grids, sheet, function, group), others)
    return lone


def _resembles(a: str, b: str) -> bool:
    """云栖府一期 and 云栖府: one key contains the other."""
    a, b = name_key(a), name_key(b)
    return a in b or b in a
