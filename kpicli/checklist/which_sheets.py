"""Which sheets of a workbook a checklist is made of, and reading them.

Kept free of pandas: kpicli.api starts the read in a background thread before pandas is imported.
"""

from __future__ import annotations

from pathlib import Path

from kpicli.core.errors import Problem
from kpicli.core.vocab import INFO_SHEET, ROSTER_SHEET, function_of_sheet, normalize
from kpicli.io.workbook import RawWorkbook, read_workbook

UNHIDE = "（在任一工作表标签上右键，选「取消隐藏」即可看到隐藏的工作表）"


def sheet_label(name: str, hidden: set[str] | frozenset[str] = frozenset()) -> str:
    """「营销篇」, or 隐藏工作表「营销篇 (2)」 for a sheet nobody sees in Excel's tabs."""
    return f"隐藏工作表「{name}」" if name in hidden else f"「{name}」"


def classify_sheets(names: list[str], hidden: set[str] | frozenset[str] = frozenset()
                    ) -> tuple[dict[str, str], list[Problem]]:
    """function → sheet name, refusing ambiguous names and two sheets of one function. A hidden sheet is said to
    be hidden: nobody looks for a sheet they cannot see."""
    found: dict[str, str] = {}
    problems: list[Problem] = []
    for name in names:
        functions = function_of_sheet(name)
        if len(functions) > 1:
            problems.append(Problem("error", name, None, f"工作表名同时含有多个职能（{'、'.join(functions)}），"
                                    "无法判断属于哪个职能；请改名，如「营销篇」"))
        elif functions:
            f = functions[0]
            if f in found:
                pair = f"{sheet_label(found[f], hidden)}和{sheet_label(name, hidden)}"
                hint = UNHIDE if {found[f], name} & set(hidden) else ""
                problems.append(Problem("error", name, None, f"职能「{f}」有两张工作表（{pair}）；"
                                        f"请合并为一张或删除多余的一张{hint}"))
            else:
                found[f] = name
    return found, problems


def checklist_sheets(names: list[str]) -> set[str]:
    """The sheets a checklist reads: its function sheets, 基本信息 and 人员名单."""
    functions, _ = classify_sheets(names)
    return set(functions.values()) | {n for n in names if normalize(n) in (INFO_SHEET, ROSTER_SHEET)}


def read_checklist_sheets(path: Path) -> RawWorkbook:
    return read_workbook(path, select=checklist_sheets)

