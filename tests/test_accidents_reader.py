"""Issue #11 — ordinary Excel accidents never change a score, a grade or a bonus without saying so.

Each test builds the accident in a workbook (openpyxl) and checks what the user gets, through the CLI and/or
the library: merged result cells, a project missing from one sheet, a project nobody filled, a formula saved
without its value, hidden sheets and rows, a note under the table, a bad 自查 value.
"""

from __future__ import annotations

import json
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from builders import (
    Item,
    SheetSpec,
    build_checklist,
    edit,
    flat,
    item_rows,
    project_row,
    result_path,
    run,
    standard_sheets,
    unit_row,
)

from kpicli import api
from kpicli.checklist.assessment import assess
from kpicli.checklist.render.template import FIRST_ITEM_ROW, HEADER_ROW, write_template
from kpicli.checklist.words import FUNCTION_SHEETS
from kpicli.io.sheetscan import scan_sheets


def lead_problems(result) -> list:
    return [p for p in result.problems if p.lead]


# --- 1. merged result cells ------------------------------------------------------------------------------------------


def rd_sheet(n: int = 4) -> SheetSpec:
    """研发篇 with two projects; 云栖府's results are left blank (the merge fills them), 望江台 all 完成."""
    return SheetSpec(items=[Item(f"研发触点{i}", "一级", {"云栖府": (None, None), "望江台": ("完成", "完成")})
                            for i in range(1, n + 1)])


@pytest.mark.slow  # over 0.2 s of CPU (0.30 s measured)
def test_value_merged_down_a_check_column_applies_to_every_cell(tmp_path):
    # 研发篇: header row 3, items in rows 5–8; 云栖府 = I(自查) J(检查) K(备注), 望江台 = L M N
    path = build_checklist(tmp_path / "合并.xlsx", {"研发篇": rd_sheet()})

    def merge(wb):
        ws = wb["研发篇"]
        ws["J5"] = "不适用"
        ws.merge_cells("J5:J8")

    edit(path, merge)
    a = api.check(path)
    assert not a.has_errors
    rows = item_rows(a, group="云栖府")
    assert list(rows["check_raw"]) == ["不适用"] * 4 and list(rows["counted"]) == ["检查"] * 4
    unit = unit_row(a, "研发", "云栖府")
    assert not unit["assessed"]  # 不列入考核, never 0.00
    warning = [p for p in lead_problems(a) if p.cell == "J5:J8"]
    assert len(warning) == 1 and warning[0].level == "warning" and warning[0].sheet == "研发篇"
    assert "「不适用」" in warning[0].message and "检查" in warning[0].message
    assert not [p for p in a.problems if "未填写" in p.message and p.cell in ("J6", "J7", "J8")]
    # the CLI: the unit is not assessed in JSON, and check names the range
    data = json.loads(run("rank", path, "--format", "json").stdout)
    entry = next(u for u in data["units"] if u["function"] == "研发" and u["project"] == "云栖府")
    assert entry["assessed"] is False and entry["score"] is None
    assert any(p["cell"] == "J5:J8" for p in data["problems"])
    out = flat(run("check", path).output)
    assert "研发篇!J5:J8" in out


def test_value_merged_over_self_and_check_and_a_block_applies_to_both(tmp_path):
    path = build_checklist(tmp_path / "块.xlsx", {"研发篇": rd_sheet()})

    def merge(wb):
        ws = wb["研发篇"]
        ws["I5"] = "完成"
        ws.merge_cells("I5:J6")  # 自查+检查 of 云栖府 over two rows
        ws["K7"] = "已整改"
        ws.merge_cells("K7:K8")  # a remark merged down
        ws["J7"], ws["J8"] = "未完成", "未完成"

    edit(path, merge)
    a = api.check(path)
    rows = item_rows(a, group="云栖府")
    assert list(rows["self_raw"][:2]) == ["完成", "完成"] and list(rows["check_raw"][:2]) == ["完成", "完成"]
    assert list(rows["remark"][2:]) == ["已整改", "已整改"]
    cells = {p.cell: p for p in lead_problems(a)}
    assert "自查、检查" in cells["I5:J6"].message and "共 4 格" in cells["I5:J6"].message
    assert "备注" in cells["K7:K8"].message
    assert unit_row(a, "研发", "云栖府")["score"] == 50  # (3+3)/(3×4): every merged cell counted


