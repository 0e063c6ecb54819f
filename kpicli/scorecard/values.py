"""Reading what people type into a scorecard: amounts, percentages, levels, yes/no, points.

Every number is exact: cell floats go through their shortest repr (a cell showing 29.995 is 29.995), text is
NFKC-normalised first (full-width digits, signs and colons become half-width), and values are Fractions.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import lru_cache

from kpicli.core.vocab import normalize
from kpicli.io.numfmt import NumberShape


class ScorecardValueError(ValueError):
    """A value or rule that cannot be used; the message is Chinese and meant for the user (the caller adds the cell)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# units read and dropped (longest first so 分钟 is not read as 分)
UNITS: tuple[str, ...] = ("小时", "分钟", "元", "天", "日", "次", "件", "个", "人", "户")
_UNIT_RE = "|".join(UNITS)
# digits, with thousands separators only in groups of three (1,500 and 36,000 are numbers; 1,2 is not)
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
NUMBER_RE = re.compile(rf"^([+-]?)({_DIGITS})(%|万元|万)?(?:{_UNIT_RE})?$")
# a number inside rule text: sign, digits, optional % or 万, optional unit
NUMBER_IN_TEXT = rf"[+-]?(?:{_DIGITS})(?:%|万元|万)?(?:{_UNIT_RE})?"
_MINUS = str.maketrans({"\u2212": "-", "\u2013": "-", "\ufe63": "-", "\uff0d": "-"})

YES_WORDS = frozenset(normalize(w) for w in ("是", "完成", "已完成", "达标", "合格", "√", "✓", "✔", "y", "yes"))
NO_WORDS = frozenset(normalize(w) for w in ("否", "未完成", "未达标", "不合格", "×", "✗", "✘", "x", "n", "no"))
CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_PLAIN_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d+)?|\.\d+)$")
_LEVEL_RE = re.compile(r"^(?:第)?(\d+|[一二两三四五六七八九十]+)(?:级|档|等)?$")


@dataclass(frozen=True)
class Amount:
    """A number as written: value in its own unit (90% → 90 with percent=True; 120万 → 1,200,000)."""

    value: Fraction
    percent: bool = False
    wan: bool = field(default=False, compare=False)  # written with 万 (or 万元): its unit must match the rule's

    def __str__(self) -> str:
        return fmt(self.value) + ("%" if self.percent else "")


@dataclass(frozen=True)
class Actual:
    """One 实际完成 cell, parsed once: blank, an amount, a level, yes/no, or other text."""

    raw: object
    text: str = ""  # normalised text ('' when blank)
    amount: Amount | None = None
    level: int | None = None
    flag: bool | None = None
    shape: NumberShape | None = None  # the cell's number format, when it shows a percentage or fixed decimals

    @property
    def blank(self) -> bool:
        return self.text == ""

    @property
    def percent_cell(self) -> bool:
        """A number in a cell formatted as a percentage (it holds 0.98 for the 98% its user sees)."""
        return self.shape is not None and self.shape.percent and cell_number(self.raw) is not None

    def shown(self) -> str:
        if self.percent_cell and self.amount is not None:
            return fmt(self.amount.value * 100) + "%"
        return display(self.raw)


