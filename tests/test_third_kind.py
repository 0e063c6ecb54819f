"""Adding a kind is one package plus one registry line (issue 18, docs/development.md 新增一个种类), shown by doing it.

tests/workplan_kind is a third kind of workbook, the monthly work-plan node sheet (月度工作计划节点表). The fixture
`registered` adds it to kpicli.kinds.KINDS — the one line a kind inside kpicli gets in kpicli/kinds.py — and nothing
else: the commands, their -h panels, the option errors, detection and the library reach it through the registry.
"""

from __future__ import annotations

import ast
import datetime as dt
import json
import re
from pathlib import Path

import openpyxl
import pytest
from builders import assert_handled, flags, flat, panels, result_path, run
from samples import SAMPLE_ROOT
from workplan_kind import layout
from workplan_kind.kind import WORKPLAN

from kpicli import api, kinds
from kpicli.api.read import read_any
from kpicli.core.errors import KpiError

PANEL = WORKPLAN.label
SCORECARD_LABEL = kinds.by_name("scorecard").label
MONTH = "2026年3月"
D = dt.date
# (节点, 类别, 计划完成日期, 实际完成日期, 责任人): 张伟 A on time, B not done; 李娜 A two days late, B on the day
NODES = [
    ("主体结构封顶", "A", D(2026, 3, 10), D(2026, 3, 9), "张伟"),
    ("样板间开放", "A", D(2026, 3, 20), D(2026, 3, 22), "李娜"),
    ("营销物料到位", "B", D(2026, 3, 15), D(2026, 3, 15), "李娜"),
    ("业主开放日", "B", D(2026, 3, 25), None, "张伟"),
]


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    """The one registry line: KINDS = (CHECKLIST, SCORECARD, WORKPLAN)."""
    monkeypatch.setattr(kinds, "KINDS", (*kinds.KINDS, WORKPLAN))


def template(folder: Path, *extra: object) -> Path:
    """`kpicli template 工作计划 --month 2026年3月 …`, which must succeed."""
    out = folder / "2026年03月_工作计划节点表.xlsx"
    done = run("template", "工作计划", "--month", MONTH, "-o", out, *extra)
    assert_handled(done, 0)
    return out


def fill(path: Path, nodes: list[tuple[object, ...]] = NODES) -> Path:
    """The template's rows filled as a planner would, from the first row under the headers."""
    wb = openpyxl.load_workbook(path)
    ws = wb[layout.SHEET]
    for i, values in enumerate(nodes):
        for j, value in enumerate(values):
            ws.cell(layout.HEADER_ROW + 1 + i, 2 + j, value)
    wb.save(path)
    return path


@pytest.fixture
def plan(registered: None, tmp_path: Path) -> Path:
    return fill(template(tmp_path, "--nodes", 6))


def on_time_score(a: tuple[int, int], b: tuple[int, int]) -> float:
    """The documented rule (A counts 2, B 1) computed here: (on time, total) per category → points, 2 decimals."""
    return round(100 * (2 * a[0] + b[0]) / (2 * a[1] + b[1]), 2)


# --- the quick loop: one workbook from template to result, through the command line --------------------------


def test_a_registered_kind_goes_from_template_to_result_workbook(plan: Path):
    checked = run("check", plan)
    assert_handled(checked, 0)
    assert f"{plan.name}（{MONTH}）" in checked.output
    done = run("score", plan, "--format", "json")
    assert_handled(done, 0)
    data = json.loads(done.stdout)
    assert data["kind"] == "workplan" and data["period"]["label"] == MONTH
    assert data["a"] == {"total": 2, "on_time": 1} and data["b"] == {"total": 2, "on_time": 1}
    assert data["score"] == on_time_score((1, 2), (1, 2)) == 50
    people = {p["owner"]: p for p in data["people"]}
    assert people["张伟"]["score"] == on_time_score((1, 1), (0, 1)) and people["张伟"]["rank"] == 1
    assert people["李娜"]["score"] == on_time_score((0, 1), (1, 1)) and people["李娜"]["rank"] == 2
    book = openpyxl.load_workbook(result_path(plan))
    assert book.sheetnames == ["节点评分", "问题清单", layout.SHEET]  # result sheets in front of the input's
    assert book["节点评分"]["B3"].value == 50


