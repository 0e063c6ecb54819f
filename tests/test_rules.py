"""The rules file kpicli.toml (issue #4): every key changes what it should, discovery, `rules init/show`,
refusal of bad files, the 评分规则 audit sheet.

Everything goes through the CLI (`rank FILE --format json --rules R`) on workbooks built in the test in the
v1 layout (tests/builders.py), with scores computed by hand in the comments.
"""

from __future__ import annotations

import hashlib
import json
import textwrap
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest
from builders import FUNCTION_SHEET_NAMES, Item, SheetSpec, assert_handled, build_checklist, cell_of, run
from rules_api import DEFAULT_RULES, SECTIONS, full, load_rules, parse_rules, resolve_rules, to_toml
from scorecard_builders import build_scorecard, weighted_card
from typer.testing import Result

import kpicli
from kpicli.rules.model import Annual, Band, Grades, Rewards, Rules, Scoring
from kpicli.scorecard.settings import DEFAULT_SETTINGS, ScorecardAnnual, ScorecardSettings, settings_of

POINTS_COLUMNS = ("触点编号", "触点名称", "触点等级", "分值")


# --- helpers -----------------------------------------------------------------------------------------------------


def cli(*args: object) -> Result:
    """Run kpicli in-process; a wide console so rich never wraps a path."""
    return run(*args, columns=250)


def rank_json(book: Path, rules: Path | None = None) -> dict:
    args = ["rank", book, "--format", "json"] + (["--rules", rules] if rules is not None else [])
    result = cli(*args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def write_rules(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def entries(data: dict, kind: str) -> dict[str, dict]:
    """functions / projects of the JSON by name."""
    key = "function" if kind == "functions" else "project"
    return {e[key]: e for e in data[kind]}


def unit(data: dict, function: str, project: str) -> dict:
    return next(u for u in data["units"] if u["function"] == function and u["project"] == project)


def problems(data: dict, level: str) -> list[dict]:
    return [p for p in data["problems"] if p["level"] == level]


def exact_rows(targets: dict[str, str]) -> list[Item]:
    """Rows (with a 分值 column) that give each group exactly the score targets[group], independently:
    one row worth n points done, one worth d − n not done (n/d = score/100), 不适用 in the other groups."""
    rows: list[Item] = []
    for group, target in targets.items():
        ratio = Fraction(Decimal(target)) / 100
        n, d = ratio.numerator, ratio.denominator
        others = {g: (None, "不适用") for g in targets if g != group}
        if n:
            rows.append(Item(f"{group}完成", None, {group: (None, "完成"), **others}, points=n, item_id=f"{group}-1"))
        if d - n:
            rows.append(Item(f"{group}未完成", None, {group: (None, "未完成"), **others}, points=d - n,
                             item_id=f"{group}-2"))
    return rows


def exact_book(path: Path, targets: dict[str, str]) -> Path:
    return build_checklist(path, {"营销篇": SheetSpec(columns=POINTS_COLUMNS, items=exact_rows(targets))})


def one_sheet(path: Path, items: list[Item], sheet: str = "营销篇") -> Path:
    return build_checklist(path, {sheet: SheetSpec(items=items)})


# --- scoring.level_weights ---------------------------------------------------------------------------------------


@pytest.fixture
def levels_book(tmp_path):
    # 一级 完成, 三级 未完成: default 3 / (3 + 1) = 75.00
    return one_sheet(tmp_path / "levels.xlsx", [
        Item("案场接待", "一级", {"项目甲": (None, "完成")}),
        Item("样板房开放", "三级", {"项目甲": (None, "未完成")}),
    ])


@pytest.mark.slow  # over 0.2 s of CPU (0.23 s measured)
def test_level_weights_change_the_score_by_the_hand_computed_amount(levels_book, tmp_path):
    assert unit(rank_json(levels_book), "营销", "项目甲")["score"] == 75.0
    rules = write_rules(tmp_path / "r.toml", """
        [scoring]
        level_weights = { "一级" = 1, "二级" = 2, "三级" = 3 }
    """)
    data = rank_json(levels_book, rules)
    # 1 / (1 + 3) = 25.00
    assert unit(data, "营销", "项目甲")["score"] == 25.0
    assert entries(data, "projects")["项目甲"]["score"] == 25.0
    assert entries(data, "functions")["营销"]["score"] == 25.0
    assert entries(data, "projects")["项目甲"]["grade"] == "C"


def test_level_weights_may_name_only_some_levels_the_others_keep_their_defaults(levels_book, tmp_path):
    rules = write_rules(tmp_path / "r.toml", '[scoring]\nlevel_weights = { "一级" = 5 }\n')
    # 5 / (5 + 1) = 83.333… → 83.33
    assert unit(rank_json(levels_book, rules), "营销", "项目甲")["score"] == 83.33


def test_level_weights_may_be_decimals(levels_book, tmp_path):
    rules = write_rules(tmp_path / "r.toml", '[scoring]\nlevel_weights = { "一级" = 2.5, "三级" = 0.5 }\n')
    # 2.5 / 3 = 83.333… → 83.33
    assert unit(rank_json(levels_book, rules), "营销", "项目甲")["score"] == 83.33


@pytest.mark.slow  # over 0.2 s of CPU (0.33 s measured)
def test_level_aliases_follow_the_weight_of_their_level(tmp_path):
    book = one_sheet(tmp_path / "alias.xlsx", [
        Item("案场接待", "A", {"项目甲": (None, "完成")}),
        Item("签约提醒", "关键", {"项目甲": (None, "完成")}),
        Item("样板房开放", "C", {"项目甲": (None, "未完成")}),
    ])
    # default: (3 + 3) / 7 = 85.714… → 85.71
    assert unit(rank_json(book), "营销", "项目甲")["score"] == 85.71
    rules = write_rules(tmp_path / "r.toml", '[scoring]\nlevel_weights = { "一级" = 9, "三级" = 1 }\n')
    # A and 关键 weigh as 一级 = 9: 18 / 19 = 94.736… → 94.74
    assert unit(rank_json(book, rules), "营销", "项目甲")["score"] == 94.74
    rules = write_rules(tmp_path / "r2.toml", '[scoring]\nlevel_weights = { "三级" = 6 }\n')
    # C weighs as 三级 = 6: 6 / 12 = 50.00
    assert unit(rank_json(book, rules), "营销", "项目甲")["score"] == 50.0


@pytest.mark.slow  # over 0.2 s of CPU (0.24 s measured)
def test_level_weights_do_not_override_a_positive_points_column(tmp_path):
    book = build_checklist(tmp_path / "points.xlsx", {"营销篇": SheetSpec(columns=POINTS_COLUMNS, items=[
        Item("案场接待", "一级", {"项目甲": (None, "完成")}, points=4, item_id="YX-01"),
        Item("样板房开放", "三级", {"项目甲": (None, "未完成")}, item_id="YX-02"),
    ])})
    # default: 4 / (4 + 1) = 80.00
    assert unit(rank_json(book), "营销", "项目甲")["score"] == 80.0
    # 分值 4 keeps its weight whatever 一级 weighs; 三级 = 4: 4 / 8 = 50.00
    rules = write_rules(tmp_path / "r.toml", '[scoring]\nlevel_weights = { "一级" = 100, "三级" = 4 }\n')
    assert unit(rank_json(book, rules), "营销", "项目甲")["score"] == 50.0


# --- scoring.partial_credit --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("credit", "score", "grade"), [
    (None, 62.5, "B-"),  # default 0.5: (3 × 0.5 + 1) / 4
    ("0.6", 70.0, "B"),  # (3 × 0.6 + 1) / 4 = 2.8 / 4
    ("0", 25.0, "C"),  # (0 + 1) / 4
    ("1", 100.0, "A"),  # (3 + 1) / 4
    ("0.35", 51.25, "C"),  # (1.05 + 1) / 4
])
def test_partial_credit(tmp_path, credit, score, grade):
    book = one_sheet(tmp_path / "partial.xlsx", [
        Item("案场接待", "一级", {"项目甲": (None, "部分完成")}),
        Item("样板房开放", "三级", {"项目甲": (None, "完成")}),
    ])
    rules = None if credit is None else write_rules(tmp_path / "r.toml", f"[scoring]\npartial_credit = {credit}\n")
    data = rank_json(book, rules)
    assert unit(data, "营销", "项目甲")["score"] == score
    assert entries(data, "projects")["项目甲"]["grade"] == grade


