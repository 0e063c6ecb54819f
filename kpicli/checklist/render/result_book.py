"""The result workbook: the input's sheets unchanged, plus graded result sheets."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import pandas as pd
from openpyxl.styles import Alignment
from openpyxl.styles.cell_style import StyleArray
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from kpicli import __version__
from kpicli.checklist.assessment import Assessment
from kpicli.checklist.function_sheet import display_value
from kpicli.checklist.rewards import method_label, reward_reason, team_members
from kpicli.checklist.words import NO_PROJECT_RANKING
from kpicli.core.exact import format_score
from kpicli.core.vocab import FUNCTIONS
from kpicli.io.outputs import atomic_write, default_output
from kpicli.io.xlfast import apply_style, cached_style, style_array, style_id
from kpicli.render.book import write_result_book
from kpicli.render.chart import ranking_chart
from kpicli.render.fast_table import Splice, fast_table
from kpicli.render.problems_sheet import PROBLEMS_SHEET, write_problems
from kpicli.render.style import (
    AMOUNT_FORMAT,
    BORDER,
    CENTER,
    HEADER_FILL,
    HEADER_FONT,
    MUTED_FONT,
    SCORE_FORMAT,
    grade_style,
    one_page_if_readable,
    print_setup,
    put,
    set_widths,
    title,
    write_table,
)
from kpicli.rules.text import AUDIT_HEADERS, audit_rows, rules_rows

# Every sheet kpicli may add; an earlier run's copies are removed before new ones go in.
RESULT_SHEETS = ("评分汇总", "职能排名", "项目排名", "奖惩明细", "奖惩分配表", "岗位得分", "自查偏差", "问题清单", "明细",
                 "评分规则")
NOT_ASSESSED = "不列入考核"


def write_result(assessment: Assessment, out: Path) -> Path:
    """The input's package with the result sheets in front (an earlier run's results replaced), written
    atomically by the shared result-book writer (render.book: grafted, or an openpyxl round trip)."""
    source = assessment.checklist.path

    def write(tmp: Path) -> dict[str, str] | None:
        return write_result_book(source, tmp, RESULT_SHEETS, lambda wb: build_result_sheets(wb, assessment))

    from kpicli.checklist.result_record import result_record
    from kpicli.io.provenance import read

    handed_out = read(source)
    return atomic_write(out, write, record=result_record(assessment, handed_out.data if handed_out else None))


def build_result_sheets(wb: Workbook, a: Assessment) -> list[Splice]:
    names = a.rules.grades.names
    heading = f"{a.company or ''} {a.period_label}".strip()
    _summary(wb.create_sheet("评分汇总", 0), a, names, heading)
    _ranking(wb.create_sheet("职能排名", 1), a, "function", heading)
    _ranking(wb.create_sheet("项目排名", 2), a, "project", heading)
    _rewards(wb.create_sheet("奖惩明细", 3), a, heading)
    _roles(wb.create_sheet("岗位得分", 4), a, names, heading)
    splices = [_deviations(wb.create_sheet("自查偏差", 5), a, heading),
               write_problems(wb.create_sheet(PROBLEMS_SHEET, 6), a.problems, heading),
               _details(wb.create_sheet("明细", 7), a, heading)]
    _audit(wb.create_sheet("评分规则", 8), a)
    from kpicli.checklist.render.allocation import add_allocation_sheet

    add_allocation_sheet(wb, a)  # 奖惩分配表 after 奖惩明细, only with a roster and some reward or penalty
    wb.active = 0
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws.title == "评分汇总"
    return splices


def _cell_style(ws: Worksheet, kind: str, grade: str | None = None, names: Sequence[str] = ()) -> StyleArray:
    """The style of a summary or ranking cell: a plain centred text, 不列入考核, or a score in its grade's colours."""
    if kind == "text":
        return cached_style(ws.parent, ("result text",), border=BORDER, alignment=CENTER)
    if kind == "unassessed":
        return cached_style(ws.parent, ("result unassessed",), font=MUTED_FONT, border=BORDER, alignment=CENTER)
    fill, font = grade_style(grade, names) or (None, None)
    return cached_style(ws.parent, ("result score", grade), font=font, fill=fill, border=BORDER, alignment=CENTER,
                        number_format=SCORE_FORMAT)


def _score_cell(ws: Worksheet, row: int, col: int, score: object, grade: str | None, names: list[str]) -> None:
    if score is None:
        apply_style(put(ws, row, col, NOT_ASSESSED), _cell_style(ws, "unassessed"))
    else:
        apply_style(put(ws, row, col, score), _cell_style(ws, "score", grade if grade in names else None, names))


