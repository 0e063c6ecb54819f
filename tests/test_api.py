"""kpicli.api as a library: every command is a Python function that prints nothing and returns what it did."""

from __future__ import annotations

import gc
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from builders import STANDARD_PROJECTS, build_checklist, example_sheet, sha256, standard_workbook
from rules_api import DEFAULT_RULES, load_rules, to_toml
from year_books import COMPANY, build_year

from kpicli import api, kinds
from kpicli.core.errors import DataError, KpiError, Problem
from kpicli.io.outputs import written_by_kpicli


@pytest.fixture
def good(tmp_path) -> Path:
    folder = tmp_path / "季度"
    folder.mkdir()
    return standard_workbook(folder / "2026Q1_客户触点检查表.xlsx")


@pytest.fixture
def broken(tmp_path) -> Path:
    """营销篇!M6 holds 进行中, not a result."""
    spec = example_sheet()
    spec.items[1].results = {**spec.items[1].results, "示例项目甲": ("完成", "进行中")}
    return build_checklist(tmp_path / "有错误.xlsx", {"营销篇": spec})


def project_scores(result) -> dict[str, object]:
    return {r.project: r.score for r in result.projects.itertuples() if r.assessed}


# --- one workbook ---------------------------------------------------------------------------------------------------


def test_check_returns_the_problems_and_raises_nothing_for_data_errors(broken, capsys):
    result = api.check(broken)
    errors = [p for p in result.problems if p.level == "error"]
    assert result.has_errors and [p.where for p in errors] == ["营销篇!M6"]
    assert "进行中" in errors[0].message
    assert capsys.readouterr() == ("", "")  # a library call prints nothing


@pytest.mark.slow  # over 0.2 s of CPU (0.25 s measured)
def test_rank_scores_and_raises_data_error_with_the_problems(good, broken):
    result = api.rank(good)
    assert project_scores(result) == {"云栖府": Decimal("100.00"), "望江台": Decimal("25.00")}
    with pytest.raises(DataError) as caught:
        api.rank(broken)
    assert [p.where for p in caught.value.problems if p.level == "error"] == ["营销篇!M6"]


@pytest.mark.slow
def test_score_writes_beside_the_input_and_in_place_keeps_a_backup(good):
    scored = api.score(good)
    assert scored.path == good.with_name("2026Q1_客户触点检查表_评分结果.xlsx") and scored.backup is None
    assert written_by_kpicli(scored.path) and "项目排名" in openpyxl.load_workbook(scored.path).sheetnames
    with pytest.raises(KpiError, match="--in-place"):
        api.score(good, good.with_name("x.xlsx"), in_place=True)
    before = sha256(good)
    in_place = api.score(good, in_place=True)
    assert in_place.path == good and sha256(in_place.backup) == before
    assert "项目排名" in openpyxl.load_workbook(good).sheetnames


@pytest.mark.slow  # over 0.2 s of CPU (0.28 s measured)
def test_explain_adds_up_to_the_score(good):
    explained = api.explain(good, project="云栖府", function="工程")
    ex = explained.explanation
    applicable = [r.contribution for r in ex.items.itertuples() if r.contribution is not None]
    assert sum(applicable) == ex.total
    unit = explained.result.units
    row = unit[(unit["function"] == "工程") & (unit["group"] == "云栖府")].iloc[0]
    assert ex.score == row["score"] == Decimal("100.00") and ex.total == 100
    with pytest.raises(KpiError):
        api.explain(good, project="没有这个项目", function="工程")


@pytest.mark.slow
def test_template_and_template_with_roster(tmp_path, good):
    (out,), notes = api.template("检查表", tmp_path / "2026Q2.xlsx", year=2026, quarter=2,
                                 projects=["云栖府", "望江台"])
    assert notes == []
    assert written_by_kpicli(out) and api.check(out).checklist.projects == ["云栖府", "望江台"]
    (out,), notes = api.template("触点检查表", tmp_path / "带名单.xlsx", year=2026, quarter=2, projects=["云栖府"],
                                 roster=good)
    assert any("望江台" in note for note in notes)  # a unit of the roster that is not among the projects
    names = {row[2] for row in openpyxl.load_workbook(out)["人员名单"].iter_rows(min_row=2, values_only=True)}
    assert {"张营销", "李总监", "周总监"} <= names


def test_rules_init_writes_the_defaults_and_rules_show_names_the_source(tmp_path):
    path = api.rules_init(tmp_path / "kpicli.toml")
    assert to_toml(load_rules(path)) == to_toml(DEFAULT_RULES)
    with pytest.raises(KpiError, match="--force"):
        api.rules_init(path)
    text = api.rules_show(near=tmp_path / "某季度.xlsx")
    assert text.splitlines()[0].startswith("# 规则来源") and str(path) in text.splitlines()[0]
    assert api.rules_show().splitlines()[0] != text.splitlines()[0]  # elsewhere: the built-in defaults


# --- several workbooks ----------------------------------------------------------------------------------------------