# --- scoring.self_check_fallback ---------------------------------------------------------------------------------


@pytest.mark.slow  # over 0.2 s of CPU (0.29 s measured)
def test_self_check_fallback_false_counts_a_self_check_only_item_as_not_done(tmp_path):
    spec = SheetSpec(items=[
        Item("案场接待", "一级", {"项目甲": (None, "完成")}),
        Item("样板房开放", "三级", {"项目甲": ("完成", None)}),  # only the self-check is filled
    ])
    book = build_checklist(tmp_path / "self.xlsx", {"营销篇": spec})
    check_cell = cell_of(spec, 1, "项目甲", 1)
    self_cell = cell_of(spec, 1, "项目甲", 0)

    default = rank_json(book)
    assert unit(default, "营销", "项目甲")["score"] == 100.0  # the self-check stands in: (3 + 1) / 4
    warnings = problems(default, "warning")
    stood_in = [(w["sheet"], w["cell"]) for w in warnings if "采用自查结果" in w["message"]]
    assert len(stood_in) == 1 and stood_in[0][0] == "营销篇" and stood_in[0][1] in {check_cell, self_cell}

    rules = write_rules(tmp_path / "r.toml", "[scoring]\nself_check_fallback = false\n")
    strict = rank_json(book, rules)
    assert unit(strict, "营销", "项目甲")["score"] == 75.0  # 3 / 4: the item counts as 未完成
    warnings = problems(strict, "warning")
    assert not any("采用自查结果" in w["message"] for w in warnings)
    changed = [w for w in warnings if w["cell"] == check_cell]
    assert len(changed) == 1 and "未完成" in changed[0]["message"]


# --- scoring.blank -----------------------------------------------------------------------------------------------


@pytest.fixture
def blank_book(tmp_path):
    spec = SheetSpec(items=[
        Item("案场接待", "一级", {"项目甲": (None, "完成")}),
        Item("样板房开放", "三级", {"项目甲": (None, None)}),  # both blank
        Item("签约提醒", "二级", {"项目甲": ("完成", None)}),  # self-check stands in: not blank
    ])
    return build_checklist(tmp_path / "blank.xlsx", {"营销篇": spec}), cell_of(spec, 1, "项目甲", 1)


@pytest.mark.slow  # over 0.2 s of CPU (0.22 s measured)
def test_blank_defaults_to_not_done_with_a_warning(blank_book):
    book, cell = blank_book
    data = rank_json(book)
    assert unit(data, "营销", "项目甲")["score"] == 83.33  # (3 + 2) / 6
    assert problems(data, "error") == []
    assert [w["cell"] for w in problems(data, "warning") if "未填写" in w["message"]] == [cell]


@pytest.mark.slow  # over 0.2 s of CPU (0.42 s measured)
def test_blank_error_blocks_scoring_and_names_the_cell(blank_book, tmp_path):
    book, cell = blank_book
    rules = write_rules(tmp_path / "r.toml", '[scoring]\nblank = "error"\n')
    result = cli("rank", book, "--format", "json", "--rules", rules)
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert data["projects"] == [] and data["functions"] == []
    errors = problems(data, "error")
    assert [(e["sheet"], e["cell"]) for e in errors] == [("营销篇", cell)]  # the self-checked item is no error
    table = cli("rank", book, "--rules", rules)
    assert table.exit_code == 1
    assert f"营销篇!{cell}" in table.output
    assert cli("check", book, "--rules", rules).exit_code == 1
    assert cli("check", book).exit_code == 0


# --- scoring.project_aggregation / function_weights --------------------------------------------------------------


@pytest.fixture
def functions_book(tmp_path):
    """项目甲: 营销 100 (w 3), 研发 50 (w 4), 工程 0 (w 1), 客服 50 (w 3), 物业 not assessed; 项目乙 all 不适用."""
    def sheet(*rows: tuple[str, str]) -> SheetSpec:
        return SheetSpec(items=[Item(f"触点{i}", level, {"项目甲": (None, value), "项目乙": (None, "不适用")})
                                for i, (level, value) in enumerate(rows, start=1)])

    return build_checklist(tmp_path / "fw.xlsx", {
        FUNCTION_SHEET_NAMES["营销"]: sheet(("一级", "完成")),
        FUNCTION_SHEET_NAMES["研发"]: sheet(("二级", "完成"), ("二级", "未完成")),
        FUNCTION_SHEET_NAMES["工程"]: sheet(("三级", "未完成")),
        FUNCTION_SHEET_NAMES["客服"]: sheet(("一级", "部分完成")),
        FUNCTION_SHEET_NAMES["物业"]: sheet(("一级", "不适用")),
    })


FUNCTION_WEIGHTS = """
    [scoring]
    project_aggregation = "function_weights"
    function_weights = { "营销" = 4, "研发" = 2, "工程" = 1, "客服" = 1, "物业" = 10 }
"""


@pytest.mark.slow  # over 0.2 s of CPU (0.33 s measured)
def test_pooled_project_score_ignores_function_weights(functions_book, tmp_path):
    # pooled: (3 + 2 + 0 + 1.5) / (3 + 4 + 1 + 3) = 6.5 / 11 = 59.0909… → 59.09
    assert entries(rank_json(functions_book), "projects")["项目甲"]["score"] == 59.09
    rules = write_rules(tmp_path / "r.toml", FUNCTION_WEIGHTS.replace('"function_weights"\n', '"pooled"\n'))
    assert entries(rank_json(functions_book, rules), "projects")["项目甲"]["score"] == 59.09


@pytest.mark.slow  # over 0.2 s of CPU (0.27 s measured)
def test_function_weights_give_the_weighted_mean_renormalised_over_assessed_functions(functions_book, tmp_path):
    rules = write_rules(tmp_path / "r.toml", FUNCTION_WEIGHTS)
    data = rank_json(functions_book, rules)
    projects = entries(data, "projects")
    # 物业 is not assessed, so its weight 10 drops out: (4×100 + 2×50 + 1×0 + 1×50) / (4+2+1+1) = 550 / 8 = 68.75
    # (without renormalising it would be 550 / 18 = 30.56)
    assert projects["项目甲"]["score"] == 68.75
    assert projects["项目甲"]["grade"] == "B-"
    assert projects["项目甲"]["reward"] == 0  # pooled 59.09 would be penalised
    assert projects["项目乙"] == {"project": "项目乙", "assessed": False, "score": None, "grade": None,
                                "rank": None, "reward": 0}
    # unit and function scores are unchanged by the aggregation
    functions = entries(data, "functions")
    assert [functions[f]["score"] for f in ("营销", "研发", "工程", "客服")] == [100.0, 50.0, 0.0, 50.0]
    assert functions["物业"]["assessed"] is False
    assert unit(data, "研发", "项目甲")["score"] == 50.0


