"""Which sheets of a workbook a checklist is made of, and reading them.

Kept free of pandas: kpicli.api starts the read in a background thread before pandas is imported.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from kpicli.checklist.words import NAME_HEADER, ROSTER_SHEET, function_of_sheet
from kpicli.core.errors import Problem
from kpicli.core.vocab import INFO_SHEET, normalize
from kpicli.io.workbook import Grid, RawWorkbook, read_workbook

HEADER_SEARCH_ROWS = 15  # the 触点名称 header of a function sheet is looked for in these first rows
UNHIDE = "（在任一工作表标签上右键，选「取消隐藏」即可看到隐藏的工作表）"


def header_row_of(grid: Grid) -> int | None:
    """The zero-based row of a function sheet's header (the one with 触点名称), None without one."""
    # the values each row holds (the cells outside them are blank): Grid.n_cols would measure every row each time
    return next((r for r in range(grid.row0, min(HEADER_SEARCH_ROWS, grid.n_rows))
                 if any(normalize(v) == NAME_HEADER for v in grid.rows[r - grid.row0])), None)


def sheet_label(name: str, hidden: set[str] | frozenset[str] = frozenset()) -> str:
    """「营销篇」, or 隐藏工作表「营销篇 (2)」 for a sheet nobody sees in Excel's tabs."""
    return f"隐藏工作表「{name}」" if name in hidden else f"「{name}」"


def classify_sheets(names: list[str], hidden: set[str] | frozenset[str] = frozenset(),
                    grids: Mapping[str, Grid] | None = None) -> tuple[dict[str, str], list[Problem]]:
    """function → sheet name, refusing ambiguous names and two sheets of one function. A hidden sheet is said to
    be hidden: nobody looks for a sheet they cannot see. With the sheets read (`grids`), a sheet whose name holds a
    function word but which has no 触点名称 header (物业费收缴说明, 工程进度照片) is a notes sheet, skipped with an
    info line — unless it is the only sheet of its function, whose missing header is then an error of its own."""
    found: dict[str, str] = {}
    problems: list[Problem] = []
    notes = _notes_sheets(names, grids) if grids is not None else set()
    for name in names:
        functions = function_of_sheet(name)
        if name in notes:
            problems.append(Problem("info", name, None, f"工作表「{name}」的名称含有「{'、'.join(functions)}」，但前 "
                                    f"{HEADER_SEARCH_ROWS} 行中没有「触点名称」表头，视为说明或附件，已跳过（不计分）；"
                                    "如果它是检查表，请补上表头"))
        elif len(functions) > 1:
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


def _notes_sheets(names: list[str], grids: Mapping[str, Grid]) -> set[str]:
    """Sheets named with function words but without a 触点名称 header, where another sheet of each of those
    functions has one (or the name holds several functions, which no checklist sheet does)."""
    def has_header(name: str) -> bool:
        return name in grids and header_row_of(grids[name]) is not None

    with_header = {f for n in names if has_header(n) for f in function_of_sheet(n)}
    return {n for n in names if (functions := function_of_sheet(n)) and not has_header(n)
            and (len(functions) > 1 or functions[0] in with_header)}


def checklist_sheets(names: list[str]) -> set[str]:
    """The sheets a checklist reads: every sheet named with a function word (notes sheets are told apart once
    read), 基本信息 and 人员名单."""
    return {n for n in names if function_of_sheet(n) or normalize(n) in (INFO_SHEET, ROSTER_SHEET)}


def read_checklist_sheets(path: Path) -> RawWorkbook:
    return read_workbook(path, select=checklist_sheets)