def _summary(ws: Worksheet, a: Assessment, names: list[str], heading: str) -> None:
    """Project × function matrix of unit scores, coloured by grade, with project and function totals."""
    headers = ["项目", *FUNCTIONS, "项目得分", "等级", "排名", "奖惩（元）"]
    title(ws, f"客户触点分级管理考核评分汇总——{heading}", len(headers),
          f"得分 = 100 × Σ（权重 × 完成度） ÷ Σ（权重），四舍五入保留两位小数；规则：{a.rules_source}")
    top = 4
    write_table(ws, top, headers, [])
    unit = {(u.function, u.group): u for u in a.units.itertuples(index=False)}
    r = top
    for p in a.projects.itertuples(index=False):
        r += 1
        put(ws, r, 1, p.project).border = BORDER
        for c, f in enumerate(FUNCTIONS, start=2):
            u = unit[(f, p.project)]
            _score_cell(ws, r, c, u.score, u.grade, names)
        _score_cell(ws, r, 7, p.score, p.grade, names)
        _text_cell(ws, r, 8, p.grade if p.assessed else "—")
        _text_cell(ws, r, 9, int(p.rank) if p.assessed else "—")
        _amount_cell(ws, r, 10, p.reward)
    for group in a.units.loc[a.units["is_company"], "group"].unique():
        r += 1
        put(ws, r, 1, f"{group}（职能级）").border = BORDER
        for c, f in enumerate(FUNCTIONS, start=2):
            u = unit.get((f, group))
            if u is None:
                _text_cell(ws, r, c, "—")
            else:
                _score_cell(ws, r, c, u.score, u.grade, names)
        for c in (7, 8, 9, 10):
            _text_cell(ws, r, c, "")
    functions = {row.function: row for row in a.functions.itertuples(index=False)}
    for label, key in (("职能得分", "score"), ("职能等级", "grade"), ("职能排名", "rank"), ("职能奖惩（元）", "reward")):
        r += 1
        cell = put(ws, r, 1, label)
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, BORDER
        for c, f in enumerate(FUNCTIONS, start=2):
            row = functions[f]
            if key == "score":
                _score_cell(ws, r, c, row.score, row.grade, names)
            elif key == "reward":
                _amount_cell(ws, r, c, row.reward)
            else:
                value = getattr(row, key)
                _text_cell(ws, r, c, (int(value) if key == "rank" else value) if row.assessed else "—")
        for c in (7, 8, 9, 10):
            _text_cell(ws, r, c, "")
    legend = "等级：" + "，".join(f"{b.grade} ≥ {b.min}" for b in a.rules.grades.bands) + f"，其余为 {a.rules.grades.lowest}"
    legend += "\uff1b奖惩\uff1a正数为奖励、负数为处罚\uff0c空白为无奖惩\uff08物业以服务费调整体现\uff09"
    note = put(ws, r + 2, 1, legend)
    note.font, note.alignment = MUTED_FONT, Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=r + 2, start_column=1, end_row=r + 2, end_column=len(headers))  # not cut at the edge
    ws.row_dimensions[r + 2].height = 30  # two lines, in 等线 and in LibreOffice's fallback font
    r += 2
    for line in _unassessed_reasons(a):  # why a unit shows 不列入考核, so nobody reads it as a zero
        r += 1
        note = put(ws, r, 1, line)
        note.font, note.alignment = MUTED_FONT, Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(headers))  # wraps, never cut
    set_widths(ws, [22, 11, 11, 11, 11, 11, 11, 8, 8, 13])  # 奖惩（元） on one line
    print_setup(ws, header_row=top, last_row=r, last_col=len(headers), landscape=True)
    # notes a few lines past the page print on page 1 (a little smaller), not on a page of their own
    one_page_if_readable(ws, last_row=r, last_col=len(headers), landscape=True)
    ws.freeze_panes = "B5"


def _unassessed_reasons(a: Assessment) -> list[str]:
    """One line per unit that is not assessed for a reason other than having no applicable item."""
    if "reason" not in a.units.columns:
        return []
    lines = []
    for u in a.units.itertuples(index=False):
        if not u.assessed and u.reason and u.reason != "没有适用的触点":
            lines.append(f"{u.group}·{u.function}：不列入考核（{u.reason}）")
    return lines


def _text_cell(ws: Worksheet, row: int, col: int, value: object) -> None:
    apply_style(put(ws, row, col, value), _cell_style(ws, "text"))


def _amount_cell(ws: Worksheet, row: int, col: int, amount: object) -> None:
    """A signed reward amount (+3,000 / -3,000), blank when there is no reward or penalty."""
    style = cached_style(ws.parent, ("result amount",), border=BORDER, alignment=CENTER, number_format=AMOUNT_FORMAT)
    apply_style(put(ws, row, col, amount if amount else None), style)