@pytest.mark.slow  # over 0.2 s of CPU (0.28 s measured)
def test_function_weights_may_name_only_some_functions(functions_book, tmp_path):
    rules = write_rules(tmp_path / "r.toml", """
        [scoring]
        project_aggregation = "function_weights"
        function_weights = { "营销" = 3 }
    """)
    # (3×100 + 50 + 0 + 50) / 6 = 66.666… → 66.67
    assert entries(rank_json(functions_book, rules), "projects")["项目甲"]["score"] == 66.67


# --- grades ------------------------------------------------------------------------------------------------------

CUSTOM_GRADES = """
    [grades]
    bands = [ { grade = "优", min = 90 }, { grade = "良", min = 75 }, { grade = "中", min = 60 } ]
    lowest = "差"
    [annual]
    cap_grade = "中"
"""


@pytest.mark.slow  # over 0.2 s of CPU (0.37 s measured)
def test_custom_grade_names_appear_in_the_json(tmp_path):
    book = exact_book(tmp_path / "grades.xlsx", {"项目甲": "95", "项目乙": "75", "项目丙": "60", "项目丁": "59.99"})
    default = entries(rank_json(book), "projects")
    assert [default[p]["grade"] for p in ("项目甲", "项目乙", "项目丙", "项目丁")] == ["A", "B", "B-", "C"]

    rules = write_rules(tmp_path / "r.toml", CUSTOM_GRADES)
    data = rank_json(book, rules)
    projects = entries(data, "projects")
    assert [projects[p]["grade"] for p in ("项目甲", "项目乙", "项目丙", "项目丁")] == ["优", "良", "中", "差"]
    assert [unit(data, "营销", p)["grade"] for p in ("项目甲", "项目乙", "项目丙", "项目丁")] == ["优", "良", "中", "差"]
    assert entries(data, "functions")["营销"]["grade"] in {"优", "良", "中", "差"}
    every = [e["grade"] for kind in ("functions", "projects", "units") for e in data[kind] if e["assessed"]]
    assert set(every) <= {"优", "良", "中", "差"}
    table = cli("rank", book, "--rules", rules)
    assert table.exit_code == 0 and "优" in table.output and "差" in table.output


def test_grade_bands_with_decimal_minimums(tmp_path):
    book = exact_book(tmp_path / "grades.xlsx", {"项目甲": "89.5", "项目乙": "89.49"})
    rules = write_rules(tmp_path / "r.toml", '[grades]\nbands = [ { grade = "A", min = 89.5 } ]\nlowest = "B-"\n')
    projects = entries(rank_json(book, rules), "projects")
    assert (projects["项目甲"]["grade"], projects["项目乙"]["grade"]) == ("A", "B-")


# --- rewards -----------------------------------------------------------------------------------------------------


@pytest.fixture
def rewards_book(tmp_path):
    return exact_book(tmp_path / "rewards.xlsx", {"项目甲": "95", "项目乙": "90", "项目丙": "60", "项目丁": "59.99"})


def project_rewards(data: dict) -> list[object]:
    projects = entries(data, "projects")
    return [projects[p]["reward"] for p in ("项目甲", "项目乙", "项目丙", "项目丁")]


@pytest.mark.parametrize(("toml", "rewards"), [
    ("", [3000, 0, 0, -3000]),  # defaults: rank 1 above 90; 60.00 is not below 60
    ("reward_threshold = 95", [0, 0, 0, -3000]),  # 95 is not above 95
    ("reward_threshold = 94.99", [3000, 0, 0, -3000]),
    ("reward_amount = 5000", [5000, 0, 0, -3000]),
    ("reward_amount = 2500.5", [2500.5, 0, 0, -3000]),
    ("penalty_threshold = 60.01", [3000, 0, -3000, -3000]),
    ("penalty_threshold = 59.99", [3000, 0, 0, 0]),  # 59.99 is not below 59.99
    ("penalty_threshold = 92", [3000, -3000, -3000, -3000]),
    ("penalty_amount = 1000", [3000, 0, 0, -1000]),
    ("reward_amount = 0\npenalty_amount = 0", [0, 0, 0, 0]),
])
def test_reward_and_penalty_settings(rewards_book, tmp_path, toml, rewards):
    rules = write_rules(tmp_path / "r.toml", f"[rewards]\n{toml}\n")
    assert project_rewards(rank_json(rewards_book, rules)) == rewards


@pytest.mark.slow  # over 0.2 s of CPU (0.22 s measured)
def test_rank_one_above_a_lowered_threshold_is_rewarded_and_a_raised_penalty_threshold_bites_the_function(tmp_path):
    # 营销 pooled over 项目甲 95 (19/20) and 项目乙 50 (1/2): 20 / 22 = 90.909… → 90.91, rank 1 among functions
    book = exact_book(tmp_path / "f.xlsx", {"项目甲": "95", "项目乙": "50"})
    assert entries(rank_json(book), "functions")["营销"]["reward"] == 3000
    rules = write_rules(tmp_path / "r.toml", "[rewards]\nreward_threshold = 91\npenalty_threshold = 91\n"
                                             "penalty_amount = 700\n")
    data = rank_json(book, rules)
    assert entries(data, "functions")["营销"]["score"] == 90.91
    assert entries(data, "functions")["营销"]["reward"] == -700
    assert project_rewards_two(data) == [3000, -700]


def project_rewards_two(data: dict) -> list[object]:
    projects = entries(data, "projects")
    return [projects["项目甲"]["reward"], projects["项目乙"]["reward"]]


# --- rewards.ranking ---------------------------------------------------------------------------------------------


@pytest.mark.slow  # over 0.2 s of CPU (0.27 s measured)
def test_combined_ranking_puts_functions_and_projects_in_one_list(tmp_path):
    # 营销篇: 城市公司 20 points done, 项目甲 3 done, 项目乙 1 not done → 营销 = 23/24 = 95.83
    book = build_checklist(tmp_path / "combined.xlsx", {"营销篇": SheetSpec(columns=POINTS_COLUMNS, items=[
        Item("公司级", None, {"城市公司": (None, "完成"), "项目甲": (None, "不适用"), "项目乙": (None, "不适用")},
             points=20, item_id="C-1"),
        Item("甲", None, {"城市公司": (None, "不适用"), "项目甲": (None, "完成"), "项目乙": (None, "不适用")},
             points=3, item_id="P-1"),
        Item("乙", None, {"城市公司": (None, "不适用"), "项目甲": (None, "不适用"), "项目乙": (None, "未完成")},
             points=1, item_id="P-2"),
    ])})
    separate = rank_json(book)
    f, p = entries(separate, "functions"), entries(separate, "projects")
    assert f["营销"]["score"] == 95.83
    assert (f["营销"]["rank"], p["项目甲"]["rank"], p["项目乙"]["rank"]) == (1, 1, 2)
    assert (f["营销"]["reward"], p["项目甲"]["reward"], p["项目乙"]["reward"]) == (3000, 3000, -3000)

    rules = write_rules(tmp_path / "r.toml", '[rewards]\nranking = "combined"\n')
    combined = rank_json(book, rules)
    f, p = entries(combined, "functions"), entries(combined, "projects")
    # 项目甲 100 > 营销 95.83 > 项目乙 0: ranks continue across both tables
    assert (p["项目甲"]["rank"], f["营销"]["rank"], p["项目乙"]["rank"]) == (1, 2, 3)
    assert (p["项目甲"]["reward"], f["营销"]["reward"], p["项目乙"]["reward"]) == (3000, 0, -3000)
    assert all(f[x]["rank"] is None for x in ("研发", "工程", "客服", "物业"))


