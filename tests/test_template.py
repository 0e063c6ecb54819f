"""`kpicli template` and the touchpoint catalogue: the blank checklist is valid, scores, is laid out for Excel/WPS,
follows the catalogue (built-in CSVs or the user's workbook), and refuses bad names, bad catalogues and overwrites."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from builders import assert_handled, rank_json, run
from openpyxl.utils import get_column_letter

from kpicli import api
from kpicli.checklist import catalog
from kpicli.checklist.catalog import load_catalog
from kpicli.io.outputs import written_by_kpicli

REPO = Path(__file__).resolve().parents[1]
TEMPLATES = REPO / "templates"
FUNCTIONS = ("营销", "研发", "工程", "客服", "物业")
SHEETS = ("营销篇", "研发篇", "工程篇", "客户关系篇", "物业篇")
SHEET_OF = dict(zip(FUNCTIONS, SHEETS, strict=True))
STAGES = ("售前", "签约", "工程建设", "交付", "入住/保修")
ITEM_HEADERS = ("序号", "触点编号", "客户阶段", "触点名称", "触点等级", "标准动作", "交付件", "检查方式", "责任部门")
CHOICES = ("完成", "部分完成", "未完成", "不适用")
CATALOG_HEADERS = ["触点编号", "阶段", "触点名称", "触点等级", "标准动作", "交付件", "检查方式", "责任部门", "适用单位"]
PROJECTS = ("云栖府", "望江台")
HEADER_ROW, SUB_ROW, FIRST_ROW = 3, 4, 5


def make_template(out: Path, *extra: object, projects: tuple[str, ...] = PROJECTS, quarter: int = 1) -> Path:
    args: list[object] = ["template", "检查表", "--year", 2026, "--quarter", quarter]
    for p in projects:
        args += ["-p", p]
    result = run(*args, "-o", out, *extra)
    assert result.exit_code == 0, result.output
    assert out.is_file()
    return out


def assert_refused(result, *words: str, code: int = 2) -> None:
    assert result.exit_code == code, result.output
    assert_handled(result)
    assert "内部错误" not in result.output
    assert "错误" in result.output
    for word in words:
        assert word in result.output, (word, result.output)


def groups_of(ws) -> dict[str, dict[str, int]]:
    """Group name → {'自查': col, '检查': col, '备注': col}, found by the sub-header text in row 4."""
    merged_at = {}
    for rng in ws.merged_cells.ranges:
        if rng.min_row == HEADER_ROW:
            for c in range(rng.min_col, rng.max_col + 1):
                merged_at[c] = rng.min_col
    found: dict[str, dict[str, int]] = {}
    for c in range(1, ws.max_column + 1):
        sub = ws.cell(SUB_ROW, c).value
        if sub in ("自查", "检查", "备注"):
            name = ws.cell(HEADER_ROW, merged_at.get(c, c)).value
            found.setdefault(name, {})[sub] = c
    return found


def item_rows(ws) -> list[int]:
    return [r for r in range(FIRST_ROW, ws.max_row + 1) if ws.cell(r, 4).value]


def headers_of(ws) -> dict[str, int]:
    return {ws.cell(HEADER_ROW, c).value: c for c in range(1, ws.max_column + 1) if ws.cell(HEADER_ROW, c).value}


def template_items(ws) -> list[tuple]:
    """(触点编号, 客户阶段, 触点名称, 触点等级, 标准动作, 交付件, 检查方式, 责任部门) of each item row."""
    cols = headers_of(ws)
    return [tuple(ws.cell(r, cols[h]).value for h in ITEM_HEADERS[1:]) for r in item_rows(ws)]


def catalog_items(frame, function: str) -> list[tuple]:
    rows = frame[frame["function"] == function]
    keys = ("item_id", "stage", "name", "level", "action", "deliverable", "method", "department")
    return [tuple(getattr(r, k) or None for k in keys) for r in rows.itertuples()]


def write_catalog(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path



@pytest.fixture(scope="module")
def blank(tmp_path_factory) -> Path:
    """`kpicli template --year 2026 --quarter 1 -p 云栖府 -p 望江台 -o T.xlsx` (module-wide, read only)."""
    folder = tmp_path_factory.mktemp("blank")
    return make_template(folder / "T.xlsx")


@pytest.fixture(scope="module")
def blank_wb(blank):
    return openpyxl.load_workbook(blank)


# --- the blank template is a valid checklist ------------------------------------------------------------------------


def test_template_writes_the_file_and_says_where(tmp_path):
    out = tmp_path / "T.xlsx"
    result = run("template", "检查表", "--year", 2026, "--quarter", 1, "-p", "云栖府", "-p", "望江台", "-o", out)
    assert result.exit_code == 0, result.output
    assert "空白触点检查表已写入" in result.output and "T.xlsx" in result.output
    assert out.is_file() and written_by_kpicli(out)


@pytest.mark.slow
def test_blank_template_checks_without_errors(blank):
    # nobody filled its projects: refused by default (issue #11), structurally valid with --allow-blank
    assert run("check", blank).exit_code == 1
    result = run("check", blank, "--allow-blank")
    assert result.exit_code == 0, result.output
    assert_handled(result)
    assert "共 0 个错误" in result.output
    problems = api.check(blank, allow_blank=True).problems
    assert not [p for p in problems if p.level == "error"]
    warnings = [p for p in problems if p.level == "warning"]
    assert warnings and all("未填写" in p.message or "没有填写任何结果" in p.message for p in warnings)  # only blanks


@pytest.mark.slow  # over 0.2 s of CPU (0.29 s measured)
def test_blank_template_period_comes_from_the_template(blank):
    a = api.check(blank)
    assert (a.year, a.quarter) == (2026, 1)
    assert set(a.projects["project"]) == set(PROJECTS)


@pytest.mark.slow
def test_every_check_cell_filled_with_done_scores_100_everywhere(blank, tmp_path):
    wb = openpyxl.load_workbook(blank)
    prefilled = 0
    for name in SHEETS:
        ws = wb[name]
        for group, cols in groups_of(ws).items():
            for r in item_rows(ws):
                cell = ws.cell(r, cols["检查"])
                if cell.value is None:
                    cell.value = "完成"
                else:
                    assert cell.value == "不适用", (name, group, cell.coordinate)
                    prefilled += 1
    assert prefilled > 0
    filled = tmp_path / "F.xlsx"
    wb.save(filled)

    data = rank_json(filled, "--allow-blank")
    assert not [p for p in data["problems"] if p["level"] == "error"]
    assert not [p for p in data["problems"] if p["level"] == "warning"]  # every counted cell is a 检查 cell now
    assert [f["function"] for f in data["functions"]] == list(FUNCTIONS)
    for f in data["functions"]:
        assert f["assessed"] is True, f
        assert (f["score"], f["grade"], f["rank"]) == (100.0, "A", 1), f
    assert {p["project"] for p in data["projects"]} == set(PROJECTS)
    for p in data["projects"]:
        assert (p["assessed"], p["score"], p["grade"], p["rank"], p["reward"]) == (True, 100.0, "A", 1, 3000), p
    assert len(data["units"]) == len(FUNCTIONS) * len(PROJECTS)
    for u in data["units"]:
        assert (u["assessed"], u["score"], u["grade"]) == (True, 100.0, "A"), u

    # the pre-filled 不适用 cells are excluded, not counted as done: applicability follows the catalogue scope
    items = api.rank(filled).items
    cat = load_catalog()
    scope = {(r.function, r.item_id): r.scope for r in cat.itertuples()}
    for r in items.itertuples():
        expected = (scope[(r.function, r.item_id)] == "城市公司") == (r.group == "城市公司")
        assert bool(r.applicable) is expected, (r.function, r.group, r.item_id)
        assert (r.check_raw == "不适用") is (not expected)
    assert int((~items["applicable"].astype(bool)).sum()) == prefilled


# --- the layout ----------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_sheets_in_order_and_info_filled(tmp_path):
    out = make_template(tmp_path / "C.xlsx", "--company", "江城置业", quarter=3)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["基本信息", "填写说明", *SHEETS]
    info = {row[0]: row[1] for row in wb["基本信息"].iter_rows(values_only=True) if row[0]}
    assert info["公司名称"] == "江城置业"
    assert info["年度"] == 2026 and info["季度"] == 3
    assert any(wb["填写说明"].cell(r, 1).value for r in range(1, 5))
    assert api.check(out, allow_blank=True).company == "江城置业"


@pytest.mark.slow  # over 0.2 s of CPU (0.24 s measured)
def test_info_sheet_without_company(blank_wb):
    info = {row[0]: row[1] for row in blank_wb["基本信息"].iter_rows(values_only=True) if row[0]}
    assert "公司名称" in info
    assert info["年度"] == 2026 and info["季度"] == 1


@pytest.mark.parametrize("sheet", SHEETS)
def test_header_rows(blank_wb, sheet):
    ws = blank_wb[sheet]
    assert [ws.cell(HEADER_ROW, c).value for c in range(1, len(ITEM_HEADERS) + 1)] == list(ITEM_HEADERS)
    groups = groups_of(ws)
    cat = load_catalog()
    function = FUNCTIONS[SHEETS.index(sheet)]
    has_company = (cat[cat["function"] == function]["scope"] == "城市公司").any()
    assert has_company  # the default catalogue has company-level items in every function
    assert list(groups) == ["城市公司", *PROJECTS]
    merged = {str(r) for r in ws.merged_cells.ranges}
    for name, cols in groups.items():
        assert list(cols) == ["自查", "检查", "备注"]
        first, last = cols["自查"], cols["备注"]
        assert last - first == 2
        assert ws.cell(HEADER_ROW, first).value == name
        assert f"{get_column_letter(first)}{HEADER_ROW}:{get_column_letter(last)}{HEADER_ROW}" in merged
    assert "2026年第1季度" in ws["A1"].value and sheet in ws["A1"].value


@pytest.mark.parametrize("sheet", SHEETS)
def test_result_cells_have_the_dropdown(blank_wb, sheet):
    ws = blank_wb[sheet]
    rows = item_rows(ws)
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert lists
    for dv in lists:
        assert all(choice in dv.formula1 for choice in CHOICES), dv.formula1

    def covered(coord: str) -> bool:
        return any(coord in dv.sqref for dv in lists)

    for name, cols in groups_of(ws).items():
        for part in ("自查", "检查"):
            letter = get_column_letter(cols[part])
            for r in (rows[0], rows[-1], rows[len(rows) // 2]):
                assert covered(f"{letter}{r}"), (sheet, name, part, r)
        assert not covered(f"{get_column_letter(cols['备注'])}{rows[0]}")  # remarks are free text
        assert not covered(f"{get_column_letter(cols['检查'])}{SUB_ROW}")  # nor the header


@pytest.mark.parametrize("sheet", SHEETS)
def test_freeze_widths_and_print_titles(blank_wb, sheet):
    ws = blank_wb[sheet]
    headers = headers_of(ws)
    first_group_col = min(c["自查"] for c in groups_of(ws).values())
    assert first_group_col == len(ITEM_HEADERS) + 1
    assert ws.freeze_panes == f"{get_column_letter(first_group_col)}{FIRST_ROW}"  # below the header, right of items
    width = {h: ws.column_dimensions[get_column_letter(c)].width for h, c in headers.items()}
    assert width["触点名称"] > width["序号"]
    assert width["标准动作"] > width["序号"]
    assert ws.print_title_rows.replace("$", "") == f"{HEADER_ROW}:{SUB_ROW}"
    assert ws.print_area


@pytest.mark.parametrize("function", FUNCTIONS)
def test_prefilled_not_applicable_follows_scope(blank_wb, function):
    ws = blank_wb[SHEET_OF[function]]
    cat = load_catalog()
    rows = cat[cat["function"] == function].reset_index(drop=True)
    assert template_items(ws) == catalog_items(cat, function)
    for i, r in enumerate(item_rows(ws)):
        company_item = rows.loc[i, "scope"] == "城市公司"
        for name, cols in groups_of(ws).items():
            applies = company_item == (name == "城市公司")
            for part in ("自查", "检查"):
                value = ws.cell(r, cols[part]).value
                assert value == (None if applies else "不适用"), (function, name, r, part)
            assert ws.cell(r, cols["备注"]).value is None


# --- --catalog ----------------------------------------------------------------------------------------------------


@pytest.mark.slow  # over 0.2 s of CPU (0.33 s measured)
def test_catalog_one_sheet_per_function(tmp_path):
    cat = write_catalog(tmp_path / "目录.xlsx", {
        "营销篇": [
            ["营销触点目录"],  # a title above the header is fine
            CATALOG_HEADERS,
            ["A-01", "售前", "案场接待", "一级", "接待动作", "接待记录", "现场抽查", "销售案场", "项目"],
            ["A-02", "签约", "签约提醒", "二级", "提醒动作", "短信记录", "资料检查", "销售案场", "项目"],
            ["A-03", "交付", "营销总结", "三级", "总结动作", "总结报告", "资料检查", "营销部", "城市公司"],
        ],
        "工程篇": [
            CATALOG_HEADERS,
            ["G-01", "工程建设", "工地开放", "一级", "开放动作", "签到表", "现场抽查", "工程部", "项目"],
        ],
        "说明": [["这张表不是目录"]],
    })
    out = tmp_path / "自定义.xlsx"
    make_template(out, "--catalog", cat, projects=("甲",))
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["基本信息", "填写说明", "营销篇", "工程篇"]
    assert template_items(wb["营销篇"]) == [
        ("A-01", "售前", "案场接待", "一级", "接待动作", "接待记录", "现场抽查", "销售案场"),
        ("A-02", "签约", "签约提醒", "二级", "提醒动作", "短信记录", "资料检查", "销售案场"),
        ("A-03", "交付", "营销总结", "三级", "总结动作", "总结报告", "资料检查", "营销部"),
    ]
    assert template_items(wb["工程篇"]) == [("G-01", "工程建设", "工地开放", "一级", "开放动作", "签到表", "现场抽查", "工程部")]
    assert list(groups_of(wb["营销篇"])) == ["城市公司", "甲"]
    assert list(groups_of(wb["工程篇"])) == ["甲"]  # no company-level item: no 城市公司 group
    a = api.check(out, allow_blank=True)
    assert not [p for p in a.problems if p.level == "error"]
    data = rank_json(out, "--allow-blank")  # a blank template: nobody filled it
    assessed = {f["function"]: f["assessed"] for f in data["functions"]}
    assert assessed == {"营销": True, "研发": False, "工程": True, "客服": False, "物业": False}


@pytest.mark.slow  # over 0.2 s of CPU (0.21 s measured)
def test_catalog_one_sheet_with_function_column(tmp_path):
    cat = write_catalog(tmp_path / "目录.xlsx", {"触点目录": [
        ["职能", *CATALOG_HEADERS],
        ["客服", "K-01", "交付", "交付回访", "2", "回访", "录音", "系统抽查", "客服部", "项目"],
        ["营销", "Y-01", "售前", "宣言公示", "一级", "公示", "照片", "现场抽查", "案场", ""],
        ["客户关系", "K-02", "入住/保修", "满意度调查", "一级", "调查", "报告", "资料检查", "客服部", "城市公司"],
        ["营销", "Y-02", "签约", "签约提醒", "三级", "提醒", "短信", "资料检查", "案场", "项目"],
    ]})
    out = tmp_path / "T.xlsx"
    make_template(out, "--catalog", cat, projects=("甲", "乙"))
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["基本信息", "填写说明", "营销篇", "客户关系篇"]
    assert [t[:4] for t in template_items(wb["营销篇"])] == [("Y-01", "售前", "宣言公示", "一级"),
                                                         ("Y-02", "签约", "签约提醒", "三级")]
    assert [t[:4] for t in template_items(wb["客户关系篇"])] == [("K-01", "交付", "交付回访", "二级"),
                                                          ("K-02", "入住/保修", "满意度调查", "一级")]
    assert list(groups_of(wb["营销篇"])) == ["甲", "乙"]  # blank 适用单位 means 项目
    assert list(groups_of(wb["客户关系篇"])) == ["城市公司", "甲", "乙"]
    assert not [p for p in api.check(out, allow_blank=True).problems if p.level == "error"]


BAD_ROWS = {
    "unknown-level": (["A-02", "售前", "宣言", "四级", "动作", "件", "抽查", "案场", "项目"], "营销篇!D3", "四级"),
    "missing-name": (["A-02", "签约", None, "二级", "动作", "件", "抽查", "案场", "项目"], "营销篇!C3", "触点名称"),
    "duplicate-id": (["A-01", "签约", "提醒", "二级", "动作", "件", "抽查", "案场", "项目"], "营销篇!A3", "重复"),
}


@pytest.mark.parametrize("case", list(BAD_ROWS))
def test_bad_catalog_is_refused_naming_sheet_and_cell(tmp_path, case):
    row, where, word = BAD_ROWS[case]
    cat = write_catalog(tmp_path / "目录.xlsx", {"营销篇": [
        CATALOG_HEADERS, ["A-01", "售前", "接待", "一级", "动作", "件", "抽查", "案场", "项目"], row]})
    out = tmp_path / "T.xlsx"
    result = run("template", "检查表", "--year", 2026, "--quarter", 1, "-p", "甲", "--catalog", cat, "-o", out)
    assert_refused(result, where, word, "目录.xlsx")
    assert not out.exists()


def test_bad_catalog_lists_every_error(tmp_path):
    cat = write_catalog(tmp_path / "目录.xlsx", {"营销篇": [
        CATALOG_HEADERS, ["A-01", "售前", "接待", "一级", "动作", "件", "抽查", "案场", "项目"],
        *(row for row, _where, _word in BAD_ROWS.values())]})
    out = tmp_path / "T.xlsx"
    result = run("template", "检查表", "--year", 2026, "--quarter", 1, "-p", "甲", "--catalog", cat, "-o", out)
    assert_refused(result, "3 处错误", "营销篇!D3", "营销篇!C4", "营销篇!A5")
    assert not out.exists()


def test_catalog_without_any_catalogue_sheet_is_refused(tmp_path):
    cat = write_catalog(tmp_path / "目录.xlsx", {"Sheet1": [["随便什么"]]})
    result = run("template", "检查表", "--year", 2026, "--quarter", 1, "-p", "甲", "--catalog", cat, "-o", tmp_path / "T.xlsx")
    assert_refused(result, "没有找到触点目录")


def test_missing_catalog_file_is_refused(tmp_path):
    result = run("template", "检查表", "--year", 2026, "--quarter", 1, "-p", "甲", "--catalog", tmp_path / "没有.xlsx",
                 "-o", tmp_path / "T.xlsx")
    assert result.exit_code == 2, result.output
    assert_handled(result)
    assert not (tmp_path / "T.xlsx").exists()


# --- refusals --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("projects", "words"), [
    (("云栖府", "云栖府"), ("项目名称重复", "云栖府")),
    (("云栖府", " 云栖府 "), ("项目名称重复",)),
    (("ABC", "ａｂｃ"), ("项目名称重复",)),
    (("",), ("项目名称为空",)),
    (("云栖府", "   "), ("第 2 个项目名称为空",)),
    (("检查",), ("表头文字",)),
    (("触点名称",), ("表头文字",)),
])
def test_bad_project_names_are_refused(tmp_path, projects, words):
    out = tmp_path / "T.xlsx"
    args: list[object] = ["template", "检查表", "--year", 2026, "--quarter", 1]
    for p in projects:
        args += ["-p", p]
    assert_refused(run(*args, "-o", out), *words)
    assert not out.exists()


def test_no_project_is_refused(tmp_path):
    result = run("template", "检查表", "--year", 2026, "--quarter", 1, "-o", tmp_path / "T.xlsx")
    assert result.exit_code == 2, result.output
    assert_handled(result)
    assert "-p" in result.output or "--project" in result.output


@pytest.mark.parametrize(("option", "value"), [("--quarter", 5), ("--quarter", 0), ("--year", 1999)])
def test_bad_period_is_refused(tmp_path, option, value):
    args = {"--year": 2026, "--quarter": 1, option: value}
    result = run("template", "检查表", "--year", args["--year"], "--quarter", args["--quarter"], "-p", "甲",
                 "-o", tmp_path / "T.xlsx")
    assert result.exit_code == 2, result.output
    assert_handled(result)
    assert "错误" in result.output
    assert not (tmp_path / "T.xlsx").exists()


def test_output_must_be_xlsx(tmp_path):
    result = run("template", "检查表", "--year", 2026, "--quarter", 1, "-p", "甲", "-o", tmp_path / "T.xls")
    assert_refused(result, ".xlsx")
    assert not (tmp_path / "T.xls").exists()


@pytest.mark.slow
def test_default_output_name_in_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("template", "检查表", "--year", 2026, "--quarter", 1, "-p", "云栖府")
    assert result.exit_code == 0, result.output
    expected = tmp_path / "2026Q1_客户触点检查表.xlsx"
    assert expected.is_file()
    assert "2026Q1_客户触点检查表.xlsx" in result.output
    assert [p.name for p in tmp_path.iterdir()] == [expected.name]  # no temporary file left behind
    other = tmp_path / "四季度"
    other.mkdir()
    monkeypatch.chdir(other)
    result = run("template", "检查表", "--year", 2027, "--quarter", 4, "-p", "云栖府")
    assert result.exit_code == 0, result.output
    assert [p.name for p in other.iterdir()] == ["2027Q4_客户触点检查表.xlsx"]
    assert api.check(other / "2027Q4_客户触点检查表.xlsx").quarter == 4


@pytest.mark.slow
def test_foreign_file_is_not_overwritten_without_force(tmp_path):
    out = tmp_path / "T.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "别人的工作簿"
    wb.save(out)
    before = hashlib.sha256(out.read_bytes()).hexdigest()
    result = run("template", "检查表", "--year", 2026, "--quarter", 1, "-p", "甲", "-o", out)
    assert_refused(result, "已存在", "--force")
    assert hashlib.sha256(out.read_bytes()).hexdigest() == before

    result = run("template", "检查表", "--year", 2026, "--quarter", 1, "-p", "甲", "-o", out, "--force")
    assert result.exit_code == 0, result.output
    assert written_by_kpicli(out)
    assert openpyxl.load_workbook(out).sheetnames == ["基本信息", "填写说明", *SHEETS]


@pytest.mark.slow
def test_rerunning_over_its_own_output_needs_no_force(tmp_path):
    out = make_template(tmp_path / "T.xlsx")
    make_template(out, projects=("云栖府", "望江台", "星河湾"), quarter=2)
    wb = openpyxl.load_workbook(out)
    assert list(groups_of(wb["营销篇"])) == ["城市公司", "云栖府", "望江台", "星河湾"]
    assert api.check(out, allow_blank=True).quarter == 2


def test_output_folder_must_exist(tmp_path):
    result = run("template", "检查表", "--year", 2026, "--quarter", 1, "-p", "甲", "-o", tmp_path / "没有" / "T.xlsx")
    assert_refused(result, "文件夹不存在")


@pytest.mark.slow  # over 0.2 s of CPU (0.34 s measured)
def test_project_name_starting_with_equals_is_text_or_refused(tmp_path):
    out = tmp_path / "T.xlsx"
    result = run("template", "检查表", "--year", 2026, "--quarter", 1, "-p", "=甲", "-p", "乙", "-o", out)
    if result.exit_code != 0:  # refusing the name cleanly would be fine too
        assert_refused(result)
        return
    data = run("rank", out, "--format", "json", "--allow-blank")  # nobody filled it: issue #11
    assert data.exit_code == 0, data.output
    assert {p["project"] for p in json.loads(data.output)["projects"]} == {"=甲", "乙"}


@pytest.mark.slow  # several runs of kpicli (> 0.15 s)
def test_company_starting_with_equals_survives(tmp_path):
    out = make_template(tmp_path / "T.xlsx", "--company", "=江城置业")
    assert api.check(out, allow_blank=True).company == "=江城置业"


def test_catalog_text_starting_with_equals_is_kept_as_text(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "营销篇"
    ws.append(CATALOG_HEADERS)
    ws.append(["A-01", "售前", "接待", "一级", "动作", "件", "抽查", "案场", "项目"])
    ws.append(["A-02", "售前", "=回访", "一级", "动作", "件", "抽查", "案场", "项目"])
    ws["C3"].data_type = "s"  # text in the user's catalogue, not a formula
    ws["C3"].quotePrefix = True
    cat = tmp_path / "目录.xlsx"
    wb.save(cat)
    out = make_template(tmp_path / "T.xlsx", "--catalog", cat, projects=("甲",))
    names = sorted(api.check(out, allow_blank=True).items["name"])
    assert names == ["=回访", "接待"]


def test_project_name_with_control_character_is_refused_cleanly(tmp_path):
    result = run("template", "检查表", "--year", 2026, "--quarter", 1, "-p", "云栖\x01府", "-o", tmp_path / "T.xlsx")
    assert_refused(result, "项目名称")


# --- the default catalogue -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def default_catalog():
    return load_catalog()


def test_default_catalog_shape(default_catalog):
    cat = default_catalog
    assert list(cat["function"].unique()) == list(FUNCTIONS)
    counts = cat.groupby("function").size()
    for function in FUNCTIONS:
        assert 12 <= counts[function] <= 25, (function, counts[function])
    for column in cat.columns:
        blank = cat[cat[column].astype(str).str.strip() == ""]
        assert blank.empty, (column, blank[["function", "item_id"]].to_dict("records"))
    assert cat["item_id"].is_unique
    assert set(cat["level"]) <= {"一级", "二级", "三级"}
    assert set(cat["scope"]) <= {"项目", "城市公司"}
    assert set(cat["stage"]) <= set(STAGES)
    for function in FUNCTIONS:
        rows = cat[cat["function"] == function]
        order = [STAGES.index(s) for s in rows["stage"]]
        assert order == sorted(order), (function, list(rows["stage"]))
        assert (rows["scope"] == "项目").any()


@pytest.mark.parametrize("function", FUNCTIONS)
def test_default_catalog_is_the_csv(default_catalog, function):
    with (TEMPLATES / f"{function}.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == CATALOG_HEADERS
    items = default_catalog[default_catalog["function"] == function]
    assert len(rows) == len(items)
    assert [r["触点编号"] for r in rows] == list(items["item_id"])
    assert [r["触点名称"] for r in rows] == list(items["name"])
    assert [r["适用单位"] for r in rows] == list(items["scope"])


def test_load_catalog_reads_the_csv_files(tmp_path, monkeypatch):
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    csv_path = folder / "营销.csv"
    lines = csv_path.read_text(encoding="utf-8-sig").splitlines()
    lines[1] = lines[1].replace("阳光销售宣言公示", "改过的触点名称")
    csv_path.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")  # one row fewer, first renamed
    monkeypatch.setattr(catalog, "catalog_dir", lambda: folder)
    cat = load_catalog()
    marketing = cat[cat["function"] == "营销"]
    assert len(marketing) == len(lines) - 2
    assert marketing.iloc[0]["name"] == "改过的触点名称"


def test_broken_packaged_csv_is_reported(tmp_path, monkeypatch):
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    (folder / "物业.csv").unlink()
    monkeypatch.setattr(catalog, "catalog_dir", lambda: folder)
    result = run("template", "检查表", "--year", 2026, "--quarter", 1, "-p", "甲", "-o", tmp_path / "T.xlsx")
    assert_refused(result, "物业.csv")
