"""The sample workbooks in sample_workbooks/: the four quarters and the messy one score cleanly through the CLI,
show what the README promises (not-assessed units, rewards and penalties, a roster), and make_samples.py
regenerates them deterministically."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import openpyxl
import pytest
from builders import flat, rank_json, run
from samples import CHECKLISTS, SAMPLE_ROOT, SCORECARDS

from kpicli.io.workbook import read_workbook
from kpicli.scorecard import score_workbook
from kpicli.scorecard.annual import score_year

pytestmark = pytest.mark.slow  # the bundled samples, quarter by quarter

SAMPLES = CHECKLISTS
COMPANY = "江城置业有限公司武汉城市公司"
QUARTERS = (1, 2, 3, 4)
MESSY = "messy_客户触点检查表_2026Q2.xlsx"
SCORECARD = "2026Q1_客服部绩效考核表.xlsx"
SCORECARD_YEAR = [*(f"2026年{m:02d}月_客服部绩效考核表.xlsx" for m in (1, 2, 3)), "2026年度_客服部年终考核表.xlsx"]
FUNCTIONS = ["营销", "研发", "工程", "客服", "物业"]
PROJECTS = {"云栖府", "澜湾壹号", "望江台", "星河湾", "桃源里", "翠湖苑"}


def quarter_name(q: int) -> str:
    return f"2026Q{q}_客户触点检查表.xlsx"


@pytest.fixture(scope="module")
def copies(tmp_path_factory) -> dict[object, Path]:
    """The committed samples copied into a temporary folder (quarter → path, and 'messy')."""
    folder = tmp_path_factory.mktemp("samples")
    found: dict[object, Path] = {}
    for q in QUARTERS:
        found[q] = Path(shutil.copy(SAMPLES / quarter_name(q), folder / quarter_name(q)))
    found["messy"] = Path(shutil.copy(SAMPLES / MESSY, folder / MESSY))
    return found


@pytest.fixture(scope="module")
def ranked(copies) -> dict[object, dict]:
    return {key: rank_json(path) for key, path in copies.items()}


def test_all_samples_are_present():
    for q in QUARTERS:
        assert (SAMPLES / quarter_name(q)).is_file()
    assert (SAMPLES / MESSY).is_file()
    assert (SAMPLE_ROOT / "make_samples.py").is_file()


@pytest.mark.parametrize("quarter", QUARTERS)
def test_quarter_sample_ranks_cleanly(ranked, quarter):
    data = ranked[quarter]
    assert (data["company"], data["year"], data["quarter"]) == (COMPANY, 2026, quarter)
    assert not [p for p in data["problems"] if p["level"] == "error"]
    assert [f["function"] for f in data["functions"]] == FUNCTIONS
    assert {p["project"] for p in data["projects"]} == PROJECTS
    for entry in data["functions"] + data["projects"]:
        if entry["assessed"]:
            assert 0 <= entry["score"] <= 100 and entry["grade"] and entry["rank"] >= 1
        else:
            assert (entry["score"], entry["grade"], entry["rank"], entry["reward"]) == (None, None, None, 0)
    for unit in data["units"]:
        assert unit["function"] in FUNCTIONS and unit["project"] in PROJECTS
        assert (unit["score"] is None) is (not unit["assessed"])


def test_the_year_shows_not_assessed_units_rewards_and_penalties(ranked):
    units = [u for q in QUARTERS for u in ranked[q]["units"]]
    not_assessed = [u for u in units if not u["assessed"]]
    assert not_assessed
    assert all(u["score"] is None and u["grade"] is None for u in not_assessed)
    rewards = [e["reward"] for q in QUARTERS for e in ranked[q]["functions"] + ranked[q]["projects"]]
    assert 3000 in rewards
    assert -3000 in rewards
    for q in QUARTERS:  # a reward only for rank 1 above 90, a penalty only below 60
        for e in ranked[q]["functions"] + ranked[q]["projects"]:
            if e["reward"] > 0:
                assert e["rank"] == 1 and e["score"] > 90, e
            if e["reward"] < 0:
                assert e["score"] < 60, e


@pytest.mark.parametrize("quarter", QUARTERS)
def test_check_command_on_quarter_sample(copies, quarter):
    result = run("check", copies[quarter])
    assert result.exit_code == 0, result.output
    assert "共 0 个错误" in result.output


@pytest.mark.parametrize("quarter", QUARTERS)
def test_score_writes_the_allocation_sheet_from_the_roster(ranked, copies, quarter, tmp_path):
    src = copies[quarter]
    roster = openpyxl.load_workbook(src, read_only=True)
    assert "人员名单" in roster.sheetnames
    roster.close()
    out = tmp_path / "结果.xlsx"
    result = run("score", src, "-o", out)
    assert result.exit_code == 0, result.output
    data = ranked[quarter]
    teams = {f"{e['function']}职能": e["reward"] for e in data["functions"] if e["reward"] and e["function"] != "物业"}
    teams |= {f"{e['project']}项目": e["reward"] for e in data["projects"] if e["reward"]}
    assert teams  # every sample quarter has a reward or a penalty for a team with people
    wb = openpyxl.load_workbook(out, read_only=True)
    try:
        assert "奖惩分配表" in wb.sheetnames
        amounts = {row[0]: row[2] for row in wb["奖惩分配表"].iter_rows(values_only=True)
                   if len(row) > 2 and row[1] == "团队金额（元）"}
        for team, reward in teams.items():
            assert amounts.get(team) == reward, (team, amounts)
    finally:
        wb.close()


# --- the messy sample ------------------------------------------------------------------------------------------------


def test_messy_sample_scores_without_errors(ranked):
    data = ranked["messy"]
    assert not [p for p in data["problems"] if p["level"] == "error"]
    assert (data["company"], data["year"], data["quarter"]) == (COMPANY, 2026, 2)  # 第二季度 from 基本信息
    assessed = {f["function"]: f["assessed"] for f in data["functions"]}
    assert assessed["营销"] and assessed["工程"] and assessed["客服"]
    assert not assessed["研发"] and not assessed["物业"]  # no sheet for them: not assessed, not zero


def test_messy_sample_problems(ranked):
    problems = ranked["messy"]["problems"]
    infos = [p for p in problems if p["level"] == "info"]
    added = [p for p in infos if "负责人" in p["message"] and "忽略" in p["message"]]
    assert added and added[0]["sheet"] == "营销篇" and added[0]["cell"]
    assert any("完成时限" in p["message"] for p in infos)
    fallback = [p for p in problems if p["level"] == "warning" and "采用自查结果" in p["message"]]
    assert fallback
    assert all(p["sheet"] and p["cell"] for p in fallback)
    assert any("云栖府" in p["message"] for p in fallback)


def test_messy_sample_check_command(copies):
    result = run("check", copies["messy"])
    assert result.exit_code == 0, result.output
    assert "共 0 个错误" in result.output


# --- make_samples.py is deterministic -----------------------------------------------------------------------------


def _load_make_samples():
    spec = importlib.util.spec_from_file_location("make_samples_under_test", SAMPLE_ROOT / "make_samples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


FORM_INPUTS = ("客服部_指标套.csv", "客服部_人员名单.csv")


def test_the_sample_indicator_set_and_roster_make_the_monthly_forms(tmp_path):
    out = tmp_path / "2026年01月_客服部绩效考核表.xlsx"
    made = run("template", "考核表", "--period", "2026年1月", "--indicators", SCORECARDS / FORM_INPUTS[0],
               "--people", SCORECARDS / FORM_INPUTS[1], "-o", out)
    assert made.exit_code == 0, made.output
    checked = run("check", out)
    assert checked.exit_code == 1
    assert flat(checked.output).count("表格尚未填写") == 6  # one line per person of the roster, nothing else
    assert "[警告]" not in checked.output


@pytest.mark.slow  # runs make_samples.py end to end
def test_make_samples_regenerates_the_same_results(ranked, tmp_path, monkeypatch, capsys):
    module = _load_make_samples()
    monkeypatch.setattr(module, "OUT", tmp_path)
    # main() prints each path relative to ROOT, so ROOT must contain OUT as well
    monkeypatch.setattr(module, "ROOT", tmp_path)
    module.main()
    printed = capsys.readouterr().out
    assert printed.count("已写入") == 12

    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([CHECKLISTS.name, SCORECARDS.name])  # one per kind
    written = sorted(p.name for p in (tmp_path / CHECKLISTS.name).iterdir())
    assert written == sorted([*(quarter_name(q) for q in QUARTERS), MESSY])
    written = sorted(p.name for p in (tmp_path / SCORECARDS.name).iterdir())
    assert written == sorted([SCORECARD, *SCORECARD_YEAR, *FORM_INPUTS])
    made = tmp_path / SCORECARDS.name
    for name in FORM_INPUTS:  # the indicator set and roster of the monthly forms, byte for byte
        assert (made / name).read_bytes() == (SCORECARDS / name).read_bytes(), name
    keys = ("company", "year", "quarter", "functions", "projects", "units", "problems")
    for q in QUARTERS:
        again = rank_json(tmp_path / CHECKLISTS.name / quarter_name(q))
        assert {k: again[k] for k in keys} == {k: ranked[q][k] for k in keys}, q
    again = rank_json(tmp_path / CHECKLISTS.name / MESSY)
    assert {k: again[k] for k in keys} == {k: ranked["messy"][k] for k in keys}
    # the scorecard sample (make_scorecards.py): the same people, scores and problems
    committed = score_workbook(read_workbook(SCORECARDS / SCORECARD)).to_json()
    assert score_workbook(read_workbook(made / SCORECARD)).to_json() == committed
    # the scorecard year (make_scorecard_year.py): the same composite, people and problems
    committed = score_year([read_workbook(SCORECARDS / name) for name in SCORECARD_YEAR]).to_json()
    assert score_year([read_workbook(made / name) for name in SCORECARD_YEAR]).to_json() == committed