@pytest.mark.slow  # over 0.2 s of CPU (0.24 s measured)
def test_combined_ranking_ties_across_functions_and_projects(tmp_path):
    def sheet(company: str | None, project: str, value: str) -> SheetSpec:
        results = {project: (None, value)}
        if company:
            results = {"城市公司": (None, company), **results}
        return SheetSpec(items=[Item("触点", "一级", results)])

    # 营销 100 (城市公司 + 项目甲), 研发 0 (项目乙); projects 项目甲 100, 项目乙 0
    book = build_checklist(tmp_path / "ties.xlsx", {"营销篇": sheet("完成", "项目甲", "完成"),
                                                     "研发篇": sheet(None, "项目乙", "未完成")})
    rules = write_rules(tmp_path / "r.toml", '[rewards]\nranking = "combined"\n')
    data = rank_json(book, rules)
    f, p = entries(data, "functions"), entries(data, "projects")
    assert (f["营销"]["rank"], p["项目甲"]["rank"], f["研发"]["rank"], p["项目乙"]["rank"]) == (1, 1, 3, 3)
    assert (f["营销"]["reward"], p["项目甲"]["reward"], f["研发"]["reward"], p["项目乙"]["reward"]) == (
        3000, 3000, -3000, -3000)


# --- annual ------------------------------------------------------------------------------------------------------


@pytest.mark.slow  # over 0.2 s of CPU (0.22 s measured)
def test_annual_keys_parse_and_are_shown(levels_book, tmp_path):
    rules = write_rules(tmp_path / "r.toml", '[annual]\ncap_grade = "B"\nconsecutive = 3\ncumulative = 4\n')
    assert unit(rank_json(levels_book, rules), "营销", "项目甲")["score"] == 75.0
    parsed = load_rules(rules)
    assert parsed.annual == Annual(cap_grade="B", consecutive=3, cumulative=4)
    shown = cli("rules", "show", "--rules", rules)
    assert shown.exit_code == 0
    assert 'cap_grade = "B"' in shown.output and "consecutive = 3" in shown.output and "cumulative = 4" in shown.output


def test_annual_cap_grade_may_be_a_custom_grade(levels_book, tmp_path):
    rules = write_rules(tmp_path / "r.toml", CUSTOM_GRADES)
    assert load_rules(rules).annual.cap_grade == "中"
    assert cli("rank", levels_book, "--rules", rules).exit_code == 0


# --- discovery ---------------------------------------------------------------------------------------------------


@pytest.fixture
def discovery(tmp_path):
    folder = tmp_path / "季度检查"
    folder.mkdir()
    book = exact_book(folder / "2026Q1_检查表.xlsx", {"项目甲": "95", "项目乙": "50"})
    beside = write_rules(folder / "kpicli.toml", "[rewards]\nreward_amount = 5000\n")
    other = write_rules(tmp_path / "other.toml", "[rewards]\nreward_amount = 7000\n")
    return book, beside, other


@pytest.mark.slow  # over 0.2 s of CPU (0.34 s measured)
def test_rules_option_beats_the_file_beside_the_workbook_which_beats_the_defaults(discovery, tmp_path):
    book, beside, other = discovery
    assert entries(rank_json(book), "projects")["项目甲"]["reward"] == 5000
    assert entries(rank_json(book, other), "projects")["项目甲"]["reward"] == 7000
    beside.unlink()
    assert entries(rank_json(book), "projects")["项目甲"]["reward"] == 3000


@pytest.mark.slow  # over 0.2 s of CPU (0.36 s measured)
def test_rank_names_the_rules_source(discovery):
    book, beside, other = discovery
    out = cli("rank", book)
    assert out.exit_code == 0 and f"规则：{beside}" in out.output
    out = cli("rank", book, "--rules", other)
    assert out.exit_code == 0 and f"规则：{other}" in out.output and str(beside) not in out.output
    beside.unlink()
    out = cli("rank", book)
    assert out.exit_code == 0 and "规则：内置默认规则" in out.output


def test_a_kpicli_toml_in_the_current_folder_is_not_the_workbooks(discovery, tmp_path, monkeypatch):
    book, beside, _ = discovery
    beside.unlink()
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    write_rules(elsewhere / "kpicli.toml", "[rewards]\nreward_amount = 9999\n")
    monkeypatch.chdir(elsewhere)
    assert entries(rank_json(book), "projects")["项目甲"]["reward"] == 3000


def test_rules_show_for_a_workbook_and_with_rules(discovery, tmp_path, monkeypatch):
    book, beside, other = discovery
    out = cli("rules", "show", "--for", book)
    assert out.exit_code == 0
    assert out.output.splitlines()[0] == f"# 规则来源：{beside}"
    assert parse_rules(out.output, "shown") == load_rules(beside)
    assert "reward_amount = 5000" in out.output

    out = cli("rules", "show", "--rules", other)
    assert out.exit_code == 0 and f"# 规则来源：{other}" in out.output and "reward_amount = 7000" in out.output
    out = cli("rules", "show", "--rules", other, "--for", book)
    assert out.exit_code == 0 and "reward_amount = 7000" in out.output

    monkeypatch.chdir(tmp_path)  # no kpicli.toml here
    out = cli("rules", "show")
    assert out.exit_code == 0 and "内置默认规则" in out.output
    assert parse_rules(out.output, "shown") == DEFAULT_RULES


def test_a_missing_rules_file_is_refused(levels_book, tmp_path):
    out = cli("rank", levels_book, "--rules", tmp_path / "nope.toml")
    assert out.exit_code == 2 and "找不到规则文件" in out.output
    assert_handled(out)


def test_a_bad_kpicli_toml_beside_the_workbook_is_refused_unless_rules_is_given(discovery):
    book, beside, other = discovery
    write_rules(beside, "[scoring]\npartial_credit = 2\n")
    out = cli("rank", book)
    assert out.exit_code == 2 and "scoring.partial_credit" in out.output
    assert cli("rank", book, "--rules", other).exit_code == 0


# --- a company that only writes kpicli.toml ------------------------------------------------------------------------


@pytest.mark.slow  # over 0.2 s of CPU (0.26 s measured)
def test_a_company_with_its_own_policy_only_writes_kpicli_toml(tmp_path):
    folder = tmp_path / "某公司"
    folder.mkdir()
    book = one_sheet(folder / "2026Q2_检查表.xlsx", [
        Item("案场接待", "一级", {"项目甲": (None, "完成"), "项目乙": (None, "部分完成")}),
        Item("签约提醒", "二级", {"项目甲": (None, "完成"), "项目乙": (None, "未完成")}),
        Item("样板房开放", "三级", {"项目甲": (None, "未完成"), "项目乙": (None, "完成")}),
    ])
    write_rules(folder / "kpicli.toml", """
        [scoring]
        level_weights = { "一级" = 5, "二级" = 3, "三级" = 1 }
        partial_credit = 0.4
        [grades]
        bands = [ { grade = "优", min = 90 }, { grade = "良", min = 75 }, { grade = "中", min = 60 } ]
        lowest = "差"
        [rewards]
        reward_threshold = 85
        reward_amount = 5000
        penalty_amount = 2000
        [annual]
        cap_grade = "中"
    """)
    data = rank_json(book)  # no --rules
    p, f = entries(data, "projects"), entries(data, "functions")
    # 项目甲 (5 + 3 + 0) / 9 = 88.89 良, rank 1 above 85 → +5000
    assert (p["项目甲"]["score"], p["项目甲"]["grade"], p["项目甲"]["reward"]) == (88.89, "良", 5000)
    # 项目乙 (5×0.4 + 0 + 1) / 9 = 33.33 差, below 60 → −2000
    assert (p["项目乙"]["score"], p["项目乙"]["grade"], p["项目乙"]["reward"]) == (33.33, "差", -2000)
    # 营销 pooled (8 + 3) / 18 = 61.11 中, rank 1 but not above 85, not below 60
    assert (f["营销"]["score"], f["营销"]["grade"], f["营销"]["rank"], f["营销"]["reward"]) == (61.11, "中", 1, 0)
    # the defaults would have said 83.33 B+ / 41.67 C
    (folder / "kpicli.toml").unlink()
    p = entries(rank_json(book), "projects")
    assert (p["项目甲"]["score"], p["项目乙"]["score"]) == (83.33, 41.67)


