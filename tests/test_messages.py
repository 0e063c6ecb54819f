"""Messages that name the real cause (issue 19): each workbook starts as a real `kpicli template`, is filled, then
edited with openpyxl as a person would in Excel; the message names the sheet and cell and says what to do, and the
scores are the ones the person meant."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from builders import assert_handled, edit, flat, group_columns, run
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

from kpicli import api
from kpicli.checklist.render.template import FIRST_ITEM_ROW, HEADER_ROW

PROJECTS = ("云栖府", "望江台")
SUB_ROW = HEADER_ROW + 1


def fill(wb: openpyxl.Workbook) -> None:
    """Every 检查 left blank: 完成; then 云栖府's 检查 of the second 营销 touchpoint: 未完成 (a score below 100)."""
    for ws in wb.worksheets[2:]:
        for c in range(1, ws.max_column + 1):
            if ws.cell(SUB_ROW, c).value == "检查":
                for r in range(FIRST_ITEM_ROW, ws.max_row + 1):
                    if ws.cell(r, c).value is None and ws.cell(r, 4).value:
                        ws.cell(r, c).value = "完成"
    ws = wb["营销篇"]
    ws.cell(FIRST_ITEM_ROW + 1, group_columns(ws, "云栖府")["检查"]).value = "未完成"


def make(folder: Path, name: str, quarter: int) -> Path:
    path = folder / name
    result = run("template", "检查表", "-o", path, "--year", 2026, "--quarter", quarter,
                 *[a for p in PROJECTS for a in ("-p", p)])
    assert result.exit_code == 0, result.output
    return edit(path, fill)


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> Path:
    return make(tmp_path_factory.mktemp("messages"), "2026Q1_检查表.xlsx", 1)


@pytest.fixture(scope="module")
def intended(filled) -> dict[tuple[str, str], Decimal]:
    """The unit scores of the workbook as filled, before anyone edits it."""
    units = api.rank(filled).units
    scores = dict(zip(zip(units["function"], units["group"]), units["score"]))
    assert scores[("营销", "云栖府")] < Decimal(100)  # the 未完成 counts: a comparison that can fail
    return scores


@pytest.fixture
def book(filled, tmp_path) -> Path:
    return Path(shutil.copy(filled, tmp_path / filled.name))


def found(path: Path, level: str) -> dict[str, str]:
    """{sheet!cell: message} of one level, from kpicli.api.check."""
    return {f"{p.sheet}!{p.cell}" if p.cell else str(p.sheet): p.message
            for p in api.check(path).problems if p.level == level}


def scores(path: Path) -> dict[tuple[str, str], Decimal]:
    units = api.rank(path).units
    return dict(zip(zip(units["function"], units["group"]), units["score"]))


def insert_column(ws: object, col: int) -> None:
    """Excel's 插入 › 整列: cells move right and a merge the column falls inside grows by one (openpyxl moves
    neither merges nor their growth, so it is done here)."""
    ranges = [CellRange(r.coord) for r in ws.merged_cells.ranges]
    for r in ranges:
        ws.unmerge_cells(r.coord)
    ws.insert_cols(col)
    for r in ranges:
        if r.min_col >= col:
            r.shift(col_shift=1)
        elif r.max_col >= col:
            r.expand(right=1)
        ws.merge_cells(r.coord)


@pytest.mark.slow
def test_a_column_inserted_inside_a_merged_project_group_is_named_and_scores_stay(book, intended):
    ws = openpyxl.load_workbook(book)["营销篇"]
    cols = group_columns(ws, "云栖府")
    inserted = cols["检查"]  # between 自查 and 检查: the merged 云栖府 now spans four columns
    letter = get_column_letter(inserted)

    def owner_column(wb):
        insert_column(wb["营销篇"], inserted)
        wb["营销篇"].cell(SUB_ROW, inserted).value = "负责人"
        wb["营销篇"].cell(FIRST_ITEM_ROW, inserted).value = "张三"
    edit(book, owner_column)
    assert found(book, "error") == {}
    info = found(book, "info")[f"营销篇!{letter}{SUB_ROW}"]
    assert "「云栖府」列组中有一列「负责人」" in info and "不计分" in info and "移到列组之外" in info
    assert scores(book) == intended  # the 检查 column is still found by its sub-header, the 未完成 still counts
    result = run("score", book)
    assert_handled(result, 0)


