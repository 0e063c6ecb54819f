"""One person's blank scorecard sheet (layout v1, contract scorecard.md §2): its columns, the person block, one item
table per section with its data validation, the 合计 rows, the red-line table and the signature line, on one A4 page.
The workbook around the sheets (基本信息, 填写说明, names, files, the record) is render.template's.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from kpicli.io.xlfast import apply_style, cached_style
from kpicli.render.style import (
    BORDER,
    CENTER,
    FORM_FONT,
    FORM_HEADER_FONT,
    HEADER_FILL,
    NOT_APPLICABLE_FILL,
    TITLE_FONT,
    display_width,
    fit_to_page_width,
    put,
)
from kpicli.scorecard.indicators import Indicator, IndicatorSet
from kpicli.scorecard.roster import Person
from kpicli.scorecard.rule import Deadline, Deduction, Levels, Threshold
from kpicli.scorecard.values import fmt

__all__ = ["COLUMNS", "Form", "body_cell", "form_sheet", "header_cell", "text_lines"]

# (header, width): the columns of every item table, A to K
COLUMNS: tuple[tuple[str, float], ...] = (
    ("序号", 5), ("考核指标", 15), ("指标要求", 22), ("权重", 7), ("评分标准", 30), ("计分方式", 21),
    ("实际完成", 10), ("自评", 7), ("上级评分", 8), ("二级评分", 8), ("备注", 12),
)
LAST_COL = len(COLUMNS)
COL = {header: c for c, (header, _w) in enumerate(COLUMNS, start=1)}
POINT_COLS = ("自评", "上级评分", "二级评分")
_WRAPPED = ("考核指标", "指标要求", "评分标准", "计分方式")
_CN_NUMBERS = "一二三四五六七八九十"
ROW_LINE = 13.5  # points per line of the 10-point form font
# A4 with fit_to_page_width's margins, in points: what one page holds, portrait and landscape
_PAGE = {False: (538.0, 741.0), True: (784.0, 495.0)}
# One column-width unit in points: 6.9 in LibreOffice with its CJK fallback font (measured on its PDF), about 6.1 in
# Excel with 等线. Only the choice of orientation depends on it; near a tie either orientation prints alike.
_POINTS_PER_WIDTH = 6.9


@dataclass(frozen=True)
class Form:
    """One blank form: who (None: a form with an empty person block) and on which indicator set."""

    person: Person | None
    indicators: IndicatorSet


def _cell(ws: Worksheet, r: int, c: int, value: object, key: str, **parts: object) -> object:
    cell = put(ws, r, c, value)
    apply_style(cell, cached_style(ws.parent, ("scorecard form", key), **parts))  # each style registered once
    return cell


def body_cell(ws: Worksheet, r: int, c: int, value: object, *, wrap: bool = False, center: bool = False,
          number_format: str | None = None) -> object:
    align = Alignment(horizontal="center" if center else "left", vertical="center", wrap_text=wrap)
    key = f"body {wrap} {center} {number_format}"
    return _cell(ws, r, c, value, key, font=FORM_FONT, border=BORDER, alignment=align, number_format=number_format)


def header_cell(ws: Worksheet, r: int, c: int, value: object) -> object:
    return _cell(ws, r, c, value, "header", font=FORM_HEADER_FONT, fill=HEADER_FILL, border=BORDER, alignment=CENTER)


def _merge(ws: Worksheet, r: int, first: int, last: int) -> None:
    if last > first:
        ws.merge_cells(start_row=r, start_column=first, end_row=r, end_column=last)


def _weight_format(points: Fraction) -> str:
    return "0%" if points.denominator == 1 else "0.0#%"


def text_lines(text: str, width: float) -> int:
    return max(1, math.ceil(display_width(text, narrow=1.1) / max(width - 1.5, 1)))


class _Validations:
    """One DataValidation per distinct rule of input (Excel keeps a sheet's validations in one list)."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.found: dict[tuple, DataValidation] = {}

    def add(self, key: tuple, cell: str, **spec: object) -> None:
        if key not in self.found:
            dv = DataValidation(allow_blank=True, showErrorMessage=True, showInputMessage=True, **spec)
            self.found[key] = dv
            self.ws.add_data_validation(dv)
        self.found[key].add(cell)

    def points(self, cell: str, cap: Fraction | None) -> None:
        if cap is None:  # 上不封顶: any score from 0 up
            self.add(("points", None), cell, type="decimal", operator="greaterThanOrEqual", formula1="0",
                     errorStyle="stop", errorTitle="分数超出范围", error="请填写不低于 0 的分数（本项上不封顶）",
                     promptTitle="评分", prompt="填写不低于 0 的分数")
            return
        top = fmt(cap) if not fmt(cap).startswith("≈") else repr(float(cap))  # a formula needs a plain number
        self.add(("points", top), cell, type="decimal", operator="between", formula1="0", formula2=top,
                 errorStyle="stop", errorTitle="分数超出范围", error=f"请填写 0 到 {top} 之间的分数（本项上限 {top} 分）",
                 promptTitle="评分", prompt=f"填写 0–{top} 分")

    def choices(self, cell: str, options: Sequence[str], title: str) -> None:
        listed = ",".join(options)
        self.add(("list", listed), cell, type="list", formula1=f'"{listed}"', errorStyle="stop", errorTitle=title,
                 error=f"请从下拉列表中选择：{'、'.join(options)}", promptTitle=title, prompt=f"从下拉列表选择：{'、'.join(options)}")

    def actual(self, cell: str, item: Indicator) -> None:
        rule = item.rule
        if isinstance(rule, Levels):
            options = [f"{k}级" if isinstance(k, int) else str(k) for k, _ in rule.levels]
            self.choices(cell, options, "等级")
        elif isinstance(rule, Threshold) and rule.condition is None:
            self.choices(cell, ["是", "否"], "是否达标")
        elif isinstance(rule, Deduction):
            self.add(("count",), cell, type="whole", operator="greaterThanOrEqual", formula1="0", errorStyle="stop",
                     errorTitle="次数", error="请填写发生的次数：0 或正整数", promptTitle="次数", prompt="填写发生的次数（0、1、2 …）")
        elif isinstance(rule, Deadline):
            self.add(("date",), cell, promptTitle="实际完成", prompt="填写完成日期，如 2026-07-15")
        elif rule.computing and rule.percent:
            self.add(("percent",), cell, promptTitle="实际完成", prompt="填写百分数，如 96%")
        elif rule.computing:
            example = "45万" if rule.wan else "45"
            self.add(("number", example), cell, promptTitle="实际完成",
                     prompt=f"填写数字，单位与计分方式相同，如 {example}")


def _title_of(number: int, indicators: IndicatorSet, section_index: int) -> str | None:
    section = indicators.sections[section_index]
    if section.name is None:
        return None
    if section.weight is not None:
        suffix = f"（{fmt(section.weight)}%）"
    else:
        suffix = f"（{fmt(section.points)}分）"
    return f"{_CN_NUMBERS[number - 1] if number <= 10 else number}、{section.name}{suffix}"


def _person_block(ws: Worksheet, form: Form, period: str) -> int:
    """Rows 3–5: label cells (filled) with their value cell to the right. Returns the last row."""
    person = form.person
    base = person.base if person else None
    pairs = [
        (("姓名", person.name if person else None), ("部门", person.department if person else None)),
        (("岗位", person.position if person else None), ("考核期间", period)),
        (("绩效奖金基数", float(base) if base is not None else None), ("考核状态", person.status if person else None)),
    ]
    for r, row in enumerate(pairs, start=3):
        for k, pair in enumerate(row):
            if pair is None:
                continue
            label, value = pair
            first = 1 if k == 0 else 5  # label A:B or E; value C:D or F:G
            header_cell(ws, r, first, label)
            if k == 0:
                header_cell(ws, r, 2, None)
                _merge(ws, r, 1, 2)
            value_col = 3 if k == 0 else 6
            money = "#,##0" if isinstance(value, float) and value.is_integer() else "#,##0.00"
            body_cell(ws, r, value_col, value, number_format=money if isinstance(value, float) else None)
            body_cell(ws, r, value_col + 1, None)
            _merge(ws, r, value_col, value_col + 1)
        ws.row_dimensions[r].height = 20
    return 5


def _item_table(ws: Worksheet, top: int, form: Form, index: int, number: int, checks: _Validations) -> tuple[int, int]:
    """Title, header, items and 合计 of one section from row `top`. Returns (last row, first item row)."""
    indicators = form.indicators
    section = indicators.sections[index]
    r = top
    title = _title_of(number, indicators, index)
    if title is not None:
        _cell(ws, r, 1, title, "section", font=FORM_HEADER_FONT, alignment=Alignment(vertical="center"))
        ws.row_dimensions[r].height = 20
        r += 1
    for c, (header, _width) in enumerate(COLUMNS, start=1):
        header_cell(ws, r, c, indicators.layout if header == "权重" else header)
    ws.row_dimensions[r].height = 20
    first = r + 1
    for seq, item in enumerate(section.items, start=1):
        r += 1
        weighted = indicators.layout == "权重"
        maximum = float(item.points / 100) if weighted else float(item.points)
        values = {"序号": seq, "考核指标": item.name, "指标要求": item.requirement or None,
                  "评分标准": item.standard_text or None, "计分方式": item.rule_text or "直接"}
        for c, (header, _width) in enumerate(COLUMNS, start=1):
            if header == "权重":
                body_cell(ws, r, c, maximum, center=True,
                      number_format=_weight_format(item.points) if weighted else None)
            elif header in values:
                body_cell(ws, r, c, values[header], wrap=header in _WRAPPED, center=header == "序号")
            else:
                body_cell(ws, r, c, None, center=header != "备注")
        lines = max(text_lines(str(values[h] or ""), COLUMNS[COL[h] - 1][1]) for h in _WRAPPED)
        ws.row_dimensions[r].height = max(20, ROW_LINE * lines + 5)
        checks.actual(f"{get_column_letter(COL['实际完成'])}{r}", item)
        for header in POINT_COLS:
            checks.points(f"{get_column_letter(COL[header])}{r}", item.cap)
    r += 1
    _total_row(ws, r, first, indicators.layout == "权重")
    return r, first


def _total_row(ws: Worksheet, r: int, first: int, weighted: bool) -> None:
    """合计 with live SUMs of 权重/标准分 and of each reviewer's points: the reader ends the table here and never
    uses the numbers (contract §2), so a reviewer may rely on them only as a check of their own adding."""
    for c in range(1, LAST_COL + 1):
        _cell(ws, r, c, None, "total", font=FORM_HEADER_FONT, fill=NOT_APPLICABLE_FILL, border=BORDER, alignment=CENTER)
    ws.cell(r, 1).value = "合计"
    _merge(ws, r, 1, 3)
    for header in ("权重", *POINT_COLS):
        letter = get_column_letter(COL[header])
        cell = ws.cell(r, COL[header])
        cell.value = f"=SUM({letter}{first}:{letter}{r - 1})"
        cell.number_format = "0%" if header == "权重" and weighted else "0.##"
    ws.row_dimensions[r].height = 20


def _redtext_lines(ws: Worksheet, top: int, form: Form, number: int, checks: _Validations) -> int:
    """The red-line table: item (B:F), 是否触及 (G, 是/否), 备注 (H:K)."""
    indicators = form.indicators
    r = top
    _cell(ws, r, 1, f"{_CN_NUMBERS[number - 1] if number <= 10 else number}、{indicators.red_line_title}", "section",
          font=FORM_HEADER_FONT, alignment=Alignment(vertical="center"))
    ws.row_dimensions[r].height = 20
    r += 1
    spans = ((1, 1, "序号"), (2, 6, "考核指标"), (7, 7, "是否触及"), (8, LAST_COL, "备注"))
    for first, last, header in spans:
        for c in range(first, last + 1):
            header_cell(ws, r, c, header if c == first else None)
        _merge(ws, r, first, last)
    for seq, name in enumerate(indicators.red_lines, start=1):
        r += 1
        for first, last, header in spans:
            value = {"序号": seq, "考核指标": name}.get(header)
            for c in range(first, last + 1):
                body_cell(ws, r, c, value if c == first else None, center=header != "考核指标", wrap=header == "考核指标")
            _merge(ws, r, first, last)
        ws.row_dimensions[r].height = 20
        checks.choices(f"{get_column_letter(7)}{r}", ["否", "是"], "是否触及")
    return r


def form_sheet(ws: Worksheet, form: Form, *, period: str, company: str | None) -> None:
    """One person's blank form on `ws`, printed on one A4 page."""
    indicators = form.indicators
    role = form.person.position if form.person and form.person.position else indicators.name
    heading = f"{company or ''}{role}绩效考核表（{period}）"
    _cell(ws, 1, 1, heading, "title", font=TITLE_FONT, alignment=Alignment(horizontal="center", vertical="center"))
    _merge(ws, 1, 1, LAST_COL)
    ws.row_dimensions[1].height = 28
    checks = _Validations(ws)
    r = _person_block(ws, form, period)
    first_item = None
    for index in range(len(indicators.sections)):
        r, first = _item_table(ws, r + 2, form, index, index + 1, checks)
        first_item = first_item or first
    if indicators.red_lines:
        r = _redtext_lines(ws, r + 2, form, len(indicators.sections) + 1, checks)
    r += 2
    signature = "被考核人签字：　　　　　　　　上级签字：　　　　　　　　复核人签字：　　　　　　　　日期："
    _cell(ws, r, 1, signature, "signature", font=FORM_FONT, alignment=Alignment(vertical="center"))
    _merge(ws, r, 1, LAST_COL)
    ws.row_dimensions[r].height = 28
    for c, (_header_text, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = ws.cell(first_item or r, 3).coordinate
    _one_page(ws, r)


def _one_page(ws: Worksheet, last_row: int) -> None:
    """Fit the whole form on one A4 page, in the orientation that prints it larger."""
    width = sum(w for _h, w in COLUMNS) * _POINTS_PER_WIDTH
    height = sum(ws.row_dimensions[r].height or 15 for r in range(1, last_row + 1))
    scale = {landscape: min(pw / width, ph / height) for landscape, (pw, ph) in _PAGE.items()}
    fit_to_page_width(ws, landscape=scale[True] > scale[False])
    ws.page_setup.fitToHeight = 1  # one page tall as well: a form is signed on paper, one sheet per person
    ws.print_area = f"A1:{get_column_letter(LAST_COL)}{last_row}"

