"""The year of scorecards shown: the terminal table and the annual workbook (contract scorecard.md §6).

    年度汇总    one row per person (computed in rank order, then the others): each period, 平均, 年终考核,
                民主评议, 年度总得分, 等级, 绩效系数, 绩效奖金, 排名, missing periods, red lines; below it a native line
                chart of every person's periodic totals
    未计算名单  the people not computed and why
    问题清单    every problem with file and sheet!cell
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference, Series
from openpyxl.chart.series import SeriesLabel, StrRef
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet
from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from kpicli.core.exact import format_score, half_up
from kpicli.core.period import Period
from kpicli.io.outputs import YEAR_KIND, mark_workbook, save_workbook
from kpicli.io.xlfast import apply_style, cached_style
from kpicli.render.book import apply_splices
from kpicli.render.chart import colour_series
from kpicli.render.fast_table import Splice
from kpicli.render.problems_sheet import SUMMARY_NOTE, write_problems
from kpicli.render.style import (
    BORDER,
    CENTER,
    MUTED_FONT,
    NOT_APPLICABLE_FILL,
    SCORE_FORMAT,
    WRAP,
    grade_style,
    new_workbook,
    print_setup,
    put,
    set_widths,
    title,
    write_table,
)
from kpicli.render.terminal import console as default_console
from kpicli.render.terminal import grade_text, print_problems
from kpicli.scorecard.annual import ScorecardYear, YearPerson
from kpicli.scorecard.settings_text import coefficient_text, grade_bands_text, k_text, number_text

YEAR_SHEETS = ("年度汇总", "未计算名单", "问题清单")
PAY_FORMAT = "#,##0.00"
K_FORMAT = "0.0#"
TOP = 4  # header row of every table (title in row 1, notes in rows 2–3)
PAGE_PT = 509  # printable height of a landscape A4 page with kpicli's margins, in points
CHART_CM = 9.0
CHART_ROWS = 19  # rows of default height the chart covers
NAME_WIDTH = 16
WIDE = 10_000  # measuring a table without the console's width as limit


def heading(year: ScorecardYear) -> str:
    return " ".join(x for x in (year.company, Period(year.year).label) if x)


def formula_text(year: ScorecardYear) -> str:
    """年度总得分 = 月度平均 × 30% + 年终考核 × 65% + 民主评议 × 5%, with the weights in force."""
    w = year.settings.annual
    return (f"年度总得分 = {year.average_label} × {number_text(w.periodic)}% + 年终考核 × {number_text(w.year_end)}% + "
            f"民主评议 × {number_text(w.review)}%，精确计算，最后四舍五入保留两位小数")


def average_text(year: ScorecardYear) -> str:
    unit = "季度" if year.unit == "quarter" else "月份"
    return (f"{year.average_label}＝此人已有{unit}得分（各表总分四舍五入后）的平均，缺少的{unit}不计入、不按 0 分计；"
            "表中平均值显示两位小数，计算用精确值")


def _two(value: object) -> Decimal | None:
    """A value shown to two decimals: the exact mean rounded half-up (Decimals are already rounded)."""
    if value is None:
        return None
    return value if isinstance(value, Decimal) else half_up(value, 2)  # type: ignore[arg-type]


# ---------------------------------------------------------------- terminal


def _money(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:,.2f}"


def _table(title: str) -> Table:
    # the box draws one space between columns and nothing at the edges: the many columns fit 80 characters
    return Table(title=title, box=box.SIMPLE_HEAVY, title_justify="left", title_style="bold", pad_edge=False,
                 show_edge=False, padding=0)


def _period_cells(p: YearPerson, labels: list[str]) -> list[Text | str]:
    return [format_score(p.periods[label]) if label in p.periods else Text("缺", style="dim yellow")
            for label in labels]


def _name(p: YearPerson) -> Text:
    return Text(p.name) if not p.red_lines else Text(f"{p.name}（红线）", style="bold red")


def year_table(year: ScorecardYear, *, with_periods: bool = True) -> Table:
    """姓名, 部门, each period (with_periods), 平均, 年终, 民主评议, 年度总得分, 等级, K, 奖金, 排名."""
    table = _table("年度综合得分")
    # the name stays on one line (with its red-line mark) while it is not absurdly long; 部门 folds first
    longest = max((cell_len(_name(p).plain) for p in year.people), default=4)
    table.add_column("姓名", min_width=min(longest, NAME_WIDTH), max_width=NAME_WIDTH, overflow="fold")
    table.add_column("部门", max_width=12, overflow="fold")
    labels = year.periods if with_periods else []
    for label in labels:
        table.add_column(label, justify="right", no_wrap=True)
    for name in ("平均", "年终", "民主评议", "年度总得分"):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("等级", justify="center", no_wrap=True)
    table.add_column("绩效系数", justify="right", no_wrap=True)
    table.add_column("奖金", justify="right", no_wrap=True)
    table.add_column("排名", justify="right", no_wrap=True)
    names = year.settings.grades.names
    for p in year.people:
        name = _name(p)
        total = format_score(p.score) if p.computed else Text("未计算", style="dim")
        table.add_row(name, p.department or "—", *_period_cells(p, labels), format_score(_two(p.periodic_average)),
                      format_score(p.year_end), format_score(_two(p.review)), total,
                      grade_text(p.grade if p.computed else None, names),
                      k_text(p.coefficient), _money(p.bonus),
                      "—" if p.rank is None else str(p.rank))
    return table


def periods_table(year: ScorecardYear) -> Table:
    """姓名 and each period: the periods on their own when one table would be wider than the terminal."""
    table = _table("各期得分")
    table.add_column("姓名", max_width=10, overflow="fold")
    for label in year.periods:
        table.add_column(label, justify="right", no_wrap=True)
    for p in year.people:
        table.add_row(p.name, *_period_cells(p, year.periods))
    return table


def print_scorecard_year(year: ScorecardYear, console: Console | None = None) -> None:
    """The formula, the table, who is not computed and why, missing periods, red lines, then the problems."""
    out = console or default_console()
    out.print(Text.assemble((year.company or "（未填写公司名称）", "bold"), f" · {Period(year.year).label} · 年度综合得分"))
    out.print(formula_text(year), style="dim", soft_wrap=True, markup=False)
    table = year_table(year)
    if out.measure(table, options=out.options.update(max_width=WIDE)).maximum > out.width:
        out.print(year_table(year, with_periods=False))
        out.print(periods_table(year))
    else:
        out.print(table)
    missing = [p for p in year.people if p.missing and p.computed]
    for p in missing:
        out.print(f"缺少期间：{p.name}{_dept(p)}缺少 {'、'.join(p.missing)}（不计入平均，也不按 0 分计）", soft_wrap=True,
                  markup=False)
    not_computed = [p for p in year.people if not p.computed]
    if not_computed:
        out.print(Text(f"未计算（{len(not_computed)} 人，不参与排名）：", style="bold yellow"))
        for p in not_computed:
            out.print(f"  {p.name}{_dept(p)}：{p.reason}", soft_wrap=True, markup=False)
    for p in year.people:
        if p.red_lines:
            out.print(Text.assemble(("触及红线：", "bold red"), f"{p.name}{_dept(p)}：{'、'.join(p.red_lines)}"),
                      soft_wrap=True)
    print_problems(year.problems, out, empty="没有发现问题。", advice=False)


def _dept(p: YearPerson) -> str:
    return f"（{p.department}）" if p.department else ""


# ---------------------------------------------------------------- workbook


def write_scorecard_year(year: ScorecardYear, out: Path) -> Path:
    """The annual workbook, saved atomically; the caller has checked the target (outputs.ensure_writable)."""
    wb, splices = build_year_workbook(year)
    mark_workbook(wb, YEAR_KIND)
    return save_workbook(wb, out, [lambda tmp: apply_splices(tmp, splices)])


def build_year_workbook(year: ScorecardYear) -> tuple[Workbook, list[Splice]]:
    """The annual workbook and the rows of its problems sheet, to splice in after saving (render.book)."""
    wb = new_workbook()
    _summary(wb.active, year)
    _not_computed(wb.create_sheet(YEAR_SHEETS[1]), year)
    return wb, [write_problems(wb.create_sheet(YEAR_SHEETS[2]), year.problems, heading(year), SUMMARY_NOTE)]


def _cell(ws: Worksheet, row: int, col: int, value: object, number_format: str | None = SCORE_FORMAT,
          grade: str | None = None, names: list[str] | None = None, fill: object = None) -> None:
    """A centred bordered cell, in its grade's colours when a grade is given."""
    font = None
    if grade is not None and names:
        fill, font = grade_style(grade, names) or (fill, None)
    style = cached_style(ws.parent, ("year cell", grade, number_format, fill is not None), font=font, fill=fill,
                         border=BORDER, alignment=CENTER, number_format=number_format)
    apply_style(put(ws, row, col, value), style)