@pytest.mark.slow
def test_an_empty_column_inserted_inside_a_merged_group_says_where(book, intended):
    ws = openpyxl.load_workbook(book)["研发篇"]
    inserted = group_columns(ws, "望江台")["备注"]
    edit(book, lambda wb: insert_column(wb["研发篇"], inserted))
    letter = get_column_letter(inserted)
    assert found(book, "error") == {}
    assert "「望江台」列组中有一列没有子表头的列" in found(book, "info")[f"研发篇!{letter}{SUB_ROW}"]
    assert scores(book) == intended


@pytest.mark.slow
def test_a_renamed_check_sub_header_is_named_not_blamed_on_the_next_column(book):
    ws = openpyxl.load_workbook(book)["营销篇"]
    col = group_columns(ws, "云栖府")["检查"]
    letter = get_column_letter(col)
    edit(book, lambda wb: setattr(wb["营销篇"].cell(SUB_ROW, col), "value", "抽查"))
    errors = found(book, "error")
    assert list(errors) == [f"营销篇!{letter}{SUB_ROW}"]
    message = errors[f"营销篇!{letter}{SUB_ROW}"]
    assert "「云栖府」列组的子表头「抽查」无法识别" in message and "缺少「检查」列" in message
    assert "请把子表头改为「检查」" in message and "没有项目名称" not in message
    result = run("score", book)
    assert_handled(result, 1)
    assert "抽查" in flat(result.output)


@pytest.mark.slow
def test_an_older_templates_sub_headers_are_each_named(book):
    def older(wb):
        for ws in wb.worksheets[2:]:
            for c in range(1, ws.max_column + 1):
                old = {"自查": "项目自评", "检查": "公司检查"}.get(ws.cell(SUB_ROW, c).value)
                if old:
                    ws.cell(SUB_ROW, c).value = old
    edit(book, older)
    ws = openpyxl.load_workbook(book)["工程篇"]
    cols = group_columns(ws, "望江台")
    errors = found(book, "error")
    self_cell = f"工程篇!{get_column_letter(cols['项目自评'])}{SUB_ROW}"
    check_cell = f"工程篇!{get_column_letter(cols['公司检查'])}{SUB_ROW}"
    assert "「望江台」列组的子表头「项目自评」无法识别" in errors[self_cell]
    assert "「望江台」列组的子表头「公司检查」无法识别" in errors[check_cell]
    assert "改为「自查」或「检查」" in errors[check_cell]
    # every error is one of these named headers: no blame on 备注 columns, no "no project groups found"
    assert all("项目自评" in m or "公司检查" in m for m in errors.values()), errors
    assert len(errors) == 5 * 3 * 2  # five sheets, 城市公司 and two projects, two renamed columns each


@pytest.mark.slow
def test_a_level_cell_merged_down_two_rows_uses_the_merges_value(book, intended):
    ws = openpyxl.load_workbook(book)["营销篇"]
    top, below = FIRST_ITEM_ROW, FIRST_ITEM_ROW + 1  # both 一级 in the catalogue; 云栖府's 未完成 is on `below`
    assert ws.cell(top, 5).value == ws.cell(below, 5).value == "一级"
    edit(book, lambda wb: wb["营销篇"].merge_cells(start_row=top, start_column=5, end_row=below, end_column=5))
    assert openpyxl.load_workbook(book)["营销篇"].cell(below, 5).value is None  # Excel keeps the first cell's only
    assert found(book, "error") == {}
    where = f"E{top}:E{below}"
    info = found(book, "info")[f"营销篇!{where}"]
    assert "触点等级「一级」已用于其中每一行" in info and "取消合并" in info
    assert scores(book) == intended  # the 未完成 below weighs as 一级, exactly as before the merge