def test_value_merged_across_two_projects_applies_to_both_and_says_so(tmp_path):
    path = build_checklist(tmp_path / "跨项目.xlsx", {"研发篇": rd_sheet(1)})

    def merge(wb):
        ws = wb["研发篇"]
        ws["L5"] = None
        ws["J5"] = "不适用"
        ws.merge_cells("J5:M5")  # 云栖府 检查+备注, 望江台 自查+检查

    edit(path, merge)
    a = api.check(path)
    assert list(item_rows(a, group="望江台")["check_raw"]) == ["不适用"]
    assert not unit_row(a, "研发", "望江台")["assessed"] and not unit_row(a, "研发", "云栖府")["assessed"]
    warning = next(p for p in lead_problems(a) if p.cell == "J5:M5")
    assert "「云栖府」" in warning.message and "「望江台」" in warning.message and "跨越" in warning.message


def test_merges_outside_result_cells_change_nothing(tmp_path):
    """A title, merged group headers, a merged stage column: no warning, same scores as before."""
    spec = SheetSpec(merge_stage=True, items=[
        Item("甲", "一级", {"云栖府": ("完成", "完成")}, stage="签约"),
        Item("乙", "一级", {"云栖府": ("完成", "未完成")}, stage="签约"),
    ])
    a = api.check(build_checklist(tmp_path / "普通合并.xlsx", {"营销篇": spec}))
    assert not lead_problems(a)
    assert unit_row(a, "营销", "云栖府")["score"] == 50


# --- 2. a project missing from one function sheet ---------------------------------------------------------------


def without_wangjiangtai_in_property(tmp_path: Path) -> Path:
    sheets = standard_sheets()
    sheets["物业篇"].groups = ["城市公司", "云栖府", "观澜苑"]  # 望江台's column group deleted
    return build_checklist(tmp_path / "缺列组.xlsx", sheets)


@pytest.mark.slow
def test_project_missing_from_one_sheet_is_said_and_not_assessed_there(tmp_path):
    path = without_wangjiangtai_in_property(tmp_path)
    a = api.check(path)
    warning = [p for p in lead_problems(a) if p.project == "望江台"]
    assert len(warning) == 1 and warning[0].level == "warning"
    assert "「物业篇」" in warning[0].message and "不列入考核" in warning[0].message
    unit = unit_row(a, "物业", "望江台")
    assert not unit["assessed"] and unit["reason"] == "「物业篇」中没有该项目的列组"
    assert unit_row(a, "营销", "望江台")["reason"] == ""
    data = json.loads(run("rank", path, "--format", "json").stdout)
    entry = next(u for u in data["units"] if u["function"] == "物业" and u["project"] == "望江台")
    assert entry["assessed"] is False
    out = run("check", path)
    assert out.exit_code == 0
    assert "望江台" in out.output and "「物业篇」中没有列组" in flat(out.output)
    explained = run("explain", path, "--project", "望江台", "--function", "物业")
    assert explained.exit_code == 0 and "不列入考核（工作表中没有该单位的列组）" in flat(explained.output)


@pytest.mark.slow  # over 0.2 s of CPU (0.34 s measured)
def test_result_workbook_says_why_a_unit_is_not_assessed(tmp_path):
    path = without_wangjiangtai_in_property(tmp_path)
    out = tmp_path / "结果.xlsx"
    assert run("score", path, "-o", out).exit_code == 0
    ws = openpyxl.load_workbook(out)["评分汇总"]
    lines = [c.value for c in ws["A"] if isinstance(c.value, str)]
    assert "望江台·物业：不列入考核（「物业篇」中没有该项目的列组）" in lines


# --- 3. a project nobody filled ---------------------------------------------------------------------------------


