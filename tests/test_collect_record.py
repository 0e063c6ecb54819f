"""`collect` checks each per-project file against the record kpicli wrote into it (issue 19) before merging: rows
deleted or moved, levels changed, pre-fills overwritten, another project's name, another quarter — each an error
naming the file, sheet and cell, and nothing is written. Every file starts as a real `kpicli template -p 项目`."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from builders import assert_handled, edit, flat, group_columns, run

from kpicli import api
from kpicli.checklist.render.template import FIRST_ITEM_ROW, HEADER_ROW

pytestmark = pytest.mark.slow  # templates written, filled and collected

SUB_ROW = HEADER_ROW + 1
PROJECTS = ("云栖府", "望江台")


def fill(wb: openpyxl.Workbook) -> None:
    """Every blank 自查 and 检查 of the file's project: 完成 (the pre-filled 不适用 stay)."""
    for ws in wb.worksheets[2:]:
        for c in range(1, ws.max_column + 1):
            if ws.cell(SUB_ROW, c).value in ("自查", "检查"):
                for r in range(FIRST_ITEM_ROW, ws.max_row + 1):
                    if ws.cell(r, c).value is None and ws.cell(r, 4).value:
                        ws.cell(r, c).value = "完成"


@pytest.fixture(scope="module")
def handed_out(tmp_path_factory) -> Path:
    """One filled file per project, each from `kpicli template -p 项目`."""
    folder = tmp_path_factory.mktemp("handed")
    for project in PROJECTS:
        path = folder / f"{project}.xlsx"
        result = run("template", "检查表", "-o", path, "--year", 2026, "--quarter", 2, "-p", project)
        assert result.exit_code == 0, result.output
        edit(path, fill)
    return folder


@pytest.fixture
def returned(handed_out, tmp_path) -> Path:
    folder = tmp_path / "交回"
    shutil.copytree(handed_out, folder)
    return folder


def collect_errors(folder: Path, out: Path) -> tuple[object, str]:
    result = run("collect", folder, "-o", out)
    assert_handled(result)
    return result, flat(result.output)


def test_files_returned_as_handed_out_collect_without_errors(returned, tmp_path):
    out = tmp_path / "汇总.xlsx"
    result, text = collect_errors(returned, out)
    assert result.exit_code == 0, result.output
    assert "[错误]" not in text and out.exists()


def test_edited_rows_are_errors_naming_file_sheet_and_cell_and_nothing_is_written(returned, tmp_path):
    path = returned / "云栖府.xlsx"
    ws = openpyxl.load_workbook(path)["营销篇"]
    deleted_name = ws.cell(FIRST_ITEM_ROW + 2, 4).value
    company = group_columns(ws, "城市公司")["检查"]
    prefilled = next(r for r in range(FIRST_ITEM_ROW, ws.max_row + 1) if ws.cell(r, company).value == "不适用")

    def handle(wb):
        ws = wb["营销篇"]
        ws.cell(prefilled, company).value = "完成"  # a grey 不适用 overwritten
        ws.cell(FIRST_ITEM_ROW, 5).value = "三级"  # a level changed (一级 in the catalogue)
        ws.delete_rows(FIRST_ITEM_ROW + 2)  # a touchpoint row deleted
    edit(path, handle)
    out = tmp_path / "汇总.xlsx"
    result, text = collect_errors(returned, out)
    assert result.exit_code == 1 and not out.exists()  # checked before merging: nothing written
    assert "云栖府.xlsx" in text
    assert f"营销篇!E{FIRST_ITEM_ROW}" in text and "现在是「三级」" in text
    assert f"{deleted_name}（" in text and "不在表中了" in text
    prefill_cell = f"{openpyxl.utils.get_column_letter(company)}{prefilled}"
    assert f"营销篇!{prefill_cell}" in text and "kpicli预填的是「不适用」" in text


def test_a_project_the_file_was_not_handed_out_for_is_an_error_at_its_header(returned, tmp_path):
    path = returned / "望江台.xlsx"
    ws = openpyxl.load_workbook(path)["工程篇"]
    col = next(c for c in range(1, ws.max_column + 1) if ws.cell(HEADER_ROW, c).value == "望江台")
    edit(path, lambda wb: setattr(wb["工程篇"].cell(HEADER_ROW, col), "value", "望江台二期"))
    out = tmp_path / "汇总.xlsx"
    result, text = collect_errors(returned, out)
    assert result.exit_code == 1 and not out.exists()
    cell = f"工程篇!{openpyxl.utils.get_column_letter(col)}{HEADER_ROW}"
    assert "望江台.xlsx" in text and cell in text
    assert "项目「望江台二期」不是kpicli发出这份文件时的项目（发出时为：望江台）" in text


def test_a_period_other_than_the_records_is_an_error_naming_the_info_cell(returned, tmp_path):
    edit(returned / "云栖府.xlsx", lambda wb: setattr(wb["基本信息"]["B4"], "value", 1))
    edit(returned / "望江台.xlsx", lambda wb: setattr(wb["基本信息"]["B4"], "value", 1))  # both: no file disagrees
    out = tmp_path / "汇总.xlsx"
    result, text = collect_errors(returned, out)
    assert result.exit_code == 1 and not out.exists()
    assert "基本信息!B4" in text and "kpicli为2026年第2季度发出的" in text and "基本信息写的是2026年第1季度" in text
    assert "云栖府.xlsx" in text and "望江台.xlsx" in text


def test_collecting_a_file_into_another_quarter_is_an_error(returned, tmp_path):
    out = tmp_path / "汇总.xlsx"
    result = run("collect", returned, "-o", out, "--quarter", 3)
    assert_handled(result, 1)
    assert "kpicli为2026年第2季度发出的" in flat(result.output) and "这次汇总的是2026年第3季度" in flat(result.output)
    assert not out.exists()


def test_the_library_says_the_same_and_writes_nothing(returned, tmp_path):
    edit(returned / "云栖府.xlsx", lambda wb: setattr(wb["营销篇"].cell(FIRST_ITEM_ROW, 5), "value", "三级"))
    done = api.collect([returned], tmp_path / "汇总.xlsx")
    assert done.path is None and not (tmp_path / "汇总.xlsx").exists()
    errors = [(p.file, p.sheet, p.cell) for p in done.collected.problems if p.level == "error"]
    assert errors == [("云栖府.xlsx", "营销篇", f"E{FIRST_ITEM_ROW}")]
