"""Dates in a scorecard (contract §3, rule 期限): a deadline in the rule text, a completion date or a delay as the
实际完成, and how late it is in whole months or days.

    months_late(date(2026, 6, 30), date(2026, 8, 15))  → (1, True)   one whole month, and part of the next

A month late is counted on the calendar: 6月30日 → 7月30日 is one month; the 31st of a shorter month is its last day
(1月31日 + 1个月 = 2月28日). Every failure is a ScorecardValueError with a Chinese message; the caller names the cell.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime

from .values import NUMBER_IN_TEXT, ScorecardValueError, clean_text, fmt, parse_amount_text

# 2026-06-30, 2026/6/30, 2026.6.30, 2026年6月30日 (the 日 optional)
DATE_IN_TEXT = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?"
_DATE = re.compile(rf"^{DATE_IN_TEXT}$")
_TIME_TAIL = re.compile(r"(?:t|\s)?\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
UNIT_WORDS = {"个月": "月", "月": "月", "天": "天", "日": "天"}
UNIT = r"(个月|月|天|日)"
# 延迟2个月, 逾期15天, 超期1月: a delay written as the 实际完成
_DELAY = re.compile(r"^(?:延迟|延期|逾期|超期|推迟|拖延)(\d+)(个月|月|天|日)(?:完成)?$")
# what ends a cut-off: 超过3个月（的）不得分 / 得0分 / 本项不得分
NO_POINTS = r"(?:的|以上)?\s*,?\s*(?:本项|该项)?\s*(?:不得分|不计分|得?0分|为0分|记0分|计0分)"
_ROUND_UP = re.compile(rf"不足\s*\d*\s*{UNIT}?\s*的?\s*按\s*\d*\s*{UNIT}\s*计")
_RULE = re.compile(rf"^(?:截止|截至|完成时限|时限|期限)?\s*:?\s*{DATE_IN_TEXT}(?:前|之前|以前)?\s*(?:完成)?\s*[,;]?\s*"
                   rf"每\s*(?:延迟|延期|逾期|超期|推迟)?\s*(\d+)\s*{UNIT}\s*[,;:]?\s*(?:扣|减)?\s*({NUMBER_IN_TEXT})\s*分?$")
_RULE_CUTOFF = re.compile(rf"(?:延迟|延期|逾期|超期|推迟)?\s*超过\s*(\d+)\s*{UNIT}{NO_POINTS}")
ON_TIME_WORDS = frozenset(("按时", "按时完成", "按期", "按期完成", "提前", "提前完成", "如期完成", "准时完成"))


def date_from_parts(year: str, month: str, day: str, written: str) -> date:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise ScorecardValueError(f"「{written}」不是有效的日期") from None


def parse_deadline(body: str) -> dict[str, object]:
    """The fields of a 期限 rule from the text after its kind: due, per, unit, points, cutoff, round_up."""
    example = "期限 2026-06-30 每延迟1个月扣5分，超过3个月不得分"
    round_up = _ROUND_UP.search(body)
    if round_up:
        body = (body[: round_up.start()] + body[round_up.end():]).strip(" ;,")
    cut = _RULE_CUTOFF.search(body)
    cutoff = None
    if cut:
        body = (body[: cut.start()] + body[cut.end():]).strip(" ;,")
        cutoff = (int(cut.group(1)), UNIT_WORDS[cut.group(2)])
        if cutoff[0] <= 0:
            raise ScorecardValueError(f"期限的「超过 {cutoff[0]}{cutoff[1]} 不得分」应大于 0")
    match = _RULE.match(body)
    if not match:
        raise ScorecardValueError(f"期限「{body}」无法识别；应写成 {example} 这样的「截止日期 每延迟几个月（或几天）扣几分」")
    year, month, day, per, unit, points_text = match.groups()
    due = date_from_parts(year, month, day, f"{year}-{month}-{day}")
    points = parse_amount_text(points_text)
    if points is None or points.percent:
        raise ScorecardValueError(f"期限的每步扣分「{points_text}」应为分数")
    if int(per) <= 0 or points.value <= 0:
        raise ScorecardValueError(f"期限的每步（每{per}{UNIT_WORDS[unit]}扣{fmt(points.value)}分）应大于 0")
    return {"due": due, "per": int(per), "unit": UNIT_WORDS[unit], "points": points.value, "cutoff": cutoff,
            "round_up": round_up is not None}


def parse_date_text(text: object) -> date | None:
    """'2026-07-15', '2026/7/15', '2026年7月15日' (a time of day after it is ignored) → the date; None otherwise."""
    cleaned = _TIME_TAIL.sub("", clean_text(text))
    match = _DATE.match(cleaned)
    return date_from_parts(*match.groups(), str(text)) if match else None


def completion(raw: object, text: str) -> date | tuple[int, str] | None:
    """A 实际完成 under 期限: a date (date cell or date text), a delay (n, '月' or '天'; on time is (0, '')),
    or None when it is neither."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    found = parse_date_text(text)
    if found is not None:
        return found
    if text in ON_TIME_WORDS:
        return (0, "")
    match = _DELAY.match(text)
    if match:
        return (int(match.group(1)), UNIT_WORDS[match.group(2)])
    return None


def add_months(start: date, months: int) -> date:
    """start + months on the calendar, the day clamped to the month's last day."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(start.day, calendar.monthrange(year, month + 1)[1]))


def months_late(due: date, done: date) -> tuple[int, bool]:
    """Whole calendar months from due to done, and whether part of a further month has passed ((0, False) when
    done is on or before due)."""
    if done <= due:
        return 0, False
    months = (done.year - due.year) * 12 + done.month - due.month
    while months > 0 and add_months(due, months) > done:
        months -= 1
    return months, add_months(due, months) < done


def days_late(due: date, done: date) -> int:
    return max((done - due).days, 0)


def date_text(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
