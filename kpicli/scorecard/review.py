"""The 民主评议 sheet (contract scorecard.md §6): a sheet named 民主评议 in any workbook of the year, with 姓名,
部门 (optional) and 得分 0–100 per person; and how its rows are matched to the people of the forms.

    reviews, problems = read_reviews(grid, file)
    matched, problems = match_reviews({person_key(name, department): department, …}, reviews)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from kpicli.core.errors import Problem
from kpicli.core.vocab import column_letter, display_name, name_key
from kpicli.io.workbook import Grid, NoFormulaValue

from .detect import REVIEW_SHEET
from .layout import PERSON_LABELS
from .values import fmt, is_blank, parse_points

REVIEW_SCORE_HEADERS = frozenset({"得分", "评议得分", "民主评议得分", "平均分", "分数"})
Key = tuple[str, str]  # (姓名, 部门) by the one name rule; 部门 "" when absent


def person_key(name: object, department: object) -> Key:
    return name_key(name), name_key(department)


@dataclass
class Review:
    name: str
    department: str | None
    score: Fraction
    file: str
    sheet: str
    cell: str


def _header(rows: list[list[object]]) -> tuple[int, dict[str, int]] | None:
    """The row holding 姓名 and a score header, with the columns of 姓名, 部门 (optional) and the score."""
    for r, row in enumerate(rows):
        columns: dict[str, int] = {}
        for c, value in enumerate(row):
            text = name_key(value) if isinstance(value, str) else ""
            field_ = PERSON_LABELS.get(text)
            if field_ in ("name", "department"):
                columns.setdefault(field_, c)
            elif text in REVIEW_SCORE_HEADERS:
                columns.setdefault("score", c)
        if "name" in columns and "score" in columns:
            return r, columns
    return None


def read_reviews(grid: Grid, file: str) -> tuple[list[Review], list[Problem]]:
    """The 民主评议 rows of one sheet: 姓名, 部门 (optional), 得分 0–100; a blank score is no score."""
    problems: list[Problem] = []

    def error(cell: str | None, message: str) -> None:
        problems.append(Problem("error", grid.name, cell, message, file=file))

    rows = grid.dense()
    found = _header(rows)
    if found is None:
        error(None, f"「{REVIEW_SHEET}」表没有表头：需要一行含「姓名」和「得分」（部门可选）")
        return [], problems
    top, columns = found
    reviews = []
    for r in range(top + 1, len(rows)):
        row = rows[r]
        name, raw = row[columns["name"]], row[columns["score"]]
        dept = row[columns["department"]] if "department" in columns else None
        cell = f"{column_letter(columns['score'])}{r + 1}"
        if is_blank(name):
            if not is_blank(raw):
                error(f"{column_letter(columns['name'])}{r + 1}", "这一行有得分却没有姓名；请填写姓名")
            continue
        if is_blank(raw):
            problems.append(Problem("warning", grid.name, cell, f"「{display_name(name)}」没有民主评议得分", file=file))
            continue
        score = None if isinstance(raw, NoFormulaValue) else parse_points(raw)
        if score is None:
            hint = "公式没有保存计算结果，请在 Excel 中打开并保存后再运行" if isinstance(raw, NoFormulaValue) else "请填写数字"
            error(cell, f"民主评议得分「{raw}」不是数字；{hint}")
        elif not 0 <= score <= 100:
            error(cell, f"民主评议得分 {fmt(score)} 超出 0–100；请改正")
        else:
            reviews.append(Review(display_name(name), display_name(dept) or None, score, file, grid.name, cell))
    return reviews, problems




def match_reviews(people: Mapping[Key, str | None], reviews: list[Review]) -> tuple[dict[Key, Review], list[Problem]]:
    """people: key → 部门 of everyone on a form. A review with 部门 matches 姓名 and 部门; without, the one person
    of that name (two of them: an error); a review of nobody on a form keeps its own key (that person is listed
    as not computed). One score per person."""
    problems: list[Problem] = []
    matched: dict[Key, Review] = {}
    for review in reviews:
        key = person_key(review.name, review.department)
        if review.department is None:
            same = [k for k in people if k[0] == key[0]]
            if len(same) > 1:
                problems.append(Problem("error", review.sheet, review.cell, f"有 {len(same)} 位「{review.name}」（"
                                        f"{'、'.join(people[k] or '未填部门' for k in same)}），这一行没有部门，"
                                        "无法确定是哪一位；请在民主评议表中填写部门", file=review.file))
                continue
            key = same[0] if same else key
        if key in matched:
            first = matched[key]
            problems.append(Problem("error", review.sheet, review.cell, f"「{review.name}」的民主评议得分已在 "
                                    f"{first.file} {first.sheet}!{first.cell} 给出；每人只能有一个民主评议得分，请删去其中一个",
                                    file=review.file))
            continue
        matched[key] = review
    return matched, problems


__all__ = ["REVIEW_SCORE_HEADERS", "Key", "Review", "match_reviews", "person_key", "read_reviews"]
