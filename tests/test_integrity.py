"""A returned checklist is checked against what kpicli handed out (issue 19, cases 1 and 2): every workbook here starts
as a real `kpicli template`, is filled and then handled as people do with openpyxl."""

from __future__ import annotations

import shutil
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pytest
from builders import assert_handled, edit, filled_checklist, group_columns, result_path, run, write_catalog

from kpicli import api
from kpicli.checklist.catalog import load_catalog
from kpicli.checklist.render.template import FIRST_ITEM_ROW, HEADER_ROW
from kpicli.core.errors import DataError
from kpicli.io.provenance import CHUNK_PREFIX

PROJECTS = ("云栖府", "望江台")
WEIGHTS = {"一级": 3, "二级": 2, "三级": 1}


def fill(wb: openpyxl.Workbook) -> None:
    """Every 检查 cell that kpicli left blank: 完成."""
    for ws in wb.worksheets[2:]:
        for c in range(1, ws.max_column + 1):
            if ws.cell(HEADER_ROW + 1, c).value == "检查":
                for r in range(FIRST_ITEM_ROW, ws.max_row + 1):
                    if ws.cell(r, c).value is None and ws.cell(r, 4).value:
                        ws.cell(r, c).value = "完成"


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> Path:
    return filled_checklist(tmp_path_factory.mktemp("handout"), PROJECTS, fill)


@pytest.fixture
def book(filled, tmp_path) -> Path:
    return Path(shutil.copy(filled, tmp_path / filled.name))


def problems(path: Path, *, level: str = "error", **options: object) -> list[str]:
    return [f"{p.where}：{p.message}" for p in api.check(path, **options).problems if p.level == level]


def row_of(ws: object, code: str) -> int:
    return next(r for r in range(FIRST_ITEM_ROW, ws.max_row + 1) if ws.cell(r, 2).value == code)


@pytest.mark.slow
def test_a_filled_template_handled_as_intended_has_nothing_to_say(book):
    assert problems(book) == []
    assert api.rank(book).projects.set_index("project").loc["云栖府", "score"] == Decimal("100.00")


@pytest.mark.slow
def test_sorting_only_the_item_columns_is_an_error_naming_the_moved_rows(book):
    def sort_items(wb):  # Excel's "continue with the current selection": A:I sorted by level, results stay
        ws = wb["营销篇"]
        last = max(r for r in range(FIRST_ITEM_ROW, ws.max_row + 1) if ws.cell(r, 4).value)
        rows = [[ws.cell(r, c).value for c in range(1, 10)] for r in range(FIRST_ITEM_ROW, last + 1)]
        rows.sort(key=lambda values: ("一级", "二级", "三级").index(values[4]))
        for i, values in enumerate(rows):
            for c, value in enumerate(values, start=1):
                ws.cell(FIRST_ITEM_ROW + i, c).value = value
    edit(book, sort_items)
    found = problems(book)
    moved = [p for p in found if "先后次序被改变" in p]
    assert moved and all(p.startswith("营销篇!D") for p in moved)
    assert any("发出时在第" in p for p in moved)
    result = run("score", book)
    assert_handled(result, 1)
    assert "先后次序被改变" in result.output and not result_path(book).exists()  # never a silent score


@pytest.mark.slow
def test_sorting_one_column_breaks_code_name_and_level_apart(book):
    ws = openpyxl.load_workbook(book)["研发篇"]
    first, second = ws.cell(FIRST_ITEM_ROW, 4).value, ws.cell(FIRST_ITEM_ROW + 1, 4).value
    edit(book, lambda wb: [setattr(wb["研发篇"].cell(FIRST_ITEM_ROW, 4), "value", second),
                           setattr(wb["研发篇"].cell(FIRST_ITEM_ROW + 1, 4), "value", first)])
    found = problems(book)
    assert any(p.startswith(f"研发篇!D{FIRST_ITEM_ROW}：编号 YF-01") and first in p and f"「{second}」" in p
               for p in found), found


