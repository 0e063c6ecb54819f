"""Issue #11 (trust), points 5 and 6: one name rule everywhere, and the period of 基本信息 read in every form.

Every accident is built into a real workbook here and checked through the CLI and the library.
Names: matched ignoring all white space (full-width too) and full-width/half-width (vocab.name_key), shown as
typed. Period: --year/--quarter/--company override even an unreadable cell; the 季度 cell takes every form the
file name takes and a date in the quarter.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from builders import Item, SheetSpec, build_checklist, run, standard_sheets
from year_books import quarter_sheets

from kpicli import api
from kpicli.checklist.collect import collect
from kpicli.checklist.explain import explain
from kpicli.checklist.reader import read_checklist
from kpicli.core.vocab import display_name, name_key

FULL = "ＡＢＣ未来城"  # full-width letters, as an Excel user on a Chinese IME types them
HALF = "ABC未来城"
PAREN_FULL = "星河湾（南区）"
PAREN_HALF = "星河湾(南区)"


def as_json(*args: object) -> dict:
    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def sheet(groups: dict[str, tuple[str, ...]], prefix: str = "YX") -> SheetSpec:
    """One 一级 item per result: groups map a project to the 检查 results of its items, in order."""
    n = max(len(v) for v in groups.values())
    items = [Item(f"触点{i + 1}", "一级", {g: (None, values[i]) for g, values in groups.items() if i < len(values)},
                  item_id=f"{prefix}-0{i + 1}") for i in range(n)]
    return SheetSpec(items=items, groups=list(groups))


def cells_of(path: Path, sheet_name: str) -> list[object]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return [v for row in wb[sheet_name].iter_rows(values_only=True) for v in row if v is not None]
    finally:
        wb.close()


# --- 5. the name rule --------------------------------------------------------------------------------------------


def test_the_key_ignores_white_space_and_width_and_the_display_keeps_what_was_typed():
    assert name_key(FULL) == name_key(HALF) == name_key(" ＡＢＣ　未来城 ") == name_key("abc 未来城")
    assert name_key(PAREN_FULL) == name_key(PAREN_HALF)
    assert display_name(f"  {FULL}\u3000") == FULL
    assert display_name(PAREN_FULL) == PAREN_FULL
    assert display_name("星河湾\n南区") == "星河湾 南区"  # Alt+Enter inside a header cell


@pytest.mark.slow
def test_reports_show_project_names_as_typed(tmp_path):
    path = build_checklist(tmp_path / "2026Q1_检查表.xlsx", {
        "营销篇": sheet({FULL: ("完成", "完成"), PAREN_FULL: ("完成", "未完成")}),
        "工程篇": sheet({FULL: ("完成",), PAREN_FULL: ("未完成",)}, "GC"),
    })
    data = as_json("rank", path)
    assert [p["project"] for p in data["projects"]] == [FULL, PAREN_FULL]
    assert {u["project"] for u in data["units"]} == {FULL, PAREN_FULL}
    table = run("rank", path)
    assert table.exit_code == 0 and FULL in table.output and PAREN_FULL in table.output
    assert HALF not in table.output and PAREN_HALF not in table.output
    out = tmp_path / "结果.xlsx"
    assert run("score", path, "-o", out).exit_code == 0
    shown = cells_of(out, "项目排名")
    assert FULL in shown and PAREN_FULL in shown and HALF not in shown
    assert api.check(path).checklist.projects == [FULL, PAREN_FULL]


@pytest.mark.slow  # over 0.2 s of CPU (0.29 s measured)
def test_one_project_spelled_two_ways_in_two_sheets_is_one_project(tmp_path):
    # workbook order 工程篇 before 营销篇: the 工程篇 spelling is shown (the first function sheet of the workbook)
    path = build_checklist(tmp_path / "2026Q1_检查表.xlsx", {
        "工程篇": sheet({PAREN_FULL: ("完成",), "云栖府": ("完成",)}, "GC"),
        "营销篇": sheet({PAREN_HALF: ("未完成",), "云 栖 府\u3000": ("完成",)}),
    })
    a = api.rank(path)
    assert a.checklist.projects == [PAREN_FULL, "云栖府"]
    data = as_json("rank", path)
    projects = {p["project"]: p for p in data["projects"]}
    assert set(projects) == {PAREN_FULL, "云栖府"}
    assert projects[PAREN_FULL]["score"] == 50.0  # 工程 完成 + 营销 未完成, pooled into one project
    assert projects["云栖府"]["score"] == 100.0
    units = {(u["function"], u["project"]): u for u in data["units"]}
    assert units[("营销", PAREN_FULL)]["score"] == 0.0 and units[("工程", PAREN_FULL)]["score"] == 100.0
    infos = [p for p in data["problems"] if p["level"] == "info" and "只差空格" in p["message"]]
    by_cell = {(p["sheet"], p["cell"]): p["message"] for p in infos}
    # 营销篇: 触点名称 … in A–H, so the groups' header cells are I3 and L3
    assert set(by_cell) == {("营销篇", "I3"), ("营销篇", "L3")}
    message = by_cell[("营销篇", "I3")]
    assert PAREN_HALF in message and PAREN_FULL in message and "工程篇" in message and "I3" in message
    assert "按同一项目计" in message
    assert not [p for p in data["problems"] if p["level"] == "error"]


@pytest.mark.slow
def test_a_roster_matches_projects_by_the_name_rule_and_names_units_it_cannot_match(tmp_path):
    path = build_checklist(tmp_path / "2026Q1_检查表.xlsx", {
        "营销篇": sheet({"城市公司": ("完成",), HALF: ("完成",), PAREN_FULL: ("未完成",)}),
    }, roster=[("城市公司\u3000", "营销", "张营销"), ("ＡＢＣ 未来城", "项目总监", "李总监"),
               (PAREN_HALF, "营销", "赵经理"), ("不存在的项目", "项目总监", "钱总监")])
    a = api.rank(path)
    roles = {(r.role, r.unit, r.function if isinstance(r.function, str) else None): r.names
             for r in a.roles.itertuples(index=False)}
    assert roles[("职能负责人", "城市公司", "营销")] == "张营销"
    assert roles[("项目总监", HALF, None)] == "李总监"  # the roster's ＡＢＣ 未来城 is the checklist's ABC未来城
    assert roles[("职能经理", PAREN_FULL, "营销")] == "赵经理"
    data = as_json("rank", path)
    warned = [p for p in data["problems"] if "不存在的项目" in p["message"]]
    assert len(warned) == 1 and warned[0]["level"] == "warning"
    assert (warned[0]["sheet"], warned[0]["cell"]) == ("人员名单", "A5")
    assert not [p for p in data["problems"] if p["level"] == "warning" and "ＡＢＣ" in p["message"]]
    out = tmp_path / "结果.xlsx"
    assert run("score", path, "-o", out).exit_code == 0
    shown = cells_of(out, "岗位得分")
    assert "李总监" in shown and "赵经理" in shown and FULL not in shown


@pytest.mark.slow
def test_explain_finds_a_project_by_the_name_rule(tmp_path):
    path = build_checklist(tmp_path / "2026Q1_检查表.xlsx", {"营销篇": sheet({FULL: ("完成", "未完成")})})
    for typed in (HALF, "ＡＢＣ 未来城", "abc未来城"):
        result = run("explain", path, "--project", typed, "--function", "营销")
        assert result.exit_code == 0, result.output
        assert FULL in result.output and "50" in result.output
    assert explain(api.rank(path), project=HALF).title.endswith(FULL)


@pytest.mark.slow  # over 0.2 s of CPU (0.40 s measured)
def test_collect_joins_spellings_of_one_project_across_files_and_sheets(tmp_path):
    folder = tmp_path / "提交"
    folder.mkdir()
    marketing = SheetSpec(items=[Item("案场接待", "一级", {PAREN_FULL: ("完成", "完成")}, item_id="YX-01")])
    engineering = SheetSpec(items=[Item("工地开放", "一级", {PAREN_HALF: ("完成", "未完成", "未整改")},
                                        item_id="GC-01")])
    property_ = SheetSpec(items=[Item("报修响应", "一级", {"星河湾 (南区)": ("完成", "完成")}, item_id="WY-01")])
    build_checklist(folder / "01_营销.xlsx", {"营销篇": marketing, "工程篇": engineering})
    build_checklist(folder / "02_物业.xlsx", {"物业篇": property_})
    collected = collect(sorted(folder.iterdir()))
    assert collected.projects == [PAREN_FULL]
    assert not collected.has_errors
    out = tmp_path / "2026Q1_汇总.xlsx"
    result = run("collect", folder, "-o", out)
    assert result.exit_code == 0, result.output
    merged = read_checklist(out)
    assert merged.projects == [PAREN_FULL]
    remark = merged.items[merged.items["function"] == "工程"]["remark"].tolist()
    assert remark == ["未整改"]  # the remark of the second spelling is copied too
    data = as_json("rank", out)
    assert [(p["project"], p["score"]) for p in data["projects"]] == [(PAREN_FULL, 66.67)]


def test_annual_matches_a_project_across_quarters_by_the_name_rule(tmp_path):
    files = []
    for q, name in ((1, FULL), (2, "ABC 未来城")):
        scores = {"营销": {name: 50, "乙": 100}, "工程": {name: 100, "乙": 75}}
        files.append(build_checklist(tmp_path / f"2026Q{q}_检查表.xlsx", quarter_sheets(q, scores),
                                     info={"公司名称": "江城置业", "年度": 2026, "季度": q}))
    data = as_json("annual", *files)
    projects = {p["project"]: p for p in data["projects"]}
    assert len(projects) == 2 and "乙" in projects
    (abc,) = [p for n, p in projects.items() if n != "乙"]
    assert abc["quarters"]["1"]["score"] == 75.0 and abc["quarters"]["2"]["score"] == 75.0


@pytest.mark.slow  # over 0.2 s of CPU (0.30 s measured)
def test_template_roster_matches_units_by_the_name_rule(tmp_path):
    source = build_checklist(tmp_path / "2025Q4_检查表.xlsx", standard_sheets(),
                             roster=[("ＡＢＣ 未来城", "项目总监", "李总监"), ("城市公司", "营销", "张营销"),
                                     ("旧项目", "项目总监", "钱总监")])
    out = tmp_path / "2026Q1_模板.xlsx"
    result = run("template", "检查表", "--year", 2026, "--quarter", 1, "-p", HALF, "-o", out, "--roster", source)
    assert result.exit_code == 0, result.output
    assert "旧项目" in result.stderr and "ＡＢＣ" not in result.stderr
    wb = openpyxl.load_workbook(out)
    units = [r[0] for r in wb["人员名单"].iter_rows(min_row=2, values_only=True) if r[0]]
    assert units == [HALF, "城市公司", "旧项目"]  # spelled as the template's project


# --- 6. the period -------------------------------------------------------------------------------------------------


def period_book(tmp_path: Path, info: dict[str, object], name: str = "检查表.xlsx") -> Path:
    """A clean checklist (no period in the file name) with the given 基本信息 rows, in order from row 2."""
    return build_checklist(tmp_path / name, {"营销篇": sheet({"云栖府": ("完成",)})}, info=info)


@pytest.mark.parametrize("typed", [3, "3", "Q3", "q3", "第3季度", "三季度", "第三季度", "2026Q3", "2026-Q3",
                                   "2026年第三季度", "2026年第3季度", "2026 Q3", "３"])
def test_the_quarter_cell_takes_every_form_of_the_file_name(tmp_path, typed):
    path = period_book(tmp_path, {"公司名称": "测试公司", "年度": 2026, "季度": typed})
    a = api.check(path)
    assert (a.year, a.quarter) == (2026, 3), typed
    assert not [p for p in a.problems if p.level == "error"]


@pytest.mark.parametrize("typed", [datetime(2026, 9, 30), "2026-09-30", "2026/9/30", "2026年9月30日"])
def test_a_date_in_the_quarter_cell_gives_its_quarter_with_an_info_line(tmp_path, typed):
    path = period_book(tmp_path, {"公司名称": "测试公司", "年度": 2026, "季度": typed})
    data = as_json("rank", path)
    assert (data["year"], data["quarter"]) == (2026, 3)
    (info,) = [p for p in data["problems"] if p["sheet"] == "基本信息"]
    assert info["level"] == "info" and info["cell"] == "B4"
    assert "2026-09-30" in info["message"] and "第3季度" in info["message"]


@pytest.mark.slow  # over 0.2 s of CPU (0.25 s measured)
def test_a_quarter_cell_with_its_year_fills_a_missing_year(tmp_path):
    path = period_book(tmp_path, {"公司名称": "测试公司", "季度": "2026年第二季度"})
    assert as_json("rank", path)["quarter"] == 2 and as_json("rank", path)["year"] == 2026


def test_a_quarter_cell_whose_year_contradicts_the_year_cell_is_an_error(tmp_path):
    path = period_book(tmp_path, {"公司名称": "测试公司", "年度": 2026, "季度": "2025Q4"})
    a = api.check(path)
    (error,) = [p for p in a.problems if p.level == "error"]
    assert (error.sheet, error.cell) == ("基本信息", "B4") and "2025" in error.message and "B3" in error.message


@pytest.mark.parametrize("typed", [2026, "2026", "2026年", "2026年度", datetime(2026, 3, 31), "2026-03-31"])
def test_the_year_cell_takes_a_year_or_a_date(tmp_path, typed):
    path = period_book(tmp_path, {"公司名称": "测试公司", "年度": typed, "季度": 1})
    a = api.check(path)
    assert a.year == 2026 and not [p for p in a.problems if p.level == "error"]


@pytest.mark.parametrize("typed", ["第三季渡", datetime(1900, 1, 3), 5, "2026"])
def test_an_unreadable_quarter_cell_is_an_error_naming_it(tmp_path, typed):
    path = period_book(tmp_path, {"公司名称": "测试公司", "年度": 2026, "季度": typed})
    result = run("check", path)
    assert result.exit_code == 1
    assert "基本信息!B4" in result.output.replace(" ", "").replace("\n", "")


@pytest.mark.slow
@pytest.mark.parametrize("typed", ["第三季渡", datetime(1900, 1, 3)])
def test_the_quarter_option_overrides_an_unreadable_cell_with_a_warning(tmp_path, typed):
    path = period_book(tmp_path, {"公司名称": "测试公司", "年度": 2026, "季度": typed})
    data = as_json("rank", path, "--quarter", 3)
    assert data["quarter"] == 3 and data["year"] == 2026
    (warning,) = [p for p in data["problems"] if p["sheet"] == "基本信息"]
    assert warning["level"] == "warning" and warning["cell"] == "B4" and "命令行" in warning["message"]
    out = tmp_path / "结果.xlsx"
    assert run("score", path, "--quarter", 3, "-o", out).exit_code == 0
    assert api.check(path, quarter=3).quarter == 3 and not api.check(path, quarter=3).has_errors


@pytest.mark.slow  # over 0.2 s of CPU (0.22 s measured)
def test_the_year_option_overrides_an_unreadable_year_cell_with_a_warning(tmp_path):
    path = period_book(tmp_path, {"公司名称": "测试公司", "年度": date(1900, 7, 18), "季度": 1})
    assert run("check", path).exit_code == 1
    data = as_json("rank", path, "--year", 2026)
    assert (data["year"], data["quarter"]) == (2026, 1)
    (warning,) = [p for p in data["problems"] if p["sheet"] == "基本信息"]
    assert warning["level"] == "warning" and warning["cell"] == "B3"


def test_options_override_readable_cells_and_say_so(tmp_path):
    path = period_book(tmp_path, {"公司名称": "旧公司", "年度": 2025, "季度": "2025Q4"})
    data = as_json("rank", path, "--company", "新公司", "--year", 2026, "--quarter", 1)
    assert (data["company"], data["year"], data["quarter"]) == ("新公司", 2026, 1)
    messages = [p["message"] for p in data["problems"] if p["level"] == "warning"]
    assert any("旧公司" in m for m in messages) and any("2025" in m and "年度" in m for m in messages)
    assert any("季度" in m for m in messages)
