"""The pieces every table of a rules file shares: exact numbers from a settings file, checks, and grade bands.

[grades] and a kind's own grades table in its section are the same kind of table (a section's may default to
[grades]), so the bands live here, below rules.model and the kinds' sections.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import get_args


def as_decimal(value: object) -> object:
    """The decimal a number stands for (floats through their shortest repr, so 0.35 stays 0.35); anything else,
    booleans included, unchanged for the caller to judge."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, int):
        return Decimal(value)
    return value


def check_choice(table: str, name: str, value: object, choices: object) -> None:
    """A setting with fixed choices (a Literal type): ValueError naming the setting and its choices otherwise."""
    allowed = get_args(choices)
    if value not in allowed:
        raise ValueError(f"{table}.{name}「{value}」不是可选的取值；可选：{'、'.join(map(str, allowed))}")


def check_keys(table: str, values: Mapping[str, object], allowed: Sequence[str]) -> None:
    """A table whose keys are fixed (levels, functions): ValueError naming the unknown keys otherwise."""
    unknown = [k for k in values if k not in allowed]
    if unknown:
        raise ValueError(f"{table}：未知的键 {'、'.join(unknown)}（只能是 {'、'.join(allowed)}）")


# What a negative policy number is told (by the dataclasses for Rules built in code, by the schemas for a file)
NEGATIVE_WEIGHT = "权重不能为负数"
NEGATIVE_AMOUNT = "金额不能为负数（处罚金额也写正数）"
NEGATIVE_COEFFICIENT = "绩效系数不能为负数"


def check_not_negative(values: Iterable[object], message: str, where: str = "") -> None:
    """ValueError(`where`：…) unless every one of `values` is a finite number (a Decimal, after as_decimal) not below 0."""
    values = list(values)
    if any(not isinstance(v, Decimal) or not v.is_finite() for v in values):  # NaN cannot be compared with 0
        raise ValueError(f"{where}：应为有限的数字" if where else "应为有限的数字")
    if any(v < 0 for v in values):
        raise ValueError(f"{where}：{message}" if where else message)


def set_frozen(obj: object, name: str, value: object) -> None:
    """Normalise a field of a frozen dataclass in __post_init__."""
    object.__setattr__(obj, name, value)


@dataclass(frozen=True)
class Band:
    grade: str
    min: Decimal

    def __post_init__(self) -> None:
        set_frozen(self, "min", as_decimal(self.min))


def _default_bands() -> list[Band]:
    return [Band(grade=g, min=Decimal(m)) for g, m in (("A", 90), ("B+", 80), ("B", 70), ("B-", 60))]


@dataclass(frozen=True)
class Grades:
    bands: list[Band] = field(default_factory=_default_bands)
    lowest: str = "C"

    @property
    def names(self) -> list[str]:
        """Grade names from best to worst."""
        return [b.grade for b in self.bands] + [self.lowest]
