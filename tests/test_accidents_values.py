"""Issue 19, case 3 and the money names of case 4: every workbook here starts as a real `kpicli template`, is filled
as intended, then handled as people do with openpyxl.

Values: a logical TRUE/FALSE (a check box, a formula) and a date or time typed into a result cell are errors naming
the cell, never 完成/未完成 or a fraction. A row with a 触点编号, a level and results is a touchpoint whatever its
name (a touchpoint may be named 完成率)."""

from __future__ import annotations

import shutil
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pytest
from builders import assert_handled, edit, filled_checklist, group_columns, run
from openpyxl.utils import get_column_letter
from test_integrity import fill, row_of, write_catalog

from kpicli import api
from kpicli.checklist.catalog import load_catalog
from kpicli.checklist.render.template import FIRST_ITEM_ROW, HEADER_ROW

PROJECTS = ("云栖府", "望江台")
WEIGHTS = {"一级": 3, "二级": 2, "三级": 1}


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> Path:
    return filled_checklist(tmp_path_factory.mktemp("values"), PROJECTS, fill)


@pytest.fixture
def book(filled, tmp_path) -> Path:
    return Path(shutil.copy(filled, tmp_path / filled.name))


def errors(path: Path, **options: object) -> list[str]:
    return [f"{p.where}：{p.message}" for p in api.check(path, **options).problems if p.level == "error"]


def marketing_score(weights_missed: int, items: list[str]) -> Decimal:
    total = sum(WEIGHTS[level] for level in items)
    return (Decimal(100) * (total - weights_missed) / total).quantize(Decimal("0.01"), ROUND_HALF_UP)


@pytest.mark.slow
@pytest.mark.parametrize(("typed", "said"), [
    (True, "「TRUE」是逻辑值"), (False, "「FALSE」是逻辑值"),
    (date(2026, 3, 1), "是日期或时间"), (datetime(2026, 3, 1, 9, 30), "是日期或时间"),
    (time(12, 0), "是日期或时间"),  # 12:00 is half a day: never the fraction 0.5
])
def test_a_logical_value_or_a_date_in_a_result_cell_is_an_error_naming_the_cell(book, typed, said):
    wb = openpyxl.load_workbook(book)
    ws = wb["营销篇"]
    r, c = row_of(ws, "YX-01"), group_columns(ws, "云栖府")["检查"]
    ws.cell(r, c).value = typed
    if isinstance(typed, time):
        ws.cell(r, c).number_format = "hh:mm"
    wb.save(book)
    cell = f"营销篇!{get_column_letter(c)}{r}"
    found = errors(book)
    assert any(p.startswith(f"{cell}：") and said in p for p in found), found
    done = run("score", book)
    assert_handled(done, 1)
    assert cell in done.output


@pytest.mark.slow
@pytest.mark.parametrize(("first", "second"), [(1, True), (True, 1), (0, False), (False, 0)])
def test_a_logical_value_beside_the_number_it_equals_is_still_an_error(book, first, second):
    """TRUE equals 1 (FALSE equals 0) to pandas: a column holding both must not read TRUE as the 1 (完成) typed
    above or below it, nor the 1 as a logical value."""
    wb = openpyxl.load_workbook(book)
    ws = wb["营销篇"]
    c = group_columns(ws, "云栖府")["检查"]
    rows = row_of(ws, "YX-01"), row_of(ws, "YX-02")
    for r, value in zip(rows, (first, second)):
        ws.cell(r, c).value = value
    wb.save(book)
    cells = [f"营销篇!{get_column_letter(c)}{r}" for r in rows]
    logical, number = (cells[0], cells[1]) if isinstance(first, bool) else (cells[1], cells[0])
    found = errors(book)
    assert any(p.startswith(f"{logical}：") and "是逻辑值" in p for p in found), found
    assert not any(p.startswith(f"{number}：") for p in found), found


@pytest.mark.slow
def test_a_touchpoint_named_like_a_summary_word_is_scored(book, tmp_path):
    """YX-02 renamed 完成率 in the catalogue (the one way to accept a renamed touchpoint) and left 未完成: scored."""
    catalog = load_catalog()
    changed = catalog.copy()
    changed.loc[changed["item_id"] == "YX-02", "name"] = "完成率"
    accepted = tmp_path / "目录.xlsx"
    write_catalog(changed, accepted)

    def rename(wb):
        ws = wb["营销篇"]
        r = row_of(ws, "YX-02")
        ws.cell(r, 4).value = "完成率"
        ws.cell(r, group_columns(ws, "云栖府")["检查"]).value = "未完成"
    edit(book, rename)
    assert errors(book, catalog=accepted) == []
    items = changed[(changed["function"] == "营销") & (changed["scope"] == "项目")]
    expected = marketing_score(WEIGHTS["一级"], list(items["level"]))  # YX-02 is 一级 and counts
    units = api.rank(book, catalog=accepted).units.set_index(["function", "group"])
    assert units.loc[("营销", "云栖府"), "score"] == expected < Decimal(100)
    assert units.loc[("营销", "望江台"), "score"] == Decimal(100)
    shown = run("explain", book, "--catalog", accepted, "--project", "云栖府", "--function", "营销")
    assert_handled(shown, 0)
    assert "完成率" in shown.output