def with_blank_project(tmp_path: Path, name: str = "2026Q1_空白项目.xlsx") -> Path:
    sheets = standard_sheets()
    for spec in sheets.values():
        spec.groups = ["城市公司", "云栖府", "望江台", "观澜苑", "江岸启城"]  # 江岸启城: columns, nothing typed
    return build_checklist(tmp_path / name, sheets)


@pytest.mark.slow
def test_blank_project_is_refused_by_score_rank_and_check(tmp_path):
    path = with_blank_project(tmp_path)
    result = run("score", path)
    assert result.exit_code == 1 and not result_path(path).exists()
    text = flat(result.output)
    assert "江岸启城：所有职能表均未填写" in text and "--allow-blank" in text
    assert text.index("江岸启城：所有职能表均未填写") < text.index("未填写，按未完成计")  # before the cell lists
    assert run("rank", path).exit_code == 1
    checked = run("check", path)
    assert checked.exit_code == 1
    out = flat(checked.output)
    assert out.index("江岸启城：所有职能表均未填写") < out.index("未填写，按未完成计")
    assert out.count("江岸启城：所有职能表均未填写") == 1  # one line for the project, not one per sheet
    with pytest.raises(Exception) as refused:
        api.rank(path)
    assert any("江岸启城" in p.message for p in refused.value.problems)


@pytest.mark.slow
def test_allow_blank_scores_the_blank_project_as_today_and_keeps_the_line(tmp_path):
    path = with_blank_project(tmp_path)
    result = run("score", path, "--allow-blank")
    assert result.exit_code == 0, result.output
    assert result_path(path).exists()
    assert "江岸启城：所有职能表均未填写" in flat(result.output)
    a = api.rank(path, allow_blank=True)
    row = project_row(a, "江岸启城")
    assert row["score"] == 0 and row["grade"] == "C" and row["reward"] == -3000
    blank_line = next(p for p in a.problems if p.project == "江岸启城")
    assert blank_line.level == "warning" and blank_line.lead
    data = json.loads(run("rank", path, "--format", "json", "--allow-blank").stdout)
    assert next(p for p in data["projects"] if p["project"] == "江岸启城")["score"] == 0.0
    assert run("check", path, "--allow-blank").exit_code == 0


@pytest.mark.slow  # over 0.2 s of CPU (0.24 s measured)
def test_a_template_with_prefilled_na_but_nothing_typed_is_a_blank_project(tmp_path):
    path = tmp_path / "2026Q1_模板.xlsx"
    write_template(path, year=2026, quarter=1, projects=["云栖府"])
    problems = api.check(path).problems
    assert [p.level for p in problems] == ["error"] and "表格尚未填写" in problems[0].message  # blank as a whole


@pytest.mark.slow  # over 0.2 s of CPU (0.33 s measured)
def test_a_wholly_blank_group_in_one_sheet_is_a_lead_warning_and_scored_as_today(tmp_path):
    sheets = standard_sheets()
    for item in sheets["工程篇"].items:
        item.results = {**item.results, "云栖府": (None, None)}
    path = build_checklist(tmp_path / "一组空白.xlsx", sheets)
    a = api.rank(path)
    warning = [p for p in lead_problems(a) if p.project == "云栖府"]
    assert len(warning) == 1 and warning[0].level == "warning" and "「工程篇」" in warning[0].message
    assert unit_row(a, "工程", "云栖府")["score"] == 0  # 未完成, as before
    out = flat(run("check", path).output)
    assert out.index("云栖府：「工程篇」中该项目没有填写任何结果") < out.index("未填写，按未完成计")


