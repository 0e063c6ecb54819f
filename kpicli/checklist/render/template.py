"""A blank checklist workbook in layout v1 (contract §3), ready to fill in Excel or WPS."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from kpicli.checklist.catalog import load_catalog
from kpicli.checklist.words import (
    COMPANY_GROUP,
    FUNCTION_SHEETS,
    ITEM_COLUMNS,
    NOT_APPLICABLE,
    RESULT_CHOICES,
    ROSTER_SHEET,
    SUBHEADERS,
)
from kpicli.core.errors import KpiError
from kpicli.core.period import label_of, require_year_quarter
from kpicli.core.vocab import FUNCTIONS, INFO_SHEET, normalize
from kpicli.io.outputs import TEMPLATE_KIND, mark_workbook, require_xlsx, save_workbook
from kpicli.io.xlfast import apply_style, cached_style
from kpicli.render.style import (
    BORDER,
    CENTER,
    DATE_FORMAT,
    DEFAULT_FONT,
    FONT_NAME,
    FORM_FONT,
    FORM_HEADER_FONT,
    HEADER_FILL,
    NOT_APPLICABLE_FILL,
    PAGE_FOOTER,
    TITLE_FONT,
    display_width,
    fit_to_page_width,
    new_workbook,
    put,
)

TITLE = "客户触点分级管理检查表"
GUIDE_SHEET = "填写说明"
HEADER_ROW = 3  # group names; the sub-headers 自查/检查/备注 are on the next row
FIRST_ITEM_ROW = HEADER_ROW + 2

# (header, catalogue column, width) of the item columns A:I
ITEM_HEADERS: tuple[tuple[str, str, float], ...] = (
    ("序号", "seq", 6),
    ("触点编号", "item_id", 9),
    ("客户阶段", "stage", 10),
    ("触点名称", "name", 22),
    ("触点等级", "level", 8),
    ("标准动作", "action", 40),
    ("交付件", "deliverable", 18),
    ("检查方式", "method", 10),
    ("责任部门", "department", 12),
)
GROUP_HEADERS: tuple[tuple[str, float], ...] = (("自查", 8), ("检查", 8), ("备注", 14))
_WRAPPED = {"name", "action", "deliverable", "method", "department"}
_CENTERED = {"seq", "item_id", "stage", "level"}

# The look is render.style's; these names are what the collected checklist (render.collect_book) lays out with.
BODY_FONT = FORM_FONT
HEADER_FONT = FORM_HEADER_FONT
HEADER_ALIGN = CENTER

_VALIDATION_ERROR = ("建议从下拉列表选择：完成、部分完成、未完成、不适用。"
                     "也可以输入完成比例，如 0.8 或 80%，点「是」保留输入的内容。")
_RESERVED = {normalize(k) for k in (*ITEM_COLUMNS, *SUBHEADERS, COMPANY_GROUP)}


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def check_project_names(projects: list[str]) -> list[str]:
    """Project names as they will be written (trimmed, inner spaces folded); KpiError for an empty
    name, a duplicate or a name the reader would take for a header. 城市公司 is no project: its column group comes
    with the catalogue's company-level items anyway, so it is dropped here; alone (`-p 城市公司`, the city
    company's own file) it leaves no project, and the template holds the 城市公司 group only."""
    names: list[str] = []
    company = False
    seen: dict[str, str] = {}
    for position, raw in enumerate(projects, start=1):
        name = " ".join(str(raw if raw is not None else "").split())
        key = normalize(name)
        if not name:
            raise KpiError(f"第 {position} 个项目名称为空；请给出每个项目的名称")
        if _CONTROL.search(name):
            raise KpiError(f"第 {position} 个项目名称含有不可见的控制字符（常见于从别处粘贴的文字）；请重新输入该名称")
        if key == normalize(COMPANY_GROUP):
            company = True
            continue
        if key in _RESERVED:
            raise KpiError(f"项目名称「{name}」与检查表的表头文字相同，读取时会混淆；请换一个名称")
        if key in seen:
            raise KpiError(f"项目名称重复：「{seen[key]}」和「{name}」；每个项目只能出现一次")
        seen[key] = name
        names.append(name)
    if not names and not company:
        raise KpiError("没有给出项目；请至少给出一个项目名称（城市公司自己的检查表用 -p 城市公司）")
    return names