def fmt(value: Fraction | Decimal | int) -> str:
    """An exact number for messages: 17.5, 30, -0.5; a non-terminating fraction to 4 places (≈)."""
    value = Fraction(value)
    den = value.denominator
    for p in (2, 5):
        while den % p == 0:
            den //= p
    if den == 1:
        text = format(Decimal(value.numerator) / Decimal(value.denominator), "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text
    quantized = (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.0001"))
    return "≈" + format(quantized, "f")


# A department workbook repeats the same few texts and numbers in thousands of cells (rules, 是/否, weights):
# the pure per-cell readings below are cached on the value and its type (1, 1.0 and True stay apart), so each
# distinct cell text is parsed once. Bounded, so a huge workbook of distinct texts cannot grow them without end.
_CACHE = 16384


def cached_normalize(raw: object) -> str:
    """normalize(raw), cached for hashable cell values."""
    try:
        return _normalize(raw)
    except TypeError:  # an unhashable value: not a cell value, but never fail for it
        return normalize(raw)


_normalize = lru_cache(maxsize=_CACHE, typed=True)(normalize)


def display(raw: object) -> str:
    """A cell value as the user sees it (floats by their shortest form, 30.0 as 30)."""
    try:
        return _display(raw)
    except TypeError:
        return _display.__wrapped__(raw)


@lru_cache(maxsize=_CACHE, typed=True)
def _display(raw: object) -> str:
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "是" if raw else "否"
    if isinstance(raw, datetime) and raw.time() == time(0):
        return raw.date().isoformat()
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            return str(raw)
        return fmt(Fraction(Decimal(repr(raw))))
    return unicodedata.normalize("NFKC", str(raw)).strip()


def cell_number(raw: object) -> Fraction | None:
    """A numeric cell's exact value (floats via their shortest repr); None for anything that is not a number."""
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, int):
        return Fraction(raw)
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            return None
        return Fraction(Decimal(repr(raw)))
    return None


def clean_text(raw: object) -> str:
    """Normalised text (NFKC, no white space, lower case, every minus sign as '-')."""
    return cached_normalize(raw).translate(_MINUS)


def parse_amount_text(text: str) -> Amount | None:
    """'90%', '-120万', '−3天', '1.5小时', '0.5' → Amount; None when the text is not one number."""
    match = NUMBER_RE.match(clean_text(text))
    if not match:
        return None
    sign, digits, suffix = match.groups()
    try:
        value = Fraction(Decimal(digits.replace(",", "")))
    except (InvalidOperation, ValueError):
        return None
    if suffix in ("万", "万元"):
        value *= 10000
    if sign == "-":
        value = -value
    return Amount(value, percent=suffix == "%", wan=suffix in ("万", "万元"))


def parse_amount(raw: object) -> Amount | None:
    """A cell as an amount: numbers exactly, text through parse_amount_text."""
    try:
        return _parse_amount(raw)
    except TypeError:
        return _parse_amount.__wrapped__(raw)


@lru_cache(maxsize=_CACHE, typed=True)
def _parse_amount(raw: object) -> Amount | None:
    number = cell_number(raw)
    if number is not None:
        return Amount(number)
    if isinstance(raw, str):
        return parse_amount_text(raw)
    return None


def parse_level_text(text: object) -> int | None:
    """3, '3级', '三级', '一级', '第二档' → the level number; None otherwise."""
    number = cell_number(text)
    if number is not None:
        return int(number) if number.denominator == 1 and number > 0 else None
    match = _LEVEL_RE.match(clean_text(text))
    if not match:
        return None
    word = match.group(1)
    if word.isdigit():
        level = int(word)
    else:
        level = _chinese_number(word)
    return level if level and level > 0 else None


def _chinese_number(word: str) -> int | None:
    """一 … 九十九 (enough for levels)."""
    if len(word) == 1:
        return CN_DIGITS.get(word)
    if "十" in word:
        tens, _, ones = word.partition("十")
        high = CN_DIGITS.get(tens, 0) if tens else 1
        low = CN_DIGITS.get(ones, 0) if ones else 0
        if (tens and tens not in CN_DIGITS) or (ones and ones not in CN_DIGITS) or len(word) > 3:
            return None
        return high * 10 + low
    return None


def parse_flag(raw: object) -> bool | None:
    """是/完成 → True, 否/未完成 → False, else None."""
    if isinstance(raw, bool):
        return raw
    text = clean_text(raw)
    if text in YES_WORDS:
        return True
    if text in NO_WORDS:
        return False
    return None


def parse_actual(raw: object) -> Actual:
    """One 实际完成 cell: every reading that applies (a rule picks the one it needs)."""
    try:
        return _parse_actual(raw)
    except TypeError:
        return _parse_actual.__wrapped__(raw)


@lru_cache(maxsize=_CACHE, typed=True)
def _parse_actual(raw: object) -> Actual:
    if isinstance(raw, (datetime, date, time)):
        return Actual(raw, text=str(raw))
    text = clean_text(raw) if not isinstance(raw, bool) else ("是" if raw else "否")
    if text == "":
        return Actual(raw)
    return Actual(raw, text=text, amount=parse_amount(raw), level=parse_level_text(raw), flag=parse_flag(raw))


def parse_points(raw: object) -> Fraction | None:
    """Reviewer points: a number, optionally followed by 分; None when not a number (blank is checked before)."""
    try:
        return _parse_points(raw)
    except TypeError:
        return _parse_points.__wrapped__(raw)


@lru_cache(maxsize=_CACHE, typed=True)
def _parse_points(raw: object) -> Fraction | None:
    number = cell_number(raw)
    if number is not None:
        return number
    if not isinstance(raw, str):
        return None
    text = clean_text(raw).removesuffix("分")
    if not _PLAIN_NUMBER.match(text):
        return None
    return Fraction(Decimal(text))


def is_blank(raw: object) -> bool:
    """None, or text that is white space only (after NFKC)."""
    if raw is None:
        return True
    return isinstance(raw, str) and (raw == "" or _blank_text(raw))


@lru_cache(maxsize=_CACHE)
def _blank_text(text: str) -> bool:
    return normalize(text) == ""