# --- rules init --------------------------------------------------------------------------------------------------


def test_rules_init_writes_the_defaults_with_chinese_comments(tmp_path):
    target = tmp_path / "kpicli.toml"
    out = cli("rules", "init", "-o", target)
    assert out.exit_code == 0, out.output
    text = target.read_text(encoding="utf-8")
    assert parse_rules(text, target.name) == DEFAULT_RULES
    comments = [line for line in text.splitlines() if line.lstrip().startswith("#")]
    assert comments and all(any("\u4e00" <= ch <= "\u9fff" for ch in line) for line in comments)
    for key in ("level_weights", "partial_credit", "self_check_fallback", "blank", "project_aggregation",
                "function_weights", "bands", "lowest", "reward_threshold", "reward_amount", "penalty_threshold",
                "penalty_amount", "ranking", "cap_grade", "consecutive", "cumulative"):
        assert f"\n{key} = " in text, key


def test_rules_init_defaults_to_kpicli_toml_in_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli("rules", "init").exit_code == 0
    assert load_rules(tmp_path / "kpicli.toml") == DEFAULT_RULES


def test_rules_init_refuses_to_overwrite_without_force(tmp_path):
    target = tmp_path / "kpicli.toml"
    target.write_text("# 我的规则\n[rewards]\nreward_amount = 5000\n", encoding="utf-8")
    before = target.read_bytes()
    out = cli("rules", "init", "-o", target)
    assert out.exit_code == 2 and "--force" in out.output
    assert target.read_bytes() == before
    out = cli("rules", "init", "-o", target, "--force")
    assert out.exit_code == 0
    assert load_rules(target) == DEFAULT_RULES


@pytest.mark.slow  # over 0.2 s of CPU (0.43 s measured)
def test_rules_init_output_is_a_working_rules_file(levels_book, tmp_path):
    target = tmp_path / "init.toml"
    assert cli("rules", "init", "-o", target).exit_code == 0
    assert rank_json(levels_book, target) == rank_json(levels_book)


def test_to_toml_round_trips_non_default_rules():
    rules = Rules(
        scoring=Scoring(level_weights={"一级": Decimal("5"), "二级": Decimal("2.5"), "三级": Decimal("0")},
                        partial_credit=Decimal("0.35"), self_check_fallback=False, blank="error",
                        project_aggregation="function_weights",
                        function_weights={"营销": Decimal(3), "物业": Decimal("0.5")}),
        grades=Grades(bands=[Band(grade="优", min=Decimal("92.5")), Band(grade="良", min=Decimal(75))], lowest="差"),
        rewards=Rewards(reward_threshold=Decimal("95.5"), reward_amount=Decimal(8000), penalty_threshold=Decimal(50),
                        penalty_amount=Decimal("1500.5"), ranking="combined"),
        annual=Annual(cap_grade="良", consecutive=1, cumulative=4),
    )
    assert parse_rules(to_toml(rules), "x") == full(rules)


def test_to_toml_escapes_grade_names():
    rules = Rules(grades=Grades(bands=[Band(grade='5"星', min=Decimal(90))], lowest="C\\D"),
                  annual=Annual(cap_grade="C\\D"))
    assert parse_rules(to_toml(rules), "x") == full(rules)


# --- invalid rules files -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("toml", "expected"), [
    ("[scoring]\npartial_credit = 1.5", ["scoring.partial_credit", "0 到 1"]),
    ("[scoring]\npartial_credit = -0.1", ["scoring.partial_credit", "0 到 1"]),
    ("[scoring]\npartial_credit = \"half\"", ["scoring.partial_credit", "数字"]),
    ("[scoring]\npartial_credit = true", ["scoring.partial_credit", "数字"]),
    ("[scoring]\npartial_credit = nan", ["scoring.partial_credit"]),
    ("[scoring]\nbogus_key = 1", ["scoring.bogus_key", "不是已知的设置项"]),
    ("[bogus]\nx = 1", ["bogus", "不是已知的设置项"]),
    ("[grades]\nbands = [ { grade = \"A\", min = 90, max = 100 } ]", ["grades.bands.0.max", "不是已知的设置项"]),
    ("[scoring]\nblank = \"skip\"", ["scoring.blank", "未完成", "error"]),
    ("[scoring]\nproject_aggregation = \"mean\"", ["scoring.project_aggregation", "pooled"]),
    ("[rewards]\nranking = \"mixed\"", ["rewards.ranking", "combined"]),
    ("[scoring]\nself_check_fallback = \"maybe\"", ["scoring.self_check_fallback", "true 或 false"]),
    ("[scoring]\nlevel_weights = 3", ["scoring.level_weights"]),
    ("[scoring]\nlevel_weights = { \"四级\" = 1 }", ["scoring.level_weights", "四级"]),
    ("[scoring]\nlevel_weights = { \"一级\" = -1 }", ["scoring.level_weights", "负数"]),
    ("[scoring]\nlevel_weights = { \"一级\" = \"三\" }", ["scoring.level_weights", "数字"]),
    ("[scoring]\nfunction_weights = { \"财务\" = 1 }", ["scoring.function_weights", "财务"]),
    ("[scoring]\nfunction_weights = { \"营销\" = -2 }", ["scoring.function_weights", "负数"]),
    ("[grades]\nbands = [ { grade = \"A\", min = 60 }, { grade = \"B\", min = 70 } ]", ["grades", "bands", "从高到低"]),
    ("[grades]\nbands = [ { grade = \"A\", min = 90 }, { grade = \"B\", min = 90 } ]", ["grades", "bands", "从高到低"]),
    ("[grades]\nbands = [ { grade = \"A\", min = 90 }, { grade = \"A\", min = 80 } ]", ["grades", "重复"]),
    ("[grades]\nbands = [ { grade = \"\", min = 90 } ]", ["grades.bands.0.grade", "不能为空"]),
    ("[grades]\nbands = [ { grade = 1, min = 90 } ]", ["grades.bands.0.grade", "文字"]),
    ("[grades]\nbands = [ { grade = \"A\", min = \"高\" } ]", ["grades.bands.0.min", "数字"]),
    ("[grades]\nbands = []", ["grades.bands", "不能为空"]),
    ("[grades]\nbands = \"A\"", ["grades.bands", "数组"]),
    ("[grades]\nlowest = 3", ["grades.lowest", "文字"]),
    ("[rewards]\nreward_amount = -1", ["rewards.reward_amount", "负数"]),
    ("[rewards]\npenalty_amount = -3000", ["rewards.penalty_amount", "负数"]),
    ("[rewards]\nreward_threshold = \"九十\"", ["rewards.reward_threshold", "数字"]),
    ("[rewards]\nreward_amount = inf", ["rewards.reward_amount"]),
    ("[annual]\ncap_grade = \"D\"", ["annual.cap_grade", "D", "不是已定义的等级"]),
    ("[grades]\nbands = [ { grade = \"优\", min = 90 } ]\nlowest = \"差\"\n[annual]\ncap_grade = \"B-\"",
     ["annual.cap_grade", "B-", "优、差"]),
    ("[annual]\nconsecutive = 0", ["annual.consecutive"]),
    ("[annual]\ncumulative = 5", ["annual.cumulative"]),
    ("[annual]\nconsecutive = 1.5", ["annual.consecutive", "整数"]),
    ("[scoring\npartial_credit = 0.5", ["不是有效的 TOML"]),
    ("[scoring]\npartial_credit = ", ["不是有效的 TOML"]),
])
def test_a_bad_rules_file_is_refused_naming_the_key(levels_book, tmp_path, toml, expected):
    bad = write_rules(tmp_path / "bad.toml", toml + "\n")
    out = cli("rank", levels_book, "--format", "json", "--rules", bad)
    assert out.exit_code == 2, out.output
    assert out.stdout == ""  # no JSON, nothing scored
    assert "bad.toml" in out.stderr
    for text in expected:
        assert text in out.stderr, (text, out.stderr)
    assert_handled(out)