@pytest.mark.slow  # several runs of kpicli (> 0.15 s)
def test_annual_combines_the_year_and_writes_only_a_new_file(tmp_path):
    files = build_year(tmp_path / "2026")
    done = api.annual(files, output=tmp_path / "年度.xlsx")
    assert (done.result.company, done.result.year) == (COMPANY, 2026) and done.result.missing_quarters == []
    assert written_by_kpicli(done.path)
    before = sha256(files[0])
    with pytest.raises(KpiError):
        api.annual(files, output=files[0], force=True)  # never over an input
    assert sha256(files[0]) == before
    assert api.annual(files[:2]).path is None


@pytest.mark.slow  # several runs of kpicli (> 0.15 s)
def test_collect_merges_and_the_result_scores_like_the_source(tmp_path, good):
    (good.parent / "~$2026Q1_客户触点检查表.xlsx").write_bytes(b"lock")
    out = tmp_path / "汇总.xlsx"
    done = api.collect([good.parent], out)
    assert done.path == out and done.collected.projects == list(STANDARD_PROJECTS)
    assert [p.name for p, _ in done.skipped] == ["~$2026Q1_客户触点检查表.xlsx"]
    assert project_scores(api.rank(out)) == project_scores(api.rank(good))


def test_collect_with_errors_writes_nothing(tmp_path, broken):
    out = tmp_path / "汇总.xlsx"
    done = api.collect([broken], out)
    assert done.path is None and done.collected.has_errors and not out.exists()


@pytest.mark.slow
def test_find_workbooks_and_each_file_runs(tmp_path, good, broken):
    folder = good.parent
    (folder / "说明.xlsx").write_text("不是工作簿", encoding="utf-8")
    (folder / "旧表.xls").write_bytes(b"")
    inputs = api.find_workbooks([folder, broken])
    assert [p.name for p in inputs.files] == ["2026Q1_客户触点检查表.xlsx", "说明.xlsx", "有错误.xlsx"]
    assert [p.name for p, _ in inputs.skipped] == ["旧表.xls"]

    checked = list(api.check_each(inputs.files))
    assert [o.exit_code for o in checked] == [0, 2, 0]  # check: errors in a workbook are in its result
    assert checked[2].value.has_errors and "不是" in checked[1].error.message

    ranked = list(api.rank_each(inputs.files))
    assert [o.exit_code for o in ranked] == [0, 2, 1] and isinstance(ranked[2].error, DataError)

    results = tmp_path / "结果"
    results.mkdir()
    scored = list(api.score_each(inputs.files, results))
    assert [o.path.name for o in scored if o.error is None] == ["2026Q1_客户触点检查表.xlsx"]
    assert [p.name for p in results.iterdir()] == ["2026Q1_客户触点检查表_评分结果.xlsx"]
    with pytest.raises(KpiError, match="文件夹"):
        api.score_each(inputs.files, results / "一个.xlsx")  # refused before any file is read


def test_the_json_of_an_unscored_workbook_has_the_keys_of_a_scored_one(good):
    scored = api.rank(good)
    scored_keys = list(scored.to_json())
    kind = kinds.kind_of(scored)
    empty = kind.empty_json([Problem("error", "营销篇", "M6", "进行中")], None)
    assert list(empty) == scored_keys and empty["problems"][0]["cell"] == "M6"
    assert list(kind.empty_json([], "a.xlsx")) == ["file", *scored_keys]
    refused = kinds.empty_json(DataError("工作簿有错误", [Problem("error", None, None, "x")]))  # no kind: the fallback's
    assert list(refused) == scored_keys


def test_read_and_assessment_run_with_the_cycle_collector_paused_and_restore_it(good, tmp_path, monkeypatch):
    """check, rank and score read and assess with Python's cycle collector off (docs/performance.md: it walked the
    read's rows again and again) and leave it as they found it: on after a run that found it on, off after one that
    found it off, and on again after a read that failed."""
    seen = []
    assess = kinds.assess

    def watching(*args, **kwargs):
        seen.append(gc.isenabled())
        return assess(*args, **kwargs)

    monkeypatch.setattr(kinds, "assess", watching)
    assert gc.isenabled()
    assert not api.check(good).has_errors
    assert seen == [False] and gc.isenabled()
    gc.disable()
    try:
        api.rank(good)
    finally:
        after_disabled = gc.isenabled()
        gc.enable()
    assert not after_disabled and seen == [False, False]
    with pytest.raises(KpiError):
        api.check(tmp_path / "没有这个文件.xlsx")
    assert gc.isenabled()


def test_the_collector_pause_is_shared_by_threads_that_overlap():
    """Two threads assessing at once: the collector stays off until the last of them is done, then is on again
    (whichever leaves first, it must neither turn the collector on under the other nor leave it off for good)."""
    import threading

    from kpicli.api.read import collector_paused

    entered, first_left, states = threading.Event(), threading.Event(), []

    def second() -> None:
        with collector_paused():
            entered.set()
            first_left.wait(5)
            states.append(gc.isenabled())  # the first thread has left: still paused for this one

    assert gc.isenabled()
    with collector_paused():
        helper = threading.Thread(target=second)
        helper.start()
        assert entered.wait(5)
    first_left.set()
    helper.join(5)
    assert states == [False] and gc.isenabled()
