"""Using a parsed 计分方式 (contract §3): checking it against an item's maximum, applying it to the actual value."""

from __future__ import annotations

import math
from fractions import Fraction

from .rule import Deduction, Levels, Proportional, Rule, Step, Threshold, Tiered, level_name
from .values import Actual, ScorecardValueError, fmt

__all__ = ["actual_text", "apply_rule", "check_rule"]


def check_rule(rule: Rule, max_points: Fraction) -> list[str]:
    """What is wrong with a parsed rule on an item worth max_points (empty when it can be used)."""
    messages = []
    if rule.limit is not None and rule.limit < max_points:
        messages.append(f"上限 {fmt(rule.limit)} 低于本项满分 {fmt(max_points)}；上限是含加分的最高分，不能小于满分")
    top = rule.top_points()
    cap = rule.cap(max_points)
    if top is not None and top > cap:
        messages.append(f"{rule.kind}中最高 {fmt(top)} 分超过本项上限 {fmt(cap)} 分")
    return messages


def actual_number(rule: Rule, actual: Actual) -> Fraction:
    """The actual as a number in the rule's unit (percent points for a rule written in %)."""
    shown = actual.shown()
    if actual.amount is None:
        raise ScorecardValueError(f"实际完成「{shown}」不是数字，{rule.kind}计分需要数字")
    value = actual.amount
    if rule.percent:
        if value.percent:
            return value.value
        if abs(value.value) > 2:
            raise ScorecardValueError(f"实际完成「{shown}」：计分方式按百分数计分，请写成 {shown}%（{shown} → {shown}%）")
        return value.value * 100
    if value.percent:
        raise ScorecardValueError(f"实际完成「{shown}」是百分数，但计分方式不是按百分数写的；请去掉 % 或把计分方式写成百分数")
    return value.value


def actual_text(rule: object, actual: Actual) -> str:
    """The actual as the rule reads it, for people: a %-formatted cell holds 0.915 for the 91.5% its user sees,
    so under a rule written in percentages a plain number up to 2 is shown as 91.5%; anything else as typed."""
    amount = actual.amount
    if isinstance(rule, Rule) and rule.percent and amount is not None and not amount.percent and abs(amount.value) <= 2:
        return fmt(amount.value * 100) + "%"
    return actual.shown()


def _clamp(value: Fraction, cap: Fraction) -> Fraction:
    return min(max(value, Fraction(0)), cap)


def apply_rule(rule: Rule, actual: Actual, max_points: Fraction) -> Fraction | None:
    """The points the rule gives for the actual value; None for 直接 or a blank actual (rule not applied)."""
    if not rule.computing or actual.blank:
        return None
    cap = rule.cap(max_points)
    if isinstance(rule, Threshold):
        if actual.flag is not None and actual.amount is None:
            return max_points if actual.flag else Fraction(0)
        if rule.condition is None:
            raise ScorecardValueError(f"实际完成「{actual.shown()}」应为 是/否 或 完成/未完成")
        return max_points if rule.condition.holds(actual_number(rule, actual)) else Fraction(0)
    if isinstance(rule, Levels):
        return _level_points(rule, actual)
    a = actual_number(rule, actual)
    if isinstance(rule, Tiered):
        if a < 0:
            raise ScorecardValueError(f"实际完成「{actual.shown()}」为负数，分档计分的实际完成不能为负数")
        for condition, points in rule.tiers:
            if condition.holds(a):
                return points
        raise ScorecardValueError(f"实际完成「{actual.shown()}」没有对应的分档")
    if isinstance(rule, Proportional):
        return _clamp(max_points * a / rule.target.value, cap)
    if isinstance(rule, Deduction):
        if a < 0 or a.denominator != 1:
            raise ScorecardValueError(f"实际完成「{actual.shown()}」应为次数（0 或正整数）")
        return max(max_points - rule.per * a, Fraction(0))
    if isinstance(rule, Step):
        n = math.trunc((a - rule.target.value) / rule.step.value)
        return _clamp(max_points + n * rule.amount, cap)
    raise ScorecardValueError(f"计分方式「{rule.kind}」无法计算")  # pragma: no cover - every kind is handled


def _level_points(rule: Levels, actual: Actual) -> Fraction:
    table = dict(rule.levels)
    key: int | str | None = level_name(actual.text) if rule.named else actual.level
    if key is None or key not in table:
        written = "、".join(str(k) for k, _ in rule.levels)
        raise ScorecardValueError(f"实际完成「{actual.shown()}」不是计分方式中的等级（{written}）")
    return table[key]