def test_every_bad_key_is_named_at_once(levels_book, tmp_path):
    bad = write_rules(tmp_path / "bad.toml", """
        [scoring]
        partial_credit = 3
        bogus_key = 1
        [rewards]
        reward_amount = -1
    """)
    out = cli("rank", levels_book, "--rules", bad)
    assert out.exit_code == 2
    for key in ("scoring.partial_credit", "scoring.bogus_key", "rewards.reward_amount"):
        assert key in out.stderr


def test_a_rules_file_that_is_not_utf8_is_refused(levels_book, tmp_path):
    bad = tmp_path / "gbk.toml"
    bad.write_bytes('[grades]\nlowest = "差"\n'.encode("gbk"))
    out = cli("rank", levels_book, "--rules", bad)
    assert out.exit_code == 2 and "UTF-8" in out.stderr


def test_a_utf8_bom_is_accepted(levels_book, tmp_path):
    rules = tmp_path / "bom.toml"
    rules.write_bytes("\ufeff[scoring]\npartial_credit = 0.6\n".encode())
    assert cli("rank", levels_book, "--rules", rules).exit_code == 0


@pytest.mark.parametrize(("toml", "key"), [
    ("[annual]\nconsecutive = true", "annual.consecutive"),
    ("[scoring]\nself_check_fallback = \"yes\"", "scoring.self_check_fallback"),
    ("[rewards]\nreward_amount = \"3000\"", "rewards.reward_amount"),
])
def test_wrong_types_are_refused_not_coerced(levels_book, tmp_path, toml, key):
    bad = write_rules(tmp_path / "bad.toml", toml + "\n")
    out = cli("rank", levels_book, "--rules", bad)
    assert out.exit_code == 2 and key in out.stderr


@pytest.mark.parametrize("toml", ["scoring = 3", "[grades]\nbands = [ 90 ]"])
def test_a_table_of_the_wrong_type_is_explained_in_chinese(levels_book, tmp_path, toml):
    bad = write_rules(tmp_path / "bad.toml", toml + "\n")
    out = cli("rank", levels_book, "--rules", bad)
    assert out.exit_code == 2
    assert "Input should be" not in out.stderr


# --- the 评分规则 audit sheet ---------------------------------------------------------------------------------------


def audit_rows(path: Path) -> dict[str, object]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        ws = wb["评分规则"]
        return {row[0]: row[1] for row in ws.iter_rows(values_only=True) if row and row[0] is not None}
    finally:
        wb.close()


@pytest.mark.slow  # over 0.2 s of CPU (0.27 s measured)
def test_the_audit_sheet_records_input_hash_version_time_and_rules(levels_book, tmp_path):
    rules = write_rules(tmp_path / "r.toml", "[scoring]\npartial_credit = 0.6\n[rewards]\nreward_amount = 4321\n")
    digest = hashlib.sha256(levels_book.read_bytes()).hexdigest()
    before = datetime.now().replace(microsecond=0)
    out_path = tmp_path / "结果.xlsx"
    out = cli("score", levels_book, "-o", out_path, "--rules", rules)
    assert out.exit_code == 0, out.output
    rows = audit_rows(out_path)
    values = [str(v) for v in rows.values()]
    assert rows["输入文件"] == levels_book.name
    assert rows["输入文件 SHA-256"] == digest
    assert rows["kpicli 版本"] == kpicli.__version__
    assert rows["规则来源"] == str(rules)
    when = datetime.strptime(str(rows["评分时间"]), "%Y-%m-%d %H:%M:%S")
    assert before - timedelta(seconds=1) <= when <= datetime.now() + timedelta(seconds=1)
    assert rows["部分完成得分比例"] == "0.6"  # a Chinese label; the kpicli.toml key stands in the side column
    keys = [row[2] for row in openpyxl.load_workbook(out_path, read_only=True)["评分规则"].iter_rows(min_row=4, values_only=True)]
    assert "scoring.partial_credit" in keys
    assert any("4321" in v for v in values)
    assert hashlib.sha256(levels_book.read_bytes()).hexdigest() == digest  # the input is untouched


@pytest.mark.slow
def test_the_audit_sheet_names_the_file_beside_the_workbook_or_the_defaults(discovery, tmp_path):
    book, beside, _ = discovery
    out = cli("score", book, "-o", tmp_path / "a.xlsx")
    assert out.exit_code == 0, out.output
    rows = audit_rows(tmp_path / "a.xlsx")
    assert rows["规则来源"] == str(beside)
    assert any("5000" in str(v) for v in rows.values())
    beside.unlink()
    assert cli("score", book, "-o", tmp_path / "b.xlsx").exit_code == 0
    assert audit_rows(tmp_path / "b.xlsx")["规则来源"] == "内置默认规则"


# --- one source of defaults (issue #12) ----------------------------------------------------------------------------


def test_an_empty_rules_file_is_exactly_the_defaults():
    assert parse_rules("", "empty.toml") == DEFAULT_RULES
    # empty sections too: a section the file names but leaves empty changes nothing
    sections = "[scoring]\n[grades]\n[rewards]\n[annual]\n[scorecard]\n[scorecard.annual]\n"
    assert parse_rules(sections, "x") == DEFAULT_RULES
    assert settings_of(DEFAULT_RULES) == DEFAULT_SETTINGS
    # the equality is not vacuous: one key changes it
    assert parse_rules("[scorecard]\npay_places = 3\n", "x") != DEFAULT_RULES


def test_rules_init_output_parses_back_to_the_defaults_scorecard_included(tmp_path):
    target = tmp_path / "kpicli.toml"
    assert cli("rules", "init", "-o", target).exit_code == 0
    text = target.read_text(encoding="utf-8")
    for line in ("[scorecard]", "reviewer_order = ", "use_computed = ", "self_fallback = ", "red_line = ",
                 "coefficients = [", "below_coefficient = ", "pay_places = ", "[scorecard.annual]", "weights = "):
        assert f"\n{line}" in text, line
    parsed = load_rules(target)
    assert parsed == DEFAULT_RULES and settings_of(parsed) == DEFAULT_SETTINGS
    assert settings_of(parsed).grades_derived  # no [scorecard.grades]: the checklist's bands


def test_the_scorecard_declares_its_section_and_supplies_its_defaults_to_rules_without_it():
    from kpicli.scorecard.kind import SCORECARD

    assert [s.name for s in SECTIONS] == ["scorecard"] and SECTIONS[0] is SCORECARD.rules_section
    assert settings_of(DEFAULT_RULES) is DEFAULT_RULES.sections["scorecard"]
    # Rules built in code without the kinds' sections: the scorecard's defaults, its grades following [grades]
    assert Rules().sections == {} and settings_of(Rules()) == DEFAULT_SETTINGS
    own_bands = Rules(grades=Grades(bands=[Band(grade="优", min=Decimal(88))], lowest="差"))
    assert settings_of(own_bands).grades == own_bands.grades and settings_of(own_bands).grades_derived


