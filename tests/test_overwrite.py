"""Never overwrite a person's typing (issue 19, case 7): kpicli compares a file it wrote with its record before it
replaces it; `collect` into a collected workbook keeps the typed 检查."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from builders import assert_handled, edit, flat, result_path, run, sha256

from kpicli import api
from kpicli.checklist.render.template import FIRST_ITEM_ROW, HEADER_ROW
from kpicli.checklist.words import FUNCTION_SHEETS

pytestmark = pytest.mark.slow  # templates, merges and results written and written again

PROJECTS = ("云栖府", "望江台")


def group_column(ws: object, project: str) -> int:
    return next(c for c in range(1, ws.max_column + 1) if ws.cell(HEADER_ROW, c).value == project)


def submission(folder: Path, project: str) -> Path:
    """A project's own template, its 自查 all 完成 (检查 left to the city company)."""
    path = folder / f"{project}.xlsx"
    result = run("template", "检查表", "-o", path, "--year", 2026, "--quarter", 1, "-p", project)
    assert result.exit_code == 0, result.output

    def fill(wb):
        for name in FUNCTION_SHEETS.values():
            ws = wb[name]
            col = group_column(ws, project)
            for r in range(FIRST_ITEM_ROW, ws.max_row + 1):
                if ws.cell(r, col).value is None and ws.cell(r, 4).value:
                    ws.cell(r, col).value = "完成"
    return edit(path, fill)


def backups(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f"{path.stem}_备份_*{path.suffix}"))


def project_items(ws: object, project: str) -> list[int]:
    col = group_column(ws, project)
    return [r for r in range(FIRST_ITEM_ROW, ws.max_row + 1) if ws.cell(r, col).value == "完成"]


def test_collect_again_after_a_late_file_keeps_every_typed_check(tmp_path):
    early = submission(tmp_path, "云栖府")
    out = tmp_path / "2026Q1_客户触点检查表.xlsx"
    assert run("collect", early, "-o", out).exit_code == 0
    wb = openpyxl.load_workbook(out)  # the officer types 检查: two 未完成 where the project said 完成
    ws = wb["营销篇"]
    col = group_column(ws, "云栖府")
    rows = project_items(ws, "云栖府")
    for r in rows:
        ws.cell(r, col + 1).value = "完成"
    ws.cell(rows[0], col + 1).value = ws.cell(rows[1], col + 1).value = "未完成"
    wb.save(out)
    before = api.rank(out, allow_blank=True).units.set_index(["function", "group"]).loc[("营销", "云栖府"), "score"]
    assert before < Decimal(100)  # the typed checks count

    late = submission(tmp_path, "望江台")
    result = run("collect", early, late, "-o", out)
    assert_handled(result, 0)
    assert "检查结果已保留" in flat(result.output)
    ws = openpyxl.load_workbook(out)["营销篇"]
    col = group_column(ws, "云栖府")
    assert [ws.cell(r, col + 1).value for r in rows[:3]] == ["未完成", "未完成", "完成"]
    assert project_items(ws, "望江台")  # the late project is in
    units = api.rank(out).units.set_index(["function", "group"])
    assert units.loc[("营销", "云栖府"), "score"] == before  # not the 自查's 100
    assert units.loc[("营销", "望江台"), "score"] == Decimal("100.00")


def test_collect_stops_when_a_change_has_no_place_in_the_new_merge(tmp_path):
    early = submission(tmp_path, "云栖府")
    out = tmp_path / "汇总.xlsx"
    assert run("collect", early, "-o", out).exit_code == 0
    edit(out, lambda wb: wb["基本信息"].cell(5, 2, "2026-04-08"))
    typed = sha256(out)
    result = run("collect", early, "-o", out)
    assert_handled(result, 1)
    assert "基本信息" in result.output and "--force" in result.output
    assert sha256(out) == typed and not backups(out)
    result = run("collect", early, "-o", out, "--force")
    assert_handled(result, 0)
    assert [sha256(p) for p in backups(out)] == [typed]  # the person's file is kept beside it


@pytest.fixture
def scored(tmp_path, standard_book) -> Path:
    result = run("score", standard_book)
    assert result.exit_code == 0, result.output
    return result_path(standard_book)


def test_score_again_over_a_filled_allocation_sheet_is_refused_and_force_keeps_a_backup(scored, standard_book):
    again = run("score", standard_book)  # unchanged since written: replaced, no backup needed
    assert_handled(again, 0)
    assert not backups(scored)

    def allocate(wb):
        ws = wb["奖惩分配表"]
        ws.cell(ws.max_row + 1, 1, "李总监")
        ws.cell(ws.max_row, 3, 1500)
    edit(scored, allocate)
    typed = sha256(scored)
    result = run("score", standard_book)
    assert_handled(result, 1)
    assert "「奖惩分配表」" in result.output and "--force" in result.output
    assert sha256(scored) == typed and not backups(scored)

    result = run("score", standard_book, "--force")
    assert_handled(result, 0)
    kept = backups(scored)
    assert [sha256(p) for p in kept] == [typed]
    ws = openpyxl.load_workbook(kept[0])["奖惩分配表"]
    assert ws.cell(ws.max_row, 3).value == 1500  # the directors' amounts survive in the backup


def test_a_template_someone_filled_is_not_replaced(tmp_path):
    out = tmp_path / "模板.xlsx"
    args = ("template", "检查表", "-o", out, "--year", 2026, "--quarter", 1, "-p", "云栖府")
    assert run(*args).exit_code == 0
    assert run(*args).exit_code == 0 and not backups(out)  # an untouched template is simply written again
    edit(out, lambda wb: wb["工程篇"].cell(FIRST_ITEM_ROW, group_column(wb["工程篇"], "云栖府"), "完成"))
    result = run(*args)
    assert_handled(result, 1)
    assert "「工程篇」" in result.output


def test_a_result_resaved_unchanged_is_no_change(scored, standard_book):
    edit(scored, lambda wb: None)  # opened and saved again, nothing typed
    assert_handled(run("score", standard_book), 0)
    assert not backups(scored)
