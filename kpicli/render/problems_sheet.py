"""The problems sheet (问题清单) of every workbook kpicli writes with one: one column layout for all kinds.

    级别 | 文件 | 工作表 | 单元格 | 说明

errors first, then warnings, then infos (the order within a level kept); 文件 is blank for a problem of the one
input a book is about. The rows go in as XML after saving (fast_table): a cell-by-cell problem per touchpoint can
run to thousands of rows.
"""

from __future__ import annotations

from collections.abc import Iterable

from openpyxl.worksheet.worksheet import Worksheet

from kpicli.core.errors import LEVEL_NAMES, Problem, by_level
from kpicli.render.fast_table import Splice, fast_table
from kpicli.render.style import print_setup, title

PROBLEMS_SHEET = "问题清单"
PROBLEM_HEADERS = ("级别", "文件", "工作表", "单元格", "说明")
PROBLEM_WIDTHS = (7, 22, 14, 9, 76)  # 客户关系篇 and AB13 on one line; landscape A4
RESULT_NOTE = "错误必须修正后才能评分；警告和提示不影响评分，但请核对"  # a result book: errors stop scoring
SUMMARY_NOTE = "警告和提示不影响计算，但请核对"  # a book made from results (the year): no error gets this far
NONE_FOUND = "没有发现问题"
TOP = 4  # header row (title in row 1, note in row 2)


def problem_rows(problems: Iterable[Problem]) -> list[list[str]]:
    """The sheet's rows: one per problem in level order, or one saying there is none."""
    rows = [[LEVEL_NAMES[p.level], p.file or "", p.sheet or "", p.cell or "", p.message] for p in by_level(problems)]
    return rows or [["—", "", "", "", NONE_FOUND]]


def write_problems(ws: Worksheet, problems: Iterable[Problem], heading: str, note: str = RESULT_NOTE) -> Splice:
    """Fill ws (named 问题清单 by the caller) with the problems; returns the rows to splice in after saving."""
    title(ws, f"{PROBLEMS_SHEET}——{heading}", len(PROBLEM_HEADERS), note)
    splice, last = fast_table(ws, TOP, PROBLEM_HEADERS, problem_rows(problems), PROBLEM_WIDTHS)
    print_setup(ws, header_row=TOP, last_row=last, last_col=len(PROBLEM_HEADERS), landscape=True)
    ws.auto_filter.ref = f"A{TOP}:E{last}"
    return splice