# --- the command line --------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_rank_shows_the_people_and_grace_days_moves_a_late_node_on_time(plan: Path):
    shown = run("rank", plan, columns=160)
    assert_handled(shown, 0)
    text = flat(shown.output)
    assert "总得分50.00" in text and text.index("张伟") < text.index("李娜")
    data = json.loads(run("rank", plan, "--format", "json", "--grace-days", "2").stdout)
    assert data["grace_days"] == 2
    assert data["score"] == on_time_score((2, 2), (1, 2))  # 样板间开放, two days late, now counts
    assert [p["owner"] for p in data["people"]] == ["李娜", "张伟"]
    assert not list(plan.parent.glob("*_评分结果.xlsx"))  # rank writes nothing


@pytest.mark.slow
@pytest.mark.parametrize(("command", "own"), [
    ("score", {"--grace-days"}), ("rank", {"--grace-days"}), ("check", {"--grace-days"}),
    ("template", {"--month", "--nodes"}),
])
def test_help_lists_the_kind_s_options_under_its_own_panel(registered: None, command: str, own: set[str]):
    boxes = panels([command, "--help"])
    assert flags(boxes[PANEL]) == own
    assert not own & (flags(boxes["选项"]) | flags(boxes["触点检查表"]) | flags(boxes["绩效考核表"]))


def help_text(*args: str) -> str:
    """A help page, unwrapped: wide enough that no text of it is broken, with the box borders taken out."""
    return flat(run(*args, "--help", columns=400).output.replace("│", ""))


@pytest.mark.slow
def test_every_help_text_that_lists_the_kinds_lists_a_registered_one(monkeypatch: pytest.MonkeyPatch):
    """The help's words about the kinds come from the registry (kpicli.cli.kind_text), not from the commands."""
    before = {args: help_text(*args) for args in [(), ("score",), ("template",)]}
    monkeypatch.setattr(kinds, "KINDS", (*kinds.KINDS, WORKPLAN))
    after = {args: help_text(*args) for args in before}
    labels = "、".join(k.label for k in kinds.KINDS[:-1]) + "或" + PANEL
    for args, text in after.items():  # the description of kpicli, and the file argument of score
        assert PANEL not in before[args]
        if args != ("template",):
            assert f"{labels}工作簿" in text, args
    # the kind's own paragraph and example, and its name as template takes it
    assert "A类节点计2、B类节点计1" in after[("score",)]
    assert f"工作计划（{PANEL}）" in after[("template",)]
    assert flat("示例：kpicli template 工作计划 --month 2026年3月") in after[("template",)]
    # a kind that does not group files leaves the group sentence to the kinds that do
    assert f"（一个文件夹的{SCORECARD_LABEL}作为一组评分）" in after[("score",)]
    monkeypatch.undo()
    assert help_text("score") == before[("score",)]


@pytest.mark.slow
def test_the_panel_comes_and_goes_with_the_registry_line(monkeypatch: pytest.MonkeyPatch):
    """Nothing is cached: the command line reads the registry each time it is built."""
    assert PANEL not in panels(["score", "--help"])
    monkeypatch.setattr(kinds, "KINDS", (*kinds.KINDS, WORKPLAN))
    assert "--grace-days" in panels(["score", "--help"])[PANEL]
    monkeypatch.undo()
    assert PANEL not in panels(["score", "--help"])
    assert_handled(run("score", "x.xlsx", "--grace-days", "1"), 2)  # no such option without the kind


@pytest.mark.slow
def test_an_option_of_another_kind_is_one_line_naming_its_kind(plan: Path):
    refused = run("score", plan, "--year", "2026", columns=400)
    assert_handled(refused, 2)
    lines = [line for line in refused.output.splitlines() if line.strip()]
    assert lines == [f"错误：--year 只用于触点检查表；{plan.name} 是工作计划节点表，请去掉 --year 再运行"]
    # the checklist's reason speaks of scorecards (考核期间取自各表): said for a scorecard, never for this kind
    assert "考核期间" not in refused.output
    assert not list(plan.parent.glob("*_评分结果.xlsx"))
    per_person = run("score", plan, "--per-person", plan.parent / "每人", columns=400)
    assert_handled(per_person, 2)
    assert "--per-person 只用于绩效考核表（每人一份考核结果）" in per_person.output


