"""The optional sheets: 基本信息 (company and period) and 人员名单 (who is in which team); the period
from the file name."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from .errors import Problem
from .vocab import (
    COMPANY_GROUP,
    DIRECTOR_ROLE,
    INFO_SHEET,
    clean_label,
    column_letter,
    exact_decimal,
    function_of_label,
    normalize,
)
from .workbook import Grid

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4}


@dataclass
class Period:
    company: str | None = None
    year: int | None = None
    quarter: int | None = None
    source: str = ""


def parse_quarter(value: object) -> int | None:
    """1–4 from 1, 'Q1', '第一季度', '1季度', '一季度'."""
    text = normalize(value).removeprefix("第").removesuffix("季度").removeprefix("q").removesuffix("q")
    text = str(_CN_DIGITS.get(text, text))
    number = exact_decimal(text)
    if number is not None and number == number.to_integral_value() and 1 <= number <= 4:
        return int(number)
    return None


def parse_year(value: object) -> int | None:
    number = exact_decimal(normalize(value).removesuffix("年"))
    if number is not None and number == number.to_integral_value() and 2000 <= number <= 2100:
        return int(number)
    return None


_NAME_PATTERNS = (
    re.compile(r"(20\d\d)\s*[-_ ]?\s*[qQ]([1-4])"),
    re.compile(r"(20\d\d)\s*年?\s*第?\s*([1-4一二三四])\s*季度?"),
)


def period_from_filename(name: str) -> tuple[int, int] | None:
    """(year, quarter) from names such as 2026Q1, 2026-Q1, 2026年第1季度, 2026年第一季度."""
    for pattern in _NAME_PATTERNS:
        match = pattern.search(name)
        if match:
            quarter = _CN_DIGITS.get(match.group(2)) or int(match.group(2))
            return int(match.group(1)), quarter
    return None


def read_info(grid: Grid) -> tuple[Period, list[Problem]]:
    """Label/value rows of 基本信息: the value is the first non-empty cell right of the label."""
    period, problems = Period(source=INFO_SHEET), []
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
                period.year = parse_year(value)
                if period.year is None:
                    problems.append(Problem("error", grid.name, cell, f"年度「{value}」无法识别;请填写四位年份,如 2026"))
            else:
                period.quarter = parse_quarter(value)
                if period.quarter is None:
                    problems.append(Problem("error", grid.name, cell,
                                            f"季度「{value}」无法识别;请填写 1–4、Q1 或 第一季度"))
            break
    return period, problems


ROSTER_COLUMNS = ["unit", "role", "function", "name", "cell"]


def read_roster(grid: Grid) -> tuple[pd.DataFrame, list[Problem]]:
    """人员名单: 单位, 职能 (营销…物业 or 项目总监), 姓名 — one row per person and post."""
    problems: list[Problem] = []
    header = None
    for r in range(min(grid.n_rows, 15)):
        labels = {normalize(grid.cell(r, c)): c for c in range(grid.n_cols)}
        if {"单位", "职能", "姓名"} <= labels.keys() or {"单位", "岗位", "姓名"} <= labels.keys():
            header = r, labels["单位"], labels.get("职能", labels.get("岗位")), labels["姓名"]
            break
    if header is None:
        problems.append(Problem("warning", grid.name, None, "人员名单没有找到「单位」「职能」「姓名」表头,已忽略"))
        return pd.DataFrame(columns=ROSTER_COLUMNS), problems
    r0, unit_col, role_col, name_col = header
    rows = []
    for r in range(r0 + 1, grid.n_rows):
        unit, role, name = (clean_label(grid.cell(r, c)) for c in (unit_col, role_col, name_col))
        if not (unit or role or name):
            continue
        cell = f"{column_letter(role_col)}{r + 1}"
        if not (unit and role and name):
            problems.append(Problem("warning", grid.name, f"A{r + 1}", "人员名单这一行的 单位、职能、姓名 不全,已跳过"))
            continue
        if normalize(role) in ("项目总监", "总监"):
            function, role_name = None, DIRECTOR_ROLE
        else:
            function = function_of_label(role)
            if function is None:
                problems.append(Problem("warning", grid.name, cell, f"职能「{role}」无法识别,已跳过;"
                                        "请填写 营销、研发、工程、客服、物业 或 项目总监"))
                continue
            role_name = "职能负责人" if normalize(unit) == COMPANY_GROUP else "职能经理"
        rows.append({"unit": " ".join(unit.split()), "role": role_name, "function": function, "name": name,
                     "cell": cell})
    return pd.DataFrame(rows, columns=ROSTER_COLUMNS), problems
