"""Validation of `[scorecard]`, `[scorecard.grades]` and `[scorecard.annual]` of a rules file (issue #13), imported
only when a rules file is read (the section's schema(), kpicli.scorecard.rules_section). Like kpicli.rules.schema it
holds no defaults: what the file does not write is left to ScorecardSettings; kpicli.rules.validate translates its
errors into Chinese with the shared tables' ones.

A rules file names reviewers and the parts of the year in Chinese, as the forms do (自评, 上级评分, 二级评分;
月度平均, 年终考核, 民主评议); the settings use the internal keys.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from itertools import pairwise
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from kpicli.rules.bands import NEGATIVE_COEFFICIENT, NEGATIVE_WEIGHT, check_not_negative
from kpicli.rules.schema import GradesSchema, Number, StrictModel, numbers_in, to_number
from kpicli.scorecard.settings import ANNUAL_PARTS, REVIEWER_NAMES, RedLineMode, ScorecardAnnual, ScorecardSettings

_REVIEWER_KEYS = {name: key for key, name in REVIEWER_NAMES.items()}
_ORDERED = ("二级评分", "上级评分")  # reviewer_order names reviewers only: 自评 is self_fallback's
# 季度平均 is the same part as 月度平均 for a company that assesses by quarter (contract §6)
_ANNUAL_KEYS = {**{name: key for key, name in ANNUAL_PARTS.items()}, "季度平均": "periodic"}


class CoefficientSchema(StrictModel):
    """One band of the K table: its lower bound (min = 90), or the band as the company's table writes it
    (band = "90-94", "95分以上", "60分以下"); bands are checked for gaps as a whole (coefficient_bands)."""

    min: Number | None = None
    band: str | None = None
    k: Number

    @field_validator("min", "k", mode="before")
    @classmethod
    def _number(cls, v: object) -> object:
        return to_number(v)

    @model_validator(mode="after")
    def _one_bound(self) -> CoefficientSchema:
        if (self.min is None) == (self.band is None):
            raise ValueError('每一档写 min（下限，如 { min = 90, k = 1.0 }）或 band（如 { band = "90-94", k = 1.0 }）'
                             "其中一个")
        return self

    @field_validator("k")
    @classmethod
    def _not_negative(cls, v: Decimal) -> Decimal:
        check_not_negative([v], NEGATIVE_COEFFICIENT)
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
        check_not_negative(v.values(), NEGATIVE_WEIGHT)
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
        check_not_negative(v.values(), NEGATIVE_WEIGHT)
        if not any(v.values()):
            raise ValueError("权重不能全为 0")
        return v

    @field_validator("coefficients")
    @classmethod
    def _bands(cls, v: list[CoefficientSchema]) -> list[CoefficientSchema]:
        if any(c.band is not None for c in v):
            if any(c.band is None for c in v):
                raise ValueError("coefficients 的各档请统一用 min 或统一用 band 写，不要混用")
            coefficient_bands([(c.band, c.k) for c in v])  # type: ignore[misc]
            return v
        if any(a.min <= b.min for a, b in pairwise(v)):  # type: ignore[operator]
            raise ValueError("coefficients 的 min 必须严格从高到低排列，例如 [{ min = 95, k = 1.2 }, { min = 90, k = 1.0 }]")
        return v

    @field_validator("below_coefficient")
    @classmethod
    def _below(cls, v: Decimal) -> Decimal:
        check_not_negative([v], NEGATIVE_COEFFICIENT)
        return v

    @model_validator(mode="after")
    def _one_below(self) -> ScorecardSchema:
        bands = [c.band for c in self.coefficients or () if c.band is not None]
        if self.below_coefficient is not None and any(_band(b)[0] is None for b in bands):
            raise ValueError("coefficients 里已有「以下」一档，又写了 below_coefficient；请只写其中一个")
        return self

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
        if self.coefficients is not None and self.coefficients[0].band is not None:
            mins, below = coefficient_bands([(c.band, c.k) for c in self.coefficients])  # type: ignore[misc]
            given["coefficients"] = mins
            if below is not None:
                given["below_coefficient"] = below
        elif self.coefficients is not None:
            given["coefficients"] = tuple((c.min, c.k) for c in self.coefficients)
        if self.annual is not None:
            given["annual"] = self.annual.build()
        return ScorecardSettings(**given)


_RANGE = re.compile(r"^(\d+(?:\.\d+)?)分?(?:-|~|至|到)(\d+(?:\.\d+)?)分?$")
_FROM = re.compile(r"^(?:≥|>=)(\d+(?:\.\d+)?)分?$|^(\d+(?:\.\d+)?)分?(?:及)?以上$")
_BELOW = re.compile(r"^<(\d+(?:\.\d+)?)分?$|^(\d+(?:\.\d+)?)分?以下$")


def _band(text: str) -> tuple[Decimal | None, Decimal | None]:
    """ "90-94" → (90, 94) both inclusive; "95分以上" / "≥95" → (95, None); "60分以下" / "<60" → (None, 60), exclusive."""
    clean = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).replace("–", "-").replace("—", "-")
    if match := _RANGE.match(clean):
        low, high = Decimal(match.group(1)), Decimal(match.group(2))
        if high < low:
            raise ValueError(f"绩效系数档「{text}」的上下限写反了")
        return low, high
    if match := _FROM.match(clean):
        return Decimal(match.group(1) or match.group(2)), None
    if match := _BELOW.match(clean):
        return None, Decimal(match.group(1) or match.group(2))
    raise ValueError(f'绩效系数档「{text}」无法识别；请写成 "90-94"、"95分以上" 或 "60分以下"')


def _text(value: Decimal) -> str:
    return format(value.normalize(), "f")


def coefficient_bands(bands: list[tuple[str, Decimal]]) -> tuple[tuple[tuple[Decimal, Decimal], ...], Decimal | None]:
    """The K table written as the company writes it, checked for gaps and overlaps like the tiers of 分档, as
    (lower bound, k) pairs from high to low and the k below the lowest band (None when no 以下 band).

    A total has two decimals: "90-94" and "95分以上" leave 94.01–94.99 without a coefficient, which is refused naming
    the gap. A boundary shared by two bands (90-95, 95分以上) belongs to the higher one (lower bounds are inclusive);
    the highest band counts upward (a total above 100 under 上不封顶 keeps it)."""
    parsed = sorted(((_band(text), text, k) for text, k in bands),
                    key=lambda b: Decimal(-1) if b[0][0] is None else b[0][0])
    below = [b for b in parsed if b[0][0] is None]
    if len(below) > 1:
        raise ValueError(f"绩效系数有两档「以下」：{below[0][1]}、{below[1][1]}；请只留一档")
    for (bounds_a, text_a, _), (bounds_b, text_b, _) in pairwise(parsed):
        (_, high), (low, _) = bounds_a, bounds_b
        assert low is not None
        if high is None:
            raise ValueError(f"绩效系数档「{text_a}」没有上限，与「{text_b}」重叠；只有最高一档可以写「以上」")
        if low > high:
            lower = _text(bounds_a[0] if bounds_a[0] is not None else high)
            raise ValueError(f"绩效系数档「{text_a}」与「{text_b}」之间有空档：总分在 {_text(high)} 与 {_text(low)} 之间"
                             f"（如 {_text((high + low) / 2)}）时没有系数，而总分保留两位小数；请改用下限写法，如 "
                             f"{{ min = {lower}, k = … }}（总分不低于下限、低于上一档的下限）")
        if low < high:  # a shared boundary (90-95, 95分以上) belongs to the higher band: lower bounds are inclusive
            raise ValueError(f"绩效系数档「{text_a}」与「{text_b}」重叠（{_text(low)} 到 {_text(high)} 在两档中）；请改正")
    top = parsed[-1]
    if top[0][0] is None:
        raise ValueError(f"绩效系数只写了「{top[1]}」一档「以下」；请写出各档")
    pairs = tuple((bounds[0], k) for bounds, _, k in reversed(parsed) if bounds[0] is not None)
    return pairs, (below[0][2] if below else None)