@pytest.mark.slow
def test_its_own_option_is_refused_for_the_other_kinds(registered: None, tmp_path: Path):
    checklist = SAMPLE_ROOT / "触点检查表" / "2026Q1_客户触点检查表.xlsx"
    refused = run("rank", checklist, "--grace-days", "1", columns=400)
    assert_handled(refused, 2)
    assert flat(refused.output) == flat(f"错误：--grace-days 只用于工作计划节点表（是否按时只对工作计划节点表的节点有意义）；"
                                        f"{checklist.name} 是触点检查表，请去掉 --grace-days 再运行")
    made = run("template", "考核表", "--period", "2026Q1", "--indicators", "客服专员", "--month", MONTH,
               "-o", tmp_path / "考核表.xlsx", columns=400)
    assert_handled(made, 2)
    assert "--month 只用于工作计划节点表" in made.output and "要生成的是绩效考核表" in made.output
    assert not (tmp_path / "考核表.xlsx").exists()


@pytest.mark.slow
def test_template_takes_the_kind_by_its_names_and_says_what_it_needs(registered: None, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch):
    for name in WORKPLAN.aliases:
        out = tmp_path / f"{name}.xlsx"
        assert_handled(run("template", name, "--month", "2026-04", "--nodes", 3, "-o", out), 0)
        ws = openpyxl.load_workbook(out)[layout.SHEET]
        assert ws["B2"].value == "2026年4月"
        assert [ws.cell(layout.HEADER_ROW + n, 1).value for n in range(1, 5)] == [1, 2, 3, None]
    missing = run("template", "工作计划")
    assert_handled(missing, 2)
    assert "需要 --month" in missing.output
    quarter = run("template", "工作计划", "--month", "2026Q1", "-o", tmp_path / "q.xlsx")
    assert_handled(quarter, 2)
    assert "不是一个月份" in quarter.output
    unknown = run("template", "周报")
    assert_handled(unknown, 2)
    assert "工作计划" in unknown.output  # the kinds a user may name come from the registry
    monkeypatch.chdir(tmp_path)
    default = run("template", "节点表", "--month", MONTH, "--nodes", 2)
    assert_handled(default, 0)
    assert (tmp_path / "2026年03月_工作计划节点表.xlsx").exists()  # its own default name


@pytest.mark.slow
def test_errors_name_sheet_and_cell_and_block_scoring(registered: None, tmp_path: Path):
    bad = fill(template(tmp_path), [
        ("主体结构封顶", "C", D(2026, 3, 10), D(2026, 3, 9), "张伟"),
        ("样板间开放", "A", "下旬", None, "李娜"),
        ("营销物料到位", "B", D(2026, 4, 15), "已完成", None),
    ])
    checked = run("check", bad, columns=200)
    assert_handled(checked, 1)
    text = flat(checked.output)
    sheet, first = layout.SHEET, layout.HEADER_ROW + 1
    for where in (f"{sheet}!C{first}", f"{sheet}!D{first + 1}", f"{sheet}!E{first + 2}"):
        assert where in text
    assert "类别「C」无法识别；请填A或B" in text and "计划完成日期「下旬」不是日期" in text
    assert "不在计划月份2026年3月内" in text and "未填写责任人" in text  # warnings beside the errors
    blocked = run("score", bad, "--format", "json")
    assert_handled(blocked, 1)
    data = json.loads(blocked.stdout)
    assert data["kind"] == "workplan" and data["score"] is None
    assert {p["cell"] for p in data["problems"] if p["level"] == "error"} == {f"C{first}", f"D{first + 1}",
                                                                             f"E{first + 2}"}
    assert not result_path(bad).exists()


@pytest.mark.slow
def test_a_folder_of_mixed_kinds_is_ranked_file_by_file(plan: Path):
    checklist = SAMPLE_ROOT / "触点检查表" / "2026Q1_客户触点检查表.xlsx"
    (plan.parent / checklist.name).write_bytes(checklist.read_bytes())
    done = run("rank", plan.parent, "--format", "json")
    assert_handled(done, 0)
    found = {entry["kind"]: entry for entry in json.loads(done.stdout)}
    assert set(found) == {"workplan", "checklist"}
    assert found["workplan"]["score"] == 50


# --- detection ---------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_detection_takes_its_own_workbooks_and_leaves_every_sample_as_it_was(plan: Path,
                                                                           monkeypatch: pytest.MonkeyPatch):
    samples = sorted(SAMPLE_ROOT.rglob("*.xlsx"))
    assert len(samples) >= 8
    raws = {path: read_any(path) for path in samples}
    with_workplan = {path: kinds.detect(raw) for path, raw in raws.items()}
    assert kinds.detect(read_any(plan)) is WORKPLAN
    monkeypatch.undo()  # the registry as shipped
    assert {path: kinds.detect(raw) for path, raw in raws.items()} == with_workplan
    assert all(kind is None or kind.name in ("checklist", "scorecard") for kind in with_workplan.values())
    unknown = run("check", plan, columns=300)  # without its line the kind is unknown: said, not guessed
    assert_handled(unknown, 2)
    assert "不是客户触点分级管理检查表" in unknown.output and "也不是绩效考核表" in unknown.output
    assert WORKPLAN.not_this not in unknown.output


