"""The quarter's workflow from `kpicli template` on: the city company's own file, a project's own file, collecting
them in the template's order (issue #21, workflow gaps)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from builders import assert_handled, flat, run

from kpicli import api
from kpicli.checklist.render.template import FIRST_ITEM_ROW, HEADER_ROW
from kpicli.checklist.words import COMPANY_GROUP, FUNCTION_SHEETS, NOT_APPLICABLE

pytestmark = pytest.mark.slow  # templates written, filled and read back through the CLI

PERIOD = ("--year", "2026", "--quarter", "2", "--company", "江城置业")
ANSWERS = ("完成", "部分完成", "完成", "未完成", "不适用")


def template(path: Path, *projects: str, extra: tuple[str, ...] = ()) -> Path:
    result = run("template", "检查表", *PERIOD, *(x for p in projects for x in ("-p", p)), "-o", path, *extra)
    assert_handled(result, 0)
    return path


def groups_of(ws) -> list[str]:
    return [ws.cell(HEADER_ROW, c).value for c in range(10, ws.max_column + 1, 3)]


def fill(path: Path, group: str, *, check: bool = True, answer=None) -> Path:
    """What a person does: every 自查 (and 检查) cell of `group` that the template did not pre-fill, and a remark."""
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        cols = [c for c in range(1, ws.max_column + 1) if ws.cell(HEADER_ROW, c).value == group]
        for col in cols:
            for r in range(FIRST_ITEM_ROW, ws.max_row + 1):
                if ws.cell(r, col).value is not None or ws.cell(r, 4).value is None:
                    continue
                value = answer or ANSWERS[r % len(ANSWERS)]
                ws.cell(r, col, value=value)
                if check:
                    ws.cell(r, col + 1, value=value)
                if value != "完成":
                    ws.cell(r, col + 2, value="整改中")
    wb.save(path)
    return path


def warnings_of(path: Path) -> list[dict]:
    """The warnings and errors `kpicli check` lists (kpicli.api.check: the same problems)."""
    return [p.to_dict() for p in api.check(path).problems if p.level != "info"]


# --- the city company makes its own file ---------------------------------------------------------------------------


def test_the_city_company_makes_its_own_file_with_its_group_only(tmp_path):
    path = template(tmp_path / "城市公司.xlsx", COMPANY_GROUP)
    wb = openpyxl.load_workbook(path)
    for sheet in FUNCTION_SHEETS.values():
        assert groups_of(wb[sheet]) == [COMPANY_GROUP]
    blank = run("check", path)
    assert_handled(blank, 1)
    assert "表格尚未填写" in blank.output and len(blank.output.splitlines()) <= 3

    fill(path, COMPANY_GROUP, answer="完成")
    checked = run("check", path, columns=200)
    assert_handled(checked, 0)
    assert "城市公司自己的检查表" in checked.output and "警告" not in checked.output.split("共")[0]
    ranked = run("rank", path, "--format", "json")
    assert_handled(ranked, 0)
    data = json.loads(ranked.stdout)
    assert data["projects"] == [] and data["units"] == []
    assert [f["score"] for f in data["functions"]] == [100.0] * 5  # every company-level touchpoint 完成
    shown = run("rank", path, columns=80)
    assert "汇总后评分才有项目排名" in flat(shown.output)
    scored = run("score", path, "-o", tmp_path / "结果.xlsx")
    assert_handled(scored, 0)
    sheet = openpyxl.load_workbook(tmp_path / "结果.xlsx")["项目排名"]
    below_header = [c.value for c in sheet[5] if c.value is not None]  # the table's header is row 4
    assert len(below_header) == 1 and "汇总后评分才有项目排名" in below_header[0]  # not an empty table
    assert sheet.print_area is not None and "5" in sheet.print_area


def test_the_company_and_a_project_name_together_make_the_usual_template(tmp_path):
    both = openpyxl.load_workbook(template(tmp_path / "a.xlsx", COMPANY_GROUP, "云栖府"))
    plain = openpyxl.load_workbook(template(tmp_path / "b.xlsx", "云栖府"))
    for sheet in FUNCTION_SHEETS.values():
        assert groups_of(both[sheet]) == groups_of(plain[sheet]) == [COMPANY_GROUP, "云栖府"]


def test_the_company_file_collects_with_the_projects_and_scores_as_filled(tmp_path):
    folder = tmp_path / "二季度提交"
    folder.mkdir()
    fill(template(folder / "城市公司.xlsx", COMPANY_GROUP), COMPANY_GROUP)
    for project in ("云栖府", "望江台"):
        fill(template(folder / f"{project}.xlsx", project), project, check=False)
    merged = tmp_path / "汇总.xlsx"
    collected = run("collect", folder, "-o", merged, columns=200)
    assert_handled(collected, 0)
    assert "另有城市公司列组" in collected.output

    alone = api.rank(folder / "城市公司.xlsx")
    together = api.rank(merged)
    units = together.units
    company = units[units["is_company"]].set_index("function")["score"]
    assert company.to_dict() == alone.units.set_index("function")["score"].to_dict()  # the same cells, same scores
    assert set(together.projects["project"]) == {"云栖府", "望江台"}
    wb = openpyxl.load_workbook(merged)
    source = openpyxl.load_workbook(folder / "城市公司.xlsx")
    for sheet in FUNCTION_SHEETS.values():
        ws, src = wb[sheet], source[sheet]
        assert groups_of(ws)[0] == COMPANY_GROUP
        got = [ws.cell(r, 10).value for r in range(FIRST_ITEM_ROW, ws.max_row + 1) if ws.cell(r, 4).value]
        sent = [src.cell(r, 10).value for r in range(FIRST_ITEM_ROW, src.max_row + 1) if src.cell(r, 4).value]
        assert got == sent


# --- a project's own file is judged as one project ------------------------------------------------------------------


def test_a_filled_project_file_has_no_warning_about_the_city_company_columns(tmp_path):
    path = fill(template(tmp_path / "云栖府.xlsx", "云栖府"), "云栖府")
    assert warnings_of(path) == []
    checked = run("check", path, columns=200)
    assert_handled(checked, 0)
    assert "城市公司" not in checked.output.replace("「城市公司」列组全部空白", "").replace("城市公司填写的列", "")
    assert "请先确认" not in checked.output
    data = json.loads(run("rank", path, "--format", "json").stdout)
    assert [p["project"] for p in data["projects"]] == ["云栖府"]
    assert {u["project"] for u in data["units"]} == {"云栖府"}
    # the five function scores are the project's own: its units, nothing of the blank 城市公司 pulls them to 0
    assert {f["function"]: f["score"] for f in data["functions"]} == {u["function"]: u["score"] for u in data["units"]}


def test_a_project_file_before_the_inspection_says_once_that_its_self_checks_count(tmp_path):
    """A project fills 自查 only (检查 is the city company's inspection): one info line, the self-checks scored."""
    path = fill(template(tmp_path / "云栖府.xlsx", "云栖府"), "云栖府", check=False, answer="完成")
    assert warnings_of(path) == []
    infos = [p.message for p in api.check(path).problems if p.level == "info"]
    assert len(infos) == 1 and "按自查结果计分" in infos[0]
    assert {u["score"] for u in json.loads(run("rank", path, "--format", "json").stdout)["units"]} == {100.0}
    # one 检查 filled: a file under inspection, every self-check standing in is said again
    wb = openpyxl.load_workbook(path)
    ws = wb["营销篇"]
    col = groups_of(ws).index("云栖府") * 3 + 10
    row = next(r for r in range(FIRST_ITEM_ROW, ws.max_row + 1) if ws.cell(r, col).value == "完成")
    ws.cell(row, col + 1, value="未完成")
    wb.save(path)
    assert any("未经城市公司检查" in p["message"] for p in warnings_of(path))


def test_a_project_file_scores_as_the_project_does_in_the_collected_checklist(tmp_path):
    folder = tmp_path / "提交"
    folder.mkdir()
    for project in ("云栖府", "望江台"):
        fill(template(folder / f"{project}.xlsx", project), project)
    merged = tmp_path / "汇总.xlsx"
    assert_handled(run("collect", folder, "-o", merged), 0)
    together = api.rank(merged).units
    for project in ("云栖府", "望江台"):
        own = api.rank(folder / f"{project}.xlsx").units
        assert not own["is_company"].any()
        mine = together[together["group"] == project].set_index("function")["score"]
        assert own.set_index("function")["score"].to_dict() == mine.to_dict()


def test_the_city_company_columns_stay_its_business_in_a_company_checklist(tmp_path):
    """Two projects, or the company's filled group: nothing is left out, the blank 城市公司 group is still warned."""
    two = fill(fill(template(tmp_path / "两个.xlsx", "云栖府", "望江台"), "云栖府"), "望江台")
    assert any(COMPANY_GROUP in p["message"] and "没有填写任何结果" in p["message"] for p in warnings_of(two))
    one = fill(fill(template(tmp_path / "一个.xlsx", "云栖府"), "云栖府"), COMPANY_GROUP)
    units = api.rank(one).units
    assert units["is_company"].any() and warnings_of(one) == []


def test_a_pre_filled_not_applicable_is_not_an_answer(tmp_path):
    """The 城市公司 group of a project template holds the template's 不适用 only: still the company's blank group."""
    path = template(tmp_path / "云栖府.xlsx", "云栖府")
    ws = openpyxl.load_workbook(path)["营销篇"]
    company_col = groups_of(ws).index(COMPANY_GROUP) * 3 + 10
    assert NOT_APPLICABLE in {ws.cell(r, company_col).value for r in range(FIRST_ITEM_ROW, ws.max_row + 1)}
    fill(path, "云栖府")
    assert warnings_of(path) == []


# --- collect: the order handed out, each hint once -------------------------------------------------------------------


def collected_projects(path: Path) -> list[str]:
    return list(api.rank(path).projects.sort_index()["project"])


def test_collect_keeps_the_template_order_not_the_file_names(tmp_path):
    """One company template, copied to each project (file names sort 云栖府, 星河湾, 望江台)."""
    shared = template(tmp_path / "公司模板.xlsx", "望江台", "云栖府", "星河湾")
    folder = tmp_path / "提交"
    folder.mkdir()
    for i, project in enumerate(("云栖府", "星河湾", "望江台"), start=1):
        target = folder / f"{i:02d}_{project}.xlsx"
        target.write_bytes(shared.read_bytes())
        fill(target, project)
    merged = tmp_path / "汇总.xlsx"
    assert_handled(run("collect", folder, "-o", merged), 0)
    assert collected_projects(merged) == ["望江台", "云栖府", "星河湾"]
    headers = groups_of(openpyxl.load_workbook(merged)["营销篇"])
    assert headers == [COMPANY_GROUP, "望江台", "云栖府", "星河湾"]


def test_collect_of_one_project_files_follows_the_roster_order(tmp_path):
    roster = tmp_path / "人员名单.csv"
    roster.write_text("单位,职能,姓名\n城市公司,营销,王一\n星河湾,项目总监,李二\n望江台,项目总监,张三\n云栖府,项目总监,赵四\n",
                      encoding="utf-8")
    folder = tmp_path / "提交"
    folder.mkdir()
    for project in ("云栖府", "望江台", "星河湾"):
        fill(template(folder / f"{project}.xlsx", project, extra=("--roster", str(roster))), project, check=False)
    merged = tmp_path / "汇总.xlsx"
    done = run("collect", folder, "-o", merged, columns=200)
    assert_handled(done, 0)
    assert collected_projects(merged) == ["星河湾", "望江台", "云栖府"]
    # the blank 城市公司 group of every file: one hint naming the files, not one per file
    hints = [line for line in done.output.splitlines() if "「城市公司」列组" in line and "已忽略" in line]
    assert len(hints) == 1, done.output
    assert all(name in hints[0] for name in ("望江台.xlsx", "星河湾.xlsx"))


# --- the bundled roster, as documented -----------------------------------------------------------------------------


def sheet_values(path: Path) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: [row for row in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def test_the_bundled_roster_makes_forms_without_indicators_as_documented(tmp_path, monkeypatch):
    """docs/commands/template.md: `--people sample_workbooks/绩效考核表/客服部_人员名单.csv`, no --indicators; each
    person gets the set the roster's 指标套 column names (the CSV beside it), as if it were given."""
    from samples import SCORECARDS

    shutil.copytree(SCORECARDS, tmp_path / "sample_workbooks" / SCORECARDS.name)
    monkeypatch.chdir(tmp_path)
    roster = f"sample_workbooks/{SCORECARDS.name}/客服部_人员名单.csv"
    plain = run("template", "考核表", "--period", "2026Q1", "--people", roster)
    assert_handled(plain, 0)
    given = run("template", "考核表", "--period", "2026Q1", "--people", roster, "--indicators",
                f"sample_workbooks/{SCORECARDS.name}/客服部_指标套.csv", "-o", "给出指标套.xlsx")
    assert_handled(given, 0)
    made = sheet_values(tmp_path / "2026Q1_客服部绩效考核表.xlsx")
    assert made == sheet_values(tmp_path / "给出指标套.xlsx")
    people = [line.split(",")[0] for line in (SCORECARDS / "客服部_人员名单.csv").read_text("utf-8").splitlines()[1:]]
    assert [name for name in made if name in people] == people  # 吴雨桐 (岗位 400热线专员) too
    assert all(any("客户满意度" in str(v) for row in made[name] for v in row) for name in people)


def test_a_set_named_in_the_roster_and_found_nowhere_is_an_error_naming_the_row(tmp_path):
    roster = tmp_path / "名单.csv"
    roster.write_text("姓名,岗位,指标套\n张三,客服专员,我司不存在的指标套\n", encoding="utf-8")
    result = run("template", "考核表", "--period", "2026Q1", "--people", roster, "-o", tmp_path / "a.xlsx")
    assert_handled(result, 2)
    assert "第 2 行" in result.output and "我司不存在的指标套" in result.output and not (tmp_path / "a.xlsx").exists()


# --- one way to name a period in file names ------------------------------------------------------------------------


@pytest.mark.parametrize(("sample", "period"), [("2026Q1_客服部绩效考核表.xlsx", "2026Q1"),
                                                ("2026年03月_客服部绩效考核表.xlsx", "2026年3月")])
def test_per_person_results_and_split_forms_name_the_period_alike(tmp_path, sample, period):
    """docs/development.md (用词与标点): file names write 2026Q1, 2026年03月, 2026年度 — the sample's own names."""
    from samples import SCORECARDS

    people = tmp_path / "个人结果"
    assert_handled(run("score", SCORECARDS / sample, "-o", tmp_path / "结果.xlsx", "--per-person", people), 0)
    forms = tmp_path / "各人"
    assert_handled(run("template", "考核表", "--period", period, "--people", SCORECARDS / "客服部_人员名单.csv",
                       "--split", "-o", forms), 0)
    prefix = sample.split("_")[0]
    assert {p.name.split("_")[0] for p in people.iterdir()} == {prefix}
    assert {p.name.split("_")[0] for p in forms.iterdir()} == {prefix}


# --- a quarter without a score: 不列入考核, 未提交 and 缺少 are three words ------------------------------------------------


def test_a_project_missing_from_a_quarter_is_not_called_not_assessed(tmp_path):
    """乙: scored in Q1, absent from Q2's checklist (未提交), every touchpoint 不适用 in Q3 (不列入考核), no Q4 (缺少)."""
    files = []
    for quarter, projects in ((1, ("甲", "乙")), (2, ("甲",)), (3, ("甲", "乙"))):
        path = tmp_path / f"2026Q{quarter}_客户触点检查表.xlsx"
        args = ("--year", "2026", "--quarter", str(quarter), "--company", "江城置业")
        assert_handled(run("template", "检查表", *args, *(x for p in projects for x in ("-p", p)), "-o", path), 0)
        for group in (COMPANY_GROUP, *projects):
            fill(path, group, answer="不适用" if (quarter, group) == (3, "乙") else "完成")
        files.append(path)
    out = tmp_path / "年度.xlsx"
    shown = run("annual", *files, "-o", out, columns=80)
    assert_handled(shown, 0)
    lines = shown.output.splitlines()
    row = next(line for line in lines if line.startswith("乙"))
    assert row.split()[:6] == ["乙", "100.00", "A", "未提交", "—", "缺少"]
    legend = flat(next(line for line in lines if line.startswith("—")) + "".join(lines))
    assert "—不列入考核" in legend and "未提交该季度的检查表中没有此项目" in legend and "缺少没有该季度的工作簿" in legend
    ws = openpyxl.load_workbook(out).worksheets[0]
    cells = {str(c.value) for r in ws.iter_rows() for c in r if c.value is not None}
    row_b = next(r for r in ws.iter_rows(values_only=True) if r[0] == "乙")
    assert [v for v in row_b[1:9] if v is not None] == [100, "A", "未提交", "不列入考核", "缺少该季度"]
    assert any("未提交：该季度的检查表中没有此项目" in text and "不列入考核：" in text for text in cells)
