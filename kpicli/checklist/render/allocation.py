"""奖惩分配表: for each rewarded or penalised team, its members with an empty allocation column for the leader
(项目总监 / 职能负责人) to fill, and formulas checking that the allocations add up to the team's amount."""

from __future__ import annotations

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from kpicli.checklist.assessment import Assessment
from kpicli.checklist.rewards import DIRECTOR_ROLE, FUNCTION_HEAD, SERVICE_FEE, TEAM_BONUS, reward_reason, team_members
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


def add_allocation_sheet(wb: Workbook, a: Assessment) -> Worksheet | None:
    """Replace any earlier 奖惩分配表; add one (right after 奖惩明细) when the checklist has a roster and some
    unit has a reward or penalty. Returns the sheet, or None when there is nothing to allocate."""
    if SHEET in wb.sheetnames:
        del wb[SHEET]
    teams = _teams(a)
    if a.checklist.roster is None or a.checklist.roster.empty or not teams:
        return None
    index = wb.sheetnames.index("奖惩明细") + 1 if "奖惩明细" in wb.sheetnames else len(wb.sheetnames)
    ws = wb.create_sheet(SHEET, index)
    heading = f"{a.company or ''} {a.period_label}".strip()
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
    """(kind, unit, signed amount, method, why) of every unit with a reward or penalty, functions first."""
    teams = []
    for kind, table, key in (("function", a.functions, "function"), ("project", a.projects, "project")):
        for t in table.itertuples(index=False):
            if t.reward != 0:
                amount = int(t.reward) if t.reward == int(t.reward) else float(t.reward)
                teams.append((kind, getattr(t, key), amount, t.method,
                              reward_reason(t.score, t.rank, t.reward, a.rules)))
    return teams


def _post(row: object) -> str:
    if row.role == DIRECTOR_ROLE:
        return DIRECTOR_ROLE
    if row.role == FUNCTION_HEAD:
        return f"{row.function}{FUNCTION_HEAD}"
    return f"{row.function}{row.role}"


def _block(ws: Worksheet, a: Assessment, r: int, kind: str, unit: str, amount: int | float, method: str,
           reason: str, validation: DataValidation) -> int:
    """One team: title row (单位, 金额, 方式), members, 合计 and 校验. Returns the last row written."""
    label = f"{unit}职能" if kind == "function" else f"{unit}项目"
    shown = "团队处罚" if amount < 0 and method == TEAM_BONUS else method  # 团队奖金 reads wrong for a penalty
    for c, (value, fmt) in enumerate(((label, None), ("团队金额（元）", None), (amount, AMOUNT_FORMAT),
                                      (f"{shown}:{reason}", None)), start=1):
        cell = put(ws, r, c, value, number_format=fmt)
        cell.font, cell.fill, cell.border = HEADER_FONT, BLOCK_FILL, BORDER
    ws.cell(r, 1).font = Font(name=FONT_NAME, bold=True, size=12)
    if method == SERVICE_FEE:
        note = put(ws, r + 1, 1, f"以{SERVICE_FEE}方式结算（物业公司服务费），不分配给个人")
        note.font = MUTED_FONT
        ws.merge_cells(start_row=r + 1, start_column=1, end_row=r + 1, end_column=len(WIDTHS))
        return r + 1
    roster = a.checklist.roster
    members = team_members(roster, kind, unit)
    if not members:
        note = put(ws, r + 1, 1, f"{NO_MEMBERS}（请在检查表的「人员名单」中补充 {label} 的成员后重新评分）")
        note.font = MUTED_FONT
        ws.merge_cells(start_row=r + 1, start_column=1, end_row=r + 1, end_column=len(WIDTHS))
        return r + 1
    header = r + 1
    for c, text in enumerate(("姓名", "岗位", "分配金额（元）", "备注"), start=1):
        cell = put(ws, header, c, text)
        cell.font, cell.fill, cell.alignment, cell.border = HEADER_FONT, HEADER_FILL, CENTER, BORDER
    in_team = roster[roster["unit"] == "城市公司"] if kind == "function" else roster[roster["unit"] == unit]
    first = header + 1
    for i, name in enumerate(members):
        row = first + i
        posts = "、".join(dict.fromkeys(_post(p) for p in in_team[in_team["name"] == name].itertuples(index=False)
                                        if kind == "project" or p.function == unit))
        put(ws, row, 1, name).border = BORDER
        put(ws, row, 2, posts).border = BORDER
        cell = ws.cell(row, 3)
        cell.fill, cell.border, cell.number_format = INPUT_FILL, BORDER, AMOUNT_INPUT_FORMAT
        ws.cell(row, 4).border = BORDER
    last = first + len(members) - 1
    span = f"C{first}:C{last}"
    validation.add(span)
    total = last + 1
    put(ws, total, 1, "合计")
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


__all__ = ["SHEET", "add_allocation_sheet"]
