"""kpicli collect: per-project submissions → one company checklist that `kpicli score` reads."""

from __future__ import annotations

import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from builders import Item, SheetSpec, assert_handled, build_checklist, cell_of, flat, layout_of, run

from kpicli.checklist.assessment import assess
from kpicli.checklist.collect import collect
from kpicli.checklist.reader import read_checklist
from kpicli.checklist.render.template import FIRST_ITEM_ROW, HEADER_ROW, write_template
from kpicli.checklist.words import FUNCTION_SHEETS
from kpicli.io.outputs import written_by_kpicli

pytestmark = pytest.mark.slow  # folders of submissions, collected and scored

PROJECTS = ("云栖府", "望江台", "星河湾", "观澜苑")
SELF_VALUES = ("完成", "部分完成", "完成", "不适用", "未完成")
CHECK_VALUES = ("完成", None, "未完成", "部分完成", "不适用", 0.5)


def fill_project(path: Path, project: str, seed: int) -> Path:
    """Fill a template's group `project` in every function sheet, leaving the template's prefilled 不适用."""
    wb = openpyxl.load_workbook(path)
    for name in FUNCTION_SHEETS.values():
        ws = wb[name]
        col = next(c for c in range(1, ws.max_column + 1) if ws.cell(HEADER_ROW, c).value == project)
        for r in range(FIRST_ITEM_ROW, ws.max_row + 1):
            if ws.cell(r, col + 1).value is not None:
                continue  # prefilled 不适用 (a company-level item in a project group)
            ws.cell(r, col, value=SELF_VALUES[(r * 7 + seed) % len(SELF_VALUES)])
            ws.cell(r, col + 1, value=CHECK_VALUES[(r * 3 + seed) % len(CHECK_VALUES)])
            if (r + seed) % 4 == 0:
                ws.cell(r, col + 2, value=f"备注{seed}-{r}")
    wb.save(path)
    return path


