"""Read a checklist workbook: every function sheet into one tidy frame, plus period, roster and problems."""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from kpicli.checklist.function_sheet import empty_items, parse_sheet
from kpicli.checklist.meta import ROSTER_COLUMNS, PeriodInfo, read_info, read_roster
from kpicli.checklist.names import company_lookalikes, lone_projects, unify_groups, unify_roster
from kpicli.checklist.which_sheets import UNHIDE, classify_sheets, read_checklist_sheets
from kpicli.checklist.words import FUNCTION_SHEETS, ROSTER_SHEET
from kpicli.core.errors import InputError, Problem
from kpicli.core.period import find_period, label_of, quarter_label
from kpicli.core.vocab import FUNCTIONS, INFO_SHEET, normalize
from kpicli.io.workbook import PendingRead, RawWorkbook


@dataclass
class Checklist:
    path: Path
    sheet_names: list[str]
    function_sheets: dict[str, str]
    items: pd.DataFrame
    period: PeriodInfo
    roster: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    # projects with a group in one function sheet only: {project: (sheet, header cell, other sheets' spellings)}
    lone: dict[str, tuple[str, str | None, list[str]]] = field(default_factory=dict)

    @property
    def has_errors(self) -> bool:
        return any(p.level == "error" for p in self.problems)

    @property
    def projects(self) -> list[str]:
        """Project groups in order of first appearance (城市公司 excluded)."""
        company = self.items["is_company"].to_numpy(dtype=bool)
        return list(pd.unique(self.items["group"].to_numpy()[~company]))


def read_checklist(
    path: Path,
    *,
    company: str | None = None,
    year: int | None = None,
    quarter: int | None = None,
    raw: RawWorkbook | PendingRead | None = None,
) -> Checklist:
    """The whole workbook as one tidy item frame. InputError when it is no checklist at all.

    `raw` is this workbook's sheets when they have been read already, or their read under way
    (kpicli.api.read.start_read); without it they are read here."""
    path = Path(path)
    if isinstance(raw, PendingRead):
        raw = raw.result()
    elif raw is None:
        raw = read_checklist_sheets(path)
    function_sheets, problems = classify_sheets(raw.sheet_names, raw.hidden_sheets, raw.grids)
    problems += [Problem("info", name, None, f"工作表「{name}」的使用范围太大（远处的单元格留有内容或格式），"
                         "它不是检查表的工作表，已跳过，不影响评分") for name in raw.skipped_large]
    if not function_sheets:
        shown = raw.sheet_names[:20]
        found = "、".join(shown) + (f" 等共 {len(raw.sheet_names)} 张" if len(raw.sheet_names) > 20 else "") or "（无）"
        expected = "、".join(FUNCTION_SHEETS[f] for f in FUNCTIONS)
        raise InputError(f"{path.name} 不是客户触点分级管理检查表：没有任何职能工作表。\n"
                         f"  找到的工作表：{found}\n  应有的工作表（名称含职能即可）：{expected}")
    frames = []
    for function in FUNCTIONS:
        if function in function_sheets:
            frame, sheet_problems = parse_sheet(raw.grids[function_sheets[function]], function)
            frames.append(frame)
            problems += sheet_problems
    items = pd.concat(frames, ignore_index=True) if frames else empty_items()
    items, name_problems = unify_groups(items, raw.sheet_names, raw.grids)  # one spelling per project, first
    problems += name_problems
    at = len(problems)
    period, roster = PeriodInfo(), pd.DataFrame(columns=ROSTER_COLUMNS)
    for name, grid in raw.grids.items():
        if normalize(name) == INFO_SHEET:
            period, info_problems = read_info(grid)
            problems += info_problems
        elif normalize(name) == ROSTER_SHEET:
            roster, roster_problems = read_roster(grid.dense(), grid.name)
            problems += roster_problems
    record_projects = functools.cache(lambda: _record_projects(path))  # read only when a name is in doubt
    items, company_problems = company_lookalikes(items, roster, raw.grids, record_projects)
    problems[at:at] = company_problems + missing_groups(items, function_sheets)
    roster = unify_roster(roster, list(pd.unique(items["group"])))
    problems += _apply_period_options(period, path, company, year, quarter)
    problems = _say_hidden(problems, raw.hidden_sheets)
    return Checklist(path=path, sheet_names=raw.sheet_names, function_sheets=function_sheets, items=items,
                     period=period, roster=roster, problems=problems, lone=lone_projects(items, raw.grids, roster, record_projects))


def _record_projects(path: Path) -> list[str]:
    """The projects kpicli handed out in this workbook (its record), [] without one."""
    from kpicli.io.provenance import read

    record = read(path)
    projects = record.get("projects") if record is not None else None
    return [str(p) for p in projects] if isinstance(projects, list) else []


