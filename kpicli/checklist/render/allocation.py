"""奖惩分配表: for each rewarded or penalised team, its members with an empty allocation column for the leader
(项目总监 / 职能负责人) to fill, and formulas checking that the allocations add up to the team's amount."""

from __future__ import annotations

from pathlib import Path

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from kpicli.checklist.assessment import Assessment
from kpicli.checklist.payout import (
    AMOUNT_LABEL,
    NAME_LABEL,
    TOTAL_LABEL,
    members,
    team_label,
    teams_of,
    units_with_money,
)
from kpicli.checklist.result_record import handout_record
from kpicli.checklist.rewards import SERVICE_FEE, method_label
from kpicli.core.errors import KpiError
from kpicli.core.period import UNKNOWN_PERIOD, file_label_of
from kpicli.render.style import (
    AMOUNT_FORMAT,
    BORDER,
    CENTER,
    FONT_NAME,
    HEADER_FILL,
    HEADER_FONT,
    MUTED_FONT,
    print_setup,
    put,
    set_widths,
    title,
)

SHEET = "奖惩分配表"
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
BLOCK_FILL = PatternFill("solid", fgColor="DDEBF7")
AMOUNT_INPUT_FORMAT = "#,##0.00;-#,##0.00"
OK_TEXT, NOT_FILLED = "✓ 分配合计与团队金额一致", "待分配"
NO_MEMBERS = "人员名单中没有该团队成员"
WIDTHS = [16, 18, 16, 44]


def add_allocation_sheet(wb: Workbook, a: Assessment, only: str | None = None) -> Worksheet | None:
    """Replace any earlier 奖惩分配表; add one (right after 奖惩明细) when the checklist has a roster and some
    unit has a reward or penalty. Returns the sheet, or None when there is nothing to allocate.

    only: the label of one team (云栖府项目): the sheet of that team's own allocation file (score --per-team)."""
    if SHEET in wb.sheetnames:
        del wb[SHEET]
    teams = [t for t in _teams(a) if only is None or team_label(t[0], t[1]) == only]
    if a.checklist.roster is None or a.checklist.roster.empty or not teams:
        return None
    index = wb.sheetnames.index("奖惩明细") + 1 if "奖惩明细" in wb.sheetnames else len(wb.sheetnames)
    ws = wb.create_sheet(SHEET, index)
    heading = f"{a.company or ''} {a.period_label}".strip()
    if only is not None:
        heading = f"{only}·{heading}"
    title(ws, f"奖惩分配表——{heading}", len(WIDTHS))
    note = ("由项目总监/职能负责人在黄色单元格填写每位成员的分配金额（处罚填负数），合计须等于团队金额；"
            "报运营管理部审核，人力资源行政部备案。物业的奖惩以服务费调整体现，不分配到个人。")
    cell = put(ws, 2, 1, note)
    cell.font, cell.alignment = MUTED_FONT, Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(WIDTHS))
    ws.row_dimensions[2].height = 32
    validation = DataValidation(type="decimal", operator="between", formula1="-1000000000", formula2="1000000000",
                                allow_blank=True, showErrorMessage=True, errorStyle="warning",
                                errorTitle="分配金额", error="请填写数字金额（元），处罚填负数")
    ws.add_data_validation(validation)
    r = 4
    for kind, unit, amount, method, reason in teams:
        r = _block(ws, a, r, kind, unit, amount, method, reason, validation) + 2
    set_widths(ws, WIDTHS)
    print_setup(ws, header_row=2, last_row=r - 2, last_col=len(WIDTHS), landscape=False)
    ws.print_title_rows = "1:2"
    ws.freeze_panes = "A3"
    return ws


def _teams(a: Assessment) -> list[tuple[str, str, int | float, str, str]]:
    """(kind, unit, signed amount as written, method, why) of every unit with a reward or penalty."""
    return [(kind, unit, int(amount) if amount == int(amount) else float(amount), method, why)
            for kind, unit, amount, method, why in units_with_money(a)]