# --- [scorecard] (issue #13) ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("toml", "changed"), [
    ('reviewer_order = ["上级评分"]', {"reviewer_order": ("reviewer1",)}),
    ('reviewer_order = ["上级评分", "二级评分"]', {"reviewer_order": ("reviewer1", "reviewer2")}),
    ('reviewer_weights = { "自评" = 10, "上级评分" = 90 }',
     {"reviewer_weights": {"self": Decimal(10), "reviewer1": Decimal(90)}}),
    ('reviewer_weights = { "上级评分" = 0.8, "二级评分" = 0.2 }',
     {"reviewer_weights": {"reviewer1": Decimal("0.8"), "reviewer2": Decimal("0.2")}}),
    ("use_computed = false", {"use_computed": False}),
    ("self_fallback = false", {"self_fallback": False}),
    ('red_line = "zero"', {"red_line": "zero"}),
    ('red_line = "flag"', {"red_line": "flag"}),
    ("coefficients = [{ min = 90, k = 1.5 }, { min = 60, k = 0.35 }]",
     {"coefficients": ((Decimal(90), Decimal("1.5")), (Decimal(60), Decimal("0.35")))}),
    ("below_coefficient = 0.1", {"below_coefficient": Decimal("0.1")}),
    # the company's own K table: ranges; a boundary shared by two bands belongs to the higher one
    ('coefficients = [{ band = "95分以上", k = 1.2 }, { band = "90-95", k = 1.0 }, { band = "60 - 90分", k = 0.5 }, '
     '{ band = "60分以下", k = 0.1 }]',
     {"coefficients": ((Decimal(95), Decimal("1.2")), (Decimal(90), Decimal("1.0")), (Decimal(60), Decimal("0.5"))),
      "below_coefficient": Decimal("0.1")}),
    ('coefficients = [{ band = "≥90", k = 1 }, { band = "80~90", k = 0.8 }]',
     {"coefficients": ((Decimal(90), Decimal(1)), (Decimal(80), Decimal("0.8")))}),
    ("pay_places = 0", {"pay_places": 0}),
    ('[scorecard.annual]\nweights = { "月度平均" = 40, "年终考核" = 55.5, "民主评议" = 4.5 }',
     {"annual": ScorecardAnnual(periodic=Decimal(40), year_end=Decimal("55.5"), review=Decimal("4.5"))}),
    ('[scorecard.annual]\nweights = { "季度平均" = 35, "年终考核" = 65, "民主评议" = 0 }',
     {"annual": ScorecardAnnual(periodic=Decimal(35), year_end=Decimal(65), review=Decimal(0))}),
])
def test_each_scorecard_setting_is_read_and_nothing_else_changes(tmp_path, toml, changed):
    rules = load_rules(write_rules(tmp_path / "kpicli.toml", "[scorecard]\n" + toml + "\n"))
    assert settings_of(rules) == replace(DEFAULT_SETTINGS, **changed)
    assert replace(rules, sections={"scorecard": DEFAULT_SETTINGS}) == DEFAULT_RULES  # the checklist's rules are untouched


def test_the_scorecard_grades_follow_the_checklist_bands_unless_written():
    custom = '[grades]\nbands = [ { grade = "优", min = 90 }, { grade = "良", min = 75 } ]\nlowest = "差"\n'
    follows = parse_rules(custom, "x")
    assert settings_of(follows).grades == follows.grades and settings_of(follows).grades.names == ["优", "良", "差"]
    own = parse_rules(custom + '[scorecard.grades]\nbands = [ { grade = "S", min = 95 } ]\nlowest = "D"\n', "x")
    assert own.grades.names == ["优", "良", "差"] and settings_of(own).grades.names == ["S", "D"]
    assert not settings_of(own).grades_derived
    # a lowest grade alone keeps the default bands
    assert settings_of(parse_rules('[scorecard.grades]\nlowest = "E"\n', "x")).grades.names == ["A", "B+", "B", "B-", "E"]


def test_to_toml_round_trips_non_default_scorecard_settings():
    rules = Rules(
        grades=Grades(bands=[Band(grade="优", min=Decimal(85))], lowest="差"),
        sections={"scorecard": ScorecardSettings(
            reviewer_weights={"self": Decimal("12.5"), "reviewer2": Decimal("87.5")}, use_computed=False,
            self_fallback=False, red_line="flag", grades=Grades(bands=[Band(grade="S", min=Decimal("92.5"))],
                                                                lowest="D"),
            coefficients=((Decimal(90), Decimal("1.25")), (Decimal(70), Decimal("0.5"))),
            below_coefficient=Decimal("0.1"), pay_places=0,
            annual=ScorecardAnnual(periodic=Decimal(20), year_end=Decimal(70), review=Decimal(10)))},
    )
    assert parse_rules(to_toml(rules), "x") == rules
    ordered = Rules(sections={"scorecard": ScorecardSettings(reviewer_order=("reviewer1",))})
    assert parse_rules(to_toml(ordered), "x") == ordered


