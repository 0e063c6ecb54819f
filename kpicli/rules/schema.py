"""Validation of a rules file (kpicli.toml) with pydantic, imported only when a rules file is read.

The models mirror kpicli.rules.model' dataclasses; strict mode refuses wrong types instead of coercing them.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kpicli.core.vocab import FUNCTIONS, LEVELS

Number = Annotated[Decimal, Field(allow_inf_nan=False)]


def _as_decimal(value: object) -> object:
    # TOML floats arrive as binary floats: take the digits the user typed.
    if isinstance(value, bool):
        raise ValueError("应为数字")
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, int):
        return Decimal(value)
    return value


class _Strict(BaseModel):
    # strict: a wrong type is refused, never coerced ("3000" is not 3000, "yes" is not true)
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class ScoringSchema(_Strict):
    level_weights: dict[str, Number] = Field(
        default_factory=lambda: {"一级": Decimal(3), "二级": Decimal(2), "三级": Decimal(1)}
    )
    partial_credit: Number = Decimal("0.5")
    self_check_fallback: bool = True
    blank: Literal["未完成", "error"] = "未完成"
    project_aggregation: Literal["pooled", "function_weights"] = "pooled"
    function_weights: dict[str, Number] = Field(
        default_factory=lambda: {f: Decimal(1) for f in FUNCTIONS}
    )

    @field_validator("partial_credit", mode="before")
    @classmethod
    def _partial_decimal(cls, v: object) -> object:
        return _as_decimal(v)

    @field_validator("level_weights", "function_weights", mode="before")
    @classmethod
    def _dict_decimal(cls, v: object) -> object:
        return {k: _as_decimal(x) for k, x in v.items()} if isinstance(v, dict) else v

    @field_validator("partial_credit")
    @classmethod
    def _partial_range(cls, v: Decimal) -> Decimal:
        if not 0 <= v <= 1:
            raise ValueError("必须在 0 到 1 之间")
        return v

    @field_validator("level_weights")
    @classmethod
    def _levels(cls, v: dict[str, Decimal]) -> dict[str, Decimal]:
        unknown = [k for k in v if k not in LEVELS]
        if unknown:
            raise ValueError(f"未知的触点等级 {'、'.join(unknown)}(只能是 一级、二级、三级)")
        if any(w < 0 for w in v.values()):
            raise ValueError("权重不能为负数")
        defaults = {"一级": Decimal(3), "二级": Decimal(2), "三级": Decimal(1)}
        return {**defaults, **v}

    @field_validator("function_weights")
    @classmethod
    def _functions(cls, v: dict[str, Decimal]) -> dict[str, Decimal]:
        unknown = [k for k in v if k not in FUNCTIONS]
        if unknown:
            raise ValueError(f"未知的职能 {'、'.join(unknown)}(只能是 {'、'.join(FUNCTIONS)})")
        if any(w < 0 for w in v.values()):
            raise ValueError("权重不能为负数")
        return {**{f: Decimal(1) for f in FUNCTIONS}, **v}


class BandSchema(_Strict):
    grade: str = Field(min_length=1)
    min: Number

    @field_validator("min", mode="before")
    @classmethod
    def _min_decimal(cls, v: object) -> object:
        return _as_decimal(v)


def _default_bands() -> list[BandSchema]:
    return [BandSchema(grade=g, min=Decimal(m)) for g, m in (("A", 90), ("B+", 80), ("B", 70), ("B-", 60))]


class GradesSchema(_Strict):
    bands: list[BandSchema] = Field(default_factory=_default_bands, min_length=1)
    lowest: str = Field(default="C", min_length=1)

    @model_validator(mode="after")
    def _check(self) -> GradesSchema:
        mins = [b.min for b in self.bands]
        if any(a <= b for a, b in pairwise(mins)):
            raise ValueError("bands 的 min 必须严格从高到低排列")
        names = [b.grade for b in self.bands] + [self.lowest]
        if len(set(names)) != len(names):
            raise ValueError("等级名称不能重复")
        return self

    @property
    def names(self) -> list[str]:
        """Grade names from best to worst."""
        return [b.grade for b in self.bands] + [self.lowest]


class RewardsSchema(_Strict):
    reward_threshold: Number = Decimal(90)
    reward_amount: Number = Decimal(3000)
    penalty_threshold: Number = Decimal(60)
    penalty_amount: Number = Decimal(3000)
    ranking: Literal["separate", "combined"] = "separate"

    @field_validator("reward_threshold", "reward_amount", "penalty_threshold", "penalty_amount", mode="before")
    @classmethod
    def _decimal(cls, v: object) -> object:
        return _as_decimal(v)

    @field_validator("reward_amount", "penalty_amount")
    @classmethod
    def _not_negative(cls, v: Decimal) -> Decimal:
        if v < 0:
            raise ValueError("金额不能为负数(处罚金额也写正数)")
        return v


class AnnualSchema(_Strict):
    cap_grade: str | None = Field(default=None, min_length=1)  # None: the lowest passing band
    consecutive: int = Field(default=2, ge=1, le=4)
    cumulative: int = Field(default=3, ge=1, le=4)


class RulesSchema(_Strict):
    scoring: ScoringSchema = Field(default_factory=ScoringSchema)
    grades: GradesSchema = Field(default_factory=GradesSchema)
    rewards: RewardsSchema = Field(default_factory=RewardsSchema)
    annual: AnnualSchema = Field(default_factory=AnnualSchema)

    @model_validator(mode="after")
    def _cap_is_grade(self) -> RulesSchema:
        cap, names = self.annual.cap_grade, self.grades.names
        if cap is not None and cap not in names:
            lowest_passing = self.grades.bands[-1].grade
            raise ValueError(
                f"annual.cap_grade「{cap}」不是已定义的等级；请改成其中之一：{'、'.join(names)}"
                f"（例如 cap_grade = \"{lowest_passing}\"），或删除这一行，自动采用最低及格等级「{lowest_passing}」"
            )
        return self
