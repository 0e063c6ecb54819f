"""Rendering the year (AnnualResult): the annual workbook (trend with a line chart, capped list, rewards ledger,
people). Formatting only; the texts it shares with the terminal table are annual_text's."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from kpicli.checklist.annual_model import (
    ASSESSED,
    MISSING,
    QUARTERS,
    STATUS_LABELS,
    AnnualResult,
)
from kpicli.checklist.render.annual_text import (
    capped_rows,
    heading,
    marks_text,
    missing_text,
    rule_text,
    unit_label,
)
from kpicli.core.exact import format_score
from kpicli.core.period import Period, quarter_label
from kpicli.io.outputs import YEAR_KIND, mark_workbook, save_workbook
from kpicli.render.chart import colour_series
from kpicli.render.style import (
    AMOUNT_FORMAT,
    BORDER,
    CENTER,
    FONT_NAME,
    HEADER_FILL,
    HEADER_FONT,
    MUTED_FONT,
    SCORE_FORMAT,
    WRAP,
    display_width,
    grade_style,
    new_workbook,
    print_setup,
    put,
    set_widths,
    title,
    write_table,
)

ANNUAL_SHEETS = ("年度趋势", "年度封顶名单", "年度奖惩台账", "人员年度结果")
SECTION_FILL = PatternFill("solid", fgColor="F2F2F2")
CAPPED_FILL = PatternFill("solid", fgColor="FFC7CE")
CAPPED_FONT = Font(name=FONT_NAME, color="9C0006", bold=True)
WARN_FONT = Font(name=FONT_NAME, color="C00000", bold=True)
REASON_FONT = Font(name=FONT_NAME, color="9C0006")


def _lines(text: str, width_units: float) -> int:
    return max(1, math.ceil(display_width(text, narrow=1.1) / max(width_units - 0.5, 1)))


def _fit_rows(ws: Worksheet, first: int, last: int, widths: list[float]) -> None:
    """Row heights for wrapped text (LibreOffice and WPS do not grow rows on their own)."""
    spans = {(m.min_row, m.min_col): sum(widths[m.min_col - 1:m.max_col]) for m in ws.merged_cells.ranges}
    for r in range(first, last + 1):
        lines = 1
        for c, width in enumerate(widths, start=1):
            value = ws.cell(r, c).value
            if isinstance(value, str):
                lines = max(lines, _lines(value, spans.get((r, c), width)))
        if lines > 1:
            ws.row_dimensions[r].height = 15 * lines + 2
        for c in range(1, len(widths) + 1):
            cell = ws.cell(r, c)
            if lines > 1 and isinstance(cell.value, str) and not cell.alignment.wrap_text:
                cell.alignment = Alignment(horizontal=cell.alignment.horizontal, vertical="center", wrap_text=True)


# --- workbook ----------------------------------------------------------------------------------------------------------


def write_annual(result: AnnualResult, out: Path) -> Path:
    """The annual workbook (trend with a line chart, capped list, rewards ledger, people), saved atomically.
    The caller has checked the target with outputs.ensure_writable."""
    wb = build_annual_workbook(result)
    mark_workbook(wb, YEAR_KIND)
    return save_workbook(wb, out)


def build_annual_workbook(result: AnnualResult) -> Workbook:
    wb = new_workbook()
    _trend(wb.active, result)
    _capped(wb.create_sheet(ANNUAL_SHEETS[1]), result)
    _ledger(wb.create_sheet(ANNUAL_SHEETS[2]), result)
    _people(wb.create_sheet(ANNUAL_SHEETS[3]), result)
    return wb


def _quarter_cells(ws: Worksheet, r: int, c: int, row: pd.Series, q: int, names: list[str]) -> None:
    """Score and grade of one quarter in two cells, coloured by grade; a merged note when there is none."""
    status = row[f"status_{q}"]
    if status != ASSESSED:
        cell = put(ws, r, c, STATUS_LABELS[status])
        cell.font, cell.alignment = MUTED_FONT, CENTER
        ws.merge_cells(start_row=r, start_column=c, end_row=r, end_column=c + 1)
        for k in (0, 1):
            ws.cell(r, c + k).border = BORDER
        return
    style = grade_style(row[f"grade_{q}"], names)
    for k, value in enumerate((row[f"score_{q}"], row[f"grade_{q}"])):
        cell = put(ws, r, c + k, value, number_format=SCORE_FORMAT if k == 0 else None)
        cell.border, cell.alignment = BORDER, CENTER
        if style:
            cell.fill, cell.font = style


def _capped_cell(ws: Worksheet, r: int, c: int, capped: bool, cap: str) -> None:
    cell = put(ws, r, c, f"封顶 {cap}" if capped else "—")
    cell.border, cell.alignment = BORDER, CENTER
    if capped:
        cell.fill, cell.font = CAPPED_FILL, CAPPED_FONT


def _section(ws: Worksheet, r: int, text: str, width: int) -> None:
    cell = put(ws, r, 1, text)
    cell.font, cell.fill = HEADER_FONT, SECTION_FILL
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
    for c in range(1, width + 1):
        ws.cell(r, c).border = BORDER


def _heading(ws: Worksheet, text: str, subtitle: str, widths: list[float]) -> None:
    """Title, and the grey line under it wrapped within the table's width."""
    title(ws, text, len(widths))
    cell = put(ws, 2, 1, subtitle)
    cell.font, cell.alignment = MUTED_FONT, WRAP
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(widths))
    ws.row_dimensions[2].height = 15 * _lines(subtitle, sum(widths)) + 3


