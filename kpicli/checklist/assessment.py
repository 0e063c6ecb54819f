"""One quarter's assessment: read → validate → score → rank, as a single result object."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd

from kpicli.checklist.names import roster_problems
from kpicli.checklist.reader import Checklist, read_checklist
from kpicli.checklist.rewards import add_grades, add_rewards, role_scores
from kpicli.checklist.scoring import (
    SELF_STOOD_IN,
    Scale,
    deviations,
    function_scores,
    project_scores,
    resolve_items,
    unit_scores,
)
from kpicli.checklist.words import COMPANY_GROUP, FUNCTION_SHEETS, NOT_APPLICABLE
from kpicli.core.errors import Problem
from kpicli.core.exact import format_amount, json_number
from kpicli.core.period import UNKNOWN_PERIOD, label_of
from kpicli.core.vocab import FUNCTIONS
from kpicli.io.workbook import PendingRead, RawWorkbook
from kpicli.rules.files import RulesLookup
from kpicli.rules.model import Rules


@dataclass
class Assessment:
    """A scored checklist: the result of the checklist kind (kpicli.core.kind.KindResult)."""

    kind: ClassVar[str] = "checklist"
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
            return label_of(self.year, self.quarter)
        return UNKNOWN_PERIOD

    def to_json(self) -> dict:
        """The machine-readable result of contract §5 (stable keys); "kind" tells it from another kind's."""
        return {
            "kind": "checklist",
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
    entry["score"] = json_number(row.score, whole_as_int=False) if row.assessed else None
    entry["grade"] = row.grade if row.assessed else None
    if ranked:
        entry["rank"] = int(row.rank) if row.assessed else None
        entry["reward"] = json_number(row.reward)
    return entry


def assess_checklist(checklist: Checklist, rules: Rules, rules_source: str = "内置默认规则", *,
                     allow_blank: bool = False) -> Assessment:
    """Score a checklist that has been read. Problems of the read are kept; errors do not stop scoring
    here (the caller decides), so `check` and `score` share one path.

    A project nobody filled (every group blank) is an error unless allow_blank: scored, it would get 0 and a
    penalty for not having submitted."""
    # computed once: one_unit_file, nothing_filled and blank_groups all use it
    checklist, own_file, answered = one_unit_file(checklist, _answered(checklist.items))
    projects = checklist.projects
    items, count_problems, scale = resolve_items(checklist.items, rules)
    if own_file and projects and not _given(checklist.items, "check").any():
        # a project's own file before the city company's inspection: its 检查 column is not its to fill either
        count_problems = [p for p in count_problems if not p.message.startswith(SELF_STOOD_IN)]
        own_file = [dataclasses.replace(own_file[0], message=own_file[0].message + "；本文件的「检查」列都空白（由城市公司"
                                        "检查后填写），各触点按自查结果计分")]
    units = add_grades(unit_scores(items, scale, projects), rules)
    units["reason"] = unit_reasons(units, checklist.function_sheets)
    functions, projects_table = add_rewards(function_scores(units, scale),
                                            project_scores(units, scale, rules, projects), rules)
    roles = role_scores(functions, projects_table, units[~units["is_company"]], checklist.roster)
    if not allow_blank and nothing_filled(checklist.items, answered):
        # a blank checklist (kpicli template's, nobody filled it yet) gets one line, not one warning per cell
        first = next(iter(checklist.function_sheets.values()))
        problems = [Problem("error", first, None, f"{EMPTY_CHECKLIST}（各职能表的自查和检查都是空白，模板预填的「不适用」"
                            "除外）；请填写后再评分"), *checklist.problems]
    else:
        problems = (blank_groups(checklist.items, checklist.function_sheets, allow_blank=allow_blank,
                                 answered=answered)
                    + list(checklist.problems) + count_problems + _missing_functions(checklist))
    problems += own_file + roster_problems(checklist.roster, projects, checklist.sheet_names)
    problems += lone_money(checklist, projects_table)
    if "奖惩分配表" in checklist.sheet_names:
        # scoring a result workbook again: the new result gets a fresh, empty allocation sheet
        problems.append(Problem("warning", "奖惩分配表", None, "输入中已有奖惩分配表，新结果会重新生成空白的分配表；"
                                "已填写的分配金额仍保存在输入文件中，请从中复制"))
    return Assessment(
        checklist=checklist, rules=rules, rules_source=rules_source, items=items, scale=scale, units=units,
        functions=functions, projects=projects_table, roles=roles, deviations=deviations(items, rules),
        problems=problems,
    )


def _answered(items: pd.DataFrame) -> pd.Series:
    """Rows with a result in 自查 or 检查 other than 不适用 (a template's pre-fill or not, 不适用 answers nothing)."""
    return pd.Series(_given(items, "check") | _given(items, "self"), index=items.index)


def _given(items: pd.DataFrame, kind: str) -> np.ndarray:
    """Rows with a 自查 (kind "self") or 检查 result other than 不适用, on the arrays: pandas' string comparisons
    cost more than numpy's."""
    return items[f"{kind}_raw"].notna().to_numpy() & (items[f"{kind}_value"].to_numpy() != NOT_APPLICABLE)


def one_unit_file(checklist: Checklist, answered: pd.Series) -> tuple[Checklist, list[Problem], pd.Series]:
    """A file of one unit, judged as that unit's own (one info line instead of warnings about others' columns).

    A project's file (`kpicli template 检查表 -p 云栖府`: one project group, and the 城市公司 group the template
    adds) whose 城市公司 cells are all blank (or the template's 不适用): those columns are not the project's to
    fill, so they are left out of the scoring rather than scored 0 with a warning per sheet. A file with the
    城市公司 group only (`-p 城市公司`) has no project to rank: said once, so an empty 项目排名 is not read as zero.

    answered is _answered(checklist.items); returned for the checklist returned (its rows only)."""
    items = checklist.items
    if items.empty:
        return checklist, [], answered
    company = items["is_company"].astype(bool)
    projects = checklist.projects
    if not projects and answered.any():
        return checklist, [Problem("info", None, None, f"本文件只有「{COMPANY_GROUP}」列组（城市公司自己的检查表）："
                                   "职能得分只含城市公司级触点，没有项目得分和项目排名；与各项目提交的检查表一起汇总"
                                   "（kpicli collect）后评分，才是全公司的结果")], answered
    if len(projects) != 1 or not company.any() or answered[company].any() or not answered[~company].any():
        return checklist, [], answered
    own = replace(checklist, items=items[~company].reset_index(drop=True))
    return own, [Problem("info", None, None, f"本文件只有项目「{projects[0]}」的列组（项目自己提交的检查表），"
                         f"「{COMPANY_GROUP}」列组全部空白：那是城市公司填写的列，不计入本文件的得分；与其他文件一起汇总"
                         "（kpicli collect）后评分，才是全公司的结果", project=projects[0])], answered[~company].reset_index(drop=True)


def lone_money(checklist: Checklist, projects: pd.DataFrame) -> list[Problem]:
    """A project with a group in one function sheet only (names.lone_projects) that would take a reward or penalty:
    an error naming its header cell and the other sheets' spellings (a phantom spelling must not take the money)."""
    if not checklist.lone:
        return []
    problems = []
    for project, rank, reward in projects[["project", "rank", "reward"]].itertuples(index=False):
        if project not in checklist.lone or pd.isna(reward) or reward == 0:
            continue
        sheet, cell, others = checklist.lone[project]
        money = f"{'奖励' if reward > 0 else '处罚'} {format_amount(reward)} 元"
        spelled = ("其他职能表中有而本表没有的项目：" + "、".join(f"「{o}」" for o in others)) if others \
            else "其他职能表中的项目本表都有"
        problems.append(Problem(
            "error", sheet, cell,
            f"项目「{project}」只在「{sheet}」中有列组，其他职能表中都没有，却会排第 {int(rank)} 名并得到{money}；"
            f"{spelled}。如果是同一个项目，请把表头改成与其他职能表一致的名称；如果确是新项目，"
            "请在其他职能表中补上它的列组", project=project, lead=True))
    return problems


def unit_reasons(units: pd.DataFrame, function_sheets: dict[str, str]) -> list[str]:
    """Why each unit is not assessed ('' when it is): no sheet, no group for it in the sheet, or nothing applicable."""
    reasons = []
    for function, items, assessed in zip(units["function"], units["items"], units["assessed"]):
        if assessed:
            reasons.append("")
        elif function not in function_sheets:
            reasons.append(f"没有「{FUNCTION_SHEETS[function]}」工作表")
        elif int(items) == 0:
            reasons.append(f"「{function_sheets[function]}」中没有该项目的列组")
        else:
            reasons.append("没有适用的触点")
    return reasons


EMPTY_CHECKLIST = "表格尚未填写"  # kpicli's one phrase for a form nobody has filled in


def nothing_filled(items: pd.DataFrame, answered: pd.Series | None = None) -> bool:
    """No result anywhere in the workbook: every 自查 and 检查 blank, or the template's prefilled 不适用.
    answered: _answered(items) when the caller has it already."""
    if items.empty:
        return False
    return not bool((_answered(items) if answered is None else answered).any())


def blank_groups(items: pd.DataFrame, function_sheets: dict[str, str], *, allow_blank: bool = False,
                 answered: pd.Series | None = None) -> list[Problem]:
    """One lead line per project whose every group is blank (an error unless allow_blank), and per group
    (function × project) wholly blank in a project that is filled elsewhere (a warning).
    answered: _answered(items) when the caller has it already."""
    if items.empty:
        return []
    row_blank = items["self_raw"].isna().to_numpy() & items["check_raw"].isna().to_numpy()
    answered = _answered(items) if answered is None else answered
    groups, functions = items["group"].to_numpy(), items["function"].to_numpy()
    # a unit's rows follow each other: each run of rows of one (group, function) is reduced with numpy, and runs of
    # the same unit (if any) are merged; units in order of first appearance, as a groupby(sort=False) gives them
    starts = np.flatnonzero(np.r_[True, (groups[1:] != groups[:-1]) | (functions[1:] != functions[:-1])])
    runs = zip(starts, np.logical_or.reduceat(row_blank, starts), np.logical_or.reduceat(answered.to_numpy(), starts))
    found: dict[tuple[object, object], tuple[bool, bool]] = {}
    for start, blank, given in runs:
        key = (groups[start], functions[start])
        if pd.isna(key[0]) or pd.isna(key[1]):
            continue  # as a groupby: no unit without a name
        before = found.get(key, (False, False))
        found[key] = (before[0] or bool(blank), before[1] or bool(given))
    company = set(pd.unique(groups[items["is_company"].to_numpy(dtype=bool)]))
    # each group's units in order: nothing answered but blanks (and maybe a template's prefilled 不适用) is a unit
    # nobody filled
    by_group: dict[object, list[tuple[object, bool]]] = {}
    for (group, function), (blank, given) in found.items():
        by_group.setdefault(group, []).append((function, blank and not given))
    problems = []
    for group, flagged in by_group.items():
        functions = [f for f, is_blank in flagged if is_blank]
        sheets = "、".join(f"「{function_sheets[f]}」" for f in functions)
        if group not in company and all(is_blank for _, is_blank in flagged):
            if allow_blank:
                message = (f"{group}：所有职能表均未填写（{sheets}中该项目没有填写任何结果）；"
                           "已按 --allow-blank 全部按未完成计（0 分）")
            else:
                message = (f"{group}：所有职能表均未填写（{sheets}中该项目没有填写任何结果），"
                           "可能是没有提交，或汇总时没有找到它的文件；请补填后再评分。"
                           "确实要按未完成（0 分）评分时，加 --allow-blank")
            # located in its first sheet (every error names a sheet); the message names them all
            problems.append(Problem("warning" if allow_blank else "error", function_sheets[functions[0]], None, message,
                                    project=group, lead=True))
            continue
        for function in functions:
            sheet = function_sheets[function]
            problems.append(Problem("warning", sheet, None, f"{group}：「{sheet}」中该{'列组' if group in company else '项目'}"
                                    "没有填写任何结果（自查和检查都是空白，或只有「不适用」），空白按未完成计（0 分）；请确认是否漏填",
                                    project=group, lead=True))
    return problems


def _missing_functions(checklist: Checklist) -> list[Problem]:
    return [
        Problem("info", None, None, f"没有「{FUNCTION_SHEETS[f]}」工作表：{f}职能本季不列入考核")
        for f in FUNCTIONS
        if f not in checklist.function_sheets
    ]


def assess(
    path: Path,
    *,
    rules: Rules | None = None,
    lookup: RulesLookup | None = None,
    company: str | None = None,
    year: int | None = None,
    quarter: int | None = None,
    raw: RawWorkbook | PendingRead | None = None,
    allow_blank: bool = False,
    catalog: Path | None = None,
) -> Assessment:
    """Read and score one checklist workbook (the library entry point behind score, rank and check).

    The workbook is first checked against what kpicli handed out (checklist.integrity: its record, else the packaged
    catalogue); `catalog`, a catalogue file, replaces that reference (the way to accept a deliberate change).

    `raw` is this workbook's sheets already read, or their read under way (kpicli.api.read.start_read); without it
    the workbook is read here. allow_blank scores a project nobody filled (see assess_checklist).

    The rules: `rules` as given, else resolved beside the workbook by `lookup` (kpicli.kinds.rules_lookup: --rules
    and every kind's section of kpicli.toml; without one, the shared tables alone)."""
    path = Path(path)
    if rules is None:
        rules, source = (lookup or RulesLookup()).resolve(path)
    else:
        source = "调用方提供"
    checklist = read_checklist(path, company=company, year=year, quarter=quarter, raw=raw)
    from kpicli.checklist.integrity import check_against, reference_for

    checklist.problems += check_against(checklist.items, reference_for(path, catalog))
    return assess_checklist(checklist, rules, source, allow_blank=allow_blank)
