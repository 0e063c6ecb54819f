"""A rules file's parsed TOML checked as a whole and turned into Rules, or one RulesError that names every bad key
and says what to write. Imported only when a rules file is read (it pulls in pydantic).

The file's schema is the shared tables' (rules.schema) with each kind's section (rules.sections) beside them, under
its table name; this module is the one place a pydantic error becomes Chinese, for the kinds' sections too."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from pydantic import Field, ValidationError, create_model, model_validator

from kpicli.rules.model import Rules, RulesError
from kpicli.rules.schema import (
    AnnualSchema,
    GradesSchema,
    OutputSchema,
    ProjectsSchema,
    RewardsSchema,
    ScoringSchema,
    StrictModel,
)
from kpicli.rules.sections import RulesSection, checked

_TABLE = "应为表（例如 [scoring] 或 { … }）"
_REASONS = {
    "extra_forbidden": "不是已知的设置项（请检查拼写，或用 kpicli rules init 生成模板）",
    "missing": "缺少必填项",
    "literal_error": "取值不在允许范围内",
    "decimal_parsing": "应为数字",
    "decimal_type": "应为数字",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "dict_type": "应为表（例如 { \"一级\" = 3 }）",
    "list_type": "应为数组",
    "string_type": "应为文字",
    "greater_than_equal": "太小",
    "less_than_equal": "太大",
    "too_short": "不能为空",
    "string_too_short": "不能为空",
    "finite_number": "应为有限的数字",
    "is_instance_of": "应为数字",
    "model_type": _TABLE,
    "model_attributes_type": _TABLE,
}
# the bound pydantic reports for a number out of range, and how to say it
_LIMITS = {"greater_than_equal": ("最小为", "ge"), "less_than_equal": ("最大为", "le")}


class RulesSchema(StrictModel):
    """The shared tables' checks across tables; the fields are given by rules_schema, in the order the file's
    errors are listed (the shared tables, the kinds' sections, then [output] and [projects])."""

    @model_validator(mode="after")
    def _cap_is_grade(self) -> RulesSchema:
        cap, grades = self.annual.cap_grade, self.grades.build()  # type: ignore[attr-defined]
        if cap is not None and cap not in grades.names:
            lowest_passing = grades.bands[-1].grade
            raise ValueError(
                f"annual.cap_grade「{cap}」不是已定义的等级；请改成其中之一：{'、'.join(grades.names)}"
                f"（例如 cap_grade = \"{lowest_passing}\"），或删除这一行，自动采用最低及格等级「{lowest_passing}」"
            )
        return self


def _table(schema: Any) -> tuple[Any, Any]:
    return schema, Field(default_factory=schema)


@cache
def rules_schema(sections: tuple[RulesSection, ...]) -> type[RulesSchema]:
    """The schema of a whole rules file whose kinds declare `sections`."""
    fields = {"scoring": _table(ScoringSchema), "grades": _table(GradesSchema), "rewards": _table(RewardsSchema),
              "annual": _table(AnnualSchema), **{s.name: _table(s.schema()) for s in sections},
              "output": _table(OutputSchema), "projects": _table(ProjectsSchema)}
    return create_model("RulesSchema", __base__=RulesSchema, **fields)


def _build(parsed: Any, sections: tuple[RulesSection, ...]) -> Rules:
    return Rules(scoring=parsed.scoring.build(), grades=parsed.grades.build(), rewards=parsed.rewards.build(),
                 annual=parsed.annual.build(), sections={s.name: getattr(parsed, s.name).build() for s in sections},
                 output=parsed.output.build(), projects=parsed.projects.build())


def _describe(error: dict) -> str:
    key = ".".join(str(p) for p in error["loc"]) or "（整个文件）"
    kind = error["type"]
    if kind == "value_error":
        reason = str(error.get("ctx", {}).get("error", error["msg"]))
    elif kind in _LIMITS:
        word, ctx_key = _LIMITS[kind]
        reason = f"{_REASONS[kind]}（{word} {error.get('ctx', {}).get(ctx_key)}）"
    elif kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        reason = f"取值不在允许范围内，可选：{expected}"
    else:
        reason = _REASONS.get(kind, error["msg"])
    return f"{key}：{reason}"


def validate(data: dict, source: str, sections: Iterable[RulesSection] = ()) -> Rules:
    """The Rules a parsed rules file stands for, carrying every section of `sections` (the kinds' own tables);
    RulesError lists every bad key of `source` (a table no kind declares among them)."""
    declared = checked(sections)
    try:
        return _build(rules_schema(declared).model_validate(data), declared)
    except ValidationError as exc:
        lines = "\n".join("  - " + _describe(e) for e in exc.errors())
        raise RulesError(f"规则文件 {source} 有误：\n{lines}") from exc

