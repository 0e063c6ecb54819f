"""Validation of the shared tables of a rules file (kpicli.toml) with pydantic, imported only when a rules
file is read (pydantic costs a quarter of a second at start-up).

The schemas hold no defaults: a key the file does not write stays unset, and `build()` passes only the keys
written to the dataclasses of rules.model, which alone know the defaults. Strict mode refuses wrong types instead
of coercing them ("3000" is not 3000, "yes" is not true).
"""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kpicli.core.vocab import FUNCTIONS, LEVELS
from kpicli.rules.bands import NEGATIVE_AMOUNT, NEGATIVE_WEIGHT, Band, Grades, as_decimal, check_not_negative
from kpicli.rules.model import Annual, Blank, Output, ProjectAggregation, ProjectNames, Ranking, Rewards, Scoring

Number = Annotated[Decimal, Field(allow_inf_nan=False)]


def to_number(value: object) -> object:
    """A before-validator's conversion: TOML floats arrive as binary floats, take the digits the user typed."""
    if isinstance(value, bool):
        raise ValueError("应为数字")
    return as_decimal(value)


def numbers_in(value: object) -> object:
    """to_number over a table's values; a value that is not a table is left for pydantic to refuse."""
    return {k: to_number(x) for k, x in value.items()} if isinstance(value, dict) else value


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    def given(self) -> dict[str, object]:
        """The keys the file wrote, with their validated values (the dataclass supplies the rest)."""
        return {name: getattr(self, name) for name in self.model_fields_set}


def check_weights(v: dict[str, Decimal], allowed: tuple[str, ...] | list[str], what: str) -> dict[str, Decimal]:
    unknown = [k for k in v if k not in allowed]
    if unknown:
        raise ValueError(f"未知的{what} {'、'.join(unknown)}（只能是 {'、'.join(allowed)}）")
    check_not_negative(v.values(), NEGATIVE_WEIGHT)
    return v


class ScoringSchema(StrictModel):
    level_weights: dict[str, Number] | None = None
    partial_credit: Number | None = None
    self_check_fallback: bool | None = None
    blank: Blank | None = None
    project_aggregation: ProjectAggregation | None = None
    function_weights: dict[str, Number] | None = None

    @field_validator("partial_credit", mode="before")
    @classmethod
    def _number(cls, v: object) -> object:
        return to_number(v)

    @field_validator("level_weights", "function_weights", mode="before")
    @classmethod
    def _tables(cls, v: object) -> object:
        return numbers_in(v)

    @field_validator("partial_credit")
    @classmethod
    def _partial_range(cls, v: Decimal) -> Decimal:
        if not 0 <= v <= 1:
            raise ValueError("必须在 0 到 1 之间")
        return v

    @field_validator("level_weights")
    @classmethod
    def _levels(cls, v: dict[str, Decimal]) -> dict[str, Decimal]:
        return check_weights(v, LEVELS, "触点等级")

    @field_validator("function_weights")
    @classmethod
    def _functions(cls, v: dict[str, Decimal]) -> dict[str, Decimal]:
        return check_weights(v, FUNCTIONS, "职能")

    def build(self) -> Scoring:
        return Scoring(**self.given())


class BandSchema(StrictModel):
    grade: str = Field(min_length=1)
    min: Number

    @field_validator("min", mode="before")
    @classmethod
    def _number(cls, v: object) -> object:
        return to_number(v)


class GradesSchema(StrictModel):
    """[grades], and a kind's own grades table in its section too: the same table."""

    bands: Annotated[list[BandSchema], Field(min_length=1)] | None = None
    lowest: Annotated[str, Field(min_length=1)] | None = None

    @model_validator(mode="after")
    def _check(self) -> GradesSchema:
        grades = self.build()  # a band list or a lowest grade alone is checked with the default of the other
        if any(a <= b for a, b in pairwise(b.min for b in grades.bands)):
            raise ValueError("bands 的 min 必须严格从高到低排列")
        if len(set(grades.names)) != len(grades.names):
            raise ValueError("等级名称不能重复")
        return self

    def build(self) -> Grades:
        given = self.given()
        if self.bands is not None:
            given["bands"] = [Band(grade=b.grade, min=b.min) for b in self.bands]
        return Grades(**given)


class RewardsSchema(StrictModel):
    reward_threshold: Number | None = None
    reward_amount: Number | None = None
    penalty_threshold: Number | None = None
    penalty_amount: Number | None = None
    ranking: Ranking | None = None
    property_in_project_team: bool | None = None

    @field_validator("reward_threshold", "reward_amount", "penalty_threshold", "penalty_amount", mode="before")
    @classmethod
    def _numbers(cls, v: object) -> object:
        return to_number(v)

    @field_validator("reward_amount", "penalty_amount")
    @classmethod
    def _not_negative(cls, v: Decimal) -> Decimal:
        check_not_negative([v], NEGATIVE_AMOUNT)
        return v

    def build(self) -> Rewards:
        return Rewards(**self.given())


class AnnualSchema(StrictModel):
    cap_grade: Annotated[str, Field(min_length=1)] | None = None  # not written: the lowest passing band
    consecutive: Annotated[int, Field(ge=1, le=4)] | None = None
    cumulative: Annotated[int, Field(ge=1, le=4)] | None = None

    def build(self) -> Annual:
        return Annual(**self.given())


class OutputSchema(StrictModel):
    open_result: bool | None = None

    def build(self) -> Output:
        return Output(**self.given())


class ProjectsSchema(StrictModel):
    """[projects]: aliases = { "原名称" = "现名称" } (a project renamed between quarters)."""

    aliases: dict[Annotated[str, Field(min_length=1)], Annotated[str, Field(min_length=1)]] | None = None

    @field_validator("aliases")
    @classmethod
    def _aliases(cls, v: dict[str, str] | None) -> dict[str, str] | None:
        if v is not None:
            try:
                ProjectNames(aliases=v)  # its checks (same name, an alias of an alias) say what to write
            except ValueError as exc:
                raise ValueError(str(exc).removeprefix("projects.aliases：")) from None
        return v

    def build(self) -> ProjectNames:
        return ProjectNames(**self.given())
