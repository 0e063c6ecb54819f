"""The year's texts (AnnualResult) that the annual workbook and the terminal table both show: the heading, the
capping rule, the marks of quarters without a score, the missing quarters, unit and post labels, the capped units
with their people. Words only: no openpyxl, no rich."""

from __future__ import annotations

import pandas as pd

from kpicli.checklist.annual import unit_key
from kpicli.checklist.annual_model import ABSENT, MISSING, NOT_ASSESSED, STATUS_LABELS, STATUS_MEANINGS, AnnualResult
from kpicli.checklist.rewards import DIRECTOR_ROLE, FUNCTION_HEAD
from kpicli.core.period import Period, quarter_label

__all__ = ["capped_rows", "heading", "marks_text", "missing_text", "post_text", "rule_text", "unit_label"]


def heading(result: AnnualResult) -> str:
    return f"{result.company or ''} {Period(result.year).label}".strip()


def rule_text(result: AnnualResult) -> str:
    a = result.rules.annual
    return (f"连续{a.consecutive}个季度或全年累计{a.cumulative}个季度为{a.cap_grade}及以下的职能/项目，"
            f"相关被考核人员年度绩效不得高于{a.cap_grade}；不列入考核、未提交或缺少工作簿的季度中断连续")


def marks_text() -> str:
    """What the words in a quarter without a score mean (the terminal says the same with its marks)."""
    return "；".join(f"{STATUS_LABELS[s]}：{STATUS_MEANINGS[s]}" for s in (NOT_ASSESSED, ABSENT, MISSING))


def missing_text(result: AnnualResult) -> str:
    missing = result.missing_quarters
    if not missing:
        return ""
    return (f"注意：缺少{quarter_label('、'.join(map(str, missing)))}的工作簿，以下结果只基于已提供的季度；"
            "补齐后请重新汇总")


def unit_label(kind: str, row: pd.Series) -> str:
    if kind == "function":
        return f"{row['function']}职能"
    if kind == "project":
        return str(row["project"])
    return f"{row['project']}·{row['function']}"



def capped_rows(result: AnnualResult) -> list[tuple[str, str, pd.Series, list[str]]]:
    """(category, unit, row, names of the people capped through it) of every capped unit."""
    people = result.people
    out = []
    for kind, table, category in (("function", result.functions, "职能"), ("project", result.projects, "项目"),
                                  ("unit", result.units, "项目职能")):
        for _, row in table[table["capped"]].iterrows():
            label = unit_label(kind, row)
            key = unit_key(kind, row.get("function"), row.get("project"), key=result.key)
            names = [f"{p.name}（{post_text(p)}）" for p in people.itertuples(index=False) if p.capped and p.unit_key == key]
            out.append((category, label, row, names))
    return out


def post_text(person: object) -> str:
    if person.role == FUNCTION_HEAD:
        return f"{person.function}职能负责人"
    if person.role == DIRECTOR_ROLE:
        return f"{person.unit}项目总监"
    return f"{person.unit}{person.function}职能经理"
