"""What `annual` reads (issue 21): a folder (a quarter's result preferred to its checklist, kpicli's other outputs
passed over), --company, --catalog; and the year written 2026年度 in both kinds. Every checklist here starts as a
real `kpicli template`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from builders import assert_handled, run, write_catalog
from samples import MONTH_NAMES, SCORECARDS, YEAR_END_NAME
from year_books import template_quarter

from kpicli import api
from kpicli.checklist.catalog import load_catalog
from kpicli.checklist.render.template import FIRST_ITEM_ROW, HEADER_ROW

pytestmark = pytest.mark.slow  # four templates filled

PROJECTS = ("云栖府", "望江台")
ROSTER = [("城市公司", "营销", "王营销"), ("云栖府", "项目总监", "张总监")]


@pytest.fixture(scope="module")
def quarters(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("季度")
    for q in (1, 2, 3, 4):
        template_quarter(folder, q, PROJECTS, ROSTER, {"云栖府": 2 * q})
    return folder


@pytest.fixture
def folder(quarters, tmp_path) -> Path:
    return Path(shutil.copytree(quarters, tmp_path / "2026年度"))


def test_a_folder_reads_a_quarters_result_instead_of_its_checklist_and_skips_other_outputs(folder):
    assert_handled(run("score", folder / "2026Q1_客户触点检查表.xlsx"), 0)
    assert_handled(run("annual", folder, "-o", folder / "2026年度汇总.xlsx"), 0)  # an earlier year's output
    result = run("annual", folder, "--format", "json")
    assert_handled(result, 0)
    data = json.loads(result.stdout)
    assert data["files"] == {"1": "2026Q1_客户触点检查表_评分结果.xlsx", "2": "2026Q2_客户触点检查表.xlsx",
                             "3": "2026Q3_客户触点检查表.xlsx", "4": "2026Q4_客户触点检查表.xlsx"}
    assert data["rules"]["1"] == "评分时记录的规则" and data["rules"]["2"] == "内置默认规则"
    year = api.annual([folder]).result
    assert sorted(p.name for p in year.files.values())[0] == "2026Q1_客户触点检查表_评分结果.xlsx"
    named = run("annual", *sorted(folder.glob("2026Q?_客户触点检查表.xlsx")), folder / "2026Q1_客户触点检查表_评分结果.xlsx")
    assert_handled(named, 1)  # files named one by one: two workbooks of one quarter are still refused
    assert "同一季度" in named.output


def test_company_overrides_the_workbooks_and_the_year_is_written_2026年度(folder):
    data = json.loads(run("annual", folder, "--company", "新城置业", "--format", "json").stdout)
    assert data["company"] == "新城置业"
    table = run("annual", folder, "--company", "新城置业", "-o", folder.parent / "年度.xlsx")
    assert_handled(table, 0)
    assert "新城置业 · 2026年度" in table.output
    ws = openpyxl.load_workbook(folder.parent / "年度.xlsx")["年度趋势"]
    assert ws["A1"].value == "客户触点考核年度趋势——新城置业 2026年度"
    assert api.annual([folder], company="新城置业").result.company == "新城置业"


def test_catalog_accepts_a_deliberate_level_change_made_in_every_quarter(quarters, folder, tmp_path):
    catalog = load_catalog()
    code = catalog[(catalog["function"] == "营销") & (catalog["level"] == "一级") & (catalog["scope"] == "项目")].iloc[0]
    rows = {}
    for path in sorted(folder.glob("2026Q?_客户触点检查表.xlsx")):  # the company's own levels, the whole year
        wb = openpyxl.load_workbook(path)
        ws = wb["营销篇"]
        assert ws.cell(HEADER_ROW, 5).value == "触点等级"
        rows[path.name] = next(r for r in range(FIRST_ITEM_ROW, ws.max_row + 1) if ws.cell(r, 2).value == code["item_id"])
        ws.cell(rows[path.name], 5).value = "三级"
        wb.save(path)
    refused = run("annual", folder)
    assert_handled(refused, 1)
    text = refused.output.replace("\n", "")
    assert all(name in text for name in rows) and f"营销篇!E{rows['2026Q2_客户触点检查表.xlsx']}：" in text
    assert "「一级」" in text and "「三级」" in text

    changed = catalog.copy()
    changed.loc[changed["item_id"] == code["item_id"], "level"] = "三级"
    accepted = tmp_path / "目录.xlsx"
    write_catalog(changed, accepted)
    assert_handled(run("annual", folder, "--catalog", accepted), 0)
    with_levels = api.annual([folder], catalog=accepted).result
    before = api.annual([quarters]).result.units.set_index(["function", "project"]).loc[("营销", "云栖府")]
    after = with_levels.units.set_index(["function", "project"]).loc[("营销", "云栖府")]
    # 云栖府 missed that first touchpoint every quarter: weighing 1 instead of 3, it costs less
    assert all(after[f"score_{q}"] > before[f"score_{q}"] for q in (1, 2, 3, 4))


def test_the_scorecard_year_is_written_2026年度_too(tmp_path):
    paths = [Path(shutil.copy(SCORECARDS / name, tmp_path / name)) for name in (*MONTH_NAMES, YEAR_END_NAME)]
    out = tmp_path / "2026年度绩效汇总.xlsx"
    result = run("annual", *paths, "-o", out)
    assert_handled(result, 0)
    assert " · 2026年度 · 年度综合得分" in result.output and "2026年 " not in result.output
    title = openpyxl.load_workbook(out)["年度汇总"]["A1"].value
    assert title.endswith(" 2026年度"), title
    assert_handled(run("payout", out), 0)  # payout still reads the year's company and period from the title
    named = run("annual", *paths, "--company", "新城置业")
    assert_handled(named, 0)
    assert "新城置业 · 2026年度 · 年度综合得分" in named.output
