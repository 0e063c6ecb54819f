"""The assessment period: one value (Period) and one parser for every place a period is written — a cell (基本信息
年度/季度, a 考核期间 cell), a file name, a command-line option — for every kind.

Accepted forms (compared after `normalize`: NFKC, no white space, lower case; years 2000–2100):
    quarter   2026Q1, 2026q1, 2026-Q1, 2026_Q1, 2026.Q1, 2026年Q1, 2026 1q, 2026年第1季度, 2026年第一季度, 2026年第1季,
              2026年1季度, 2026年一季度, 2026年度第1季度, 2026.1季度, 2026-1季度, 2026第三季度, 2026年第3；
              without the year (only where the year is written elsewhere: the 季度 cell): 1, Q1, 1Q, 第1季度, 一季度,
              第一季, 第三
    month     2026年3月, 2026年03月, 2026年3月份, 2026-3月, 2026.03月, a date (2026-03-31, 2026/3/31, 2026年3月31日,
              or a real Excel date): the month it lies in
    year      2026, 2026年, 2026年度, 2026全年, 2026年全年
    2026-1, 2026.1, 2026/1, 2026年1 (a bare number after the year) say neither month nor quarter: they mean the
    quarter in a 季度 cell and the month in a 考核期间 cell or option (bare="quarter" / "month"); a file name
    does not read them (bare=None). A whole year in a file name or title needs 年度 or 全年 (find_period).
Where a quarter is needed (a 季度 cell, --quarter), a month or a date counts as the quarter it lies in.

The command-line options read the same forms: --period (period_option) every form with its year; --quarter
(quarter_option) every form a 季度 cell takes, its year too when written (2026Q1); --year (year_option) every form
of a whole year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache, total_ordering
from typing import Literal

from kpicli.core.errors import KpiError
from kpicli.core.vocab import normalize

PeriodKind = Literal["year", "quarter", "month"]
Bare = Literal["month", "quarter"] | None
YEARS = range(2000, 2101)
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4}


@total_ordering
@dataclass(frozen=True)
class Period:
    """A whole year, a quarter or a month of a year. Ordered by time (a year before its quarters and months,
    a quarter before its months); str() and `label` give the normalised Chinese label."""

    year: int
    quarter: int | None = None
    month: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.year, int) or isinstance(self.year, bool) or self.year not in YEARS:
            raise ValueError(f"考核年度「{self.year}」应为 2000–2100 之间的四位年份")
        if self.quarter is not None and self.month is not None:
            raise ValueError("考核期间只能是某年、某季度或某月之一，不能同时指定季度和月份")
        if self.quarter is not None and (isinstance(self.quarter, bool) or self.quarter not in range(1, 5)):
            raise ValueError(f"季度「{self.quarter}」应为 1–4")
        if self.month is not None and (isinstance(self.month, bool) or self.month not in range(1, 13)):
            raise ValueError(f"月份「{self.month}」应为 1–12")

    @property
    def kind(self) -> PeriodKind:
        return "quarter" if self.quarter is not None else "month" if self.month is not None else "year"

    @property
    def label(self) -> str:
        """2026年第1季度, 2026年3月 or 2026年度."""
        return label_of(self.year, self.quarter, self.month)

    @property
    def file_label(self) -> str:
        """How a file name carries it (docs/development.md, 用词与标点): 2026Q1, 2026年03月 (two digits, so that a
        folder lists the months in order), 2026年度."""
        return file_label_of(self.year, self.quarter, self.month)

    @property
    def in_quarter(self) -> int | None:
        """The quarter it is or lies in (a month's quarter); None for a whole year."""
        if self.month is not None:
            return (self.month - 1) // 3 + 1
        return self.quarter

    def to_json(self) -> dict[str, object]:
        """{"year": 2026, "quarter": 1, "month": null, "label": "2026年第1季度"}."""
        return {"year": self.year, "quarter": self.quarter, "month": self.month, "label": self.label}

    def _key(self) -> tuple[int, int, int]:
        if self.month is not None:
            return self.year, self.month, 2
        if self.quarter is not None:
            return self.year, 3 * self.quarter - 2, 1
        return self.year, 0, 0

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._key() < other._key()

    def __str__(self) -> str:
        return self.label


UNKNOWN_PERIOD = "考核期未知"  # a result whose period could not be told


def label_of(year: object, quarter: object = None, month: object = None) -> str:
    """Period.label written from loose parts (read from a cell, a file name or a record, perhaps odd): the one
    way a period is spelt for a user, and it never raises. 2026年第1季度, 2026年3月 or 2026年度."""
    if quarter is not None:
        return f"{year}年{quarter_label(quarter)}"
    if month is not None:
        return f"{year}年{month}月"
    return f"{year}年度"


def file_label_of(year: object, quarter: object = None, month: object = None) -> str:
    """Period.file_label written from loose parts, like label_of: 2026Q1, 2026年03月 or 2026年度; never raises."""
    if quarter is not None:
        return f"{year}Q{quarter}"
    if month is not None:
        return f"{year}年{month:02d}月" if isinstance(month, int) else f"{year}年{month}月"
    return label_of(year)


def quarter_label(quarter: object) -> str:
    """A quarter within its year: 第1季度, or 第1、2季度 for several given as text (「1、2」); a column of a year's
    workbook, quarters named without their year."""
    return f"第{quarter}季度"


@dataclass(frozen=True)
class PeriodText:
    """What one written value says: the year if written, a quarter or a month, and the date it came from."""

    year: int | None
    quarter: int | None = None
    month: int | None = None
    day: date | None = None

    @property
    def in_quarter(self) -> int | None:
        return (self.month - 1) // 3 + 1 if self.month is not None else self.quarter

    def period(self) -> Period | None:
        return Period(self.year, self.quarter, self.month) if self.year is not None else None


_SEP = r"(?:年度|年|[-_/.])"
_QUARTER = r"(?:第?(?P<q1>[1-4一二三四])季度?|第(?P<q2>[1-4一二三四])|q(?P<q3>[1-4])|(?P<q4>[1-4])q)"
_YEAR = r"(?P<y>\d{4})"
_DATE = rf"{_YEAR}[-/.年](?P<m>\d{{1,2}})[-/.月](?P<d>\d{{1,2}})日?"
_YEAR_QUARTER = rf"{_YEAR}{_SEP}?{_QUARTER}"
_YEAR_MONTH = rf"{_YEAR}{_SEP}(?P<m>\d{{1,2}})月份?"
_YEAR_BARE = rf"{_YEAR}{_SEP}(?P<n>\d{{1,2}})"
_WHOLE_YEAR = rf"{_YEAR}(?:年度|年全年|全年)"


@cache
def _patterns() -> tuple[list[re.Pattern[str]], list[re.Pattern[str]]]:
    """(cell, name) patterns, compiled on first use: `kpicli --help` imports this module and parses no period.
    In order: the first that matches wins (a date before a month, a month before a bare number)."""
    cell = [re.compile(p) for p in (_DATE, _YEAR_QUARTER, _YEAR_MONTH, _YEAR_BARE, _QUARTER, rf"{_YEAR}(?:年度|年全年|全年|年)?")]
    name = [re.compile(rf"(?<!\d){p}(?!\d)") for p in (_DATE, _YEAR_QUARTER, _YEAR_MONTH, _WHOLE_YEAR)]
    return cell, name


def _quarter(match: re.Match[str]) -> int | None:
    for group in ("q1", "q2", "q3", "q4"):
        text = match.groupdict().get(group)
        if text:
            return _CN_DIGITS.get(text) or int(text)
    return None


def _from_match(match: re.Match[str], bare: Bare) -> PeriodText | None:
    found = match.groupdict()
    year = int(found["y"]) if found.get("y") else None
    if year is not None and year not in YEARS:
        return None
    if found.get("d"):
        try:
            day = date(year or 0, int(found["m"]), int(found["d"]))
        except ValueError:
            return None
        return PeriodText(year, month=day.month, day=day)
    quarter = _quarter(match)
    if quarter is not None:
        return PeriodText(year, quarter=quarter)
    if found.get("m"):
        month = int(found["m"])
        return PeriodText(year, month=month) if 1 <= month <= 12 else None
    if found.get("n"):
        number = int(found["n"])
        if bare == "quarter" and 1 <= number <= 4:
            return PeriodText(year, quarter=number)
        if bare == "month" and 1 <= number <= 12:
            return PeriodText(year, month=number)
        return None
    return PeriodText(year)


def read_period(value: object, *, bare: Bare = "month") -> PeriodText | None:
    """What a cell or option value says about the period, or None when it is no period form (see the module
    docstring). bare: what a bare number after the year (2026-1) means here — "quarter" in a 季度 cell, "month"
    in a 考核期间 cell or option. A whole number alone is a year (2026) or, where bare is "quarter", a quarter (3)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return PeriodText(value.year, month=value.month, day=value) if value.year in YEARS else None
    if isinstance(value, (int, float, Decimal)):
        number = _whole(value)
        if number is None:
            if bare != "quarter":  # 2026.1 typed as a number: 2026.10 would read the same, so no month
                return None
        elif number in YEARS:
            return PeriodText(number)
        elif bare == "quarter" and 1 <= number <= 4:
            return PeriodText(None, quarter=number)
        else:
            return None
    text = normalize(value)
    number = _whole(text)
    if number is not None and number in YEARS:
        return PeriodText(number)
    if number is not None and bare == "quarter" and 1 <= number <= 4:
        return PeriodText(None, quarter=number)
    for pattern in _patterns()[0]:
        match = pattern.fullmatch(text)
        if match:
            return _from_match(match, bare)
    return None


def _whole(value: object) -> int | None:
    try:
        number = Decimal(value if isinstance(value, str) else repr(value))
    except (InvalidOperation, ValueError):
        return None
    return int(number) if number.is_finite() and number == number.to_integral_value() else None


def parse_period(value: object, *, bare: Bare = "month") -> Period | None:
    """The Period a cell or option value names (the year must be written), or None."""
    found = read_period(value, bare=bare)
    return found.period() if found is not None else None


def find_period(text: str) -> Period | None:
    """The period written inside a text — a file name (2026Q1_望江台, 2026年03月_客服部) or a title
    (2026年度客服主管考核) — or None. Not read there: a bare number after the year (2026-1: nothing says month or
    quarter) and a year without 年度/全年 (2026, 2026年: 2026年客服部考核 may be any form of the year)."""
    text = normalize(text)
    for pattern in _patterns()[1]:
        match = pattern.search(text)
        if match:
            found = _from_match(match, None)
            if found is not None:
                return found.period()
    return None


def period_option(text: str) -> Period:
    """A --period option: every form, the year written; a bare number after the year is the month.
    ValueError with a Chinese message otherwise."""
    period = parse_period(text)
    if period is None:
        raise ValueError(f"考核期间「{text}」无法识别；请写成 2026Q1、2026年第1季度、2026年3月 或 2026年度")
    return period


def year_option(value: object) -> int:
    """A --year option: a whole year as any place writes it (2026, 2026年, 2026年度, 2026全年). ValueError with a
    Chinese message otherwise (a quarter or a month is no year: it goes to --quarter)."""
    found = read_period(value)
    if found is None or found.year is None or found.quarter is not None or found.month is not None:
        raise ValueError(f"「{value}」不是年度：请写四位年份，如 2026、2026年 或 2026年度（季度写在 --quarter）")
    return found.year


def quarter_option(value: object) -> PeriodText:
    """A --quarter option: every form a 季度 cell takes — 1–4, Q1, 第一季度, 一季度, or with its year (2026Q1,
    2026年第1季度, 2026.1季度); a month or a date counts as the quarter it lies in. What was read (its `year` when
    written, its `in_quarter`); ValueError with a Chinese message otherwise."""
    if isinstance(value, PeriodText):  # read already
        return value
    found = read_period(value, bare="quarter")
    if found is None or found.in_quarter is None:
        raise ValueError(f"「{value}」不是季度：请写 1–4、Q1、第一季度，或连同年度写 2026Q1")
    return found


def require_year_quarter(year: object, quarter: object) -> None:
    """A year and a quarter given as values (kpicli.api's year=, quarter=; either may be None): KpiError in Chinese
    unless a whole year 2000–2100 and a quarter 1–4, as a Period takes them (2026年 or 5 would otherwise reach a
    label as 2026年年第1季度 or 第5季度)."""
    try:
        Period(YEARS.start if year is None else year, quarter)  # type: ignore[arg-type]
    except ValueError as exc:
        raise KpiError(str(exc)) from None


def year_and_quarter(year: int | None, quarter: PeriodText | None) -> tuple[int | None, int | None]:
    """--year and --quarter as numbers: a year written in --quarter (2026Q1) is the year when --year is not given,
    and must agree with it when it is (KpiError, exit 2)."""
    if quarter is None:
        return year, None
    if quarter.year is not None and year is not None and quarter.year != year:
        raise KpiError(f"--year 写的是 {year} 年，--quarter 写的是 {quarter.year} 年；请只在一处写年度，或改成同一年")
    return (quarter.year if year is None else year), quarter.in_quarter