def _ranking(ws: Worksheet, a: Assessment, kind: str, heading: str) -> None:
    table = a.functions if kind == "function" else a.projects
    label = "职能" if kind == "function" else "项目"
    title(ws, f"{label}排名——{heading}", 7, "竞争排名（并列同名次）；不列入考核的单位不参与排名")
    ordered = table.assign(_r=table["rank"].fillna(10**6)).sort_values(["_r"], kind="stable")
    rows = []
    for t in ordered.itertuples(index=False):
        name = t.function if kind == "function" else t.project
        paid = t.reward != 0  # no reward or penalty: amount and method blank, not「0 团队奖金」
        rows.append([int(t.rank) if t.assessed else "—", name, t.score if t.assessed else NOT_ASSESSED,
                     t.grade if t.assessed else "—", t.reward if paid else None, method_label(t.reward, t.method) if paid else "",
                     reward_reason(t.score, t.rank, t.reward, a.rules)])
    headers = ["排名", label, "得分", "等级", "奖惩金额（元）", "方式", "说明"]
    top = 4
    last = write_table(ws, top, headers, rows, {2: SCORE_FORMAT, 4: AMOUNT_FORMAT})
    names = a.rules.grades.names
    for r, t in enumerate(ordered.itertuples(index=False), start=top + 1):
        _score_cell(ws, r, 3, t.score if t.assessed else None, t.grade, names)
    if table.empty and kind == "project":  # a blank table under the header would read as nobody scored
        last += 1
        note = put(ws, last, 1, NO_PROJECT_RANKING)
        note.font, note.alignment = MUTED_FONT, Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=last, start_column=1, end_row=last, end_column=len(headers))
    set_widths(ws, [7, 20, 11, 8, 16, 12, 32])
    print_setup(ws, header_row=top, last_row=last, last_col=len(headers), landscape=False)
    assessed = int(ordered["assessed"].sum())
    if assessed:
        chart = ranking_chart(ws, label=label, top=top, count=assessed)
        ws.add_chart(chart, f"A{last + 3}")
        ws.print_area = f"A1:G{last + 3 + int(chart.height * 2)}"


def _rewards(ws: Worksheet, a: Assessment, heading: str) -> None:
    headers = ["类别", "单位", "排名", "得分", "等级", "金额（元）", "方式", "说明", "团队成员"]
    title(ws, f"奖惩明细——{heading}", len(headers),
          f"排名第一且得分高于 {a.rules.rewards.reward_threshold} 奖励 {a.rules.rewards.reward_amount} 元；"
          f"得分低于 {a.rules.rewards.penalty_threshold} 处罚 {a.rules.rewards.penalty_amount} 元；"
          "由项目总监/职能负责人分配，报运营管理部审核，人力资源行政部备案；物业以服务费调整体现")
    roster = a.checklist.roster
    rows = []
    for kind, table, key in (("职能", a.functions, "function"), ("项目", a.projects, "project")):
        for t in table.itertuples(index=False):
            if t.reward == 0:
                continue
            unit = getattr(t, key)
            members = team_members(roster, "function" if kind == "职能" else "project", unit, a.rules)
            rows.append([kind, unit, int(t.rank), t.score, t.grade, t.reward, method_label(t.reward, t.method),
                         reward_reason(t.score, t.rank, t.reward, a.rules), "、".join(members)])
    if not rows:
        rows.append(["—", "本季度无奖惩", "", None, "", 0, "", "", ""])
    last = write_table(ws, 4, headers, rows, {3: SCORE_FORMAT, 5: AMOUNT_FORMAT})
    set_widths(ws, [7, 18, 7, 10, 7, 11, 12, 30, 40])  # landscape: room for a team of seven names
    print_setup(ws, header_row=4, last_row=last, last_col=len(headers), landscape=True)


def _roles(ws: Worksheet, a: Assessment, names: list[str], heading: str) -> None:
    headers = ["岗位", "单位", "职能", "姓名", "得分", "等级", "依据"]
    title(ws, f"岗位得分——{heading}", len(headers), "职能负责人取职能得分；项目总监取项目得分；项目职能经理取本项目该职能得分")
    rows = [[r.role, r.unit, r.function if isinstance(r.function, str) else "—", r.names, r.score if r.assessed else NOT_ASSESSED,
             r.grade if r.assessed else "—", r.basis] for r in a.roles.itertuples(index=False)]
    last = write_table(ws, 4, headers, rows)
    for r, role in enumerate(a.roles.itertuples(index=False), start=5):
        _score_cell(ws, r, 5, role.score if role.assessed else None, role.grade, names)
    set_widths(ws, [11, 18, 7, 16, 11, 7, 24])
    print_setup(ws, header_row=4, last_row=last, last_col=len(headers), landscape=False)
    ws.auto_filter.ref = f"A4:G{last}"


