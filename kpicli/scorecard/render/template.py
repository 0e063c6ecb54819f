"""Blank scorecards (绩效考核表) in layout v1 (contract scorecard.md §2): one sheet per person, one A4 page each.

Each sheet: a title, the person block (姓名 部门 岗位 考核期间 绩效奖金基数 as label cells followed by their value),
then one table per section under its title (一、业绩考核（70%） or 一、经营指标（40分）) with 权重/标准分, 指标要求,
评分标准 and the 计分方式 filled in, the value cells 实际完成 自评 上级评分 二级评分 empty with data validation, a
合计 row with live SUMs (a convenience for the reviewer: kpicli never reads them), the red-line table and a
signature line. kpicli reads the form back exactly as it reads any filled scorecard. One sheet is
render.form_sheet's; here is the workbook: 基本信息 (with a company), 填写说明, the sheets' names, the files and
their record.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from kpicli.core.errors import KpiError
from kpicli.core.vocab import INFO_SHEET
from kpicli.io.outputs import TEMPLATE_KIND, ensure_writable, mark_workbook, require_xlsx, save_workbook
from kpicli.render.style import DEFAULT_FONT, TITLE_FONT, fit_to_page_width, new_workbook, put
from kpicli.scorecard.render.form_sheet import Form, body_cell, form_sheet, header_cell, text_lines

__all__ = ["GUIDE_SHEET", "build_forms", "default_output", "form_file_name", "sheet_names", "write_forms"]

GUIDE_SHEET = "填写说明"
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def sheet_names(forms: Sequence[Form]) -> list[str]:
    """A valid, distinct sheet name per form: the person's name (with the department when two share it)."""
    def clean(text: str) -> str:  # Excel: at most 31 characters, none of [ ] : * ? / \\
        return _SHEET_BAD.sub("", text).strip("'")[:31] or "考核表"

    plain = [clean(f.person.name) if f.person else clean(f.indicators.name) for f in forms]
    names: list[str] = []
    for form, name in zip(forms, plain):
        if plain.count(name) > 1 and form.person and form.person.department:
            name = clean(f"{name}（{form.person.department}）")
        candidate, n = name, 2
        while candidate.casefold() in {x.casefold() for x in [*names, GUIDE_SHEET, INFO_SHEET]}:
            candidate, n = clean(f"{name[:28]}{n}"), n + 1
        names.append(candidate)
    return names


def _guide(ws: Worksheet, period: str) -> None:
    lines = [
        f"填写说明（{period}绩效考核表）",
        "一、每张工作表是一个人的考核表。表头区的姓名、部门、岗位、考核期间、绩效奖金基数请核对，缺的请补上；"
        "本期不参加考核的人（未入职、休假等）在「考核状态」填写 不参加考核，可加原因，这张表不评分。",
        "二、考核指标、权重（标准分）、指标要求、评分标准和计分方式已按指标套填好，请勿修改；kpicli 按「计分方式」计算得分。",
        "三、实际完成：按计分方式填写，百分数写成 96%，次数写 0、1、2，等级和 是/否 从下拉列表选择。",
        "四、自评、上级评分、二级评分：填写分数，在 0 与本项上限之间。评分人填了分时以最后一位评分人为准；"
        "都没评分时按实际完成计算。",
        "五、红线事项：「是否触及」从下拉列表选择 是 或 否；触及任何一项，等级为最低、绩效系数为 0。",
        "六、各表的「合计」行只方便核对，kpicli 不使用手填或公式算出的合计，总分、等级和绩效奖金以 kpicli 的结果为准。",
        "七、填好后可用 kpicli check 检查，再用 kpicli score 评分。",
    ]
    ws.column_dimensions["A"].width = 72  # fits a portrait A4 page unscaled, like kpicli's other guide sheets
    for r, text in enumerate(lines, start=1):
        cell = put(ws, r, 1, text)
        cell.font = TITLE_FONT if r == 1 else DEFAULT_FONT
        cell.alignment = Alignment(vertical="top", wrap_text=True)
        ws.row_dimensions[r].height = 24 if r == 1 else 15 * text_lines(text, 68) + 4
    fit_to_page_width(ws, landscape=False)


