"""Every scorecard policy number (contract scorecard.md §3–§4, §6): `[scorecard]` of kpicli.toml.

The scorecard's own section of the rules file (kpicli.rules.sections): its settings are defined here, the Rules of
a rules file carry them in `rules.sections["scorecard"]`, and `settings_of(rules)` gives them to the scorecard code
(the defaults, following the rules' [grades], when the Rules carry none). Defaults are written here only: the
pydantic schema (scorecard.rules_schema) validates a file and leaves every key the file does not write to these.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Literal, get_args

from kpicli.rules.bands import (
    NEGATIVE_COEFFICIENT,
    NEGATIVE_WEIGHT,
    Grades,
    as_decimal,
    check_choice,
    check_not_negative,
    set_frozen,
)

if TYPE_CHECKING:
    from kpicli.rules.model import Rules

SECTION_NAME = "scorecard"  # the table of kpicli.toml, and the key of these settings in Rules.sections

Reviewer = Literal["self", "reviewer1", "reviewer2"]
RedLineMode = Literal["lowest", "zero", "flag"]
REVIEWERS: tuple[Reviewer, ...] = get_args(Reviewer)
# The column names of the form; a rules file names the reviewers by them.
REVIEWER_NAMES: dict[str, str] = {"self": "自评", "reviewer1": "上级评分", "reviewer2": "二级评分"}
RED_LINE_MODES: tuple[RedLineMode, ...] = get_args(RedLineMode)
# The parts of the year's score (§6), by their Chinese names in the rules file.
ANNUAL_PARTS: dict[str, str] = {"periodic": "月度平均", "year_end": "年终考核", "review": "民主评议"}


def _exact(value: object) -> Decimal:
    """A number given in code (int, float, str or Decimal) as the exact decimal it is written as."""
    return Decimal(value) if isinstance(value, str) else as_decimal(value)  # type: ignore[return-value]


def _default_coefficients() -> tuple[tuple[Decimal, Decimal], ...]:
    table = ((95, "1.2"), (90, "1.0"), (85, "0.9"), (80, "0.8"), (75, "0.7"), (70, "0.6"), (65, "0.5"), (60, "0.4"))
    return tuple((Decimal(low), Decimal(k)) for low, k in table)


@dataclass(frozen=True)
class ScorecardAnnual:
    """Weights (percent) of the year's score: 月度平均 (or 季度平均), 年终考核, 民主评议; they add up to 100."""

    periodic: Decimal = Decimal(30)
    year_end: Decimal = Decimal(65)
    review: Decimal = Decimal(5)

    def __post_init__(self) -> None:
        for name in ANNUAL_PARTS:
            set_frozen(self, name, _exact(getattr(self, name)))
        check_not_negative([getattr(self, name) for name in ANNUAL_PARTS], NEGATIVE_WEIGHT, "scorecard.annual.weights")
        if self.periodic + self.year_end + self.review != 100:
            raise ValueError("年度权重（月度平均、年终考核、民主评议）加起来必须等于 100")


@dataclass(frozen=True)
class ScorecardSettings:
    """`reviewer_weights` (e.g. {"self": 10, "reviewer1": 90}) replaces the latest-reviewer order by a weighted
    mean, renormalised over the reviewers who filled the row.

    grades None (not written): the shared bands of the rules file ([grades]) — Grades() here, the [grades] of the same rules file once the
    Rules are built (Rules.__post_init__ calls follow); grades_derived says so, for `rules show`."""

    reviewer_order: tuple[Reviewer, ...] = ("reviewer2", "reviewer1")  # latest reviewer first
    reviewer_weights: dict[str, Decimal] | None = None
    use_computed: bool = True  # the score from 计分方式 when no reviewer scored the row
    self_fallback: bool = True  # 自评 when neither a reviewer nor a computed score exists
    red_line: RedLineMode = "lowest"
    grades: Grades | None = None  # always a Grades after construction
    coefficients: tuple[tuple[Decimal, Decimal], ...] = field(default_factory=_default_coefficients)
    below_coefficient: Decimal = Decimal(0)
    pay_places: int = 2  # 绩效奖金 rounded half-up to this many decimals
    annual: ScorecardAnnual = field(default_factory=ScorecardAnnual)
    grades_derived: bool = field(default=False, compare=False)  # grades not written: they follow [grades]

    def __post_init__(self) -> None:
        if self.reviewer_weights is not None:
            weights = {k: _exact(v) for k, v in self.reviewer_weights.items()}
            unknown = set(weights) - set(REVIEWERS)
            if unknown or any(w < 0 for w in weights.values()) or not any(weights.values()):
                raise ValueError(f"reviewer_weights：只能给 {'、'.join(REVIEWERS)} 非负权重，且不能全为 0")
            set_frozen(self, "reviewer_weights", weights)
        check_choice("scorecard", "red_line", self.red_line, RedLineMode)
        for reviewer in self.reviewer_order:
            check_choice("scorecard", "reviewer_order", reviewer, Reviewer)
        if self.grades is None:
            set_frozen(self, "grades", Grades())
            set_frozen(self, "grades_derived", True)
        set_frozen(self, "reviewer_order", tuple(self.reviewer_order))
        pairs = [(_exact(low), _exact(k)) for low, k in self.coefficients]
        set_frozen(self, "coefficients", tuple(sorted(pairs, key=lambda band: band[0], reverse=True)))
        set_frozen(self, "below_coefficient", _exact(self.below_coefficient))
        check_not_negative([k for _, k in self.coefficients], NEGATIVE_COEFFICIENT, "scorecard.coefficients")
        check_not_negative([self.below_coefficient], NEGATIVE_COEFFICIENT, "scorecard.below_coefficient")

    def follow(self, rules: Rules) -> ScorecardSettings:
        """[scorecard.grades] not written: the shared bands of the same rules file ([grades])."""
        if not self.grades_derived:
            return self
        return replace(self, grades=rules.grades, grades_derived=True)

    def coefficient(self, total: Decimal) -> Decimal:
        """K for a rounded total: the first band whose lower bound the total reaches."""
        for low, k in self.coefficients:
            if total >= low:
                return k
        return self.below_coefficient


DEFAULT_SETTINGS = ScorecardSettings()


def settings_of(rules: Rules) -> ScorecardSettings:
    """The scorecard settings of `rules`: its [scorecard] section, or the defaults (their grades following the
    rules' [grades]) when the Rules carry none (built in code without the kinds' sections)."""
    found = rules.section(SECTION_NAME)
    return found if found is not None else DEFAULT_SETTINGS.follow(rules)


__all__ = ["ANNUAL_PARTS", "DEFAULT_SETTINGS", "RED_LINE_MODES", "REVIEWERS", "REVIEWER_NAMES", "SECTION_NAME",
           "RedLineMode", "Reviewer", "ScorecardAnnual", "ScorecardSettings", "settings_of"]
