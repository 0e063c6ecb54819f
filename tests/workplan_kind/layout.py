"""The work-plan node sheet: its words, how it is told from other sheets, and how it is read.

    A1  <月份>工作计划节点表                      (title, not read)
    A2  计划月份    B2  2026年3月                 (any month form kpicli.core.period accepts)
    A4  序号 | 节点 | 类别 | 计划完成日期 | 实际完成日期 | 责任人 | 备注      (the header row: within the first rows)
    A5… one node per row; 类别 A or B; 实际完成日期 blank while not done

Every problem names the sheet and cell and says what to do; a value that cannot be read is an error (it would
change the score), a missing 责任人 a warning (it changes no number).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from openpyxl.utils import get_column_letter

from kpicli.core.errors import Problem
from kpicli.core.period import Period, parse_period
from kpicli.core.vocab import normalize
from kpicli.io.workbook import Grid

SHEET = "工作计划节点"
MONTH_LABEL = "计划月份"
HEADERS = ("序号", "节点", "类别", "计划完成日期", "实际完成日期", "责任人", "备注")
NUMBER, NODE, CATEGORY, PLANNED, DONE, OWNER, NOTE = HEADERS
REQUIRED = (NODE, CATEGORY, PLANNED, DONE, OWNER)
CATEGORIES = ("A", "B")
HEADER_ROW = 4  # where the template puts the headers (1-based); a reader looks within SEARCH_ROWS
SEARCH_ROWS = 10


@dataclass(frozen=True)
class Node:
    sheet: str
    row: int  # 1-based, as Excel shows it
    name: str
    category: str  # A or B
    planned: date
    done: date | None  # None: not done yet
    owner: str  # "" when not filled


@dataclass
class Sheet:
    """One node sheet as read: its month (None when missing), the nodes, the problems."""

    name: str
    month: Period | None
    nodes: list[Node]
    problems: list[Problem]


def _header_row(grid: Grid) -> tuple[int, dict[str, int]] | None:
    """The 0-based row holding 节点 and 计划完成日期 among the first rows, with the columns of each header."""
    for r in range(grid.row0, min(grid.n_rows, SEARCH_ROWS)):
        columns = {}
        for c in range(grid.col0, grid.n_cols):
            value = grid.cell(r, c)
            if isinstance(value, str) and normalize(value) in {normalize(h) for h in HEADERS}:
                columns.setdefault(next(h for h in HEADERS if normalize(h) == normalize(value)), c)
        if NODE in columns and PLANNED in columns:
            return r, columns
    return None


def node_header_row(grid: Grid) -> int | None:
    """The 0-based row with 节点 and 计划完成日期 among a sheet's first rows (Kind.header_row): told by headers
    alone; None without one."""
    found = _header_row(grid)
    return found[0] if found is not None else None


def cell(r: int, c: int) -> str:
    """A1 reference of 0-based (r, c)."""
    return f"{get_column_letter(c + 1)}{r + 1}"


def _date(value: object) -> date | str | None:
    """A date cell: a date, None when blank, or the text that is no date (to be named in an error)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = normalize(str(value)).replace("年", "-").replace("月", "-").replace("日", "").replace("/", "-").replace(".", "-")
    try:
        return date.fromisoformat("-".join(part.zfill(2) for part in text.split("-")))
    except ValueError:
        return str(value)


def _month(grid: Grid, header: int) -> tuple[Period | None, list[Problem]]:
    """计划月份: the cell right of its label above the headers."""
    for r in range(grid.row0, header):
        for c in range(grid.col0, grid.n_cols):
            value = grid.cell(r, c)
            if isinstance(value, str) and normalize(value) == normalize(MONTH_LABEL):
                written = grid.cell(r, c + 1)
                period = parse_period(written)
                if period is not None and period.kind == "month":
                    return period, []
                what = f"「{written}」不是一个月份" if str(written).strip() else "是空的"
                return None, [Problem("error", grid.name, cell(r, c + 1),
                                      f"{MONTH_LABEL}{what}；请写成 2026年3月 或 2026-03")]
    return None, [Problem("error", grid.name, "A2", f"找不到「{MONTH_LABEL}」；请在 A2 写「{MONTH_LABEL}」，B2 写月份，"
                                                    "如 2026年3月")]


def read_sheet(grid: Grid) -> Sheet:
    """The nodes of one sheet and every problem by cell. A row with nothing but its 序号 is left out."""
    found = _header_row(grid)
    assert found is not None, "read_sheet is given node sheets only (node_header_row)"
    header, columns = found
    missing = [h for h in REQUIRED if h not in columns]
    month, problems = _month(grid, header)
    if missing:
        problems.append(Problem("error", grid.name, cell(header, grid.col0),
                                f"表头缺少「{'」「'.join(missing)}」；请按模板恢复这些列"))
        return Sheet(grid.name, month, [], problems)
    nodes = []
    for r in range(header + 1, grid.n_rows):
        values = {h: grid.cell(r, c) for h, c in columns.items()}
        if all(v is None or str(v).strip() == "" for h, v in values.items() if h not in (NUMBER, NOTE)):
            continue
        node, found_problems = _node(grid.name, r, columns, values, month)
        problems.extend(found_problems)
        if node is not None:
            nodes.append(node)
    if not nodes and not any(p.level == "error" for p in problems):
        problems.append(Problem("error", grid.name, cell(header + 1, columns[NODE]),
                                "没有填写任何节点；请在表头下逐行填写节点、类别和计划完成日期"))
    return Sheet(grid.name, month, nodes, problems)


def _node(sheet: str, r: int, columns: dict[str, int], values: dict[str, object],
          month: Period | None) -> tuple[Node | None, list[Problem]]:
    problems = []

    def error(header: str, message: str) -> None:
        problems.append(Problem("error", sheet, cell(r, columns[header]), message))

    name = " ".join(str(values[NODE] or "").split())
    if not name:
        error(NODE, "节点名称为空；请填写节点名称，或删除这一行")
    category = normalize(str(values[CATEGORY] or "")).upper().removesuffix("类")
    if category not in CATEGORIES:
        shown = str(values[CATEGORY] or "").strip()
        error(CATEGORY, f"类别「{shown}」无法识别；请填 A 或 B" if shown else "类别为空；请填 A 或 B")
    planned, done = _date(values[PLANNED]), _date(values[DONE])
    if planned is None:
        error(PLANNED, "计划完成日期为空；请填写日期，如 2026-03-20")
    elif isinstance(planned, str):
        error(PLANNED, f"计划完成日期「{planned}」不是日期；请写成 2026-03-20")
    elif month is not None and (planned.year, planned.month) != (month.year, month.month):
        problems.append(Problem("warning", sheet, cell(r, columns[PLANNED]),
                                f"计划完成日期 {planned.isoformat()} 不在计划月份 {month.label} 内；请核对"))
    if isinstance(done, str):
        error(DONE, f"实际完成日期「{done}」不是日期；请写成 2026-03-20，未完成请留空")
    owner = " ".join(str(values[OWNER] or "").split())
    if not owner:
        problems.append(Problem("warning", sheet, cell(r, columns[OWNER]),
                                "未填写责任人；这个节点计入总分，但不计入任何人的排名"))
    if any(p.level == "error" for p in problems):
        return None, problems
    return Node(sheet, r + 1, name, category, planned, done, owner), problems  # type: ignore[arg-type]