def _trend(ws: Worksheet, result: AnnualResult) -> None:
    """Projects then functions × four quarters (score and grade, coloured), a line chart of the projects."""
    ws.title = ANNUAL_SHEETS[0]
    names, cap = result.rules.grades.names, result.cap_grade
    width = 2 + 2 * len(QUARTERS) + 1
    widths = [16] + [8, 6] * len(QUARTERS) + [12, 11]
    _heading(ws, f"客户触点考核年度趋势——{heading(result)}",
             f"{rule_text(result)}。{marks_text()}。规则：{result.rules_source}", widths)
    if missing_text(result):
        put(ws, 3, 1, missing_text(result)).font = WARN_FONT
    top = 4
    put(ws, top, 1, "单位")
    ws.merge_cells(start_row=top, start_column=1, end_row=top + 1, end_column=1)
    for i, q in enumerate(QUARTERS):
        c = 2 + 2 * i
        put(ws, top, c, quarter_label(q))
        ws.merge_cells(start_row=top, start_column=c, end_row=top, end_column=c + 1)
        put(ws, top + 1, c, "得分")
        put(ws, top + 1, c + 1, "等级")
    put(ws, top, width - 1, f"{cap}及以下季度数")
    put(ws, top, width, "年度结果")
    for c in (width - 1, width):
        ws.merge_cells(start_row=top, start_column=c, end_row=top + 1, end_column=c)
    for r in (top, top + 1):
        for c in range(1, width + 1):
            cell = ws.cell(r, c)
            cell.fill, cell.font, cell.alignment, cell.border = HEADER_FILL, HEADER_FONT, CENTER, BORDER
    r = top + 1
    for kind, table, label in (("project", result.projects, "项目"), ("function", result.functions, "职能")):
        r += 1
        _section(ws, r, label, width)
        for _, row in table.iterrows():
            r += 1
            put(ws, r, 1, unit_label(kind, row)).border = BORDER
            for i, q in enumerate(QUARTERS):
                _quarter_cells(ws, r, 2 + 2 * i, row, q, names)
            cell = put(ws, r, width - 1, int(row["at_or_below"]))
            cell.border, cell.alignment = BORDER, CENTER
            _capped_cell(ws, r, width, bool(row["capped"]), cap)
    legend = "等级：" + "，".join(f"{b.grade} ≥ {b.min}" for b in result.rules.grades.bands)
    put(ws, r + 1, 1, legend + f"，其余为 {result.rules.grades.lowest}；封顶原因见「年度封顶名单」").font = MUTED_FONT
    r += 1
    for note in result.notes:  # published rules used, renamed projects, what the rules in force now would change
        r += 1
        cell = put(ws, r, 1, note.strip())
        cell.font, cell.alignment = (MUTED_FONT if note.startswith(" ") else WARN_FONT), WRAP
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
        ws.row_dimensions[r].height = 15 * _lines(note.strip(), sum(widths)) + 3
    set_widths(ws, widths)
    chart_top = r + 2
    last = _trend_chart(ws, result, chart_top, data_col=width + 2, width_cm=sum(widths) * 0.21)
    # the header spans two rows; print_setup freezes below the row it is given
    print_setup(ws, header_row=top + 1, last_row=last, last_col=width, landscape=True)
    ws.print_title_rows = f"{top}:{top + 1}"
    ws.freeze_panes = f"B{top + 2}"
    _keep_chart_whole(ws, chart_top)


def _keep_chart_whole(ws: Worksheet, chart_top: int) -> None:
    """Table and chart on one page: as they are, scaled down a little, or with the chart on the next page."""
    above = sum(ws.row_dimensions[r].height or 15 for r in range(1, chart_top))
    needed = above + CHART_CM / 2.54 * 72
    if needed <= PAGE_PT:
        return
    if needed <= PAGE_PT * 1.4:
        ws.page_setup.fitToHeight = 1
    else:
        ws.row_breaks.append(Break(id=chart_top - 1))