def _summary(ws: Worksheet, year: ScorecardYear) -> None:
    ws.title = YEAR_SHEETS[0]
    periods = year.periods
    headers = ["姓名", "部门", *periods, year.average_label, "年终考核", "民主评议", "年度总得分", "等级", "绩效系数",
               "绩效奖金", "排名", "缺少期间", "红线"]
    first_period, after = 3, 3 + len(periods)
    widths = [9, 13, *(7 for _ in periods), 9, 9, 9, 10, 6, 9, 11, 6, 12, 24]
    title(ws, f"绩效考核年度汇总——{heading(year)}", len(headers))
    for r, text in ((2, formula_text(year)), (3, f"{average_text(year)}；等级：{grade_bands_text(year.settings)}")):
        note = put(ws, r, 1, text)
        note.font, note.alignment = MUTED_FONT, WRAP
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(headers))
        ws.row_dimensions[r].height = 30
    write_table(ws, TOP, headers, [])
    names = list(year.settings.grades.names)
    r = TOP
    for p in year.people:
        r += 1
        _cell(ws, r, 1, p.name, None)
        _cell(ws, r, 2, p.department, None)
        for c, label in enumerate(periods, start=first_period):
            # blank, not text: a line chart draws a missing period as a gap (text would plot as 0)
            _cell(ws, r, c, p.periods.get(label), fill=None if label in p.periods else NOT_APPLICABLE_FILL)
        grade = p.grade if p.computed else None
        values = [(_two(p.periodic_average), SCORE_FORMAT), (p.year_end, SCORE_FORMAT), (_two(p.review), SCORE_FORMAT)]
        for c, (value, number_format) in enumerate(values, start=after):
            _cell(ws, r, c, value, number_format)
        _cell(ws, r, after + 3, p.score if p.computed else "未计算", SCORE_FORMAT, grade, names)
        _cell(ws, r, after + 4, grade or "—", None, grade, names)
        _cell(ws, r, after + 5, p.coefficient, K_FORMAT)
        _cell(ws, r, after + 6, p.bonus, PAY_FORMAT)
        _cell(ws, r, after + 7, p.rank, None)
        _cell(ws, r, after + 8, "、".join(p.missing), None)
        red = "、".join(p.red_lines)
        _cell(ws, r, after + 9, red, None, names[-1] if red else None, names)
    legend = (f"绩效系数：{coefficient_text(year.settings)}；绩效奖金 = 年终考核表的奖金基数 × 绩效系数；"
              "排名为竞争排名（并列同名次），只在已计算的人之间；灰色格＝缺少该期间；未计算的原因见「未计算名单」")
    note = put(ws, r + 2, 1, legend)
    note.font, note.alignment = MUTED_FONT, WRAP
    ws.merge_cells(start_row=r + 2, start_column=1, end_row=r + 2, end_column=len(headers))
    set_widths(ws, widths)
    last = r + 2
    print_setup(ws, header_row=TOP, last_row=last, last_col=len(headers), landscape=True)
    ws.freeze_panes = f"C{TOP + 1}"
    drawn = [i for i, p in enumerate(year.people) if p.periods]
    if periods and drawn:
        chart_top = r + 4
        _trend_chart(ws, year, chart_top, first_period, drawn, width_cm=sum(widths) * 0.2)
        ws.print_area = f"A1:{ws.cell(TOP, len(headers)).column_letter}{chart_top + CHART_ROWS}"
        _keep_chart_whole(ws, chart_top)