_LABELS = {"company": "公司名称", "year": "年度", "quarter": "季度"}


def missing_groups(items: pd.DataFrame, function_sheets: dict[str, str]) -> list[Problem]:
    """A project with groups in some function sheets but not in others: those functions are not assessed for it and
    its score is pooled over the rest, which nobody would notice, so say it (one line per project)."""
    project_rows = ~items["is_company"].to_numpy(dtype=bool)
    if not project_rows.any():
        return []
    # the functions each project has a group in, projects in order of first appearance: a group's rows follow each
    # other, so only the rows whose (group, function) differs from the row before are looked at (a first
    # appearance always does), a few hundred instead of every item row
    groups, functions = items["group"].to_numpy()[project_rows], items["function"].to_numpy()[project_rows]
    changed = np.ones(len(groups), dtype=bool)
    changed[1:] = (groups[1:] != groups[:-1]) | (functions[1:] != functions[:-1])
    present: dict[object, set[object]] = {}
    for group, function in zip(groups[changed], functions[changed]):
        present.setdefault(group, set()).add(function)
    in_items = set(pd.unique(items["function"].to_numpy()))
    read = [f for f in FUNCTIONS if f in function_sheets and f in in_items]
    problems = []
    for project, functions in present.items():
        missing = [function_sheets[f] for f in read if f not in functions]
        if missing:
            sheets = "、".join(f"「{s}」" for s in missing)
            problems.append(Problem(
                "warning", missing[0] if len(missing) == 1 else None, None,
                f"项目「{project}」在{sheets}中没有列组：这些职能对该项目不列入考核，项目得分只按其余职能计算；"
                "如果列组是误删的，请恢复后再评分", project=project, lead=True))
    return problems


def _say_hidden(problems: list[Problem], hidden: set[str]) -> list[Problem]:
    """An error in a sheet nobody sees says the sheet is hidden, and how to show it."""
    if not hidden:
        return problems
    return [
        dataclasses.replace(p, message=f"（隐藏工作表「{p.sheet}」）{p.message}{UNHIDE}")
        if p.level == "error" and p.sheet in hidden and "隐藏工作表" not in p.message else p
        for p in problems
    ]


def _name_disagrees(period: PeriodInfo, path: Path) -> list[Problem]:
    """A file named for one period whose 基本信息 states another (last quarter's file copied and renamed, or the
    other way round): a warning naming both; 基本信息 counts."""
    named = find_period(path.stem)
    if named is None or period.source != INFO_SHEET or period.year is None or period.quarter is None:
        return []
    year_differs = named.year is not None and named.year != period.year
    quarter_differs = named.in_quarter is not None and named.in_quarter != period.quarter
    if not (year_differs or quarter_differs):
        return []
    said = f"{named.year}年" + (quarter_label(named.in_quarter) if named.in_quarter is not None else "")
    cell = period.cells.get("quarter" if quarter_differs else "year")
    return [Problem("warning", INFO_SHEET, cell, (
        f"文件名「{path.name}」写的是{said}，但基本信息写的是{label_of(period.year, period.quarter)}；"
        f"按基本信息的{label_of(period.year, period.quarter)}评分。如果文件名是对的，请改正基本信息的年度、季度"
        "（或运行时加 --year/--quarter 指定）；如果基本信息是对的，请改正文件名"))]


def _apply_period_options(period: PeriodInfo, path: Path, company: str | None, year: int | None,
                          quarter: int | None) -> list[Problem]:
    """Options override 基本信息 (with a warning when they differ); the file name fills what is left."""
    problems = []
    for key, option in (("company", company), ("year", year), ("quarter", quarter)):
        bad = period.invalid.pop(key, None)
        if bad is not None:  # an unreadable cell: an error, unless the option replaces its value
            problems.append(bad if option is None else replace(
                bad, level="warning", message=f"{bad.message}（已采用命令行指定的{_LABELS[key]}「{option}」）"))
        if option is None:
            continue
        current = getattr(period, key)
        if current is not None and current != option:
            label = _LABELS[key]
            problems.append(Problem("warning", INFO_SHEET, None,
                                    f"{label}：基本信息中为「{current}」，命令行指定为「{option}」，采用命令行的值"))
        setattr(period, key, option)
    if year is None and quarter is None:
        problems += _name_disagrees(period, path)
    if period.year is None or period.quarter is None:
        guessed = find_period(path.stem)
        if guessed and (guessed.in_quarter or period.year is None):
            period.year = period.year or guessed.year
            period.quarter = period.quarter or guessed.in_quarter
            period.source = period.source or "文件名"
    if period.year is None or period.quarter is None:
        problems.append(Problem("warning", None, None, "未能确定考核年度/季度：请在「基本信息」表填写 年度、季度，"
                                "或用 --year/--quarter 指定"))
    return problems