def build_template(
    *,
    year: int,
    quarter: int,
    projects: list[str],
    company: str | None = None,
    catalog: pd.DataFrame | None = None,
    roster: pd.DataFrame | None = None,
    function_sheets: bool = True,
) -> Workbook:
    """The blank checklist as an openpyxl workbook (not yet saved or marked); with a roster (meta.read_roster
    frame) it gets a filled 人员名单 sheet. Without function_sheets the caller lays those out itself."""
    require_year_quarter(year, quarter)
    names = check_project_names(projects)
    company = " ".join(company.split()) if company else None
    if catalog is None:
        catalog = load_catalog()
    if catalog.empty:
        raise KpiError("触点目录为空，无法生成模板；请检查触点目录文件")

    wb = new_workbook()
    _info_sheet(wb.active, year=year, quarter=quarter, company=company)
    _guide_sheet(wb.create_sheet(GUIDE_SHEET), year=year, quarter=quarter)
    for function in FUNCTIONS if function_sheets else ():
        items = catalog[catalog["function"] == function]
        if items.empty or not (names or (items["scope"] == COMPANY_GROUP).any()):
            continue  # no sheet: the function is not assessed rather than scored on nothing (or by nobody)
        ws = wb.create_sheet(FUNCTION_SHEETS[function])
        function_sheet(ws, function, items, names, year=year, quarter=quarter, company=company)
    if roster is not None:
        _roster_sheet(wb.create_sheet(ROSTER_SHEET), roster, names)
    return wb


def write_template(
    out: Path,
    *,
    year: int,
    quarter: int,
    projects: list[str],
    company: str | None = None,
    catalog: pd.DataFrame | None = None,
    roster: pd.DataFrame | None = None,
) -> Path:
    """Write a blank checklist (layout v1) to `out` and return the path."""
    out = Path(out)
    require_xlsx(out, "检查表模板")
    if not out.parent.exists():
        raise KpiError(f"输出文件夹不存在：{out.parent}；请先创建它")
    wb = build_template(year=year, quarter=quarter, projects=projects, company=company, catalog=catalog,
                        roster=roster)
    mark_workbook(wb, TEMPLATE_KIND)
    from kpicli.checklist.handout import template_record

    record = template_record(load_catalog() if catalog is None else catalog, check_project_names(projects),
                             first_row=FIRST_ITEM_ROW, year=year, quarter=quarter, company=company)
    return save_workbook(wb, out, record=record)


def _info_sheet(ws: Worksheet, *, year: int, quarter: int, company: str | None) -> None:
    ws.title = INFO_SHEET
    rows = [
        ("项目", "值"),
        ("公司名称", company or ""),
        ("年度", int(year)),
        ("季度", int(quarter)),
        ("填表日期", ""),
        ("说明", f"{label_of(year, quarter)}客户触点分级管理检查表。季度填 1–4；填表日期由填表人填写。"),
    ]
    for r, (label, value) in enumerate(rows, start=1):
        for c, text in enumerate((label, value), start=1):
            cell = put(ws, r, c, text if text != "" else None)
            cell.border = BORDER
            cell.font = HEADER_FONT if r == 1 else BODY_FONT
            cell.alignment = HEADER_ALIGN if r == 1 else Alignment(vertical="center", wrap_text=c == 2)
            if r == 1:
                cell.fill = HEADER_FILL
    ws["B3"].alignment = ws["B4"].alignment = Alignment(horizontal="left", vertical="center")
    ws["B5"].number_format = DATE_FORMAT
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["B"].width = 50
    for r, (_label, value) in enumerate(rows, start=1):  # LibreOffice and WPS do not grow wrapped rows themselves
        lines = math.ceil(display_width(value, narrow=1.1) / 48) if isinstance(value, str) else 1
        if lines > 1:
            ws.row_dimensions[r].height = 15 * lines + 4
    fit_to_page_width(ws, landscape=False)


