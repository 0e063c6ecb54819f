"""Every command as a user runs it (typer's CliRunner), plus one real subprocess for stdout encoding."""

from __future__ import annotations

import json
import os
import posixpath
import re
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest
from builders import (
    Item,
    SheetSpec,
    assert_handled,
    build_checklist,
    example_sheet,
    result_path,
    run,
    sha256,
    standard_sheets,
    standard_workbook,
)
from typer.testing import CliRunner

from kpicli.checklist.assessment import assess
from kpicli.cli.app import app

RESULT_SHEETS = ["评分汇总", "职能排名", "项目排名", "奖惩明细", "岗位得分", "自查偏差", "问题清单", "明细"]
INPUT_SHEETS = ["基本信息", "营销篇", "研发篇", "工程篇", "客户关系篇", "物业篇", "人员名单"]
CJK = re.compile(r"[\u4e00-\u9fff]")


def listing(folder: Path) -> dict[str, str]:
    return {p.name: sha256(p) for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def workbook(standard_book: Path) -> Path:
    """The standard quarter alone in its folder (conftest.standard_book)."""
    return standard_book


@pytest.fixture
def broken(tmp_path) -> Path:
    """The layout example with 进行中 typed into 示例项目甲's 检查 cell of YX-02 (营销篇!M6)."""
    spec = example_sheet()
    spec.items[1].results = {**spec.items[1].results, "示例项目甲": ("完成", "进行中")}
    return build_checklist(tmp_path / "有错误.xlsx", {"营销篇": spec})


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    """`kpicli score` run once on the standard workbook: (input, the result workbook, the CLI result).

    Tests using it only read the result; tests that write use their own `workbook`."""
    folder = tmp_path_factory.mktemp("scored")
    source = standard_workbook(folder / "2026Q1_客户触点检查表.xlsx")
    result = run("score", source)
    return source, result_path(source), result


# --- score -------------------------------------------------------------------------------------------------------


def test_score_writes_the_result_workbook_beside_the_input(scored):
    workbook, out, result = scored
    assert result.exit_code == 0, result.output
    assert out.is_file()
    assert out.name in result.output.replace("\n", "")
    assert "云栖府" in result.output and "100.00" in result.output
    wb = openpyxl.load_workbook(out)
    assert set(RESULT_SHEETS) <= set(wb.sheetnames)
    assert set(INPUT_SHEETS) <= set(wb.sheetnames)
    assert wb.sheetnames[0] == "评分汇总"
    assert len(wb.sheetnames) == len(set(wb.sheetnames))
    source = openpyxl.load_workbook(workbook)
    for name in INPUT_SHEETS:  # the input's sheets come through unchanged
        assert [[c.value for c in r] for r in wb[name].iter_rows()] == [[c.value for c in r] for r in
                                                                         source[name].iter_rows()]
        assert {str(m) for m in wb[name].merged_cells.ranges} == {str(m) for m in source[name].merged_cells.ranges}


def test_result_sheets_hold_the_ranking(scored):
    wb = openpyxl.load_workbook(scored[1])
    projects = wb["项目排名"]
    rows = [[c.value for c in r][:5] for r in projects.iter_rows(min_row=5, max_row=7)]
    assert rows == [[1, "云栖府", 100.0, "A", 3000], [2, "望江台", 25.0, "C", -3000],
                    ["—", "观澜苑", "不列入考核", "—", None]]  # no reward or penalty: blank (issue #11)
    functions = wb["职能排名"]
    first = [c.value for c in functions[5]][:6]
    assert first == [1, "物业", 100.0, "A", 3000, "服务费调整"]
    rewards = [[c.value for c in r] for r in wb["奖惩明细"].iter_rows(min_row=5)]
    assert sorted((r[1], r[5], r[6]) for r in rewards) == [("云栖府", 3000, "团队奖金"), ("望江台", -3000, "团队处罚"),
                                                          ("物业", 3000, "服务费调整")]
    deviations = [[c.value for c in r] for r in wb["自查偏差"].iter_rows(min_row=5)]
    assert len(deviations) == 3 and {r[1] for r in deviations} == {"望江台"}
    roles = list(wb["岗位得分"].iter_rows(min_row=5, values_only=True))
    assert len(roles) == 5 + 3 * 6  # five function heads; per project a director and five managers
    directors = {r[1]: (r[3], r[4], r[5]) for r in roles if r[0] == "项目总监"}
    assert directors == {"云栖府": ("李总监", 100.0, "A"), "望江台": ("周总监", 25.0, "C"),
                         "观澜苑": (None, "不列入考核", "—")}
    heads = {r[2]: (r[3], r[4]) for r in roles if r[0] == "职能负责人"}
    assert heads["物业"] == ("王物业", 100.0) and heads["营销"] == ("张营销", 63.64)
    assert heads["客服"] == (None, "不列入考核")
    details = list(wb["明细"].iter_rows(min_row=5, values_only=True))
    assert len(details) == 5 * 2 * 4  # five sheets × two items × (城市公司 + three projects)


def test_role_sheet_shows_a_dash_for_the_directors_function(scored):
    out = scored[1]
    roles = list(openpyxl.load_workbook(out)["岗位得分"].iter_rows(min_row=5, values_only=True))
    assert {r[2] for r in roles if r[0] == "项目总监"} == {"—"}
    with zipfile.ZipFile(out) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                # an empty value right after the cell's start (formula cells legitimately carry <f>…</f><v/>)
                assert not re.search(rb"<c\b[^>]*>(?:<v\s*/>|<v></v>)", z.read(name)), name


def _chart_parts(path: Path) -> dict[str, list[str]]:
    """sheet name → chart parts reached through the sheet's drawing, read from the package's relationships."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
          "p": "http://schemas.openxmlformats.org/package/2006/relationships"}
    rid = f"{{{ns['r']}}}id"

    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())

        def rels(part: str) -> dict[str, tuple[str, str]]:
            folder, base = posixpath.split(part)
            rel_part = posixpath.join(folder, "_rels", base + ".rels")
            if rel_part not in names:
                return {}
            root = ElementTree.fromstring(z.read(rel_part))
            return {r.get("Id"): (r.get("Type").rsplit("/", 1)[-1], resolve(folder, r.get("Target")))
                    for r in root.findall("p:Relationship", ns)}

        def resolve(folder: str, target: str) -> str:
            if target.startswith("/"):  # absolute part name
                return target.lstrip("/")
            return posixpath.normpath(posixpath.join(folder, target))

        workbook_rels = rels("xl/workbook.xml")
        root = ElementTree.fromstring(z.read("xl/workbook.xml"))
        found: dict[str, list[str]] = {}
        for sheet in root.find("m:sheets", ns):
            part = workbook_rels[sheet.get(rid)][1]
            charts = []
            for kind, drawing in rels(part).values():
                if kind == "drawing":
                    charts += [target for k, target in rels(drawing).values() if k == "chart" and target in names]
            found[sheet.get("name")] = charts
        return found


def test_ranking_sheets_carry_a_native_bar_chart(scored):
    out = scored[1]
    charts = _chart_parts(out)
    assert len(charts["职能排名"]) == 1 and len(charts["项目排名"]) == 1
    assert charts["职能排名"] != charts["项目排名"]
    with zipfile.ZipFile(out) as z:
        assert any(re.fullmatch(r"xl/charts/chart\d+\.xml", n) for n in z.namelist())
        chart_ns = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
        for sheet in ("职能排名", "项目排名"):
            root = ElementTree.fromstring(z.read(charts[sheet][0]))
            assert root.find(f".//{chart_ns}barChart") is not None
            refs = [f.text for f in root.iter(f"{chart_ns}f")]
            assert refs and all(sheet in ref for ref in refs)  # the series read the ranking sheet's own cells


def test_score_cells_are_formatted_with_two_decimals(scored):
    wb = openpyxl.load_workbook(scored[1])
    for sheet, column in (("职能排名", "C"), ("项目排名", "C"), ("岗位得分", "E")):
        ws = wb[sheet]
        cells = [ws[f"{column}{r}"] for r in range(5, ws.max_row + 1)]
        numbers = [c for c in cells if isinstance(c.value, (int, float))]
        assert numbers, sheet
        assert {c.number_format for c in numbers} == {"0.00"}, sheet
    summary = wb["评分汇总"]
    numbers = [c for row in summary.iter_rows(min_row=5, min_col=2, max_col=7) for c in row
               if isinstance(c.value, float)]
    assert numbers and {c.number_format for c in numbers} == {"0.00"}


@pytest.mark.slow
def test_scoring_twice_replaces_the_result(scored):
    workbook, out, _ = scored
    first = openpyxl.load_workbook(out).sheetnames
    second_run = run("score", workbook)  # the earlier result is kpicli's own: replaced without --force
    assert second_run.exit_code == 0, second_run.output
    assert openpyxl.load_workbook(out).sheetnames == first
    assert not [n for n in first if re.search(r"\d$", n)]  # no 评分汇总1 and the like
    assert sorted(p.name for p in workbook.parent.iterdir()) == sorted([workbook.name, out.name])


@pytest.mark.slow  # several runs of kpicli (> 0.15 s)
def test_scoring_the_result_workbook_itself(scored, tmp_path):
    workbook, out, _ = scored
    first = openpyxl.load_workbook(out).sheetnames
    out2 = tmp_path / "再次评分.xlsx"
    again = run("score", out, "--format", "json", "-o", out2)
    assert again.exit_code == 0, again.output
    assert openpyxl.load_workbook(out2).sheetnames == first
    original = assess(workbook).to_json()
    rescored = json.loads(again.stdout)
    for key in ("company", "year", "quarter", "functions", "projects", "units"):
        assert rescored[key] == original[key], key
    assert result_path(out).exists() is False


@pytest.mark.slow  # over 0.2 s of CPU (0.45 s measured)
def test_score_to_a_chosen_output(workbook, tmp_path):
    out = tmp_path / "结果" / "一季度评分.xlsx"
    out.parent.mkdir()
    result = run("score", workbook, "-o", out)
    assert result.exit_code == 0, result.output
    assert out.is_file()
    assert not result_path(workbook).exists()
    assert "评分汇总" in openpyxl.load_workbook(out).sheetnames


def test_output_into_a_missing_folder_is_refused(workbook, tmp_path):
    result = run("score", workbook, "--output", tmp_path / "没有的文件夹" / "x.xlsx")
    assert result.exit_code == 2
    assert CJK.search(result.output)
    assert_handled(result)


def test_output_equal_to_input_is_refused(workbook):
    before = sha256(workbook)
    result = run("score", workbook, "-o", workbook, "--force")
    assert result.exit_code == 2
    assert sha256(workbook) == before


@pytest.mark.slow  # several runs of kpicli (> 0.15 s)
def test_a_foreign_file_at_the_output_path_needs_force(workbook):
    out = result_path(workbook)
    foreign = openpyxl.Workbook()
    foreign.active["A1"] = "同事的文件"
    foreign.save(out)
    before = sha256(out)
    result = run("score", workbook)
    assert result.exit_code == 2
    assert "--force" in result.output
    assert_handled(result)
    assert sha256(out) == before
    forced = run("score", workbook, "--force")
    assert forced.exit_code == 0, forced.output
    assert "评分汇总" in openpyxl.load_workbook(out).sheetnames


# --- JSON --------------------------------------------------------------------------------------------------------

TOP_KEYS = {"kind", "company", "year", "quarter", "functions", "projects", "units", "problems"}
FUNCTION_KEYS = {"function", "assessed", "score", "grade", "rank", "reward"}
PROJECT_KEYS = {"project", "assessed", "score", "grade", "rank", "reward"}
UNIT_KEYS = {"function", "project", "assessed", "score", "grade"}
PROBLEM_KEYS = {"level", "sheet", "cell", "message"}


def check_contract(data: dict) -> None:
    assert set(data) == TOP_KEYS
    assert [f["function"] for f in data["functions"]] == ["营销", "研发", "工程", "客服", "物业"]
    for entries, keys in ((data["functions"], FUNCTION_KEYS), (data["projects"], PROJECT_KEYS),
                          (data["units"], UNIT_KEYS), (data["problems"], PROBLEM_KEYS)):
        for entry in entries:
            assert set(entry) == keys
    for entry in data["functions"] + data["projects"]:
        assert isinstance(entry["reward"], int)
        if entry["assessed"]:
            assert isinstance(entry["score"], float) and isinstance(entry["rank"], int)
            assert entry["grade"] in ("A", "B+", "B", "B-", "C")
        else:
            assert (entry["score"], entry["grade"], entry["rank"], entry["reward"]) == (None, None, None, 0)
    for entry in data["units"]:
        assert entry["function"] in ("营销", "研发", "工程", "客服", "物业")
        if not entry["assessed"]:
            assert (entry["score"], entry["grade"]) == (None, None)
    for problem in data["problems"]:
        assert problem["level"] in ("error", "warning", "info")


@pytest.mark.parametrize("command", ["rank", "score"])
@pytest.mark.slow  # over 0.2 s of CPU (0.49 s measured)
def test_json_is_exactly_the_contract_object(workbook, command):
    result = run(command, workbook, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    check_contract(data)
    assert (data["company"], data["year"], data["quarter"]) == ("测试公司", 2026, 1)
    functions = {f["function"]: f for f in data["functions"]}
    assert functions["物业"] == {"function": "物业", "assessed": True, "score": 100.0, "grade": "A", "rank": 1,
                                "reward": 3000}
    assert functions["营销"] == {"function": "营销", "assessed": True, "score": 63.64, "grade": "B-", "rank": 2,
                                "reward": 0}
    assert functions["客服"] == {"function": "客服", "assessed": False, "score": None, "grade": None, "rank": None,
                                "reward": 0}
    assert data["projects"] == [
        {"project": "云栖府", "assessed": True, "score": 100.0, "grade": "A", "rank": 1, "reward": 3000},
        {"project": "望江台", "assessed": True, "score": 25.0, "grade": "C", "rank": 2, "reward": -3000},
        {"project": "观澜苑", "assessed": False, "score": None, "grade": None, "rank": None, "reward": 0},
    ]
    units = {(u["function"], u["project"]): u for u in data["units"]}
    assert len(units) == 15  # five functions × three projects, no 城市公司
    assert units[("营销", "望江台")] == {"function": "营销", "project": "望江台", "assessed": True, "score": 0.0,
                                       "grade": "C"}
    assert units[("客服", "云栖府")]["assessed"] is False
    assert data == {**assess(workbook).to_json()}  # the CLI prints what the library computes
    assert (result_path(workbook).exists()) == (command == "score")


def test_json_lists_problems_with_sheet_and_cell(tmp_path):
    spec = example_sheet()  # 示例项目甲's YX-02 has no 检查: the self-check stands in (warning at M6)
    path = build_checklist(tmp_path / "w.xlsx", {"营销篇": spec})
    data = json.loads(run("rank", path, "--format", "json").stdout)
    check_contract(data)
    assert {"level": "warning", "sheet": "营销篇", "cell": "M6"} in [
        {k: p[k] for k in ("level", "sheet", "cell")} for p in data["problems"]]
    assert any(p["level"] == "info" and p["sheet"] is None and "研发" in p["message"] for p in data["problems"])


# --- rank and check ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_rank_writes_no_file(workbook, fmt):
    before = listing(workbook.parent)
    result = run("rank", workbook, "--format", fmt)
    assert result.exit_code == 0, result.output
    assert listing(workbook.parent) == before
    if fmt == "table":
        assert "云栖府" in result.output and "服务费调整" in result.output and "不列入考核" in result.output


def test_check_clean_workbook_exits_0(workbook):
    before = listing(workbook.parent)
    result = run("check", workbook)
    assert result.exit_code == 0, result.output
    assert "没有发现问题" in result.output
    assert listing(workbook.parent) == before


def test_check_with_errors_exits_1_and_names_the_cell(broken):
    result = run("check", broken)
    assert result.exit_code == 1
    assert "营销篇!M6" in result.output
    assert "进行中" in result.output
    assert_handled(result)


def test_check_names_the_cell_of_a_missing_touchpoint_name(tmp_path):
    spec = SheetSpec(items=[Item("a", "一级", {"项目甲": (None, "完成")}), Item(None, "二级", {"项目甲": (None, "完成")})])
    result = run("check", build_checklist(tmp_path / "n.xlsx", {"工程篇": spec}))
    assert result.exit_code == 1
    assert "工程篇!D6" in result.output


@pytest.mark.slow  # over 0.2 s of CPU (0.41 s measured)
def test_score_with_errors_exits_1_writes_nothing_and_lists_the_problems(broken):
    before = listing(broken.parent)
    result = run("score", broken)
    assert result.exit_code == 1
    assert "营销篇!M6" in result.output
    assert listing(broken.parent) == before
    as_json = run("score", broken, "--format", "json")
    assert as_json.exit_code == 1
    data = json.loads(as_json.stdout)
    assert set(data) == TOP_KEYS
    assert [(p["sheet"], p["cell"]) for p in data["problems"] if p["level"] == "error"] == [("营销篇", "M6")]
    assert listing(broken.parent) == before
    ranked = run("rank", broken)
    assert ranked.exit_code == 1 and "营销篇!M6" in ranked.output


# --- usage errors and help ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["score", "不存在.xlsx"],
        ["rank", "不存在.xlsx", "--format", "json"],
        ["check", "不存在.xlsx"],
        ["rank", "{wb}", "--format", "xml"],
        ["score", "{wb}", "--format", "xml"],
        ["rank", "{wb}", "--quarter", "5"],
        ["rank", "{wb}", "--year", "明年"],
        ["check", "{wb}", "--no-such-option"],
        ["nonsense"],
        ["template", "检查表", "--year", "2026"],
    ],
    ids=["score-missing", "rank-missing", "check-missing", "rank-xml", "score-xml", "quarter-5", "year-text",
         "unknown-option", "unknown-command", "template-missing-option"],
)
def test_usage_errors_exit_2_in_chinese(workbook, tmp_path, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    before = listing(workbook.parent)
    result = run(*(a.replace("{wb}", str(workbook)) for a in args))
    assert result.exit_code == 2, (result.output, result.exception)
    assert CJK.search(result.output)
    assert_handled(result)
    assert listing(workbook.parent) == before


@pytest.mark.parametrize("command", ["score", "rank", "check"])
def test_a_missing_file_argument_exits_2_in_chinese(command):
    result = run(command)
    assert result.exit_code == 2, (result.output, result.exception)
    assert "缺少" in result.output
    assert_handled(result)


def test_a_folder_or_a_non_workbook_exits_2(tmp_path):
    text = tmp_path / "说明.xlsx"
    text.write_text("这不是工作簿", encoding="utf-8")
    for target in (tmp_path, text):
        result = run("check", target)
        assert result.exit_code == 2
        assert CJK.search(result.output)
        assert_handled(result)


@pytest.mark.parametrize("args", [["-h"], ["--help"], [], ["score", "-h"], ["rank", "-h"], ["check", "-h"],
                                  ["template", "-h"], ["score", "--help"]])
def test_help_is_chinese(args):
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert CJK.search(result.output)
    assert "用法： kpicli" in result.output and "Usage" not in result.output  # the rest: tests/test_typer_compat.py


def test_main_help_lists_the_commands():
    output = run("-h").output
    for command in ("score", "rank", "check", "template"):
        assert command in output


def test_version():
    result = run("--version")
    assert result.exit_code == 0
    assert "kpicli" in result.output


# --- the input is never touched ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_input_is_byte_identical_after_every_command(workbook, tmp_path):
    before = sha256(workbook)
    stat = workbook.stat()
    for args in (["check", workbook], ["rank", workbook], ["rank", workbook, "--format", "json"],
                 ["score", workbook], ["score", workbook, "--format", "json", "-o", tmp_path / "other.xlsx"]):
        result = run(*args)
        assert result.exit_code == 0, (args, result.output)
        assert sha256(workbook) == before, args
    assert workbook.stat().st_mtime_ns == stat.st_mtime_ns


@pytest.mark.slow  # over 0.2 s of CPU (0.51 s measured)
def test_a_broken_input_is_untouched_too(broken):
    before = sha256(broken)
    for command in ("check", "rank", "score"):
        run(command, broken)
    assert sha256(broken) == before


# --- a real process ----------------------------------------------------------------------------------------------


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHONIOENCODING", "LC_", "PYTHONUTF8"))}
    env.update(LANG="C", LC_ALL="C", **extra)
    env.pop("PYTHONIOENCODING", None)
    return env


@pytest.mark.slow  # a real process
def test_json_on_stdout_is_utf8_whatever_the_locale(workbook):
    """LANG=C, no PYTHONIOENCODING, and neither UTF-8 mode nor locale coercion: stdout would be ASCII."""
    proc = subprocess.run([sys.executable, "-X", "utf8=0", "-m", "kpicli.cli.app", "rank", str(workbook), "--format",
                           "json"], capture_output=True, env=_env(PYTHONCOERCECLOCALE="0"), timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    data = json.loads(proc.stdout.decode("utf-8"))
    check_contract(data)
    assert data["company"] == "测试公司" and data["projects"][0]["project"] == "云栖府"
    assert "云栖府".encode() in proc.stdout  # real UTF-8, not \\u escapes


@pytest.mark.slow  # a real process
def test_console_script_reports_a_missing_file_without_traceback(tmp_path):
    script = Path(sys.executable).with_name("kpicli")
    if not script.exists():
        pytest.skip("no kpicli console script beside the interpreter")
    proc = subprocess.run([str(script), "check", str(tmp_path / "没有.xlsx")], capture_output=True, env=_env(),
                          timeout=120, check=False)
    assert proc.returncode == 2
    err = proc.stderr.decode("utf-8", "replace") + proc.stdout.decode("utf-8", "replace")
    assert "Traceback" not in err and CJK.search(err)


@pytest.mark.slow  # over 0.2 s of CPU (0.32 s measured)
def test_problem_and_detail_sheets_point_at_the_cells(tmp_path):
    path = build_checklist(tmp_path / "例.xlsx", {"营销篇": example_sheet()})  # 示例项目甲 YX-02: no 检查 (M6)
    result = run("score", path)
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(result_path(path))
    problems = list(wb["问题清单"].iter_rows(min_row=5, values_only=True))
    assert [r[:4] for r in problems if r[0] == "警告"] == [("警告", None, "营销篇", "M6")]
    assert "采用自查结果" in next(r[4] for r in problems if r[0] == "警告")
    details = [r for r in wb["明细"].iter_rows(min_row=5, values_only=True) if r[1] == "示例项目甲"]
    assert [(r[2], r[9], r[12]) for r in details] == [
        ("YX-01", "检查", "营销篇!M5"), ("YX-02", "自查", "营销篇!L6"), ("YX-03", "检查", "营销篇!M7"),
        ("YX-04", "检查", "营销篇!M8")]
    deviation = list(wb["自查偏差"].iter_rows(min_row=5, values_only=True))
    assert deviation == [("营销", "示例项目乙", "YX-01", "阳光销售宣言讲解", "完成", "未完成", "营销篇!O5", "营销篇!P5")]


@pytest.mark.slow  # over 0.2 s of CPU (0.53 s measured)
def test_an_xlsm_input_is_scored_into_an_xlsx(tmp_path):
    path = standard_workbook(tmp_path / "宏.xlsm")
    result = run("score", path)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "宏_评分结果.xlsx").is_file()


@pytest.mark.slow  # over 0.2 s of CPU (0.30 s measured)
def test_decimal_scores_survive_the_result_workbook(tmp_path):
    spec = SheetSpec(items=[Item("唯一触点", "一级", {"项目甲": (None, 0.59995)})])
    path = build_checklist(tmp_path / "r.xlsx", {"营销篇": spec})
    assert run("score", path).exit_code == 0
    ws = openpyxl.load_workbook(result_path(path))["项目排名"]
    assert [c.value for c in ws[5]][:5] == [1, "项目甲", 60.0, "B-", None]  # no reward: blank
    assert Decimal(str(ws["C5"].value)) == Decimal("60.00")


def test_all_five_sheets_are_in_the_standard_workbook():
    assert list(standard_sheets()) == ["营销篇", "研发篇", "工程篇", "客户关系篇", "物业篇"]


# --- option values and the process around a command (issue #6: no pydantic, no interpreter teardown) ------------


@pytest.mark.slow  # over 0.2 s of CPU (0.26 s measured)
def test_option_values_are_converted_and_refused_in_chinese(workbook):
    result = run("rank", workbook, "--year", "2026年", "--quarter", "Q1", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["year"], data["quarter"]) == (2026, 1)
    for value in ("5", "0", "第五季度", "2026"):
        result = run("rank", workbook, "--quarter", value)
        assert result.exit_code == 2, result.output
        assert f"--quarter 的取值无效：「{value}」不是季度" in result.output, result.output
    result = run("rank", workbook, "--year", "明年")
    assert result.exit_code == 2 and "--year 的取值无效：「明年」不是年度" in result.output, result.output


def _kpicli(*args: object, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-X", "importtime", "-m", "kpicli.cli.app", *map(str, args)],
                          capture_output=True, env=_env(PYTHONIOENCODING="utf-8"), timeout=120, check=False,
                          cwd=cwd)


@pytest.mark.slow  # four real processes
def test_a_real_run_writes_everything_and_keeps_the_exit_code(workbook, broken, tmp_path):
    proc = _kpicli("rank", workbook, "--format", "json")
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")[-2000:]
    check_contract(json.loads(proc.stdout.decode("utf-8")))  # the whole document reached the pipe
    # without a rules file, option parsing and scoring never load pydantic (0.2 s of every run) — as long as
    # typer still offers the hook kpicli's own converters plug into (older and newer typers convert differently)
    from kpicli.cli.compat import RuntimeParam

    if RuntimeParam is not None:
        assert "pydantic" not in proc.stderr.decode("utf-8", "replace")

    proc = _kpicli("check", broken)
    assert proc.returncode == 1
    assert "营销篇!M6" in proc.stdout.decode("utf-8") and "进行中" in proc.stdout.decode("utf-8")

    proc = _kpicli("rank", workbook, "--quarter", "9")
    assert proc.returncode == 2 and "「9」不是季度" in proc.stderr.decode("utf-8", "replace")

    out = tmp_path / "结果.xlsx"
    proc = _kpicli("score", workbook, "-o", out)
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")[-2000:]
    assert set(RESULT_SHEETS) <= set(openpyxl.load_workbook(out).sheetnames)


@pytest.mark.parametrize("change", ["no hook", "hook of another shape"])
@pytest.mark.slow  # over 0.2 s of CPU (0.22 s measured)
def test_options_still_work_when_typer_converts_them_itself(workbook, monkeypatch, change):
    """kpicli's own converters plug into a typer internal; without it typer's conversion takes over."""
    from kpicli.cli import compat

    if change == "no hook":
        monkeypatch.setattr(compat, "RuntimeParam", None)
    else:
        def other_shape(**_fields):
            raise TypeError("unexpected keyword argument")

        monkeypatch.setattr(compat, "PlainParam", other_shape)
    result = run("rank", workbook, "--quarter", "第一季度", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["quarter"] == 1
    result = run("rank", workbook, "--quarter", "5")
    assert result.exit_code == 2
    assert_handled(result)
    # typer's own (pydantic, English) reason is replaced by a Chinese line naming what the option takes
    assert "--quarter 的取值无效：不是可以识别的季度写法（见 -h 中的说明）" in result.output, result.output
    assert not re.search(r"[A-Za-z]{3,} [a-z]{2,}", result.output.replace("kpicli", "")), result.output


@pytest.mark.parametrize(("args", "message"), [
    (["rnak", "a.xlsx"], "没有这个命令：rnak（是不是想用 rank?）"),
    (["--debug"], "缺少命令"),
    (["rank", "a.xlsx", "--quater", "1"], "没有选项 --quater（是不是想用 --quarter?）"),
    (["rank", "a.xlsx", "--year"], "选项 --year 后面缺少取值"),
    (["rank", "a.xlsx", "--allow-blank=是"], "选项 --allow-blank 是开关，不带取值"),
    (["explain", "a.xlsx", "b.xlsx"], "多余的参数：b.xlsx"),
    (["template", "检查表", "--year", "2026", "-p", "甲"], "缺少必填选项 --quarter"),
    (["check"], "缺少参数 文件…"),
    (["rules", "shw"], "没有这个命令：shw（是不是想用 show?）"),
])
def test_usage_errors_are_said_in_chinese_by_their_kind(args, message):
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert message in result.output, result.output
    assert not re.search(r"[A-Za-z]{3,} [a-z]{2,}", result.output.replace("kpicli", "")), result.output


@pytest.mark.parametrize("args", [["-h"], ["score", "-h"], ["rank", "-h"], ["check", "-h"], ["template", "-h"],
                                  ["explain", "-h"], ["annual", "-h"], ["collect", "-h"], ["rules", "init", "-h"]])
def test_help_type_column_is_chinese(args):
    output = CliRunner().invoke(app, args, terminal_width=120).output
    for english in ("<bool>", "<path>", "<str>", "<int", "list[", "x<=", "Path"):
        assert english not in output, (args, english)
    if args[0] in ("score", "template"):
        assert "<路径>" in output and "<季度>" in output and "<年度>" in output
