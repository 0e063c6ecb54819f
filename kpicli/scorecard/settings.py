"""Every scorecard policy number in one place (contract §3–§4); later read from `[scorecard]` in kpicli.toml."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from kpicli.rules.model import DEFAULT_RULES, Grades

Reviewer = Literal["self", "reviewer1", "reviewer2"]
RedLineMode = Literal["lowest", "zero", "flag"]
REVIEWERS: tuple[Reviewer, ...] = ("self", "reviewer1", "reviewer2")
REVIEWER_NAMES: dict[str, str] = {"self": "自评", "reviewer1": "上级评分", "reviewer2": "二级评分"}


def _default_coefficients() -> tuple[tuple[Decimal, Decimal], ...]:
    table = ((95, "1.2"), (90, "1.0"), (85, "0.9"), (80, "0.8"), (75, "0.7"), (70, "0.6"), (65, "0.5"), (60, "0.4"))
    return tuple((Decimal(low), Decimal(k)) for low, k in table)


@dataclass(frozen=True)
class ScorecardSettings:
    """Defaults per the contract. `reviewer_weights` (e.g. {"self": 10, "reviewer1": 90}) replaces the
    latest-reviewer order by a weighted mean, renormalised over the reviewers who filled the row."""

    reviewer_order: tuple[Reviewer, ...] = ("reviewer2", "reviewer1")  # latest reviewer first
    reviewer_weights: dict[str, Decimal] | None = None
    use_computed: bool = True  # the score from 计分方式 when no reviewer scored the row
    self_fallback: bool = True  # 自评 when neither a reviewer nor a computed score exists
    red_line: RedLineMode = "lowest"
    grades: Grades = field(default_factory=lambda: DEFAULT_RULES.grades)  # the checklist's bands
    coefficients: tuple[tuple[Decimal, Decimal], ...] = field(default_factory=_default_coefficients)
    below_coefficient: Decimal = Decimal(0)
    pay_places: int = 2  # 绩效奖金 rounded half-up to this many decimals

    def __post_init__(self) -> None:
        if self.reviewer_weights is not None:
            weights = {k: Decimal(repr(v)) if isinstance(v, float) else Decimal(v)
                       for k, v in self.reviewer_weights.items()}
            unknown = set(weights) - set(REVIEWERS)
            if unknown or any(w < 0 for w in weights.values()) or not any(weights.values()):
                raise ValueError(f"reviewer_weights: 只能给 {', '.join(REVIEWERS)} 非负权重，且不能全为 0")
            object.__setattr__(self, "reviewer_weights", weights)
        if self.red_line not in ("lowest", "zero", "flag"):
            raise ValueError("red_line 应为 lowest、zero 或 flag")
        ordered = sorted(self.coefficients, key=lambda band: band[0], reverse=True)
        object.__setattr__(self, "coefficients", tuple((Decimal(a), Decimal(b)) for a, b in ordered))

    def coefficient(self, total: Decimal) -> Decimal:
        """K for a rounded total: the first band whose lower bound the total reaches."""
        for low, k in self.coefficients:
            if total >= low:
                return k
        return self.below_coefficient


DEFAULT_SETTINGS = ScorecardSettings()