@pytest.mark.slow
def test_a_workbook_of_no_kind_hears_what_every_registered_kind_misses(registered: None, tmp_path: Path):
    wb = openpyxl.Workbook()
    wb.active.title = "杂项"
    wb.active["A1"] = "节点"  # half a node header is no header
    wb.save(tmp_path / "杂项.xlsx")
    refused = run("check", tmp_path / "杂项.xlsx", columns=300)
    assert_handled(refused, 2)
    assert "不是客户触点分级管理检查表" in refused.output and "也不是绩效考核表" in refused.output
    assert WORKPLAN.not_this in refused.output


@pytest.mark.slow
def test_a_workbook_with_sheets_of_two_kinds_is_refused_naming_both(plan: Path):
    wb = openpyxl.load_workbook(plan)
    wb.create_sheet("营销篇")["A3"] = "触点名称"  # a checklist's function sheet, told by its header
    wb.save(plan)
    refused = run("check", plan, columns=300)
    assert_handled(refused, 1)
    assert flat(f"工作簿同时含有触点检查表（营销篇）和工作计划节点表（{layout.SHEET}）；请把两类表分成两个工作簿") \
        in flat(refused.output)


@pytest.mark.slow
def test_explain_annual_and_payout_say_plainly_what_this_kind_has_not(plan: Path):
    explained = run("explain", plan)
    assert_handled(explained, 2)
    assert "工作计划节点表不需要逐项解释" in explained.output
    year = run("annual", plan)
    assert_handled(year, 2)
    assert "工作计划节点表没有年度汇总" in year.output
    assert_handled(run("score", plan), 0)
    paid = run("payout", result_path(plan), columns=300)  # its results pay nobody: said, not an empty list
    assert_handled(paid, 1)
    assert f"{result_path(plan).name} 是工作计划节点表的评分结果，其中没有要发放的金额" in paid.output


# --- the library -------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_library_reaches_the_kind_through_the_same_functions(registered: None, tmp_path: Path):
    made = api.template("工作计划节点表", tmp_path / "plan.xlsx", month="2026年3月", nodes=5)
    plan = fill(made.paths[0])
    result = api.rank(plan, grace_days=2)
    assert result.kind == "workplan" and result.period_label == MONTH
    assert float(result.score) == on_time_score((2, 2), (1, 2))
    scored = api.score(plan, tmp_path / "结果.xlsx")
    assert scored.path.exists() and scored.result.to_json()["score"] == 50
    with pytest.raises(KpiError, match=r"^year 只用于触点检查表"):  # the keyword, as a library caller wrote it
        api.check(plan, year=2026)
    with pytest.raises(KpiError, match=r"^grace_days 只用于工作计划节点表"):
        api.rank(SAMPLE_ROOT / "触点检查表" / "2026Q1_客户触点检查表.xlsx", grace_days=1)
    with pytest.raises(TypeError, match="grace_dayz"):
        api.rank(plan, grace_dayz=1)
    with pytest.raises(TypeError, match="grace_dayz"):
        api.annual([plan], grace_dayz=1)
    with pytest.raises(KpiError, match="没有年度汇总"):
        api.annual([plan], grace_days=1)  # its own option is taken; its year is what it refuses


# --- the package keeps the house rules of a kind ---------------------------------------------------------------


SHARED_LAYERS = {"core", "io", "rules", "grading", "payout", "render"}


def test_the_kind_package_imports_only_the_shared_layers():
    """As docs/development.md asks of a kind: kpicli's lower layers, never another kind, the registry, api or cli."""
    package = Path(layout.__file__).parent
    wrong = []
    for path in sorted(package.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                parts = name.split(".")
                if parts[0] == "kpicli" and (len(parts) < 2 or parts[1] not in SHARED_LAYERS):
                    wrong.append(f"{path.name}: {name}")
                if any(re.match(r"_[^_]", p) for p in parts):
                    wrong.append(f"{path.name}: private {name}")
    assert not wrong, wrong