@pytest.mark.slow
def test_collect_says_which_project_nobody_filled(tmp_path):
    folder = tmp_path / "提交"
    folder.mkdir()
    filled = folder / "01_云栖府.xlsx"
    write_template(filled, year=2026, quarter=1, projects=["云栖府"], company="江城置业")

    def fill(wb):
        for name in FUNCTION_SHEETS.values():
            ws = wb[name]
            col = next(c for c in range(1, ws.max_column + 1) if ws.cell(HEADER_ROW, c).value == "云栖府")
            for r in range(FIRST_ITEM_ROW, ws.max_row + 1):
                if ws.cell(r, col + 1).value is None:  # keep the template's prefilled 不适用
                    ws.cell(r, col + 1, value="完成")

    edit(filled, fill)
    write_template(folder / "02_江岸启城.xlsx", year=2026, quarter=1, projects=["江岸启城"], company="江城置业")
    merged = tmp_path / "汇总.xlsx"
    result = run("collect", folder, "-o", merged)
    text = flat(result.output)
    assert "江岸启城：所有职能表均未填写" in text
    assert text.index("江岸启城：所有职能表均未填写") < text.index("汇总表已写入")
    assert result.exit_code == 0 and merged.exists()
    assert run("score", merged).exit_code == 1  # and score refuses it, as promised


def test_collect_says_which_project_of_the_roster_nobody_submitted(tmp_path):
    spec = SheetSpec(items=[Item("案场接待", "一级", {"云栖府": ("完成", "完成")})])
    submitted = build_checklist(tmp_path / "2026Q1_云栖府.xlsx", {"营销篇": spec},
                                roster=[("云栖府", "项目总监", "李总监"), ("江岸启城", "项目总监", "周总监")])
    result = run("collect", submitted, "-o", tmp_path / "汇总.xlsx")
    assert result.exit_code == 0, result.output
    assert "江岸启城：人员名单中有这个项目，但提交的文件中都没有它的列组" in flat(result.output)


# --- 4. a formula saved without its calculated value ---------------------------------------------------------


def formula_workbook(tmp_path: Path) -> Path:
    spec = SheetSpec(items=[Item("案场接待", "一级", {"云栖府": ("完成", None)}),
                            Item("签约提醒", "二级", {"云栖府": (None, "完成")})])
    path = build_checklist(tmp_path / "公式.xlsx", {"营销篇": spec})

    def formulas(wb):
        ws = wb["营销篇"]
        ws["J5"] = '=IF(I5="完成","完成","未完成")'  # 检查, no stored result (openpyxl does not calculate)
        ws["I6"] = '=J6'  # 自查

    return edit(path, formulas)


@pytest.mark.slow  # over 0.2 s of CPU (0.21 s measured)
def test_formula_without_value_is_an_error_never_a_silent_fallback(tmp_path):
    path = formula_workbook(tmp_path)
    a = api.check(path)
    errors = {p.cell: p for p in a.problems if p.level == "error"}
    assert set(errors) == {"J5", "I6"}
    assert "没有保存它的计算结果" in errors["J5"].message and "请在 Excel/WPS 中打开并保存后再评分" in errors["J5"].message
    assert "检查结果" in errors["J5"].message and "自查结果" in errors["I6"].message
    assert '=IF(I5="完成","完成","未完成")' in errors["J5"].message
    assert not [p for p in a.problems if "采用自查结果" in p.message and p.cell == "J5"]
    result = run("score", path)
    assert result.exit_code == 1 and not result_path(path).exists()
    assert "营销篇!J5" in flat(result.output)