@pytest.mark.slow
def test_notes_sheets_named_with_a_function_word_are_skipped_with_an_info_line(book, intended):
    def notes(wb):
        fee = wb.create_sheet("物业费收缴说明", index=2)  # before 物业篇 and every function sheet
        fee["A1"], fee["A2"] = "本季度物业费收缴率", "92%"
        wb.create_sheet("工程进度照片")["A1"] = "照片见附件"
    edit(book, notes)
    assert found(book, "error") == {}
    infos = found(book, "info")
    assert "名称含有「物业」" in infos["物业费收缴说明"] and "已跳过" in infos["物业费收缴说明"]
    assert "名称含有「工程」" in infos["工程进度照片"] and "触点名称" in infos["工程进度照片"]
    assert scores(book) == intended
    assert_handled(run("score", book), 0)


@pytest.mark.slow
def test_a_notes_sheet_never_hides_a_function_sheet_with_a_broken_header(book):
    """The only 工程 sheet without a header is still an error: skipping it would drop the function's score."""
    def broken(wb):
        wb["工程篇"].cell(HEADER_ROW, 4).value = "名称"
        wb.create_sheet("工程进度照片")["A1"] = "照片见附件"
    edit(book, broken)
    errors = found(book, "error")
    assert any(k.startswith("工程篇") and "触点名称" in m for k, m in errors.items()), errors


@pytest.mark.slow
def test_text_in_self_check_where_the_check_is_filled_is_a_warning_and_the_check_counts(book, intended):
    ws = openpyxl.load_workbook(book)["营销篇"]
    cols = group_columns(ws, "云栖府")
    row = FIRST_ITEM_ROW + 1  # the 未完成 check
    self_cell = f"{get_column_letter(cols['自查'])}{row}"
    check_cell = f"{get_column_letter(cols['检查'])}{row}"
    edit(book, lambda wb: setattr(wb["营销篇"].cell(row, cols["自查"]), "value", "已完成，见附件"))
    assert found(book, "error") == {}
    warning = found(book, "warning")[f"营销篇!{self_cell}"]
    assert "「已完成，见附件」" in warning and f"{check_cell}「未完成」" in warning and "评分以检查为准" in warning
    assert scores(book) == intended
    assert_handled(run("score", book), 0)


@pytest.mark.slow
def test_text_in_self_check_with_the_check_blank_is_still_an_error(book):
    ws = openpyxl.load_workbook(book)["营销篇"]
    cols = group_columns(ws, "云栖府")

    def note(wb):
        wb["营销篇"].cell(FIRST_ITEM_ROW + 1, cols["自查"]).value = "已完成，见附件"
        wb["营销篇"].cell(FIRST_ITEM_ROW + 1, cols["检查"]).value = None
    edit(book, note)
    cell = f"营销篇!{get_column_letter(cols['自查'])}{FIRST_ITEM_ROW + 1}"
    assert "不是有效的自查结果" in found(book, "error")[cell]


@pytest.mark.slow
def test_a_file_named_for_one_quarter_whose_info_says_another_is_a_warning_naming_both(filled, tmp_path):
    renamed = Path(shutil.copy(filled, tmp_path / "2026Q2_检查表.xlsx"))  # last quarter's file, copied and renamed
    a = api.check(renamed)
    warning = next(p for p in a.problems if p.level == "warning" and "文件名" in p.message)
    assert (warning.sheet, warning.cell) == ("基本信息", "B4")
    assert "「2026Q2_检查表.xlsx」写的是2026年第2季度" in warning.message
    assert "基本信息写的是2026年第1季度" in warning.message and "请改正" in warning.message
    assert (a.checklist.period.year, a.checklist.period.quarter) == (2026, 1)  # 基本信息 counts
    result = run("check", renamed)
    assert_handled(result, 0)
    assert "基本信息!B4" in flat(result.output) and "2026Q2_检查表.xlsx" in flat(result.output)
    # the quarter given on the command line decides, and says so in its own words: no second warning
    given = api.check(renamed, quarter=2)
    assert not any("文件名" in p.message for p in given.problems)
    # agreeing names say nothing
    assert not any("文件名" in p.message for p in api.check(filled).problems)
