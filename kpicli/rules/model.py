"""The policy numbers of the regulation, as settings (kpicli.toml), with the built-in defaults.

These frozen dataclasses are the one place every default of the shared tables is written (the grade bands in
rules.bands); a kind's own section of the file (rules.sections) keeps its defaults in its own package, and Rules
carries its settings in `sections`. Every number is kept as the decimal the user wrote (floats go
through their shortest repr), so scoring stays exact. A rules file is validated by the pydantic schemas
(rules.validate), imported only when there is a file to read (rules.files): pydantic costs a quarter of a second
at start-up. Settings with fixed choices are Literal fields checked here, in __post_init__, so a Rules built in code
is held to the same choices as a rules file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from kpicli.core.errors import KpiError
from kpicli.core.vocab import FUNCTIONS, normalize
from kpicli.rules.bands import (
    NEGATIVE_AMOUNT,
    NEGATIVE_WEIGHT,
    Band,
    Grades,
    as_decimal,
    check_choice,
    check_keys,
    check_not_negative,
    set_frozen,
)

_LEVEL_DEFAULTS = {"一级": Decimal(3), "二级": Decimal(2), "三级": Decimal(1)}
Blank = Literal["未完成", "error"]  # a blank result cell: 未完成, or an error to fix
ProjectAggregation = Literal["pooled", "function_weights"]
Ranking = Literal["separate", "combined"]


@dataclass(frozen=True)
class Scoring:
    """level_weights and function_weights may name only some keys: the others keep their defaults."""

    level_weights: dict[str, Decimal] = field(default_factory=lambda: dict(_LEVEL_DEFAULTS))
    partial_credit: Decimal = Decimal("0.5")
    self_check_fallback: bool = True
    blank: Blank = "未完成"
    project_aggregation: ProjectAggregation = "pooled"
    function_weights: dict[str, Decimal] = field(default_factory=lambda: {f: Decimal(1) for f in FUNCTIONS})

    def __post_init__(self) -> None:
        set_frozen(self, "level_weights",
                   {**_LEVEL_DEFAULTS, **{k: as_decimal(v) for k, v in self.level_weights.items()}})
        set_frozen(self, "function_weights", {**{f: Decimal(1) for f in FUNCTIONS},
                                              **{k: as_decimal(v) for k, v in self.function_weights.items()}})
        set_frozen(self, "partial_credit", as_decimal(self.partial_credit))
        check_choice("scoring", "blank", self.blank, Blank)
        check_choice("scoring", "project_aggregation", self.project_aggregation, ProjectAggregation)
        check_keys("scoring.level_weights", self.level_weights, tuple(_LEVEL_DEFAULTS))
        check_keys("scoring.function_weights", self.function_weights, FUNCTIONS)
        check_not_negative(self.level_weights.values(), NEGATIVE_WEIGHT, "scoring.level_weights")
        check_not_negative(self.function_weights.values(), NEGATIVE_WEIGHT, "scoring.function_weights")
        if not (isinstance(self.partial_credit, Decimal) and 0 <= self.partial_credit <= 1):
            raise ValueError(f"scoring.partial_credit「{self.partial_credit}」必须在 0 到 1 之间")


@dataclass(frozen=True)
class Rewards:
    reward_threshold: Decimal = Decimal(90)
    reward_amount: Decimal = Decimal(3000)
    penalty_threshold: Decimal = Decimal(60)
    penalty_amount: Decimal = Decimal(3000)
    ranking: Ranking = "separate"
    # the project's 物业经理 shares the project's reward or penalty: not by default (the regulation names 项目总监
    # and the project's 研发/营销/工程/客服 职能经理; 物业 settles through its 服务费)
    property_in_project_team: bool = False

    def __post_init__(self) -> None:
        for name in ("reward_threshold", "reward_amount", "penalty_threshold", "penalty_amount"):
            set_frozen(self, name, as_decimal(getattr(self, name)))
        check_choice("rewards", "ranking", self.ranking, Ranking)
        for name in ("reward_amount", "penalty_amount"):
            check_not_negative([getattr(self, name)], NEGATIVE_AMOUNT, f"rewards.{name}")
        if not isinstance(self.property_in_project_team, bool):
            raise ValueError(f"rewards.property_in_project_team「{self.property_in_project_team}」应为 true 或 false")


@dataclass(frozen=True)
class Annual:
    """cap_grade None: derived from the grade bands when the Rules are built (see Rules.__post_init__)."""

    cap_grade: str | None = None
    consecutive: int = 2
    cumulative: int = 3
    cap_derived: bool = field(default=False, compare=False)  # cap_grade was not written, it follows the bands

    def __post_init__(self) -> None:
        for name in ("consecutive", "cumulative"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 4:
                raise ValueError(f"annual.{name}「{value}」应为 1–4 的整数（季度数）")


def derived_cap_grade(grades: Grades) -> str:
    """The default annual cap grade: the lowest passing band (the last band with a minimum; B- by default)."""
    return grades.bands[-1].grade


@dataclass(frozen=True)
class Output:
    """What happens after the result is written; no number depends on it. open_result: open the result workbook
    (or, for several, the folder holding them) as `score --open` does."""

    open_result: bool = False


@dataclass(frozen=True)
class ProjectNames:
    """[projects]: aliases maps an old spelling of a project to the name used now (a project renamed between
    quarters: {"云栖府一期" = "云栖府"}); `annual` joins the two into one row. Names only: no score depends on it."""

    aliases: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        aliases = {str(k).strip(): str(v).strip() for k, v in self.aliases.items()}
        bad = [k for k, v in aliases.items() if not k or not v or k == v]
        if bad:
            raise ValueError(f"projects.aliases：「{'、'.join(bad) or '（空）'}」应写成 \"原名称\" = \"现名称\"，两者都不能为空，"
                             "也不能相同")
        chained = [k for k, v in aliases.items() if v in aliases]
        if chained:
            raise ValueError(f"projects.aliases：「{aliases[chained[0]]}」本身又是别名；请把「{chained[0]}」直接写成"
                             f"现名称「{aliases[aliases[chained[0]]]}」")
        set_frozen(self, "aliases", aliases)

    def canonical(self, name: str) -> str:
        """The name used now for a project spelled `name` (compared after normalize: spaces, full-width)."""
        key = normalize(name)
        return next((v for k, v in self.aliases.items() if normalize(k) == key), name)


@dataclass(frozen=True)
class Rules:
    scoring: Scoring = field(default_factory=Scoring)
    grades: Grades = field(default_factory=Grades)
    rewards: Rewards = field(default_factory=Rewards)
    annual: Annual = field(default_factory=Annual)
    # each kind's own section by its table name (rules.sections): filled by the rules loader with every section the
    # registry declares; a Rules built in code carries none unless given (the kind then uses its defaults)
    sections: dict[str, Any] = field(default_factory=dict)
    output: Output = field(default_factory=Output)
    projects: ProjectNames = field(default_factory=ProjectNames)

    def __post_init__(self) -> None:
        if self.annual.cap_grade is None or self.annual.cap_derived:  # derived: follows the bands, even after replace()
            a = self.annual
            set_frozen(self, "annual", Annual(cap_grade=derived_cap_grade(self.grades), consecutive=a.consecutive,
                                              cumulative=a.cumulative, cap_derived=True))
        # a section's defaults that follow the shared tables (a kind's grades not written: the [grades] bands of
        # this file), even after replace()
        set_frozen(self, "sections", {name: settings.follow(self) for name, settings in self.sections.items()})

    def section(self, name: str) -> Any:
        """The settings of the kind's section `name`, or None when these Rules do not carry it."""
        return self.sections.get(name)


DEFAULT_RULES = Rules()


class RulesError(KpiError):
    """A rules file that cannot be used (exit 2)."""


__all__ = ["DEFAULT_RULES", "Annual", "Band", "Grades", "Output", "ProjectNames", "Rewards", "Rules", "RulesError", "Scoring",
           "derived_cap_grade"]
