"""Explain one person's score indicator by indicator: rule, actual, computation in words, which score counted, and
the section scores and weighted total with their formula. The total is recomputed here from the item scores and
must equal the score shown everywhere else (a mismatch is a bug, raised, never shown)."""

from __future__ import annotations

import difflib
import math
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from fractions import Fraction

from kpicli.core.errors import KpiError
from kpicli.core.exact import cents_to_decimal, fraction_cents
from kpicli.core.vocab import name_key
from kpicli.scorecard.apply import actual_number as rule_number
from kpicli.scorecard.apply import actual_text, deadline_steps, lateness, step_beyond
from kpicli.scorecard.result import ScorecardResult
from kpicli.scorecard.rule import Deadline, Deduction, Levels, Proportional, Rule, Step, Threshold, Tiered, level_name
from kpicli.scorecard.settings import DEFAULT_SETTINGS, REVIEWER_NAMES, ScorecardSettings
from kpicli.scorecard.settings_text import k_text
from kpicli.scorecard.values import Actual, ScorecardValueError, fmt

ZERO = Fraction(0)


@dataclass
class ItemExplanation:
    section: str | None
    indicator: str
    max_points: Fraction | None
    cap: Fraction | None
    rule: str  # 计分方式 as written, 直接 when blank
    actual: str  # 实际完成 as typed
    actual_cell: str  # sheet!cell
    computation: str  # the rule applied, in words
    computed: Fraction | None
    self_points: Fraction | None
    reviewer1: Fraction | None
    reviewer2: Fraction | None
    counted: str  # 上级评分, 二级评分, 计分方式, 自评, 加权评分, 未评分
    reason: str
    points: Fraction | None


@dataclass
class SectionExplanation:
    section: str | None
    weight: Fraction | None
    points: Fraction
    max_points: Fraction
    score: Fraction | None
    formula: str


@dataclass
class PersonExplanation:
    name: str
    department: str | None
    position: str | None
    sheet: str
    items: list[ItemExplanation]
    sections: list[SectionExplanation]
    total: Fraction  # exact, from the item scores
    score: Decimal  # the rounded total everyone else shows
    formula: str
    grade: str | None
    coefficient: Decimal | None
    base: object
    bonus: Decimal | None
    red_lines: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        def plain(value: object) -> object:
            if isinstance(value, (Fraction, Decimal)):
                return fmt(value)
            if isinstance(value, dict):
                return {k: plain(v) for k, v in value.items()}
            if isinstance(value, list):
                return [plain(v) for v in value]
            return value

        return plain(asdict(self))  # type: ignore[return-value]


def find_person(result: ScorecardResult, name: str, department: str | None = None) -> dict[str, object]:
    """The people row of `name` (white space and width ignored); KpiError with close names or asking for 部门."""
    people = result.people.to_dict("records")
    found = [p for p in people if name_key(p["person"]) == name_key(name)]
    if department is not None:
        mine = [p for p in found if name_key(p["department"]) == name_key(department)]
        if not mine and found:
            listed = "、".join(str(p["department"] or "未填部门") for p in found)
            raise KpiError(f"「{name}」不在部门「{department}」；其所在部门：{listed}")
        found = mine
    absent = [] if result.absent is None else [a for a in result.absent.to_dict("records")
                                               if name_key(a["person"]) == name_key(name)]
    if not found and absent:
        raise KpiError(f"「{name}」的考核状态为「{absent[0]['reason']}」（{absent[0]['sheet']}!{absent[0]['cell']}）："
                       "本期不参加考核，没有得分可以解释")
    if not found:
        names = list(dict.fromkeys(str(p["person"]) for p in people))
        close = difflib.get_close_matches(name, names, n=5, cutoff=0.3)
        close += [n for n in names if (name in n or n in name) and n not in close]
        hint = f"相近的姓名：{'、'.join(close)}" if close else f"本次考核的人员有：{'、'.join(names[:20]) or '（无）'}"
        raise KpiError(f"找不到「{name}」；{hint}")
    if len(found) > 1:
        listed = "、".join(str(p["department"] or "未填部门") for p in found)
        raise KpiError(f"「{name}」在多个部门都有（{listed}）；请用 --department 指定部门")
    return found[0]


