"""A typed rules model (issue #18): settings with fixed choices are checked by the dataclasses themselves, so a
Rules built in code is held to what a rules file is held to; pydantic only translates a file's errors into Chinese.
The rules package has no import cycle."""

from __future__ import annotations

import ast
from decimal import Decimal
from pathlib import Path

import pytest
from rules_api import full, parse_rules

from kpicli.rules.bands import Grades
from kpicli.rules.model import DEFAULT_RULES, Annual, Rewards, Rules, RulesError, Scoring
from kpicli.scorecard.settings import ScorecardAnnual, ScorecardSettings, settings_of

RULES = Path(__file__).resolve().parent.parent / "kpicli" / "rules"


@pytest.mark.parametrize(("build", "words"), [
    (lambda: Scoring(project_aggregation="nonsense"), ["scoring.project_aggregation", "nonsense", "pooled", "function_weights"]),
    (lambda: Scoring(blank="空白"), ["scoring.blank", "未完成", "error"]),
    (lambda: Scoring(level_weights={"四级": 1}), ["scoring.level_weights", "四级"]),
    (lambda: Scoring(function_weights={"财务": 1}), ["scoring.function_weights", "财务"]),
    (lambda: Scoring(partial_credit=2), ["scoring.partial_credit", "0 到 1"]),
    (lambda: Rewards(ranking="mixed"), ["rewards.ranking", "separate", "combined"]),
    (lambda: Annual(consecutive=5), ["annual.consecutive", "1–4"]),
    (lambda: Annual(cumulative=True), ["annual.cumulative"]),
    (lambda: ScorecardSettings(red_line="warn"), ["scorecard.red_line", "lowest", "zero", "flag"]),
    (lambda: ScorecardSettings(reviewer_order=("reviewer3",)), ["scorecard.reviewer_order", "reviewer3"]),
    # negative policy numbers: a file's schema refuses them, and so does a Rules built in code
    (lambda: Scoring(level_weights={"一级": -1}), ["scoring.level_weights", "不能为负数"]),
    (lambda: Scoring(function_weights={"营销": Decimal("-0.5")}), ["scoring.function_weights", "不能为负数"]),
    (lambda: Scoring(function_weights={"营销": "0.5"}), ["scoring.function_weights", "应为有限的数字"]),
    (lambda: Rewards(penalty_amount=float("nan")), ["rewards.penalty_amount", "应为有限的数字"]),
    (lambda: Rewards(penalty_amount=-3000), ["rewards.penalty_amount", "正数"]),
    (lambda: Rewards(reward_amount=-1), ["rewards.reward_amount", "不能为负数"]),
    (lambda: ScorecardSettings(coefficients=((90, 1), (80, -0.5))), ["scorecard.coefficients", "绩效系数"]),
    (lambda: ScorecardSettings(below_coefficient=-1), ["scorecard.below_coefficient", "绩效系数"]),
    (lambda: ScorecardAnnual(periodic=110, year_end=-10, review=0), ["scorecard.annual.weights", "不能为负数"]),
])
def test_a_setting_outside_its_choices_is_refused_where_it_is_built(build, words):
    with pytest.raises(ValueError) as caught:
        build()
    assert all(w in str(caught.value) for w in words), str(caught.value)


def test_every_choice_a_file_may_write_builds_and_the_defaults_are_unchanged():
    assert Scoring(project_aggregation="function_weights").project_aggregation == "function_weights"
    assert Scoring(blank="error").blank == "error" and Rewards(ranking="combined").ranking == "combined"
    assert ScorecardSettings(red_line="flag").red_line == "flag"
    assert Rules() == DEFAULT_RULES and full(DEFAULT_RULES) == parse_rules("", "空.toml")
    assert (DEFAULT_RULES.scoring.blank, DEFAULT_RULES.scoring.project_aggregation, DEFAULT_RULES.rewards.ranking,
            settings_of(DEFAULT_RULES).red_line) == ("未完成", "pooled", "separate", "lowest")
    assert Rules(grades=Grades(lowest="D")).annual.cap_grade == "B-"


def test_a_rules_file_with_a_bad_choice_is_still_explained_in_chinese():
    with pytest.raises(RulesError) as caught:
        parse_rules('[scoring]\nproject_aggregation = "nonsense"\n', "坏.toml")
    message = caught.value.message
    assert "坏.toml" in message and "scoring.project_aggregation" in message and "可选" in message


@pytest.mark.parametrize(("text", "key"), [
    ('[scoring]\nlevel_weights = { "一级" = -3 }\n', "scoring.level_weights"),
    ("[rewards]\npenalty_amount = -3000\n", "rewards.penalty_amount"),
    ("[scorecard]\nbelow_coefficient = -0.2\n", "scorecard.below_coefficient"),
])
def test_a_rules_file_with_a_negative_number_names_the_key_once(text, key):
    """The schema and the dataclass share one message; the file's error names the key, in Chinese."""
    with pytest.raises(RulesError) as caught:
        parse_rules(text, "负数.toml")
    message = caught.value.message
    assert "负数.toml" in message and key in message and "不能为负数" in message
    assert message.count("不能为负数") == 1


def _imports(path: Path) -> set[str]:
    """The kpicli.rules modules a module imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("kpicli.rules."):
            found.add(node.module.removeprefix("kpicli.rules."))
        elif isinstance(node, ast.ImportFrom) and node.module == "kpicli.rules":
            found.update(alias.name for alias in node.names)
    return found


def test_the_rules_package_has_no_import_cycle():
    graph = {p.stem: _imports(p) for p in RULES.glob("*.py")}
    assert "validate" in graph["files"] and "validate" not in graph["model"]

    def reaches(start: str, seen: frozenset[str]) -> None:
        for target in graph.get(start, ()):
            assert target not in seen, f"import cycle: {' → '.join([*seen, target])}"
            reaches(target, seen | {target})

    for module in graph:
        reaches(module, frozenset({module}))
