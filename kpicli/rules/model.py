"""The policy numbers of the regulation, as settings (kpicli.toml), with the built-in defaults.

These frozen dataclasses are the one place every default is written (the checklist's here, the scorecard's in
rules.scorecard, the grade bands in rules.bands). Every number is kept as the decimal the user wrote (floats go
through their shortest repr), so scoring stays exact. A rules file is validated by the pydantic schemas
(rules.validate), imported only when there is a file to read: pydantic costs a quarter of a second at start-up.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from kpicli.core.errors import KpiError
from kpicli.core.vocab import FUNCTIONS
from kpicli.rules.bands import Band, Grades, as_decimal, set_frozen
from kpicli.rules.scorecard import ScorecardSettings

RULES_FILENAME = "kpicli.toml"
# TOML allows only ASCII letters, digits, - and _ in a bare key: a Chinese key must be quoted
_TOML_HINT = '（中文的键要加英文双引号，例如 { "一级" = 3 } 或 { "自评" = 10, "上级评分" = 90 }）'
_LEVEL_DEFAULTS = {"一级": Decimal(3), "二级": Decimal(2), "三级": Decimal(1)}


@dataclass(frozen=True)
class Scoring:
    """level_weights and function_weights may name only some keys: the others keep their defaults."""

    level_weights: dict[str, Decimal] = field(default_factory=lambda: dict(_LEVEL_DEFAULTS))
    partial_credit: Decimal = Decimal("0.5")
    self_check_fallback: bool = True
    blank: str = "未完成"
    project_aggregation: str = "pooled"
    function_weights: dict[str, Decimal] = field(default_factory=lambda: {f: Decimal(1) for f in FUNCTIONS})

    def __post_init__(self) -> None:
        set_frozen(self, "level_weights",
                   {**_LEVEL_DEFAULTS, **{k: as_decimal(v) for k, v in self.level_weights.items()}})
        set_frozen(self, "function_weights", {**{f: Decimal(1) for f in FUNCTIONS},
                                              **{k: as_decimal(v) for k, v in self.function_weights.items()}})
        set_frozen(self, "partial_credit", as_decimal(self.partial_credit))


@dataclass(frozen=True)
class Rewards:
    reward_threshold: Decimal = Decimal(90)
    reward_amount: Decimal = Decimal(3000)
    penalty_threshold: Decimal = Decimal(60)
    penalty_amount: Decimal = Decimal(3000)
    ranking: str = "separate"

    def __post_init__(self) -> None:
        for name in ("reward_threshold", "reward_amount", "penalty_threshold", "penalty_amount"):
            set_frozen(self, name, as_decimal(getattr(self, name)))


@dataclass(frozen=True)
class Annual:
    """cap_grade None: derived from the grade bands when the Rules are built (see Rules.__post_init__)."""

    cap_grade: str | None = None
    consecutive: int = 2
    cumulative: int = 3
    cap_derived: bool = field(default=False, compare=False)  # cap_grade was not written, it follows the bands


def derived_cap_grade(grades: Grades) -> str:
    """The default annual cap grade: the lowest passing band (the last band with a minimum; B- by default)."""
    return grades.bands[-1].grade


@dataclass(frozen=True)
class Output:
    """What happens after the result is written; no number depends on it. open_result: open the result workbook
    (or, for several, the folder holding them) as `score --open` does."""

    open_result: bool = False


@dataclass(frozen=True)
class Rules:
    scoring: Scoring = field(default_factory=Scoring)
    grades: Grades = field(default_factory=Grades)
    rewards: Rewards = field(default_factory=Rewards)
    annual: Annual = field(default_factory=Annual)
    scorecard: ScorecardSettings = field(default_factory=ScorecardSettings)
    output: Output = field(default_factory=Output)

    def __post_init__(self) -> None:
        if self.annual.cap_grade is None or self.annual.cap_derived:  # derived: follows the bands, even after replace()
            a = self.annual
            set_frozen(self, "annual", Annual(cap_grade=derived_cap_grade(self.grades), consecutive=a.consecutive,
                                              cumulative=a.cumulative, cap_derived=True))
        if self.scorecard.grades_derived:  # [scorecard.grades] not written: the checklist's bands of this file
            set_frozen(self, "scorecard", replace(self.scorecard, grades=self.grades, grades_derived=True))


DEFAULT_RULES = Rules()


class RulesError(KpiError):
    """A rules file that cannot be used (exit 2)."""


def parse_rules(text: str, source: str = RULES_FILENAME) -> Rules:
    """Parse and validate a rules file's text; RulesError names every bad key."""
    from kpicli.rules.validate import validate

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        hint = _TOML_HINT if "initial character for a key" in str(exc) else ""
        raise RulesError(f"规则文件 {source} 不是有效的 TOML：{exc}{hint}") from exc
    return validate(data, source)


def load_rules(path: Path) -> Rules:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise RulesError(f"找不到规则文件 {path}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesError(f"无法读取规则文件 {path}（请用 UTF-8 编码保存）") from exc
    return parse_rules(text, path.name)


def resolve_rules(rules_path: Path | None, workbook: Path | None) -> tuple[Rules, str]:
    """The effective rules and where they came from: --rules, kpicli.toml beside the workbook, defaults."""
    if rules_path is not None:
        return load_rules(rules_path), str(rules_path)
    if workbook is not None:
        beside = workbook.parent / RULES_FILENAME
        if beside.is_file():
            return load_rules(beside), str(beside)
    return DEFAULT_RULES, "内置默认规则"


__all__ = ["DEFAULT_RULES", "RULES_FILENAME", "Annual", "Band", "Grades", "Output", "Rewards", "Rules", "RulesError",
           "Scoring", "ScorecardSettings", "derived_cap_grade", "load_rules", "parse_rules", "resolve_rules"]