def explain_person(result: ScorecardResult, name: str, department: str | None = None,
                   settings: ScorecardSettings = DEFAULT_SETTINGS) -> PersonExplanation:
    """Everything behind one person's score; the total equals the person's shown score exactly."""
    person = find_person(result, name, department)
    if person["score"] is None:
        raise KpiError(f"「{person['person']}」的考核表有错误，没有算出总分；请先运行 kpicli check 修正")
    rows = result.indicators[result.indicators["sheet"] == person["sheet"]]
    items = [_item(t, settings) for t in rows.itertuples(index=False)]
    sections = [_section(s, [i for i, t in zip(items, rows.itertuples(index=False))
                             if t.section_index == s["section_index"]])
                for s in result.sections[result.sections["sheet"] == person["sheet"]].to_dict("records")]
    weighted = bool(sections) and all(s.weight is not None for s in sections)
    if weighted:
        total = sum((s.weight / 100 * s.score for s in sections), ZERO)
        formula = " + ".join(f"{fmt(s.weight)}% × {fmt(s.score)}" for s in sections)
    else:
        total = sum((s.points for s in sections), ZERO)
        formula = " + ".join(fmt(s.points) for s in sections)
    rounded = cents_to_decimal(fraction_cents(total / 100))
    formula = f"总分 = {formula} = {fmt(total)}，四舍五入保留两位小数 → {rounded:.2f}"
    notes = []
    if person["red_lines"] and settings.red_line == "zero":
        notes.append(f"触及红线，总分按 0 计（算出的总分为 {rounded:.2f}）")
        rounded = Decimal("0.00")
    if rounded != person["score"]:
        raise AssertionError(f"explain total {total} ({rounded}) != score {person['score']} for {person['person']}")
    if person["red_lines"]:
        notes.append(f"触及红线：{'、'.join(person['red_lines'])}；等级为最低等级，绩效系数为 0"
                     if settings.red_line != "flag" else f"触及红线：{'、'.join(person['red_lines'])}（只列出，不影响得分）")
    if person["bonus"] is not None:
        notes.append(f"绩效奖金 = {fmt(Fraction(person['base']))} × {k_text(person['coefficient'])} = {person['bonus']}")
    return PersonExplanation(
        name=person["person"], department=person["department"], position=person["position"], sheet=person["sheet"],
        items=items, sections=sections, total=total, score=rounded, formula=formula, grade=person["grade"],
        coefficient=person["coefficient"], base=person["base"], bonus=person["bonus"],
        red_lines=list(person["red_lines"]), notes=notes)


def _section(s: dict[str, object], items: list[ItemExplanation]) -> SectionExplanation:
    points = sum((i.points for i in items if i.points is not None), ZERO)
    maximum = sum((i.max_points for i in items if i.max_points is not None), ZERO)
    name = s["section"] or "（未分部分）"
    if s["weight"] is not None:
        score = 100 * points / maximum if maximum else None
        formula = f"{name}：100 × {fmt(points)} ÷ {fmt(maximum)} = {fmt(score) if score is not None else '—'}"
    else:
        score = points
        formula = f"{name}：{' + '.join(fmt(i.points) for i in items if i.points is not None)} = {fmt(points)}"
    if score != s["score"]:
        raise AssertionError(f"explain section {name}: {score} != {s['score']}")
    return SectionExplanation(s["section"], s["weight"], points, maximum, score, formula)