@pytest.mark.parametrize(("toml", "expected"), [
    ('[scorecard]\nreviewer_order = ["自评"]', ["scorecard.reviewer_order", "自评", "self_fallback"]),
    ('[scorecard]\nreviewer_order = ["上级评分", "上级评分"]', ["scorecard.reviewer_order", "不能重复"]),
    ("[scorecard]\nreviewer_order = []", ["scorecard.reviewer_order", "不能为空"]),
    ('[scorecard]\nreviewer_order = "上级评分"', ["scorecard.reviewer_order", "应为数组"]),
    ('[scorecard]\nreviewer_weights = { "组长" = 1 }', ["scorecard.reviewer_weights", "组长", '"自评" = 10']),
    ('[scorecard]\nreviewer_weights = { "自评" = 0 }', ["scorecard.reviewer_weights", "不能全为 0"]),
    ('[scorecard]\nreviewer_weights = { "自评" = -1, "上级评分" = 1 }', ["scorecard.reviewer_weights", "负数"]),
    ('[scorecard]\nreviewer_weights = { "自评" = "十" }', ["scorecard.reviewer_weights", "数字"]),
    ('[scorecard]\nreviewer_order = ["上级评分"]\nreviewer_weights = { "自评" = 10, "上级评分" = 90 }',
     ["scorecard：", "只能写一个", "删除"]),
    ('[scorecard]\nred_line = "ignore"', ["scorecard.red_line", "lowest", "zero", "flag"]),
    ('[scorecard]\nuse_computed = "yes"', ["scorecard.use_computed", "true 或 false"]),
    ("[scorecard]\nself_fallback = 1", ["scorecard.self_fallback", "true 或 false"]),
    ("[scorecard]\ncoefficients = [{ min = 60, k = 0.4 }, { min = 95, k = 1.2 }]",
     ["scorecard.coefficients", "从高到低", "min = 95"]),
    ("[scorecard]\ncoefficients = [{ min = 95 }]", ["scorecard.coefficients.0.k", "缺少必填项"]),
    ("[scorecard]\ncoefficients = [{ min = 95, k = -1 }]", ["scorecard.coefficients.0.k", "不能为负数"]),
    ("[scorecard]\ncoefficients = [{ min = 95, k = 1, max = 100 }]", ["scorecard.coefficients.0.max", "不是已知的设置项"]),
    ("[scorecard]\ncoefficients = []", ["scorecard.coefficients", "不能为空"]),
    # 004's table: 95分以上 / 90-94 / … leaves 94–95 (a total of 94.5) without a coefficient
    ('[scorecard]\ncoefficients = [{ band = "95分以上", k = 1.2 }, { band = "90-94", k = 1.0 }, '
     '{ band = "85-89", k = 0.9 }, { band = "60分以下", k = 0 }]',
     ["scorecard.coefficients", "绩效系数档「60分以下」与「85-89」之间有空档：总分在 60 与 85 之间（如 72.5）"]),
    ('[scorecard]\ncoefficients = [{ band = "95分以上", k = 1.2 }, { band = "90-94", k = 1.0 }]',
     ["绩效系数档「90-94」与「95分以上」之间有空档：总分在 94 与 95 之间（如 94.5）时没有系数", "{ min = 90, k = … }"]),
    ('[scorecard]\ncoefficients = [{ band = "95分以上", k = 1.2 }, { band = "90-96", k = 1.0 }]',
     ["「90-96」与「95分以上」重叠（95 到 96 在两档中）"]),
    ('[scorecard]\ncoefficients = [{ band = "95分以上", k = 1.2 }, { band = "90分以上", k = 1.0 }]',
     ["「90分以上」没有上限", "只有最高一档可以写「以上」"]),
    ('[scorecard]\ncoefficients = [{ band = "95分以上", k = 1.2 }, { min = 90, k = 1.0 }]', ["不要混用"]),
    ('[scorecard]\ncoefficients = [{ band = "九十五以上", k = 1.2 }]', ["「九十五以上」无法识别", '"90-94"']),
    ('[scorecard]\ncoefficients = [{ band = "95-90", k = 1.2 }]', ["写反了"]),
    ('[scorecard]\ncoefficients = [{ band = "90-95", min = 90, k = 1.2 }]', ["其中一个"]),
    ('[scorecard]\nbelow_coefficient = 0\ncoefficients = [{ band = "60以上", k = 1 }, { band = "60以下", k = 0 }]',
     ["只写其中一个"]),
    ("[scorecard]\nbelow_coefficient = -0.1", ["scorecard.below_coefficient", "不能为负数"]),
    ("[scorecard]\npay_places = 5", ["scorecard.pay_places", "最大为 4"]),
    ("[scorecard]\npay_places = -1", ["scorecard.pay_places", "最小为 0"]),
    ("[scorecard]\npay_places = 1.5", ["scorecard.pay_places", "整数"]),
    ('[scorecard.grades]\nbands = [ { grade = "A", min = 60 }, { grade = "B", min = 70 } ]',
     ["scorecard.grades", "从高到低"]),
    ('[scorecard.grades]\nlowest = "A"', ["scorecard.grades", "重复"]),
    ('[scorecard.annual]\nweights = { "月度平均" = 30, "年终考核" = 60, "民主评议" = 5 }',
     ["scorecard.annual.weights", "加起来是 95", "必须等于 100"]),
    ('[scorecard.annual]\nweights = { "年终考核" = 100 }', ["scorecard.annual.weights", "缺少 月度平均、民主评议"]),
    ('[scorecard.annual]\nweights = { "月度平均" = 30, "季度平均" = 0, "年终考核" = 65, "民主评议" = 5 }',
     ["scorecard.annual.weights", "只写其中一个"]),
    ('[scorecard.annual]\nweights = { "月度" = 30, "年终考核" = 65, "民主评议" = 5 }',
     ["scorecard.annual.weights", "未知的部分 月度", '"月度平均" = 30']),
    ('[scorecard.annual]\nweights = { "月度平均" = -5, "年终考核" = 100, "民主评议" = 5 }',
     ["scorecard.annual.weights", "负数"]),
    ("[scorecard.annual]\nperiodic = 30", ["scorecard.annual.periodic", "不是已知的设置项"]),
    ("[scorecard]\nbogus = 1", ["scorecard.bogus", "不是已知的设置项"]),
    ("scorecard = 3", ["scorecard：", "应为表"]),
    ('[scorecard]\nreviewer_weights = { 自评 = 10 }', ["不是有效的 TOML", "加英文双引号", '"自评" = 10']),
])
def test_a_bad_scorecard_section_is_refused_naming_the_key(tmp_path, toml, expected):
    bad = write_rules(tmp_path / "bad.toml", toml + "\n")
    out = cli("rules", "show", "--rules", bad)
    assert out.exit_code == 2, out.output
    assert "bad.toml" in out.stderr
    assert_handled(out)
    for text in expected:
        assert text in out.stderr, (text, out.stderr)


def test_a_bad_scorecard_section_refuses_the_file_for_checklists_too(levels_book, tmp_path):
    bad = write_rules(tmp_path / "bad.toml", '[scorecard]\nred_line = "ignore"\n')
    out = cli("rank", levels_book, "--format", "json", "--rules", bad)
    assert out.exit_code == 2 and out.stdout == "" and "scorecard.red_line" in out.stderr


def test_the_scorecard_section_is_found_beside_the_workbook_and_shown(levels_book, tmp_path):
    beside = write_rules(levels_book.parent / "kpicli.toml",
                         '[scorecard]\nred_line = "zero"\nreviewer_weights = { "自评" = 10, "上级评分" = 90 }\n')
    assert settings_of(resolve_rules(None, levels_book)[0]).red_line == "zero"
    shown = cli("rules", "show", "--for", levels_book)
    assert shown.exit_code == 0, shown.output
    assert str(beside) in shown.output
    assert 'red_line = "zero"' in shown.output
    # the weights are in force, the order is shown commented out
    assert '\nreviewer_weights = { "自评" = 10, "上级评分" = 90 }' in shown.output
    assert '\n# reviewer_order = ["二级评分", "上级评分"]' in shown.output
    beside.unlink()
    default = cli("rules", "show", "--for", levels_book)
    assert 'red_line = "lowest"' in default.output and "内置默认规则" in default.output


def test_rules_show_says_where_the_scorecard_grades_come_from(tmp_path):
    custom = write_rules(tmp_path / "custom.toml",
                         '[grades]\nbands = [ { grade = "优", min = 90 } ]\nlowest = "差"\n')
    shown = cli("rules", "show", "--rules", custom)
    assert shown.exit_code == 0, shown.output
    assert "未设置 [scorecard.grades]：沿用 [grades] 的等级分档（优 ≥ 90，其余 差）" in shown.output
    own = write_rules(tmp_path / "own.toml", '[scorecard.grades]\nbands = [ { grade = "S", min = 95 } ]\n')
    shown = cli("rules", "show", "--rules", own)
    assert "\n[scorecard.grades]\n" in shown.output and 'grade = "S", min = 95' in shown.output
    assert "未设置 [scorecard.grades]" not in shown.output


def test_scorecard_settings_from_the_rules_file_decide_grade_coefficient_and_pay(tmp_path):
    from kpicli.io.workbook import read_workbook
    from kpicli.scorecard import score_workbook

    # weighted_card totals 92.8: by default A, K 1.0, pay 5000 × 1.0 = 5000.00
    book = build_scorecard(tmp_path / "张三.xlsx", {"张三": weighted_card()})
    person = score_workbook(read_workbook(book)).to_json()["people"][0]
    assert (person["score"], person["grade"], person["coefficient"], person["bonus"]) == (92.8, "A", 1.0, 5000.0)
    rules = parse_rules('[grades]\nbands = [ { grade = "优", min = 90 } ]\nlowest = "差"\n'
                        "[scorecard]\ncoefficients = [{ min = 92.5, k = 1.333 }]\npay_places = 1\n", "x")
    person = score_workbook(read_workbook(book), settings_of(rules)).to_json()["people"][0]
    # the checklist's bands (no [scorecard.grades]); K 1.333; 5000 × 1.333 = 6665.0
    assert (person["score"], person["grade"], person["coefficient"], person["bonus"]) == (92.8, "优", 1.333, 6665.0)
