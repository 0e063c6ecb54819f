"""The policy numbers of the regulation, as settings (kpicli.toml), with the built-in defaults.

Every number is kept as the decimal the user wrote (floats go through their shortest repr), so
scoring stays exact. The settings are plain frozen dataclasses; a rules file is validated by the
pydantic models in rules_schema, imported only when there is a file to read (pydantic costs a
quarter of a second at start-up).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from kpicli.core.errors import KpiError
from kpicli.core.vocab import FUNCTIONS

RULES_FILENAME = "kpicli.toml"
_LEVEL_DEFAULTS = {"一级": Decimal(3), "二级": Decimal(2), "三级": Decimal(1)}


def _dec(value: object) -> object:
    """The decimal a number stands for (floats through their shortest repr); anything else unchanged."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, int):
        return Decimal(value)
    return value


def _set(obj: object, name: str, value: object) -> None:
    object.__setattr__(obj, name, value)


@dataclass(frozen=True)
class Scoring:
    level_weights: dict[str, Decimal] = field(default_factory=lambda: dict(_LEVEL_DEFAULTS))
    partial_credit: Decimal = Decimal("0.5")
    self_check_fallback: bool = True
    blank: str = "未完成"
    project_aggregation: str = "pooled"
    function_weights: dict[str, Decimal] = field(default_factory=lambda: {f: Decimal(1) for f in FUNCTIONS})

    def __post_init__(self) -> None:
        _set(self, "level_weights", {**_LEVEL_DEFAULTS, **{k: _dec(v) for k, v in self.level_weights.items()}})
        _set(self, "function_weights",
             {**{f: Decimal(1) for f in FUNCTIONS}, **{k: _dec(v) for k, v in self.function_weights.items()}})
        _set(self, "partial_credit", _dec(self.partial_credit))


@dataclass(frozen=True)
class Band:
    grade: str
    min: Decimal

    def __post_init__(self) -> None:
        _set(self, "min", _dec(self.min))


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


@dataclass(frozen=True)
class Rewards:
    reward_threshold: Decimal = Decimal(90)
    reward_amount: Decimal = Decimal(3000)
    penalty_threshold: Decimal = Decimal(60)
    penalty_amount: Decimal = Decimal(3000)
    ranking: str = "separate"

    def __post_init__(self) -> None:
        for name in ("reward_threshold", "reward_amount", "penalty_threshold", "penalty_amount"):
            _set(self, name, _dec(getattr(self, name)))


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
class Rules:
    scoring: Scoring = field(default_factory=Scoring)
    grades: Grades = field(default_factory=Grades)
    rewards: Rewards = field(default_factory=Rewards)
    annual: Annual = field(default_factory=Annual)

    def __post_init__(self) -> None:
        if self.annual.cap_grade is None or self.annual.cap_derived:  # derived: follows the bands, even after replace()
            a = self.annual
            _set(self, "annual", Annual(cap_grade=derived_cap_grade(self.grades), consecutive=a.consecutive,
                                        cumulative=a.cumulative, cap_derived=True))


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
    from pydantic import ValidationError

    from kpicli.rules.schema import RulesSchema

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"规则文件 {source} 不是有效的 TOML:{exc}") from exc
    try:
        model = RulesSchema.model_validate(data)
    except ValidationError as exc:
        lines = "\n".join("  - " + _describe(e) for e in exc.errors())
        raise RulesError(f"规则文件 {source} 有误:\n{lines}") from exc
    return _from_schema(model)


def _from_schema(model: object) -> Rules:
    """The validated pydantic model as the plain settings the rest of kpicli uses."""
    s, g, r, a = model.scoring, model.grades, model.rewards, model.annual
    return Rules(
        scoring=Scoring(level_weights=dict(s.level_weights), partial_credit=s.partial_credit,
                        self_check_fallback=s.self_check_fallback, blank=s.blank,
                        project_aggregation=s.project_aggregation, function_weights=dict(s.function_weights)),
        grades=Grades(bands=[Band(grade=b.grade, min=b.min) for b in g.bands], lowest=g.lowest),
        rewards=Rewards(reward_threshold=r.reward_threshold, reward_amount=r.reward_amount,
                        penalty_threshold=r.penalty_threshold, penalty_amount=r.penalty_amount, ranking=r.ranking),
        annual=Annual(cap_grade=a.cap_grade, consecutive=a.consecutive, cumulative=a.cumulative),
    )


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