def _block(ws: Worksheet, a: Assessment, r: int, kind: str, unit: str, amount: int | float, method: str,
           reason: str, validation: DataValidation) -> int:
    """One team: title row (单位, 金额, 方式), members, 合计 and 校验. Returns the last row written."""
    label = team_label(kind, unit)
    shown = method_label(amount, method)
    for c, (value, fmt) in enumerate(((label, None), (AMOUNT_LABEL, None), (amount, AMOUNT_FORMAT),
                                      (f"{shown}：{reason}", None)), start=1):
        cell = put(ws, r, c, value, number_format=fmt)
        cell.font, cell.fill, cell.border = HEADER_FONT, BLOCK_FILL, BORDER
    ws.cell(r, 1).font = Font(name=FONT_NAME, bold=True, size=12)
    if method == SERVICE_FEE:
        note = put(ws, r + 1, 1, f"以{SERVICE_FEE}方式结算（物业公司服务费），不分配给个人")
        note.font = MUTED_FONT
        ws.merge_cells(start_row=r + 1, start_column=1, end_row=r + 1, end_column=len(WIDTHS))
        return r + 1
    people = members(a.checklist.roster, kind, unit, a.rules)
    if not people:
        note = put(ws, r + 1, 1, f"{NO_MEMBERS}（请在检查表的「人员名单」中补充 {label} 的成员后重新评分）")
        note.font = MUTED_FONT
        ws.merge_cells(start_row=r + 1, start_column=1, end_row=r + 1, end_column=len(WIDTHS))
        return r + 1
    header = r + 1
    for c, text in enumerate((NAME_LABEL, "岗位", "分配金额（元）", "备注"), start=1):
        cell = put(ws, header, c, text)
        cell.font, cell.fill, cell.alignment, cell.border = HEADER_FONT, HEADER_FILL, CENTER, BORDER
    first = header + 1
    for i, person in enumerate(people):
        row = first + i
        put(ws, row, 1, person.name).border = BORDER
        put(ws, row, 2, person.role).border = BORDER
        cell = ws.cell(row, 3)
        cell.fill, cell.border, cell.number_format = INPUT_FILL, BORDER, AMOUNT_INPUT_FORMAT
        ws.cell(row, 4).border = BORDER
    last = first + len(people) - 1
    span = f"C{first}:C{last}"
    validation.add(span)
    total = last + 1
    put(ws, total, 1, TOTAL_LABEL)
    ws.cell(total, 3).value = f"=SUM({span})"
    ws.cell(total, 3).number_format = AMOUNT_INPUT_FORMAT
    amount_text = f"{amount}"
    ws.cell(total, 4).value = (f'=IF(COUNT({span})=0,"{NOT_FILLED}",IF(ROUND(SUM({span}),2)={amount_text},'
                               f'"{OK_TEXT}","✗ 合计应为 {amount_text}"))')
    for c in range(1, len(WIDTHS) + 1):
        cell = ws.cell(total, c)
        cell.border, cell.fill = BORDER, HEADER_FILL
        cell.font = HEADER_FONT
    for mark, colour in (("✓", "006100"), ("✗", "9C0006")):  # the verdict in green or red once computed
        ws.conditional_formatting.add(f"D{total}", FormulaRule(formula=[f'LEFT(D{total},1)="{mark}"'],
                                                               font=Font(name=FONT_NAME, bold=True, color=colour)))
    return total


def handout_name(a: Assessment, label: str) -> str:
    """<2026Q2>_<云栖府项目>_奖惩分配表.xlsx: one team's allocation file."""
    period = file_label_of(a.year, a.quarter) if a.year and a.quarter else UNKNOWN_PERIOD
    return f"{period}_{label}_{SHEET}.xlsx"


def handout_targets(a: Assessment, folder: Path) -> dict[str, Path]:
    """Team label → the file it is handed out in: every rewarded or penalised team paid to people."""
    return {t.label: folder / handout_name(a, t.label) for t in teams_of(a) if t.payable and t.members}


def write_handouts(a: Assessment, folder: Path, *, source: str, force: bool) -> list[Path]:
    """score --per-team: one workbook per team for its director or function head, with the team's block of the
    奖惩分配表 and kpicli's record of what was handed out (team, amount, members, the period's other teams). A file
    there that kpicli did not write, or that someone has filled in since, is replaced only with force (backup)."""
    from kpicli.io.outputs import HANDOUT_KIND, changed_since_written, ensure_writable, mark_workbook, save_workbook
    from kpicli.render.style import new_workbook

    teams = teams_of(a)
    targets = handout_targets(a, folder)
    for target in targets.values():  # every refusal before the first file is written
        if target.exists() and not force and changed_since_written(target):
            raise KpiError(f"{target.name} 在发出后已被填写或改动（可能是负责人填好的分配），为避免覆盖已停止；请先把它交给 "
                           "kpicli payout 核对，确认要重新发出请加 --force（原文件会先备份）")
        ensure_writable(target, force=force)
    written = []
    for team in teams:
        target = targets.get(team.label)
        if target is None:
            continue
        wb = new_workbook()
        add_allocation_sheet(wb, a, only=team.label)
        del wb[wb.sheetnames[0]]
        mark_workbook(wb, HANDOUT_KIND)
        written.append(save_workbook(wb, target, record=handout_record(a, team, teams, source)))
    return written


__all__ = ["SHEET", "add_allocation_sheet", "handout_name", "handout_targets", "write_handouts"]
