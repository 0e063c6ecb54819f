"""The scorecard result workbook (issue #13): graded result sheets first, then the input's sheets unchanged.

    考核汇总   one row per person in rank order: sections, 总分, 等级, 绩效系数, pay, ranks, red lines; a bar chart
    指标明细   person × indicator: rule, actual as typed, computed, reviewers, which counted, final points, cell
    评分差异   every 上级/二级 score that differs from what the rule computes
    问题清单   every problem with sheet!cell
    评分规则   the scorecard settings and each input file's SHA-256

The input's sheets follow byte for byte through the shared result-book writer (kpicli.render.book).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from datetime import datetime
from fractions import Fraction
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from kpicli import __version__
from kpicli.core.exact import half_up
from kpicli.io.outputs import atomic_write
from kpicli.io.xlfast import apply_style, cached_style
from kpicli.render.book import write_result_book, write_sheets_only
from kpicli.render.chart import ranking_chart
from kpicli.render.fast_table import Splice, fast_table
from kpicli.render.problems_sheet import write_problems
from kpicli.render.style import (
    BORDER,
    CENTER,
    MUTED_FONT,
    SCORE_FORMAT,
    WRAP,
    grade_style,
    print_setup,
    put,
    set_widths,
    title,
    write_table,
)
from kpicli.rules.text import AUDIT_HEADERS, audit_rows
from kpicli.scorecard.apply import actual_text
from kpicli.scorecard.handout import carried
from kpicli.scorecard.result import ScorecardResult, differences, ordered_items, ranked_people  # moved there (issue 13)
from kpicli.scorecard.settings import DEFAULT_SETTINGS, ScorecardSettings
from kpicli.scorecard.settings_text import coefficient_text, grade_bands_text, settings_rows
from kpicli.scorecard.values import fmt

# Every sheet this writer adds; an earlier run's copies in the input are replaced.
RESULT_SHEETS = ("考核汇总", "指标明细", "评分差异", "问题清单", "评分规则")
PAY_FORMAT = "#,##0.00"
K_FORMAT = "0.0#"
TOP = 4  # header row of every table (title in row 1, note in row 2)
UNNAMED = "（未分部分）"


def write_scorecard_result(result: ScorecardResult, source_paths: Path | str | Sequence[Path | str], out: Path,
                           *, settings: ScorecardSettings = DEFAULT_SETTINGS) -> Path:
    """Write the result workbook atomically: result sheets first, then the input's sheets byte for byte.

    Several input files (a folder of one file per person): the result sheets only. Their sheets would collide
    by name (every file's sheet may be 考核表) and the cells in 指标明细 name sheets, not files, so grafting just the
    first file's sheets would point at the wrong person half the time; 评分规则 lists every file with its SHA-256.
    """
    sources = [Path(source_paths)] if isinstance(source_paths, (str, Path)) else [Path(p) for p in source_paths]

    def write(tmp: Path) -> dict[str, str] | None:
        def build(wb: Workbook) -> list[Splice]:
            return build_scorecard_sheets(wb, result, sources, settings)

        if len(sources) == 1:
            return write_result_book(sources[0], tmp, RESULT_SHEETS, build)
        write_sheets_only(tmp, build)
        return None

    carry = carried(result.handed_out) if len(sources) == 1 and result.handed_out else None
    return atomic_write(out, write, record=carry)  # forms given back (payout, annual) are checked as handed out


def build_scorecard_sheets(wb: Workbook, result: ScorecardResult, sources: Sequence[Path],
                           settings: ScorecardSettings = DEFAULT_SETTINGS) -> list[Splice]:
    """The result sheets, in front of whatever sheets wb already has; the first one selected. Returns the rows
    of the large tables (指标明细, 问题清单), to be added to the saved package (see fast_table)."""
    heading = " ".join(x for x in (result.company, result.period) if x) or "考核结果"
    people = ranked_people(result)
    _summary(wb.create_sheet(RESULT_SHEETS[0], 0), result, people, settings, heading)
    splices = [_details(wb.create_sheet(RESULT_SHEETS[1], 1), result, people, heading)]
    _differences(wb.create_sheet(RESULT_SHEETS[2], 2), result, people, heading)
    splices.append(write_problems(wb.create_sheet(RESULT_SHEETS[3], 3), result.problems, heading))
    _audit(wb.create_sheet(RESULT_SHEETS[4], 4), result, sources, settings)
    wb.active = 0
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws.title == RESULT_SHEETS[0]
    return splices


def number(value: object, places: int = 6) -> object:
    """An exact value for a cell: Fractions half-up to `places` decimals (a cell holds a double anyway)."""
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return None
    if isinstance(value, Fraction):
        return half_up(value, places)
    return value


def section_columns(result: ScorecardResult, people: pd.DataFrame) -> list[tuple[str, str]]:
    """(section name, column header) in order of first appearance; a weight or points subtotal shared by
    every person is shown in the header: 业绩考核(80%), 经营指标(60分)."""
    names: dict[str, set[str]] = {}
    for sheet in people["sheet"]:
        part = result.sections[result.sections["sheet"] == sheet]
        for name, weight, maximum in zip(part["section"], part["weight"], part["max_points"]):
            label = f"{fmt(weight)}%" if weight is not None else f"{fmt(maximum)}分"
            names.setdefault(name or UNNAMED, set()).add(label)
    return [(name, f"{name}（{next(iter(labels))}）" if len(labels) == 1 else name) for name, labels in names.items()]


def _styled(ws: Worksheet, row: int, col: int, value: object, grade: str | None, names: list[str],
            number_format: str | None = SCORE_FORMAT) -> None:
    """A centred bordered cell, in its grade's colours when a grade is given."""
    fill, font = grade_style(grade, names) or (None, None)
    style = cached_style(ws.parent, ("scorecard cell", grade, number_format), font=font, fill=fill, border=BORDER,
                         alignment=CENTER, number_format=number_format)
    apply_style(put(ws, row, col, value), style)


def _summary(ws: Worksheet, result: ScorecardResult, people: pd.DataFrame, settings: ScorecardSettings,
             heading: str) -> None:
    sections = section_columns(result, people)
    headers = ["部门", "岗位", "姓名", *(h for _, h in sections), "总分", "等级", "绩效系数", "奖金基数", "绩效奖金",
               "排名", "部门排名", "红线"]
    total_col = 4 + len(sections)
    title(ws, f"绩效考核汇总——{heading}", len(headers),
          "总分四舍五入保留两位小数；部分得分：有权重的为百分制，无权重的为该部分得分之和；"
          f"等级：{grade_bands_text(settings)}")
    write_table(ws, TOP, headers, [])
    names = settings.grades.names
    r = TOP
    for p in people.to_dict("records"):
        r += 1
        grade = p["grade"] if p["score"] is not None else None
        for c, value in enumerate((p["department"], p["position"], p["person"]), start=1):
            _styled(ws, r, c, value, None, names, None)
        mine = result.sections[result.sections["sheet"] == p["sheet"]]
        scores = {(s or UNNAMED): v for s, v in zip(mine["section"], mine["score"])}
        for c, (name, _) in enumerate(sections, start=4):
            value = scores.get(name)
            _styled(ws, r, c, half_up(Fraction(value), 2) if isinstance(value, (Fraction, int)) else None, None, names)
        _styled(ws, r, total_col, p["score"] if p["score"] is not None else "未算出", grade, names)
        _styled(ws, r, total_col + 1, grade or "—", grade, names, None)
        _styled(ws, r, total_col + 2, p["coefficient"], None, names, K_FORMAT)
        _styled(ws, r, total_col + 3, number(p["base"]), None, names, PAY_FORMAT)
        _styled(ws, r, total_col + 4, p["bonus"], None, names, PAY_FORMAT)
        _styled(ws, r, total_col + 5, _int(p["rank"]), None, names, None)
        _styled(ws, r, total_col + 6, _int(p["department_rank"]), None, names, None)
        red = "、".join(p["red_lines"])
        _styled(ws, r, total_col + 7, red, names[-1] if red else None, names, None)
    legend = f"绩效系数：{coefficient_text(settings)}；绩效奖金 = 奖金基数 × 绩效系数；排名为竞争排名（并列同名次）"
    note = put(ws, r + 2, 1, legend)
    note.font, note.alignment = MUTED_FONT, WRAP
    ws.merge_cells(start_row=r + 2, start_column=1, end_row=r + 2, end_column=len(headers))  # wrapped, not cut
    # a section header breaks before its （…）: 服务品质指标 / （35分） on two lines in 等线 and in LibreOffice's
    # fallback (at 11 the bold name broke inside and its 「）」 fell to a third line the row had no room for)
    set_widths(ws, [14, 13, 9, *(13 for _ in sections), 9, 6, 9, 11, 11, 6, 9, 22])  # 物业服务中心, 400热线专员
    print_setup(ws, header_row=TOP, last_row=r + 2, last_col=len(headers), landscape=True)
    ws.freeze_panes = f"D{TOP + 1}"
    scored = [s for s in people["score"] if s is not None]
    if scored:
        chart = ranking_chart(ws, label="个人", top=TOP, count=len(scored), name_col=3, value_col=total_col)
        chart.title = "总分排名"
        chart.y_axis.title = "总分"
        chart.y_axis.scaling.max = max(100, math.ceil(max(scored) / 10) * 10)  # bonus points may pass 100
        ws.add_chart(chart, f"A{r + 4}")
        ws.print_area = f"A1:{ws.cell(TOP, len(headers)).column_letter}{r + 4 + int(chart.height * 2)}"
        # table and chart on one page when a little scaling does it (about 20 pt a row, a landscape A4 page holds
        # 509 pt); otherwise the chart starts a new page instead of being cut in two
        if (r + 4) * 20 + chart.height / 2.54 * 72 <= 509 * 1.4:
            ws.page_setup.fitToHeight = 1
        else:
            ws.row_breaks.append(Break(id=r + 3))


def _int(value: object) -> int | None:
    return None if value is None or value is pd.NA or pd.isna(value) else int(value)


def _where(sheet: object, cell: object) -> str:
    return f"{sheet}!{cell}" if cell else str(sheet or "")


COUNTED_CELL = {"上级评分": "reviewer1_cell", "二级评分": "reviewer2_cell", "计分方式": "actual_cell",
                "自评": "self_cell"}


DETAIL_HEADERS = ["部门", "姓名", "考核维度", "考核指标", "满分", "计分方式", "实际完成", "计算得分", "自评", "上级评分",
                  "二级评分", "采用", "最终得分", "单元格"]


def _details(ws: Worksheet, result: ScorecardResult, people: pd.DataFrame, heading: str) -> Splice:
    """A row per person and indicator, thousands in a department: written as XML rows (fast_table)."""
    title(ws, f"指标明细——{heading}", len(DETAIL_HEADERS),
          "每人每个考核指标一行；计算得分＝按计分方式算出的分数；采用＝计入得分的评分及其单元格")
    rows = []
    for t in ordered_items(result, people).itertuples(index=False):
        cell = getattr(t, COUNTED_CELL.get(t.basis, "indicator_cell"), None) or t.indicator_cell
        rows.append([t.department, t.person, t.section or "", t.indicator, number(t.max_points),
                     t.rule_text or "直接", actual_text(t.rule, t.actual), number(t.computed), number(t.self),
                     number(t.reviewer1), number(t.reviewer2), t.basis, number(t.score), _where(t.sheet, cell)])
    formats = {k: SCORE_FORMAT for k in (7, 8, 9, 10, 12)}
    widths = [13, 8, 14, 18, 6, 34, 9, 9, 7, 9, 9, 9, 9, 12]  # 部门 fits 物业服务中心
    splice, last = fast_table(ws, TOP, DETAIL_HEADERS, rows, widths, formats)
    print_setup(ws, header_row=TOP, last_row=last, last_col=len(DETAIL_HEADERS), landscape=True)
    ws.auto_filter.ref = f"A{TOP}:N{max(last, TOP)}"
    return splice


def _differences(ws: Worksheet, result: ScorecardResult, people: pd.DataFrame, heading: str) -> None:
    headers = ["部门", "姓名", "考核指标", "实际完成", "计算得分", "评分人", "评分", "差额", "是否采用", "单元格"]
    title(ws, f"评分差异——{heading}", len(headers),
          "上级或二级评分与按计分方式算出的分数不同的指标（以评分人的分数为准，请核对是否有意为之）")
    rows = [[d["department"], d["person"], d["indicator"], d["actual"], number(d["computed"]), d["reviewer"],
             number(d["points"]), number(d["points"] - d["computed"]), "是" if d["counted"] else "否", d["cell"]]
            for d in differences(result, people)]
    if not rows:
        rows.append(["—", "", "没有评分差异", "", None, "", None, None, "", ""])
    last = write_table(ws, TOP, headers, rows, {4: SCORE_FORMAT, 6: SCORE_FORMAT, 7: "+0.00;-0.00;0.00"})
    set_widths(ws, [13, 8, 18, 10, 9, 9, 8, 8, 9, 12])
    print_setup(ws, header_row=TOP, last_row=last, last_col=len(headers), landscape=True)


def _audit(ws: Worksheet, result: ScorecardResult, sources: Sequence[Path], settings: ScorecardSettings) -> None:
    rows: list[list[object]] = []
    for source in sources:
        digest = hashlib.sha256(Path(source).read_bytes()).hexdigest()
        rows += [["输入文件", Path(source).name], ["输入文件 SHA-256", digest]]
    rows += [["kpicli 版本", __version__], ["评分时间", datetime.now().strftime("%Y-%m-%d %H:%M:%S")],
             ["公司", result.company or ""], ["考核期间", result.period or ""]]
    rows = [*([k, v, ""] for k, v in rows), *audit_rows(settings_rows(settings))]
    title(ws, "评分规则与审计信息", 3)
    last = write_table(ws, 3, AUDIT_HEADERS, rows)
    set_widths(ws, [28, 80, 32])  # 值 holds the 64 characters of the SHA-256 on one line, fallback fonts too
    print_setup(ws, header_row=3, last_row=last, last_col=3, landscape=True)


__all__ = ["RESULT_SHEETS", "build_scorecard_sheets", "differences", "ranked_people", "write_scorecard_result"]
