"""Whose a sheet is when two kinds' headers are in it: each kind finds its own header row (Kind.header_row), the
registry (kpicli.kinds.owners) decides. A kind that looks only at a sheet's first rows (the checklist: 触点名称)
owns every sheet it finds its header in; a kind that looks through the whole sheet (the scorecard: notes may stand
above its table) owns one only when no other kind's header lies above its own."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import assert_handled, run, standard_workbook
from scorecard_builders import build_scorecard, weighted_card

from kpicli import kinds
from kpicli.core.errors import DataError
from kpicli.io.workbook import read_workbook

CHECKLIST, SCORECARD = kinds.by_name("checklist"), kinds.by_name("scorecard")
FORM_HEADER = ["序号", "考核指标", "权重"]  # a scorecard's header row
NOTES = [["说明"]] * 3


def book(tmp_path: Path, rows: list[list[object]], name: str = "表") -> object:
    return read_workbook(build_scorecard(tmp_path / f"{name}.xlsx", {name: rows}))


def test_each_kind_finds_its_own_header_row_only(tmp_path):
    raw = book(tmp_path, [*NOTES, ["序号", "触点名称", "云栖府"], [1, "案场接待", "完成"], FORM_HEADER])
    grid = raw.grids["表"]
    assert (CHECKLIST.header_row(grid), SCORECARD.header_row(grid)) == (3, 5)
    assert SCORECARD.header_row(grid, limit=5) is None  # rows before the limit only
    deep = book(tmp_path, [["说明"]] * 15 + [["序号", "触点名称"]], name="深")
    assert CHECKLIST.header_row(deep.grids["深"]) is None  # 触点名称 is looked for in the first 15 rows only


def test_a_checklist_header_above_a_form_header_makes_a_checklist(tmp_path):
    raw = book(tmp_path, [*NOTES, ["序号", "触点名称", "云栖府"], [1, "案场接待", "完成"], FORM_HEADER, [1, "满意度", "100%"]])
    assert kinds.owners(raw.grids["表"]) == [CHECKLIST] and kinds.detect(raw) is CHECKLIST


def test_a_form_header_at_or_above_a_checklist_header_is_refused_as_both_kinds(tmp_path):
    for rows in ([FORM_HEADER, [1, "满意度", "100%"], ["触点名称"]], [[*FORM_HEADER, "触点名称"]]):
        raw = book(tmp_path, rows)
        assert kinds.owners(raw.grids["表"]) == [CHECKLIST, SCORECARD]
        with pytest.raises(DataError, match="工作簿同时含有触点检查表（表）和绩效考核表（表）；请把两类表分成两个工作簿"):
            kinds.detect(raw)


def test_the_review_and_info_sheets_are_no_forms_whatever_their_headers(tmp_path):
    for name in ("民主评议", "基本信息"):
        raw = book(tmp_path, [FORM_HEADER, [1, "满意度", "100%"]], name=name)
        assert kinds.owners(raw.grids[name]) == [] and kinds.detect(raw) is None


@pytest.mark.slow  # an annual run and two workbooks built (1.7 s measured)
def test_the_year_of_a_checklist_with_a_form_header_below_its_own_is_a_checklist_year(tmp_path):
    """A scorecard year is claimed on the sheets no other kind owns: a checklist sheet with a form-like header row
    below its 触点名称 header is the checklist's, in `annual` as in `score`."""
    import openpyxl

    path = standard_workbook(tmp_path / "2026Q1_客户触点检查表.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    ws.cell(ws.max_row + 2, 1, "考核指标")
    ws.cell(ws.max_row, 2, "权重")
    wb.save(path)
    assert kinds.year_kind([read_workbook(path)]) is CHECKLIST
    card = build_scorecard(tmp_path / "张三.xlsx", {"张三": weighted_card()})
    refused = run("annual", card, path)
    assert_handled(refused, 1)
    assert "触点检查表（2026Q1_客户触点检查表.xlsx）不能与绩效考核表一起做年度汇总" in refused.output.replace("\n", "")