def _item(t: object, settings: ScorecardSettings) -> ItemExplanation:
    words, value = computation(t.rule, t.actual, t.max_points) if isinstance(t.rule, Rule) else ("无计分方式", None)
    if value != t.computed:
        raise AssertionError(f"explain computed {value} != {t.computed} for {t.indicator}")
    return ItemExplanation(
        section=t.section, indicator=t.indicator, max_points=t.max_points,
        cap=t.cap if t.cap is not None or (isinstance(t.rule, Rule) and t.rule.uncapped) else t.max_points, rule=t.rule_text or "直接", actual=actual_text(t.rule, t.actual),
        actual_cell=f"{t.sheet}!{t.actual_cell}" if t.actual_cell else t.sheet, computation=words,
        computed=t.computed, self_points=t.self, reviewer1=t.reviewer1, reviewer2=t.reviewer2, counted=t.basis,
        reason=_reason(t, settings), points=t.score)


def _reason(t: object, settings: ScorecardSettings) -> str:
    basis = t.basis
    if basis in ("上级评分", "二级评分"):
        key = "reviewer2" if basis == "二级评分" else "reviewer1"
        given = getattr(t, key)
        later = [REVIEWER_NAMES[k] for k in settings.reviewer_order[: settings.reviewer_order.index(key)]]
        text = f"采用{basis} {fmt(given)}" + (f"（没有{'、'.join(later)}）" if later else "（最后一位评分人）")
        if t.computed is not None and given != t.computed:
            text += f"；与计分方式算出的 {fmt(t.computed)} 不同，以评分人的分数为准"
        return text
    if basis == "计分方式":
        return "没有上级或二级评分，采用计分方式算出的分数"
    if basis == "自评":
        return "没有上级评分，也无法按计分方式计算，采用自评（未经上级评分）"
    if basis == "加权评分":
        weights = settings.reviewer_weights or {}
        used = [(k, w) for k, w in weights.items() if w > 0 and getattr(t, k) is not None]
        parts = " + ".join(f"{fmt(w)} × {fmt(getattr(t, k))}" for k, w in used)
        return f"按评分人权重加权：({parts}) ÷ {fmt(sum((Fraction(w) for _, w in used), ZERO))} = {fmt(t.score)}"
    return "没有任何评分，按 0 分计"


def _n(value: Fraction) -> str:
    """A number in a formula: the minus sign as − and whole amounts from 1万 up in 万 (120万, 23.5万), as typed."""
    if abs(value) >= 10000 and value.denominator == 1:
        text = fmt(value / 10000) + "万"
    else:
        text = fmt(value)
    return text.replace("-", "−")


def _a(value: Fraction, percent: bool) -> str:
    return _n(value) + ("%" if percent else "")


def _clamped(raw: Fraction, cap: Fraction | None) -> tuple[Fraction, str]:
    if cap is not None and raw > cap:
        return cap, f"，超过上限取 {fmt(cap)}"
    if raw < 0:
        return ZERO, "，低于 0 取 0"
    return raw, ""


def computation(rule: Rule, actual: Actual, m: Fraction | None) -> tuple[str, Fraction | None]:
    """The rule applied to the actual value, in words, and the points it gives (None: not applied)."""
    if not rule.computing:
        return "直接：由评分人打分，不计算", None
    if actual.blank:
        return f"{rule.kind}：实际完成为空，不按计分方式计算", None
    if m is None:
        return f"{rule.kind}：本项没有满分，无法计算", None
    try:
        return _compute(rule, actual, m)
    except ScorecardValueError as exc:
        return f"{rule.kind}：{exc.message}", None