def _guide_sheet(ws: Worksheet, *, year: int, quarter: int) -> None:
    lines = [
        f"填写说明（{label_of(year, quarter)}客户触点分级管理检查表）",
        "一、表格结构：每个职能一张工作表（营销篇、研发篇、工程篇、客户关系篇、物业篇）。每个项目占三列：自查、检查、"
        "备注；「城市公司」列组是职能本身在城市公司层面负责的触点。",
        "二、自查：由项目（或职能）每月自检后填写。检查：由运营管理部客服组牵头的城市公司检查填写。评分以「检查」为准；"
        "「检查」留空时采用「自查」结果，并在评分结果中提示；两者都空按未完成计。",
        "三、可填写的结果：完成、部分完成（默认按一半计分）、未完成、不适用（不计入得分）。可从单元格的下拉列表选择，"
        "也可以直接输入完成比例，如 0.8 或 80%。",
        "四、灰色单元格已预填「不适用」：该触点不适用于这个单位（项目级触点在城市公司列组，或城市公司级触点在项目列组）。"
        "项目尚未进入某一阶段时，也请把该阶段的触点填为「不适用」。某职能在某项目下全部不适用时，本季不列入考核（不是零分）。",
        "五、备注：请写明未完成、部分完成或不适用的原因，以及整改措施和完成时间。",
        "六、权重：一级触点 3 分，二级触点 2 分，三级触点 1 分；得分 = 加权完成率 × 100。",
        "七、请勿修改表头文字（触点名称、触点等级、项目名称、自查、检查、备注等），也不要增删触点行、改触点等级或只对"
        "部分列排序：评分时按发出的触点逐行核对。可以插入列（如负责人），也可以调整列的顺序和宽度。",
        "八、时间要求：各职能每月 30 日前完成自检并提交交付件；季度检查结果于下一季度首月 10 日公布。",
        "九、填好后可以用 kpicli check 命令检查填写是否有误，再进行评分。",
    ]
    ws.column_dimensions["A"].width = 72
    fit_to_page_width(ws, landscape=False)
    for r, text in enumerate(lines, start=1):
        cell = put(ws, r, 1, text)
        cell.font = TITLE_FONT if r == 1 else DEFAULT_FONT
        cell.alignment = Alignment(vertical="top", wrap_text=True)
        if r > 1:
            ws.row_dimensions[r].height = 15 * max(1, math.ceil(display_width(text, narrow=1.1) / 68)) + 4
    ws.row_dimensions[1].height = 24


