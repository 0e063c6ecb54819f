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
from builders import assert_handled, edit, run
from openpyxl.utils import get_column_letter
from test_integrity import columns, fill, row_of, write_catalog

from kpicli import api
from kpicli.checklist.catalog import load_catalog
from kpicli.checklist.render.template import FIRST_ITEM_ROW

PROJECTS = ("云栖府", "望江台")
WEIGHTS = {"一级": 3, "二级": 2, "三级": 1}


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("values") / "2026Q1_检查表.xlsx"
    result = run("template", "-o", path, "--year", 2026, "--quarter", 1, *[a for p in PROJECTS for a in ("-p", p)])
    assert result.exit_code == 0, result.output
    return edit(path, fill)


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
    r, c = row_of(ws, "YX-01"), columns(ws, "云栖府")["检查"]
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
        ws.cell(r, columns(ws, "云栖府")["检查"]).value = "未完成"
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
        ws.cell(last + 1, columns(ws, "云栖府")["检查"]).value = 0.5
    edit(book, summary)
    assert errors(book) == []
    units = api.rank(book).units.set_index(["function", "group"])
    assert units.loc[("营销", "云栖府"), "score"] == Decimal(100)
