"""The columns of one header row of a scorecard table (contract §2): known names, the 工作目标/评价指标 pair of
seed 002's form, reviewer titles by position, and headers that read like scores.

    cols, suspects, problems = table_columns(row, r)
"""

from __future__ import annotations

from kpicli.core.errors import Problem
from kpicli.core.vocab import column_letter, normalize

from .layout import GOAL_HEADER, GOAL_INDICATORS, INDICATOR, header_field, reads_like_score, reviewer_title
from .values import display, is_blank

REVIEWER_SLOTS = ("reviewer1", "reviewer2")


def _ref(r: int, c: int) -> str:
    return f"{column_letter(c)}{r + 1}"


def table_columns(row: list[object], r: int, sheet: str) -> tuple[dict[str, int], dict[int, tuple[str, str]], list[Problem]]:
    """field → column of a header row; the columns whose header reads like a score but is none of the known
    columns (column → its cell and text: an error when they hold numbers); the problems of the header itself."""
    problems: list[Problem] = []

    def say(level: str, c: int, message: str) -> None:
        problems.append(Problem(level, sheet, _ref(r, c), message))  # type: ignore[arg-type]

    texts = {c: normalize(v) for c, v in enumerate(row) if not is_blank(v)}
    goal = any(t == GOAL_HEADER for t in texts.values()) and any(t in GOAL_INDICATORS for t in texts.values())
    cols: dict[str, int] = {}
    titled: list[int] = []
    suspects: dict[int, tuple[str, str]] = {}
    for c in texts:
        value = row[c]
        name = header_field(value)
        if goal and texts[c] == GOAL_HEADER:
            name = "dimension"
        elif goal and texts[c] in GOAL_INDICATORS:
            name = INDICATOR
        if name is None and reviewer_title(value):
            titled.append(c)
            continue
        if name is None:
            if reads_like_score(value):
                suspects[c] = (_ref(r, c), display(value))
            else:
                say("info", c, f"「{display(value)}」列不是绩效考核表的已知列，已忽略")
        elif name in cols:
            say("error", c, f"表头「{display(value)}」与 {_ref(r, cols[name])} 重复；请只保留一列")
        else:
            cols[name] = c
    free = [slot for slot in REVIEWER_SLOTS if slot not in cols]
    for c in titled:
        if free:
            cols[free.pop(0)] = c
        else:
            taken = "、".join(_ref(r, cols[s]) for s in REVIEWER_SLOTS)
            say("error", c, f"评分人列「{display(row[c])}」是第三位评分人；kpicli 只认两位评分人（已有 {taken}），"
                "请删去多余的评分列或把它并入其中一列")
    if "weight" in cols and "standard" in cols:
        say("error", cols["standard"], "同一张表不能既有「权重」列又有「标准分」列；请只保留一种")
    return cols, suspects, problems


def suspect_message(header: object) -> str:
    return (f"「{display(header)}」列填有分数，但 kpicli 不认识这一列，不知道这些分数算谁的（评分人的分数不能丢掉）；"
            "请把表头改为「自评」「上级评分」或「二级评分」（评分人的职务加「评分」也可以，如 部门经理评分），"
            "不是分数的列请改名")


__all__ = ["REVIEWER_SLOTS", "suspect_message", "table_columns"]