def function_sheet(ws: Worksheet, function: str, items: pd.DataFrame, projects: list[str], *, year: int,
                    quarter: int, company: str | None) -> None:
    has_company = bool((items["scope"] == COMPANY_GROUP).any())
    groups = ([COMPANY_GROUP] if has_company else []) + projects
    n_item = len(ITEM_HEADERS)
    last_col = n_item + len(GROUP_HEADERS) * len(groups)
    last_row = FIRST_ITEM_ROW + len(items) - 1
    last_letter = get_column_letter(last_col)

    ws.cell(1, 1, value=f"{TITLE}——{FUNCTION_SHEETS[function]}（{label_of(year, quarter)}）").font = TITLE_FONT
    ws.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last_col)
    ws.row_dimensions[1].height = 26
    if company:
        put(ws, 2, 1, f"公司名称：{company}").font = BODY_FONT

    for c, (header, _key, width) in enumerate(ITEM_HEADERS, start=1):
        ws.cell(HEADER_ROW, c, value=header)
        ws.merge_cells(start_row=HEADER_ROW, start_column=c, end_row=HEADER_ROW + 1, end_column=c)
        ws.column_dimensions[get_column_letter(c)].width = width
    for g, group in enumerate(groups):
        first = n_item + 1 + g * len(GROUP_HEADERS)
        put(ws, HEADER_ROW, first, group)
        ws.merge_cells(start_row=HEADER_ROW, start_column=first, end_row=HEADER_ROW,
                       end_column=first + len(GROUP_HEADERS) - 1)
        for k, (sub, width) in enumerate(GROUP_HEADERS):
            ws.cell(HEADER_ROW + 1, first + k, value=sub)
            ws.column_dimensions[get_column_letter(first + k)].width = width
    for row in ws.iter_rows(min_row=HEADER_ROW, max_row=HEADER_ROW + 1, max_col=last_col):
        for cell in row:
            cell.font, cell.fill, cell.alignment, cell.border = HEADER_FONT, HEADER_FILL, HEADER_ALIGN, BORDER
    ws.row_dimensions[HEADER_ROW].height = 20
    ws.row_dimensions[HEADER_ROW + 1].height = 20

    result_cols = [n_item + 1 + g * len(GROUP_HEADERS) + k for g in range(len(groups)) for k in (0, 1)]
    style = _body_styles(ws.parent)
    for i, item in enumerate(items.itertuples(index=False)):
        r = FIRST_ITEM_ROW + i
        values = {**item._asdict(), "seq": i + 1}
        lines = 1
        for c, (_header, key, width) in enumerate(ITEM_HEADERS, start=1):
            text = values.get(key) or None
            apply_style(put(ws, r, c, text), style["center" if key in _CENTERED else "wrap" if key in _WRAPPED
                                                    else "left"])
            if key in _WRAPPED and text:
                lines = max(lines, math.ceil(display_width(str(text), narrow=1.1) / max(width - 1.5, 1)))
        for g, group in enumerate(groups):
            first = n_item + 1 + g * len(GROUP_HEADERS)
            applies = (item.scope == COMPANY_GROUP) == (group == COMPANY_GROUP)
            for k in range(len(GROUP_HEADERS)):
                cell = ws.cell(r, first + k)
                apply_style(cell, style[("center" if k < 2 else "wrap") + ("" if applies else " na")])
                if not applies and k < 2:
                    cell.value = NOT_APPLICABLE
        ws.row_dimensions[r].height = max(18, 13.5 * lines + 4)

    if result_cols and len(items):
        dv = DataValidation(type="list", formula1='"' + ",".join(RESULT_CHOICES) + '"', allow_blank=True,
                            showDropDown=False, showErrorMessage=True, errorStyle="warning",
                            errorTitle="检查结果", error=_VALIDATION_ERROR)
        for c in result_cols:
            letter = get_column_letter(c)
            dv.add(f"{letter}{FIRST_ITEM_ROW}:{letter}{last_row}")
        ws.add_data_validation(dv)

    ws.freeze_panes = ws.cell(FIRST_ITEM_ROW, n_item + 1).coordinate
    _print_setup(ws, f"A1:{last_letter}{max(last_row, HEADER_ROW + 1)}", last_col=last_col,
                 group_starts=[n_item + 1 + g * len(GROUP_HEADERS) for g in range(len(groups))])


def _body_styles(wb: Workbook) -> dict[str, StyleArray]:
    """The few styles of the item rows, each registered once per workbook (xlfast.cached_style)."""
    aligned = {
        "center": Alignment(horizontal="center", vertical="center"),
        "left": Alignment(horizontal="left", vertical="center"),
        "wrap": Alignment(horizontal="left", vertical="center", wrap_text=True),
    }
    styles = {}
    for name, alignment in aligned.items():
        styles[name] = cached_style(wb, ("item", name), font=BODY_FONT, border=BORDER, alignment=alignment)
        styles[name + " na"] = cached_style(wb, ("item", name, "na"), font=BODY_FONT, border=BORDER,
                                            alignment=alignment, fill=NOT_APPLICABLE_FILL)
    return styles


def _roster_sheet(ws: Worksheet, roster: pd.DataFrame, projects: list[str]) -> None:
    """人员名单 (contract §3): 单位, 职能 (or 项目总监), 姓名 — copied rows, room to add more."""
    headers = (("单位", 16), ("职能", 10), ("姓名", 12))
    for c, (text, width) in enumerate(headers, start=1):
        cell = ws.cell(1, c, value=text)
        cell.font, cell.fill, cell.alignment, cell.border = HEADER_FONT, HEADER_FILL, HEADER_ALIGN, BORDER
        ws.column_dimensions[get_column_letter(c)].width = width
    for r, person in enumerate(roster.itertuples(index=False), start=2):
        role = person.function if isinstance(person.function, str) else person.role
        for c, value in enumerate((person.unit, role, person.name), start=1):
            cell = put(ws, r, c, value)  # text from another workbook never becomes a formula
            cell.font, cell.border = BODY_FONT, BORDER
    last = max(len(roster) + 1, 2) + 100  # lists offered on the next hundred rows too
    for col, choices in (("A", [COMPANY_GROUP, *projects]), ("B", [*FUNCTIONS, "项目总监"])):
        formula = '"' + ",".join(choices) + '"'
        if len(formula) > 255:  # Excel's limit for an inline list
            continue
        dv = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                            errorStyle="warning", errorTitle="人员名单", error="建议从下拉列表选择")
        dv.add(f"{col}2:{col}{last}")
        ws.add_data_validation(dv)
    ws.freeze_panes = "A2"
    fit_to_page_width(ws, landscape=False)
    ws.print_title_rows = "1:1"
    ws.print_area = f"A1:C{max(len(roster) + 1, 2)}"