def _trend_chart(ws: Worksheet, year: ScorecardYear, top: int, first_col: int, drawn: list[int],
                 width_cm: float) -> None:
    """One line per person over the periods, read from the table itself (blank cells are gaps)."""
    chart = LineChart()
    chart.title = f"{Period(year.year).label}个人{'季度' if year.unit == 'quarter' else '月度'}得分趋势"
    chart.style = 2
    chart.y_axis.title = "得分"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 100 if all(s <= 100 for p in year.people for s in p.periods.values()) else 120
    chart.y_axis.majorUnit = 20
    chart.y_axis.number_format = "0"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend.position = "r"
    last_col = first_col + len(year.periods) - 1
    for i in drawn:
        row = TOP + 1 + i
        values = Reference(ws, min_col=first_col, max_col=last_col, min_row=row, max_row=row)
        series = Series(values)
        series.tx = SeriesLabel(strRef=StrRef(f"'{ws.title}'!$A${row}"))
        series.marker.symbol = "circle"
        series.marker.size = 6
        series.smooth = False
        chart.series.append(series)
    chart.set_categories(Reference(ws, min_col=first_col, max_col=last_col, min_row=TOP, max_row=TOP))
    colour_series(chart)  # explicit colours: a package without a theme part draws no lines otherwise
    chart.width, chart.height = max(width_cm, 18), CHART_CM
    ws.add_chart(chart, f"A{top}")


def _keep_chart_whole(ws: Worksheet, chart_top: int) -> None:
    """Table and chart on one page when a little scaling does it; otherwise the chart starts the next page."""
    above = sum(ws.row_dimensions[r].height or 15 for r in range(1, chart_top))
    needed = above + CHART_CM / 2.54 * 72
    if needed <= PAGE_PT * 1.4:
        ws.page_setup.fitToHeight = 1
    else:
        ws.row_breaks.append(Break(id=chart_top - 1))


def _not_computed(ws: Worksheet, year: ScorecardYear) -> None:
    headers = ["姓名", "部门", "已有期间", "年终考核", "民主评议", "原因"]
    title(ws, f"未计算名单——{heading(year)}", len(headers),
          "缺少年终考核、平时考核或民主评议任何一项的人不计算年度总得分（不按 0 分计），也不参与排名")
    rows = [[p.name, p.department, "、".join(p.periods) or "—", p.year_end, _two(p.review), p.reason]
            for p in year.people if not p.computed]
    if not rows:
        rows.append(["—", "", "", None, None, "所有人都已计算年度总得分"])
    last = write_table(ws, TOP, headers, rows, {3: SCORE_FORMAT, 4: SCORE_FORMAT})
    set_widths(ws, [9, 13, 22, 9, 9, 60])
    print_setup(ws, header_row=TOP, last_row=last, last_col=len(headers), landscape=True)


__all__ = ["YEAR_SHEETS", "build_year_workbook", "formula_text", "periods_table", "print_scorecard_year",
           "write_scorecard_year", "year_table"]