PAGE_PT = 509  # printable height of a landscape A4 page with kpicli's margins, in points
CHART_CM = 7.5
CHART_ROWS = 15  # default rows the chart covers


def _trend_chart(ws: Worksheet, result: AnnualResult, top: int, *, data_col: int, width_cm: float) -> int:
    """A native line chart of each project's quarterly scores, below the table. Its data block sits right of
    the print area (blank = no score, drawn as a gap). Returns the last printed row."""
    projects = result.projects
    put(ws, 4, data_col, "折线图数据（各项目每季度得分；空白为不列入考核、未提交或缺少该季度；不打印）").font = MUTED_FONT
    header = 5
    for k, text in enumerate(["项目", *(quarter_label(q) for q in QUARTERS)]):
        cell = put(ws, header, data_col + k, text)
        cell.fill, cell.font, cell.alignment, cell.border = HEADER_FILL, HEADER_FONT, CENTER, BORDER
    for i, (_, row) in enumerate(projects.iterrows(), start=header + 1):
        put(ws, i, data_col, row["project"]).border = BORDER
        for k, q in enumerate(QUARTERS, start=1):
            score = row[f"score_{q}"] if row[f"status_{q}"] == ASSESSED else None
            put(ws, i, data_col + k, score, number_format=SCORE_FORMAT).border = BORDER
    ws.column_dimensions[get_column_letter(data_col)].width = 14
    last_data = header + len(projects)
    if projects.empty:
        return top - 2
    chart = LineChart()
    chart.title = f"{Period(result.year).label}各项目季度得分"
    chart.style = 2
    chart.y_axis.title = "得分"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 100
    chart.y_axis.majorUnit = 20
    chart.y_axis.number_format = "0"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend.position = "b"
    data = Reference(ws, min_col=data_col, max_col=data_col + len(QUARTERS), min_row=header + 1, max_row=last_data)
    chart.add_data(data, from_rows=True, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=data_col + 1, max_col=data_col + len(QUARTERS),
                                   min_row=header, max_row=header))
    for series in chart.series:
        series.marker.symbol = "circle"
        series.marker.size = 6
        series.smooth = False
    colour_series(chart)  # explicit colours: a package without a theme part draws no lines otherwise
    chart.width, chart.height = max(width_cm, 16), CHART_CM
    ws.add_chart(chart, f"A{top}")
    return top + CHART_ROWS


def _quarter_grade_cell(ws: Worksheet, r: int, c: int, row: pd.Series, q: int, names: list[str]) -> None:
    status = row[f"status_{q}"]
    if status == ASSESSED:
        cell = put(ws, r, c, f"{row[f'grade_{q}']}({format_score(row[f'score_{q}'])})")
        style = grade_style(row[f"grade_{q}"], names)
        if style:
            cell.fill, cell.font = style
    else:
        cell = put(ws, r, c, STATUS_LABELS[status])
        cell.font = MUTED_FONT
    cell.alignment = CENTER




def _capped(ws: Worksheet, result: AnnualResult) -> None:
    names = result.rules.grades.names
    headers = ["类别", "单位", *(quarter_label(q) for q in QUARTERS), "封顶原因", "相关被考核人员"]
    widths = [9, 14, 11, 11, 11, 11, 36, 30]
    _heading(ws, f"年度封顶名单——{heading(result)}", rule_text(result), widths)
    if missing_text(result):
        put(ws, 3, 1, missing_text(result)).font = WARN_FONT
    rows = capped_rows(result)
    body = [[category, label, *([""] * len(QUARTERS)), row["reason"],
             "、".join(people) if result.has_roster else "（检查表中没有人员名单）"]
            for category, label, row, people in rows]
    if not body:
        body = [["—", f"本年度没有需要封顶的职能或项目（均未达到{result.cap_grade}及以下的封顶条件）",
                 *([""] * len(QUARTERS)), "", ""]]
    top = 4
    last = write_table(ws, top, headers, body)
    for r, (_, _, row, _) in enumerate(rows, start=top + 1):
        for i, q in enumerate(QUARTERS):
            _quarter_grade_cell(ws, r, 3 + i, row, q, names)
        ws.cell(r, 3 + len(QUARTERS)).font = REASON_FONT
    if not rows:
        ws.merge_cells(start_row=top + 1, start_column=2, end_row=top + 1, end_column=len(headers))
    set_widths(ws, widths)
    _fit_rows(ws, top + 1, last, widths)
    print_setup(ws, header_row=top, last_row=last, last_col=len(headers), landscape=True)