# Printing a function sheet: every project adds three columns, so fit-to-width alone shrinks a company with many
# projects to unreadable print. Widths are in Excel column units (about 7 px of the 11-point default = 5.25 pt).
POINTS_PER_UNIT = 5.25
PRINTABLE_POINTS = {"A4": 842 - 2 * 0.4 * 72, "A3": 1191 - 2 * 0.4 * 72}  # landscape, 0.4" side margins
READABLE_SCALE = 0.7  # 10-point text never prints below 7 points
PAGED_SCALE = 70  # percent, for sheets too wide for one A3 page


def _print_setup(ws: Worksheet, area: str, *, last_col: int, group_starts: list[int]) -> None:
    """Landscape; A4 fit to one page wide when that keeps a readable scale, else A3 fit to width; a sheet too wide
    even for A3 prints at 70 % across several A3 pages, breaking only between project groups, with the item
    columns A:D repeated on every page."""
    fit_to_page_width(ws, landscape=True)
    paged = False
    widths = [ws.column_dimensions[get_column_letter(c)].width or 8.43 for c in range(1, last_col + 1)]
    needed = POINTS_PER_UNIT * sum(widths)
    if needed * READABLE_SCALE > PRINTABLE_POINTS["A4"]:
        ws.page_setup.paperSize = ws.PAPERSIZE_A3
        if needed * READABLE_SCALE > PRINTABLE_POINTS["A3"]:
            ws.sheet_properties.pageSetUpPr.fitToPage = False
            ws.page_setup.scale = PAGED_SCALE
            ws.cell(1, 1).alignment = Alignment(horizontal="left", vertical="center")
            paged = True
            # a quarter to spare: where 等线 is missing (LibreOffice substitutes its CJK font) columns come out wider
            room = PRINTABLE_POINTS["A3"] * 100 / PAGED_SCALE / POINTS_PER_UNIT * 0.75
            repeated = sum(widths[:4])  # A:D print on every page after the first
            used = sum(widths[: group_starts[0] - 1]) if group_starts else 0
            for g, start in enumerate(group_starts):
                end = group_starts[g + 1] - 1 if g + 1 < len(group_starts) else last_col
                group = sum(widths[start - 1:end])
                if used + group > room and used > repeated:
                    ws.col_breaks.append(Break(id=start - 1))  # a new page starts with this group
                    used = repeated
                used += group
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW + 1}"
    ws.print_title_cols = "A:D"
    ws.print_area = area
    ws.oddHeader.center.text = "&A"  # the sheet name heads the page: the footer keeps the page numbers only
    ws.oddFooter.center.text = PAGE_FOOTER
    if paged:
        _title_in_page_header(ws, area)


def _title_in_page_header(ws: Worksheet, area: str) -> None:
    """Pages across: the repeated columns A:D would print the merged title row cut off after column D on every
    page but the first. The title (and company) go into the page header instead, whole on every page, and the
    print area starts at the header row. A literal & is doubled (& starts a header code)."""
    ws.print_area = area.replace("A1:", f"A{HEADER_ROW}:", 1)
    header, company = ws.oddHeader, ws.cell(2, 1).value
    header.left.text, header.center.text = "&A", str(ws.cell(1, 1).value).replace("&", "&&")
    header.center.font, header.center.size = f"{FONT_NAME},Bold", 12
    if company:
        header.right.text = str(company).replace("&", "&&")