@pytest.mark.slow
def test_a_summary_row_under_the_table_is_still_no_touchpoint(book):
    """A 完成率 line someone adds under the table (no code, no level) stays a summary row: not scored, no error."""
    def summary(wb):
        ws = wb["营销篇"]
        last = max(r for r in range(FIRST_ITEM_ROW, ws.max_row + 1) if ws.cell(r, 4).value)
        ws.cell(last + 1, 4).value = "完成率"
        ws.cell(last + 1, group_columns(ws, "云栖府")["检查"]).value = 0.5
    edit(book, summary)
    assert errors(book) == []
    units = api.rank(book).units.set_index(["function", "group"])
    assert units.loc[("营销", "云栖府"), "score"] == Decimal(100)


# --- names that move money ---------------------------------------------------------------------------------------


def header_cell(ws: object, group: str) -> str:
    c = next(c for c in range(1, ws.max_column + 1) if ws.cell(HEADER_ROW, c).value == group)
    return f"{ws.title}!{get_column_letter(c)}{HEADER_ROW}"


def rename_group(wb: openpyxl.Workbook, sheets: list[str], old: str, new: str) -> None:
    for name in sheets:
        ws = wb[name]
        c = next(c for c in range(1, ws.max_column + 1) if ws.cell(HEADER_ROW, c).value == old)
        ws.cell(HEADER_ROW, c).value = new


def miss(wb: openpyxl.Workbook, sheet: str, code: str, group: str) -> None:
    ws = wb[sheet]
    ws.cell(row_of(ws, code), group_columns(ws, group)["检查"]).value = "未完成"


FUNCTION_SHEETS = ["营销篇", "研发篇", "工程篇", "客户关系篇", "物业篇"]


@pytest.mark.slow
def test_a_city_company_headed_like_its_head_office_is_the_city_company_and_never_a_project(book):
    def head_office(wb):
        rename_group(wb, FUNCTION_SHEETS, "城市公司", "城市公司本部")
    edit(book, head_office)
    wb = openpyxl.load_workbook(book, read_only=True)
    cell = header_cell(wb["营销篇"], "城市公司本部")
    wb.close()
    result = api.rank(book)
    assert set(result.projects["project"]) == set(PROJECTS)  # never ranked: it would take the 3,000 at 100
    company = result.units[result.units["is_company"]]
    assert set(company["group"]) == {"城市公司"} and company["assessed"].any()
    said = [f"{p.where}：{p.message}" for p in result.problems if p.level == "warning"]
    assert any(p.startswith(f"{cell}：") and "「城市公司本部」" in p and "按「城市公司」计" in p for p in said), said
    assert_handled(run("score", book), 0)


@pytest.mark.slow
def test_a_company_like_group_beside_the_city_company_is_an_error(book):
    edit(book, lambda wb: rename_group(wb, ["工程篇"], "云栖府", "公司本部"))
    wb = openpyxl.load_workbook(book, read_only=True)
    cell = header_cell(wb["工程篇"], "公司本部")
    wb.close()
    found = errors(book)
    assert any(p.startswith(f"{cell}：") and "「公司本部」" in p and "已有「城市公司」列组" in p for p in found), found
    assert_handled(run("score", book), 1)


@pytest.mark.slow
def test_a_project_spelled_otherwise_on_one_sheet_cannot_take_the_reward(book):
    """云栖府一期 on 营销篇 only scores 100 there and would rank first with +3,000 while the real 云栖府 misses one."""
    def phantom(wb):
        rename_group(wb, ["营销篇"], "云栖府", "云栖府一期")
        miss(wb, "工程篇", "GC-01", "云栖府")
        miss(wb, "工程篇", "GC-01", "望江台")
    edit(book, phantom)
    wb = openpyxl.load_workbook(book, read_only=True)
    cell = header_cell(wb["营销篇"], "云栖府一期")
    wb.close()
    result = api.check(book)
    ranked = result.projects.set_index("project")
    assert ranked.loc["云栖府一期", "rank"] == 1 and ranked.loc["云栖府一期", "reward"] > 0  # what it would take
    found = [f"{p.where}：{p.message}" for p in result.problems if p.level == "error"]
    assert any(p.startswith(f"{cell}：") and "「云栖府一期」只在「营销篇」" in p and "「云栖府」" in p
               and "+3,000" in p for p in found), found
    done = run("score", book)
    assert_handled(done, 1)
    assert cell in flat_output(done.output)


@pytest.mark.slow
def test_a_project_on_one_sheet_that_takes_no_money_stays_a_warning(book):
    def phantom(wb):
        rename_group(wb, ["营销篇"], "云栖府", "云栖府一期")
        miss(wb, "营销篇", "YX-01", "云栖府一期")  # the phantom misses one: no rank 1, no reward
    edit(book, phantom)
    result = api.check(book)
    ranked = result.projects.set_index("project")
    assert ranked.loc["云栖府一期", "reward"] == 0
    assert not [p for p in result.problems if p.level == "error"], result.problems
    assert any("云栖府一期" in p.message for p in result.problems if p.level == "warning")
    assert_handled(run("score", book), 0)


def flat_output(text: str) -> str:
    return "".join(text.split())


@pytest.mark.slow
def test_a_project_handed_out_under_a_company_like_name_stays_a_project(tmp_path):
    path = tmp_path / "2026Q1_检查表.xlsx"
    done = run("template", "检查表", "-o", path, "--year", 2026, "--quarter", 1, "-p", "公司本部花园", "-p", "望江台")
    assert done.exit_code == 0, done.output
    edit(path, fill)
    result = api.rank(path)
    assert set(result.projects["project"]) == {"公司本部花园", "望江台"}
    assert not [p for p in result.problems if "像城市公司" in p.message]
