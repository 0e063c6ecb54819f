"""The kinds of workbook behind one interface (issue 18): options by kind in -h and in errors, template's explicit
kind, one result protocol, and the typed library API — through the CLI and through kpicli.api."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from builders import assert_handled, flags, flat, panels, run, standard_workbook
from scorecard_builders import build_scorecard, points_card, weighted_card

from kpicli import api, kinds
from kpicli.core.errors import KpiError
from kpicli.core.kind import KindResult
from kpicli.core.period import Period
from kpicli.io.workbook import read_workbook

CHECKLIST_PANEL, SCORECARD_PANEL = "触点检查表", "绩效考核表"


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("kinds")
    checklist = standard_workbook(folder / "2026Q1_客户触点检查表.xlsx")
    scorecard = build_scorecard(folder / "考核表.xlsx", {"张三": weighted_card(), "李四": points_card()})
    return checklist, scorecard


# --- -h: each kind's options under its own panel ----------------------------------------------------------------


@pytest.mark.parametrize(("command", "checklist", "scorecard"), [
    ("score", {"--year", "--quarter", "--allow-blank", "--catalog", "--per-team"}, {"--per-person", "--indicators"}),
    ("rank", {"--year", "--quarter", "--allow-blank", "--catalog"}, {"--indicators"}),
    ("check", {"--year", "--quarter", "--allow-blank", "--catalog"}, {"--indicators"}),
    ("explain", {"--project", "--function", "--year", "--quarter", "--allow-blank", "--catalog"},
     {"--person", "--department", "--indicators"}),
    ("annual", {"--allow-blank", "--catalog"}, {"--indicators"}),
    ("collect", {"--year", "--quarter", "--catalog"}, set()),  # a checklist-only command: its options under 触点检查表
    ("template", {"--year", "--quarter", "--project", "--catalog", "--roster"},
     {"--period", "--indicators", "--people", "--person", "--split"}),
])
def test_help_groups_the_options_of_each_kind_under_its_panel(command, checklist, scorecard):
    boxes = panels([command, "-h"])
    assert flags(boxes.get(CHECKLIST_PANEL, "")) == checklist
    assert flags(boxes.get(SCORECARD_PANEL, "")) == scorecard
    common = flags(boxes["选项"])
    assert not common & (checklist | scorecard)  # a kind's option is listed once, in its kind's panel
    assert "--help" in common


# --- an option of the other kind: one line naming the kind it belongs to (exit 2) ----------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(("args", "which", "owner"), [
    (("rank", "scorecard", "--quarter", "2"), "--quarter", CHECKLIST_PANEL),
    (("check", "scorecard", "--allow-blank"), "--allow-blank", CHECKLIST_PANEL),
    (("score", "checklist", "--per-person", "每人"), "--per-person", SCORECARD_PANEL),
    (("explain", "checklist", "--person", "张三"), "--person", SCORECARD_PANEL),
    (("explain", "scorecard", "--function", "工程"), "--function", CHECKLIST_PANEL),
])
def test_an_option_of_the_other_kind_is_one_line_saying_whose_it_is(books, tmp_path, args, which, owner):
    checklist, scorecard = books
    command, book, *rest = args
    path = checklist if book == "checklist" else scorecard
    own = SCORECARD_PANEL if owner == CHECKLIST_PANEL else CHECKLIST_PANEL
    result = run(command, path, *rest, "-o", tmp_path / "结果.xlsx") if command == "score" else run(command, path, *rest)
    assert_handled(result, 2)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert f"{which}只用于{owner}" in flat(result.output), result.output
    assert f"{path.name}是{own}" in flat(result.output), result.output
    assert not (tmp_path / "结果.xlsx").exists() and not (tmp_path / "每人").exists()


@pytest.mark.slow
def test_the_options_of_the_workbook_s_own_kind_are_taken(books, tmp_path):
    checklist, scorecard = books
    assert_handled(run("rank", checklist, "--quarter", "2", "--format", "json"), 0)
    data = json.loads(run("rank", checklist, "--quarter", "2", "--format", "json").stdout)
    assert data["quarter"] == 2
    done = run("score", scorecard, "-o", tmp_path / "结果.xlsx", "--per-person", tmp_path / "每人")
    assert_handled(done, 0)
    assert len(list((tmp_path / "每人").glob("*.xlsx"))) == 2


# --- template: the kind is named, never guessed ------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("name", ["检查表", "触点检查表", "checklist"])
def test_template_takes_the_checklist_by_any_of_its_names(tmp_path, name):
    out = tmp_path / "模板.xlsx"
    done = run("template", name, "--year", 2026, "--quarter", 2, "-p", "云栖府", "-o", out)
    assert_handled(done, 0)
    assert api.check(out).period_label == "2026年第2季度"


@pytest.mark.slow
@pytest.mark.parametrize("name", ["考核表", "绩效考核表", "scorecard"])
def test_template_takes_the_scorecard_by_any_of_its_names(tmp_path, name):
    out = tmp_path / "表.xlsx"
    done = run("template", name, "--period", "2026Q2", "--indicators", "客服专员", "--person", "张三", "-o", out)
    assert_handled(done, 0)
    assert "空白绩效考核表已写入" in flat(done.output)
    assert kinds.detect(read_workbook(out)).name == "scorecard"


def test_the_library_template_refuses_options_of_the_other_kind(tmp_path):
    # a library caller hears the keyword it wrote (the command line, its flag: tests/test_scorecard_template.py)
    with pytest.raises(KpiError, match=r"^period 只用于绩效考核表；要生成的是触点检查表，请去掉关键字参数 period 再调用$"):
        api.template("检查表", tmp_path / "x.xlsx", year=2026, quarter=1, projects=["甲"], period="2026Q1")
    with pytest.raises(TypeError, match="quater"):
        api.template("检查表", tmp_path / "x.xlsx", year=2026, quater=1, projects=["甲"])
    assert not (tmp_path / "x.xlsx").exists()


# --- one result protocol, a typed API -----------------------------------------------------------------------------


@pytest.mark.slow
def test_both_results_share_one_protocol(books):
    for path, kind, period in zip(books, ("checklist", "scorecard"), ("2026年第1季度", "2026年第1季度")):
        result = api.rank(path)
        assert isinstance(result, KindResult)
        assert result.kind == kind and kinds.kind_of(result).name == kind
        assert result.to_json()["kind"] == kind
        assert result.period_label == period
        assert result.has_errors is False and isinstance(result.problems, list)


@pytest.mark.slow
def test_a_misspelt_keyword_is_a_type_error_for_every_kind(books):
    for path in books:
        with pytest.raises(TypeError, match="quater"):
            api.rank(path, quater=1)


@pytest.mark.slow
def test_a_period_value_gives_a_checklist_its_quarter_and_is_refused_for_scorecards(books):
    checklist, scorecard = books
    assert api.rank(checklist, period=Period(2026, quarter=3)).quarter == 3
    assert api.rank(checklist, period=Period(2026, month=5)).quarter == 2  # a month counts as its quarter
    with pytest.raises(KpiError, match="period 与 year、quarter 只能给一种"):
        api.rank(checklist, period=Period(2026, quarter=3), quarter=2)
    with pytest.raises(KpiError, match=r"^year、quarter 只用于触点检查表") as refused:
        api.rank(scorecard, period=Period(2026, quarter=1))
    assert refused.value.exit_code == 2 and "--" not in refused.value.message
    assert "请去掉关键字参数 year、quarter 再调用" in refused.value.message
