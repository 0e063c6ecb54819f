"""The optional sheets: 基本信息 (company and period) and 人员名单 (who is in which team). Periods are parsed by
kpicli.core.period, the one parser of every place."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd

from kpicli.checklist.words import COMPANY_GROUP, DIRECTOR_ROLE, function_of_label
from kpicli.core.errors import Problem
from kpicli.core.period import PeriodText, quarter_label, read_period
from kpicli.core.vocab import INFO_SHEET, clean_label, column_letter, display_name, normalize
from kpicli.io.workbook import Grid


@dataclass
class PeriodInfo:
    """The company and period a checklist states (基本信息, options, file name), each None until known."""

    company: str | None = None
    year: int | None = None
    quarter: int | None = None
    source: str = ""
    # 基本信息 cells that could not be read: key → the problem, an error unless an option overrides the value
    invalid: dict[str, Problem] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)  # "year"/"quarter" → the 基本信息 cell it was read from


def read_year(value: object) -> tuple[int | None, date | None]:
    """(year, the date it came from) from a 年度 cell: 2026, 2026年, 2026年度 or a date; (None, None) otherwise."""
    found = read_period(value)
    if found is None or found.year is None or (found.day is None and (found.quarter or found.month)):
        return None, None
    return found.year, found.day


def read_quarter(value: object) -> tuple[int | None, int | None, PeriodText | None]:
    """(year if written, quarter, what was read when it was a month or a date) from a 季度 cell: every form of
    kpicli.core.period, a bare number after the year (2026-1) being the quarter; a month or a date counts as the
    quarter it lies in. The quarter is None when the value is none of these."""
    found = read_period(value, bare="quarter")
    if found is None or found.in_quarter is None:
        return None, None, None
    return found.year, found.in_quarter, found if found.month is not None else None


def _date_or_month(when: PeriodText) -> str:
    if when.day is not None:
        return f"日期 {when.day.isoformat()}"
    return f"月份 {when.year}年{when.month}月" if when.year else f"月份 {when.month}月"


def _shown(value: object) -> str:
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        value = value.date()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_info(grid: Grid) -> tuple[PeriodInfo, list[Problem]]:
    """Label/value rows of 基本信息: the value is the first non-empty cell right of the label.

    Unreadable 年度/季度 cells go to period.invalid (reader.apply_period_options decides their level)."""
    period, problems = PeriodInfo(source=INFO_SHEET), []
    quarter_year: tuple[int, str, object] | None = None  # a year written in the 季度 cell, its cell and value
    year_cell: tuple[str, object] | None = None
    for r in range(grid.n_rows):
        for c in range(min(grid.n_cols, 6)):
            label = normalize(grid.cell(r, c))
            if label not in ("公司名称", "公司", "年度", "季度"):
                continue
            value_col = next((k for k in range(c + 1, grid.n_cols) if normalize(grid.cell(r, k))), None)
            if value_col is None:
                break
            value, cell = grid.cell(r, value_col), f"{column_letter(value_col)}{r + 1}"
            if label in ("公司名称", "公司"):
                period.company = clean_label(value)
            elif label == "年度":
                period.year, day = read_year(value)
                period.cells["year"] = cell
                year_cell = cell, value
                if period.year is None:
                    period.invalid["year"] = Problem("error", grid.name, cell, f"年度「{_shown(value)}」无法识别；"
                                                     "请填写四位年份，如 2026")
                elif day is not None:
                    problems.append(Problem("info", grid.name, cell, f"年度填的是日期 {day.isoformat()}，"
                                            f"按 {period.year} 年计"))
            else:
                year, period.quarter, when = read_quarter(value)
                period.cells["quarter"] = cell
                if period.quarter is None:
                    period.invalid["quarter"] = Problem(
                        "error", grid.name, cell, f"季度「{_shown(value)}」无法识别；请填写 1–4、Q3、第三季度、"
                        "2026Q3，或该季度内的日期（如 2026-09-30）")
                elif when is not None:
                    problems.append(Problem("info", grid.name, cell, f"季度填的是{_date_or_month(when)}，"
                                            f"按其所在的{quarter_label(period.quarter)}计"))
                if period.quarter is not None and year is not None:
                    quarter_year = year, cell, value
            break
    if quarter_year is not None:
        year, cell, value = quarter_year
        if period.year is None and "year" not in period.invalid:
            period.year = year
        elif period.year is not None and period.year != year:
            shown = f"「{_shown(year_cell[1])}」（{year_cell[0]}）" if year_cell else ""
            period.invalid["quarter"] = Problem(
                "error", grid.name, cell, f"季度「{_shown(value)}」写的是 {year} 年，与年度{shown}不一致；"
                "请改正其中一个")
    return period, problems


ROSTER_COLUMNS = ["unit", "role", "function", "name", "cell", "unit_cell"]


ROSTER_HEADERS = ({"单位", "职能", "姓名"}, {"单位", "岗位", "姓名"})
ROSTER_SEARCH_ROWS = 15


def read_roster(rows: list[list[object]], sheet: str) -> tuple[pd.DataFrame, list[Problem]]:
    """人员名单 (the sheet of a checklist, or a roster file's rows; `sheet` names it in problems): 单位, 职能 (营销…物业
    or 项目总监), 姓名 — one row per person and post."""
    problems: list[Problem] = []
    header = None
    for r, row in enumerate(rows[:ROSTER_SEARCH_ROWS]):
        labels: dict[str, int] = {}
        for c, value in enumerate(row):
            labels[normalize(value)] = c
        if any(h <= labels.keys() for h in ROSTER_HEADERS):
            header = r, labels["单位"], labels.get("职能", labels.get("岗位")), labels["姓名"]
            break
    if header is None:
        problems.append(Problem("warning", sheet, None, "人员名单没有找到「单位」「职能」「姓名」表头，已忽略"))
        return pd.DataFrame(columns=ROSTER_COLUMNS), problems
    r0, unit_col, role_col, name_col = header

    def at(row: list[object], c: int) -> object:
        return row[c] if c < len(row) else None

    out = []
    for r in range(r0 + 1, len(rows)):
        row = rows[r]
        role, name = (clean_label(at(row, c)) for c in (role_col, name_col))
        unit = display_name(at(row, unit_col))  # as typed; matched to projects by name_key
        if not (unit or role or name):
            continue
        cell = f"{column_letter(role_col)}{r + 1}"
        if not (unit and role and name):
            problems.append(Problem("warning", sheet, f"A{r + 1}", "人员名单这一行的 单位、职能、姓名 不全，已跳过"))
            continue
        if normalize(role) in ("项目总监", "总监"):
            function, role_name = None, DIRECTOR_ROLE
        else:
            function = function_of_label(role)
            if function is None:
                problems.append(Problem("warning", sheet, cell, f"职能「{role}」无法识别，已跳过；"
                                        "请填写 营销、研发、工程、客服、物业 或 项目总监"))
                continue
            role_name = "职能负责人" if normalize(unit) == COMPANY_GROUP else "职能经理"
        out.append({"unit": unit, "role": role_name, "function": function, "name": name,
                     "cell": cell, "unit_cell": f"{column_letter(unit_col)}{r + 1}"})
    return pd.DataFrame(out, columns=ROSTER_COLUMNS), problems
