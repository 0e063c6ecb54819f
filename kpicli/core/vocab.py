"""How kpicli compares and shows what a user typed, and the few words more than one layer needs.

Everything a user may type is compared after `normalize`: NFKC, all white space removed (full-width included),
lower case; a project or person's name by `name_key`, shown by `display_name`. A kind's own words (its sheets,
headers, spellings and result values) live in its package; only the words another layer needs live here, each
saying which.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

# The functions and touchpoint levels the shared tables of kpicli.toml weigh ([scoring]: function_weights,
# level_weights in kpicli.rules.model and kpicli.rules.schema). Here, not in a kind's package, because the rules
# layer imports no kind.
FUNCTIONS: tuple[str, ...] = ("营销", "研发", "工程", "客服", "物业")
LEVELS: tuple[str, ...] = ("一级", "二级", "三级")
# The sheet with 公司名称 (年度, 季度) that a workbook of any kind may have (kpicli template writes it).
INFO_SHEET = "基本信息"

_WS = re.compile(r"\s+", re.UNICODE)


def normalize(text: object) -> str:
    """NFKC, no white space at all, lower case: the form every comparison uses."""
    if text is None:
        return ""
    return _WS.sub("", unicodedata.normalize("NFKC", str(text))).lower()


def name_key(text: object) -> str:
    """The key a project or unit name is matched by, everywhere (sheets, roster, collect, explain, annual):
    white space of every kind removed, NFKC (full-width = half-width), lower case."""
    return normalize(text)


_LINE_BREAKS = re.compile(r"\s*[\r\n\t\v\f]+\s*")


def display_name(text: object) -> str:
    """A project or unit name as the user typed it: trimmed, a line break inside the cell shown as one space;
    no NFKC, so ＡＢＣ未来城 and 星河湾（南区） stay as written."""
    if text is None:
        return ""
    return _LINE_BREAKS.sub(" ", str(text).strip())


def clean_label(text: object) -> str:
    """A name as shown to users (project, sheet labels): NFKC and trimmed, inner spaces kept."""
    if text is None:
        return ""
    return unicodedata.normalize("NFKC", str(text)).strip()


def exact_decimal(value: object) -> Decimal | None:
    """The decimal a user typed: floats via their shortest repr, so 0.8 is exactly 0.8."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    text = normalize(value)
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA (column index is zero-based)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