def _compute(rule: Rule, actual: Actual, m: Fraction) -> tuple[str, Fraction]:
    cap, shown = rule.cap(m), actual.shown()
    if isinstance(rule, Threshold) and (rule.condition is None or (actual.flag is not None and actual.amount is None)):
        value = m if actual.flag else ZERO
        return f"达标：实际「{shown}」，{'达标得满分' if actual.flag else '未达标得'} {fmt(value)} 分", value
    if isinstance(rule, Levels):
        table = dict(rule.levels)
        key = level_name(actual.text) if rule.named else actual.level
        if key not in table:
            raise ScorecardValueError(f"实际完成「{shown}」不是计分方式中的等级")
        return f"等级：实际 {shown} → {fmt(table[key])} 分", table[key]
    if isinstance(rule, Deadline):
        return _deadline(rule, actual, m)
    a = rule_number(rule, actual)
    text_a = _a(a, rule.percent)
    if isinstance(rule, Threshold):
        cond = rule.condition
        holds = cond.holds(a)
        value = m if holds else ZERO
        verb = "满足" if holds else "未满足"
        return f"达标：实际 {text_a} {verb} {cond.op}{_a(cond.bound.value, rule.percent)}，得 {fmt(value)} 分", value
    if isinstance(rule, Tiered):
        for cond, points in rule.tiers:
            if cond.holds(a):
                return f"分档：实际 {text_a} 满足 {cond.op}{_a(cond.bound.value, rule.percent)}，得 {fmt(points)} 分", points
        raise ScorecardValueError(f"实际完成「{shown}」没有对应的分档")
    if isinstance(rule, Proportional):
        raw = m * a / rule.target.value
        value, note = _clamped(raw, cap)
        return f"比例：{fmt(m)} × {text_a} ÷ {_a(rule.target.value, rule.percent)} = {fmt(raw)}{note}，得 {fmt(value)} 分", value
    if isinstance(rule, Deduction):
        raw = m - rule.per * a
        value = max(raw, ZERO)
        note = "，扣完为止" if raw < 0 else ""
        return f"扣分：{fmt(m)} − {fmt(rule.per)} × {fmt(a)} 次 = {_n(raw)}{note}，得 {fmt(value)} 分", value
    if isinstance(rule, Step):
        if step_beyond(rule, a):
            assert rule.cutoff is not None
            return (f"步进：实际 {text_a} 与目标 {_a(rule.target.value, rule.percent)} 相差超过 "
                    f"{_a(rule.cutoff.value, rule.percent)}，不得分，得 0 分"), ZERO
        q = (a - rule.target.value) / rule.step.value
        n = math.trunc(q)
        steps = f"{_n(n)} 步" if q == n else f"{_n(q)}，不足一步不计，按 {_n(n)} 步"
        raw = m + n * rule.amount
        value, note = _clamped(raw, cap)
        amount = fmt(rule.amount) if rule.amount >= 0 else f"({_n(rule.amount)})"
        times = str(n) if n >= 0 else f"({_n(n)})"
        return (f"步进：({text_a}−{_a(rule.target.value, rule.percent)})÷{_a(rule.step.value, rule.percent)} = {steps}，"
                f"{fmt(m)} + {times}×{amount} = {_n(raw)}{note}，得 {fmt(value)} 分"), value
    raise ScorecardValueError(f"计分方式「{rule.kind}」无法计算")  # pragma: no cover


def _deadline(rule: Deadline, actual: Actual, m: Fraction) -> tuple[str, Fraction]:
    whole, part, beyond, words = lateness(rule, actual)
    unit = "个月" if rule.unit == "月" else "天"
    if beyond:
        assert rule.cutoff is not None
        cut = "个月" if rule.cutoff[1] == "月" else "天"
        return f"期限：{words}，超过 {rule.cutoff[0]} {cut}，不得分，得 0 分", ZERO
    n = deadline_steps(rule, whole, part)
    if n == 0:
        if whole == 0 and not part:
            return f"期限：{words}，得满分 {fmt(m)} 分", m
        return f"期限：{words}，不足每 {rule.per} {unit}一步，不扣分，得 {fmt(m)} 分", m
    raw = m - n * rule.points
    value = max(raw, ZERO)
    note = "，扣完为止" if raw < 0 else ""
    steps = f"按 {n} 步（不足一步按一步计）" if rule.round_up and (part or whole % rule.per) else f"{n} 步"
    return (f"期限：{words}，每 {rule.per} {unit}扣 {fmt(rule.points)} 分，{steps}，"
            f"{fmt(m)} − {n}×{fmt(rule.points)} = {_n(raw)}{note}，得 {fmt(value)} 分"), value


__all__ = ["ItemExplanation", "PersonExplanation", "SectionExplanation", "computation", "explain_person",
           "find_person"]
