"""A project renamed between quarters (issue 19 case 5): 云栖府一期 in Q1–Q2, 云栖府 in Q3–Q4, the same director in
the 人员名单. Until joined, `annual` warns naming both spellings and the shared people; joined by the [projects]
aliases of kpicli.toml, it is one row and the two-consecutive-quarters cap sees Q2 and Q3."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from builders import assert_handled, run
from year_books import template_quarter

from kpicli import api

pytestmark = pytest.mark.slow  # four templates filled

OLD, NEW = "云栖府一期", "云栖府"
ALL = 999  # every touchpoint 未完成: 0 points, grade C


def roster(project: str) -> list[tuple[str, str, str]]:
    return [("城市公司", "营销", "王营销"), (project, "项目总监", "张总监"), (project, "营销", "钱经理"),
            ("望江台", "项目总监", "李总监")]


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("年度")
    for q in (1, 2, 3, 4):
        name = OLD if q <= 2 else NEW
        template_quarter(folder, q, (name, "望江台"), roster(name), {name: ALL} if q in (2, 3) else {})
    return folder


def years(folder: Path, *extra: object) -> dict:
    result = run("annual", folder, "--format", "json", *extra)
    assert_handled(result, 0)
    return json.loads(result.stdout)


def test_until_joined_two_rows_no_cap_and_a_warning_naming_both_spellings_and_the_people(folder):
    data = years(folder)
    projects = {p["project"]: p for p in data["projects"]}
    assert set(projects) == {OLD, NEW, "望江台"}
    assert [projects[OLD]["quarters"][str(q)]["grade"] for q in (1, 2)] == ["A", "C"]
    assert [projects[NEW]["quarters"][str(q)]["grade"] for q in (3, 4)] == ["C", "A"]
    assert not projects[OLD]["capped"] and not projects[NEW]["capped"]  # one low quarter each
    warning = next(n for n in data["notes"] if n.startswith(f"项目「{OLD}」"))
    assert f"「{NEW}」（第3、4季度）" in warning and "（第1、2季度）" in warning
    assert "张总监（项目总监）" in warning and "钱经理（营销职能经理）" in warning
    assert f'aliases = {{ "{OLD}" = "{NEW}" }}' in warning
    table = run("annual", folder, columns=80)
    assert_handled(table, 0)
    assert f"项目「{OLD}」（第1、2季度）与「{NEW}」" in table.output.replace("\n", "")


def test_joined_by_an_alias_one_row_and_the_cap_spans_the_rename(folder, tmp_path):
    rules = tmp_path / "公司规则.toml"
    rules.write_text(f'[projects]\naliases = {{ "{OLD}" = "{NEW}" }}\n', encoding="utf-8")
    data = years(folder, "--rules", rules)
    projects = {p["project"]: p for p in data["projects"]}
    assert set(projects) == {NEW, "望江台"}
    yun = projects[NEW]
    assert [yun["quarters"][str(q)]["grade"] for q in (1, 2, 3, 4)] == ["A", "C", "C", "A"]
    assert yun["capped"] and yun["reason"] == "第2、3季度连续两个季度为B-及以下"
    people = {p["name"]: p for p in data["people"]}
    assert people["张总监"]["capped"] and people["钱经理"]["capped"]
    assert not any(n.startswith(f"项目「{OLD}」（第1、2季度）与") for n in data["notes"])
    assert f"项目「{OLD}」（第1、2季度）按规则文件 [projects] aliases 计为「{NEW}」" in data["notes"][0]

    year = api.annual([folder], rules_path=rules).result  # the library: one row, capped
    assert list(year.projects["project"]) == [NEW, "望江台"]
    assert bool(year.projects.set_index("project").loc[NEW, "capped"])


def test_an_alias_that_names_itself_is_refused_in_chinese(folder, tmp_path):
    rules = tmp_path / "kpicli.toml"
    rules.write_text(f'[projects]\naliases = {{ "{NEW}" = "{NEW}" }}\n', encoding="utf-8")
    result = run("annual", folder, "--rules", rules)
    assert_handled(result, 2)
    assert "projects.aliases" in result.output and "不能相同" in result.output
