"""Validation of `[scorecard]` and `[scorecard.annual]` of a rules file (issue #13), imported only when a rules file
is read. Like rules.schema it holds no defaults: what the file does not write is left to ScorecardSettings.

A rules file names reviewers and the parts of the year in Chinese, as the forms do (自评, 上级评分, 二级评分;
月度平均, 年终考核, 民主评议); the settings use the internal keys.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from kpicli.rules.schema import GradesSchema, Number, StrictModel, numbers_in, to_number
from kpicli.rules.scorecard import ANNUAL_PARTS, REVIEWER_NAMES, RedLineMode, ScorecardAnnual, ScorecardSettings

_REVIEWER_KEYS = {name: key for key, name in REVIEWER_NAMES.items()}
_ORDERED = ("二级评分", "上级评分")  # reviewer_order names reviewers only: 自评 is self_fallback's
# 季度平均 is the same part as 月度平均 for a company that assesses by quarter (contract §6)
_ANNUAL_KEYS = {**{name: key for key, name in ANNUAL_PARTS.items()}, "季度平均": "periodic"}


class CoefficientSchema(StrictModel):
    min: Number
    k: Number

    @field_validator("min", "k", mode="before")
    @classmethod
    def _number(cls, v: object) -> object:
        return to_number(v)

    @field_validator("k")
    @classmethod
    def _not_negative(cls, v: Decimal) -> Decimal:
        if v < 0:
            raise ValueError("绩效系数 k 不能为负数")
        return v


class ScorecardAnnualSchema(StrictModel):
    weights: dict[str, Number] | None = None

    @field_validator("weights", mode="before")
    @classmethod
    def _numbers(cls, v: object) -> object:
        return numbers_in(v)

    @field_validator("weights")
    @classmethod
    def _parts(cls, v: dict[str, Decimal]) -> dict[str, Decimal]:
        example = 'weights = { "月度平均" = 30, "年终考核" = 65, "民主评议" = 5 }'
        unknown = [k for k in v if k not in _ANNUAL_KEYS]
        if unknown:
            raise ValueError(f"未知的部分 {'、'.join(unknown)}；只能是 月度平均（或 季度平均）、年终考核、民主评议，"
                             f"例如 {example}")
        if "月度平均" in v and "季度平均" in v:
            raise ValueError("月度平均和季度平均是同一部分，请只写其中一个")
        named = {_ANNUAL_KEYS[k] for k in v}
        missing = [name for key, name in ANNUAL_PARTS.items() if key not in named]
        if missing:
            raise ValueError(f"缺少 {'、'.join(missing)}；三部分都要写（不计入的写 0），例如 {example}")
        if any(w < 0 for w in v.values()):
            raise ValueError("权重不能为负数")
        total = sum(v.values(), Decimal(0))
        if total != 100:
            raise ValueError(f"三部分权重加起来是 {format(total.normalize(), 'f')}，必须等于 100；请调整后再试")
        return v

    def build(self) -> ScorecardAnnual:
        if self.weights is None:
            return ScorecardAnnual()
        return ScorecardAnnual(**{_ANNUAL_KEYS[k]: w for k, w in self.weights.items()})


class ScorecardSchema(StrictModel):
    reviewer_order: Annotated[list[str], Field(min_length=1)] | None = None
    reviewer_weights: dict[str, Number] | None = None
    use_computed: bool | None = None
    self_fallback: bool | None = None
    red_line: RedLineMode | None = None
    grades: GradesSchema | None = None
    coefficients: Annotated[list[CoefficientSchema], Field(min_length=1)] | None = None
    below_coefficient: Number | None = None
    pay_places: Annotated[int, Field(ge=0, le=4)] | None = None
    annual: ScorecardAnnualSchema | None = None

    @field_validator("reviewer_weights", mode="before")
    @classmethod
    def _weights_numbers(cls, v: object) -> object:
        return numbers_in(v)

    @field_validator("below_coefficient", mode="before")
    @classmethod
    def _number(cls, v: object) -> object:
        return to_number(v)

    @field_validator("reviewer_order")
    @classmethod
    def _order(cls, v: list[str]) -> list[str]:
        unknown = [name for name in v if name not in _ORDERED]
        if unknown:
            raise ValueError(f"未知的评分人 {'、'.join(unknown)}；只能是 {'、'.join(_ORDERED)}，"
                             "按采用的先后排列（自评由 self_fallback 决定）")
        if len(set(v)) != len(v):
            raise ValueError("评分人不能重复")
        return v

    @field_validator("reviewer_weights")
    @classmethod
    def _weights(cls, v: dict[str, Decimal]) -> dict[str, Decimal]:
        unknown = [name for name in v if name not in _REVIEWER_KEYS]
        if unknown:
            raise ValueError(f"未知的评分人 {'、'.join(unknown)}；只能是 {'、'.join(REVIEWER_NAMES.values())}，"
                             '例如 reviewer_weights = { "自评" = 10, "上级评分" = 90 }')
        if any(w < 0 for w in v.values()):
            raise ValueError("权重不能为负数")
        if not any(v.values()):
            raise ValueError("权重不能全为 0")
        return v

    @field_validator("coefficients")
    @classmethod
    def _bands(cls, v: list[CoefficientSchema]) -> list[CoefficientSchema]:
        if any(a.min <= b.min for a, b in pairwise(v)):
            raise ValueError("coefficients 的 min 必须严格从高到低排列，例如 [{ min = 95, k = 1.2 }, { min = 90, k = 1.0 }]")
        return v

    @field_validator("below_coefficient")
    @classmethod
    def _below(cls, v: Decimal) -> Decimal:
        if v < 0:
            raise ValueError("绩效系数不能为负数")
        return v

    @model_validator(mode="after")
    def _one_way(self) -> ScorecardSchema:
        if self.reviewer_order is not None and self.reviewer_weights is not None:
            raise ValueError("reviewer_order（采用最后一位评分人）和 reviewer_weights（按权重加权）只能写一个；"
                             "请删除不用的那一行")
        return self

    def build(self) -> ScorecardSettings:
        given = self.given()
        if self.reviewer_order is not None:
            given["reviewer_order"] = tuple(_REVIEWER_KEYS[name] for name in self.reviewer_order)
        if self.reviewer_weights is not None:
            given["reviewer_weights"] = {_REVIEWER_KEYS[name]: w for name, w in self.reviewer_weights.items()}
        if self.grades is not None:
            given["grades"] = self.grades.build()
        if self.coefficients is not None:
            given["coefficients"] = tuple((c.min, c.k) for c in self.coefficients)
        if self.annual is not None:
            given["annual"] = self.annual.build()
        return ScorecardSettings(**given)