def _ledger(ws: Worksheet, result: AnnualResult) -> None:
    """Every quarter's reward or penalty of each function and project that had one, and the year's total."""
    headers = ["类别", "单位", "方式", *(quarter_label(q) for q in QUARTERS), "全年合计"]
    r = result.rules.rewards
    widths = [7, 16, 12, 11, 11, 11, 11, 12]
    _heading(ws, f"年度奖惩台账——{heading(result)}",
             f"每季度排名第一且得分高于 {r.reward_threshold} 奖励 {r.reward_amount} 元，得分低于 {r.penalty_threshold} "
             f"处罚 {r.penalty_amount} 元（单位：元，处罚为负）；物业以服务费调整体现", widths)
    if missing_text(result):
        put(ws, 3, 1, missing_text(result)).font = WARN_FONT
    body, totals = [], {q: 0 for q in QUARTERS}
    for category, table, key in (("职能", result.functions, "function"), ("项目", result.projects, "project")):
        for _, row in table.iterrows():
            amounts = [row[f"reward_{q}"] for q in QUARTERS]
            if all(a == 0 for a in amounts):
                continue
            cells = [STATUS_LABELS[MISSING] if row[f"status_{q}"] == MISSING else int(row[f"reward_{q}"])
                     for q in QUARTERS]
            for q in QUARTERS:
                totals[q] += int(row[f"reward_{q}"])
            body.append([category, row[key], row["method"], *cells, int(row["rewards"])])
    top = 4
    if body:
        body.append(["合计", "", "", *(STATUS_LABELS[MISSING] if q in result.missing_quarters else totals[q]
                                       for q in QUARTERS), sum(totals.values())])
    else:
        body = [["—", "全年无奖惩", "", *([""] * len(QUARTERS)), 0]]
    formats = {k: AMOUNT_FORMAT for k in range(3, 4 + len(QUARTERS))}
    last = write_table(ws, top, headers, body, formats)
    for rr in range(top + 1, last + 1):
        for c in range(4, len(headers) + 1):
            cell = ws.cell(rr, c)
            cell.alignment = CENTER
            if isinstance(cell.value, int) and cell.value:
                cell.font = Font(name=FONT_NAME, color="006100" if cell.value > 0 else "9C0006", bold=c == len(headers))
            elif isinstance(cell.value, str):
                cell.font = MUTED_FONT
    if len(body) > 1 or body[0][0] == "合计":
        for c in range(1, len(headers) + 1):
            ws.cell(last, c).fill = HEADER_FILL
        ws.cell(last, 1).font = HEADER_FONT
    set_widths(ws, widths)
    print_setup(ws, header_row=top, last_row=last, last_col=len(headers), landscape=False)


def _people(ws: Worksheet, result: AnnualResult) -> None:
    headers = ["姓名", "岗位", "单位", "职能", "考核依据", "年度封顶", "年度绩效上限", "原因", "人员名单季度"]
    cap = result.cap_grade
    widths = [10, 12, 14, 7, 18, 9, 12, 44, 13]
    _heading(ws, f"人员年度结果——{heading(result)}",
             "职能负责人看职能、项目总监看项目、项目职能经理看本项目该职能是否封顶；人员名单取每人最后出现的季度", widths)
    top = 4
    if not result.has_roster:
        body = [["—", "检查表中没有「人员名单」工作表，无法列出个人；请在检查表中加入人员名单（单位、职能、姓名）",
                 *([""] * (len(headers) - 2))]]
    else:
        body = [[p.name, p.role, p.unit, p.function if isinstance(p.function, str) else "—", p.basis,
                 "是" if p.capped else "否", cap if p.capped else "—", p.reason, quarter_label(p.quarter)]
                for p in result.people.itertuples(index=False)]
    last = write_table(ws, top, headers, body)
    if result.has_roster:
        for r, p in enumerate(result.people.itertuples(index=False), start=top + 1):
            for c in (6, 7):
                cell = ws.cell(r, c)
                cell.alignment = CENTER
                if p.capped:
                    cell.fill, cell.font = CAPPED_FILL, CAPPED_FONT
        ws.auto_filter.ref = f"A{top}:{get_column_letter(len(headers))}{last}"
    else:
        ws.merge_cells(start_row=top + 1, start_column=2, end_row=top + 1, end_column=len(headers))
    set_widths(ws, widths)
    _fit_rows(ws, top + 1, last, widths)
    print_setup(ws, header_row=top, last_row=last, last_col=len(headers), landscape=True)


__all__ = ["ANNUAL_SHEETS", "build_annual_workbook", "write_annual"]