def _deviations(ws: Worksheet, a: Assessment, heading: str) -> Splice:
    """Tens of thousands of rows in a large group: written as XML rows (fast_table)."""
    headers = ["职能", "项目", "触点编号", "触点名称", "自查", "检查", "自查单元格", "检查单元格"]
    title(ws, f"自查偏差——{heading}", len(headers), "自查结果高于城市公司检查结果的项目（仅提示，不影响得分）")
    d = a.deviations
    rows: pd.DataFrame | list[list[str]] = pd.DataFrame({
        "function": d["function"], "group": d["group"], "item_id": [v or "" for v in d["item_id"].tolist()],
        "name": d["name"], "self": [display_value(v) for v in d["self_raw"].tolist()],
        "check": [display_value(v) for v in d["check_raw"].tolist()],
        "self_cell": [f"{s}!{c}" for s, c in zip(d["sheet"].tolist(), d["self_cell"].tolist())],
        "check_cell": [f"{s}!{c}" for s, c in zip(d["sheet"].tolist(), d["check_cell"].tolist())],
    }, index=d.index)
    if d.empty:
        rows = [["—", "本季度无自查偏差", "", "", "", "", "", ""]]
    splice, last = fast_table(ws, 4, headers, rows, [7, 16, 10, 26, 9, 9, 16, 16])  # 客户关系篇!AB13 on one line
    print_setup(ws, header_row=4, last_row=last, last_col=len(headers), landscape=True)
    return splice


DETAIL_HEADERS = ["职能", "单位", "触点编号", "阶段", "触点名称", "等级", "权重", "自查", "检查", "采用", "结果",
                  "完成度", "单元格"]
DETAIL_NUMERIC = [False] * 6 + [True] + [False] * 4 + [True, False]
DETAIL_FORMATS = {6: "0.##", 11: "0.00%"}
DETAIL_TOP = 4


def detail_table(a: Assessment) -> pd.DataFrame:
    """One row per item × group, in the columns of the 明细 sheet (built column-wise, no per-row loop)."""
    items = a.items
    cell = items["check_cell"].where(items["counted"].ne("自查"), items["self_cell"])
    return pd.DataFrame({
        "职能": items["function"], "单位": items["group"], "触点编号": items["item_id"], "阶段": items["stage"],
        "触点名称": items["name"], "等级": items["level"], "权重": items["weight"],
        "自查": items["self_raw"].map(display_value, na_action="ignore"),
        "检查": items["check_raw"].map(display_value, na_action="ignore"),
        "采用": items["counted"], "结果": items["value"],
        "完成度": items["credit"].where(items["applicable"], "不计分"),
        "单元格": (items["sheet"] + "!" + cell).where(cell.notna(), items["sheet"]),
    })


def _details(ws: Worksheet, a: Assessment, heading: str) -> Splice:
    """Header via openpyxl; the rows themselves as XML spliced in after saving (see xlfast)."""
    title(ws, f"评分明细——{heading}", len(DETAIL_HEADERS), "每个项目（单位）每个触点一行；采用=计分所用的结果（检查/自查/空）")
    write_table(ws, DETAIL_TOP, DETAIL_HEADERS, [])
    table = detail_table(a)
    last = DETAIL_TOP + len(table)
    set_widths(ws, [7, 14, 9, 10, 26, 7, 7, 9, 9, 7, 9, 11, 16])  # 完成度 holds 100.00% in any font
    print_setup(ws, header_row=DETAIL_TOP, last_row=last, last_col=len(DETAIL_HEADERS), landscape=True)
    ws.auto_filter.ref = f"A{DETAIL_TOP}:M{last}"
    wb = ws.parent
    styles = [style_id(wb, style_array(wb, border=BORDER, number_format=DETAIL_FORMATS.get(i)))
              for i in range(len(DETAIL_HEADERS))]
    return Splice(ws.title, table, DETAIL_TOP + 1, styles, DETAIL_NUMERIC, last, formats=DETAIL_FORMATS)


def _audit(ws: Worksheet, a: Assessment) -> None:
    source = a.checklist.path
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    rows = [
        ["输入文件", source.name], ["输入文件 SHA-256", digest], ["kpicli 版本", __version__],
        ["评分时间", datetime.now().strftime("%Y-%m-%d %H:%M:%S")], ["规则来源", a.rules_source],
        ["公司", a.company or ""], ["考核期", a.period_label],
    ]
    rows = [*([k, v, ""] for k, v in rows), *audit_rows(rules_rows(a.rules))]
    title(ws, "评分规则与审计信息", 3)
    last = write_table(ws, 3, AUDIT_HEADERS, rows)
    set_widths(ws, [20, 80, 32])  # 值 holds the 64 characters of the SHA-256 on one line, fallback fonts too
    print_setup(ws, header_row=3, last_row=last, last_col=3, landscape=True)


__all__ = ["RESULT_SHEETS", "default_output", "write_result", "build_result_sheets", "format_score"]
