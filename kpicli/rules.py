"""The policy numbers of the regulation, as settings (kpicli.toml), with the built-in defaults.

Every number is kept as the decimal the user wrote (floats go through their shortest repr), so
scoring stays exact.
"""

from __future__ import annotations

import tomllib
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import KpiError
from .vocab import FUNCTIONS, LEVELS

RULES_FILENAME = "kpicli.toml"
Number = Annotated[Decimal, Field(allow_inf_nan=False)]


class _Strict(BaseModel):
    # strict: a wrong type is refused, never coerced ("3000" is not 3000, "yes" is not true)
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


def _as_decimal(value: object) -> object:
    # TOML floats arrive as binary floats: take the digits the user typed.
    if isinstance(value, bool):
        raise ValueError("应为数字")
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, int):
        return Decimal(value)
    return value


class Scoring(_Strict):
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


class Band(_Strict):
    grade: str = Field(min_length=1)
    min: Number

    @field_validator("min", mode="before")
    @classmethod
    def _min_decimal(cls, v: object) -> object:
        return _as_decimal(v)


def _default_bands() -> list[Band]:
    return [Band(grade=g, min=Decimal(m)) for g, m in (("A", 90), ("B+", 80), ("B", 70), ("B-", 60))]


class Grades(_Strict):
    bands: list[Band] = Field(default_factory=_default_bands, min_length=1)
    lowest: str = Field(default="C", min_length=1)

    @model_validator(mode="after")
    def _check(self) -> Grades:
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


class Rewards(_Strict):
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


class Annual(_Strict):
    cap_grade: str = "B-"
    consecutive: int = Field(default=2, ge=1, le=4)
    cumulative: int = Field(default=3, ge=1, le=4)


class Rules(_Strict):
    scoring: Scoring = Field(default_factory=Scoring)
    grades: Grades = Field(default_factory=Grades)
    rewards: Rewards = Field(default_factory=Rewards)
    annual: Annual = Field(default_factory=Annual)

    @model_validator(mode="after")
    def _cap_is_grade(self) -> Rules:
        if self.annual.cap_grade not in self.grades.names:
            raise ValueError(
                f"annual.cap_grade「{self.annual.cap_grade}」不是已定义的等级"
                f"(可选:{'、'.join(self.grades.names)})"
            )
        return self


DEFAULT_RULES = Rules()


class RulesError(KpiError):
    """A rules file that cannot be used (exit 2)."""


_REASONS = {
    "extra_forbidden": "不是已知的设置项(请检查拼写,或用 kpicli rules init 生成模板)",
    "missing": "缺少必填项",
    "literal_error": "取值不在允许范围内",
    "decimal_parsing": "应为数字",
    "decimal_type": "应为数字",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "dict_type": "应为表(例如 {{ \"一级\" = 3 }})",
    "list_type": "应为数组",
    "string_type": "应为文字",
    "greater_than_equal": "太小",
    "less_than_equal": "太大",
    "too_short": "不能为空",
    "string_too_short": "不能为空",
    "finite_number": "应为有限的数字",
    "is_instance_of": "应为数字",
    "model_type": "应为表(例如 [scoring] 或 { … })",
    "model_attributes_type": "应为表(例如 [scoring] 或 { … })",
}


def _describe(error: dict) -> str:
    key = ".".join(str(p) for p in error["loc"]) or "(整个文件)"
    kind = error["type"]
    if kind == "value_error":
        reason = str(error.get("ctx", {}).get("error", error["msg"]))
    elif kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        reason = f"取值不在允许范围内,可选:{expected}"
    else:
        reason = _REASONS.get(kind, error["msg"])
    return f"{key}:{reason}"


def parse_rules(text: str, source: str = RULES_FILENAME) -> Rules:
    """Parse and validate a rules file's text; RulesError names every bad key."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"规则文件 {source} 不是有效的 TOML:{exc}") from exc
    try:
        return Rules.model_validate(data)
    except ValidationError as exc:
        lines = "\n".join("  - " + _describe(e) for e in exc.errors())
        raise RulesError(f"规则文件 {source} 有误:\n{lines}") from exc


def load_rules(path: Path) -> Rules:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise RulesError(f"找不到规则文件 {path}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesError(f"无法读取规则文件 {path}(请用 UTF-8 编码保存)") from exc
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