def build_forms(forms: Sequence[Form], *, period: str, company: str | None = None, guide: bool = True) -> Workbook:
    """The blank forms as one openpyxl workbook (not saved): 基本信息 (with a company), 填写说明, one sheet each."""
    if not forms:
        raise KpiError("没有要生成考核表的人员")
    wb = new_workbook()
    first = wb.active
    if company:
        first.title = INFO_SHEET
        for r, (label, value) in enumerate((("项目", "内容"), ("公司名称", company), ("考核期间", period)), start=1):
            for c, text in enumerate((label, value), start=1):
                (header_cell if r == 1 else body_cell)(ws=first, r=r, c=c, value=text)
        first.column_dimensions["A"].width, first.column_dimensions["B"].width = 12, 40
        first = None
    if guide:
        ws = first or wb.create_sheet()
        ws.title = GUIDE_SHEET
        _guide(ws, period)
        first = None
    for form, name in zip(forms, sheet_names(forms)):
        ws = first or wb.create_sheet()
        first = None
        ws.title = name
        form_sheet(ws, form, period=period, company=company)
    return wb


def default_output(forms: Sequence[Form], short_period: str, *, split: bool) -> Path:
    """2026Q1_客服部绩效考核表.xlsx when everyone is of one department, else 2026Q1_绩效考核表.xlsx; the same name
    without .xlsx is the folder of --split."""
    departments = {f.person.department for f in forms if f.person}
    department = departments.pop() if len(departments) == 1 and None not in departments else ""
    name = _SHEET_BAD.sub("", f"{short_period}_{department or ''}绩效考核表")
    return Path(name if split else f"{name}.xlsx")


def form_file_name(form: Form, short_period: str) -> str:
    person = form.person
    who = "_".join(x for x in (person.department, person.name) if x) if person else form.indicators.name
    return _SHEET_BAD.sub("", f"{short_period}_{who}_绩效考核表.xlsx")


def write_forms(out: Path, forms: Sequence[Form], *, period: str, short_period: str, company: str | None = None,
                split: bool = False, force: bool = False, settings: object = None) -> list[Path]:
    """Write the forms: one workbook at `out`, or with split one workbook per person inside the folder `out`
    (created when missing). Every target is checked before anything is written. Each workbook records its forms'
    indicator sets and the coefficient table of `settings` (scorecard.handout; default: the built-in one)."""
    from kpicli.scorecard.handout import template_record
    from kpicli.scorecard.settings import DEFAULT_SETTINGS

    settings = settings or DEFAULT_SETTINGS

    def record(chosen: Sequence[Form]) -> dict:
        return template_record(chosen, sheet_names(chosen), period=period, company=company, settings=settings)

    out = Path(out)
    if not split:
        require_xlsx(out, "绩效考核表模板")
        ensure_writable(out, force=force)
        wb = build_forms(forms, period=period, company=company)
        mark_workbook(wb, TEMPLATE_KIND)
        return [save_workbook(wb, out, record=record(forms))]
    if out.exists() and not out.is_dir():
        raise KpiError(f"--split 时 -o/--output 应为文件夹（每人一个文件写在其中），而 {out} 是一个文件")
    if not out.parent.exists():
        raise KpiError(f"输出文件夹的上级文件夹不存在：{out.parent}；请先创建它")
    targets = [out / form_file_name(f, short_period) for f in forms]
    if len({t.name.casefold() for t in targets}) != len(targets):
        raise KpiError("有两人的文件名相同（同名且部门相同或都没有部门）；请在人员名单中区分他们的部门")
    for target in targets if out.is_dir() else ():
        ensure_writable(target, force=force)
    out.mkdir(exist_ok=True)
    written = []
    for form, target in zip(forms, targets):
        wb = build_forms([form], period=period, company=company, guide=False)
        mark_workbook(wb, TEMPLATE_KIND)
        written.append(save_workbook(wb, target, record=record([form])))
    return written