@pytest.mark.slow
def test_a_changed_level_is_an_error_with_both_levels_and_the_catalogue_accepts_it(book, tmp_path):
    wb = openpyxl.load_workbook(book)
    ws = wb["营销篇"]
    catalog = load_catalog()
    code = catalog[(catalog["function"] == "营销") & (catalog["level"] == "一级") & (catalog["scope"] == "项目")].iloc[0]
    r = row_of(ws, code["item_id"])
    check = group_columns(ws, "云栖府")["检查"]
    ws.cell(r, 5).value = "三级"
    ws.cell(r, check).value = "未完成"
    wb.save(book)
    found = problems(book)
    assert any(p.startswith(f"营销篇!E{r}：") and "「一级」" in p and "「三级」" in p for p in found), found
    assert_handled(run("score", book), 1)

    # The one way to accept it: a catalogue file with the new level, given with --catalog.
    changed = catalog.copy()
    changed.loc[changed["item_id"] == code["item_id"], "level"] = "三级"
    accepted = tmp_path / "目录.xlsx"
    write_catalog(changed, accepted)
    assert problems(book, catalog=accepted) == []
    items = changed[(changed["function"] == "营销") & (changed["scope"] == "项目")]
    total = sum(WEIGHTS[level] for level in items["level"])
    expected = (Decimal(100) * (total - 1) / total).quantize(Decimal("0.01"), ROUND_HALF_UP)  # 三级 weighs 1
    units = api.rank(book, catalog=accepted).units.set_index(["function", "group"])
    assert units.loc[("营销", "云栖府"), "score"] == expected
    result = run("score", book, "--catalog", accepted)
    assert_handled(result, 0)


@pytest.mark.slow
def test_a_deleted_row_an_added_row_and_an_overwritten_prefill_are_errors_naming_them(book):
    wb = openpyxl.load_workbook(book)
    ws = wb["营销篇"]
    deleted = row_of(ws, "YX-05")
    name = ws.cell(deleted, 4).value
    ws.delete_rows(deleted)
    added = ws.max_row + 1
    ws.cell(added, 2, "YX-99")
    ws.cell(added, 4, "新增的触点")
    ws.cell(added, 5, "一级")
    ws.cell(added, group_columns(ws, "云栖府")["检查"], "完成")
    company = group_columns(ws, "城市公司")
    project_item = row_of(ws, "YX-01")  # a project item: its 城市公司 cells were handed out as 不适用
    ws.cell(project_item, company["检查"]).value = "完成"
    wb.save(book)
    found = problems(book)
    assert any(p.startswith("营销篇：") and f"YX-05 {name}" in p and f"第 {deleted} 行" in p for p in found), found
    assert any(p.startswith(f"营销篇!D{added}：") and "新增的触点" in p for p in found), found
    letter = openpyxl.utils.get_column_letter(company["检查"])
    assert any(p.startswith(f"营销篇!{letter}{project_item}：") and "「不适用」" in p and "「完成」" in p
               for p in found), found


@pytest.mark.slow
def test_an_old_template_without_a_record_is_checked_against_the_packaged_catalogue(book):
    def strip(wb):
        wb.custom_doc_props.props = [p for p in wb.custom_doc_props.props if not p.name.startswith(CHUNK_PREFIX)]
        wb["工程篇"].cell(row_of(wb["工程篇"], "GC-03"), 5).value = "三级"
    edit(book, strip)
    found = problems(book)
    assert any(p.startswith("工程篇!E") and "内置触点目录" in p and "「一级」" in p for p in found), found


def test_a_hand_made_checklist_of_its_own_touchpoints_is_not_judged_by_the_catalogue(standard_book):
    assert not [p for p in api.check(standard_book).problems if "触点目录" in p.message]


def test_catalog_is_refused_for_scorecards(tmp_path):
    from scorecard_builders import build_scorecard, weighted_card

    from kpicli.core.errors import KpiError

    path = build_scorecard(tmp_path / "卡.xlsx", {"张三": weighted_card()})
    with pytest.raises(KpiError) as caught:
        api.check(path, catalog=tmp_path / "目录.xlsx")
    # named as the library caller wrote it (the command line says --catalog)
    assert caught.value.message.startswith("catalog 只用于") and "--" not in caught.value.message
    assert not isinstance(caught.value, DataError)
