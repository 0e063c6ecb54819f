"""kpicli annual: four real quarter workbooks (tests/year_books.py) → the year's cap list, rewards, refusals."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest
from builders import assert_handled, build_checklist, run
from rich.cells import cell_len
from year_books import COMPANY, build_quarter, build_year, quarter_sheets

from kpicli.checklist.annual import ASSESSED, MISSING, NOT_ASSESSED, at_or_below, cap_reason
from kpicli.rules.files import parse_rules
from kpicli.rules.model import DEFAULT_RULES

pytestmark = pytest.mark.slow  # four quarter workbooks per run

CHART_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"


def annual_json(*files: Path, extra: tuple = ()) -> dict:
    result = run("annual", *files, "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def by_name(entries: list[dict], key: str) -> dict[str, dict]:
    return {e[key]: e for e in entries}


@pytest.fixture
def year(tmp_path) -> list[Path]:
    return build_year(tmp_path / "2026")


@pytest.fixture
def data(year) -> dict:
    return annual_json(*year)


# --- the regulation's cases on real workbooks --------------------------------------------------------------------------


def test_two_consecutive_quarters_at_or_below_cap_the_unit(data):
    engineering = by_name(data["functions"], "function")["工程"]
    assert [engineering["quarters"][q]["grade"] for q in "1234"] == ["A", "C", "C", "B"]
    assert engineering["capped"] is True
    assert engineering["at_or_below"] == 2
    assert engineering["reason"] == "第2、3季度连续两个季度为B-及以下"  # the consecutive rule alone


def test_both_rules_are_named_when_both_fire(data):
    a = by_name(data["projects"], "project")["甲"]
    assert a["capped"] is True and a["at_or_below"] == 3
    assert a["reason"] == "第1、2季度连续两个季度为B-及以下；全年累计三个季度（第1、2、4季度）为B-及以下"


def test_two_quarters_apart_are_not_consecutive(data):
    b = by_name(data["projects"], "project")["乙"]
    assert [b["quarters"][q]["grade"] for q in "1234"] == ["B-", "A", "B-", "A"]
    assert b["capped"] is False and b["at_or_below"] == 2 and b["reason"] == ""


def test_a_quarter_not_assessed_breaks_a_run(data):
    c = by_name(data["projects"], "project")["丙"]
    assert c["quarters"]["2"] == {"assessed": False, "score": None, "grade": None, "reward": 0}
    assert c["quarters"]["1"]["grade"] == "C" and c["quarters"]["3"]["grade"] == "C"
    assert c["capped"] is False and c["at_or_below"] == 2


def test_cumulative_rule_fires_alone(year, tmp_path):
    rules = tmp_path / "三季.toml"
    rules.write_text("[annual]\nconsecutive = 3\ncumulative = 3\n", encoding="utf-8")
    data = annual_json(*year, extra=("--rules", rules))
    a = by_name(data["projects"], "project")["甲"]
    assert a["capped"] is True
    assert a["reason"] == "全年累计三个季度（第1、2、4季度）为B-及以下"
    assert by_name(data["functions"], "function")["工程"]["capped"] is False  # a run of two is not enough now


def test_units_are_capped_too(data):
    units = {(u["function"], u["project"]): u for u in data["units"]}
    assert units[("营销", "甲")]["capped"] is True
    assert units[("营销", "甲")]["reason"] == "第1、2季度连续两个季度为B-及以下"
    assert units[("工程", "甲")]["capped"] is False and units[("工程", "甲")]["at_or_below"] == 2
    assert units[("营销", "丙")]["quarters"]["2"]["assessed"] is False
    assert all(u["rewards"] == 0 for u in data["units"])


def test_scores_rewards_and_totals(data):
    assert data["company"] == COMPANY and data["year"] == 2026
    projects, functions = by_name(data["projects"], "project"), by_name(data["functions"], "function")
    assert projects["乙"]["quarters"]["1"] == {"assessed": True, "score": 62.5, "grade": "B-", "reward": 0}
    assert functions["营销"]["quarters"]["1"]["score"] == 16.67
    assert {p: e["rewards"] for p, e in projects.items()} == {"甲": -6000, "乙": 6000, "丙": -3000}
    assert functions["营销"]["rewards"] == 0 and functions["工程"]["rewards"] == -3000
    assert [functions["工程"]["quarters"][q]["reward"] for q in "1234"] == [3000, -3000, -3000, 0]
    assert functions["研发"]["quarters"]["1"]["assessed"] is False  # no 研发篇: not assessed, never a zero


def test_missing_quarter_is_shown_and_breaks_a_run(tmp_path):
    files = build_year(tmp_path / "缺二季度", quarters=(1, 3, 4))
    data = annual_json(*files)
    projects = by_name(data["projects"], "project")
    # 乙 is B- in Q1 and Q3: with Q2 missing they are still not consecutive
    assert projects["乙"]["quarters"]["2"] is None
    assert projects["乙"]["capped"] is False and projects["乙"]["at_or_below"] == 2
    assert projects["甲"]["capped"] is False  # Q1 and Q4 only
    assert by_name(data["functions"], "function")["工程"]["capped"] is False  # Q3 only
    assert set(data["files"]) == {"1", "3", "4"}
    table = run("annual", *files)
    assert table.exit_code == 0, table.output
    assert "缺少第2季度的工作簿" in table.output and "缺少" in table.output


def test_mixed_inputs_in_any_order_give_the_same_year(year, tmp_path):
    expected = annual_json(*year)
    results = tmp_path / "结果"
    results.mkdir()
    q1 = results / "一季度结果.xlsx"
    q3 = results / "三季度结果.xlsx"
    for source, out in ((year[0], q1), (year[2], q3)):
        scored = run("score", source, "-o", out)
        assert scored.exit_code == 0, scored.output
    mixed = annual_json(year[3], q1, q3, year[1])
    assert mixed["files"] == {"1": q1.name, "2": year[1].name, "3": q3.name, "4": year[3].name}
    assert mixed["rules"] == {"1": "评分时记录的规则", "2": "内置默认规则", "3": "评分时记录的规则", "4": "内置默认规则"}
    assert mixed["notes"][0].startswith("第1、3季度按其工作簿中记录的评分时规则计分")
    for key in ("files", "rules", "notes"):
        expected.pop(key)
        mixed.pop(key)
    assert mixed == expected


def test_cap_reason_runs_are_calendar_quarters():
    rules = DEFAULT_RULES
    s = {1: ASSESSED, 2: MISSING, 3: ASSESSED, 4: NOT_ASSESSED}
    assert cap_reason(s, {1: "C", 3: "C"}, rules) == (2, False, "")
    s = {q: ASSESSED for q in (1, 2, 3, 4)}
    assert cap_reason(s, {1: "C", 2: "B-", 3: "B-", 4: "A"}, rules) == (
        3, True, "第1、2、3季度连续三个季度为B-及以下")  # all three in the run: one reason says it all
    assert cap_reason(s, {1: "B", 2: "B", 3: "B", 4: "B"}, rules) == (0, False, "")
    assert cap_reason(s, {1: "B-", 2: "A", 3: "C", 4: "A"}, rules) == (2, False, "")


def test_custom_grades_and_cap_grade():
    rules = parse_rules('[grades]\nbands = [{ grade = "优", min = 90 }, { grade = "良", min = 75 }, '
                        '{ grade = "中", min = 60 }]\nlowest = "差"\n[annual]\ncap_grade = "中"\n', "t")
    assert at_or_below("中", rules) and at_or_below("差", rules) and not at_or_below("良", rules)
    assert not at_or_below(None, rules)
    s = {q: ASSESSED for q in (1, 2, 3, 4)}
    assert cap_reason(s, {1: "良", 2: "中", 3: "差", 4: "优"}, rules)[2] == "第2、3季度连续两个季度为中及以下"


# --- refusals ------------------------------------------------------------------------------------------------------------


def test_two_workbooks_of_one_quarter_are_refused(year, tmp_path):
    copy = tmp_path / "一季度副本.xlsx"
    shutil.copy(year[0], copy)
    result = run("annual", *year, copy)
    assert result.exit_code == 1
    text = result.output.replace("\n", "")
    assert "同一季度" in text and year[0].name in text and copy.name in text
    assert_handled(result)


def test_the_same_file_twice_is_refused(year):
    result = run("annual", year[0], year[1], year[0])
    assert result.exit_code == 1
    assert "给了 2 次" in result.output.replace("\n", "")


def test_workbooks_of_different_years_are_refused(tmp_path):
    folder = tmp_path / "混合年度"
    folder.mkdir()
    files = [build_quarter(folder, 1), build_quarter(folder, 2, year=2025)]
    result = run("annual", *files)
    assert result.exit_code == 1
    text = result.output.replace("\n", "")
    assert "同一年度" in text and files[0].name in text and files[1].name in text and "2025" in text


def test_workbooks_of_different_companies_are_refused(tmp_path):
    folder = tmp_path / "两家公司"
    folder.mkdir()
    files = [build_quarter(folder, 1), build_quarter(folder, 2, company="另一家置业"),
             build_quarter(folder, 3, company=None)]  # no company name: matches any company
    result = run("annual", *files)
    assert result.exit_code == 1
    text = result.output.replace("\n", "")
    assert "同一公司" in text and files[0].name in text and files[1].name in text and "另一家置业" in text
    assert files[2].name not in text
    ok = run("annual", files[0], files[2], "--format", "json")
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout)["company"] == COMPANY


def test_company_names_are_compared_normalised(tmp_path):
    folder = tmp_path / "空格"
    folder.mkdir()
    files = [build_quarter(folder, 1), build_quarter(folder, 2, company=f" {COMPANY[:2]} {COMPANY[2:]}")]
    assert run("annual", *files).exit_code == 0


def test_a_workbook_without_a_quarter_is_refused(year, tmp_path):
    nameless = build_checklist(tmp_path / "检查表.xlsx", quarter_sheets(2), info={"公司名称": COMPANY, "年度": 2026})
    result = run("annual", year[0], nameless)
    assert result.exit_code == 1
    assert nameless.name in result.output and "季度" in result.output


def test_a_workbook_with_errors_is_refused(year, tmp_path):
    sheets = quarter_sheets(2)
    sheets["营销篇"].items[0].results = {**sheets["营销篇"].items[0].results, "甲": ("完成", "进行中")}
    broken = build_checklist(tmp_path / "2026Q2_有错误.xlsx", sheets,
                             info={"公司名称": COMPANY, "年度": 2026, "季度": 2})
    result = run("annual", year[0], broken, year[2])
    assert result.exit_code == 1
    text = result.output.replace("\n", "")
    assert broken.name in text and "kpicli check" in text and year[0].name not in text


def test_output_never_overwrites_an_input(year):
    result = run("annual", *year, "-o", year[1])
    assert result.exit_code == 2
    assert "输入文件" in result.output


# --- the annual workbook and the terminal ------------------------------------------------------------------------------


def test_annual_workbook(year, tmp_path):
    out = tmp_path / "2026年度汇总.xlsx"
    result = run("annual", *year, "-o", out)
    assert result.exit_code == 0, result.output
    assert out.name in result.output.replace("\n", "")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["年度趋势", "年度封顶名单", "年度奖惩台账", "人员年度结果"]
    with zipfile.ZipFile(out) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 1
        chart = ElementTree.fromstring(archive.read(charts[0]))
        lines = chart.findall(f".//{{{CHART_NS}}}lineChart")
        assert len(lines) == 1 and len(lines[0].findall(f"{{{CHART_NS}}}ser")) == 3  # one line per project
        assert b'name="kpicli"' in archive.read("docProps/custom.xml")

    trend = wb["年度趋势"]
    rows = {r[0]: r for r in trend.iter_rows(min_row=6, max_col=11, values_only=True) if r[0]}
    assert rows["甲"][1:9] == (50, "C", 25, "C", 100, "A", 50, "C")
    assert rows["甲"][9] == 3 and rows["甲"][10] == "封顶 B-"
    assert rows["丙"][3] == "不列入考核"
    assert rows["工程职能"][10] == "封顶 B-" and rows["营销职能"][10] == "—"
    assert trend.print_title_rows == "$4:$5"

    capped = wb["年度封顶名单"]
    listed = {(r[0], r[1]): r for r in capped.iter_rows(min_row=5, values_only=True)}
    assert set(listed) == {("职能", "工程职能"), ("项目", "甲"), ("项目职能", "甲·营销")}
    assert listed[("项目", "甲")][6].startswith("第1、2季度连续两个季度为B-及以下")
    assert "赵甲" in listed[("项目", "甲")][7] and "李工程" in listed[("职能", "工程职能")][7]

    ledger = {(r[0], r[1]): r for r in wb["年度奖惩台账"].iter_rows(min_row=5, values_only=True)}
    assert ledger[("项目", "甲")][3:] == (-3000, -3000, 3000, -3000, -6000)
    assert ledger[("职能", "营销")][3:] == (-3000, 0, 0, 3000, 0)
    assert ledger[("合计", None)][-1] == -6000 + 6000 - 3000 + 0 - 3000

    people = {r[0]: r for r in wb["人员年度结果"].iter_rows(min_row=5, values_only=True)}
    assert people["赵甲"][5] == "是" and people["赵甲"][6] == "B-"
    assert people["周乙"][5] == "否"
    for ws in wb.worksheets:
        assert ws.print_area and int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)


def test_annual_workbook_for_a_partial_year_says_so(tmp_path):
    files = build_year(tmp_path / "半年", quarters=(1, 2))
    out = tmp_path / "半年汇总.xlsx"
    assert run("annual", *files, "-o", out).exit_code == 0
    wb = openpyxl.load_workbook(out)
    assert "缺少第3、4季度的工作簿" in wb["年度趋势"]["A3"].value
    ledger = {(r[0], r[1]): r for r in wb["年度奖惩台账"].iter_rows(min_row=5, values_only=True)}
    assert ledger[("项目", "甲")][5:7] == ("缺少该季度", "缺少该季度")


def test_terminal_table_fits_80_columns(year):
    result = run("annual", *year)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(cell_len(line) for line in lines) <= 80
    row = next(line for line in lines if line.split() and line.split()[0] == "甲")
    assert re.search(r"50\.00\s+C\b", row) and "-6,000" in row and "▲B-" in row  # score and grade in two cells
    assert any(line.split() and line.split()[0] == "工程职能" and "▲B-" in line for line in lines)
    assert "全年不列入考核：研发职能、客服职能、物业职能" in result.stdout
    assert "第2、3季度连续两个季度为B-及以下" in result.stdout.replace("\n", "")
    assert_handled(result)
    assert "赵甲" in result.stdout


def test_help_is_chinese():
    result = run("annual", "--help")
    assert result.exit_code == 0
    assert "示例" in result.output and "封顶" in result.output
