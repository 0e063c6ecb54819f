"""The checklist's words: its functions' sheets, the fixed sheets, the headers of a function sheet, the spellings
of touchpoint levels and of result values, and the parsers of level and result cells.

Every comparison is of `normalize`d text (kpicli.core.vocab); the tables below hold normalised spellings. The
functions and levels themselves (FUNCTIONS, LEVELS) and the 基本信息 sheet's name (INFO_SHEET) are in
kpicli.core.vocab, which says why.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal

from kpicli.core.vocab import exact_decimal, normalize

COMPANY_GROUP = "城市公司"
# said where 项目排名 would stand in a file without project groups, so an empty ranking is not read as nobody scored
NO_PROJECT_RANKING = f"本文件没有项目列组（{COMPANY_GROUP}自己的检查表），汇总后评分才有项目排名"
DIRECTOR_ROLE = "项目总监"

# Sheet-name keywords for each function; a sheet belongs to a function when its name contains one.
FUNCTION_KEYWORDS: dict[str, tuple[str, ...]] = {
    "营销": ("营销",),
    "研发": ("研发", "设计"),
    "工程": ("工程",),
    "客服": ("客户关系", "客服"),
    "物业": ("物业",),
}
# Sheet names of each function in the template and in messages.
FUNCTION_SHEETS: dict[str, str] = {
    "营销": "营销篇",
    "研发": "研发篇",
    "工程": "工程篇",
    "客服": "客户关系篇",
    "物业": "物业篇",
}

# The fixed sheets beside the function sheets: 人员名单, and 基本信息 (kpicli.core.vocab.INFO_SHEET).
ROSTER_SHEET = "人员名单"
# What `kpicli collect` marks its merged workbook as (kpicli.io.outputs.mark_workbook, kpicli_kind).
COLLECTED_KIND = "汇总检查表"


def function_of_sheet(sheet_name: str) -> list[str]:
    """The functions whose keywords the sheet name contains (normally zero or one)."""
    name = normalize(sheet_name)
    return [f for f, words in FUNCTION_KEYWORDS.items() if any(w in name for w in words)]


def function_of_label(text: object) -> str | None:
    """A function named in a cell (人员名单 职能, rules keys): 营销, 设计→研发, 客户关系→客服 …"""
    name = normalize(text)
    if not name:
        return None
    for f, words in FUNCTION_KEYWORDS.items():
        if name == f or any(w in name for w in words):
            return f
    return None


# Item columns, recognised by header text.
ITEM_COLUMNS: dict[str, str] = {
    "序号": "seq",
    "触点编号": "item_id",
    "编号": "item_id",
    "客户阶段": "stage",
    "阶段": "stage",
    "触点名称": "name",
    "触点等级": "level",
    "等级": "level",
    "分值": "points",
    "标准动作": "action",
    "交付件": "deliverable",
    "检查方式": "method",
    "责任部门": "department",
}
NAME_HEADER = "触点名称"

SUBHEADERS: dict[str, str] = {
    "自查": "self",
    "自查结果": "self",
    "项目自查": "self",
    "检查": "check",
    "检查结果": "check",
    "复查": "check",
    "复核": "check",
    "城市公司检查": "check",
    "备注": "remark",
    "说明": "remark",
}

SUMMARY_NAMES = frozenset({"合计", "小计", "总计", "得分", "得分率", "完成率"})

_LEVEL_ALIASES = {
    "一级": ("一级", "1", "1级", "a", "a类", "ⅰ", "i", "关键", "一"),
    "二级": ("二级", "2", "2级", "b", "b类", "ⅱ", "ii", "重要", "二"),
    "三级": ("三级", "3", "3级", "c", "c类", "ⅲ", "iii", "一般", "三"),
}
LEVEL_ALIASES: dict[str, str] = {
    normalize(alias): level for level, aliases in _LEVEL_ALIASES.items() for alias in aliases
}

# Canonical result values.
DONE, PARTIAL, NOT_DONE, NOT_APPLICABLE, FRACTION = "完成", "部分完成", "未完成", "不适用", "比例"
RESULT_CHOICES: tuple[str, ...] = (DONE, PARTIAL, NOT_DONE, NOT_APPLICABLE)
_RESULT_ALIASES = {
    DONE: ("完成", "已完成", "√", "✓", "✔", "是", "y", "yes", "达标", "合格", "1", "100%"),
    PARTIAL: ("部分完成", "部分"),
    NOT_DONE: ("未完成", "×", "✗", "✘", "x", "否", "n", "no", "未达标", "不合格", "0", "0%"),
    NOT_APPLICABLE: ("不适用", "n/a", "na", "/", "—", "-", "无", "不涉及"),
}
RESULT_ALIASES: dict[str, str] = {
    normalize(alias): value for value, aliases in _RESULT_ALIASES.items() for alias in aliases
}


def parse_level(value: object) -> str | None:
    """一级/二级/三级 for any accepted spelling, else None."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return LEVEL_ALIASES.get(normalize(value))


def _classify_number(number: Decimal) -> tuple[str, Decimal | None] | None:
    if number == 1:
        return DONE, None
    if number == 0:
        return NOT_DONE, None
    if 0 < number < 1:
        return FRACTION, number
    return None


def parse_result(value: object) -> tuple[str, Decimal | None] | None:
    """Classify one non-blank result cell → (canonical value, fraction or None); None if unknown.

    The fraction is set only for FRACTION: a number strictly between 0 and 1, or a percentage string.
    A typed non-text value that is no documented result is unknown (None): a logical TRUE/FALSE (a check box, a
    formula) and a date, time or duration (a time is a fraction of a day: 12:00 would otherwise read as 0.5).
    """
    if isinstance(value, (bool, date, time, timedelta)):
        return None
    if isinstance(value, (int, float)):
        number = exact_decimal(value)
        return None if number is None else _classify_number(number)
    text = normalize(value)
    if text in RESULT_ALIASES:
        return RESULT_ALIASES[text], None
    if text.endswith("%"):
        number = exact_decimal(text[:-1])
        return None if number is None else _classify_number(number / 100)
    number = exact_decimal(text)
    return None if number is None else _classify_number(number)