def _rewrite_sheet(path: Path, part: str, change) -> None:
    with zipfile.ZipFile(path) as src:
        items = [(info, src.read(info.filename)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in items:
            dst.writestr(info, change(data) if info.filename == part else data)


def test_formulas_with_stored_results_are_read_as_their_results(tmp_path):
    """What Excel saves: <f> followed by <v>; a text formula whose result is the empty text is blank, not an error."""
    path = formula_workbook(tmp_path)
    sheets = {n: i for i, n in enumerate(openpyxl.load_workbook(path).sheetnames)}
    part = f"xl/worksheets/sheet{sheets['营销篇'] + 1}.xml"

    def calculated(xml: bytes) -> bytes:
        def stored(cell: bytes, value: bytes) -> None:
            nonlocal xml
            pattern = rb'<c r="' + cell + rb'"([^>]*)><f>(.*?)</f><v\s*/>'
            xml, n = re.subn(pattern, lambda m: b'<c r="' + cell + b'"' + m.group(1) + b' t="str"><f>' + m.group(2)
                             + b"</f><v>" + value + b"</v>", xml)
            assert n == 1

        stored(b"J5", "完成".encode())
        stored(b"I6", b"")  # calculated: the empty text
        return xml

    _rewrite_sheet(path, part, calculated)
    scans = scan_sheets(path)
    assert scans["营销篇"].formulas == {}
    a = api.check(path)
    assert not a.has_errors
    rows = item_rows(a)
    assert rows.loc[0, "check_raw"] == "完成" and pd.isna(rows.loc[1, "self_raw"])


# --- 5. check lists every accident first, grouped by project -----------------------------------------------------


@pytest.mark.slow  # over 0.2 s of CPU (0.23 s measured)
def test_check_lists_all_accidents_first_grouped_by_project(tmp_path):
    sheets = standard_sheets()
    for spec in sheets.values():
        spec.groups = ["城市公司", "云栖府", "望江台", "观澜苑", "江岸启城"]
    sheets["物业篇"].groups = ["城市公司", "云栖府", "观澜苑", "江岸启城"]  # 望江台 missing from 物业篇
    path = build_checklist(tmp_path / "全部.xlsx", sheets)

    def accidents(wb):
        ws = wb["营销篇"]  # 云栖府 = L M N
        ws["M5"] = '=IF(L5="完成","完成","")'  # formula without value
        ws["L6"], ws["M6"] = "不适用", None
        ws.merge_cells("L6:M6")  # merged over 自查+检查

    edit(path, accidents)
    result = run("check", path)
    assert result.exit_code == 1
    out = result.output
    heading = out.index("请先确认")
    cell_lines = [m.start() for m in re.finditer(r"\[(错误|警告|提示)\] [^\n]*!", out)]
    lead_end = max(out.index(s) for s in ("江岸启城：所有职能表均未填写", "「物业篇」中没有列组", "L6:M6", "M5："))
    assert heading < lead_end
    # the formula error is in the lead block, under its project, and every per-cell line after the block
    formula = out.index("营销篇!M5：这个检查结果单元格是公式")
    assert heading < formula < lead_end and out.rindex("云栖府", 0, formula) > heading
    for project in ("云栖府", "望江台", "江岸启城"):
        assert re.search(rf"^\s+{project}\s*$", out, re.MULTILINE), project  # a heading per project
    per_cell = [i for i in cell_lines if "未填写，按未完成计" in out[i:out.index("\n", i)]]
    assert per_cell and min(per_cell) > lead_end


# --- 6–9. smaller ones -------------------------------------------------------------------------------------------


def test_two_sheets_of_one_function_say_which_is_hidden(tmp_path):
    spec = SheetSpec(items=[Item("案场接待", "一级", {"云栖府": ("完成", "完成")})])
    path = build_checklist(tmp_path / "隐藏.xlsx", {"营销篇": spec, "营销篇 (2)": spec})
    edit(path, lambda wb: setattr(wb["营销篇 (2)"], "sheet_state", "hidden"))
    result = run("check", path)
    assert result.exit_code == 1
    assert "隐藏工作表「营销篇 (2)」" in result.output and "取消隐藏" in result.output


def test_an_error_in_a_hidden_function_sheet_says_it_is_hidden(tmp_path):
    specs = {"营销篇": SheetSpec(items=[Item("案场接待", "一级", {"云栖府": ("完成", "完成")})]),
             "研发篇": SheetSpec(items=[Item("图纸会审", "一级", {"云栖府": ("完成", "进行中")})])}
    path = build_checklist(tmp_path / "隐藏错误.xlsx", specs)
    edit(path, lambda wb: setattr(wb["研发篇"], "sheet_state", "hidden"))
    error = next(p for p in api.check(path).problems if p.level == "error")
    assert error.sheet == "研发篇" and "隐藏工作表「研发篇」" in error.message


def test_a_bad_self_check_value_is_called_self_check(tmp_path):
    spec = SheetSpec(items=[Item("案场接待", "一级", {"云栖府": ("进行中", None)}),
                            Item("签约提醒", "一级", {"云栖府": ("完成", "进行中")})])
    a = api.check(build_checklist(tmp_path / "自查.xlsx", {"营销篇": spec}))
    errors = {p.cell: p.message for p in a.problems if p.level == "error"}
    assert "不是有效的自查结果" in errors["I5"] and "检查结果" not in errors["I5"]  # the self-check stands in: an error
    assert "不是有效的检查结果" in errors["J6"]


@pytest.mark.slow  # over 0.2 s of CPU (0.30 s measured)
def test_a_note_under_the_table_is_an_info_line_not_an_error(tmp_path):
    spec = SheetSpec(items=[Item("案场接待", "一级", {"云栖府": ("完成", "完成")}),
                            Item("签约提醒", "二级", {"云栖府": ("完成", "未完成")})])
    path = build_checklist(tmp_path / "备注行.xlsx", {"营销篇": spec})
    before = unit_row(assess(path), "营销", "云栖府")["score"]
    edit(path, lambda wb: wb["营销篇"].cell(8, 4, value="注:本表由客服组于3月30日复核"))
    a = api.check(path)
    assert not a.has_errors
    note = [p for p in a.problems if p.cell == "D8"]
    assert len(note) == 1 and note[0].level == "info" and "说明" in note[0].message
    assert unit_row(a, "营销", "云栖府")["score"] == before
    assert run("check", path).exit_code == 0


def test_a_name_only_row_inside_the_table_is_still_an_error(tmp_path):
    """Only rows below the last touchpoint are notes: a touchpoint row missing its level stays an error."""
    spec = SheetSpec(items=[Item("案场接待", None, {}), Item("签约提醒", "二级", {"云栖府": ("完成", "完成")})])
    a = api.check(build_checklist(tmp_path / "中间.xlsx", {"营销篇": spec}))
    assert any(p.level == "error" and p.cell == "E5" for p in a.problems)


@pytest.mark.slow  # over 0.2 s of CPU (0.30 s measured)
def test_hidden_item_rows_get_an_info_line_and_are_still_scored(tmp_path):
    spec = SheetSpec(items=[Item("案场接待", "一级", {"云栖府": ("完成", "完成")}),
                            Item("签约提醒", "一级", {"云栖府": ("完成", "未完成")}),
                            Item("交付回访", "一级", {"云栖府": ("完成", "未完成")})])
    path = build_checklist(tmp_path / "隐藏行.xlsx", {"营销篇": spec})

    def hide(wb):
        wb["营销篇"].row_dimensions[6].hidden = True
        wb["营销篇"].row_dimensions[7].hidden = True

    edit(path, hide)
    assert scan_sheets(path)["营销篇"].hidden_rows == {5, 6}
    a = api.check(path)
    infos = [p for p in a.problems if p.level == "info" and "隐藏" in p.message]
    assert [p.cell for p in infos] == ["D6", "D7"]
    assert unit_row(a, "营销", "云栖府")["score"] == Decimal("33.33")
    out = flat(run("check", path).output)
    assert "营销篇!D6、D7" in out


@pytest.mark.slow
def test_annual_refuses_a_quarter_with_a_blank_project_unless_allow_blank(tmp_path):
    quarters = []
    for q in (1, 2):
        sheets = standard_sheets()
        for spec in sheets.values():
            spec.groups = ["城市公司", "云栖府", "望江台", "观澜苑", "江岸启城"]  # 江岸启城: nothing typed
        info = {"公司名称": "示例公司", "年度": 2026, "季度": q}
        quarters.append(build_checklist(tmp_path / f"2026Q{q}_检查表.xlsx", sheets, info=info))
    refused = run("annual", *quarters)
    assert refused.exit_code == 1
    assert "江岸启城：所有职能表均未填写" in flat(refused.output)
    allowed = run("annual", *quarters, "--allow-blank", "--format", "json")
    assert allowed.exit_code == 0, allowed.output
    data = json.loads(allowed.stdout)
    assert data["year"] == 2026
