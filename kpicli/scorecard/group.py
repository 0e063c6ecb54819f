"""Several scorecard files as one group (contract scorecard.md §4 "Several files"): a folder of one file per
person, or several department workbooks of one period, scored as one result with ranks over everyone.

    score_books([read_workbook(p) for p in paths]) → ScorecardResult

Sheet names repeat across files (every person's file may call its sheet 考核表), and the result's frames are
keyed by sheet. So with more than one file each sheet is keyed as Excel names a sheet of another file,
`[张三.xlsx]考核表`; the problems keep the plain sheet name and carry the file in Problem.file.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from kpicli.core.errors import DataError, Problem
from kpicli.core.vocab import normalize
from kpicli.io.workbook import RawWorkbook

from .assess import score_book
from .book import ScorecardBook, read_book
from .result import ScorecardResult
from .settings import DEFAULT_SETTINGS, ScorecardSettings

if TYPE_CHECKING:
    from .indicators import IndicatorSet

__all__ = ["group_key", "score_books"]


def group_key(file: str, sheet: str) -> str:
    """The key of a sheet in a group of files: [file]sheet, the way Excel writes a cell of another workbook."""
    return f"[{file}]{sheet}"


def _file_names(raws: Sequence[RawWorkbook]) -> list[str]:
    """File names, or the path as given when two files of the group share a name (a/张三.xlsx, b/张三.xlsx)."""
    names = [raw.path.name for raw in raws]
    return [str(raw.path) if names.count(raw.path.name) > 1 else raw.path.name for raw in raws]


def _refuse_periods(books: list[ScorecardBook], files: list[str]) -> None:
    """Files of different periods are refused, naming the files of each period."""
    by_period: dict[str, list[str]] = {}
    for book, file in zip(books, files):
        for period in dict.fromkeys(p for p in book.people["period"] if p):
            by_period.setdefault(period, []).append(file)
    if len(by_period) > 1:
        listed = "；".join(f"{period}：{'、'.join(names)}" for period, names in by_period.items())
        raise DataError(f"这批文件的考核期间不同（{listed}）；一次只能评同一期间的考核表，请把其他期间的文件移出",
                        [Problem("error", None, None, f"考核期间为 {period}", file=f)
                         for period, names in by_period.items() for f in names])


def _duplicates(books: list[ScorecardBook], files: list[str]) -> list[Problem]:
    """One person (姓名 and 部门) in two files: an error naming both files and sheets; one 姓名 in two departments
    of different files: a warning naming both."""
    problems = []
    seen: dict[tuple[str, str], tuple[str, str]] = {}
    names: dict[str, list[tuple[str, dict]]] = {}
    for book, file in zip(books, files):
        for p in book.people.to_dict("records"):
            names.setdefault(normalize(p["person"]), []).append((file, p))
    for found in names.values():  # one name in two departments of different files: a transfer paid twice?
        if len({normalize(p["department"]) for _, p in found}) > 1 and len({f for f, _ in found}) > 1:
            listed = "、".join(f"{f}（工作表「{p['sheet']}」，{p['department'] or '未填部门'}）" for f, p in found)
            file, last = found[-1]
            problems.append(Problem("warning", last["sheet"], last["name_cell"],
                                    f"「{last['person']}」出现在不同部门：{listed}；按两个人分别评分和发放绩效奖金。"
                                    "若是同一人调岗，请只保留一张考核表", file=file))
    for book, file in zip(books, files):
        for p in book.people.to_dict("records"):
            key = (normalize(p["person"]), normalize(p["department"]))
            if key not in seen:
                seen[key] = (file, p["sheet"])
                continue
            first_file, first_sheet = seen[key]
            if first_file == file:
                continue  # the same book's own check already says so
            dept = f"（{p['department']}）" if p["department"] else ""
            problems.append(Problem("error", p["sheet"], p["name_cell"],
                                    f"「{p['person']}」{dept}同时出现在 {first_file}（工作表「{first_sheet}」）和 "
                                    f"{file}（工作表「{p['sheet']}」）；同一人只能有一张考核表，请删去其中一份",
                                    file=file))
    return problems


def _company(books: list[ScorecardBook], files: list[str]) -> tuple[str | None, list[Problem]]:
    companies: dict[str, list[str]] = {}
    for book, file in zip(books, files):
        if book.company:
            companies.setdefault(book.company, []).append(file)
    if len(companies) > 1:
        listed = "；".join(f"{c}：{'、'.join(names)}" for c, names in companies.items())
        first = next(iter(companies))
        return first, [Problem("warning", None, None, f"各文件的公司名称不同（{listed}）；结果中采用「{first}」")]
    return next(iter(companies), None), []


def _rekey(frame: pd.DataFrame, file: str) -> pd.DataFrame:
    out = frame.copy()
    out["sheet"] = pd.Series([group_key(file, s) for s in out["sheet"]], index=out.index, dtype=object)
    return out


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    filled = [f for f in frames if len(f)]
    if not filled:
        return frames[0]
    out = pd.concat(filled, ignore_index=True)
    return out.astype(object).where(out.notna(), None)


def score_books(raws: Sequence[RawWorkbook], settings: ScorecardSettings = DEFAULT_SETTINGS,
                sets: Sequence[IndicatorSet] = ()) -> ScorecardResult:
    """Score several scorecard workbooks of one period as one group: one result, ranks over everyone.

    Raises DataError (naming the files) for files of different periods. Every other
    problem is in the result with its file; one workbook is scored exactly as score_workbook scores it.
    """
    if not raws:
        raise DataError("没有要评分的绩效考核表文件")
    files = _file_names(raws)
    books = [read_book(raw, sets=sets, settings=settings) for raw in raws]
    if len(raws) == 1:
        return _with_file(score_book(books[0], settings), {}, files[0])
    _refuse_periods(books, files)
    company, problems = _company(books, files)
    for book, file in zip(books, files):
        problems.extend(dataclasses.replace(p, file=p.file or file) for p in book.problems)
    problems.extend(_duplicates(books, files))
    keys = {group_key(f, s): (f, s) for b, f in zip(books, files) for s in b.people["sheet"]}
    group = ScorecardBook(
        indicators=_concat([_rekey(b.indicators, f) for b, f in zip(books, files)]),
        people=_concat([_rekey(b.people, f) for b, f in zip(books, files)]),
        red_lines=_concat([_rekey(b.red_lines, f) for b, f in zip(books, files)]),
        sections=_concat([_rekey(b.sections, f) for b, f in zip(books, files)]),
        company=company,
        period=next(iter({p for b in books for p in b.people["period"] if p}), None),
        problems=problems,
        absent=_concat([_rekey(b.absent, f) for b, f in zip(books, files)]),
    )
    return _with_file(score_book(group, settings), keys, None)


def _with_file(result: ScorecardResult, keys: dict[str, tuple[str, str]], only: str | None) -> ScorecardResult:
    """Problems of a grouped sheet get their plain sheet name back and the file; a single file names itself."""
    fixed = []
    for p in result.problems:
        if p.sheet in keys:
            file, sheet = keys[p.sheet]
            p = dataclasses.replace(p, sheet=sheet, file=file)
        elif p.file is None and only is not None:
            p = dataclasses.replace(p, file=only)
        fixed.append(p)
    result.problems = fixed
    return result

