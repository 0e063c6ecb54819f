"""计分方式: one machine-readable scoring rule per indicator (contract §3), parsed into a small typed value.

    parse_rule("分档 ≥95%:40; ≥85%:20; <85%:0")  → Tiered(...)

check_rule and apply_rule (apply.py) use the parsed rule against an item's maximum and its actual value.

Every failure is a ScorecardValueError with a Chinese message; the caller names the cell.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from functools import lru_cache
from typing import ClassVar

from .deadline import NO_POINTS, parse_deadline
from .values import NUMBER_IN_TEXT, Amount, ScorecardValueError, fmt, parse_amount_text, parse_level_text

KINDS: tuple[str, ...] = ("直接", "分档", "达标", "比例", "扣分", "步进", "等级", "期限")
_NUM = rf"({NUMBER_IN_TEXT})"
# a comma between a digit and exactly three digits is a thousands separator (≥1,500:10), not a separator of tiers
_SEPARATORS = re.compile(r"\s*(?:[;、\n]|(?<!\d),|,(?!\d{3}(?!\d)))\s*")
_LIMIT = re.compile(r"上限\s*[:为]?\s*(\S*)")
_UNCAPPED = re.compile(r"上不封顶|不封顶|上限\s*[:为]?\s*无")
# 超过3个月不得分: a cut-off after which the item scores 0
_CUTOFF = re.compile(rf"(?:延迟|延期|逾期|超期|推迟|少于目标|低于目标)?\s*超过\s*({NUMBER_IN_TEXT})\s*(个月|月)?{NO_POINTS}")
_TIER = re.compile(rf"^(≥|>|≤|<)\s*{_NUM}\s*:\s*{_NUM}\s*分?$")
_CONDITION = re.compile(rf"^(≥|>|≤|<)?\s*{_NUM}$")
_TARGET = re.compile(rf"^(?:目标值?)?\s*:?\s*{_NUM}$")
_PER = re.compile(rf"^(?:每(?:次|个|件|项|起|例)?)?\s*:?\s*扣?\s*{_NUM}\s*分?$")
_STEP = re.compile(rf"^目标值?\s*:?\s*{_NUM}\s*[,;]?\s*每\s*{_NUM}\s*[,;:]?\s*(加|减|扣)?\s*{_NUM}\s*分?$")
_LEVEL = re.compile(rf"^(.+?)\s*:\s*{_NUM}\s*分?$")


@dataclass(frozen=True)
class Condition:
    op: str
    bound: Amount

    def holds(self, value: Fraction) -> bool:
        b = self.bound.value  # one comparison (exact Fractions compare slowly), not all four
        if self.op == "≥":
            return value >= b
        if self.op == ">":
            return value > b
        if self.op == "≤":
            return value <= b
        if self.op == "<":
            return value < b
        raise KeyError(self.op)

    def __str__(self) -> str:
        return f"{self.op}{self.bound}"


@dataclass(frozen=True, kw_only=True)
class Rule:
    """Common part: the text as written and the optional 上限 (the item's highest possible score)."""

    text: str = ""
    limit: Fraction | None = None
    uncapped: bool = False  # 上不封顶: no highest score (a total above 100 is possible)
    kind: ClassVar[str] = ""
    computing: ClassVar[bool] = True

    @property
    def percent(self) -> bool:
        """Whether the rule's values are written in percentages (the actual is then a percentage)."""
        return False

    def amounts(self) -> tuple[Amount, ...]:
        """The amounts the actual is compared with (bounds, targets, steps)."""
        return ()

    @property
    def wan(self) -> bool:
        """Whether the rule's amounts are written in 万 (the actual must then be written in 万 too)."""
        return any(a.wan for a in self.amounts() if a.value != 0)

    def top_points(self) -> Fraction | None:
        return None

    def cap(self, max_points: Fraction) -> Fraction | None:
        """The item's highest possible score: 上限, else its 满分; None under 上不封顶 (no highest score)."""
        if self.uncapped:
            return None
        return self.limit if self.limit is not None else max_points


@dataclass(frozen=True, kw_only=True)
class Direct(Rule):
    kind: ClassVar[str] = "直接"
    computing: ClassVar[bool] = False


@dataclass(frozen=True, kw_only=True)
class Tiered(Rule):
    tiers: tuple[tuple[Condition, Fraction], ...]
    kind: ClassVar[str] = "分档"

    @property
    def percent(self) -> bool:
        return any(c.bound.percent for c, _ in self.tiers)

    def amounts(self) -> tuple[Amount, ...]:
        return tuple(c.bound for c, _ in self.tiers)

    def top_points(self) -> Fraction | None:
        return max(p for _, p in self.tiers)


@dataclass(frozen=True, kw_only=True)
class Threshold(Rule):
    condition: Condition | None
    kind: ClassVar[str] = "达标"

    @property
    def percent(self) -> bool:
        return self.condition is not None and self.condition.bound.percent

    def amounts(self) -> tuple[Amount, ...]:
        return () if self.condition is None else (self.condition.bound,)


@dataclass(frozen=True, kw_only=True)
class Proportional(Rule):
    target: Amount
    kind: ClassVar[str] = "比例"

    @property
    def percent(self) -> bool:
        return self.target.percent

    def amounts(self) -> tuple[Amount, ...]:
        return (self.target,)


@dataclass(frozen=True, kw_only=True)
class Deduction(Rule):
    per: Fraction
    kind: ClassVar[str] = "扣分"


@dataclass(frozen=True, kw_only=True)
class Step(Rule):
    target: Amount
    step: Amount
    amount: Fraction
    cutoff: Amount | None = None  # 超过X不得分: 0 points once the actual is further than X from the target, losing way
    kind: ClassVar[str] = "步进"

    @property
    def percent(self) -> bool:
        return self.step.percent

    def amounts(self) -> tuple[Amount, ...]:
        return (self.target, self.step)


@dataclass(frozen=True, kw_only=True)
class Levels(Rule):
    levels: tuple[tuple[int | str, Fraction], ...]
    named: bool
    kind: ClassVar[str] = "等级"

    def top_points(self) -> Fraction | None:
        return max(p for _, p in self.levels)


@dataclass(frozen=True, kw_only=True)
class Deadline(Rule):
    """期限 2026-06-30 每延迟1个月扣5分 超过3个月不得分: m − (steps late) × points, at least 0; 0 past the cut-off."""

    due: date
    per: int  # units of delay per step
    unit: str  # 月 or 天
    points: Fraction
    cutoff: tuple[int, str] | None = None  # (3, '月'): more than 3 months late scores 0
    round_up: bool = False  # 不足1个月按1个月计: part of a step counts as a whole step
    kind: ClassVar[str] = "期限"


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    for a, b in ((">=", "≥"), ("=>", "≥"), ("<=", "≤"), ("=<", "≤"), ("≧", "≥"), ("≦", "≤"), ("\u2212", "-"),
                 ("\uff0d", "-"), ("\u2013", "-")):
        text = text.replace(a, b)
    return re.sub(r"[ \t\r\u3000\u00a0]+", " ", text).strip()


def _amount(token: str) -> Amount:
    value = parse_amount_text(token)
    if value is None:
        raise ScorecardValueError(f"计分方式中的「{token}」不是数字")
    return value


def _points(token: str, what: str = "分数") -> Fraction:
    value = _amount(token)
    if value.percent:
        raise ScorecardValueError(f"{what}「{token}」应为分数，不能写成百分数")
    return value.value


def parse_rule(text: object) -> Rule:
    """The rule in a 计分方式 cell; blank is 直接. Raises ScorecardValueError naming what is wrong."""
    return _parse_source("" if text is None else str(text))


# A department's sheets repeat the same few rule texts; rules are frozen, so one parse per distinct text is shared
# (a failing text is not cached and raises again each time: errors are rare).
@lru_cache(maxsize=4096)
def _parse_source(source: str) -> Rule:
    body = _normalise(source)
    if body == "":
        return Direct(text=source)
    kind = next((k for k in KINDS if body.startswith(k)), None)
    if kind is None:
        word = re.split(r"[\s\d:;,≥>≤<]", body, maxsplit=1)[0] or body
        raise ScorecardValueError(f"计分方式「{word}」无法识别；应以 {'、'.join(KINDS)} 之一开头")
    body = body[len(kind):].strip(" :;,")
    limit = None
    uncapped = _UNCAPPED.search(body)
    if uncapped:
        body = (body[: uncapped.start()] + body[uncapped.end():]).strip(" ;,")
        if _LIMIT.search(body):
            raise ScorecardValueError("同时写了「上不封顶」和「上限」；请只写其中一个")
    found = _LIMIT.search(body)
    if found:
        limit = _points(found.group(1).rstrip("分") or "（空）", "上限")
        if limit < 0:
            raise ScorecardValueError(f"上限 {fmt(limit)} 不能为负数")
        body = (body[: found.start()] + body[found.end():]).strip(" ;,")
    common = {"text": source, "limit": limit, "uncapped": uncapped is not None}
    if kind == "直接":
        if body:
            raise ScorecardValueError(f"「直接」后面不应有其他内容：「{body}」")
        return Direct(**common)
    if kind == "分档":
        return Tiered(tiers=_tiers(body), **common)
    if kind == "达标":
        return Threshold(condition=_condition(body) if body else None, **common)
    if kind == "比例":
        return Proportional(target=_target(body), **common)
    if kind == "扣分":
        return Deduction(per=_per(body), **common)
    if kind == "步进":
        return _step(body, common)
    if kind == "期限":
        return _deadline(body, common)
    return _levels(body, common)


def _parts(body: str, what: str) -> list[str]:
    parts = [p for p in _SEPARATORS.split(body) if p]
    if not parts:
        raise ScorecardValueError(f"{what}没有写任何档次")
    return parts


def _same_unit(bounds: list[Amount], what: str) -> None:
    if len({b.percent for b in bounds if b.value != 0}) > 1:
        raise ScorecardValueError(f"{what}中百分数与普通数字混用；请统一写成百分数或数字")
    if len({b.wan for b in bounds if b.value != 0}) > 1:
        raise ScorecardValueError(f"{what}中「万」与不带「万」的数字混用；请统一都写「万」（如 100万）或都不写")


def _tiers(body: str) -> tuple[tuple[Condition, Fraction], ...]:
    tiers = []
    for part in _parts(body, "分档"):
        match = _TIER.match(part)
        if not match:
            raise ScorecardValueError(f"分档「{part}」无法识别；应写成 ≥95%:40 这样的「条件：分数」")
        points = _points(match.group(3))
        if points < 0:
            raise ScorecardValueError(f"分档「{part}」的分数不能为负数")
        tiers.append((Condition(match.group(1), _amount(match.group(2))), points))
    _same_unit([c.bound for c, _ in tiers], "分档条件")
    gap = tier_gap([c for c, _ in tiers])
    if gap:
        raise ScorecardValueError(f"分档不完整：{gap}没有对应分档")
    return tuple(tiers)


def tier_gap(conditions: list[Condition]) -> str | None:
    """The first values from 0 up that no condition covers, as '80%–85% ', or None when all are covered."""
    uppers = [c for c in conditions if c.op in ("≥", ">")]
    lowers = [c for c in conditions if c.op in ("≤", "<")]
    percent = any(c.bound.percent for c in conditions)
    unit = "%" if percent else ""
    # everything below `high` is covered by a ≤/< condition (closed when some ≤ reaches it)
    high = max((c.bound.value for c in lowers), default=None)
    high_closed = any(c.op == "≤" and c.bound.value == high for c in lowers)
    low = min((c.bound.value for c in uppers), default=None)
    low_closed = any(c.op == "≥" and c.bound.value == low for c in uppers)
    if high is None or high < 0 or (high == 0 and not high_closed):
        start, start_text = Fraction(0), "0" + unit
    else:
        start, start_text = high, fmt(high) + unit
    if low is None:
        return f"{start_text} 以上"
    if low < start or (low == start and (low_closed or (high is not None and high == start and high_closed))):
        return None
    if low == start:
        return f"{start_text} "
    return f"{start_text}–{fmt(low)}{unit} "


def _condition(body: str) -> Condition:
    match = _CONDITION.match(body)
    if not match:
        raise ScorecardValueError(f"达标条件「{body}」无法识别；应写成 ≥100万 这样的条件")
    return Condition(match.group(1) or "≥", _amount(match.group(2)))


def _target(body: str) -> Amount:
    match = _TARGET.match(body)
    if not match:
        raise ScorecardValueError(f"比例的目标「{body}」无法识别；应写成 目标100% 这样的目标值")
    target = _amount(match.group(1))
    if target.value <= 0:
        raise ScorecardValueError(f"比例的目标 {target} 应大于 0")
    return target


def _per(body: str) -> Fraction:
    match = _PER.match(body)
    if not match:
        raise ScorecardValueError(f"扣分「{body}」无法识别；应写成 每次0.5 这样的每次扣分")
    per = _points(match.group(1), "每次扣分")
    if per <= 0:
        raise ScorecardValueError(f"每次扣分 {fmt(per)} 应大于 0")
    return per


def _step(body: str, common: dict) -> Step:
    cut = _CUTOFF.search(body)
    cutoff = None
    if cut:
        body = (body[: cut.start()] + body[cut.end():]).strip(" ;,")
        cutoff = _amount(cut.group(1))
        if cutoff.value <= 0:
            raise ScorecardValueError(f"步进的「超过 {cutoff} 不得分」应大于 0")
    match = _STEP.match(body)
    if not match:
        raise ScorecardValueError(f"步进「{body}」无法识别；应写成 目标60% 每5% 0.5 这样的「目标 每步 分数」")
    target, step = _amount(match.group(1)), _amount(match.group(2))
    amount = _points(match.group(4), "每步分数")
    if match.group(3) in ("减", "扣"):
        amount = -amount
    _same_unit([target, step], "步进的目标与每步")
    if step.value <= 0:
        raise ScorecardValueError(f"步进的每步 {step} 应大于 0")
    if amount == 0:
        raise ScorecardValueError("步进的每步分数不能为 0")
    if step.percent != target.percent:  # target 0 written without %
        target = Amount(target.value, step.percent)
    if cutoff is not None and cutoff.percent != step.percent:
        raise ScorecardValueError(f"步进的「超过 {cutoff} 不得分」与每步 {step} 单位不同；请统一写成百分数或数字")
    return Step(target=target, step=step, amount=amount, cutoff=cutoff, **common)


def _deadline(body: str, common: dict) -> Deadline:
    return Deadline(**parse_deadline(body), **common)


def _levels(body: str, common: dict) -> Levels:
    pairs: list[tuple[str, Fraction]] = []
    for part in _parts(body, "等级"):
        match = _LEVEL.match(part)
        if not match:
            raise ScorecardValueError(f"等级「{part}」无法识别；应写成 3:15 或 良好：50 这样的「等级：分数」")
        points = _points(match.group(2))
        if points < 0:
            raise ScorecardValueError(f"等级「{part}」的分数不能为负数")
        pairs.append((match.group(1).strip(), points))
    numbers = [parse_level_text(k) for k, _ in pairs]
    named = any(n is None for n in numbers)
    keys: list[int | str] = [level_name(k) for k, _ in pairs] if named else [n for n in numbers if n is not None]
    seen: set[int | str] = set()
    for key, (written, _) in zip(keys, pairs):
        if key in seen:
            raise ScorecardValueError(f"等级「{written}」重复出现")
        seen.add(key)
    return Levels(levels=tuple(zip(keys, (p for _, p in pairs))), named=named, **common)


def level_name(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