def submission(path: Path, project: str, seed: int, **kwargs: object) -> Path:
    options = {"year": 2026, "quarter": 1, "company": "江城置业", **kwargs}
    write_template(path, projects=[project], **options)
    return fill_project(path, project, seed)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Four project submissions, an Excel lock file and a text file."""
    folder = tmp_path / "三月提交"
    folder.mkdir()
    for i, project in enumerate(PROJECTS, start=1):
        submission(folder / f"{i:02d}_{project}.xlsx", project, seed=i)
    (folder / "~$01_云栖府.xlsx").write_bytes(b"\x08analyst" + b"\x20" * 150)
    (folder / "说明.txt").write_text("每月30号前提交", encoding="utf-8")
    return folder


def unit_scores(path: Path) -> dict[tuple[str, str], tuple[bool, object]]:
    units = assess(path).units
    units = units[~units["is_company"]]
    return {(r.function, r.group): (bool(r.assessed), r.score if r.assessed else None) for r in units.itertuples()}


# --- a folder of submissions ---------------------------------------------------------------------------------------


def test_a_folder_of_submissions_collects_into_a_checklist_that_scores_like_each_part(folder, tmp_path):
    out = tmp_path / "2026Q1_客户触点检查表.xlsx"
    result = run("collect", folder, "-o", out)
    assert result.exit_code == 0, result.output
    text = flat(result.output)
    assert "已跳过~$01_云栖府.xlsx" in text and "锁文件" in text
    assert "4个项目" in text and f"kpicliscore{out}" in text
    assert_handled(result)
    assert written_by_kpicli(out)

    merged = read_checklist(out)
    assert merged.projects == list(PROJECTS)
    assert (merged.period.company, merged.period.year, merged.period.quarter) == ("江城置业", 2026, 1)
    assert not merged.has_errors, merged.problems

    scored = run("score", out)
    assert scored.exit_code == 0, scored.output
    merged_units = unit_scores(out)
    for i, project in enumerate(PROJECTS, start=1):
        alone = unit_scores(folder / f"{i:02d}_{project}.xlsx")
        assert alone, project
        for key, value in alone.items():
            assert merged_units[key] == value, key


def test_cells_and_remarks_are_copied_as_written(folder, tmp_path):
    out = tmp_path / "汇总.xlsx"
    assert run("collect", folder, "-o", out).exit_code == 0
    source = read_checklist(folder / "02_望江台.xlsx").items
    merged = read_checklist(out).items
    key = ["function", "name", "group"]
    left = source[source["group"] == "望江台"].set_index(key)[["self_raw", "check_raw", "remark"]]
    right = merged[merged["group"] == "望江台"].set_index(key)[["self_raw", "check_raw", "remark"]]
    assert left.sort_index().equals(right.sort_index())


def test_collecting_again_into_the_same_folder_skips_its_own_output(folder):
    out = folder / "汇总检查表.xlsx"
    assert run("collect", folder, "-o", out).exit_code == 0
    again = run("collect", folder, "-o", out)
    assert again.exit_code == 0, again.output
    assert "已跳过汇总检查表.xlsx" in flat(again.output)
    assert read_checklist(out).projects == list(PROJECTS)


def test_a_file_kpicli_did_not_write_is_not_overwritten(folder, tmp_path):
    out = tmp_path / "别人的.xlsx"
    out.write_bytes(b"not ours")
    result = run("collect", folder, "-o", out)
    assert result.exit_code == 2 and "--force" in result.output
    assert out.read_bytes() == b"not ours"


# --- matching items ----------------------------------------------------------------------------------------------

ITEMS = [
    ("YX-01", "阳光销售宣言公示", "一级"),
    ("YX-02", "不利因素书面告知", "一级"),
    ("YX-03", "五证及一房一价公示", "二级"),
    ("YX-04", "样板房非交付标准标识", "三级"),
]
ANSWERS = {"YX-01": ("完成", "完成"), "YX-02": ("完成", "部分完成"), "YX-03": ("未完成", "未完成"),
           "YX-04": ("完成", None)}


def sheet(project: str, rows=ITEMS, answers=ANSWERS, **spec: object) -> SheetSpec:
    return SheetSpec(items=[Item(name, level, {project: answers[i]}, item_id=i) for i, name, level in rows], **spec)


def book(path: Path, spec: SheetSpec, info: dict | None = None) -> Path:
    return build_checklist(path, {"营销篇": spec}, info=info or {"公司名称": "测试公司", "年度": 2026, "季度": 1})


def merged_answers(path: Path, project: str) -> dict[str, tuple[object, object]]:
    items = read_checklist(path).items
    items = items[items["group"] == project]
    return {r.name: (_value(r.self_raw), _value(r.check_raw)) for r in items.itertuples()}


def _value(value: object) -> object:
    return None if value is None or value != value else value  # pandas' NaN for a blank cell


def expected(project_answers: dict = ANSWERS) -> dict[str, tuple[object, object]]:
    return {name: project_answers[i] for i, name, _ in ITEMS}


def test_reordered_rows_are_matched_by_item_id(tmp_path):
    a = book(tmp_path / "a.xlsx", sheet("甲"))
    b = book(tmp_path / "b.xlsx", sheet("乙", rows=list(reversed(ITEMS)), columns=("触点名称", "触点编号", "触点等级")))
    out = tmp_path / "汇总.xlsx"
    result = run("collect", a, b, "-o", out)
    assert result.exit_code == 0, result.output
    merged = read_checklist(out)
    assert list(merged.items.drop_duplicates("name")["item_id"]) == ["YX-01", "YX-02", "YX-03", "YX-04"]
    assert merged_answers(out, "乙") == expected()
    assert unit_scores(out)[("营销", "乙")] == unit_scores(b)[("营销", "乙")]


def test_a_renamed_item_is_still_matched_by_its_id(tmp_path):
    a = book(tmp_path / "a.xlsx", sheet("甲"))
    renamed = [(i, name + "(新)" if i == "YX-02" else name, level) for i, name, level in ITEMS]
    b = book(tmp_path / "b.xlsx", sheet("乙", rows=renamed))
    out = tmp_path / "汇总.xlsx"
    assert run("collect", a, b, "-o", out).exit_code == 0
    assert len(read_checklist(out).items.drop_duplicates("name")) == 4
    assert merged_answers(out, "乙") == expected()


def test_without_an_item_id_column_items_are_matched_by_name(tmp_path):
    a = book(tmp_path / "a.xlsx", sheet("甲"))
    b = book(tmp_path / "b.xlsx", sheet("乙", rows=[ITEMS[2], ITEMS[0], ITEMS[3], ITEMS[1]],
                                       columns=("序号", "客户阶段", "触点名称", "触点等级")))
    out = tmp_path / "汇总.xlsx"
    result = run("collect", a, b, "-o", out)
    assert result.exit_code == 0, result.output
    assert "警告" not in result.output
    assert merged_answers(out, "乙") == expected()
    assert unit_scores(out)[("营销", "乙")] == unit_scores(b)[("营销", "乙")]


def test_items_of_several_submissions_are_united_in_order(tmp_path):
    extra = ("YX-09", "认购书签署提醒", "二级")
    answers = {**ANSWERS, "YX-09": ("完成", "完成")}
    a = book(tmp_path / "a.xlsx", sheet("甲"))
    b = book(tmp_path / "b.xlsx", sheet("乙", rows=[ITEMS[0], extra, *ITEMS[1:]], answers=answers))
    collected = collect([a, b])
    assert [r.item_id for r in collected.items["营销"]] == ["YX-01", "YX-09", "YX-02", "YX-03", "YX-04"]
    missing = [p for p in collected.problems if p.level == "warning" and p.file == "a.xlsx"]
    assert len(missing) == 1 and "认购书签署提醒" in missing[0].message and missing[0].sheet == "营销篇"
    assert not collected.has_errors


def test_a_missing_item_is_a_warning_and_blank_in_the_merged_workbook(tmp_path):
    a = book(tmp_path / "a.xlsx", sheet("甲"))
    b = book(tmp_path / "b.xlsx", sheet("乙", rows=[ITEMS[0], ITEMS[2], ITEMS[3]]))
    out = tmp_path / "汇总.xlsx"
    result = run("collect", a, b, "-o", out)
    assert result.exit_code == 0, result.output
    text = flat(result.output)
    assert "b.xlsx" in text and "营销篇" in text and "缺少1个触点" in text and "YX-02不利因素书面告知" in text
    assert "1处自查和检查都为空白" in text
    assert merged_answers(out, "乙")["不利因素书面告知"] == (None, None)
    assert run("score", out).exit_code == 0


def test_an_unknown_item_against_a_catalogue_is_a_warning_with_file_sheet_and_cell(tmp_path):
    catalogue = build_checklist(tmp_path / "目录.xlsx", {}, info=None, extra_sheets={"营销篇": [
        ["触点编号", "触点名称", "触点等级", "标准动作"],
        *[[i, name, level, f"{name}的标准动作"] for i, name, level in ITEMS[:3]],
        ["YX-05", "交房前客户开放日", "一级", "开放日"],
    ]})
    spec = sheet("甲")
    a = book(tmp_path / "a.xlsx", spec)
    out = tmp_path / "汇总.xlsx"
    result = run("collect", a, "--catalog", catalogue, "-o", out)
    assert result.exit_code == 0, result.output
    text = flat(result.output)
    row = layout_of(spec)["rows"][3]  # YX-04, whose 触点名称 is in column D
    assert f"营销篇!D{row}" in text and "样板房非交付标准标识" in text and "不在触点目录中" in text  # … its 触点名称
    assert "缺少1个触点" in text and "交房前客户开放日" in text
    merged = read_checklist(out).items
    assert list(merged["name"]) == [n for _, n, _ in ITEMS[:3]] + ["交房前客户开放日"]
    ws = openpyxl.load_workbook(out)["营销篇"]
    assert ws.cell(FIRST_ITEM_ROW, 6).value == "阳光销售宣言公示的标准动作"  # descriptive columns from the catalogue


# --- one source per group -----------------------------------------------------------------------------------------


def test_the_same_project_in_two_files_with_a_different_answer_is_an_error(tmp_path):
    spec_a = sheet("甲")
    spec_b = sheet("甲", answers={**ANSWERS, "YX-03": ("未完成", "完成")})
    a, b = book(tmp_path / "a.xlsx", spec_a), book(tmp_path / "b.xlsx", spec_b)
    out = tmp_path / "汇总.xlsx"
    result = run("collect", a, b, "-o", out)
    assert result.exit_code == 1, result.output
    text = flat(result.output)
    cell = cell_of(spec_a, 2, "甲", 1)
    assert f"a.xlsx营销篇!{cell}为「未完成」" in text and f"b.xlsx营销篇!{cell}为「完成」" in text
    assert "未写入汇总表" in text
    assert not out.exists()


def test_an_identical_duplicate_is_only_a_warning(tmp_path):
    a, b = book(tmp_path / "a.xlsx", sheet("甲")), book(tmp_path / "b.xlsx", sheet("甲"))
    out = tmp_path / "汇总.xlsx"
    result = run("collect", a, b, "-o", out)
    assert result.exit_code == 0, result.output
    assert "内容完全相同" in flat(result.output)
    assert read_checklist(out).projects == ["甲"]


def test_same_meaning_in_other_spellings_is_no_conflict(tmp_path):
    a = book(tmp_path / "a.xlsx", sheet("甲"))
    b = book(tmp_path / "b.xlsx", sheet("甲", answers={**ANSWERS, "YX-01": ("√", "是"), "YX-02": ("完成", "部分")}))
    result = run("collect", a, b, "-o", tmp_path / "汇总.xlsx")
    assert result.exit_code == 0, result.output


def test_a_group_left_blank_in_a_shared_template_yields_to_the_file_that_filled_it(tmp_path):
    a = tmp_path / "a.xlsx"
    write_template(a, year=2026, quarter=1, projects=["云栖府", "望江台"], company="江城置业")
    fill_project(a, "云栖府", seed=1)
    b = tmp_path / "b.xlsx"
    write_template(b, year=2026, quarter=1, projects=["云栖府", "望江台"], company="江城置业")
    fill_project(b, "望江台", seed=2)
    out = tmp_path / "汇总.xlsx"
    result = run("collect", a, b, "-o", out)
    assert result.exit_code == 0, result.output
    assert "[错误]" not in result.output
    merged = unit_scores(out)
    for path, project in ((a, "云栖府"), (b, "望江台")):
        own = {key: value for key, value in unit_scores(path).items() if key[1] == project}
        assert own, project  # the part did hold this project's units
        assert {key: merged.get(key) for key in own} == own


# --- period, company, unreadable files ----------------------------------------------------------------------------


def test_a_period_mismatch_is_an_error_naming_the_files(tmp_path):
    a = book(tmp_path / "a.xlsx", sheet("甲"))
    b = book(tmp_path / "b.xlsx", sheet("乙"))
    c = book(tmp_path / "c.xlsx", sheet("丙"), info={"公司名称": "测试公司", "年度": 2026, "季度": 2})
    out = tmp_path / "汇总.xlsx"
    result = run("collect", a, b, c, "-o", out)
    assert result.exit_code == 1, result.output
    text = flat(result.output)
    assert "c.xlsx" in text and "基本信息!B4" in text and "2026年第2季度" in text
    assert "2026年第1季度" in text and "a.xlsx、b.xlsx" in text
    assert not out.exists()


def test_a_period_from_the_file_name_is_named_too(tmp_path):
    a = book(tmp_path / "2026Q1_甲.xlsx", sheet("甲"), info={"公司名称": "测试公司"})
    b = book(tmp_path / "2026Q2_乙.xlsx", sheet("乙"), info={"公司名称": "测试公司"})
    c = book(tmp_path / "2026Q1_丙.xlsx", sheet("丙"), info={"公司名称": "测试公司"})
    result = run("collect", a, b, c, "-o", tmp_path / "汇总.xlsx")
    assert result.exit_code == 1
    text = flat(result.output)
    assert "2026Q2_乙.xlsx" in text and "来自文件名" in text


def test_options_set_the_period_when_no_file_says(tmp_path):
    a = book(tmp_path / "a.xlsx", sheet("甲"), info={"公司名称": "测试公司"})
    out = tmp_path / "汇总.xlsx"
    assert run("collect", a, "-o", out).exit_code == 1
    result = run("collect", a, "-o", out, "--year", 2026, "--quarter", 3)
    assert result.exit_code == 0, result.output
    assert (read_checklist(out).period.year, read_checklist(out).period.quarter) == (2026, 3)


def test_different_companies_are_an_error(tmp_path):
    a = book(tmp_path / "a.xlsx", sheet("甲"))
    b = book(tmp_path / "b.xlsx", sheet("乙"))
    c = book(tmp_path / "c.xlsx", sheet("丙"), info={"公司名称": "别的公司", "年度": 2026, "季度": 1})
    result = run("collect", a, b, c, "-o", tmp_path / "汇总.xlsx")
    assert result.exit_code == 1
    assert "c.xlsx" in result.output and "别的公司" in result.output


def test_an_unreadable_submission_is_reported_with_the_others_and_exits_2(tmp_path):
    a = book(tmp_path / "a.xlsx", sheet("甲"))
    bad = tmp_path / "坏.xlsx"
    bad.write_text("不是工作簿", encoding="utf-8")
    b = book(tmp_path / "b.xlsx", sheet("甲", answers={**ANSWERS, "YX-03": ("未完成", "完成")}))
    out = tmp_path / "汇总.xlsx"
    result = run("collect", a, bad, b, "-o", out)
    assert result.exit_code == 2, result.output
    text = flat(result.output)
    assert "坏.xlsx" in text and "b.xlsx" in text  # the conflict is reported too
    assert not out.exists()


def test_errors_in_a_submission_block_writing(tmp_path):
    a = book(tmp_path / "a.xlsx", sheet("甲", answers={**ANSWERS, "YX-02": ("完成", "进行中")}))
    out = tmp_path / "汇总.xlsx"
    result = run("collect", a, "-o", out)
    assert result.exit_code == 1
    assert "a.xlsx" in result.output and "进行中" in result.output
    assert not out.exists()


# --- what else is carried over ------------------------------------------------------------------------------------


def test_company_group_points_and_roster_are_carried_over(tmp_path):
    company = SheetSpec(items=[Item("案场巡检", None, {"城市公司": ("完成", "未完成")}, item_id="YX-01", points=5),
                               Item("开盘复盘", None, {"城市公司": ("完成", "完成")}, item_id="YX-02", points=2)],
                        columns=("触点编号", "触点名称", "分值"))
    project = SheetSpec(items=[Item("案场巡检", None, {"甲": ("完成", "完成")}, item_id="YX-01", points=5),
                               Item("开盘复盘", None, {"甲": ("完成", "未完成")}, item_id="YX-02", points=2)],
                        columns=("触点编号", "触点名称", "分值"))
    a = build_checklist(tmp_path / "城市公司.xlsx", {"营销篇": company}, roster=[("城市公司", "营销", "张三")])
    b = build_checklist(tmp_path / "甲.xlsx", {"营销篇": project}, roster=[("甲", "项目总监", "李四"),
                                                                         ("城市公司", "营销", "张三")])
    out = tmp_path / "汇总.xlsx"
    result = run("collect", a, b, "-o", out)
    assert result.exit_code == 0, result.output
    merged = read_checklist(out)
    assert merged.projects == ["甲"]
    assert set(merged.items["group"]) == {"城市公司", "甲"}
    assert sorted(merged.roster["name"]) == ["张三", "李四"]
    scores = assess(out)
    assert unit_scores(out)[("营销", "甲")] == unit_scores(b)[("营销", "甲")] == (True, Decimal("71.43"))  # 5 of 7
    function = scores.functions.set_index("function").loc["营销"]
    assert float(function.score) == pytest.approx(100 * (5 * 0 + 2 * 1 + 5 * 1 + 2 * 0) / 14)


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    spec = sheet("甲")
    a = book(tmp_path / "a.xlsx", spec)
    wb = openpyxl.load_workbook(a)
    cell = wb["营销篇"][cell_of(spec, 0, "甲", 2)]
    cell.value, cell.data_type = '=HYPERLINK("http://example.com","点我")', "s"
    wb.save(a)
    out = tmp_path / "汇总.xlsx"
    assert run("collect", a, "-o", out).exit_code == 0
    with zipfile.ZipFile(out) as zf:
        sheets = [zf.read(n).decode("utf-8") for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]
    assert not any("<f>" in xml or "<f " in xml for xml in sheets)
    assert read_checklist(out).items["remark"].iloc[0].startswith("=HYPERLINK")


def test_an_all_not_applicable_submission_wins_over_a_blank_copy(tmp_path):
    both = {i: {"甲": ANSWERS[i], "乙": (None, None)} for i in ANSWERS}
    a = book(tmp_path / "a.xlsx", SheetSpec(items=[Item(n, lv, both[i], item_id=i) for i, n, lv in ITEMS]))
    b = book(tmp_path / "b.xlsx", sheet("乙", answers=dict.fromkeys(ANSWERS, ("不适用", "不适用"))))
    out = tmp_path / "汇总.xlsx"
    result = run("collect", a, b, "-o", out)
    assert result.exit_code == 0, result.output
    assert unit_scores(out)[("营销", "乙")] == (False, None) == unit_scores(b)[("营销", "乙")]
    assert "a.xlsx" in flat(result.output) and "只有「不适用」" in flat(result.output)


def test_a_duplicate_lacking_a_row_is_no_conflict_and_loses_nothing(tmp_path):
    short = book(tmp_path / "a.xlsx", sheet("甲", rows=[ITEMS[0], ITEMS[2], ITEMS[3]]))
    full = book(tmp_path / "b.xlsx", sheet("甲"))
    out = tmp_path / "汇总.xlsx"
    result = run("collect", short, full, "-o", out)
    assert result.exit_code == 0, result.output
    assert merged_answers(out, "甲") == expected()
    assert "缺少" not in flat(result.output)


def test_collect_given_a_scorecard_says_what_it_is(tmp_path):
    """Not "no function sheets": the workbook is a scorecard, and collect merges checklists only (both kinds named
    by their labels, through the registry)."""
    from samples import SCORECARD_NAME, SCORECARDS

    from kpicli import api, kinds
    from kpicli.core.errors import EXIT_USAGE

    scorecard = SCORECARDS / SCORECARD_NAME
    checklist = kinds.collecting().label
    other = next(kind.label for kind in kinds.KINDS if kind is not kinds.collecting())
    result = run("collect", scorecard, "-o", tmp_path / "汇总.xlsx")
    said = flat(result.output)
    assert result.exit_code == EXIT_USAGE, said
    assert flat(f"{scorecard.name}：这是{other}，collect 只汇总{checklist}") in said, said
    assert "职能工作表" not in said and not (tmp_path / "汇总.xlsx").exists(), said
    done = api.collect([scorecard], tmp_path / "汇总2.xlsx")
    assert done.collected.unreadable == [(scorecard, f"{scorecard.name}：这是{other}，collect 只汇总{checklist}；"
                                                     f"请只放入各项目填报的{checklist}")]
