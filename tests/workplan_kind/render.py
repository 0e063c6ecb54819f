"""The work-plan kind's outputs: the blank template, the result workbook (节点评分 and 问题清单 in front of the
input's sheets, through the shared writer), and the terminal."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kpicli.core.exact import format_score
from kpicli.core.period import Period
from workplan_kind.layout import CATEGORIES, HEADER_ROW, HEADERS, MONTH_LABEL, SHEET
from workplan_kind.scoring import WEIGHTS, WorkplanResult

if TYPE_CHECKING:
    from openpyxl.workbook import Workbook
    from rich.console import Console

    from kpicli.render.fast_table import Splice

RESULT_SHEET = "节点评分"
RESULT_SHEETS = (RESULT_SHEET, "问题清单")  # render.problems_sheet.PROBLEMS_SHEET
BLANK_ROWS = 20
NOTE = "类别填 A 或 B（A 类节点计 2 份，B 类 1 份）；实际完成日期在节点完成后填写，未完成请留空"


def template_name(month: Period) -> Path:
    return Path(f"{month.file_label}_工作计划节点表.xlsx")


def write_template(out: Path, month: Period, *, rows: int, company: str | None, force: bool) -> Path:
    """A blank node sheet for the month: the month, the headers, `rows` numbered rows with a 类别 list."""
    from openpyxl.worksheet.datavalidation import DataValidation

    from kpicli.io.outputs import TEMPLATE_KIND, ensure_writable, mark_workbook, require_xlsx, save_workbook
    from kpicli.render.style import DATE_FORMAT, new_workbook, put, set_widths, title, write_table

    require_xlsx(out, "工作计划节点表模板")
    ensure_writable(out, force=force)
    wb = new_workbook()
    ws = wb.active
    ws.title = SHEET
    title(ws, f"{company or ''}{month.label}工作计划节点表", len(HEADERS))
    put(ws, 2, 1, MONTH_LABEL)
    put(ws, 2, 2, month.label)
    put(ws, 3, 1, "说明")
    put(ws, 3, 2, NOTE)
    last = write_table(ws, HEADER_ROW, HEADERS, [[n, None, None, None, None, None, None] for n in range(1, rows + 1)],
                       {3: DATE_FORMAT, 4: DATE_FORMAT})
    choice = DataValidation(type="list", formula1=f'"{",".join(CATEGORIES)}"', allow_blank=True,
                            error="类别只能是 A 或 B", errorTitle="类别", showErrorMessage=True)
    choice.add(f"C{HEADER_ROW + 1}:C{last}")
    ws.add_data_validation(choice)
    set_widths(ws, (6, 36, 6, 14, 14, 10, 24))
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    mark_workbook(wb, TEMPLATE_KIND)
    return save_workbook(wb, out)


def _result_sheet(wb: Workbook, result: WorkplanResult) -> None:
    from kpicli.render.style import DATE_FORMAT, SCORE_FORMAT, put, set_widths, title, write_table

    ws = wb.create_sheet(RESULT_SHEET)
    title(ws, f"{result.period_label}工作计划节点评分", 7,
          f"得分 = 按时完成的节点份数 ÷ 全部节点份数 × 100（A 类 {WEIGHTS['A']} 份，B 类 {WEIGHTS['B']} 份）；"
          f"宽限 {result.grace_days} 天")
    put(ws, 3, 1, "总得分")
    put(ws, 3, 2, result.score, number_format=SCORE_FORMAT)
    row = write_table(ws, 5, ("类别", "节点数", "按时完成"),
                      [["A 类", result.a.total, result.a.on_time], ["B 类", result.b.total, result.b.on_time]])
    row = write_table(ws, row + 2, ("排名", "责任人", "A 类节点", "A 类按时", "B 类节点", "B 类按时", "得分"),
                      [[p.rank, p.owner, p.a.total, p.a.on_time, p.b.total, p.b.on_time, p.score]
                       for p in result.people], {6: SCORE_FORMAT})
    write_table(ws, row + 2, ("工作表", "行", "节点", "类别", "计划完成日期", "实际完成日期", "责任人", "按时"),
                [[n.sheet, n.row, n.name, n.category, n.planned, n.done, n.owner,
                  "是" if result.on_time[n.sheet, n.row] else "否"] for n in result.nodes],
                {4: DATE_FORMAT, 5: DATE_FORMAT})
    set_widths(ws, (12, 12, 30, 10, 14, 14, 10, 6))


def write_result(result: WorkplanResult, sources: Sequence[Path], target: Path) -> Path:
    """节点评分 and 问题清单 in front of the input's sheets, written atomically by the shared writer."""
    from kpicli.io.outputs import atomic_write
    from kpicli.render.book import write_result_book
    from kpicli.render.problems_sheet import PROBLEMS_SHEET, write_problems

    def build(wb: Workbook) -> list[Splice]:
        _result_sheet(wb, result)
        return [write_problems(wb.create_sheet(PROBLEMS_SHEET), result.problems, result.file)]

    return atomic_write(target, lambda tmp: write_result_book(sources[0], tmp, RESULT_SHEETS, build))


def print_result(result: WorkplanResult, out: Console | None, *, book: bool = True) -> None:
    """The score, the A/B tallies and the 责任人 ranking."""
    from rich.table import Table

    from kpicli.render.terminal import console, print_problem_summary

    out = out or console()
    out.print(f"{result.period_label} 工作计划节点：总得分 {format_score(result.score)}"
              f"（A 类 {result.a.on_time}/{result.a.total} 按时，B 类 {result.b.on_time}/{result.b.total} 按时）",
              markup=False)
    table = Table(title="责任人排名")
    for header in ("排名", "责任人", "A 类按时", "B 类按时", "得分"):
        table.add_column(header)
    for p in result.people:
        table.add_row(str(p.rank), p.owner, f"{p.a.on_time}/{p.a.total}", f"{p.b.on_time}/{p.b.total}",
                      format_score(p.score))
    out.print(table)
    print_problem_summary(result.problems, out)
    if book:
        out.print(f"每个节点是否按时见结果工作簿的「{RESULT_SHEET}」表。", markup=False)
