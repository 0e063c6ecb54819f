"""The year uses what was published (issue 19 case 6): four quarters built from real `kpicli template` output, scored
under a company kpicli.toml, copied into a 年度 folder without it — `annual` agrees with the published quarters."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from builders import assert_handled, edit, run
from rules_api import DEFAULT_RULES, from_summary, parse_rules
from year_books import template_quarter

from kpicli import api
from kpicli.io.provenance import read
from kpicli.rules.recorded import summary

pytestmark = pytest.mark.slow  # four templates filled and scored

PROJECTS = ("云栖府", "望江台")
ROSTER = [("城市公司", "营销", "王营销"), ("云栖府", "项目总监", "张总监"), ("望江台", "项目总监", "李总监")]
# 云栖府 misses 3 (79.75) then 4 (73.62) touchpoints per sheet: 中 then 差 under the company's bands (capped, and
# the −3,000 below 75), B and B under the built-in ones (no cap, no penalty).
MISSES = {1: {"云栖府": 3}, 2: {"云栖府": 4}, 3: {}, 4: {}}
COMPANY_RULES = """
[grades]
bands = [{ grade = "优", min = 95 }, { grade = "良", min = 85 }, { grade = "中", min = 75 }]
lowest = "差"

[rewards]
reward_threshold = 95
penalty_threshold = 75

[annual]
cap_grade = "中"
"""


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> tuple[Path, dict[int, dict]]:
    """The 年度 folder holding the four results (no kpicli.toml), and each quarter's published `rank` JSON."""
    company = tmp_path_factory.mktemp("公司")
    (company / "kpicli.toml").write_text(COMPANY_RULES, encoding="utf-8")
    year = tmp_path_factory.mktemp("年度")
    figures = {}
    for q in (1, 2, 3, 4):
        source = template_quarter(company, q, PROJECTS, ROSTER, MISSES[q])
        result = company / f"2026Q{q}_评分结果.xlsx"
        assert_handled(run("score", source, "-o", result), 0)
        ranked = run("rank", source, "--format", "json")
        assert_handled(ranked, 0)
        figures[q] = json.loads(ranked.stdout)
        shutil.copy(result, year / result.name)
    return year, figures


def test_the_setup_differs_under_the_built_in_rules(published):
    year, figures = published
    yun = {q: next(p for p in figures[q]["projects"] if p["project"] == "云栖府") for q in (1, 2)}
    assert [yun[q]["grade"] for q in (1, 2)] == ["中", "差"]
    assert yun[2]["reward"] == -3000
    built_in = api.rank(year / "2026Q1_评分结果.xlsx").projects.set_index("project")
    assert built_in.loc["云栖府", "grade"] == "B"  # what the old `annual` re-graded it to


def test_annual_over_copied_results_agrees_with_the_published_quarters(published):
    year, figures = published
    result = run("annual", year, "--format", "json")
    assert_handled(result, 0)
    data = json.loads(result.stdout)
    assert data["rules"] == {str(q): "评分时记录的规则" for q in (1, 2, 3, 4)}
    for kind, key in (("projects", "project"), ("functions", "function")):
        for entry in data[kind]:
            for q in (1, 2, 3, 4):
                quarter = next(e for e in figures[q][kind] if e[key] == entry[key])
                got = entry["quarters"][str(q)]
                assert (got["score"], got["grade"], got["reward"]) == (
                    quarter["score"], quarter["grade"], quarter["reward"]), (entry[key], q)
    yun = next(p for p in data["projects"] if p["project"] == "云栖府")
    assert yun["capped"] and yun["reason"] == "第1、2季度连续两个季度为中及以下"
    assert yun["rewards"] == sum(next(p for p in figures[q]["projects"] if p["project"] == "云栖府")["reward"]
                                 for q in (1, 2, 3, 4)) == 3000  # −3,000 in Q2, +3,000 in Q3 and Q4
    assert next(p for p in data["people"] if p["name"] == "张总监")["capped"] is True
    notes = "\n".join(data["notes"])
    assert "第1、2、3、4季度按其工作簿中记录的评分时规则计分" in notes
    assert "现行规则（内置默认规则）与第1、2、3、4季度评分时的规则不同" in notes
    assert "第1季度 云栖府项目：公布为 79.75 中，按现行规则为 79.75 B" in notes
    assert "第2季度 云栖府项目：公布为 73.62 差（奖惩 -3,000 元），按现行规则为 73.62 B" in notes
    assert "云栖府项目：按公布的等级封顶，按现行规则不会封顶" in notes

    table = run("annual", year, columns=80)
    assert_handled(table, 0)
    assert "第1季度 云栖府项目：公布为 79.75 中" in table.output.replace("\n", "")

    out = year.parent / f"{year.name}_汇总.xlsx"
    assert_handled(run("annual", year, "-o", out), 0)
    trend = [c for row in openpyxl.load_workbook(out)["年度趋势"].iter_rows(values_only=True) for c in row if c]
    assert "第1季度 云栖府项目：公布为 79.75 中，按现行规则为 79.75 B" in trend  # under the legend, as in the terminal

    year_result = api.annual([year]).result  # the library gives the same year
    assert year_result.projects.set_index("project").loc["云栖府", "grade_1"] == "中"
    assert bool(year_result.projects.set_index("project").loc["云栖府", "capped"])


def test_a_stricter_file_beside_the_copies_does_not_change_the_published_figures(published, tmp_path):
    year, _ = published
    copies = Path(shutil.copytree(year, tmp_path / "年度"))
    (copies / "kpicli.toml").write_text("[grades]\nbands = [{ grade = \"A\", min = 99 }]\nlowest = \"C\"\n",
                                        encoding="utf-8")
    data = json.loads(run("annual", copies, "--format", "json").stdout)
    wang = next(p for p in data["projects"] if p["project"] == "望江台")
    assert [wang["quarters"][str(q)]["grade"] for q in (1, 2, 3, 4)] == ["优"] * 4
    assert "现行规则（" in data["notes"][1] and "kpicli.toml" in data["notes"][1]


def test_the_record_rebuilds_the_rules_it_was_scored_with(published):
    year, _ = published
    record = read(year / "2026Q1_评分结果.xlsx")
    rules = from_summary(record.get("rules"))
    assert rules == parse_rules(COMPANY_RULES)
    assert rules.annual.cap_grade == "中" and rules.rewards.penalty_threshold == Decimal(75)
    assert from_summary(summary(DEFAULT_RULES)) == DEFAULT_RULES
    tampered = dict(record.get("rules"), fingerprint="0" * 16)
    assert from_summary(tampered) is None  # a record that does not rebuild exactly is not used


def test_a_result_edited_after_publishing_is_named_a_filled_allocation_is_not(published, tmp_path):
    year, _ = published
    copies = Path(shutil.copytree(year, tmp_path / "年度"))

    def retype(wb):  # one 检查 of 望江台 in the third quarter's 营销篇: 完成 → 未完成
        ws = wb["营销篇"]
        cell = next(c for row in ws.iter_rows(min_row=5) for c in row if c.value == "完成")
        cell.value = "未完成"

    edit(copies / "2026Q3_评分结果.xlsx", retype)
    edit(copies / "2026Q1_评分结果.xlsx", lambda wb: wb["奖惩分配表"].cell(30, 1, "已分配"))
    data = json.loads(run("annual", copies, "--format", "json").stdout)
    edited = [n for n in data["notes"] if "改动过" in n]
    assert len(edited) == 1 and edited[0].startswith("第3季度的评分结果 2026Q3_评分结果.xlsx") and "「营销篇」" in edited[0]
